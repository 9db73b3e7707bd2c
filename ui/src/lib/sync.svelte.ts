// Team sync as the window shares it: the latest SyncStatus (the header's sync line and the sync
// screen read it), "sync now", and the polling that keeps the status fresh while the main layout
// is shown. The status is read only while a store is open (the core refuses it when locked).

import { api, asUiError } from './api';
import type { SyncResult } from './bindings/SyncResult';
import type { SyncStatus } from './bindings/SyncStatus';
import type { UiError } from './bindings/UiError';
import { t } from './i18n/index.svelte';
import { unlocked } from './session.svelte';
import { toast } from './toast.svelte';

export const sync = $state({
  /** The latest status from the core; null before the first answer (or after a lock). */
  status: null as SyncStatus | null,
  /** Why the status could not be read, if the last attempt failed. */
  error: null as UiError | null,
  /** Whether a "sync now" of this window is under way. */
  syncing: false,
});

/** Bumped by every change of the status: an answer that arrives after a newer one is dropped. */
let seq = 0;

/** Reads the status from the core (nothing while locked). */
export async function refreshSync(): Promise<void> {
  if (!unlocked()) return;
  const mine = ++seq;
  try {
    const status = await api.syncStatus();
    if (mine !== seq) return;
    sync.status = status;
    sync.error = null;
  } catch (e) {
    if (mine !== seq) return;
    sync.error = asUiError(e);
  }
}

/** Takes a status the core just returned (e.g. from saving the target). */
export function setSyncStatus(status: SyncStatus) {
  seq += 1;
  sync.status = status;
  sync.error = null;
}

/** Forgets the status (on lock, or when another store opens). */
export function clearSync() {
  seq += 1;
  sync.status = null;
  sync.error = null;
}

/** What a sync did, in the user's language: sent, received, new conflicts and the notes. */
export function syncSummary(r: SyncResult): string {
  const parts = [t('sync.result', { sent: r.pushed_changes, received: r.merged_changes })];
  if (r.conflicts > 0) parts.push(t('sync.result.conflicts', { n: r.conflicts }));
  parts.push(...r.notes);
  return parts.join(' ');
}

/**
 * Syncs now: says what it did (or why it failed) in the status line, then reads the status
 * again. Returns the result, or null when it failed (or one was already under way).
 */
export async function syncNow(): Promise<SyncResult | null> {
  if (sync.syncing) return null;
  sync.syncing = true;
  try {
    const result = await api.syncNow();
    toast(syncSummary(result), 'info', result.notes.length > 0 ? 15000 : 6000);
    return result;
  } catch (e) {
    toast(asUiError(e).message, 'error', 12000);
    return null;
  } finally {
    sync.syncing = false;
    await refreshSync();
  }
}

/** Reads the status now and then every `ms` (20 s); returns the function that stops it. */
export function startSyncPolling(ms = 20_000): () => void {
  void refreshSync();
  const timer = setInterval(() => void refreshSync(), ms);
  return () => clearInterval(timer);
}
