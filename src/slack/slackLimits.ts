/**
 * Block Kit and message limits as Slack enforces them on `chat.postMessage` and `response_url`.
 * Docs: https://api.slack.com/reference/block-kit/blocks (per block) and
 * https://api.slack.com/methods/chat.postMessage (message); the total-size limit is not documented
 * but observed at about 13,000 characters (`msg_blocks_too_long`, slackapi/bolt-js#2509).
 */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** `header` block: plain_text only. */
  headerText: 150,
  /** `section` block text. */
  sectionText: 3000,
  /** `section` block: number of fields. */
  sectionFields: 10,
  /** `section` block: each field's text. */
  fieldText: 2000,
  /** `context` block: number of elements. */
  contextElements: 10,
  /** Sum of every text in every block before Slack answers `msg_blocks_too_long`. */
  blocksTotalText: 13_000,
  /** Top-level `text`; Slack truncates longer text and may answer `msg_too_long`. */
  messageText: 40_000,
} as const;

/**
 * What our renderers allow themselves for all block text together: below `blocksTotalText`
 * because Slack's own count includes markup we cannot see (block ids, JSON keys).
 */
export const BLOCKS_TEXT_BUDGET = 12_000;
