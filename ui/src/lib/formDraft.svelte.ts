// A form's draft, written once for every form of the window (Log progress has its own, older
// code in LogProgress.svelte). What is typed goes to the encrypted store as the user types
// (save_draft, 300 ms after the last change); the lock flushes it through the registry in
// ./drafts.svelte.ts before it locks the store and unmounts the form; when the form opens again
// (after unlock, or after a crash and a restart) it takes its draft back and says so; a
// successful save (`done`) or an explicit cancel (`discard`) removes it. A draft the store
// refuses is held in memory as ./drafts.svelte.ts describes, without what `held` leaves out.
//
// A form calls `formDraft` while it initialises, with
//   key   – the draft's name in the store: what the form does and the id of what it is about,
//           e.g. `enrol:<participant id>`; never a name (a held draft's key stays in the locked
//           window's memory, and the key survives the form)
//   get   – the form's state as the draft keeps it, read reactively: plain data, and never a
//           password or passphrase; null when the form is closed
//   set   – puts a kept state back into the form (opening it if need be)
//   empty – whether a state holds nothing worth keeping (the untouched form): such a state
//           removes the draft instead of saving it
//   held  – what of a state may be held in memory when the store refuses it (names left out);
//           null: nothing (then what the store refused is lost at the lock)
// and shows `<DraftNote>` (components/DraftNote.svelte) while `restored` is set.

import { onDestroy, onMount, tick, untrack } from 'svelte';
import { api } from './api';
import type { Draft } from './bindings/Draft';
import { app } from './session.svelte';
import { nav, type Screen } from './nav.svelte';
import { heldForms, hold, keepDraft, release, settled, storeOf, takeHeld } from './drafts.svelte';

/** How long after the last change the draft is saved. */
export const DRAFT_DELAY_MS = 300;

/** The body's version: a draft of another version is dropped, not restored. */
const VERSION = 1;

/** The store's content is not known (a save or a removal failed): the next change sends anyway. */
const UNKNOWN = '\u0000unknown';

export interface FormDraftOptions<T> {
  key: string;
  get: () => T | null;
  set: (value: T) => void;
  empty?: (value: T) => boolean;
  held?: (value: T) => T | null;
  /**
   * Restore when the form mounts (the default), or only when the form calls `open()` (when
   * what the form shows is read first, e.g. the saved settings the draft changes).
   */
  restore?: 'mount' | 'manual';
  /**
   * A draft that belongs to one visit of `screen` (a filter): leaving the screen removes it,
   * while a lock (which keeps the screen) keeps it like any other.
   */
  visitOf?: Screen;
}

/** How the draft came back: from the store (with its time) or from memory (the store refused it). */
export interface Restored {
  at: string | null;
  held: boolean;
}

/** The store's drafts being read: forms that open together (a table's rows) share one read. */
let reading: Promise<Draft[]> | null = null;

function readDrafts(): Promise<Draft[]> {
  reading ??= api.drafts().finally(() => (reading = null));
  return reading;
}

/** Whether two plain values are the same (what a draft body would say about them). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class FormDraft<T> {
  readonly key: string;
  /** The store this form works in (a held draft goes back only there). */
  readonly store: string;
  /** Set while the form shows a draft it took back (the form says so); cleared by done and discard. */
  restored = $state<Restored | null>(null);

  #o: FormDraftOptions<T>;
  /** Restored (or known to have none): changes are saved from then on. */
  #ready = false;
  /** The body the store has: null for none, UNKNOWN when a command failed. */
  #stored: string | null = null;
  /** The last body sent (or being sent): the debounced save skips it. */
  #sent: string | null = null;
  /** The body the form had when it was saved or cancelled: not a draft, even if still shown. */
  #doneBody: string | null = null;
  /** The store's commands, one after the other, so that an older body never lands after a newer one. */
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** The restore under way (a flush waits for it: the store's draft is not known before). */
  #opening: Promise<boolean> | null = null;
  #unkeep: () => void;

  constructor(o: FormDraftOptions<T>) {
    this.#o = o;
    this.key = o.key;
    this.store = storeOf(app.info);
    this.#unkeep = keepDraft({
      flush: () => this.flush(),
      snapshot: () => {
        const body = this.#current();
        if (body === null || body === this.#stored) return null;
        const keep = this.#heldBody();
        return keep === null ? null : { form: this.key, body: keep, store: this.store };
      },
    });
  }

  /** The body of `value` as the store keeps it; null when there is nothing worth keeping. */
  bodyOf(value: T | null): string | null {
    if (value === null || value === undefined) return null;
    if (this.#o.empty?.(value)) return null;
    return JSON.stringify({ v: VERSION, form: value });
  }

  /** The body of what the form holds now. */
  #raw(): string | null {
    return untrack(() => this.bodyOf(this.#o.get()));
  }

  /** The body of what the form holds now, unless it is what was just saved or cancelled. */
  #current(): string | null {
    const body = this.#raw();
    return body === this.#doneBody ? null : body;
  }

  #heldBody(): string | null {
    const value = untrack(() => this.#o.get());
    if (value === null) return null;
    const keep = this.#o.held ? this.#o.held(value) : value;
    return keep === null ? null : this.bodyOf(keep);
  }

  #parse(body: string): T | null {
    try {
      const d = JSON.parse(body) as { v?: unknown; form?: unknown };
      if (d?.v !== VERSION || d.form === null || typeof d.form !== 'object') return null;
      const value = d.form as T;
      return this.#o.empty?.(value) ? null : value;
    } catch {
      return null;
    }
  }

  /** Runs a store command after those before it. */
  #enqueue(run: () => Promise<unknown>): Promise<void> {
    const p = this.#queue
      .catch(() => {})
      .then(async () => {
        // Another store is open now (the demo was left): nothing goes there.
        if (storeOf(app.info) !== this.store) throw new Error('another store');
        await run();
      });
    this.#queue = p;
    return p;
  }

  /** Sends `body` (a save, or the draft's removal for null) after what is under way. */
  #send(body: string | null): Promise<void> {
    this.#sent = body;
    const failed = (e: unknown) => {
      this.#stored = UNKNOWN;
      // The next change, flush or close sends again.
      if (this.#sent === body) this.#sent = UNKNOWN;
      throw e;
    };
    if (body === null) {
      return this.#enqueue(() => api.discardDraft(this.key)).then(() => {
        this.#stored = null;
        release(this.key, this.store);
      }, failed);
    }
    const keep = this.#heldBody();
    return this.#enqueue(() => api.saveDraft(this.key, body)).then(
      () => {
        this.#stored = body;
        if (keep !== null) settled(this.key, this.store, keep);
      },
      (e) => {
        // Refused outside a lock (the store busy): held in memory as at a lock, unless the
        // form has been saved or cancelled meanwhile.
        if (keep !== null && this.#current() !== null) hold({ form: this.key, body: keep, store: this.store });
        failed(e);
      },
    );
  }

  /** Saves what the form holds now, unless it is what the store has or what is on its way. */
  #saveNow() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#ready) return;
    const body = this.#current();
    if (body === this.#sent) return;
    // Locked, or the store busy: the form still holds the state; the next change tries again.
    this.#send(body).catch(() => {});
  }

  /** The form's state changed (formDraft's effect calls this): saved after a pause in typing. */
  changed() {
    if (!this.#ready || this.#closed) return;
    // Changed since it was saved or cancelled: a draft again.
    if (this.#doneBody !== null && this.#raw() !== this.#doneBody) this.#doneBody = null;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#current() === this.#sent) return;
    this.#timer = setTimeout(() => this.#saveNow(), DRAFT_DELAY_MS);
  }

  /**
   * Saves what the form holds now, at once: resolves when the store has it (or there was
   * nothing to save), rejects when the store refuses it. The lock awaits this.
   */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#ready) return this.#opening ? this.#opening.then(() => this.flush()) : Promise.resolve();
    const body = this.#current();
    // In the store already, or on its way there (then its answer is the flush's).
    if (body === this.#sent) return this.#queue;
    return this.#send(body);
  }

  /**
   * Takes the draft back: the one held in memory (newer: it is held only while the store
   * refused it), else the store's. Resolves true when the form got one. A form whose state the
   * user changed meanwhile keeps what it has (and that replaces the draft).
   */
  open(): Promise<boolean> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<boolean> {
    // After the form's own first effects (a new form sets its blank state there).
    await tick();
    // Unmounted meanwhile (a lock right after opening): a flush may still send what was typed.
    if (this.#closed) return this.#readyAfterClose();
    const before = this.#current();
    const kept = takeHeld(this.key, this.store);
    const fromMemory = kept !== null ? this.#parse(kept) : null;
    let got = false;
    if (fromMemory !== null) {
      this.#o.set(fromMemory);
      this.restored = { at: null, held: true };
      // Into the store with it now (held again if the store still refuses).
      this.#stored = UNKNOWN;
      this.#sent = UNKNOWN;
      got = true;
    } else {
      try {
        const d = (await readDrafts()).find((x) => x.form === this.key);
        if (this.#closed) return this.#readyAfterClose();
        const value = d ? this.#parse(d.body) : null;
        if (d && value !== null && this.#current() === before) {
          this.#o.set(value);
          this.restored = { at: d.saved_at, held: false };
          this.#stored = d.body;
          this.#sent = d.body;
          got = true;
        } else if (d) {
          // Nothing worth keeping (or of another version), or typed over: the store's goes.
          this.#stored = UNKNOWN;
          this.#sent = UNKNOWN;
        }
      } catch {
        // No drafts (locked, or the store busy): start as the form is.
      }
    }
    this.#ready = true;
    if (got && fromMemory !== null) this.#saveNow();
    else this.changed();
    return got;
  }

  #readyAfterClose(): false {
    this.#ready = true;
    return false;
  }

  /** The form was saved: its draft goes, and what it still shows is no draft. */
  done(): Promise<void> {
    return this.#forget();
  }

  /** The user cancelled (or discarded the restored draft): it goes from the store and memory. */
  discard(): Promise<void> {
    return this.#forget();
  }

  #forget(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.restored = null;
    this.#doneBody = untrack(() => this.bodyOf(this.#o.get()));
    release(this.key, this.store);
    if (this.#stored === null && this.#sent === null) return Promise.resolve();
    // Refused: tried again when the form next changes or closes.
    return this.#send(null).catch(() => {});
  }

  /** The form unmounts: what the store does not have yet goes there now (or, refused, is held). */
  close() {
    if (this.#closed) return;
    this.#unkeep();
    const leaving = this.#o.visitOf !== undefined && nav.screen !== this.#o.visitOf;
    if (leaving && this.#ready) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      release(this.key, this.store);
      if (this.#stored !== null || this.#sent !== null) this.#send(null).catch(() => {});
    } else {
      this.#saveNow();
    }
    this.#closed = true;
  }
}

/**
 * A mounted form's draft (call while the component initialises): registered for the lock,
 * restored on mount (unless `restore: 'manual'`), saved as the state changes, and saved at once
 * when the form unmounts.
 */
export function formDraft<T>(o: FormDraftOptions<T>): FormDraft<T> {
  const draft = new FormDraft(o);
  $effect(() => {
    draft.bodyOf(o.get());
    untrack(() => draft.changed());
  });
  onMount(() => {
    if (o.restore !== 'manual') void draft.open();
  });
  onDestroy(() => draft.close());
  return draft;
}

/**
 * The forms that have a draft whose key starts with `prefix`, in this store: held in memory or
 * in the store, the latest last. A screen opens the form of each (the end of an enrolment, a
 * conflict's edit), which then restores itself.
 */
export async function draftKeys(prefix: string): Promise<string[]> {
  const store = storeOf(app.info);
  const keys = new Set<string>();
  try {
    for (const d of await readDrafts()) if (d.form.startsWith(prefix)) keys.add(d.form);
  } catch {
    // Locked, or the store busy: only what is held.
  }
  // What is held is newer than the store's.
  for (const k of heldForms(store)) {
    if (!k.startsWith(prefix)) continue;
    keys.delete(k);
    keys.add(k);
  }
  return [...keys];
}
