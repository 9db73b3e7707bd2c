import { describe, expect, it } from 'vitest';
import { periodChoices, periodKind, periodLabel } from './period';
import { setLang } from './i18n/index.svelte';

describe('periods', () => {
  it('knows the kinds', () => {
    expect(periodKind('2026')).toBe('year');
    expect(periodKind('2026-Q3')).toBe('quarter');
    expect(periodKind('2026-05')).toBe('month');
  });

  it('labels periods in both languages', () => {
    setLang('da');
    expect(periodLabel('2026')).toBe('2026');
    expect(periodLabel('2026-Q3')).toBe('3. kvt. 2026');
    expect(periodLabel('2026-05')).toBe('maj 2026');
    setLang('en');
    expect(periodLabel('2026-Q3')).toBe('Q3 2026');
    expect(periodLabel('2026-05')).toBe('May 2026');
    setLang('da');
  });

  it('offers the periods that have begun, newest first', () => {
    const [years, quarters, months] = periodChoices('2026-05-10');
    expect(years.periods).toEqual(['2026', '2025', '2024', '2023', '2022']);
    expect(quarters.periods.slice(0, 3)).toEqual(['2026-Q2', '2026-Q1', '2025-Q4']);
    expect(quarters.periods).toHaveLength(6);
    expect(months.periods[0]).toBe('2026-05');
    expect(months.periods).toHaveLength(17);
    expect(months.periods.at(-1)).toBe('2025-01');
  });
});
