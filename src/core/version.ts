/**
 * The bot's version, read from package.json. The nearest package.json above the running module is
 * used, so the same code finds it from src/ (tsx) and from dist/src/ (the production build).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `version` of the nearest package.json above `moduleUrl` (pass `import.meta.url`). */
export function packageVersion(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json with a version above ${moduleUrl}`);
    dir = parent;
  }
}
