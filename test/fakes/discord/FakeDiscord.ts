import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeDiscordGateway } from './FakeDiscordGateway.js';
import { type CommandBody, validateCommands } from './validateCommands.js';
import { type FormError, type MessageBody, resolveMentions, validateMessage } from './validateMessage.js';

/**
 * Discord on loopback, built from its documentation: REST under `/api/v10` with real rate-limit
 * headers and switchable failures, plus the gateway (FakeDiscordGateway) on the same port.
 * https://discord.com/developers/docs/reference#http-api
 * https://discord.com/developers/docs/topics/rate-limits
 */

/** A message the fake accepted, with who it actually pinged. */
export interface RecordedMessage {
  id: string;
  channelId: string;
  body: MessageBody;
  pinged: { everyone: boolean; roles: string[]; users: string[] };
}

/** An interaction the test dispatched, and what the bot did with it. */
export interface RecordedInteraction {
  id: string;
  token: string;
  type: number;
  channelId: string;
  dispatchedAt: number;
  /** Interaction callbacks received (the first one is the response). */
  callbacks: { type: number; data?: Record<string, unknown>; afterMs: number }[];
  /** The original response as last edited, if it was. */
  original: MessageBody | undefined;
  originalDeleted: boolean;
  followUps: MessageBody[];
}

/** A scripted failure for the next request(s) matching `method` and `path`. */
export type Failure =
  | { kind: 'status'; status: number; body?: Record<string, unknown> }
  | { kind: 'rateLimit'; retryAfterSec: number; scope?: 'user' | 'global' | 'shared' }
  /** The request is carried out, then the TCP connection is cut before any response: an outcome the client cannot know. */
  | { kind: 'resetAfterCommit' }
  /** No response at all until the client gives up (its timeout) or the fake closes. */
  | { kind: 'hang' };

interface ScriptedFailure {
  method: string;
  path: RegExp;
  failure: Failure;
  remaining: number;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

/** Options of `FakeDiscord.start`. */
export interface FakeDiscordOptions {
  /** Requests per bucket per window, as sent in X-RateLimit-Limit (default 50). */
  bucketLimit?: number;
  /** Bucket window in seconds (default 5, as the message-create bucket). */
  bucketWindowSec?: number;
  /** Gateway heartbeat interval in ms (default 41250 as Discord; tests pass a short one). */
  heartbeatIntervalMs?: number;
  /**
   * How long a gateway connection may go without a heartbeat before the gateway closes it (default
   * two intervals: Discord documents that a late heartbeat closes the connection, not how late).
   */
  heartbeatTimeoutMs?: number;
  /** Nonce memory, in ms: "the past few minutes" (default 5 minutes). */
  nonceWindowMs?: number;
  /**
   * Discord's clock for what it remembers for a while: interaction deadlines (3 s, 15 minutes) and
   * nonces; default `Date.now`. Rate-limit buckets keep real time: @discordjs/rest waits them out
   * with real timers.
   */
  now?: () => number;
}

let snowflakeCounter = 0n;
/** A fresh snowflake: a timestamp since Discord's epoch in the top bits, a counter below. */
function snowflake(at = Date.now()): string {
  snowflakeCounter += 1n;
  return ((BigInt(at - 1420070400000) << 22n) | (snowflakeCounter & 0xfffn)).toString();
}

/** The interaction callback types the fake understands. https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type */
const CALLBACK = { MESSAGE: 4, DEFERRED_MESSAGE: 5, AUTOCOMPLETE_RESULT: 8 } as const;
const INTERACTION = { COMMAND: 2, AUTOCOMPLETE: 4 } as const;
/**
 * "You must send an initial response within 3 seconds of receiving the event. If the 3 second
 * deadline is exceeded, the token will be invalidated": the callback then gets 404 Unknown
 * interaction (10062).
 * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
const ACK_DEADLINE_MS = 3000;
/**
 * "Interaction tokens are valid for 15 minutes": after that every webhook call with the token
 * (edit, delete, follow-up) gets 401 Invalid Webhook Token (50027), as reported in
 * https://github.com/discord/discord-api-docs/issues/6851.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
 */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const EPHEMERAL = 1 << 6;

/** Discord's REST API and gateway on 127.0.0.1, recording what the bot sent. */
export class FakeDiscord extends EventEmitter {
  readonly token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEd.fake-discord-token-never-print-me';
  readonly applicationId = '1000000000000000001';
  readonly guildId = '1000000000000000100';
  readonly alertChannelId = '1000000000000000200';
  readonly otherChannelId = '1000000000000000201';
  readonly traderRoleId = '1000000000000000300';
  readonly pingRoleId = '1000000000000000301';
  readonly botUser = {
    id: this.applicationId,
    username: 'forcewatch',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    flags: 0,
  };

  /** Channel messages created, in order (a nonce repeat adds nothing). */
  readonly messages: RecordedMessage[] = [];
  /** Bulk-overwrite bodies received, per route. */
  readonly commandPuts: { route: 'guild' | 'global'; body: CommandBody[] }[] = [];
  /** Every request: method, path, status (for asserting what crossed the wire). */
  readonly requests: { method: string; path: string; status: number; authorization: string | undefined }[] = [];
  readonly interactions = new Map<string, RecordedInteraction>();
  readonly gateway: FakeDiscordGateway;

  private readonly failures: ScriptedFailure[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private readonly nonces = new Map<string, { message: RecordedMessage; at: number }>();
  private readonly channels: string[];
  private readonly hiddenChannels = new Set<string>();
  private readonly noHistory = new Set<string>();
  private readonly options: Required<Omit<FakeDiscordOptions, 'heartbeatTimeoutMs'>>;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    super();
    this.options = { bucketLimit: 50, bucketWindowSec: 5, heartbeatIntervalMs: 41_250, nonceWindowMs: 300_000, now: Date.now, ...options };
    this.channels = [this.alertChannelId, this.otherChannelId];
    this.gateway = new FakeDiscordGateway(
      server,
      {
        token: this.token,
        applicationId: this.applicationId,
        botUser: this.botUser,
        guild: () => this.guildPayload(),
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 2 * this.options.heartbeatIntervalMs,
      },
      () => this.gatewayUrl,
    );
    server.on('request', (req, res) => void this.onRequest(req, res));
  }

  /** Starts the fake on an ephemeral loopback port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** The REST base as `@discordjs/rest` takes it (`api` option): requests go to `${apiUrl}/v10/...`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL `GET /gateway/bot` returns and READY names as `resume_gateway_url`. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The next `times` requests matching `method` and `path` fail as scripted. */
  failNext(method: string, path: RegExp, failure: Failure, times = 1): void {
    this.failures.push({ method, path, failure, remaining: times });
  }

  /** Resolves with the next emission of `event` (`message`, `callback`, `edit`, `followUp`, `delete`, `commands`). */
  async next<T = unknown>(event: string): Promise<T> {
    const [value] = await once(this, event);
    return value as T;
  }

  /** Dispatches INTERACTION_CREATE as Discord would for a member typing `/forceorders` (type 2) or autocompleting (type 4). */
  interact(input: {
    type: 'command' | 'autocomplete';
    options: { name: string; type: number; value: string | number | boolean; focused?: boolean }[];
    roles?: string[];
    channelId?: string;
    commandName?: string;
  }): RecordedInteraction {
    const id = snowflake(this.options.now());
    const token = `aW50ZXJhY3Rpb24.${id}.${Math.random().toString(36).slice(2)}`;
    const channelId = input.channelId ?? this.alertChannelId;
    const type = input.type === 'command' ? INTERACTION.COMMAND : INTERACTION.AUTOCOMPLETE;
    const userId = '1000000000000000900';
    const record: RecordedInteraction = {
      id,
      token,
      type,
      channelId,
      dispatchedAt: this.options.now(),
      callbacks: [],
      original: undefined,
      originalDeleted: false,
      followUps: [],
    };
    this.interactions.set(id, record);
    this.gateway.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      data: {
        id: '1000000000000000500',
        name: input.commandName ?? 'forceorders',
        type: 1,
        guild_id: this.guildId,
        options: input.options,
      },
      guild_id: this.guildId,
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: this.guildId, name: 'alerts', position: 0, permission_overwrites: [], flags: 0 },
      member: {
        user: { id: userId, username: 'trader', discriminator: '0', global_name: 'Trader', avatar: null },
        roles: input.roles ?? [],
        permissions: '2248473465835073',
        joined_at: '2026-01-01T00:00:00.000000+00:00',
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        nick: null,
        avatar: null,
        premium_since: null,
      },
      token,
      version: 1,
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
    });
    return record;
  }

  private guildPayload(): Record<string, unknown> {
    const role = (id: string, name: string, position: number) => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: '1024',
      managed: false,
      mentionable: true,
      flags: 0,
    });
    return {
      id: this.guildId,
      name: 'Trading desk',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: '1000000000000000901',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: '2026-01-01T00:00:00.000000+00:00',
      large: false,
      unavailable: false,
      member_count: 2,
      roles: [role(this.guildId, '@everyone', 0), role(this.traderRoleId, 'traders', 1), role(this.pingRoleId, 'risk-desk', 2)],
      emojis: [],
      stickers: [],
      channels: this.channels.map((id, i) => ({
        id,
        type: 0,
        name: i === 0 ? 'alerts' : 'general',
        position: i,
        permission_overwrites: [],
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: 0,
      })),
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    // Clients percent-encode `@original` as `%40original`; the API treats both alike.
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    const record = (status: number) => this.requests.push({ method, path, status, authorization: req.headers.authorization });
    if (!url.pathname.startsWith('/api/v10/')) {
      record(404);
      return this.reply(res, 404, { message: '404: Not Found', code: 0 });
    }
    const scripted = this.takeFailure(method, path);
    if (scripted?.kind === 'hang') {
      record(0);
      return;
    }
    if (scripted && scripted.kind !== 'resetAfterCommit') {
      record(scripted.kind === 'status' ? scripted.status : 429);
      return this.fail(res, scripted, method, path);
    }
    const bucketHeaders = this.takeBucket(method, path);
    if (bucketHeaders === undefined) {
      record(429);
      return this.fail(res, { kind: 'rateLimit', retryAfterSec: this.options.bucketWindowSec }, method, path);
    }
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      record(400);
      return this.reply(res, 400, { message: '400: Bad Request', code: 50109 }, bucketHeaders);
    }
    const result = this.route(method, path, req.headers.authorization, body, url.searchParams);
    record(result.status);
    if (scripted?.kind === 'resetAfterCommit') {
      req.socket.destroy();
      return;
    }
    this.reply(res, result.status, result.body, bucketHeaders);
  }

  private route(
    method: string,
    path: string,
    authorization: string | undefined,
    body: unknown,
    query: URLSearchParams,
  ): { status: number; body?: unknown } {
    const interactionCallback = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
    if (method === 'POST' && interactionCallback)
      return this.callback(interactionCallback[1] as string, interactionCallback[2] as string, body, query);
    const webhook = path.match(/^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/);
    if (webhook) return this.webhook(method, webhook[1] as string, webhook[2] as string, Boolean(webhook[3]), body);

    // Bot routes need `Authorization: Bot <token>`. https://discord.com/developers/docs/reference#authentication
    if (authorization !== `Bot ${this.token}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    if (method === 'GET' && path === '/gateway/bot') {
      return {
        status: 200,
        body: {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      };
    }
    if (method === 'GET' && path === '/users/@me') return { status: 200, body: this.botUser };
    const commands = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    if (method === 'PUT' && commands) return this.putCommands(commands[1] as string, commands[2], body);
    const channel = path.match(/^\/channels\/(\d+)$/);
    if (method === 'GET' && channel) return this.getChannel(channel[1] as string);
    const messages = path.match(/^\/channels\/(\d+)\/messages$/);
    if (method === 'POST' && messages) return this.createMessage(messages[1] as string, body as MessageBody);
    if (method === 'GET' && messages) return this.listMessages(messages[1] as string, query);
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private putCommands(applicationId: string, guildId: string | undefined, body: unknown): { status: number; body?: unknown } {
    if (applicationId !== this.applicationId) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (guildId !== undefined && guildId !== this.guildId) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    const errors = validateCommands(body);
    if (errors.length > 0) return invalidForm(errors);
    const commands = body as CommandBody[];
    this.commandPuts.push({ route: guildId ? 'guild' : 'global', body: commands });
    this.emit('commands', commands);
    return {
      status: 200,
      body: commands.map((c) => ({
        ...c,
        id: snowflake(),
        application_id: this.applicationId,
        version: snowflake(),
        type: c.type ?? 1,
        ...(guildId && { guild_id: guildId }),
      })),
    };
  }

  /**
   * Channel history: `after` a snowflake, `limit` 1..100 (default 50), newest first. "If the current
   * user is missing the READ_MESSAGE_HISTORY permission in the channel, then no messages will be
   * returned." https://discord.com/developers/docs/resources/message#get-channel-messages
   */
  private listMessages(channelId: string, query: URLSearchParams): { status: number; body?: unknown } {
    if (this.hiddenChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (!this.channels.includes(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    const limit = Number(query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return invalidForm([{ path: 'limit', message: 'Must be between 1 and 100.' }]);
    if (this.noHistory.has(channelId)) return { status: 200, body: [] };
    const after = BigInt(query.get('after') ?? '0');
    const page = this.messages
      .filter((m) => m.channelId === channelId && BigInt(m.id) > after)
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
      .slice(0, limit)
      .reverse();
    // The nonce only comes back on the create response and the gateway event, not in history.
    return { status: 200, body: page.map((m) => ({ ...this.messageObject(m.id, m.channelId, m.body), nonce: undefined })) };
  }

  /** Takes Read Message History away from the bot in `channelId`: listing its messages returns none. */
  withholdHistory(channelId: string): void {
    this.noHistory.add(channelId);
  }

  private getChannel(channelId: string): { status: number; body?: unknown } {
    if (this.hiddenChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (!this.channels.includes(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    return {
      status: 200,
      body: {
        id: channelId,
        type: 0,
        guild_id: this.guildId,
        name: channelId === this.alertChannelId ? 'alerts' : 'general',
        position: 0,
        permission_overwrites: [],
        flags: 0,
      },
    };
  }

  /** Takes View Channel away from the bot in `channelId`: reads and posts there get 403 Missing Access. */
  hideChannel(channelId: string): void {
    this.hiddenChannels.add(channelId);
  }

  private createMessage(channelId: string, body: MessageBody): { status: number; body?: unknown } {
    if (this.hiddenChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (!this.channels.includes(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    const errors = validateMessage(body, { requireContentOrEmbeds: true });
    if (errors.length > 0) return invalidForm(errors);
    // "If true and nonce is present, it will be checked for uniqueness in the past few minutes. If
    // another message was created by the same author with the same nonce, that message will be
    // returned and no new message will be created."
    const nonceKey = body.enforce_nonce && body.nonce !== undefined ? `${this.botUser.id}:${body.nonce}` : undefined;
    const seen = nonceKey ? this.nonces.get(nonceKey) : undefined;
    if (seen && this.options.now() - seen.at < this.options.nonceWindowMs)
      return { status: 200, body: this.messageObject(seen.message.id, channelId, seen.message.body) };
    const message: RecordedMessage = { id: snowflake(), channelId, body, pinged: resolveMentions(body) };
    this.messages.push(message);
    if (nonceKey) this.nonces.set(nonceKey, { message, at: this.options.now() });
    this.emit('message', message);
    return { status: 200, body: this.messageObject(message.id, channelId, body) };
  }

  private callback(id: string, token: string, body: unknown, query: URLSearchParams): { status: number; body?: unknown } {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    const afterMs = this.options.now() - interaction.dispatchedAt;
    if (afterMs > ACK_DEADLINE_MS) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    if (interaction.callbacks.length > 0)
      return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    const { type, data } = body as { type: number; data?: Record<string, unknown> };
    const allowed: number[] =
      interaction.type === INTERACTION.AUTOCOMPLETE ? [CALLBACK.AUTOCOMPLETE_RESULT] : [CALLBACK.MESSAGE, CALLBACK.DEFERRED_MESSAGE];
    if (!allowed.includes(type))
      return invalidForm([{ path: 'type', message: `Callback type ${type} is not valid for interaction type ${interaction.type}` }]);
    if (type === CALLBACK.AUTOCOMPLETE_RESULT) {
      const choices = (data?.choices ?? []) as { name: string; value: unknown }[];
      const errors: FormError[] = [];
      if (choices.length > 25) errors.push({ path: 'data.choices', message: 'Must be 25 or fewer in length.' });
      choices.forEach((c, i) => {
        if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100)
          errors.push({ path: `data.choices[${i}].name`, message: 'Must be between 1 and 100 in length.' });
      });
      if (errors.length > 0) return invalidForm(errors);
    }
    if (type === CALLBACK.MESSAGE) {
      const errors = validateMessage((data ?? {}) as MessageBody, { requireContentOrEmbeds: true });
      if (errors.length > 0) return invalidForm(errors);
      interaction.original = data as MessageBody;
    }
    interaction.callbacks.push({ type, ...(data && { data }), afterMs });
    this.emit('callback', interaction);
    // 204 No Content unless the caller asked `with_response=true`.
    if (query.get('with_response') === 'true')
      return { status: 200, body: { interaction: { id, type: interaction.type }, resource: { type } } };
    return { status: 204 };
  }

  private webhook(
    method: string,
    applicationId: string,
    token: string,
    original: boolean,
    body: unknown,
  ): { status: number; body?: unknown } {
    const interaction = [...this.interactions.values()].find((i) => i.token === token);
    if (applicationId !== this.applicationId || !interaction) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (this.options.now() - interaction.dispatchedAt > TOKEN_LIFETIME_MS)
      return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    const answered = interaction.callbacks.some((c) => c.type === CALLBACK.MESSAGE || c.type === CALLBACK.DEFERRED_MESSAGE);
    if (!answered) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    if (original && method === 'DELETE') {
      interaction.originalDeleted = true;
      this.emit('delete', interaction);
      return { status: 204 };
    }
    const message = body as MessageBody;
    const errors = validateMessage(message, { requireContentOrEmbeds: !original });
    if (errors.length > 0) return invalidForm(errors);
    if (original && method === 'PATCH') {
      interaction.original = { ...interaction.original, ...message };
      this.emit('edit', interaction);
      return { status: 200, body: this.messageObject(snowflake(), interaction.channelId, interaction.original, interaction) };
    }
    if (!original && method === 'POST') {
      interaction.followUps.push(message);
      this.emit('followUp', interaction);
      return { status: 200, body: this.messageObject(snowflake(), interaction.channelId, message, interaction) };
    }
    return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
  }

  /** A message object as the API returns it. https://discord.com/developers/docs/resources/message#message-object */
  private messageObject(id: string, channelId: string, body: MessageBody, interaction?: RecordedInteraction): Record<string, unknown> {
    const pinged = resolveMentions(body);
    const deferredFlags = interaction?.callbacks[0]?.data?.flags;
    return {
      id,
      type: interaction ? 20 : 0,
      channel_id: channelId,
      author: this.botUser,
      content: body.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: pinged.everyone,
      mentions: [],
      mention_roles: pinged.roles,
      attachments: [],
      embeds: body.embeds ?? [],
      pinned: false,
      flags: (body.flags ?? 0) | (typeof deferredFlags === 'number' ? deferredFlags & EPHEMERAL : 0),
      components: [],
      ...(body.nonce !== undefined && { nonce: body.nonce }),
      ...(interaction && { application_id: this.applicationId, webhook_id: this.applicationId }),
    };
  }

  private takeFailure(method: string, path: string): Failure | undefined {
    const scripted = this.failures.find((f) => f.method === method && f.path.test(path) && f.remaining > 0);
    if (!scripted) return undefined;
    scripted.remaining -= 1;
    return scripted.failure;
  }

  /**
   * Per-route buckets keyed by method, route shape and top-level id, as Discord counts them; the
   * headers are what @discordjs/rest reads. Undefined = this request breaks the limit.
   */
  private takeBucket(method: string, path: string): Record<string, string> | undefined {
    const major = path.match(/^\/(channels|guilds|webhooks)\/(\d+)/)?.[2] ?? '';
    const shape = path
      .replace(/\d{5,}/g, ':id')
      .replace(/\/webhooks\/:id\/[^/]+/, '/webhooks/:id/:token')
      .replace(/\/interactions\/:id\/[^/]+/, '/interactions/:id/:token');
    const key = `${method} ${shape} ${major}`;
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: this.options.bucketLimit, resetAt: now + this.options.bucketWindowSec * 1000 };
      this.buckets.set(key, bucket);
    }
    if (bucket.remaining <= 0) return undefined;
    bucket.remaining -= 1;
    return this.limitHeaders(bucket, `${method} ${shape}`);
  }

  private limitHeaders(bucket: Bucket, shape: string): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.options.bucketLimit),
      'X-RateLimit-Remaining': String(bucket.remaining),
      'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': ((bucket.resetAt - Date.now()) / 1000).toFixed(3),
      'X-RateLimit-Bucket': Buffer.from(shape).toString('hex').slice(0, 32),
    };
  }

  private fail(res: ServerResponse, failure: Extract<Failure, { kind: 'status' | 'rateLimit' }>, method: string, path: string): void {
    if (failure.kind === 'status') {
      this.reply(res, failure.status, failure.body ?? { message: `${failure.status}`, code: 0 });
      return;
    }
    // A 429 carries Retry-After (seconds) and the scope in headers; the body repeats it with decimals.
    // https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
    const scope = failure.scope ?? 'user';
    const headers: Record<string, string> = {
      ...this.limitHeaders({ remaining: 0, resetAt: Date.now() + failure.retryAfterSec * 1000 }, `${method} ${path}`),
      'Retry-After': String(Math.ceil(failure.retryAfterSec)),
      'X-RateLimit-Scope': scope,
      ...(scope === 'global' && { 'X-RateLimit-Global': 'true' }),
    };
    this.reply(
      res,
      429,
      { message: 'You are being rate limited.', retry_after: failure.retryAfterSec, global: scope === 'global' },
      headers,
    );
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...headers, ...(body !== undefined && status !== 204 && { 'Content-Type': 'application/json' }) });
    res.end(body !== undefined && status !== 204 ? JSON.stringify(body) : undefined);
  }

  /** Closes the gateway and the HTTP server. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** 400 Invalid Form Body with Discord's nested `errors` shape. https://discord.com/developers/docs/reference#error-messages */
function invalidForm(errors: FormError[]): { status: number; body: unknown } {
  const tree: Record<string, unknown> = {};
  for (const e of errors) tree[e.path || '_root'] = { _errors: [{ code: 'BASE_TYPE_INVALID', message: e.message }] };
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: tree } };
}
