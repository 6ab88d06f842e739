/**
 * The quick fuzz suite (npm test): a few dozen hostile inputs through each entry. The long form
 * with hundreds per entry is fuzz.slow.test.ts (npm run test:slow).
 */
import { describeHostileInput } from './fuzz-cases.js';

describeHostileInput(
  'hostile input, property-based',
  { readQuestion: 150, askArguments: 300, bot: 25 },
  30_000,
);
