// Messages of the "shell" area, Danish first. Keys are "shell.something"; both languages have the same keys.
// Each entry is [key, Danish, English], so that the two languages cannot drift apart.

const entries: [string, string, string][] = [
  ['shell.close', 'Luk', 'Close'],
  ['shell.table.empty', 'Ingen rækker.', 'No rows.'],
];

export default {
  da: Object.fromEntries(entries.map(([k, da]) => [k, da])) as Record<string, string>,
  en: Object.fromEntries(entries.map(([k, , en]) => [k, en])) as Record<string, string>,
};
