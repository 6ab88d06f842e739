/**
 * Replacing a file so that a reader sees either the old or the new content, and no temporary file
 * is left behind: not when the write or the rename fails, and not after a crash (a later write
 * removes temporaries of processes that are gone).
 */
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<file>.<pid>.tmp` files whose process no longer runs (left by a crash). */
function removeStaleTemporaries(file: string): void {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (pid === null || Number(pid[1]) === process.pid || isRunning(Number(pid[1]))) continue;
    rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

/**
 * Writes `data` to `<file>.<pid>.tmp`, then renames it over `file`. On failure the temporary
 * file is removed and the error thrown.
 */
export function replaceFile(file: string, data: string): void {
  removeStaleTemporaries(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true, recursive: true });
    throw error;
  }
}
