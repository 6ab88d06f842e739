/**
 * A small structured logger that writes one line per event to stderr (never stdout, which
 * `ask --json` reserves for its JSON) and scrubs secrets such as the bot token from every line.
 */
import type { LogLevel } from '../config.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Context attached to a log line, e.g. `{ command: 'ask', guild: '123' }`. */
export type LogContext = Record<string, unknown>;

/** What every part of the app logs through; passed down, never imported as a global. */
export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger that adds `context` to every line. */
  child(context: LogContext): Logger;
}

/** Where lines go; defaults to stderr. */
export type LogSink = (line: string) => void;

function describe(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

/**
 * Creates a logger. Every occurrence of each string in `secrets` (of 8+ characters) is
 * replaced by `[redacted]` before the line is written.
 */
export function createLogger(
  level: LogLevel,
  options: { secrets?: readonly (string | null)[]; sink?: LogSink; context?: LogContext } = {},
): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => s !== null && s.length >= 8);
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.context ?? {};
  const write = (lineLevel: LogLevel, message: string, context?: LogContext): void => {
    if (RANK[lineLevel] < RANK[level]) return;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries({ ...base, ...context }))
      fields[key] = describe(value);
    let line = `${new Date().toISOString()} ${lineLevel.toUpperCase()} ${message}`;
    if (Object.keys(fields).length > 0) line += ' ' + JSON.stringify(fields);
    for (const secret of secrets) line = line.split(secret).join('[redacted]');
    sink(line);
  };
  return {
    debug: (m, c) => write('debug', m, c),
    info: (m, c) => write('info', m, c),
    warn: (m, c) => write('warn', m, c),
    error: (m, c) => write('error', m, c),
    child: (context) => createLogger(level, { ...options, context: { ...base, ...context } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const SILENT_LOGGER: Logger = createLogger('error', { sink: () => undefined });

/**
 * Logs a repeated event once per window instead of once per occurrence: the first occurrence of
 * a key is written at once, later ones in the same window are counted and written as one line
 * when the window closes. A burst of 2,000 identical warnings becomes two lines.
 */
export class LogWindow {
  private readonly open = new Map<
    string,
    { count: number; message: string; context: LogContext; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly write: (message: string, context: LogContext) => void,
    private readonly windowMs: number,
  ) {}

  /** Notes one occurrence of `key`. */
  note(key: string, message: string, context: LogContext = {}): void {
    const entry = this.open.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    this.write(message, context);
    const timer = setTimeout(() => this.close(key), this.windowMs);
    timer.unref();
    this.open.set(key, { count: 0, message, context, timer });
  }

  /** Writes the counts of open windows now and stops their timers (on shutdown). */
  flush(): void {
    for (const key of [...this.open.keys()]) this.close(key);
  }

  private close(key: string): void {
    const entry = this.open.get(key);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.open.delete(key);
    if (entry.count > 0) {
      this.write(`${entry.message} (${entry.count} more time(s) in that window)`, {
        ...entry.context,
        windowMs: this.windowMs,
        more: entry.count,
      });
    }
  }
}
