import { describe, expect, it } from 'vitest';
import { areas, has, setLang, t } from './index.svelte';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('has the five areas', () => {
    expect(Object.keys(areas).sort()).toEqual(['cases', 'overview', 'shell', 'sync', 'today']);
  });

  for (const [name, area] of Object.entries(areas)) {
    describe(name, () => {
      it('has the same keys in Danish and English', () => {
        expect(Object.keys(area.en).sort()).toEqual(Object.keys(area.da).sort());
      });

      it('has no empty strings', () => {
        for (const lang of ['da', 'en'] as const) {
          for (const [key, text] of Object.entries(area[lang])) {
            expect(text.trim(), `${lang} ${key}`).not.toBe('');
          }
        }
      });

      it('prefixes its keys with the area', () => {
        for (const key of Object.keys(area.da)) expect(key.startsWith(`${name}.`), key).toBe(true);
      });

      it('uses the same placeholders in both languages', () => {
        for (const [key, da] of Object.entries(area.da)) {
          const en = area.en[key];
          if (en === undefined) continue;
          expect(placeholders(en), key).toEqual(placeholders(da));
        }
      });
    });
  }

  it('has no key in two areas', () => {
    const seen = new Map<string, string>();
    for (const [name, area] of Object.entries(areas)) {
      for (const key of Object.keys(area.da)) {
        expect(seen.get(key), `${key} in ${name}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});

describe('t', () => {
  it('fills placeholders and follows the language', () => {
    setLang('da');
    expect(t('shell.period.quarter', { year: 2026, quarter: 3 })).toBe('3. kvt. 2026');
    expect(document.documentElement.lang).toBe('da');
    setLang('en');
    expect(t('shell.period.quarter', { year: 2026, quarter: 3 })).toBe('Q3 2026');
    expect(document.documentElement.lang).toBe('en');
    setLang('da');
  });

  it('returns the key for a missing message', () => {
    expect(t('shell.no.such.key')).toBe('shell.no.such.key');
    expect(has('shell.close', 'en')).toBe(true);
  });
});
