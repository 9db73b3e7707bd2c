// Periods as the core writes them (`2026`, `2026-Q3`, `2026-05`), their labels in the window's
// language, and the choices the period selectors offer.

import { t } from './i18n/index.svelte';

export type PeriodKind = 'year' | 'quarter' | 'month';

export function periodKind(p: string): PeriodKind {
  if (/^\d{4}-Q[1-4]$/.test(p)) return 'quarter';
  if (/^\d{4}-\d{2}$/.test(p)) return 'month';
  return 'year';
}

/** `2026` → "2026"; `2026-Q3` → "3. kvt. 2026" / "Q3 2026"; `2026-05` → "maj 2026" / "May 2026". */
export function periodLabel(p: string): string {
  let m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return t('shell.period.quarter', { year: m[1], quarter: m[2] });
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return t('shell.period.month', { year: m[1], month: t(`shell.month.${Number(m[2])}`) });
  return p;
}

export interface PeriodGroup {
  kind: PeriodKind;
  periods: string[];
}

/** The periods to choose from on `today` (ISO): the last five years, the quarters and months
 *  of this year and last year that have begun, newest first. */
export function periodChoices(today: string): PeriodGroup[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const quarter = Math.ceil(month / 3);
  const years = [0, 1, 2, 3, 4].map((i) => String(year - i));
  const quarters: string[] = [];
  for (let q = quarter; q >= 1; q--) quarters.push(`${year}-Q${q}`);
  for (let q = 4; q >= 1; q--) quarters.push(`${year - 1}-Q${q}`);
  const months: string[] = [];
  for (let mo = month; mo >= 1; mo--) months.push(`${year}-${String(mo).padStart(2, '0')}`);
  for (let mo = 12; mo >= 1; mo--) months.push(`${year - 1}-${String(mo).padStart(2, '0')}`);
  return [
    { kind: 'year', periods: years },
    { kind: 'quarter', periods: quarters },
    { kind: 'month', periods: months },
  ];
}
