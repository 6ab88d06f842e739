/** /digest list — this server's digests, as many as fit one message. */
import { DISCORD_LIMITS } from '../../src/present/limits.js';
import { describeSubscription, replyPrivately, type DigestSubcommand } from './shared.js';

/** Room kept for the "…and n more." line. */
const MORE_LINE_ROOM = 100;

export const list: DigestSubcommand = {
  name: 'list',
  define: (s) => s.setDescription('This server’s digests'),
  async run({ interaction, scheduler, guildId, context }) {
    const subs = await scheduler.store.subscriptionsOf(guildId);
    // What happened to the database (kept aside at start) comes first, until the bot restarts.
    const notice = context.digestsNotice?.() ?? null;
    const entries: string[] = notice === null ? [] : [notice];
    if (subs.length === 0) {
      entries.push(
        'This server has no digests yet. Add one with `/digest add topic:… schedule:daily 09:00`.',
      );
      await replyPrivately(interaction, entries.join('\n\n'));
      return;
    }
    let length = notice?.length ?? 0;
    for (const [i, sub] of subs.entries()) {
      const entry = describeSubscription(sub);
      if (length + entry.length + MORE_LINE_ROOM > DISCORD_LIMITS.content) {
        entries.push(`…and ${subs.length - i} more.`);
        break;
      }
      entries.push(entry);
      length += entry.length + 2;
    }
    await replyPrivately(interaction, entries.join('\n\n'));
  },
};
