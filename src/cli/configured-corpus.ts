/**
 * The corpus as the configuration serves it, for the entry points without Discord (`npm start`'s
 * console, `ask`, `trend`): with SEARCH_BACKEND=postgres the shared corpus in DATABASE_URL, else
 * DATA_DIR's snapshot; another folder given on the command line is built in memory.
 */
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';
import { openSearchDatabase } from '../db/search-database.js';
import { openCorpus, type OpenedCorpus } from '../library/open.js';

/** An opened corpus and how to let go of what it holds (the shared search's pool). */
export interface ConfiguredCorpus {
  readonly opened: OpenedCorpus;
  close(): Promise<void>;
}

/**
 * Opens `config.corpusDir` as the bot would serve it, or `otherDir` in memory (the persisted
 * index and the shared search belong to the configured corpus only).
 */
export async function openConfiguredCorpus(
  config: Config,
  logger: Logger,
  otherDir: string | null = null,
): Promise<ConfiguredCorpus> {
  if (otherDir !== null) {
    const opened = await openCorpus(otherDir, logger, Date.now, {
      indexWorkers: config.indexWorkers,
    });
    return { opened, close: () => opened.library.close() };
  }
  const searchDatabase = await openSearchDatabase(config);
  try {
    const opened = await openCorpus(config.corpusDir, logger, Date.now, {
      dataDir: config.dataDir,
      indexWorkers: config.indexWorkers,
      ...(searchDatabase === null ? {} : { sharedSearch: searchDatabase }),
    });
    return {
      opened,
      close: async () => {
        await opened.library.close();
        await opened.shared?.close();
        await searchDatabase?.end();
      },
    };
  } catch (error) {
    await searchDatabase?.end();
    throw error;
  }
}
