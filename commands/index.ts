/**
 * Every slash command Verbatim serves, in /help order. The runtime dispatches through this
 * array and the command sync puts exactly these definitions, so a command exists in one place.
 */
import type { Command } from '../src/discord/command.js';
import { about } from './about.js';
import { ask } from './ask.js';
import { digest } from './digest/index.js';
import { feed } from './feed.js';
import { help } from './help.js';
import { search } from './search.js';
import { sources } from './sources.js';
import { trend } from './trend.js';

export const COMMANDS: readonly Command[] = [
  ask,
  search,
  trend,
  sources,
  about,
  digest,
  feed,
  help,
];
