import {
  type APIApplicationCommand,
  type APIChannel,
  type APIGuildMember,
  type APIOverwrite,
  type APIRole,
  type APIUser,
  DiscordAPIError,
  HTTPError,
  PermissionFlagsBits,
  RateLimitError,
  REST,
  Routes,
} from 'discord.js';
import { SLASH_COMMAND_NAMES } from '../discord/commands.js';
import { type DiscordConfig, discordRestOptions } from '../discord/DiscordConfig.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** Discord: the bot token, then that the bot may post embeds in the alert channel, and where the slash commands are registered. */
export async function checkDiscord(config: DiscordConfig): Promise<CheckResult[]> {
  const rest = new REST(discordRestOptions(config.apiUrl)).setToken(config.token);
  try {
    const token = await checkDiscordToken(rest, config.apiUrl);
    if (!token.result.ok) return [token.result];
    return [
      token.result,
      await checkDiscordChannel(rest, config.alertChannelId, token.botUserId, config.apiUrl),
      await checkDiscordCommand(rest, config),
    ];
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** What the token check learnt: the result, and the bot's user id for the permission check. */
interface DiscordTokenCheck {
  result: CheckResult;
  botUserId: string | undefined;
}

/** `GET /users/@me` with the bot token. https://discord.com/developers/docs/resources/user#get-current-user */
async function checkDiscordToken(rest: REST, apiUrl: string): Promise<DiscordTokenCheck> {
  const name = 'discord: bot token';
  try {
    const user = (await rest.get(Routes.user())) as APIUser;
    if (!user.bot)
      return {
        result: fail(
          name,
          `the token belongs to ${user.username}, not a bot`,
          'DISCORD_TOKEN must be the token from Developer Portal → Bot',
        ),
        botUserId: undefined,
      };
    return { result: pass(name, `valid: bot ${user.username} (${user.id})`), botUserId: user.id };
  } catch (error) {
    return {
      result: fail(name, `GET /users/@me failed (${discordErrorSummary(error)})`, discordAdvice(error, apiUrl)),
      botUserId: undefined,
    };
  }
}

/** What posting an alert needs in the channel: alerts are embeds. */
const NEEDED = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
] as const;

/**
 * `GET /channels/{id}`: the bot can see the alert channel; then, from the guild's roles, the bot's
 * member roles and the channel's overwrites, that it may post embeds there.
 * https://discord.com/developers/docs/resources/channel#get-channel
 */
async function checkDiscordChannel(rest: REST, channelId: string, botUserId: string | undefined, apiUrl: string): Promise<CheckResult> {
  const name = 'discord: alert channel';
  let channel: APIChannel & { guild_id?: string; name?: string; permission_overwrites?: APIOverwrite[] };
  try {
    channel = (await rest.get(Routes.channel(channelId))) as typeof channel;
  } catch (error) {
    return fail(name, `GET /channels/${channelId} failed (${discordErrorSummary(error)})`, discordAdvice(error, apiUrl));
  }
  const label = `#${channel.name ?? channelId} (${channelId})`;
  if (!channel.guild_id || !botUserId) return pass(name, `the bot can see ${label}`);
  try {
    const [roles, member] = await Promise.all([
      rest.get(Routes.guildRoles(channel.guild_id)) as Promise<APIRole[]>,
      rest.get(Routes.guildMember(channel.guild_id, botUserId)) as Promise<APIGuildMember>,
    ]);
    const granted = channelPermissions({
      guildId: channel.guild_id,
      roles,
      memberRoleIds: member.roles,
      memberId: botUserId,
      overwrites: channel.permission_overwrites ?? [],
    });
    const missing = NEEDED.filter(([, bit]) => (granted & bit) === 0n).map(([label]) => label);
    if (missing.length > 0) {
      return fail(
        name,
        `the bot cannot post alerts in ${label}: it lacks ${missing.join(', ')}`,
        `in ${label} → Edit Channel → Permissions, allow the bot's role ${missing.join(', ')}`,
      );
    }
    return pass(name, `the bot can see ${label} and post embeds there`);
  } catch (error) {
    return pass(
      name,
      `the bot can see ${label}; its permissions could not be read (${discordErrorSummary(error)})`,
      'send a test alert (npm run test-alert) to be sure it may post',
    );
  }
}

/**
 * `/forceorders` and `/risk` are registered where the bot expects them: in DISCORD_GUILD_ID when set, else
 * globally (a bot upgraded without `npm run register` again lacks the newer command).
 * https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands
 */
async function checkDiscordCommand(rest: REST, config: Pick<DiscordConfig, 'applicationId' | 'guildId' | 'apiUrl'>): Promise<CheckResult> {
  const name = 'discord: /forceorders command';
  const where = config.guildId ? `in guild ${config.guildId}` : 'globally';
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  try {
    const commands = (await rest.get(route)) as APIApplicationCommand[];
    const missing = SLASH_COMMAND_NAMES.filter((wanted) => !commands.some((c) => c.name === wanted));
    if (missing.length === 0) return pass(name, `registered ${where}`);
    const what = missing.length === SLASH_COMMAND_NAMES.length ? '' : `${missing.map((m) => `/${m}`).join(', ')} `;
    return fail(name, `${what}not registered ${where}`, 'run npm run register (with the same DISCORD_* settings)', { critical: false });
  } catch (error) {
    return fail(name, `cannot list the commands ${where} (${discordErrorSummary(error)})`, discordAdvice(error, config.apiUrl), {
      critical: false,
    });
  }
}

/**
 * A member's permissions in a guild channel, as Discord computes them: @everyone and the member's roles,
 * ADMINISTRATOR grants all, then the channel's overwrites for @everyone, the member's roles (denies,
 * then allows) and the member.
 * https://discord.com/developers/docs/topics/permissions#permission-overwrites
 */
export function channelPermissions(input: {
  guildId: string;
  roles: readonly APIRole[];
  memberRoleIds: readonly string[];
  memberId: string;
  overwrites: readonly APIOverwrite[];
}): bigint {
  const rolePermissions = (id: string) => BigInt(input.roles.find((r) => r.id === id)?.permissions ?? '0');
  let permissions = rolePermissions(input.guildId);
  for (const id of input.memberRoleIds) permissions |= rolePermissions(id);
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return ~0n;
  const apply = (overwrite: APIOverwrite | undefined) => {
    if (!overwrite) return;
    permissions = (permissions & ~BigInt(overwrite.deny)) | BigInt(overwrite.allow);
  };
  apply(input.overwrites.find((o) => o.id === input.guildId));
  let deny = 0n;
  let allow = 0n;
  for (const o of input.overwrites) {
    if (o.id !== input.guildId && input.memberRoleIds.includes(o.id)) {
      deny |= BigInt(o.deny);
      allow |= BigInt(o.allow);
    }
  }
  permissions = (permissions & ~deny) | allow;
  apply(input.overwrites.find((o) => o.id === input.memberId));
  return permissions;
}

/**
 * Discord's JSON error codes turned into what to change.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
const BY_CODE: Record<number, string> = {
  10003: 'DISCORD_ALERT_CHANNEL_ID is not a channel: in Discord, Developer Mode on, right-click the channel → Copy Channel ID',
  50001:
    "the bot cannot see this channel: invite it to the server (npm run register prints the invite URL) and allow it to View Channel in the channel's permissions",
  50013: 'the bot lacks a permission here: give its role View Channel, Send Messages and Embed Links in the alert channel',
};

/** What to change after a discord.js REST call threw `error`. */
function discordAdvice(error: unknown, apiUrl: string): string {
  if (error instanceof DiscordAPIError) {
    if (error.status === 401)
      return 'DISCORD_TOKEN is not valid: Developer Portal → your application → Bot → Reset Token, and set the new token';
    const advice = BY_CODE[typeof error.code === 'number' ? error.code : 0];
    if (advice) return advice;
    return `Discord refused the request (HTTP ${error.status}, code ${error.code})`;
  }
  if (error instanceof RateLimitError)
    return `Discord is rate limiting this bot: wait ${Math.ceil(error.retryAfter / 1000)} s and run again`;
  if (error instanceof HTTPError) return `Discord answered HTTP ${error.status}: run again in a few minutes; see https://discordstatus.com`;
  return `cannot reach Discord at ${apiUrl}: check this host's network, DNS, firewall or proxy (and DISCORD_API_URL if set)`;
}

/** One line about a discord.js error without its URL (interaction URLs carry tokens). */
function discordErrorSummary(error: unknown): string {
  if (error instanceof DiscordAPIError) return `HTTP ${error.status}, code ${error.code}: ${error.message}`;
  if (error instanceof HTTPError) return `HTTP ${error.status}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
