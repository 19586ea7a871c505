import type { DiscordConfig } from './DiscordConfig.js';

/** Who is asking and where, as the interaction says. */
export interface Asker {
  roleIds: readonly string[];
  channelId: string | null;
  guildId: string | null;
}

/**
 * Whether `/forceorders` may run for this asker: a member holding one of DISCORD_ALLOWED_ROLE_IDS,
 * or anyone in one of DISCORD_ALLOWED_CHANNEL_IDS (default: the alert channel). Never outside a
 * guild. Role and channel ids are global snowflakes, so another server the bot is added to matches
 * neither.
 */
export function mayRunForceOrders(access: Pick<DiscordConfig, 'allowedRoleIds' | 'allowedChannelIds'>, asker: Asker): boolean {
  if (!asker.guildId) return false;
  if (asker.roleIds.some((role) => access.allowedRoleIds.includes(role))) return true;
  return asker.channelId !== null && access.allowedChannelIds.includes(asker.channelId);
}
