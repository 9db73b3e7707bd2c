// What a lock must not lose. Every mounted form that keeps a draft in the encrypted store
// registers a keeper here (`keepDraft`); the lock calls `flushDrafts` first, which saves every
// keeper's draft (save_draft) and waits for them all, and only then locks the store and unmounts
// the screens. On unlock the form comes back and restores its draft from the store. Log progress
// registers its own keeper; every other form does it through lib/formDraft.svelte.ts.
//
// When a draft cannot be saved at lock time (the store refuses it, or does not answer within
// FLUSH_TIMEOUT_MS), the app locks anyway: security first. What was typed is then not dropped
// silently. It is held here, in a plain JS variable that nothing renders, until the same person
// unlocks the same store: the form takes it back (`takeHeld`) and saves it to the store then. The
// lock dialog says that something is held only in the window, so that the caseworker knows it is
// lost if Indsats is closed before unlocking. What is held carries no names: the form keeps the
// participant's id and loads the name again after unlock, so the locked window keeps no more than
// the ids its navigation keeps anyway. A save that fails outside a lock (the store busy when a
// form closes) is held the same way.

import type { AppInfo } from './bindings/AppInfo';

/** How long the lock waits for the drafts to be saved before it locks without them. */
export const FLUSH_TIMEOUT_MS = 3000;

export interface DraftKeeper {
  /** Saves what is typed now to the store: resolves once saved (or nothing to save), rejects when refused. */
  flush(): Promise<void>;
  /**
   * What to hold in memory if the flush fails: the draft's form, its body without names, and the
   * store it belongs to (`storeOf`). Null when nothing is typed. Called before the flush starts.
   */
  snapshot(): HeldDraft | null;
}

export interface HeldDraft {
  form: string;
  body: string;
  store: string;
}

const keepers = new Set<DraftKeeper>();

/** The drafts that could not be saved, by form and store. Reactive only for the count. */
const held = $state<HeldDraft[]>([]);

/** Which store, and whose work in it: a held draft goes back only there. */
export function storeOf(info: AppInfo | null): string {
  if (!info) return '';
  const mode = info.mode === 'none' ? info.last_mode : info.mode;
  return `${mode}|${info.data_dir}|${info.who?.user ?? info.settings.user}`;
}

/** Registers a mounted form's keeper; returns the function that unregisters it (for onDestroy). */
export function keepDraft(keeper: DraftKeeper): () => void {
  keepers.add(keeper);
  return () => keepers.delete(keeper);
}

/** How many forms are registered (for tests and the lock's status). */
export function keeperCount(): number {
  return keepers.size;
}

/**
 * Saves every registered form's draft and waits for them, at most `timeoutMs`. The snapshots are
 * taken and the saves started synchronously, before this returns its promise, so the caller may
 * unmount the forms right after calling it. A draft that fails or times out is held in memory.
 * Resolves to the number of drafts held so (0: everything is in the store); never rejects.
 */
export function flushDrafts(timeoutMs = FLUSH_TIMEOUT_MS): Promise<number> {
  const jobs = [...keepers].map((k) => {
    const snap = k.snapshot();
    let flushing: Promise<void>;
    try {
      flushing = k.flush();
    } catch (e) {
      flushing = Promise.reject(e);
    }
    return within(flushing, timeoutMs).then(
      () => 0,
      () => {
        if (!snap) return 0;
        hold(snap);
        return 1;
      },
    );
  });
  return Promise.all(jobs).then((n) => n.reduce((a, b) => a + b, 0));
}

function within(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('draft not saved in time')), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Holds a draft that could not be saved (replacing an older one of the same form and store). */
export function hold(d: HeldDraft) {
  const i = held.findIndex((h) => h.form === d.form && h.store === d.store);
  if (i >= 0) held[i] = { ...d };
  else held.push({ ...d });
}

/** Forgets the held draft of `form` in `store` once it is saved, if it is still `body`. */
export function settled(form: string, store: string, body: string) {
  const i = held.findIndex((h) => h.form === form && h.store === store && h.body === body);
  if (i >= 0) held.splice(i, 1);
}

/** Forgets the held draft of `form` in `store`, whatever it holds (saved as an entry, or discarded). */
export function release(form: string, store: string) {
  const i = held.findIndex((h) => h.form === form && h.store === store);
  if (i >= 0) held.splice(i, 1);
}

/** Takes (and forgets) the held draft of `form` in `store`: its body, or null. */
export function takeHeld(form: string, store: string): string | null {
  const i = held.findIndex((h) => h.form === form && h.store === store);
  if (i < 0) return null;
  const [d] = held.splice(i, 1);
  return d.body;
}

/** The forms of `store` whose drafts are held only in memory (a screen opens them again). */
export function heldForms(store: string): string[] {
  return held.filter((h) => h.store === store).map((h) => h.form);
}

/** How many drafts of `store` are held only in memory. */
export function heldCount(store: string): number {
  return held.filter((h) => h.store === store).length;
}

/** Forgets every keeper and held draft (for tests). */
export function resetDrafts() {
  keepers.clear();
  held.length = 0;
}
