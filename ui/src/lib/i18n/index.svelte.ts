// The window's strings, in Danish (the default) and English. Every string the window shows comes
// from a catalogue in ./messages; each area's file holds both languages, and a test checks that
// they have the same keys. Domain labels (initiative types, event types…) come from the Rust core
// through the `catalogue` command, so that the app, the CLI and the exports say the same.

import shell from './messages/shell';
import overview from './messages/overview';
import cases from './messages/cases';
import sync from './messages/sync';
import today from './messages/today';

export type Lang = 'da' | 'en';
export type Catalogue = Record<string, string>;

export const areas: Record<string, { da: Catalogue; en: Catalogue }> = { shell, overview, cases, sync, today };

const merged: Record<Lang, Catalogue> = { da: {}, en: {} };
for (const area of Object.values(areas)) {
  Object.assign(merged.da, area.da);
  Object.assign(merged.en, area.en);
}

export const i18n = $state({ lang: 'da' as Lang });

export function setLang(lang: Lang) {
  i18n.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The string for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = merged[i18n.lang][key] ?? merged.da[key];
  if (text === undefined) {
    if (import.meta.env.DEV) console.warn(`missing message ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Whether a key exists (tests). */
export function has(key: string, lang: Lang): boolean {
  return key in merged[lang];
}
