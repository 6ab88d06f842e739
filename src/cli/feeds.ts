/**
 * `npm run feeds -- add URL [--name "Outlet"] [--lang bg] [--every MINUTES] | list | remove ID |
 * poll [ID]`: manages the feeds followed into CORPUS_DIR, in DATA_DIR's database. `poll` polls
 * once, now, printing progress per feed. Exit 0 on success, 1 when a feed could not be added or
 * a poll had failures, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { MAX_FEED_POLL_MINUTES } from '../config.js';
import { UserFacingError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { describeFeed, MAX_FEED_NAME, openFeedRuntime } from '../feeds/runtime.js';
import { EXIT_USAGE, loadConfigOrReport, runMain } from './run.js';

const USAGE = `usage: npm run feeds -- add URL [--name "Outlet"] [--lang bg] [--every MINUTES]
       npm run feeds -- list
       npm run feeds -- remove ID
       npm run feeds -- poll [ID]
`;

function usage(problem?: string): number {
  if (problem !== undefined) process.stderr.write(`${problem}\n`);
  process.stderr.write(USAGE);
  return EXIT_USAGE;
}

function readId(raw: string | undefined): number | null {
  return raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        lang: { type: 'string' },
        every: { type: 'string' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const [command, argument, extra] = parsed.positionals;
  if (command === undefined || extra !== undefined) return usage();
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn', {
    secrets: [config.discordToken],
  });
  const runtime = await openFeedRuntime(config, logger);
  if (runtime === null) {
    process.stderr.write(
      `cannot open the database ${config.databaseUrl !== null ? '(DATABASE_URL)' : `in ${config.dataDir}`}\n`,
    );
    return 1;
  }
  const { service } = runtime;
  try {
    switch (command) {
      case 'add': {
        if (argument === undefined) return usage('add needs the URL of a feed');
        const { name, lang, every } = parsed.values as Record<string, string | undefined>;
        if (name !== undefined && (name.trim() === '' || name.length > MAX_FEED_NAME))
          return usage(`--name must be 1 to ${MAX_FEED_NAME} characters`);
        const minutes = every === undefined ? null : Number(every);
        if (
          minutes !== null &&
          !(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_FEED_POLL_MINUTES)
        )
          return usage(
            `--every must be a whole number of minutes from 1 to ${MAX_FEED_POLL_MINUTES}`,
          );
        const feed = await service.add({
          url: argument,
          name: name ?? null,
          lang: lang ?? null,
          intervalMinutes: minutes,
        });
        process.stdout.write(
          `added feed #${feed.id} ${feed.name} (${feed.url}); it is polled by the bot and by \`npm run feeds -- poll\`\n`,
        );
        return 0;
      }
      case 'list': {
        if (argument !== undefined) return usage();
        const feeds = await service.store.all();
        if (feeds.length === 0)
          process.stdout.write('no feeds yet; add one with `npm run feeds -- add URL`\n');
        for (const feed of feeds)
          process.stdout.write(describeFeed(feed, config.feedPollMinutes) + '\n');
        return 0;
      }
      case 'remove': {
        const id = readId(argument);
        if (id === null) return usage('remove needs a feed number (see list)');
        const feed = await service.remove(id);
        process.stdout.write(
          `removed feed #${feed.id} ${feed.name}; its articles stay in the corpus\n`,
        );
        return 0;
      }
      case 'poll': {
        const id = argument === undefined ? null : readId(argument);
        if (argument !== undefined && id === null)
          return usage('poll takes a feed number (see list)');
        const summary = await service.pollNow(id, (done, total, feed) => {
          const outcome = feed.lastError ?? feed.lastStatus ?? '';
          process.stderr.write(`[${done}/${total}] ${feed.name}: ${outcome}\n`);
        });
        process.stdout.write(
          `polled ${summary.feeds} feeds: ${summary.newArticles} new articles, ${summary.updatedArticles} updated, ` +
            `${summary.notModified} not modified, ${summary.failed} failed` +
            (summary.busy > 0 ? `, ${summary.busy} being polled by another process` : '') +
            '\n',
        );
        return summary.failed === 0 ? 0 : 1;
      }
      default:
        return usage(`unknown command "${command.slice(0, 20)}"`);
    }
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

runMain('feeds', main);
