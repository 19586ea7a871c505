import { type APIOverwrite, type APIRole, PermissionFlagsBits } from 'discord.js';

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
