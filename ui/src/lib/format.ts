// Numbers and dates as people in each language write them: Danish `1.234,5` and `25-11-2026`,
// English `1,234.5` and `2026-11-25` (the same forms the Rust core uses in messages and exports).

import type { Lang } from './i18n/index.svelte';

const locales: Record<Lang, string> = { da: 'da-DK', en: 'en-GB' };

export function fmtNumber(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locales[lang], {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A value in its unit: `58,5 %`, `12 dage`. */
export function fmtValue(value: number | null | undefined, unit: string, lang: Lang): string {
  if (value === null || value === undefined) return '–';
  const n = fmtNumber(value, lang, unit === 'count' ? 0 : 1);
  switch (unit) {
    case 'percent':
      return `${n} %`;
    case 'pp':
      return lang === 'da' ? `${n} pct.-point` : `${n} pp`;
    case 'days':
      return lang === 'da' ? `${n} dage` : `${n} days`;
    default:
      return n;
  }
}

/** An ISO date (`2026-11-25`) as the language writes it. */
export function fmtDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return lang === 'da' ? `${m[3]}-${m[2]}-${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`;
}

/** Today's date as an ISO string in local time. */
export function isoToday(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function localIso(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function hhmm(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** An RFC 3339 time stamp in local time: the date as the language writes it, and `hh:mm`. */
export function fmtDateTime(at: string | null | undefined, lang: Lang): string {
  if (!at) return '–';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return `${fmtDate(localIso(d), lang)} ${hhmm(d)}`;
}

/** An RFC 3339 time stamp in local time, short: `09:14` when it is today, else with the date. */
export function fmtWhen(at: string | null | undefined, lang: Lang, now: Date = new Date()): string {
  if (!at) return '–';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return localIso(d) === localIso(now) ? hhmm(d) : fmtDateTime(at, lang);
}
