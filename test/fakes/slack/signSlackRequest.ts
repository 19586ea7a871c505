import { createHmac } from 'node:crypto';

/**
 * Signs a request body as Slack does: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the
 * signing secret. Docs: https://api.slack.com/authentication/verifying-requests-from-slack
 */
export function signSlackRequest(signingSecret: string, body: string, timestampSec: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
  return {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': signature,
  };
}
