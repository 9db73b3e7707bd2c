import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { SyncStatus } from '../lib/bindings/SyncStatus';

import { handlers, reset, argsOf, draftStore } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
vi.mock('@tauri-apps/plugin-dialog', () => ({ save: vi.fn(async () => null), open: vi.fn(async () => null) }));

const { app } = await import('../lib/session.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { setSyncStatus, clearSync } = await import('../lib/sync.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const ExportDialog = (await import('./ExportDialog.svelte')).default;
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');

const inTeam: SyncStatus = {
  team: 'nord',
  on_roster: true,
  target: '/mnt/fælles',
  pending: 0,
  last_sync: null,
  error: null,
  error_at: null,
  failures: 0,
  refused: [],
  conflicts: 0,
  running: false,
};

async function exportTo(path: string) {
  await fireEvent.input(screen.getByTestId('export-path'), { target: { value: path } });
  await fireEvent.click(screen.getByTestId('export-run'));
  await waitFor(() => screen.getByTestId('export-result'));
  return argsOf('export_summary')[0]?.request as Record<string, unknown>;
}

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.export_summary = (args) => {
    const request = args.request as { share: boolean; path: string };
    return { files: [request.path], snapshot: 'abc123', shared: request.share ? ['2026-abc123/rapport.pdf'] : [] };
  };
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  clearSync();
});
afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

describe('sharing a management summary with the team', () => {
  it('is not offered on a laptop outside a team, and nothing is shared', async () => {
    render(ExportDialog, { props: { period: '2026', onclose: () => {} } });
    expect(screen.queryByTestId('export-share')).toBeNull();
    const request = await exportTo('/tmp/rapport.pdf');
    expect(request.share).toBe(false);
    expect(screen.queryByTestId('export-shared')).toBeNull();
  });

  it('is offered in a team, sent with the request when ticked, and the queued files are named', async () => {
    setSyncStatus(inTeam);
    render(ExportDialog, { props: { period: '2026', onclose: () => {} } });
    const box = screen.getByTestId('export-share') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByLabelText('Send også til teamets fælles sted')).toBe(box);
    await fireEvent.click(box);
    const request = await exportTo('/tmp/rapport.pdf');
    expect(request).toMatchObject({ share: true, path: '/tmp/rapport.pdf', period: '2026' });
    expect(screen.getByTestId('export-shared').textContent).toContain('1 fil');
  });
});

describe('the export dialog\'s draft', () => {
  it('keeps the choices as the draft export:summary through a lock, restores them, and an export written discards it', async () => {
    render(ExportDialog, { props: { period: '2026', onclose: () => {} } });
    await fireEvent.click(screen.getByTestId('export-format-xlsx'));
    await fireEvent.input(screen.getByTestId('export-threshold'), { target: { value: '7' } });
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: '/mnt/ledelse/resume.xlsx' } });
    const flushing = flushDrafts();
    cleanup();
    expect(await flushing).toBe(0);
    expect(JSON.parse(store.drafts.find((d) => d.form === 'export:summary')!.body).form).toEqual({
      period: '2026',
      format: 'xlsx',
      lang: 'da',
      threshold: 7,
      share: false,
      path: '/mnt/ledelse/resume.xlsx',
    });

    render(ExportDialog, { props: { period: '2026', onclose: () => {} } });
    expect(await screen.findByTestId('export-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('export-format-xlsx')).toBeChecked();
    expect(screen.getByTestId('export-threshold')).toHaveValue(7);
    expect(screen.getByTestId('export-path')).toHaveValue('/mnt/ledelse/resume.xlsx');
    await fireEvent.click(screen.getByTestId('export-run'));
    await waitFor(() => screen.getByTestId('export-result'));
    expect(argsOf('export_summary')[0].request).toMatchObject({ format: 'xlsx', threshold: 7, path: '/mnt/ledelse/resume.xlsx' });
    await waitFor(() => expect(store.drafts).toEqual([]));
  });

  it('Cancel discards the choices', async () => {
    let closed = false;
    render(ExportDialog, { props: { period: '2026', onclose: () => (closed = true) } });
    await fireEvent.click(screen.getByTestId('export-format-csv'));
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual(['export:summary']));
    await fireEvent.click(screen.getByTestId('export-close'));
    expect(closed).toBe(true);
    await waitFor(() => expect(store.drafts).toEqual([]));
  });
});
