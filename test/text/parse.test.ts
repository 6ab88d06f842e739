import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/text/clean.js';
import { formatProblem, MAX_FILE_BYTES, parseCorpusFile } from '../../src/text/parse.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('cleanText', () => {
  it('turns a leading date prefix into the date and keeps the sentence after it', () => {
    expect(
      cleanText(' date 2022-03-06 International leaders have resumed efforts.\n\nNext.'),
    ).toEqual({
      text: 'International leaders have resumed efforts.\n\nNext.',
      prefixDate: '2022-03-06',
      droppedLines: 0,
    });
  });

  it('drops Bulgarian and English link lines', () => {
    const raw =
      'Първи абзац.\nОще: Украйна обяви колко души\nВтори абзац.\nRead more: Something else\nSee also: x';
    expect(cleanText(raw)).toEqual({
      text: 'Първи абзац.\n\nВтори абзац.',
      prefixDate: null,
      droppedLines: 3,
    });
  });

  it('drops lines matching a corpus-configured pattern', () => {
    expect(
      cleanText('Body.\nSubscribe now!', { extraLinkLinePatterns: [/^subscribe/iu] }).text,
    ).toBe('Body.');
  });

  it('normalises to NFC, collapses tabs and spaces, and separates paragraphs by one blank line', () => {
    expect(cleanText('Ély\u0301see\tsaid   so.\r\n\r\n\r\nNext  line.').text).toBe(
      'Élýsee said so.\n\nNext line.',
    );
  });

  it('joins a soft-wrapped line to its paragraph but keeps a headline apart', () => {
    expect(
      cleanText(
        'Humanitarian evacuations in chaos\nThe flurry of diplomacy comes as\nchaos surrounds plans.',
      ).text,
    ).toBe(
      'Humanitarian evacuations in chaos\n\nThe flurry of diplomacy comes as chaos surrounds plans.',
    );
  });

  it('drops a first line that repeats the title', () => {
    expect(
      cleanText('Putin speaks to Bennett\nBody.', { title: 'Putin speaks to Bennett' }).text,
    ).toBe('Body.');
  });
});

describe('parseCorpusFile', () => {
  it("refuses bytes over the size bound of the file's kind without decoding them", () => {
    const parsed = parseCorpusFile('a.md', bytes('x'.repeat(MAX_FILE_BYTES['.md'] + 1)));
    expect(parsed.articles).toEqual([]);
    expect(parsed.problems.map(formatProblem)).toEqual([
      'a.md:1: the file is 1.0 MB; .md files over 1.0 MB are not read (one article per file; split it)',
    ]);
  });

  it('reads front matter from a .md file', () => {
    const file =
      '---\nid: a1\ntitle: "A \\"quoted\\" title"\nsource: Reuters\nurl: https://example.com/a\ndate: 2023-10-16\nlang: en\n---\nBody text here.';
    expect(parseCorpusFile('news/a.md', bytes(file))).toEqual({
      articles: [
        {
          id: 'a1',
          title: 'A "quoted" title',
          source: 'Reuters',
          url: 'https://example.com/a',
          date: '2023-10-16',
          lang: 'en',
          text: 'Body text here.',
          origin: { file: 'news/a.md', line: 1 },
        },
      ],
      problems: [],
    });
  });

  it('derives the id from the path and the language from the script when metadata is absent', () => {
    const { articles } = parseCorpusFile('bg/статия.txt', bytes('Путин каза на Нетаняху.'));
    expect(articles.map((a) => [a.id, a.lang, a.date, a.source])).toEqual([
      ['bg/статия', 'bg', null, null],
    ]);
  });

  it('reads one article per JSONL line and reports a broken line by number', () => {
    const file =
      '{"id":"x","text":"First.","date":"2022-01-02"}\nnot json\n\n{"text":"Third.","source":"AP"}\n{"title":"no text"}\n';
    const parsed = parseCorpusFile('feed.jsonl', bytes(file));
    expect(parsed.articles.map((a) => [a.id, a.text, a.date, a.source, a.origin.line])).toEqual([
      ['x', 'First.', '2022-01-02', null, 1],
      ['feed:4', 'Third.', null, 'AP', 4],
    ]);
    expect(parsed.problems.map(formatProblem)).toEqual([
      'feed.jsonl:2: not valid JSON',
      'feed.jsonl:5: record has no "text"',
    ]);
  });

  it('reads a JSON array of records and names the bad record', () => {
    const parsed = parseCorpusFile(
      'a.json',
      bytes('[{"text":"One."},{"text":"Two.","date":"2022-02-30"},{"text":"   "}]'),
    );
    expect(parsed.articles.map((a) => a.id)).toEqual(['a:1']);
    expect(parsed.problems.map(formatProblem)).toEqual([
      'a.json:1: record 2: bad date "2022-02-30" (expected YYYY-MM-DD)',
      'a.json:1: record 3: no article text',
    ]);
  });

  it('reports invalid JSON, invalid UTF-8 and an empty text file', () => {
    expect(parseCorpusFile('b.json', bytes('[{"text": "x"},')).problems.map(formatProblem)).toEqual(
      ['b.json:1: not valid JSON'],
    );
    expect(
      parseCorpusFile('c.txt', new Uint8Array([0x41, 0xff, 0xfe, 0x42])).problems.map(
        formatProblem,
      ),
    ).toEqual(['c.txt:1: not valid UTF-8 text; save the file as UTF-8']);
    expect(
      parseCorpusFile('d.txt', bytes('---\ntitle: t\n---\n\n')).problems.map(formatProblem),
    ).toEqual(['d.txt:1: no article text']);
  });

  it('rejects a bad date in front matter with the value in the message', () => {
    expect(
      parseCorpusFile('e.md', bytes('---\ndate: 5.03.2022\n---\nText.')).problems.map(
        formatProblem,
      ),
    ).toEqual(['e.md:1: bad date "5.03.2022" (expected YYYY-MM-DD)']);
  });

  it('keeps metadata over the text prefix, and uses the prefix when metadata has no date', () => {
    expect(parseCorpusFile('f.txt', bytes(' date 2022-03-06 Leaders met.')).articles[0]?.date).toBe(
      '2022-03-06',
    );
    expect(
      parseCorpusFile('g.txt', bytes('---\ndate: 2022-03-07\n---\n date 2022-03-06 Leaders met.'))
        .articles[0],
    ).toMatchObject({
      date: '2022-03-07',
      text: 'Leaders met.',
    });
  });
});
