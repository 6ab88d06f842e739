/**
 * `npm run migrate-to-postgres`: copies this deployment's SQLite digest state (DATA_DIR) and its
 * corpus (CORPUS_DIR) into the PostgreSQL database of DATABASE_URL, so several bot processes can
 * share them. Run it with the bot stopped; running it again finishes an interrupted copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXIT_USAGE, loadConfigOrReport, runMain } from './run.js';
import { DATABASE_FILE } from '../db/db.js';
import { openPostgres } from '../db/postgres.js';
import { loadCorpus } from '../library/load.js';
import { copyToPostgres } from './postgres-migration.js';

async function main(): Promise<number> {
  const config = await loadConfigOrReport();
  if (config === null) return EXIT_USAGE;
  if (config.databaseUrl === null) {
    process.stderr.write(
      'Configuration error: DATABASE_URL: set it to the PostgreSQL to copy into\n',
    );
    return EXIT_USAGE;
  }
  const sqliteFile = path.join(config.dataDir, DATABASE_FILE);
  const corpus = await loadCorpus(config.corpusDir);
  const pool = openPostgres(config.databaseUrl, { max: 2 });
  try {
    const report = await copyToPostgres({
      pool,
      sqliteFile: fs.existsSync(sqliteFile) ? sqliteFile : null,
      articles: corpus.articles,
    });
    for (const [table, count] of Object.entries(report.rows))
      process.stderr.write(`${table}: ${count} rows\n`);
    const { added, changed, unchanged } = report.articles;
    process.stderr.write(
      `articles: ${added} added, ${changed} changed, ${unchanged} already there (${corpus.problems.length} corpus problems; see npm run validate-corpus)\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

runMain('migrate-to-postgres', main);
