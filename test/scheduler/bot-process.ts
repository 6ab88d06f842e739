/**
 * One real bot process for the several-processes test (several-processes.pg.test.ts): startBot
 * on the configuration of its environment, as `npm start` does, with the digest clock and
 * heartbeat driven by the parent test over IPC (`node --import tsx bot-process.ts <start ms>`).
 *
 * From the parent: `{ time }` sets the clock (waking the sleeps it reaches); `{ beat: true }`
 * beats the heartbeat and answers `{ idle: true }` once the runs it started are done. To the
 * parent: `{ started: true }` once the bot is connected and digests are started.
 */
import { COMMANDS } from '../../commands/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/core/log.js';
import { startBot } from '../../src/discord/bot.js';
import type { Clock, Heartbeat } from '../../src/scheduler/scheduler.js';

/** A message from the parent test. */
interface Command {
  readonly time?: number;
  readonly beat?: boolean;
}

let now = Number(process.argv[2]);
const sleepers: { until: number; wake: () => void }[] = [];
/** Time only moves when the parent says so: a retry backoff waits for it. */
const clock: Clock = {
  now: () => now,
  sleep: (ms) => new Promise((wake) => sleepers.push({ until: now + ms, wake })),
};
let beat: (() => void) | null = null;
const heartbeat: Heartbeat = (onBeat) => {
  beat = onBeat;
  return { stop: () => (beat = null) };
};

const config = await loadConfig();
const logger = createLogger(config.logLevel, { secrets: [config.discordToken] });
const bot = await startBot({ config, logger, commands: COMMANDS, digests: { clock, heartbeat } });
process.on('message', (message: Command) => {
  if (message.time !== undefined) {
    now = message.time;
    for (const sleeper of sleepers.filter((s) => s.until <= now)) {
      sleepers.splice(sleepers.indexOf(sleeper), 1);
      sleeper.wake();
    }
  }
  if (message.beat === true) {
    beat?.();
    void bot.digests?.scheduler.idle().then(() => process.send?.({ idle: true }));
  }
});
process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
process.send?.({ started: true });
