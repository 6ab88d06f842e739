import { describe, expect, it } from 'vitest';
import { normalizeToken } from '../../src/text/normalize.js';
import { detectCyrillicLanguage, scriptOf } from '../../src/text/script.js';
import { ENGLISH_STOP_WORDS } from '../../src/text/stopwords.js';

describe('normalizeToken', () => {
  it('folds Latin diacritics so "Erdogan" meets "Erdoğan", in NFC and NFD alike', () => {
    expect(['Erdoğan', 'Erdog\u0306an', 'Élysée', 'Straße', 'Øresund'].map(normalizeToken)).toEqual(
      ['erdogan', 'erdogan', 'elysee', 'strasse', 'oresund'],
    );
  });

  it('keeps Cyrillic й and folds ё to е', () => {
    expect(['Край', 'Ёлка'].map(normalizeToken)).toEqual(['край', 'елка']);
  });
});

describe('scriptOf and detectCyrillicLanguage', () => {
  it('tell scripts apart per token', () => {
    expect(['Putin', 'Путин', '2022', 'Erdoğan'].map(scriptOf)).toEqual([
      'latin',
      'cyrillic',
      'other',
      'latin',
    ]);
  });

  it('tell Russian from Bulgarian by letters only one of them uses, else null', () => {
    expect(detectCyrillicLanguage('Какие были переговоры?')).toBe('ru');
    expect(detectCyrillicLanguage('Какво съобщи Кремъл?')).toBe('bg');
    expect(detectCyrillicLanguage('Путин Нетаняху')).toBeNull();
  });
});

describe('ENGLISH_STOP_WORDS', () => {
  it('keeps news words searchable', () => {
    expect(
      ['us', 'un', 'pm', 'new', 'former', 'first', 'last', 'world'].filter((w) =>
        ENGLISH_STOP_WORDS.has(w),
      ),
    ).toEqual([]);
  });
});
