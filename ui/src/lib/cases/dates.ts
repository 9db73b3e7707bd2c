// Dates as caseworkers type them: dd-mm-yyyy (also with . or /) or ISO yyyy-mm-dd, as the core
// accepts them. Forms keep the typed text; these turn it into ISO when the form needs to compare.

/** ISO `yyyy-mm-dd` for a typed date, or null when it is not a real date. */
export function parseDate(text: string): string | null {
  const v = text.trim();
  let y: number, m: number, d: number;
  let x = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (x) {
    [y, m, d] = [Number(x[1]), Number(x[2]), Number(x[3])];
  } else {
    x = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(v);
    if (!x) return null;
    [d, m, y] = [Number(x[1]), Number(x[2]), Number(x[3])];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)}`;
}

/** Days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** An RFC 3339 time (`2026-11-25T09:14:03Z`) as a local clock time `09:14` with its date. */
export function clockTime(rfc3339: string): { date: string; time: string } {
  const t = new Date(rfc3339);
  if (Number.isNaN(t.getTime())) return { date: rfc3339.slice(0, 10), time: '' };
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`,
    time: `${p(t.getHours())}:${p(t.getMinutes())}`,
  };
}
