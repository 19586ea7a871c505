import { webApi } from '@slack/bolt';
import type { Logger } from '../ops/logger.js';
import { toBoltLogger } from './boltLogger.js';

/** A Slack request that has not answered in this long is abandoned and counts as a network error. */
export const SLACK_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The Web API options forcewatch's own calls use. A 429 must reach our outbox instead of pausing the
 * client's whole queue for `Retry-After` (`rejectRateLimitedCalls`), failures surface at once for the
 * pipeline's retry (`retries: 0`; the default retries for about 30 minutes), and every request has a
 * timeout (the default has none).
 * Docs: https://docs.slack.dev/tools/node-slack-sdk/web-api#rate-limits
 */
export function slackClientOptions(apiUrl: string, logger: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    logger: toBoltLogger(logger.child({ component: 'slack-web-api' })),
    timeout: SLACK_REQUEST_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  };
}

/** A WebClient for `token` with `slackClientOptions`. */
export function createSlackWebClient(token: string, apiUrl: string, logger: Logger): webApi.WebClient {
  return new webApi.WebClient(token, slackClientOptions(apiUrl, logger));
}
