/**
 * Block Kit validation as Slack applies it to `chat.postMessage`, from Slack's reference
 * (https://api.slack.com/reference/block-kit/blocks) — written from the docs, not from our renderer:
 * a bad block answers `invalid_blocks`, too much text in all answers `msg_blocks_too_long`.
 */
const FAKE_SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  blockId: 255,
  // Observed rather than documented (slackapi/bolt-js#2509: rejected from about 13,200 characters).
  totalText: 13_000,
} as const;

type Json = Record<string, unknown>;

function isText(value: unknown, max: number, plainOnly = false): value is { text: string } {
  if (!value || typeof value !== 'object') return false;
  const t = value as Json;
  if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn')) return false;
  return typeof t.text === 'string' && t.text.length >= 1 && t.text.length <= max;
}

function textsOf(block: Json): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.text === 'string') out.push(o.text);
      else Object.values(o).forEach(visit);
    }
  };
  visit(block);
  return out;
}

/** Checks one block; returns what is wrong with it (Slack says it in `response_metadata.messages`). */
function blockProblem(block: unknown): string | undefined {
  if (!block || typeof block !== 'object') return 'block is not an object';
  const b = block as Json;
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > FAKE_SLACK_LIMITS.blockId))
    return 'block_id too long';
  switch (b.type) {
    case 'header':
      return isText(b.text, FAKE_SLACK_LIMITS.header, true) ? undefined : 'header text must be plain_text of 1-150 characters';
    case 'section': {
      if (b.text === undefined && b.fields === undefined) return 'section needs text or fields';
      if (b.text !== undefined && !isText(b.text, FAKE_SLACK_LIMITS.sectionText)) return 'section text must be 1-3000 characters';
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > FAKE_SLACK_LIMITS.fields)
          return 'section fields: 1-10 items';
        if (!b.fields.every((f) => isText(f, FAKE_SLACK_LIMITS.fieldText))) return 'section field text must be 1-2000 characters';
      }
      return undefined;
    }
    case 'context': {
      const elements = b.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > FAKE_SLACK_LIMITS.contextElements)
        return 'context: 1-10 elements';
      return elements.every((e) => isText(e, FAKE_SLACK_LIMITS.sectionText)) ? undefined : 'context element must be a text object';
    }
    case 'divider':
      return undefined;
    default:
      return `unsupported block type ${String(b.type)}`;
  }
}

/** Slack's answer to these blocks: `undefined` when accepted, else the error code and why. */
export function validateBlocks(blocks: unknown): { error: string; why: string } | undefined {
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', why: 'blocks must be an array' };
  if (blocks.length > FAKE_SLACK_LIMITS.blocks) return { error: 'invalid_blocks', why: `more than ${FAKE_SLACK_LIMITS.blocks} blocks` };
  for (const [i, block] of blocks.entries()) {
    const why = blockProblem(block);
    if (why) return { error: 'invalid_blocks', why: `[${i}] ${why}` };
  }
  const total = blocks.reduce((n: number, b) => n + textsOf(b as Json).reduce((m, t) => m + t.length, 0), 0);
  if (total > FAKE_SLACK_LIMITS.totalText) return { error: 'msg_blocks_too_long', why: `${total} characters of block text` };
  return undefined;
}
