// What the whole window shares: the app's state as the core reports it (locked or not, which
// store, the settings) and the labels of every closed set in the current language.

import { api } from './api';
import type { AppInfo } from './bindings/AppInfo';
import type { Catalogue } from './bindings/Catalogue';
import type { Choice } from './bindings/Choice';
import { setLang } from './i18n/index.svelte';

export const app = $state({
  info: null as AppInfo | null,
  catalogue: null as Catalogue | null,
});

/** Takes the app's state from the core (after start, unlock, lock, settings). */
export async function refresh(info?: AppInfo) {
  app.info = info ?? (await api.appInfo());
  setLang(app.info.settings.lang);
  app.catalogue = await api.catalogue();
}

/** The label of `code` in a catalogue list, or the code itself. */
export function label(list: Choice[] | undefined, code: string | null | undefined): string {
  if (code === null || code === undefined) return '–';
  return list?.find((c) => c.code === code)?.label ?? code;
}

export function unlocked(): boolean {
  return app.info !== null && app.info.mode !== 'none';
}

/** The first screen: a caseworker's worklist ("I dag"), a team lead's or an admin's overview. */
export function landing(): 'today' | 'overview' {
  return isLead() ? 'overview' : 'today';
}

export function isLead(): boolean {
  const role = app.info?.settings.role;
  return role === 'team_lead' || role === 'admin';
}
