import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  flushDrafts,
  heldCount,
  hold,
  keepDraft,
  keeperCount,
  release,
  resetDrafts,
  settled,
  storeOf,
  takeHeld,
  type DraftKeeper,
} from './drafts.svelte';
import { info } from './cases/fixtures';

const STORE = 'store|/data|Mette';

function keeper(flush: () => Promise<void>, body: string | null = 'typed'): DraftKeeper {
  return { flush, snapshot: () => (body === null ? null : { form: 'progress', body, store: STORE }) };
}

afterEach(() => {
  resetDrafts();
  vi.useRealTimers();
});

describe('flushDrafts', () => {
  it('starts every keeper\'s save at once and resolves when all are saved', async () => {
    const order: string[] = [];
    const slow = (name: string, ms: number) => () => {
      order.push(`start ${name}`);
      return new Promise<void>((r) => setTimeout(() => (order.push(`saved ${name}`), r()), ms));
    };
    keepDraft(keeper(slow('a', 30)));
    keepDraft(keeper(slow('b', 10)));
    const done = flushDrafts();
    // Both saves started before flushDrafts returned: the forms may be unmounted now.
    expect(order).toEqual(['start a', 'start b']);
    expect(await done).toBe(0);
    expect(order).toEqual(['start a', 'start b', 'saved b', 'saved a']);
    expect(heldCount(STORE)).toBe(0);
  });

  it('holds what a refused save had, and never rejects', async () => {
    keepDraft(keeper(() => Promise.reject({ code: 'storage' }), '{"v":1,"form":{"hours_per_week":"17,5"}}'));
    keepDraft(
      keeper(() => {
        throw new Error('thrown, not rejected');
      }, 'second'),
    );
    expect(await flushDrafts()).toBe(2);
    // Same form and store: the later one replaces the earlier.
    expect(heldCount(STORE)).toBe(1);
    expect(takeHeld('progress', STORE)).toBe('second');
    expect(heldCount(STORE)).toBe(0);
  });

  it('gives up on a save that does not answer in time and holds it', async () => {
    vi.useFakeTimers();
    keepDraft(keeper(() => new Promise<void>(() => {})));
    const done = flushDrafts(3000);
    await vi.advanceTimersByTimeAsync(2999);
    let settledYet = false;
    void done.then(() => (settledYet = true));
    await Promise.resolve();
    expect(settledYet).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await done).toBe(1);
    expect(takeHeld('progress', STORE)).toBe('typed');
  });

  it('holds nothing for a keeper with nothing typed', async () => {
    keepDraft(keeper(() => Promise.reject(new Error('no')), null));
    expect(await flushDrafts()).toBe(0);
    expect(heldCount(STORE)).toBe(0);
  });

  it('forgets a keeper once it unregisters', async () => {
    const flush = vi.fn(() => Promise.resolve());
    const off = keepDraft(keeper(flush));
    expect(keeperCount()).toBe(1);
    off();
    expect(keeperCount()).toBe(0);
    await flushDrafts();
    expect(flush).not.toHaveBeenCalled();
  });
});

describe('held drafts', () => {
  it('go back only to the store and person they came from', () => {
    hold({ form: 'progress', body: 'mine', store: STORE });
    expect(takeHeld('progress', 'demo|/data|Mette')).toBeNull();
    expect(takeHeld('progress', 'store|/data|Jonas')).toBeNull();
    expect(takeHeld('progress', STORE)).toBe('mine');
  });

  it('are forgotten when saved, unless they changed since', () => {
    hold({ form: 'progress', body: 'newer', store: STORE });
    settled('progress', STORE, 'older');
    expect(heldCount(STORE)).toBe(1);
    settled('progress', STORE, 'newer');
    expect(heldCount(STORE)).toBe(0);
    hold({ form: 'progress', body: 'x', store: STORE });
    release('progress', STORE);
    expect(heldCount(STORE)).toBe(0);
  });

  it('name the store by the open mode, or the last one while locked', () => {
    expect(storeOf(info)).toBe('store|/tmp|Mette');
    expect(storeOf({ ...info, mode: 'none', last_mode: 'demo' })).toBe('demo|/tmp|Mette');
    expect(storeOf(null)).toBe('');
  });
});
