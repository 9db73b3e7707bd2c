import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { argsOf, calls, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('./session.svelte');
const { info } = await import('./cases/fixtures');
const { FormDraft, DRAFT_DELAY_MS, draftKeys } = await import('./formDraft.svelte');
const { flushDrafts, hold, heldCount, resetDrafts, storeOf } = await import('./drafts.svelte');

interface Form {
  text: string;
}

let store: ReturnType<typeof draftStore>;
let state: { form: Form | null };
let drafts: InstanceType<typeof FormDraft<Form>>[];

function draft(key = 'test:1', extra: { held?: (v: Form) => Form | null } = {}) {
  const d = new FormDraft<Form>({
    key,
    get: () => state.form,
    set: (v) => (state.form = { ...v }),
    empty: (v) => v.text === '',
    ...extra,
  });
  drafts.push(d);
  return d;
}

const body = (text: string) => JSON.stringify({ v: 1, form: { text } });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  reset();
  store = draftStore();
  state = { form: { text: '' } };
  drafts = [];
  app.info = info;
});

afterEach(async () => {
  for (const d of drafts) d.close();
  await wait(0);
  resetDrafts();
});

describe('FormDraft', () => {
  it('saves after a pause in typing, only the latest text, and not again unchanged', async () => {
    const d = draft();
    expect(await d.open()).toBe(false);
    state.form = { text: 'a' };
    d.changed();
    state.form = { text: 'ab' };
    d.changed();
    await wait(DRAFT_DELAY_MS / 2);
    expect(argsOf('save_draft')).toEqual([]);
    await wait(DRAFT_DELAY_MS);
    expect(argsOf('save_draft')).toEqual([{ form: 'test:1', body: body('ab') }]);
    d.changed();
    await wait(DRAFT_DELAY_MS + 50);
    expect(argsOf('save_draft')).toHaveLength(1);
  });

  it('removes the draft instead of saving a form emptied again', async () => {
    const d = draft();
    await d.open();
    state.form = { text: 'a' };
    await d.flush();
    expect(store.drafts.map((x) => x.form)).toEqual(['test:1']);
    state.form = { text: '' };
    await d.flush();
    expect(store.drafts).toEqual([]);
    expect(argsOf('discard_draft')).toEqual([{ form: 'test:1' }]);
  });

  it('sends one command after the other, so that a save under way never lands after a newer one or the removal', async () => {
    const save = handlers.save_draft;
    handlers.save_draft = async (a) => {
      await wait(a.body === body('slow') ? 40 : 0);
      return save(a);
    };
    const d = draft();
    await d.open();
    state.form = { text: 'slow' };
    void d.flush();
    state.form = { text: 'fast' };
    await d.flush();
    expect(store.drafts[0].body).toBe(body('fast'));

    state.form = { text: 'slow' };
    void d.flush();
    await d.done();
    expect(store.drafts).toEqual([]);
  });

  it('restores the store\'s draft with its time, and one held in memory before it', async () => {
    store.drafts = [{ form: 'test:1', body: body('stored'), saved_at: '2026-11-25T08:14:00.000Z' }];
    const d = draft();
    expect(await d.open()).toBe(true);
    expect(state.form).toEqual({ text: 'stored' });
    expect(d.restored).toEqual({ at: '2026-11-25T08:14:00.000Z', held: false });
    expect(argsOf('save_draft')).toEqual([]);
    d.close();

    hold({ form: 'test:1', body: body('held'), store: storeOf(info) });
    state.form = { text: '' };
    const again = draft();
    expect(await again.open()).toBe(true);
    expect(state.form).toEqual({ text: 'held' });
    expect(again.restored).toEqual({ at: null, held: true });
    // Into the store with it at once.
    await vi.waitFor(() => expect(store.drafts[0].body).toBe(body('held')));
    expect(heldCount(storeOf(info))).toBe(0);
  });

  it('keeps what was typed before the store answered, and drops a draft it cannot read', async () => {
    store.drafts = [{ form: 'test:1', body: body('stored'), saved_at: '2026-11-25T08:14:00.000Z' }];
    const answer = handlers.drafts;
    handlers.drafts = async (a) => {
      await wait(20);
      return answer(a);
    };
    const d = draft();
    const opening = d.open();
    await wait(5);
    state.form = { text: 'typed first' };
    expect(await opening).toBe(false);
    expect(state.form).toEqual({ text: 'typed first' });
    await d.flush();
    expect(store.drafts[0].body).toBe(body('typed first'));
    d.close();

    store.drafts = [{ form: 'test:2', body: '{"v":99,"form":{}}', saved_at: '2026-11-25T08:14:00.000Z' }];
    state.form = { text: '' };
    const other = draft('test:2');
    expect(await other.open()).toBe(false);
    await vi.waitFor(() => expect(store.drafts).toEqual([]));
  });

  it('holds what the store refuses at the lock, as `held` allows it, and nothing when `held` says no', async () => {
    handlers.save_draft = () => {
      throw { code: 'storage', message: 'Datalageret svarer ikke.', field: null };
    };
    const d = draft('test:1', { held: (v) => ({ text: v.text.toUpperCase() }) });
    await d.open();
    const never = new FormDraft<Form>({ key: 'test:2', get: () => ({ text: 'x' }), set: () => {}, held: () => null });
    drafts.push(never);
    await never.open();
    state.form = { text: 'abc' };
    expect(await flushDrafts()).toBe(1);
    expect(await draftKeys('test:')).toEqual(['test:1']);
    state.form = { text: '' };
    const back = draft();
    await back.open();
    expect(state.form).toEqual({ text: 'ABC' });
  });

  it('a successful save, or a cancel, forgets the draft and what the form still shows', async () => {
    const d = draft();
    await d.open();
    state.form = { text: 'saved' };
    await d.flush();
    await d.done();
    expect(store.drafts).toEqual([]);
    // The form still shows what was saved: no draft of it.
    d.changed();
    await d.flush();
    d.close();
    await wait(0);
    expect(store.drafts).toEqual([]);
    expect(calls.filter((c) => c.cmd === 'save_draft')).toHaveLength(1);
  });
});
