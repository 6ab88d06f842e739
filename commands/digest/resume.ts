/** /digest resume — start a paused digest again from its next slot. */
import { idOption, replyPrivately, targetOf, when, type DigestSubcommand } from './shared.js';

export const resume: DigestSubcommand = {
  name: 'resume',
  define: (s) => s.setDescription('Resume a paused digest').addIntegerOption(idOption(true)),
  async run(call) {
    const resumed = await call.scheduler.resume((await targetOf(call)).id);
    await replyPrivately(
      call.interaction,
      `Digest #${resumed.id} is active again. Next run: ${when(resumed.nextRunAt, resumed.timeZone)}.`,
    );
  },
};
