/** /digest pause — stop posting a digest until it is resumed. */
import { idOption, replyPrivately, targetOf, type DigestSubcommand } from './shared.js';

export const pause: DigestSubcommand = {
  name: 'pause',
  define: (s) => s.setDescription('Pause a digest').addIntegerOption(idOption(true)),
  async run(call) {
    const target = await targetOf(call);
    await call.scheduler.pause(target.id, `paused by <@${call.interaction.user.id}>`);
    await replyPrivately(
      call.interaction,
      `Digest #${target.id} is paused. \`/digest resume id:${target.id}\` starts it again.`,
    );
  },
};
