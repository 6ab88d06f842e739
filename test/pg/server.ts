/**
 * vitest globalSetup of the PostgreSQL suites (vitest.pg.config.ts): one private PostgreSQL
 * server per run, in a temporary folder, on a free 127.0.0.1 port, stopped and deleted at the
 * end. Debian's programs (`apt-get install postgresql`) are used from /usr/lib/postgresql;
 * `initdb` refuses to run as root, so as root the server runs as the package's `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's server (database `postgres`). */
    pgAdminUrl: string;
  }
}

/** The newest installed PostgreSQL's bin folder. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    throw new Error(
      'PostgreSQL is not installed: run `apt-get install -y postgresql` (see .ci/run).',
    );
  return path.join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A running private server: its superuser URL and how to stop (and delete) it. */
export interface PrivatePostgres {
  readonly adminUrl: string;
  /** The server's data directory. */
  readonly dataDir: string;
  stop(): void;
}

/**
 * Starts a private PostgreSQL server (trust authentication, user `verbatim`, durability off) in
 * a new temporary folder deleted by `stop` — or, given `keep`, in that folder, kept by `stop`
 * and reused by the next start (a benchmark's 1M-passage build is then made once).
 */
export async function startPrivatePostgres(keep?: string): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'verbatim-pg-'));
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]): void => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args]]
      : [path.join(bin, program), args];
    execFileSync(file, argv, { stdio: 'pipe', cwd: dir });
  };
  const data = path.join(dir, 'db');
  if (!existsSync(path.join(data, 'PG_VERSION')))
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'verbatim', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Durability off: a test server's data dies with the run, and fsync is the slow part.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), 'start', '-w']);
  return {
    adminUrl: `postgres://verbatim@127.0.0.1:${port}/postgres`,
    dataDir: data,
    stop() {
      try {
        run('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
      } finally {
        if (keep === undefined) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPrivatePostgres();
  project.provide('pgAdminUrl', server.adminUrl);
  return () => server.stop();
}
