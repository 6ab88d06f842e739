/** /digest remove — stop and delete a digest. */
import { escapeMarkdown } from '../../src/present/markdown.js';
import { idOption, replyPrivately, targetOf, type DigestSubcommand } from './shared.js';

export const remove: DigestSubcommand = {
  name: 'remove',
  define: (s) => s.setDescription('Stop and delete a digest').addIntegerOption(idOption(true)),
  async run(call) {
    const target = await targetOf(call);
    await call.scheduler.remove(call.guildId, target.id);
    await replyPrivately(
      call.interaction,
      `Digest #${target.id} (${escapeMarkdown(target.topic)}) is removed.`,
    );
  },
};
