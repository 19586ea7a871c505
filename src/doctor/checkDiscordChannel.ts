import { type APIChannel, type APIGuildMember, type APIOverwrite, type APIRole, PermissionFlagsBits, type REST, Routes } from 'discord.js';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { channelPermissions } from './channelPermissions.js';
import { discordAdvice, discordErrorSummary } from './discordAdvice.js';

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
export async function checkDiscordChannel(
  rest: REST,
  channelId: string,
  botUserId: string | undefined,
  apiUrl: string,
): Promise<CheckResult> {
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
