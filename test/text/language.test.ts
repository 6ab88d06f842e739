import { beforeAll, describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/text/clean.js';
import { loadLanguageDetector } from '../../src/text/language.js';
import { detectCyrillicLanguage } from '../../src/text/script.js';
import { stemWord } from '../../src/text/terms.js';
import { termContextOfArticle } from '../../src/text/analyze.js';

const RUSSIAN =
  'Российский президент провёл телефонный разговор с премьер-министром Израиля и обсудил ситуацию на Ближнем Востоке.';
const BULGARIAN =
  'Руският президент Владимир Путин каза на израелския премиер в телефонен разговор днес, че Русия е готова да помогне.';
const UKRAINIAN =
  'Президент України заявив, що переговори з Росією можливі лише після припинення вогню на всій території.';

describe('language detection when metadata names none', () => {
  it('reads Cyrillic by the letters only one language uses, before the detector loads', () => {
    expect(detectCyrillicLanguage('Какие были переговоры?')).toBe('ru');
    expect(detectCyrillicLanguage('Що сказав Путін?')).toBe('uk');
    expect(detectCyrillicLanguage('Какво съобщи Кремъл?')).toBe('bg');
  });

  describe('with the detector loaded', () => {
    beforeAll(async () => {
      await loadLanguageDetector();
    });

    it('names Russian, Bulgarian, Ukrainian and English articles', () => {
      expect(detectLanguage(RUSSIAN)).toBe('ru');
      expect(detectLanguage(BULGARIAN)).toBe('bg');
      expect(detectLanguage(UKRAINIAN)).toBe('uk');
      expect(detectLanguage('Bennett met Putin in the Kremlin on Saturday.')).toBe('en');
    });

    it('tells Cyrillic questions apart without telltale letters, and names alone not at all', () => {
      expect(detectCyrillicLanguage('Какво каза Путин на Нетаняху')).toBe('bg');
      expect(detectCyrillicLanguage('Что Путин сказал о секторе Газа')).toBe('ru');
      expect(detectCyrillicLanguage('Путин')).toBeNull();
    });
  });
});

describe('Russian term processing', () => {
  it('drops function words Snowball lists (now, while, against, which, such) but keeps verbs', () => {
    const context = termContextOfArticle({ lang: 'ru' });
    for (const word of ['сейчас', 'пока', 'против', 'какому', 'такое', 'никогда'])
      expect(stemWord(word, context)).toBeNull();
    expect(stemWord('являются', context)).not.toBeNull();
    expect(stemWord('имеют', context)).not.toBeNull();
  });
});

describe('Ukrainian term processing', () => {
  it('stems Ukrainian words and drops Ukrainian stop words in a Ukrainian article', () => {
    const context = termContextOfArticle({ lang: 'uk' });
    expect(stemWord('путіна', context)).toBe(stemWord('путін', context));
    expect(stemWord('новини', context)).toBe(stemWord('новина', context));
    expect(stemWord('що', context)).toBeNull();
    expect(stemWord('про', context)).toBeNull();
    for (const word of ['зараз', 'поки', 'проти', 'якому', 'таке'])
      expect(stemWord(word, context)).toBeNull();
  });
});
