import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { validateBlocks } from './validateBlocks.js';

/** Message metadata as Slack stores it. Docs: https://docs.slack.dev/messaging/message-metadata */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message `chat.postMessage` accepted. */
export interface PostedMessage {
  channel: string;
  text?: string;
  blocks?: unknown[];
  ts: string;
  /** The `metadata` argument, parsed, when one was sent. */
  metadata?: MessageMetadata;
  /** Every argument as sent (form fields or JSON). */
  args: Record<string, unknown>;
  at: number;
}

/** A message in a channel's history: ours (posted through the API) or someone else's (`addMessage`). */
interface ChannelMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  user?: string;
  bot_id?: string;
  app_id?: string;
  metadata?: MessageMetadata;
}

/** A body POSTed to a command's `response_url` (what Bolt's `respond()` sends). */
export interface ResponseUrlPost {
  path: string;
  body: Record<string, unknown>;
}

/** An ack the Socket Mode client sent back for an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** Milliseconds between sending the envelope and receiving its ack. */
  elapsedMs: number;
}

/** A failure the next call to a method gets instead of its normal answer. */
export type FakeFailure = { status: 429; retryAfterSec: number } | { status: 500 | 502 | 503 } | { error: string };

/**
 * A channel as this fake's Slack knows it. Its id never says whether it is private: Slack keeps a
 * channel's id when it turns private, so a `C…` channel can be private
 * (https://docs.slack.dev/changelog/2018/09/01/more-reasons-to-be-a-conversations-api-convert).
 */
export interface FakeChannel {
  /** Whether the bot was invited. */
  member: boolean;
  /** A private channel: invisible to a bot that is not a member; needs `groups:*` scopes instead of `channels:*`. */
  private?: boolean;
  /** An archived channel: readable, but nobody can post to it. */
  archived?: boolean;
  /** Shown by `conversations.info`; default the id in lower case. */
  name?: string;
}

/** Options of `FakeSlack`. */
export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  /** Channels that exist; default `C0ALERTS`, public, the bot a member. Change them later with `setChannel`. */
  channels?: Record<string, FakeChannel>;
  /** How often the Socket Mode server pings (Slack pings; the client expects one within 30 s). */
  pingIntervalMs?: number;
  /** Scopes granted to the bot token; default `DEFAULT_BOT_SCOPES`. Change them later with `setScopes`. */
  scopes?: readonly string[];
  /** Slack's clock for message `ts` (ms); default `Date.now`. */
  now?: () => number;
  /**
   * Messages `chat.postMessage` takes at once into one channel before the one-a-second limit answers
   * 429; default `DEFAULT_CHANNEL_BURST`. 1 is the strict limit (two posts less than a second apart:
   * 429); `Infinity` turns the limit off for tests that post faster on purpose.
   */
  channelBurst?: number;
}

/** What slack-app-manifest.yml asks for: posting, the slash command, reading history back, and channel info. */
const DEFAULT_BOT_SCOPES: readonly string[] = [
  'chat:write',
  'commands',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
];

/**
 * `chat.postMessage` allows one message a second per channel: "Short bursts >1 allowed", with no
 * figure and no guarantee (https://api.slack.com/docs/rate-limits, "Posting messages";
 * https://docs.slack.dev/reference/methods/chat.postMessage, "Rate limiting"). This fake refills one
 * message a second per channel and takes a burst of at most this many, the smallest that "short
 * bursts >1" can mean and what `npm run test-alert` sends at once (a note and two samples); a sink
 * that paces too fast still meets a 429 within a few messages, and `channelBurst: 1` checks that it
 * never leans on a burst at all.
 */
const DEFAULT_CHANNEL_BURST = 3;
/** The per-channel refill: one message a second. */
const CHANNEL_MESSAGE_INTERVAL_MS = 1_000;

/**
 * Concurrent Socket Mode connections Slack allows one app; a further one is sent a
 * `too_many_websockets` disconnect (a Slack maintainer in slackapi/node-slack-sdk#1654: "we only
 * allow 10 concurrent websocket connections per app").
 */
const MAX_SOCKET_MODE_CONNECTIONS = 10;

/**
 * Why Slack asks a Socket Mode client to go, in the `reason` of a `{"type": "disconnect"}` message:
 * `warning` (this connection closes soon), `refresh_requested` (Slack is recycling it),
 * `too_many_websockets` (over the connection limit), `link_disabled` (Socket Mode turned off for the
 * app; what follows is not modelled: the connection just closes at once). On each a client must open
 * a new connection through `apps.connections.open` or stay deaf; Slack's own client does
 * (slackapi/node-slack-sdk#1762 and its `packages/socket-mode/test/integrations`).
 * Docs: https://api.slack.com/apis/connections/socket
 */
export type SocketModeDisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

/** How long Slack keeps a connection it asked the client to leave, before it closes it itself. */
const DISCONNECT_GRACE_MS = 10_000;

/** This fake's bot identity, as `auth.test` reports it and as its messages carry it. */
export const FAKE_BOT = { userId: 'U0BOT', botId: 'B0BOT', appId: 'A0FORCEWATCH' } as const;

/** Slack's ack deadline for slash commands and other envelopes. Docs: https://api.slack.com/apis/connections/socket#acknowledge */
export const ACK_DEADLINE_MS = 3000;

const SLASH_COMMAND_DEFAULTS = {
  token: 'deprecated-verification-token',
  team_id: 'T0FAKE',
  team_domain: 'fake',
  channel_id: 'C0ALERTS',
  channel_name: 'alerts',
  user_id: 'U0ALICE',
  user_name: 'alice',
  command: '/forceorders',
  text: '',
  api_app_id: 'A0FORCEWATCH',
  is_enterprise_install: 'false',
  /** Replaced per command: Slack gives every invocation its own trigger id (`13345224609.738474920.8088930838d88f008e0`). */
  trigger_id: '',
};

/**
 * Slack on loopback, built from Slack's documentation: the Web API (`auth.test`, `chat.postMessage`
 * with Block Kit validation, the per-channel rate limit and its channel and scope refusals,
 * `conversations.history`, `conversations.info`, `apps.connections.open`), a Socket Mode WebSocket
 * (`hello`, pings, envelopes, acks, `disconnect`, the connection limit) and `response_url`
 * endpoints. Failures can be switched on.
 */
export class FakeSlack {
  /** Every message `chat.postMessage` accepted, in order. */
  readonly messages: PostedMessage[] = [];
  /** Every `response_url` POST, in order. */
  readonly responses: ResponseUrlPost[] = [];
  /** Every Socket Mode ack, in order. */
  readonly acks: SocketAck[] = [];
  /** Every Web API call by method name, including refused ones. */
  readonly calls: { method: string; args: Record<string, unknown> }[] = [];
  /** Every message in every channel, ours and others', oldest first. */
  private readonly history: ChannelMessage[] = [];

  private server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly failures = new Map<string, FakeFailure[]>();
  private readonly delays = new Map<string, number[]>();
  private readonly ackWaiters = new Map<string, { sentAt: number; resolve: (ack: SocketAck) => void }>();
  private readonly responseUrlUses = new Map<string, number>();
  private readonly changed = new Set<() => void>();
  private readonly channels: Map<string, FakeChannel>;
  private scopes: readonly string[];
  /** Per channel: messages it can take now, and when that was counted (`performance.now()`). */
  private readonly postBudget = new Map<string, { messages: number; at: number }>();
  private readonly closeTimers = new Set<NodeJS.Timeout>();
  private port = 0;
  private lastTsMicros = 0;
  /** Slash commands made so far: a part of each trigger id. */
  private triggers = 0;
  /** Socket Mode connections accepted since the start, reconnects included. */
  connectionCount = 0;

  constructor(private readonly options: FakeSlackOptions) {
    this.server = this.createHttpServer();
    this.channels = new Map(Object.entries(options.channels ?? { C0ALERTS: { member: true } }).map(([id, c]) => [id, { ...c }]));
    this.scopes = options.scopes ?? DEFAULT_BOT_SCOPES;
  }

  /** Web API base URL, with the trailing slash the WebClient expects. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<void> {
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: new connections are refused (Slack unreachable) until `start()` again. */
  async down(): Promise<void> {
    for (const timer of this.closeTimers) clearTimeout(timer);
    this.closeTimers.clear();
    for (const ws of this.sockets) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.createHttpServer();
  }

  /** Closes everything. */
  async stop(): Promise<void> {
    if (this.server.listening) await this.down();
    this.wss.close();
  }

  /**
   * Puts a message into a channel's history as someone else (a person, or another bot with `bot_id`),
   * stamped now; returns its `ts`.
   */
  addMessage(channel: string, message: Omit<ChannelMessage, 'channel' | 'ts'> = { user: 'U0ALICE', text: 'hello' }): string {
    const ts = this.stamp();
    this.history.push({ ...message, channel, ts });
    return ts;
  }

  /** The next call to `method` fails this way (queue several by calling again). */
  failNext(method: string, failure: FakeFailure): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), failure]);
  }

  /**
   * The next call to `method` is handled `ms` after it arrived, as if it had been slow on the way:
   * Slack counts it (rate limit, `at`) when it gets there.
   */
  delayNext(method: string, ms: number): void {
    this.delays.set(method, [...(this.delays.get(method) ?? []), ms]);
  }

  /** Creates a channel or changes one: archive or unarchive it, invite or remove the bot, make it private. */
  setChannel(id: string, change: Partial<FakeChannel>): void {
    this.channels.set(id, { member: false, ...this.channels.get(id), ...change });
  }

  /** Grants the bot token exactly these scopes from now on, as a reinstall of the app would. */
  setScopes(scopes: readonly string[]): void {
    this.scopes = scopes;
  }

  /**
   * Sends every open Socket Mode connection a `disconnect` message with `reason`, as Slack does, and
   * closes each one the client has not closed within `graceMs` (default `DISCONNECT_GRACE_MS`; at once
   * for `link_disabled`). Resolves once they are all closed.
   */
  async disconnectSockets(
    reason: SocketModeDisconnectReason,
    graceMs = reason === 'link_disabled' ? 0 : DISCONNECT_GRACE_MS,
  ): Promise<void> {
    const open = [...this.sockets];
    for (const ws of open) this.sendDisconnect(ws, reason, graceMs);
    await this.until(() => open.every((ws) => !this.sockets.has(ws)));
  }

  /** Resolves once `condition()` holds, re-checked after every request the fake handles. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.changed.add(resolve));
  }

  /** Resolves once a Socket Mode client has connected and been sent `hello`. */
  async untilConnected(): Promise<void> {
    await this.until(() => this.sockets.size > 0);
  }

  /** Open Socket Mode connections. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /**
   * Delivers a `slash_commands` envelope over Socket Mode and resolves with its ack; rejects when
   * no ack arrives within Slack's 3 seconds (Slack would show the user an error).
   */
  async sendSlashCommand(fields: Partial<typeof SLASH_COMMAND_DEFAULTS> = {}): Promise<SocketAck> {
    // The newest connection: after a refresh the old one is on its way out.
    const socket = [...this.sockets].at(-1);
    if (!socket) throw new Error('no Socket Mode client connected');
    const envelope_id = randomUUID();
    const envelope = { envelope_id, type: 'slash_commands', payload: this.slashCommand(fields), accepts_response_payload: true };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<SocketAck>((resolve, reject) => {
        this.ackWaiters.set(envelope_id, { sentAt: performance.now(), resolve });
        timer = setTimeout(() => reject(new Error(`envelope ${envelope_id} not acked within ${ACK_DEADLINE_MS} ms`)), ACK_DEADLINE_MS);
        socket.send(JSON.stringify(envelope));
      });
    } finally {
      clearTimeout(timer);
      this.ackWaiters.delete(envelope_id);
    }
  }

  /** A slash command payload as Slack sends it, with a `response_url` on this fake. */
  slashCommand(fields: Partial<typeof SLASH_COMMAND_DEFAULTS> = {}): Record<string, string> {
    const id = randomUUID();
    this.triggers += 1;
    const trigger_id = `${Date.now()}.${this.triggers}.${id.replaceAll('-', '').slice(0, 20)}`;
    return { ...SLASH_COMMAND_DEFAULTS, trigger_id, response_url: `http://127.0.0.1:${this.port}/commands/T0FAKE/${id}/secret`, ...fields };
  }

  private createHttpServer(): Server {
    const server = createServer((req, res) => {
      void this.handle(req, res).finally(() => this.notify());
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const ticket = url.searchParams.get('ticket') ?? '';
      // Each URL from apps.connections.open is good for one connection.
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    return server;
  }

  private onSocket(ws: WebSocket): void {
    if (this.sockets.size >= MAX_SOCKET_MODE_CONNECTIONS) {
      this.sendDisconnect(ws, 'too_many_websockets', 0);
      return;
    }
    this.sockets.add(ws);
    this.connectionCount += 1;
    const ping = setInterval(() => ws.ping(), this.options.pingIntervalMs ?? 5000);
    ws.on('close', () => {
      clearInterval(ping);
      this.sockets.delete(ws);
      this.notify();
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      const waiter = message.envelope_id ? this.ackWaiters.get(message.envelope_id) : undefined;
      if (!message.envelope_id || !waiter) return;
      const ack: SocketAck = { envelope_id: message.envelope_id, payload: message.payload, elapsedMs: performance.now() - waiter.sentAt };
      this.acks.push(ack);
      waiter.resolve(ack);
      this.notify();
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0FORCEWATCH' },
      }),
    );
    this.notify();
  }

  /**
   * `{"type": "disconnect", "reason": …}` on `ws`, then Slack closes the connection itself after
   * `graceMs` unless the client did first.
   */
  private sendDisconnect(ws: WebSocket, reason: SocketModeDisconnectReason, graceMs: number): void {
    ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
    const timer = setTimeout(() => {
      this.closeTimers.delete(timer);
      ws.close(1000, reason);
    }, graceMs);
    this.closeTimers.add(timer);
    ws.on('close', () => {
      clearTimeout(timer);
      this.closeTimers.delete(timer);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname.startsWith('/commands/')) return this.handleResponseUrl(url.pathname, raw, res);
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/')) return send(res, 404, { ok: false, error: 'unknown_method' });
    const method = url.pathname.slice('/api/'.length);
    const delay = this.delays.get(method)?.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    const args = parseArgs(raw, req.headers['content-type']);
    this.calls.push({ method, args });
    const failure = this.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      // Docs: https://api.slack.com/apis/rate-limits — HTTP 429 with Retry-After in seconds.
      const headers = failure.status === 429 ? { 'Retry-After': String(failure.retryAfterSec) } : undefined;
      return send(res, failure.status, failure.status === 429 ? { ok: false, error: 'ratelimited' } : 'upstream error', headers);
    }
    if (failure) return send(res, 200, { ok: false, error: failure.error });
    const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    if (method === 'chat.postMessage' && token === this.options.botToken) {
      const retryAfterSec = this.rateLimited(String(args.channel ?? ''));
      // Docs: https://docs.slack.dev/apis/web-api/rate-limits — HTTP 429 with Retry-After in seconds.
      if (retryAfterSec !== undefined) return send(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfterSec) });
    }
    // Slack names the token's scopes on every Web API response (the WebClient reads them into
    // `response_metadata.scopes`).
    // Docs: https://docs.slack.dev/tools/node-slack-sdk/reference/web-api/interfaces/WebAPICallResult
    const scopes = token === this.options.botToken ? { 'X-OAuth-Scopes': this.scopes.join(',') } : undefined;
    send(res, 200, this.answer(method, token, args), scopes);
  }

  /**
   * Seconds until `channel` takes another message (the 429's `Retry-After`), or undefined when it
   * takes one now: `DEFAULT_CHANNEL_BURST` at once, refilled at one a second.
   */
  private rateLimited(channel: string): number | undefined {
    const burst = this.options.channelBurst ?? DEFAULT_CHANNEL_BURST;
    const now = performance.now();
    const last = this.postBudget.get(channel) ?? { messages: burst, at: now };
    const messages = Math.min(burst, last.messages + (now - last.at) / CHANNEL_MESSAGE_INTERVAL_MS);
    this.postBudget.set(channel, { messages, at: now });
    if (messages >= 1) return undefined;
    return Math.max(1, Math.ceil(((1 - messages) * CHANNEL_MESSAGE_INTERVAL_MS) / 1000));
  }

  /** Counts a message `channel` accepted against its rate limit. */
  private spendPost(channel: string): void {
    const budget = this.postBudget.get(channel);
    if (budget) budget.messages -= 1;
  }

  private answer(method: string, token: string | undefined, args: Record<string, unknown>): Record<string, unknown> {
    if (!token) return { ok: false, error: 'not_authed' };
    const { botToken, appToken } = this.options;
    switch (method) {
      case 'auth.test':
        if (token !== botToken) return { ok: false, error: 'invalid_auth' };
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'forcewatch',
          team_id: 'T0FAKE',
          user_id: FAKE_BOT.userId,
          bot_id: FAKE_BOT.botId,
          is_enterprise_install: false,
        };
      case 'apps.connections.open': {
        // Docs: https://api.slack.com/methods/apps.connections.open — needs the app-level token.
        if (token.startsWith('xoxb-')) return { ok: false, error: 'not_allowed_token_type' };
        if (token !== appToken) return { ok: false, error: 'invalid_auth' };
        const ticket = randomUUID();
        this.tickets.add(ticket);
        return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}` };
      }
      case 'chat.postMessage':
        return token === botToken ? this.postMessage(args) : { ok: false, error: 'invalid_auth' };
      case 'conversations.history':
        return token === botToken ? this.conversationsHistory(args) : { ok: false, error: 'invalid_auth' };
      case 'conversations.info':
        return token === botToken ? this.conversationsInfo(args) : { ok: false, error: 'invalid_auth' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * `chat.postMessage`: needs `chat:write`; refuses a channel it cannot see (`channel_not_found`, a
   * private one the bot is not in among them), an archived one (`is_archived`) and, without
   * `chat:write.public`, a public one the bot is not in (`not_in_channel`).
   * Docs: https://docs.slack.dev/reference/methods/chat.postMessage (errors), https://api.slack.com/scopes/chat:write.public
   */
  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? '');
    const refused = this.missingScope('chat:write') ?? this.postingProblem(channel);
    if (refused) return refused;
    let metadata: MessageMetadata | undefined;
    if (args.metadata !== undefined) {
      const parsed = parseMetadata(args.metadata);
      if (typeof parsed === 'string') return { ok: false, error: parsed };
      metadata = parsed;
    }
    let blocks: unknown;
    if (args.blocks !== undefined) {
      try {
        blocks = typeof args.blocks === 'string' ? JSON.parse(args.blocks) : args.blocks;
      } catch {
        return { ok: false, error: 'invalid_blocks_format' };
      }
      const problem = validateBlocks(blocks);
      if (problem) return { ok: false, error: problem.error, response_metadata: { messages: [problem.why] } };
    }
    const text = typeof args.text === 'string' ? args.text : undefined;
    if (!text && blocks === undefined) return { ok: false, error: 'no_text' };
    if (text && text.length > 40_000) return { ok: false, error: 'msg_too_long' };
    const ts = this.stamp();
    this.spendPost(channel);
    this.messages.push({ channel, text, blocks: blocks as unknown[] | undefined, ts, metadata, args, at: performance.now() });
    this.history.push({
      channel,
      ts,
      text,
      blocks: blocks as unknown[] | undefined,
      user: FAKE_BOT.userId,
      bot_id: FAKE_BOT.botId,
      app_id: FAKE_BOT.appId,
      metadata,
    });
    return { ok: true, channel, ts, message: { type: 'message', text, bot_id: FAKE_BOT.botId, ts } };
  }

  /**
   * `conversations.history`: newest first, `oldest`/`latest` exclusive unless `inclusive`, `limit`
   * (default 100, at most 999), an opaque `cursor` from `response_metadata.next_cursor`, `has_more`;
   * metadata only with `include_all_metadata`. A bot token needs `channels:history` for a public
   * channel and `groups:history` for a private one, and must be in the channel.
   * Docs: https://docs.slack.dev/reference/methods/conversations.history
   */
  private conversationsHistory(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? '');
    const refused =
      this.missingScope(this.channels.get(channel)?.private ? 'groups:history' : 'channels:history') ?? this.membershipProblem(channel);
    if (refused) return refused;
    const inclusive = isTrue(args.inclusive);
    const oldest = args.oldest === undefined ? Number.NEGATIVE_INFINITY : Number(args.oldest);
    const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(args.latest);
    if (Number.isNaN(oldest) || Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_oldest' };
    const limit = Math.min(999, Math.max(1, args.limit === undefined ? 100 : Number(args.limit)));
    let before = Number.POSITIVE_INFINITY;
    if (args.cursor !== undefined && args.cursor !== '') {
      const decoded = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(String(args.cursor), 'base64').toString('utf8'));
      if (!decoded) return { ok: false, error: 'invalid_cursor' };
      before = Number(decoded[1]);
    }
    const inRange = this.history
      .filter((m) => m.channel === channel)
      .filter((m) => {
        const ts = Number(m.ts);
        const afterOldest = inclusive ? ts >= oldest : ts > oldest;
        const beforeLatest = inclusive ? ts <= latest : ts < latest;
        return afterOldest && beforeLatest && ts < before;
      })
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const page = inRange.slice(0, limit);
    const hasMore = inRange.length > page.length;
    const withMetadata = isTrue(args.include_all_metadata);
    const messages = page.map(({ channel: _channel, metadata, ...m }) => ({
      type: 'message',
      ...m,
      ...(withMetadata && metadata ? { metadata } : {}),
    }));
    const last = page.at(-1);
    const nextCursor = hasMore && last ? Buffer.from(`next_ts:${last.ts}`).toString('base64') : '';
    return { ok: true, messages, has_more: hasMore, pin_count: 0, response_metadata: { next_cursor: nextCursor } };
  }

  /**
   * `conversations.info`: the channel with `is_private`, `is_archived` and `is_member`. Needs
   * `channels:read` for a public channel and `groups:read` for a private one; a private channel the
   * bot is not in does not exist for it.
   * Docs: https://docs.slack.dev/reference/methods/conversations.info
   */
  private conversationsInfo(args: Record<string, unknown>): Record<string, unknown> {
    const id = String(args.channel ?? '');
    const channel = this.channels.get(id);
    const refused = this.missingScope(channel?.private ? 'groups:read' : 'channels:read');
    if (refused) return refused;
    if (!channel || (channel.private && !channel.member)) return { ok: false, error: 'channel_not_found' };
    return {
      ok: true,
      channel: {
        id,
        name: channel.name ?? id.toLowerCase(),
        is_channel: true,
        is_group: false,
        is_im: false,
        is_mpim: false,
        is_private: channel.private ?? false,
        is_archived: channel.archived ?? false,
        is_member: channel.member,
      },
    };
  }

  /** Slack's `missing_scope`, naming what was `needed` and what the token was `provided`, when the token lacks `scope`. */
  private missingScope(scope: string): Record<string, unknown> | undefined {
    return this.scopes.includes(scope) ? undefined : { ok: false, error: 'missing_scope', needed: scope, provided: this.scopes.join(',') };
  }

  /** Why `chat.postMessage` cannot post to `channel`, or undefined when it can. */
  private postingProblem(channel: string): Record<string, unknown> | undefined {
    const found = this.channels.get(channel);
    if (!found || (found.private && !found.member)) return { ok: false, error: 'channel_not_found' };
    if (found.archived) return { ok: false, error: 'is_archived' };
    if (!found.member && !this.scopes.includes('chat:write.public')) return { ok: false, error: 'not_in_channel' };
    return undefined;
  }

  /** Slack's refusal to read a channel that does not exist for the bot or that it is not in. */
  private membershipProblem(channel: string): Record<string, unknown> | undefined {
    const found = this.channels.get(channel);
    if (!found || (found.private && !found.member)) return { ok: false, error: 'channel_not_found' };
    if (!found.member) return { ok: false, error: 'not_in_channel' };
    return undefined;
  }

  /** A fresh `ts` (`seconds.micros`) from Slack's clock, unique and increasing as Slack's are. */
  private stamp(): string {
    const micros = Math.max(Math.floor((this.options.now ?? Date.now)() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private handleResponseUrl(path: string, raw: string, res: ServerResponse): void {
    // Docs: a response_url works up to 5 times within 30 minutes.
    const uses = (this.responseUrlUses.get(path) ?? 0) + 1;
    this.responseUrlUses.set(path, uses);
    if (uses > 5) {
      send(res, 404, 'expired_url');
      return;
    }
    this.responses.push({ path, body: JSON.parse(raw) as Record<string, unknown> });
    send(res, 200, 'ok');
  }

  private notify(): void {
    const waiting = [...this.changed];
    this.changed.clear();
    for (const wake of waiting) wake();
  }
}

/**
 * The `metadata` argument (a JSON string in a form post, an object in a JSON body), or the error
 * Slack answers for it. Docs: https://docs.slack.dev/reference/methods/chat.postMessage
 */
function parseMetadata(raw: unknown): MessageMetadata | 'invalid_metadata_format' | 'invalid_metadata_schema' {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return 'invalid_metadata_format';
    }
  }
  const m = value as Partial<MessageMetadata> | null;
  if (typeof m !== 'object' || m === null) return 'invalid_metadata_format';
  if (typeof m.event_type !== 'string' || !/^\w+$/.test(m.event_type)) return 'invalid_metadata_schema';
  if (typeof m.event_payload !== 'object' || m.event_payload === null || Array.isArray(m.event_payload)) return 'invalid_metadata_schema';
  return { event_type: m.event_type, event_payload: m.event_payload };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer (.+)$/);
  return match?.[1];
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = typeof body !== 'string';
  res.writeHead(status, { 'Content-Type': json ? 'application/json; charset=utf-8' : 'text/plain', ...headers });
  res.end(json ? JSON.stringify(body) : body);
}
