import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { SyncStatus } from '../lib/bindings/SyncStatus';
import type { SyncResult } from '../lib/bindings/SyncResult';
import { handlers, reset, count } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { clearSync } = await import('../lib/sync.svelte');
const { toasts } = await import('../lib/toast.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const Header = (await import('./Header.svelte')).default;

/** 09:14 today, local time, as the core sends it (RFC 3339, UTC). */
const today0914 = (() => {
  const d = new Date();
  d.setHours(9, 14, 0, 0);
  return d.toISOString();
})();

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    team: 'ballerup-integration',
    on_roster: true,
    target: '/mnt/fælles/indsats',
    pending: 0,
    last_sync: today0914,
    error: null,
    error_at: null,
    failures: 0,
    refused: [],
    conflicts: 0,
    running: false,
    ...over,
  };
}

let current: SyncStatus;

function renderHeader() {
  return render(Header, { props: { onlock: () => {}, onleavedemo: () => {} } });
}

beforeEach(() => {
  reset();
  current = status();
  handlers.sync_status = () => current;
  clearSync();
  toasts.text = '';
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  nav.screen = 'overview';
  nav.params = {};
});

afterEach(() => {
  cleanup();
  app.info = null;
  app.catalogue = null;
});

describe('Header sync line', () => {
  it('shows nothing of sync when this computer is not in a team, but offers the sync screen', async () => {
    current = status({ team: null, last_sync: null, target: null });
    renderHeader();
    await waitFor(() => expect(count('sync_status')).toBe(1));
    // Let the answer land before asserting that nothing is shown.
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId('sync-line')).toBeNull();
    expect(screen.queryByTestId('sync-now')).toBeNull();

    const items = screen.getAllByRole('listitem').map((li) => li.textContent?.trim());
    expect(items.indexOf('Synkronisering')).toBe(items.indexOf('Indstillinger') - 1);
    await fireEvent.click(screen.getByTestId('nav-sync'));
    expect(nav.screen).toBe('sync');
  });

  it('does not read the status while locked', async () => {
    app.info = { ...info, mode: 'none' };
    renderHeader();
    await new Promise((r) => setTimeout(r, 0));
    expect(count('sync_status')).toBe(0);
    expect(screen.queryByTestId('sync-line')).toBeNull();
  });

  it('shows the last sync time, the changes waiting and the open conflicts', async () => {
    current = status({ pending: 3, conflicts: 2 });
    renderHeader();
    const line = await screen.findByTestId('sync-line');
    expect(line).toHaveTextContent('Synkroniseret 09:14');
    expect(screen.getByTestId('sync-pending')).toHaveTextContent('· 3 venter');
    const conflicts = screen.getByTestId('sync-conflicts');
    expect(conflicts.tagName).toBe('BUTTON');
    expect(conflicts).toHaveTextContent('2 konflikter');
    expect(within(line).getByRole('button', { name: 'Synkronisér nu' })).toBe(screen.getByTestId('sync-now'));

    await fireEvent.click(conflicts);
    expect(nav.screen).toBe('sync');
  });

  it('shows the date too when the last sync was not today, and "never" before the first', async () => {
    current = status({ last_sync: new Date(2026, 10, 24, 16, 5).toISOString(), conflicts: 1 });
    const { unmount } = renderHeader();
    expect(await screen.findByTestId('sync-line')).toHaveTextContent('Synkroniseret 24-11-2026 16:05');
    expect(screen.getByTestId('sync-conflicts')).toHaveTextContent('1 konflikt');
    expect(screen.queryByTestId('sync-pending')).toBeNull();
    unmount();

    clearSync();
    current = status({ last_sync: null });
    renderHeader();
    expect(await screen.findByTestId('sync-line')).toHaveTextContent('Aldrig synkroniseret');
    expect(screen.queryByTestId('sync-conflicts')).toBeNull();
  });

  it('speaks English', async () => {
    setLang('en');
    current = status({ pending: 1, conflicts: 4 });
    renderHeader();
    const line = await screen.findByTestId('sync-line');
    expect(line).toHaveTextContent('Synced 09:14');
    expect(line).toHaveTextContent('1 waiting');
    expect(line).toHaveTextContent('4 conflicts');
    expect(screen.getByTestId('sync-now')).toHaveTextContent('Sync now');
    expect(screen.getByTestId('nav-sync')).toHaveTextContent('Sync');
  });

  it('marks a failed sync with a sign and words, the message in a tooltip and for screen readers', async () => {
    const message = 'Synkroniseringsstedet kan ikke nås. Kontrollér netværket.';
    current = status({ error: message, error_at: today0914, failures: 2 });
    renderHeader();
    const state = await screen.findByTestId('sync-state');
    expect(state).toHaveTextContent('Synkronisering mislykkedes');
    expect(state).toHaveTextContent('⚠');
    expect(state).toHaveAttribute('title', message);
    expect(state).toHaveTextContent(message);
    expect(state).toHaveClass('sync-failed');
    expect(screen.getByTestId('sync-line')).not.toHaveTextContent('Synkroniseret 09:14');
  });

  it('says when a sync is running', async () => {
    current = status({ running: true, pending: 2 });
    renderHeader();
    expect(await screen.findByTestId('sync-state')).toHaveTextContent('Synkroniserer…');
    expect(screen.getByTestId('sync-pending')).toHaveTextContent('2 venter');
  });

  it('"Sync now" calls sync_now, says what it did in the status line and reads the status again', async () => {
    const result: SyncResult = {
      pushed_changes: 3,
      merged_changes: 12,
      merged_bundles: 2,
      conflicts: 1,
      notes: ['Venter på ændring 41 fra Annas bærbare: den er ikke nået frem til synkroniseringsstedet endnu.'],
    };
    let release: () => void = () => {};
    handlers.sync_now = () =>
      new Promise<SyncResult>((resolve) => {
        release = () => {
          current = status({ last_sync: today0914, conflicts: 1 });
          resolve(result);
        };
      });
    current = status({ pending: 3, last_sync: null });
    renderHeader();
    await screen.findByTestId('sync-line');
    const before = count('sync_status');

    await fireEvent.click(screen.getByTestId('sync-now'));
    expect(count('sync_now')).toBe(1);
    expect(await screen.findByText('Synkroniserer…')).toBeInTheDocument();
    expect(screen.getByTestId('sync-now')).toBeDisabled();
    release();

    await waitFor(() =>
      expect(screen.getByTestId('toast')).toHaveTextContent(
        'Synkroniseret. Ændringer sendt: 3, modtaget: 12. Nye konflikter: 1. Venter på ændring 41 fra Annas bærbare',
      ),
    );
    expect(screen.getByTestId('toast')).not.toHaveClass('error');
    await waitFor(() => expect(count('sync_status')).toBe(before + 1));
    expect(await screen.findByTestId('sync-conflicts')).toHaveTextContent('1 konflikt');
    expect(screen.getByTestId('sync-line')).toHaveTextContent('Synkroniseret 09:14');
    expect(screen.queryByTestId('sync-pending')).toBeNull();
    expect(screen.getByTestId('sync-now')).toBeEnabled();
  });

  it('"Sync now" shows the core\'s message as an error when the sync fails', async () => {
    handlers.sync_now = () => {
      throw { code: 'target_unreachable', message: 'Synkroniseringsstedet kan ikke nås.', field: null };
    };
    renderHeader();
    await screen.findByTestId('sync-line');
    await fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(screen.getByTestId('toast')).toHaveTextContent('Synkroniseringsstedet kan ikke nås.'));
    expect(screen.getByTestId('toast')).toHaveClass('error');
    await waitFor(() => expect(count('sync_status')).toBe(2));
  });

  it('reads the status every 20 seconds while shown, and stops when gone', async () => {
    vi.useFakeTimers();
    try {
      const { unmount } = renderHeader();
      await vi.advanceTimersByTimeAsync(0);
      expect(count('sync_status')).toBe(1);
      await vi.advanceTimersByTimeAsync(19_000);
      expect(count('sync_status')).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(count('sync_status')).toBe(2);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(count('sync_status')).toBe(3);
      unmount();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(count('sync_status')).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
