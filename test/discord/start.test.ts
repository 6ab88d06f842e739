import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/index.js';
import { ROOT, removeDir, tempDataDir } from './harness.js';

/** Runs a TypeScript entry point of the project as `npm start` / `npm run` would. */
function run(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start and npm run deploy-commands with DISCORD_TOKEN and DISCORD_API_BASE', () => {
  let fake: FakeDiscord;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    dataDir = tempDataDir();
    env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_BASE: fake.apiBase,
      DATA_DIR: dataDir,
      CORPUS_DIR: 'corpus',
      WATCH_CORPUS: 'false',
      LOG_LEVEL: 'info',
      // Set every key so a developer's .env (which never overrides) cannot change the run.
      DISCORD_GUILD_ID: '',
      CHAT_ENABLED: 'false',
    };
  });

  afterAll(async () => {
    await fake.close();
    removeDir(dataDir);
  });

  it('serves /ask from the bundled corpus and never logs the token', async () => {
    const bot = run('src/main.ts', env);
    const exited = finished(bot);
    try {
      await fake.waitForRequest((r) => r.method === 'PUT');
      const reply = await fake
        .sendCommand('ask', [{ name: 'question', type: 3, value: 'Gomel delegation' }])
        .reply();
      expect(reply.embeds[0]?.description).toContain('**Gomel**');
      expect(reply.embeds[0]?.description).toContain('Sputnik');
    } finally {
      bot.kill('SIGTERM');
    }
    const { stderr } = await exited;
    expect(stderr).toContain('connected to Discord');
    expect(stderr).not.toContain(fake.token);
  });

  it('deploy-commands puts the commands even when unchanged, and says where', async () => {
    const before = fake.requests.filter((r) => r.method === 'PUT').length;
    const { code, stdout } = await finished(
      run('src/cli/deploy-commands.ts', { ...env, DISCORD_GUILD_ID: fake.guildId }),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^Put \\d+ commands \\(/ask /search .*/help\\) to server ${fake.guildId}\\.\\n$`),
    );
    const puts = fake.requests.filter((r) => r.method === 'PUT').slice(before);
    expect(puts.map((r) => r.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    ]);
  });

  it('deploy-commands without a token stops with one line naming the key', async () => {
    const { code, stderr } = await finished(
      run('src/cli/deploy-commands.ts', { ...env, DISCORD_TOKEN: '' }),
    );
    expect(code).toBe(2);
    expect(stderr).toBe('Configuration error: DISCORD_TOKEN: required to deploy commands\n');
  });

  it('was never rejected by the fake Discord', () => {
    expect(fake.rejections()).toEqual([]);
  });
});
