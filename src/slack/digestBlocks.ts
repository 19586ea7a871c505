import {
  digestFacts,
  digestSummary,
  digestSymbolLines,
  digestTitle,
  digestWindow,
  largestOrderText,
  QUIET_DAY,
} from '../format/digestText.js';
import type { DigestNotification, NotificationAccount } from '../sinks/Sink.js';
import { contextBlock, escapeSlackText, fieldsBlock, headerBlock, type SlackMessage, slackDate, textBlock } from './blockKit.js';

/**
 * The daily digest as a Block Kit message: the account and day in the header, the figures as fields,
 * the largest order, the symbols (top 10, the rest counted), the window in the context line. Every
 * block is cut to its own limit by the block builders, and the whole stays far below the 12,000
 * characters `blockKit.ts` budgets (at most 11 symbol lines). Never a mention: a digest is a report,
 * not an alarm, and every string from the exchange is escaped.
 */
export function renderDigest(notification: DigestNotification & { account?: NotificationAccount }): SlackMessage {
  const { digest, account } = notification;
  const fields = digestFacts(digest, slackDate).map((fact) => ({
    label: fact.label,
    // The uniMMR's time is Slack date markup, built from a number: nothing there to escape.
    value: fact.label === 'Lowest uniMMR' ? fact.value : escapeSlackText(fact.value),
  }));
  const largest = largestOrderText(digest);
  const symbols = digestSymbolLines(digest);
  return {
    text: escapeSlackText(digestSummary(digest, account)),
    blocks: [
      headerBlock(`:bar_chart: ${escapeSlackText(digestTitle(digest, account))}`),
      ...(digest.count === 0 ? [textBlock(QUIET_DAY)] : []),
      fieldsBlock(fields),
      ...(largest === undefined ? [] : [textBlock(`*Largest:* ${escapeSlackText(largest)}`)]),
      ...(symbols.length === 0 ? [] : [textBlock(symbols.map((line) => `• ${escapeSlackText(line)}`).join('\n'))]),
      contextBlock([`forcewatch daily digest · ${digestWindow(digest)}`]),
    ],
  };
}
