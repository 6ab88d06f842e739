/**
 * The real `npm start` entry (node --import tsx src/main.ts) as a child process against a fake Discord
 * running in the test process: for signals, kill -9 and everything a process boundary shows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FakeDiscord } from '../fake-discord/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** As `npm start` runs it: one node process (no tsx parent between the signal and the bot). */
const NODE_WITH_TSX = [
  process.execPath,
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
] as const;

/** A running bot process and its standard error so far. */
export interface ChildBot {
  readonly process: ChildProcess;
  readonly stderr: () => string;
  /** Resolves when a line of standard error contains `text`. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `src/main.ts` with the bot pointed at `fake`; `cwd` is a folder without a .env. Another
 * `entry` (a script starting the bot in its own way, given `args`) gets an IPC channel to this
 * process as well.
 */
export function startChildBot(options: {
  fake: FakeDiscord;
  dataDir: string;
  corpusDir: string;
  cwd: string;
  env?: Record<string, string>;
  entry?: string;
  args?: readonly string[];
}): ChildBot {
  const entry = options.entry ?? path.join(ROOT, 'src', 'main.ts');
  const child = spawn(
    NODE_WITH_TSX[0],
    [...NODE_WITH_TSX.slice(1), entry, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        DISCORD_TOKEN: options.fake.token,
        DISCORD_API_BASE: options.fake.apiBase,
        DATA_DIR: options.dataDir,
        CORPUS_DIR: options.corpusDir,
        WATCH_CORPUS: 'false',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio:
        options.entry === undefined
          ? ['ignore', 'ignore', 'pipe']
          : ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      if (stderr.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    stderr: () => stderr,
    exited,
    waitForLog: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no log line with "${text}" in ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}
