import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_BUTTON,
  PAGE_BUTTON,
  isContextTarget,
  splitCustomId,
  type ContextButton,
  type CustomIdCodec,
} from '../../src/discord/custom-id.js';

const stateKey = fc.stringMatching(/^[\w-]{12}$/);
const offset = fc.nat({ max: 10_000_000 });
const target = fc.record({
  docId: fc.string({ minLength: 1, maxLength: 120 }),
  start: offset,
  end: offset,
  focus: offset,
  check: fc.stringMatching(/^[\w-]{6}$/),
});
const contextButton: fc.Arbitrary<ContextButton> = fc.oneof(
  target.map((t) => ({ target: t })),
  stateKey.map((k) => ({ stateKey: k })),
);

/** Encodes, checks the id against Discord's rules, routes it by prefix and decodes it again. */
function roundTrip<T>(codec: CustomIdCodec<T>, value: T): T | null | 'too long' {
  const id = codec.encode(value);
  if (id === null) return 'too long';
  expect(id.length).toBeLessThanOrEqual(100);
  const { prefix, args } = splitCustomId(id);
  expect(prefix).toBe(codec.prefix);
  return codec.decode(args);
}

describe('PAGE_BUTTON', () => {
  it('reads back every page button it writes', () => {
    fc.assert(
      fc.property(stateKey, offset, (key, at) => {
        const button = { stateKey: key, offset: at };
        expect(roundTrip(PAGE_BUTTON, button)).toEqual(button);
      }),
    );
  });

  it('writes the format of buttons already posted, so they keep working', () => {
    expect(PAGE_BUTTON.encode({ stateKey: 'AAAAAAAAAAAA', offset: 5 })).toBe('page:AAAAAAAAAAAA:5');
    expect(PAGE_BUTTON.decode('AAAAAAAAAAAA:5')).toEqual({ stateKey: 'AAAAAAAAAAAA', offset: 5 });
  });

  it('refuses forged or damaged ids instead of half-reading them', () => {
    for (const args of [
      '',
      'AAAAAAAAAAAA',
      'AAAAAAAAAAAA:-1',
      'AAAAAAAAAAAA:1e3',
      'AAAAAAAAAAAA:5:6',
      'short:5',
      'AAAAAAAAAAAA:05',
    ]) {
      expect(PAGE_BUTTON.decode(args)).toBeNull();
    }
  });
});

describe('CONTEXT_BUTTON', () => {
  it('reads back every Context button it writes, or says it is too long to write', () => {
    fc.assert(
      fc.property(contextButton, (button) => {
        const back = roundTrip(CONTEXT_BUTTON, button);
        if (back === 'too long') expect('target' in button).toBe(true);
        else expect(back).toEqual(button);
      }),
    );
  });

  it('keeps a document id holding ":" whole and puts a stored target in 17 characters', () => {
    const t = { docId: 'feed:2022:a', start: 36, end: 71, focus: 40, check: 'abc-_9' };
    expect(CONTEXT_BUTTON.encode({ target: t })).toBe('ctx:10:1z:14:abc-_9:feed:2022:a');
    expect(CONTEXT_BUTTON.decode('10:1z:14:abc-_9:feed:2022:a')).toEqual({ target: t });
    expect(CONTEXT_BUTTON.encode({ stateKey: 'AAAAAAAAAAAA' })).toBe('ctx:~AAAAAAAAAAAA');
  });

  it('refuses ids with bad numbers, a bad check or no document', () => {
    for (const args of [
      '1:2:3:abcdef:',
      '1:2:x!:abcdef:d',
      '1:2:3:abc:d',
      '-1:2:3:abcdef:d',
      '~x',
    ]) {
      expect(CONTEXT_BUTTON.decode(args)).toBeNull();
    }
  });
});

describe('isContextTarget', () => {
  it('accepts only complete targets read back from the button state', () => {
    const t = { docId: 'a', start: 0, end: 4, focus: 1, check: 'abcdef' };
    expect(isContextTarget(t)).toBe(true);
    expect(isContextTarget({ ...t, start: -1 })).toBe(false);
    expect(isContextTarget({ ...t, check: 'abc' })).toBe(false);
    expect(isContextTarget({ ...t, docId: 5 })).toBe(false);
    expect(isContextTarget(null)).toBe(false);
  });
});
