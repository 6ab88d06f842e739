import { describe, expect, it } from 'vitest';
import { renderAboutEmbed } from '../../src/present/discord.js';
import type { LibraryStats } from '../../src/library/library.js';

const stats = (pastEnvelope: boolean, loading: LibraryStats['loading'] = null): LibraryStats => ({
  pastEnvelope,
  loading,
  documents: 2,
  passages: 3,
  languages: { en: 2 },
  firstDate: '2022-02-27',
  lastDate: '2022-03-23',
  undated: 0,
});

describe('renderAboutEmbed', () => {
  it('points to the PostgreSQL backend only when the corpus is past the envelope', () => {
    const names = (past: boolean): string[] =>
      (renderAboutEmbed(stats(past), 0, '1.0').fields ?? []).map((f) => f.name);
    expect(names(false)).not.toContain('Index');
    const index = renderAboutEmbed(stats(true), 0, '1.0').fields?.find((f) => f.name === 'Index');
    expect(index?.value).toContain('PostgreSQL backend');
  });

  it('says how much of the index answers while its snapshot is still loading', () => {
    const field = (loading: LibraryStats['loading']) =>
      renderAboutEmbed(stats(false, loading), 0, '1.0').fields?.find((f) => f.name === 'Loading');
    expect(field(null)).toBeUndefined();
    expect(field({ restored: 4, segments: 11 })?.value).toMatch(/^4 of 11 parts of the index/);
  });
});
