import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { SyncStatus } from '../lib/bindings/SyncStatus';

import { handlers, reset, argsOf } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
vi.mock('@tauri-apps/plugin-dialog', () => ({ save: vi.fn(async () => null), open: vi.fn(async () => null) }));

const { app } = await import('../lib/session.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { setSyncStatus, clearSync } = await import('../lib/sync.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const ExportDialog = (await import('./ExportDialog.svelte')).default;

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

beforeEach(() => {
  reset();
  handlers.export_summary = (args) => {
    const request = args.request as { share: boolean; path: string };
    return { files: [request.path], snapshot: 'abc123', shared: request.share ? ['2026-abc123/rapport.pdf'] : [] };
  };
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  clearSync();
});
afterEach(cleanup);

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
