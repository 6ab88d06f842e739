import { describe, expect, it } from 'vitest';
import {
  nameKeyOf,
  nameKeysOf,
  phoneticKey,
  transliterateBulgarian,
} from '../../src/text/names.js';
import {
  indexTermsOf,
  NAME_IN_CYRILLIC,
  NAME_IN_LATIN,
  queryTermsOf,
} from '../../src/text/terms.js';

describe('transliterateBulgarian', () => {
  it('follows the official streamlined system, keeping case', () => {
    expect(transliterateBulgarian('Путин Нетаняху Щерев Цветков Жечев Ъгъл')).toBe(
      'Putin Netanyahu Shterev Tsvetkov Zhechev Agal',
    );
  });
});

describe('phoneticKey', () => {
  it('makes English and transliterated spellings of one name meet', () => {
    const pairs = [
      ['Netanyahu', 'Нетаняху'],
      ['Bennett', 'Бенет'],
      ['Zelensky', 'Зеленски'],
      ['Gaza', 'Газа'],
      ['Hamas', 'Хамас'],
      ['Erdoğan', 'Ердоган'],
    ] as const;
    for (const [latin, cyrillic] of pairs)
      expect(phoneticKey(latin)).toBe(phoneticKey(transliterateBulgarian(cyrillic)));
  });
});

describe('nameKeyOf', () => {
  it('keys capitalised words of either script, through the alias table for exonyms and acronyms', () => {
    expect(
      [
        'Кремъл',
        'Kremlin',
        'Москва',
        'Moscow',
        'ООН',
        'UN',
        'САЩ',
        'US',
        'НАТО',
        'NATO',
        'Ройтерс',
        'Reuters',
      ].map(nameKeyOf),
    ).toEqual([
      'kremlin',
      'kremlin',
      'moscow',
      'moscow',
      'un',
      'un',
      'us',
      'us',
      'nato',
      'nato',
      'reuters',
      'reuters',
    ]);
  });

  it('gives no key to lowercase words, short non-acronyms or a capitalised "Us"', () => {
    expect(['каза', 'газа', 'said', 'Да', 'Us', 'Ivo'].map(nameKeyOf)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('nameKeysOf', () => {
  it('keys a declined Russian or Ukrainian name as its base form too', () => {
    expect(nameKeysOf('Путину')).toEqual(['putinu', 'putin']);
    expect(nameKeysOf('Путіним')).toEqual(['putinim', 'putin']);
    expect(nameKeysOf('Беннетом')).toEqual(['benetom', 'benet']);
    expect(nameKeysOf('Зеленского')).toEqual(['selenskogo', nameKeyOf('Zelensky')]);
    expect(nameKeysOf('Зеленському')).toEqual(['selenskomu', nameKeyOf('Zelensky')]);
  });

  it('keeps an undeclined name its own key, first, and a Latin name one key', () => {
    expect(nameKeysOf('Нетаньяху')[0]).toBe(nameKeyOf('Netanyahu'));
    expect(nameKeysOf('Путин')).toEqual(['putin']);
    expect(nameKeysOf('Netanyahu')).toEqual(['netaniahu']);
    expect(nameKeysOf('путину')).toEqual([]);
  });

  it('cuts no ending that would leave fewer than four letters', () => {
    expect(nameKeysOf('Газа')).toEqual(['gasa']);
  });
});

describe('nameKeyOf across Russian and Ukrainian spellings', () => {
  it('drops the soft sign, which Latin spellings leave out, but not in Bulgarian "ьо"', () => {
    expect(nameKeyOf('Зеленський')).toBe(nameKeyOf('Zelensky'));
    expect(nameKeyOf('Нетаньяху')).toBe(nameKeyOf('Netanyahu'));
    expect(nameKeyOf('Жельо')).toBe(nameKeyOf('Zhelyo'));
  });
});

describe('indexTermsOf and queryTermsOf', () => {
  it('index a name under its own script and look it up in the other one', () => {
    expect(indexTermsOf('Путин')).toEqual(['путин', `${NAME_IN_CYRILLIC}putin`]);
    expect(queryTermsOf('Putin')).toEqual(['putin', `${NAME_IN_CYRILLIC}putin`]);
    expect(indexTermsOf('Bennett')).toEqual(['bennett', `${NAME_IN_LATIN}benet`]);
    expect(queryTermsOf('Бенет')).toEqual(['бенет', `${NAME_IN_LATIN}benet`]);
  });

  it("drop stop words of the token's script and stem by script", () => {
    expect(['the', 'на', 'talks', 'разговорите', 'Erdoğan'].map((w) => indexTermsOf(w))).toEqual([
      [],
      [],
      ['talk'],
      ['разговор'],
      ['erdogan', `${NAME_IN_LATIN}erdogan`],
    ]);
    expect(indexTermsOf('переговорах', { cyrillic: 'ru' })).toEqual(['переговор']);
  });

  it('key a declined name by its base form in Russian and Ukrainian text, not in Bulgarian', () => {
    expect(indexTermsOf('Путина', { cyrillic: 'ru' })).toEqual([
      'путин',
      `${NAME_IN_CYRILLIC}putina`,
      `${NAME_IN_CYRILLIC}putin`,
    ]);
    expect(indexTermsOf('Захарова')).toEqual(['захаров', `${NAME_IN_CYRILLIC}saharova`]);
    expect(queryTermsOf('Путину', { cyrillic: 'ru' })).toEqual([
      'путин',
      `${NAME_IN_LATIN}putinu`,
      `${NAME_IN_LATIN}putin`,
    ]);
  });
});
