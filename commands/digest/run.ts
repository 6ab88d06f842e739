/** /digest run — post a digest now, and say privately what happened. */
import { MessageFlags } from 'discord.js';
import type { RunResult } from '../../src/scheduler/scheduler.js';
import { idOption, replyPrivately, targetOf, type DigestSubcommand } from './shared.js';

export const run: DigestSubcommand = {
  name: 'run',
  define: (s) => s.setDescription('Post a digest now').addIntegerOption(idOption(true)),
  async run(call) {
    const sub = await targetOf(call);
    await call.interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const result = await call.scheduler.runNow(sub.id);
    const messages: Record<RunResult['outcome'], string> = {
      posted: `Posted ${result.posted} quote${result.posted === 1 ? '' : 's'} for digest #${sub.id} to <#${sub.channelId}>.`,
      'nothing-new': `Nothing new to post for digest #${sub.id} right now.`,
      paused: `I could not post digest #${sub.id}, so it is paused: ${result.detail ?? ''}`,
      failed: `Discord did not accept digest #${sub.id} just now; it will be tried again at the next run.`,
      interrupted: `Digest #${sub.id} was interrupted; it will be tried again at the next run.`,
      busy: `Digest #${sub.id} is being posted right now; try again in a moment.`,
    };
    await replyPrivately(call.interaction, messages[result.outcome]);
  },
};
