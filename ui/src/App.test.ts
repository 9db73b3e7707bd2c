import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AppInfo } from './lib/bindings/AppInfo';
import type { Overview } from './lib/bindings/Overview';

import { handlers, calls, fallback, reset } from './test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('./test-tauri')).core);
// The screens this file does not set up get empty lists.
fallback.answer = () => [];

import App from './App.svelte';
import { nav } from './lib/nav.svelte';
import { app } from './lib/session.svelte';

function info(over: Partial<AppInfo> = {}): AppInfo {
  return {
    version: '0.1.0',
    initialised: true,
    demo_exists: false,
    mode: 'store',
    last_mode: 'store',
    settings: { lang: 'da', user: 'Mette', role: 'team_lead', idle_minutes: 10, no_contact_days: 30, data_dir: '', keystore: false },
    data_dir: '/data',
    today: '2026-11-25',
    municipality: 'Ballerup Kommune',
    strategy: 'Vision 2029',
    keystore_available: false,
    recovery_code: null,
    ...over,
  };
}

const catalogue = {
  roles: [
    { code: 'caseworker', label: 'Sagsbehandler' },
    { code: 'team_lead', label: 'Teamleder' },
    { code: 'admin', label: 'Administrator' },
  ],
  statuses: [
    { code: 'on_track', label: 'På sporet' },
    { code: 'at_risk', label: 'I risiko' },
    { code: 'off_track', label: 'Ikke på sporet' },
    { code: 'unknown', label: 'Ukendt' },
  ],
  units: [],
  directions: [],
  measures: [],
};

const overview: Overview = {
  period: '2026',
  previous_period: '2025',
  today: '2026-11-25',
  goals: [
    {
      id: 'g1',
      key: 'job',
      title: 'Selvforsørgelse gennem job og uddannelse',
      status: 'at_risk',
      indicators: [
        {
          key: 'mm13',
          name: 'Ustøttet beskæftigelse',
          unit: 'percent',
          direction: 'up',
          measure: 'ordinary_employment',
          value: 31.5,
          numerator: 63,
          denominator: 200,
          previous: 29,
          target: 35,
          target_illustrative: true,
          status: 'at_risk',
        },
      ],
      initiatives: [{ id: 'i1', title: 'Sprogcafé', contribution: 'Dansk i hverdagen' }],
    },
  ],
  caseload: [{ caseworker: 'Mette', open_cases: 42, without_recent_contact: 3 }],
  no_contact_days: 30,
  ladder: [5, 10, 8, 4, 3, 2, 1],
};

let current: AppInfo;

beforeEach(() => {
  reset();
  current = info();
  handlers.app_info = () => current;
  handlers.catalogue = () => catalogue;
  handlers.overview = () => overview;
  handlers.trends = () => [{ key: 'mm13', points: [{ period: '2026-Q1', value: 30, target: 35 }] }];
  handlers.lock = () => (current = info({ mode: 'none' }));
  handlers.unlock = (a) => {
    if (a.passphrase !== 'rigtig frase') throw { code: 'wrong_passphrase', message: 'Forkert adgangsfrase.', field: 'passphrase' };
    return (current = info());
  };
  nav.screen = 'overview';
  nav.params = {};
  nav.logProgress = { open: false, participant: '' };
});

afterEach(() => {
  cleanup();
  app.info = null;
  app.catalogue = null;
});

describe('App', () => {
  it('starts with the first run when there is no store', async () => {
    current = info({ initialised: false, mode: 'none', last_mode: 'none', municipality: '', strategy: '' });
    render(App);
    expect(await screen.findByTestId('firstrun-passphrase')).toBeInTheDocument();
    expect(screen.getByTestId('firstrun-role')).toHaveTextContent('Teamleder');
    expect((screen.getByTestId('firstrun-user') as HTMLInputElement).value).toBe('Mette');
  });

  it('refuses a short passphrase beside the field, without calling the core', async () => {
    current = info({ initialised: false, mode: 'none', last_mode: 'none' });
    render(App);
    await fireEvent.input(await screen.findByTestId('firstrun-passphrase'), { target: { value: 'kort' } });
    await fireEvent.click(screen.getByTestId('firstrun-create'));
    expect(await screen.findByText(/mindst 8 tegn/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'first_run')).toBe(false);
  });

  it('shows unlock full-window at start when a store exists', async () => {
    current = info({ mode: 'none' });
    render(App);
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    expect(screen.queryByTestId('overview')).toBeNull();
  });

  it('shows the overview with goals, values, caseload and ladder when open', async () => {
    render(App);
    const goal = await screen.findByTestId('goal-job');
    expect(goal).toHaveTextContent('Selvforsørgelse');
    expect(goal).toHaveTextContent('I risiko');
    expect(screen.getByTestId('indicator-mm13-value')).toHaveTextContent('31,5 %');
    expect(screen.getByTestId('caseload')).toHaveTextContent('42');
    expect(screen.getByTestId('ladder')).toHaveTextContent('Ikke vurderet');
    expect(await screen.findByTestId('trend-mm13')).toBeInTheDocument();
    expect(screen.getByTestId('nav-participants')).toHaveTextContent('Deltagere');
  });

  it('loads the overview again for another period', async () => {
    render(App);
    await screen.findByTestId('goal-job');
    const select = screen.getByTestId('overview-period') as HTMLSelectElement;
    expect(select.value).toBe('2026');
    await fireEvent.change(select, { target: { value: '2025-Q4' } });
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'overview').map((c) => c.args.periodText)).toEqual(['2026', '2025-Q4']));
  });

  it('saves a yearly target as typed, with a Danish decimal comma', async () => {
    handlers.goals = () => [
      {
        id: 'g1',
        key: 'job',
        title: 'Selvforsørgelse',
        description: '',
        indicators: [
          {
            key: 'mm13',
            name: 'Ustøttet beskæftigelse',
            definition: 'Andel i ustøttet job',
            unit: 'percent',
            direction: 'up',
            measure: 'ordinary_employment',
            baseline: 32,
            baseline_year: 2021,
            source: 'Jobindsats',
            targets: [{ year: 2027, value: 1234.5, illustrative: true }],
          },
        ],
        initiatives: [],
      },
    ];
    handlers.set_target = () => null;
    render(App);
    await screen.findByTestId('overview');
    await fireEvent.click(screen.getByTestId('nav-goals'));
    const input = (await screen.findByTestId('target-mm13-2027')) as HTMLInputElement;
    expect(input.value).toBe('1234,5');
    await fireEvent.input(input, { target: { value: '37,5' } });
    await fireEvent.click(screen.getByTestId('target-mm13-2027-save'));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === 'set_target')?.args).toEqual({ input: { indicator: 'mm13', year: 2027, value: '37,5' } }),
    );
    expect(await screen.findByTestId('toast')).toHaveTextContent('gemt');
  });

  it('locks over the mounted screens and unlocks back to them', async () => {
    render(App);
    await screen.findByTestId('overview');
    screen.getByTestId('nav-goals').focus();
    await fireEvent.click(screen.getByTestId('lock'));
    const field = await screen.findByTestId('unlock-passphrase');
    // The screens are still there, but inert.
    expect(screen.getByTestId('overview')).toBeInTheDocument();
    const layout = () => screen.getByTestId('overview').closest('.layout') as HTMLElement & { inert: boolean };
    expect(layout().inert).toBe(true);

    await fireEvent.input(field, { target: { value: 'forkert' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('Forkert adgangsfrase.');
    expect((screen.getByTestId('unlock-passphrase') as HTMLInputElement).value).toBe('forkert');

    await fireEvent.input(screen.getByTestId('unlock-passphrase'), { target: { value: 'rigtig frase' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    await waitFor(() => expect(screen.queryByTestId('unlock-passphrase')).toBeNull());
    expect(layout().inert).toBe(false);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('nav-goals')));
  });

  it('opens log progress on Ctrl+L', async () => {
    render(App);
    await screen.findByTestId('overview');
    await fireEvent.keyDown(window, { key: 'l', ctrlKey: true });
    expect(nav.logProgress.open).toBe(true);
  });

  it('shows the demo badge and offers to leave it', async () => {
    current = info({ mode: 'demo', last_mode: 'demo' });
    render(App);
    expect(await screen.findByTestId('demo-badge')).toHaveTextContent('DEMO');
    expect(screen.getByTestId('leave-demo')).toBeInTheDocument();
  });

  it('shows the sync line in a team and opens the sync screen from the menu', async () => {
    handlers.sync_status = () => ({
      team: 'ballerup-integration',
      on_roster: true,
      target: '/mnt/fælles/indsats',
      pending: 2,
      last_sync: null,
      error: null,
      error_at: null,
      failures: 0,
      refused: [],
      conflicts: 0,
      running: false,
    });
    handlers.team = () => null;
    handlers.sync_target = () => ({ kind: 'folder', path: '/mnt/fælles/indsats', endpoint: '', username: '', bucket: '', region: '', access_key_id: '', password: '' });
    render(App);
    expect(await screen.findByTestId('sync-line')).toHaveTextContent('Aldrig synkroniseret');
    expect(screen.getByTestId('sync-line')).toHaveTextContent('2 venter');
    await fireEvent.click(screen.getByTestId('nav-sync'));
    expect(await screen.findByTestId('sync-screen')).toBeInTheDocument();
    expect(screen.getByTestId('nav-sync')).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByTestId('target-path')).toHaveValue('/mnt/fælles/indsats');
  });

  it('tells a caseworker that the audit log is not for their role', async () => {
    current = info({ settings: { ...info().settings, role: 'caseworker' } });
    render(App);
    await screen.findByTestId('overview');
    await fireEvent.click(screen.getByTestId('nav-audit'));
    expect(await screen.findByTestId('audit-not-for-role')).toHaveTextContent('Sagsbehandler');
    expect(calls.some((c) => c.cmd === 'audit_log')).toBe(false);
  });
});
