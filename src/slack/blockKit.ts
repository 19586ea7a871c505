import { formatTime } from '../format/formatTime.js';
import { SLACK_LIMITS } from './slackLimits.js';

/** A Block Kit text object. Docs: https://api.slack.com/reference/block-kit/composition-objects#text */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** The few Block Kit layout blocks forcewatch uses. Docs: https://api.slack.com/reference/block-kit/blocks */
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** A message body: blocks for people, `text` for notifications and clients that show no blocks. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Cuts `text` to `max` characters with an ellipsis, never leaving half an entity (`&am`) or half of
 * our own `<...>` markup behind, which Slack would reject or render as garbage.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, max - 1)
    .replace(/&[a-z]*$/, '')
    .replace(/<[^>]*$/, '');
  return `${cut}…`;
}

/** A header block (plain_text, at most 150 characters). */
export function headerBlock(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true } };
}

/** A section block with mrkdwn text (at most 3,000 characters). */
export function textBlock(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } };
}

/** A section of `*label*` / value fields: at most 10, each at most 2,000 characters. */
export function fieldsBlock(fields: { label: string; value: string }[]): SlackBlock {
  return {
    type: 'section',
    fields: fields.slice(0, SLACK_LIMITS.sectionFields).map((f) => ({
      type: 'mrkdwn' as const,
      text: clip(`*${f.label}*\n${f.value}`, SLACK_LIMITS.fieldText),
    })),
  };
}

/** A context block of mrkdwn elements (at most 10). */
export function contextBlock(texts: string[]): SlackBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => ({
      type: 'mrkdwn' as const,
      text: clip(t, SLACK_LIMITS.sectionText),
    })),
  };
}

/**
 * A time every reader sees in their own time zone, with UTC as the fallback for clients that
 * cannot format it. Docs: https://api.slack.com/reference/surfaces/formatting#date-formatting
 */
export function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${formatTime(ms)}>`;
}

/** Characters of text across `blocks`, as Slack counts them toward `msg_blocks_too_long`. */
export function blocksTextLength(blocks: SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header') total += block.text.text.length;
    else if (block.type === 'section') {
      total += block.text?.text.length ?? 0;
      for (const f of block.fields ?? []) total += f.text.length;
    } else if (block.type === 'context') for (const e of block.elements) total += e.text.length;
  }
  return total;
}

/**
 * Packs `lines` into as few section blocks as possible, within `maxBlocks` blocks and `maxChars`
 * characters; returns the blocks and how many lines made it, so the caller can say what did not.
 */
export function packLines(lines: string[], maxBlocks: number, maxChars: number): { blocks: SlackBlock[]; shown: number } {
  const blocks: SlackBlock[] = [];
  let current = '';
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= SLACK_LIMITS.sectionText && used + next.length - current.length <= maxChars) {
      used += next.length - current.length;
      current = next;
      shown += 1;
      continue;
    }
    if (!current || blocks.length + 1 >= maxBlocks || used + line.length > maxChars) break;
    blocks.push(textBlock(current));
    current = line;
    used += line.length;
    shown += 1;
  }
  if (current) blocks.push(textBlock(current));
  return { blocks, shown };
}
