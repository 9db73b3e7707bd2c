import { describe, it, expect } from 'vitest';
import cases from '../i18n/messages/cases';
import { FIELDS } from './progress';

const sources = import.meta.glob(
  [
    '../../screens/Initiatives.svelte',
    '../../screens/Initiative.svelte',
    '../../screens/Participants.svelte',
    '../../screens/Profile.svelte',
    '../../components/LogProgress.svelte',
    '../../components/cases/*.svelte',
    './*.ts',
  ],
  { query: '?raw', import: 'default', eager: true },
) as Record<string, string>;

describe('cases messages', () => {
  it('Danish and English have the same keys, all prefixed cases.', () => {
    expect(Object.keys(cases.da).sort()).toEqual(Object.keys(cases.en).sort());
    for (const k of Object.keys(cases.da)) expect(k.startsWith('cases.')).toBe(true);
    for (const [k, v] of Object.entries(cases.en)) expect(v.trim(), k).not.toBe('');
  });

  it('every key the case screens use exists', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(6);
    const used = new Set<string>();
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith('.test.ts')) continue;
      for (const m of text.matchAll(/['`](cases\.[a-z0-9_.]+[a-z0-9_])['`]/g)) used.add(m[1]);
    }
    for (let s = 0; s <= 6; s++) used.add(`cases.ladder.${s}`);
    for (const f of new Set(Object.values(FIELDS).flat())) used.add(`cases.progress.f.${f}`);
    const missing = [...used].filter((k) => !(k in cases.da) || !(k in cases.en));
    expect(missing).toEqual([]);
  });
});
