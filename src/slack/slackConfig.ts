import { EnvReader, parseHttpUrl } from '../envReader.js';
import { registerSecret } from '../ops/redact.js';

/** How Slack reaches the bot: an outbound WebSocket (Socket Mode) or inbound HTTP requests. */
export type SlackConnection = { mode: 'socket'; appToken: string } | { mode: 'http'; signingSecret: string; port: number };

/** Every Slack setting, validated. Core config knows none of these. */
export interface SlackConfig {
  /** Bot token (`xoxb-…`), for `chat.postMessage` and `auth.test`. */
  botToken: string;
  /** Channel id (`C…`/`G…`) alerts are posted to. */
  alertChannel: string;
  connection: SlackConnection;
  /** Web API base URL with a trailing `/` (Slack's own unless `SLACK_API_URL` says otherwise). */
  apiUrl: string;
  /** Mention markup put in front of large alerts (`<!subteam^S123>`, `<@U123>`, `<!here>`). */
  mention?: string;
  /** Users allowed to run `/forceorders` anywhere. */
  allowedUsers: string[];
  /** Channels where anyone may run `/forceorders` (default: the alert channel). */
  allowedChannels: string[];
}

/** A valid Slack config (`undefined`: Slack not configured), or every problem found. */
export type SlackConfigResult = { ok: true; config: SlackConfig | undefined } | { ok: false; errors: string[] };

/** Slack's Web API base. Docs: https://api.slack.com/web#basics */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
/** Port of the HTTP receiver when `SLACK_PORT` is unset (Bolt's own default). */
const DEFAULT_SLACK_PORT = 3000;

const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
const APP_TOKEN = /^xapp-[A-Za-z0-9-]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CONVERSATION_ID = /^[CGD][A-Z0-9]{2,}$/;
// Docs: https://api.slack.com/reference/surfaces/formatting#mentioning-users (and groups, special mentions)
const MENTION = /^(<@[UW][A-Z0-9]{2,}>|<!subteam\^S[A-Z0-9]{2,}>|<!(here|channel|everyone)>)$/;
const SIGNING_SECRET = /^[A-Za-z0-9]{16,}$/;

/**
 * Reads `SLACK_*` from `env`. No `SLACK_*` variable at all means Slack is not configured; otherwise
 * every problem is reported at once, one line each naming the variable and a valid shape. Tokens and
 * the signing secret are registered with the redactor before anything can print them.
 */
export function parseSlackConfig(env: NodeJS.ProcessEnv): SlackConfigResult {
  const r = new EnvReader(env);
  if (r.namesWithPrefix('SLACK_').length === 0) return { ok: true, config: undefined };

  const { errors } = r;
  const check = (name: string, value: string | undefined, shape: RegExp, what: string): string => {
    if (value === undefined) errors.push(`${name} is not set: expected ${what}`);
    else if (!shape.test(value)) errors.push(`${name} is invalid: expected ${what}`);
    return value ?? '';
  };
  const list = (name: string, shape: RegExp, what: string): string[] | undefined => {
    const ids = r.list(name);
    const bad = ids?.filter((id) => !shape.test(id)) ?? [];
    // Echo bad ids: they are ids, never secrets.
    if (bad.length > 0) errors.push(`${name} has invalid ids (${bad.join(', ')}): expected comma-separated ${what}`);
    return ids;
  };

  const botTokenRaw = r.raw('SLACK_BOT_TOKEN');
  const appTokenRaw = r.raw('SLACK_APP_TOKEN');
  const signingSecretRaw = r.raw('SLACK_SIGNING_SECRET');
  for (const secret of [botTokenRaw, appTokenRaw, signingSecretRaw]) registerSecret(secret);

  const botToken = check('SLACK_BOT_TOKEN', botTokenRaw, BOT_TOKEN, 'a bot token starting with xoxb-');
  const alertChannel = check(
    'SLACK_ALERT_CHANNEL',
    r.raw('SLACK_ALERT_CHANNEL'),
    CHANNEL_ID,
    'a channel id like C0123456789 or G0123456789',
  );

  let connection: SlackConnection;
  if (appTokenRaw !== undefined || signingSecretRaw === undefined) {
    const appToken = check(
      'SLACK_APP_TOKEN',
      appTokenRaw,
      APP_TOKEN,
      'an app-level token starting with xapp- (Socket Mode), or set SLACK_SIGNING_SECRET for HTTP mode',
    );
    connection = { mode: 'socket', appToken };
  } else {
    const signingSecret = check(
      'SLACK_SIGNING_SECRET',
      signingSecretRaw,
      SIGNING_SECRET,
      "the app's signing secret (letters and digits, from Basic Information)",
    );
    connection = { mode: 'http', signingSecret, port: readPort(r.raw('SLACK_PORT'), errors) };
  }

  const apiUrl = readApiUrl(r.raw('SLACK_API_URL'), errors);
  const mentionRaw = r.raw('SLACK_MENTION');
  const mention =
    mentionRaw === undefined
      ? undefined
      : check('SLACK_MENTION', mentionRaw, MENTION, 'a mention like <!subteam^S0123ABC>, <@U0123ABC> or <!here>');
  const allowedUsers = list('SLACK_ALLOWED_USERS', USER_ID, 'user ids like U0123ABC') ?? [];
  const allowedChannels = list('SLACK_ALLOWED_CHANNELS', CONVERSATION_ID, 'channel ids like C0123ABC') ?? [alertChannel];

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { botToken, alertChannel, connection, apiUrl, mention, allowedUsers, allowedChannels } };
}

function readPort(raw: string | undefined, errors: string[]): number {
  if (raw === undefined) return DEFAULT_SLACK_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    errors.push(`SLACK_PORT is invalid: expected a port number 0-65535 (default ${DEFAULT_SLACK_PORT})`);
  }
  return port;
}

function readApiUrl(raw: string | undefined, errors: string[]): string {
  if (raw === undefined) return DEFAULT_SLACK_API_URL;
  if (!parseHttpUrl(raw)) {
    errors.push(`SLACK_API_URL is invalid: expected an http(s) URL like ${DEFAULT_SLACK_API_URL}`);
    return DEFAULT_SLACK_API_URL;
  }
  // WebClient appends method names directly: `${slackApiUrl}chat.postMessage`.
  return raw.endsWith('/') ? raw : `${raw}/`;
}
