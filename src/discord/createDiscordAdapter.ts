/**
 * The Discord adapter's wiring: one discord.js client whose REST queue the sink shares and whose
 * gateway delivers `/forceorders`, and the invite URL that grants the bot what both need.
 */

import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  OAuth2Scopes,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import { isDecimal } from '../decimal.js';
import { errorCode, errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { type Sink, SinkError } from '../sinks/Sink.js';
import { type Clock, systemClock } from '../time.js';
import { unlessAborted } from '../unlessAborted.js';
import { createInteractionHandler, type InteractionHandlerDeps } from './commands.js';
import { type DiscordConfig, discordRestOptions } from './DiscordConfig.js';
import { DiscordSink, describeDiscordError, toSinkError } from './DiscordSink.js';

/** Options of `createDiscordAdapter`. */
export interface DiscordAdapterOptions {
  config: DiscordConfig;
  logger: Logger;
  /** The bot's commands (commands/); without `risk`, `/risk` answers that the bot cannot read the account's risk. */
  commands: InteractionHandlerDeps['commands'];
  /** How far back `/forceorders` reaches: ARCHIVE_DAYS in ms, the bound the commands enforce. */
  maxSinceMs: number;
  /** Ping DISCORD_MENTION_ROLE_ID only for alerts of at least this USD notional (decimal string); absent = every alert. */
  mentionNotionalUsd?: string;
  clock?: Clock;
}

/** The running Discord integration: a sink for alerts and the `/forceorders` front end. */
export interface DiscordAdapter {
  /** The sink of DISCORD_ALERT_CHANNEL_ID. */
  sink: Sink;
  /** The sink of `channelId` (an account's `discordChannelId`), made on first use; default DISCORD_ALERT_CHANNEL_ID's. */
  sinkFor(channelId?: string): Sink;
  /**
   * Checks what the sink needs with one REST read of the alert channel. Rejects with a non-retryable
   * `SinkError` naming DISCORD_TOKEN when Discord refuses the token (401), a retryable one when it
   * cannot be reached; a channel out of the bot's reach is logged and lets the sink run (a fix in
   * Discord's settings then takes effect without a restart).
   */
  verify(signal?: AbortSignal): Promise<void>;
  /** Logs in and resolves once the gateway is ready (guilds received); rejects as `verify` does. */
  connect(signal?: AbortSignal): Promise<void>;
  /** `verify`, then `connect`. */
  start(signal?: AbortSignal): Promise<void>;
  /** Closes the gateway connection; the sink keeps working (REST) so a draining pipeline can finish. */
  stop(): Promise<void>;
}

/**
 * Wires discord.js to forcewatch. Only the Guilds intent (interactions arrive without any), and
 * `allowedMentions: { parse: [] }` on the client so no message of ours pings unless it says so.
 * Alerts go over REST and work before `start()` and while the gateway reconnects; discord.js
 * resumes the gateway by itself and we only log what happens.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { config } = options;
  const logger = options.logger.child({ component: 'discord' });
  // Checked here, once: a bad threshold would otherwise fail every alert at delivery time.
  if (options.mentionNotionalUsd !== undefined && !isDecimal(options.mentionNotionalUsd)) {
    throw new TypeError(`mentionNotionalUsd must be a plain decimal such as "50000", got ${JSON.stringify(options.mentionNotionalUsd)}`);
  }
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: discordRestOptions(config.apiUrl),
  });
  // The sink shares the client's REST queue (one view of the rate limits) and needs the token before login.
  client.rest.setToken(config.token);

  // One sink per channel (an account's `discordChannelId`), all on the client's one REST queue.
  const sinks = new Map<string, DiscordSink>();
  const sinkFor = (channelId: string = config.alertChannelId): DiscordSink => {
    let sink = sinks.get(channelId);
    if (!sink) {
      sink = new DiscordSink({
        rest: client.rest,
        channelId,
        mentions: { roleId: config.mentionRoleId, minNotionalUsd: options.mentionNotionalUsd },
        logger,
      });
      sinks.set(channelId, sink);
    }
    return sink;
  };
  const sink = sinkFor();

  client.on(
    Events.InteractionCreate,
    createInteractionHandler({
      commands: options.commands,
      maxSinceMs: options.maxSinceMs,
      logger,
      clock: options.clock ?? systemClock,
    }),
  );
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn('discord gateway closed for good', { shardId, code: event.code }));
  client.on(Events.ShardReconnecting, (shardId) => logger.warn('discord gateway disconnected, reconnecting', { shardId }));
  client.on(Events.ShardResume, (shardId, replayedEvents) => logger.info('discord gateway resumed', { shardId, replayedEvents }));
  client.on(Events.ShardError, (error, shardId) => logger.warn('discord gateway error', { shardId, ...describeDiscordError(error) }));
  client.on(Events.Warn, (message) => logger.warn('discord.js warning', { message }));
  client.on(Events.Error, (error) => logger.error('discord.js error', describeDiscordError(error)));
  dropUnhandlablePackets(client, logger);
  client.rest.on('rateLimited', (info) =>
    logger.warn('discord rate limited', { route: info.route, retryAfterMs: info.retryAfter, scope: info.scope, global: info.global }),
  );

  const adapter: DiscordAdapter = {
    sink,
    sinkFor,
    async verify(signal) {
      for (const channelId of sinks.keys()) {
        try {
          await client.rest.get(Routes.channel(channelId), { signal });
        } catch (error) {
          if (signal?.aborted) throw error;
          const problem = toSinkError(error, channelId);
          if (problem.retryable || (error instanceof DiscordAPIError && error.status === 401)) throw problem;
          // Say now, not at the first liquidation, that an alert channel is out of the bot's reach.
          logger.error('discord alert channel check failed', { channelId, problem: problem.message });
        }
      }
    },
    async connect(signal) {
      const ready = once(client, Events.ClientReady, { signal });
      ready.catch(() => {}); // observed below, unless the login fails first
      try {
        await unlessAborted(client.login(config.token), signal);
        await ready;
      } catch (error) {
        // A failed login destroys the client, which also unsets the REST token the sink shares.
        client.rest.setToken(config.token);
        if (signal?.aborted) throw error;
        if (errorCode(error) === DiscordjsErrorCodes.TokenInvalid) {
          throw new SinkError(
            "Discord refused DISCORD_TOKEN when logging in to the gateway: reset the bot's token (Developer Portal -> Bot -> Reset Token), set DISCORD_TOKEN to it and restart forcewatch",
            { retryable: false, reason: 'auth', cause: error },
          );
        }
        throw new SinkError(`could not connect to Discord's gateway: ${errorMessage(error)}`, {
          retryable: true,
          reason: 'network',
          cause: error,
        });
      }
      logger.info('discord ready', { user: client.user?.tag, guilds: client.guilds.cache.size });
    },
    async start(signal) {
      await adapter.verify(signal);
      await adapter.connect(signal);
    },
    async stop() {
      await client.destroy();
      // destroy() also unsets the REST token; the pipeline may still drain its outbox through the
      // sink after the adapters stop, and alerts go over REST, so keep it.
      client.rest.setToken(config.token);
      logger.info('discord stopped');
    },
  };
  return adapter;
}

/** The part of discord.js's gateway manager that turns dispatches into events (private in its typings). */
interface PacketHandling {
  handlePacket?: (packet?: { t?: unknown; s?: unknown; d?: unknown }, shard?: unknown) => boolean;
}

/**
 * Keeps a gateway packet discord.js cannot read from crashing the process. discord.js handles each
 * dispatch in `WebSocketManager#handlePacket`, called from @discordjs/ws's message handler, whose
 * promise nobody awaits: a throw there (an INTERACTION_CREATE without `data` is a TypeError in
 * InteractionCreateAction) is an unhandled rejection, and for a packet queued before ready an
 * uncaught exception; either ends the process. No documented hook sees that throw: `error` and
 * `shardError` carry connection errors only, and the `raw` and `client.ws` dispatch events run
 * before the handler and cannot stop it. So that one method is wrapped: a packet it throws on is
 * logged without its contents (an interaction carries its token) and dropped; the next is handled as usual.
 */
function dropUnhandlablePackets(client: Client, logger: Logger): void {
  const manager = client.ws as unknown as PacketHandling;
  const handlePacket = manager.handlePacket?.bind(manager);
  if (!handlePacket) {
    logger.warn('discord.js has no WebSocketManager#handlePacket any more: a malformed gateway packet may crash the bot', {
      fix: 'adapt dropUnhandlablePackets in src/discord/createDiscordAdapter.ts to this discord.js version',
    });
    return;
  }
  manager.handlePacket = (packet, shard) => {
    try {
      return handlePacket(packet, shard);
    } catch (error) {
      const fields = typeof packet?.d === 'object' && packet.d !== null ? Object.keys(packet.d).sort() : [];
      logger.error('discord gateway packet dropped: discord.js could not handle it', {
        event: packet?.t,
        sequence: packet?.s,
        fields,
        ...describeDiscordError(error),
      });
      return true;
    }
  };
}

/**
 * What the bot needs in the alert channel: see it, post in it, show embeds, and read its history (to
 * find an alert a crash may already have posted, before posting it again).
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

/**
 * The OAuth2 URL that adds the bot to a server with its slash command and just those permissions.
 * https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow
 */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
