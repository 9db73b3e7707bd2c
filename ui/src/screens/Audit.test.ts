import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { argsOf, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');
const Audit = (await import('./Audit.svelte')).default;

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.audit_log = () => [];
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

describe('the audit log\'s filters', () => {
  it('are the draft audit-filter: a lock keeps them, leaving the screen clears them', async () => {
    nav.screen = 'audit';
    render(Audit);
    await fireEvent.input(await screen.findByTestId('audit-user'), { target: { value: 'jonas' } });
    await lock();
    expect(store.drafts.map((d) => d.form)).toEqual(['audit-filter']);

    render(Audit);
    expect(await screen.findByTestId('audit-filter-draft')).toHaveTextContent('Filtrene fra før er sat igen.');
    expect(screen.getByTestId('audit-user')).toHaveValue('jonas');
    await waitFor(() => expect(argsOf('audit_log').at(-1)).toMatchObject({ query: { user: 'jonas' } }));

    // Another screen: the filters go.
    nav.screen = 'overview';
    cleanup();
    await waitFor(() => expect(store.drafts).toEqual([]));
  });
});
