import { describe, expect, it } from 'vitest';
import { cleanQuestion } from '../../src/text/question.js';

describe('cleanQuestion', () => {
  it('drops a markdown link, its text included', () => {
    expect(cleanQuestion('what did Lapid say? [link](https://example.com/a?utm=x)')).toBe(
      'what did Lapid say?',
    );
  });

  it('drops bare links, Discord mentions, custom emoji and @handles', () => {
    expect(
      cleanQuestion(
        '<@123456789012345678> <#42> @Verbatim Erdogan <:flag:99> https://x.io/y ceasefire',
      ),
    ).toBe('Erdogan ceasefire');
  });

  it('drops markdown markers and emoji but keeps the words they wrap', () => {
    expect(cleanQuestion('**Lapid** _condemns_ the ~~attack~~ 🤔🙏🏽')).toBe(
      'Lapid condemns the attack',
    );
  });

  it('leaves an ordinary question as it was typed', () => {
    expect(cleanQuestion('Какво каза Путин на Нетаняху?')).toBe('Какво каза Путин на Нетаняху?');
    expect(cleanQuestion("Bennett's e-mail to U.S. officials")).toBe(
      "Bennett's e-mail to U.S. officials",
    );
  });
});
