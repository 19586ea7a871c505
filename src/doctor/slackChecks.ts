import { once } from 'node:events';
import { createServer } from 'node:net';
import { webApi } from '@slack/bolt';
import { errorCode, errorMessage } from '../errorCode.js';
import { silentLogger } from '../ops/logger.js';
import { createSlackWebClient } from '../slack/createSlackAdapter.js';
import type { SlackConfig, SlackConnection } from '../slack/slackConfig.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** Slack: the bot token, then the alert channel, and how `/forceorders` reaches the bot (Socket Mode or HTTP). */
export async function checkSlack(config: SlackConfig): Promise<CheckResult[]> {
  const client = createSlackWebClient(config.botToken, config.apiUrl, silentLogger);
  const appClient =
    config.connection.mode === 'socket' ? createSlackWebClient(config.connection.appToken, config.apiUrl, silentLogger) : undefined;
  const auth = await checkSlackAuth(client, config.apiUrl);
  if (!auth.ok) return [auth, await checkSlackConnection(config.connection, appClient, config.apiUrl)];
  return [
    auth,
    await checkSlackChannel(client, config.alertChannel, config.apiUrl),
    await checkSlackConnection(config.connection, appClient, config.apiUrl),
  ];
}

/** `auth.test` with the bot token: the token is valid, and for which workspace and bot user. https://api.slack.com/methods/auth.test */
async function checkSlackAuth(client: webApi.WebClient, apiUrl: string): Promise<CheckResult> {
  const name = 'slack: bot token';
  try {
    const answer = await client.auth.test();
    return pass(name, `valid: bot user ${answer.user ?? '?'} (${answer.user_id ?? '?'}) in workspace ${answer.team ?? '?'}`);
  } catch (error) {
    return fail(name, `auth.test failed: ${errorMessage(error)}`, `SLACK_BOT_TOKEN: ${slackAdvice(error, apiUrl)}`);
  }
}

/**
 * `conversations.info` on the alert channel: it exists, is not archived, and the bot is a member
 * (`is_member`), which `chat.postMessage` needs. The method needs `channels:read` (public channels) or
 * `groups:read` (private ones); without them only this check is skipped, alerts still work.
 * https://api.slack.com/methods/conversations.info
 */
async function checkSlackChannel(client: webApi.WebClient, channel: string, apiUrl: string): Promise<CheckResult> {
  const name = 'slack: alert channel';
  try {
    const answer = await client.conversations.info({ channel });
    const info = answer.channel ?? {};
    const label = `#${info.name ?? channel} (${channel})`;
    if (info.is_archived) return fail(name, `${label} is archived`, 'unarchive it, or set SLACK_ALERT_CHANNEL to another channel');
    if (!info.is_member)
      return fail(
        name,
        `the bot is not a member of ${label}`,
        `in ${label}, type /invite @forcewatch (or add the app from the channel's settings → Integrations)`,
      );
    return pass(name, `the bot is a member of ${label}`);
  } catch (error) {
    if (slackErrorCode(error) === 'missing_scope') {
      const needed = (error as { data?: { needed?: string } }).data?.needed ?? 'channels:read,groups:read';
      return fail(
        name,
        `cannot check membership of ${channel}: the bot token lacks ${needed}`,
        `add the bot scopes channels:read and groups:read (OAuth & Permissions, or oauth_config.scopes.bot in slack-app-manifest.yml) and reinstall the app; until then make sure the bot was invited to ${channel}`,
        { critical: false },
      );
    }
    return fail(name, `conversations.info failed for ${channel}: ${errorMessage(error)}`, slackAdvice(error, apiUrl));
  }
}

/**
 * How Slack reaches `/forceorders`. Socket Mode: `apps.connections.open` with the app token returns a
 * WebSocket URL; the doctor does not connect to it, because Slack spreads events over every open
 * connection and one sent to the doctor would be lost. HTTP mode: the receiver's port is free.
 * Commands only: alerts go out over the Web API either way.
 * https://api.slack.com/methods/apps.connections.open
 */
async function checkSlackConnection(
  connection: SlackConnection,
  appClient: webApi.WebClient | undefined,
  apiUrl: string,
): Promise<CheckResult> {
  const name = 'slack: commands connection';
  if (connection.mode === 'http') return checkPortFree(name, connection.port);
  try {
    await appClient?.apps.connections.open();
    return pass(name, 'SLACK_APP_TOKEN opens a Socket Mode connection');
  } catch (error) {
    return fail(name, `apps.connections.open failed: ${errorMessage(error)}`, `SLACK_APP_TOKEN: ${slackAdvice(error, apiUrl)}`, {
      critical: false,
    });
  }
}

async function checkPortFree(name: string, port: number): Promise<CheckResult> {
  const server = createServer();
  server.listen(port);
  try {
    await once(server, 'listening');
    return pass(name, `HTTP mode: port ${port} is free for Slack's requests (/slack/events)`);
  } catch (error) {
    const code = String(errorCode(error) ?? 'error');
    return fail(
      name,
      `HTTP mode: port ${port} cannot be used (${code})`,
      `stop what listens on port ${port} (a running forcewatch?) or set SLACK_PORT to a free port`,
      { critical: false },
    );
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Slack's error strings turned into what to change; each method's page lists its errors.
 * https://api.slack.com/methods/auth.test#errors, https://api.slack.com/methods/conversations.info#errors,
 * https://api.slack.com/methods/apps.connections.open#errors
 */
const BY_ERROR: Record<string, string> = {
  invalid_auth:
    'the token is not valid: copy it again from the app page (OAuth & Permissions for xoxb-, Basic Information → App-Level Tokens for xapp-)',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the token belongs to a deleted user or workspace: reinstall the app and update the token',
  token_revoked: 'the token was revoked: reinstall the app (Install App) and update the token',
  token_expired: 'the token expired: turn token rotation off in the manifest, reinstall, and update the token',
  channel_not_found:
    'SLACK_ALERT_CHANNEL is not a channel the bot can see: use the channel id (channel details → bottom, C… or G…); for a private channel, /invite @forcewatch first',
  not_allowed_token_type: 'SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope, not the bot token',
};

/** The `error` string Slack answered with, when the WebClient threw a platform error. */
function slackErrorCode(error: unknown): string | undefined {
  const e = error as Partial<webApi.WebAPIPlatformError> | undefined;
  return e?.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** What to change after a Slack Web API call threw `error`. */
function slackAdvice(error: unknown, apiUrl: string): string {
  const e = error as Partial<webApi.WebAPICallError> | undefined;
  const code = slackErrorCode(error);
  if (code) return BY_ERROR[code] ?? `Slack answered ${code}: see https://api.slack.com/methods for what it means`;
  if (e?.code === webApi.ErrorCode.RateLimitedError) return 'Slack is rate limiting this app: wait a minute and run again';
  return `cannot reach Slack at ${apiUrl}: check this host's network, DNS, firewall or proxy (and SLACK_API_URL if set)`;
}
