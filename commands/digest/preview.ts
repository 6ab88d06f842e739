/** /digest preview — privately see what a digest, or a topic not yet added, would post now. */
import { UsageError } from '../../src/core/errors.js';
import { DEFAULT_DIGEST_LIMIT } from '../../src/digest/build.js';
import { escapeMarkdown } from '../../src/present/markdown.js';
import {
  MAX_TOPIC_LENGTH,
  idOption,
  replyPrivately,
  subscriptionOf,
  type DigestSubcommand,
} from './shared.js';

export const preview: DigestSubcommand = {
  name: 'preview',
  define: (s) =>
    s
      .setDescription('Privately see what a digest would post now')
      .addIntegerOption(idOption(false))
      .addStringOption((o) =>
        o
          .setName('topic')
          .setDescription('Or preview a topic before adding it')
          .setMaxLength(MAX_TOPIC_LENGTH),
      ),
  async run(call) {
    const { interaction, scheduler } = call;
    const id = interaction.options.getInteger('id');
    const topic = interaction.options.getString('topic')?.trim() ?? '';
    if (id === null && topic === '')
      throw new UsageError(
        'Give a digest `id` or a `topic` to preview, e.g. `/digest preview topic:Bennett Putin`.',
      );
    const target =
      id !== null
        ? await subscriptionOf(call, id)
        : { id: -1, topic, maxQuotes: DEFAULT_DIGEST_LIMIT, baselineAt: null };
    const digest = await scheduler.preview(target);
    const label =
      id !== null ? `digest #${id} (${escapeMarkdown(target.topic)})` : escapeMarkdown(topic);
    if (digest.quoteCount === 0) {
      await replyPrivately(interaction, `Nothing new to post for ${label} right now.`);
      return;
    }
    await replyPrivately(interaction, `What ${label} would post now:`, digest);
  },
};
