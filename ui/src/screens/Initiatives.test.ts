import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { argsOf, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');
const Initiatives = (await import('./Initiatives.svelte')).default;

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.goals = () => [];
  handlers.initiatives = () => [];
  setLang('da');
  app.info = { ...info, settings: { ...info.settings, role: 'team_lead' } };
  app.catalogue = catalogue;
  nav.params = {};
});

afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

async function lock() {
  const flushing = flushDrafts();
  cleanup();
  expect(await flushing).toBe(0);
}

describe('the initiatives\' filters', () => {
  it('are the draft initiatives-filter, and "Ryd filtrene" clears them', async () => {
    nav.screen = 'initiatives';
    render(Initiatives);
    await fireEvent.input(await screen.findByTestId('initiatives-filter-owner'), { target: { value: 'Team Nord' } });
    await lock();
    expect(JSON.parse(store.drafts[0].body).form).toEqual({ kind: '', status: '', goal: '', owner: 'Team Nord' });

    render(Initiatives);
    expect(await screen.findByTestId('initiatives-filter-draft')).toBeInTheDocument();
    expect(screen.getByTestId('initiatives-filter-owner')).toHaveValue('Team Nord');
    await waitFor(() => expect(argsOf('initiatives').at(-1)).toMatchObject({ filter: { owner: 'Team Nord' } }));
    await fireEvent.click(screen.getByTestId('initiatives-filter-draft-discard'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.getByTestId('initiatives-filter-owner')).toHaveValue('');
  });
});
