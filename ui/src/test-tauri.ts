// The Rust side, as the component tests see it: `invoke` answers from the handlers a test file
// sets, and records every call. A test file mocks the module with
//   vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
// and imports `handlers`, `calls` and `reset` from it (the same module instance).
import { vi } from 'vitest';

export type Handler = (args: Record<string, unknown>) => unknown;

/** What each command answers; a handler may throw a `UiError` to refuse. */
export const handlers: Record<string, Handler> = {};
/** Every `invoke`, in order. */
export const calls: { cmd: string; args: Record<string, unknown> }[] = [];
/** What a command without a handler gets: refused as unknown unless a test file says otherwise. */
export const fallback: { answer: ((cmd: string) => unknown) | null } = { answer: null };

/** Forgets the handlers and the calls (for `beforeEach`). */
export function reset() {
  for (const k of Object.keys(handlers)) delete handlers[k];
  calls.length = 0;
}

/** How often `cmd` was invoked. */
export function count(cmd: string): number {
  return calls.filter((c) => c.cmd === cmd).length;
}

/** The arguments of each invoke of `cmd`, in order. */
export function argsOf(cmd: string): Record<string, unknown>[] {
  return calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}

export const core = {
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown> = {}) => {
    calls.push({ cmd, args });
    const h = handlers[cmd];
    if (h) return h(args);
    if (fallback.answer) return fallback.answer(cmd);
    throw { code: 'unknown', message: cmd, field: null };
  }),
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
};

/** The encrypted store's drafts, as `draftStore` keeps them. */
export interface StoredDraft {
  form: string;
  body: string;
  saved_at: string;
}

/**
 * Answers drafts, save_draft and discard_draft like the store does (one draft per form, the
 * latest last) and returns the list, for a test to read or to fill before a form opens.
 */
export function draftStore(savedAt = '2026-11-25T09:41:00.000Z'): { drafts: StoredDraft[] } {
  const store = { drafts: [] as StoredDraft[] };
  handlers.drafts = () => store.drafts.map((d) => ({ ...d }));
  handlers.save_draft = (a) => {
    const form = String(a.form);
    store.drafts = store.drafts.filter((d) => d.form !== form).concat({ form, body: String(a.body), saved_at: savedAt });
    return null;
  };
  handlers.discard_draft = (a) => {
    store.drafts = store.drafts.filter((d) => d.form !== String(a.form));
    return null;
  };
  return store;
}
