/**
 * The long fuzz suite (npm run test:slow): hundreds of hostile inputs through each entry; the
 * quick form is fuzz.test.ts.
 */
import { describeHostileInput } from './fuzz-cases.js';

describeHostileInput(
  'hostile input, property-based, long',
  { readQuestion: 3_000, askArguments: 5_000, bot: 400 },
  600_000,
);
