/**
 * The shared edge of every command-line entry point: configuration errors become one line
 * naming the key (exit 2), any other failure one line without a stack (exit 1).
 */
import { ConfigError, loadConfig, type Config } from '../config.js';
import { UsageError } from '../core/errors.js';

/** Exit code for bad arguments or configuration. */
export const EXIT_USAGE = 2;

/** Loads the configuration, or prints `Configuration error: KEY: problem` and returns null. */
export async function loadConfigOrReport(): Promise<Config | null> {
  try {
    return await loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}

/**
 * The command-line arguments as `parse` reads them, or null after printing its UsageError's
 * message (the caller exits with EXIT_USAGE).
 */
export function parseArgumentsOrReport<T>(parse: (argv: readonly string[]) => T): T | null {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return null;
    }
    throw error;
  }
}

/** Runs an entry point's `main` and sets the process's exit code from it. */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
