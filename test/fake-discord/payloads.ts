/**
 * Builders for the gateway and REST objects the fake Discord hands to discord.js, shaped like
 * current Discord payloads (discord.js reads fields such as `entitlements` unconditionally).
 */
import type { APIChannel, APIGuildMember, APIMessage, APIUser } from 'discord-api-types/v10';

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A new snowflake id whose timestamp is now (discord.js derives createdAt from it). */
export function nextSnowflake(): string {
  increment = (increment + 1n) % 4_096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** Every permission bit (ADMINISTRATOR included), as a decimal string. */
export const ALL_PERMISSIONS = '2251799813685247';

/** A user object. */
export function makeUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    ...(bot ? { bot: true } : {}),
    flags: 0,
  } as unknown as APIUser;
}

/** A guild member wrapping `user`. */
export function makeMember(
  user: APIUser,
  permissions = ALL_PERMISSIONS,
): APIGuildMember & { permissions: string } {
  return {
    user,
    roles: [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    nick: null,
    avatar: null,
    premium_since: null,
    communication_disabled_until: null,
    permissions,
  } as unknown as APIGuildMember & { permissions: string };
}

/** A guild text channel (type 0). */
export function makeTextChannel(id: string, guildId: string, name: string): APIChannel {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  } as unknown as APIChannel;
}

/** A public thread (type 11) started from a message of `parentId`. */
export function makeThread(
  id: string,
  guildId: string,
  parentId: string,
  name: string,
  ownerId: string,
): APIChannel {
  return {
    id,
    type: 11,
    guild_id: guildId,
    parent_id: parentId,
    name,
    owner_id: ownerId,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1_440,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  } as unknown as APIChannel;
}

/** A full message object as Discord returns it from a create or edit. */
export function makeMessage(fields: {
  id: string;
  channelId: string;
  author: APIUser;
  body: Record<string, unknown>;
  guildId?: string;
  webhookId?: string;
  applicationId?: string;
  interaction?: { id: string; type: number; name: string; user: APIUser };
  reference?: { message_id: string; channel_id: string; guild_id?: string };
}): APIMessage {
  const body = fields.body;
  return {
    id: fields.id,
    type: fields.reference ? 19 : fields.interaction ? 20 : 0,
    channel_id: fields.channelId,
    ...(fields.guildId ? { guild_id: fields.guildId } : {}),
    author: fields.author,
    content: typeof body['content'] === 'string' ? body['content'] : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: Array.isArray(body['embeds']) ? body['embeds'] : [],
    components: Array.isArray(body['components']) ? body['components'] : [],
    pinned: false,
    flags: typeof body['flags'] === 'number' ? body['flags'] : 0,
    ...(fields.webhookId ? { webhook_id: fields.webhookId } : {}),
    ...(fields.applicationId ? { application_id: fields.applicationId } : {}),
    ...(fields.interaction
      ? {
          interaction: { ...fields.interaction },
          interaction_metadata: {
            id: fields.interaction.id,
            type: fields.interaction.type,
            user: fields.interaction.user,
            authorizing_integration_owners: {},
          },
        }
      : {}),
    ...(fields.reference ? { message_reference: { type: 0, ...fields.reference } } : {}),
  } as unknown as APIMessage;
}
