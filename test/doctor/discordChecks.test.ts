import { type APIRole, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { channelPermissions } from '../../src/doctor/discordChecks.js';

const GUILD = '100000000000000001';
const BOT = '100000000000000002';
const ROLE = '100000000000000003';
const { ViewChannel, SendMessages, EmbedLinks, Administrator } = PermissionFlagsBits;

function role(id: string, permissions: bigint): APIRole {
  return { id, name: id, permissions: permissions.toString() } as APIRole;
}

describe("channelPermissions (Discord's overwrite order)", () => {
  const roles = [role(GUILD, ViewChannel | SendMessages), role(ROLE, EmbedLinks)];

  it("adds the member's roles to @everyone", () => {
    expect(channelPermissions({ guildId: GUILD, roles, memberRoleIds: [ROLE], memberId: BOT, overwrites: [] })).toBe(
      ViewChannel | SendMessages | EmbedLinks,
    );
  });

  it("a role overwrite's allow beats the @everyone overwrite's deny, and a member overwrite beats both", () => {
    const overwrites = [
      { id: GUILD, type: 0 as const, allow: '0', deny: (SendMessages | ViewChannel).toString() },
      { id: ROLE, type: 0 as const, allow: SendMessages.toString(), deny: '0' },
    ];
    expect(channelPermissions({ guildId: GUILD, roles, memberRoleIds: [ROLE], memberId: BOT, overwrites })).toBe(SendMessages | EmbedLinks);
    const member = { id: BOT, type: 1 as const, allow: ViewChannel.toString(), deny: EmbedLinks.toString() };
    expect(channelPermissions({ guildId: GUILD, roles, memberRoleIds: [ROLE], memberId: BOT, overwrites: [...overwrites, member] })).toBe(
      SendMessages | ViewChannel,
    );
  });

  it('Administrator grants everything whatever the overwrites say', () => {
    const admin = [role(GUILD, 0n), role(ROLE, Administrator)];
    const overwrites = [{ id: GUILD, type: 0 as const, allow: '0', deny: ViewChannel.toString() }];
    const granted = channelPermissions({ guildId: GUILD, roles: admin, memberRoleIds: [ROLE], memberId: BOT, overwrites });
    expect(granted & (ViewChannel | SendMessages | EmbedLinks)).toBe(ViewChannel | SendMessages | EmbedLinks);
  });
});
