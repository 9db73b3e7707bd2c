import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AppInfo } from './lib/bindings/AppInfo';
import type { Overview } from './lib/bindings/Overview';
import type { Profile } from './lib/bindings/Profile';
import type { Draft } from './lib/bindings/Draft';

import { handlers, calls, fallback, reset, argsOf, draftStore } from './test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('./test-tauri')).core);
// The screens this file does not set up get empty lists.
fallback.answer = () => [];

import App from './App.svelte';
import { nav } from './lib/nav.svelte';
import { app } from './lib/session.svelte';
import { heldCount, resetDrafts, storeOf } from './lib/drafts.svelte';
import * as cases from './lib/cases/fixtures';

function info(over: Partial<AppInfo> = {}): AppInfo {
  return {
    version: '0.1.0',
    initialised: true,
    demo_exists: false,
    mode: 'store',
    last_mode: 'store',
    settings: { lang: 'da', user: 'Mette', role: 'team_lead', idle_minutes: 10, no_contact_days: 30, data_dir: '', keystore: false, backup_dir: '', backup_keep: 7, backup_every_days: 1 },
    data_dir: '/data',
    today: '2026-11-25',
    municipality: 'Ballerup Kommune',
    strategy: 'Vision 2029',
    keystore_available: false,
    recovery_code: null,
    who: null,
    ...over,
  } as AppInfo;
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
  nav.logProgress = { open: false, participant: '', type: '' };
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

  it('asks the core for a due automatic backup when the screens show, only with a folder set, and says what it made or why not', async () => {
    render(App);
    await screen.findByTestId('goal-job');
    expect(calls.some((c) => c.cmd === 'backup_if_due')).toBe(false);
    cleanup();

    current = info({ settings: { ...info().settings, backup_dir: '/mnt/kopier' } });
    handlers.backup_if_due = () => ({ file: '/mnt/kopier/indsats-a-20261125-090000.indsats-backup', created_at: '2026-11-25T09:00:00+00:00', bytes: 1, changes: 1, removed: 0 });
    render(App);
    expect(await screen.findByText(/Automatisk sikkerhedskopi lavet: \/mnt\/kopier\/indsats-a-/)).toBeInTheDocument();
    cleanup();

    handlers.backup_if_due = () => {
      throw { code: 'disk_full', message: 'Disken med /mnt/kopier er fuld.', field: null };
    };
    render(App);
    expect(await screen.findByText(/Den automatiske sikkerhedskopi mislykkedes: Disken med \/mnt\/kopier er fuld./)).toBeInTheDocument();
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

  it('locks with the screens unmounted, and unlocks back to them with the focus where it was', async () => {
    render(App);
    await screen.findByTestId('overview');
    screen.getByTestId('nav-goals').focus();
    await fireEvent.click(screen.getByTestId('lock'));
    const field = await screen.findByTestId('unlock-passphrase');
    // Nothing of the screens or the header is left: only the unlock dialog.
    expect(screen.queryByTestId('overview')).toBeNull();
    expect(screen.queryByTestId('lock')).toBeNull();
    const dialog = screen.getByRole('dialog', { name: 'Indsats er låst' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(document.activeElement).toBe(field);

    await fireEvent.input(field, { target: { value: 'forkert' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('Forkert adgangsfrase.');
    expect((screen.getByTestId('unlock-passphrase') as HTMLInputElement).value).toBe('forkert');

    await fireEvent.input(screen.getByTestId('unlock-passphrase'), { target: { value: 'rigtig frase' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    await waitFor(() => expect(screen.queryByTestId('unlock-passphrase')).toBeNull());
    expect(await screen.findByTestId('overview')).toBeInTheDocument();
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

// ---- The lock: nothing personal left in the window, drafts saved first ----------------------

const P = '7b0e0a54-0000-4000-8000-000000000001';
const NAME = 'Zainab Testdatter';
const CPR = '010190-1234';
const PSEUDONYM = 'D-4821';
const TIMELINE = 'Virksomhedspraktik hos Bageriet Nord';

const profile: Profile = {
  id: P,
  pseudonym: PSEUDONYM,
  name: NAME,
  cpr: CPR,
  birth_year: 1990,
  origin: 'non_western',
  arrival_date: '2024-05-01',
  programme: 'selvforsoergelse',
  programme_start: '2025-03-01',
  programme_end: null,
  caseworker: 'Mette',
  case_closed: null,
  target_group: 'jobparat',
  target_group_since: '2025-03-10',
  ladder_step: 2,
  ladder_history: [{ date: '2026-10-01', step: 2 }],
  enrolments: [],
  corrections: [],
  notes: [],
  events: [
    {
      id: 'e1',
      date: '2026-10-01',
      type_code: 'offer_started',
      type_label: 'Tilbud startet',
      summary: TIMELINE,
      recorded_by: 'Mette',
      recorded_at: '2026-10-01T09:00:00Z',
      step: 2,
    },
  ],
};

/** What must not be in a locked window. */
function expectNothingPersonal() {
  const text = document.body.textContent ?? '';
  const html = document.body.innerHTML;
  for (const s of [NAME, CPR, PSEUDONYM, TIMELINE, 'Zainab', P]) {
    expect(text, s).not.toContain(s);
    expect(html, s).not.toContain(s);
  }
}

async function unlock() {
  await fireEvent.input(await screen.findByTestId('unlock-passphrase'), { target: { value: 'rigtig frase' } });
  await fireEvent.click(screen.getByTestId('unlock-submit'));
  await waitFor(() => expect(screen.queryByTestId('unlock-passphrase')).toBeNull());
}

/** On the profile, Log progress opened from it: an offer started, 17,5 hours typed. */
async function typeOnProfile() {
  render(App);
  expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
  expect(screen.getByTestId('profile')).toHaveTextContent(CPR);
  expect(screen.getByTestId('timeline')).toHaveTextContent(TIMELINE);
  await fireEvent.click(screen.getByTestId('profile-log'));
  await screen.findByText(`${NAME} (${PSEUDONYM})`);
  await fireEvent.click(screen.getByTestId('progress-type-offer_started'));
  const hours = screen.getByTestId('progress-hours');
  await fireEvent.input(hours, { target: { value: '17,5' } });
}

describe('Lock', () => {
  /** The encrypted store's drafts, as the stand-in keeps them. */
  let stored: Draft[];
  /** What happened, in order: a draft saved (with its body), the lock. */
  let events: string[];
  let refuseDrafts: boolean;

  beforeEach(() => {
    stored = [];
    events = [];
    refuseDrafts = false;
    resetDrafts();
    handlers.catalogue = () => ({ ...cases.catalogue, roles: catalogue.roles, statuses: catalogue.statuses });
    handlers.participant = () => profile;
    handlers.drafts = () => {
      if (current.mode === 'none') throw { code: 'locked', message: 'Indsats er låst.', field: null };
      return stored;
    };
    handlers.save_draft = async (a) => {
      // A store that takes a moment: the lock must wait for it.
      await new Promise((r) => setTimeout(r, 30));
      if (refuseDrafts || current.mode === 'none') {
        events.push('refused');
        throw { code: 'storage', message: 'Datalageret svarer ikke.', field: null };
      }
      const body = String(a.body);
      stored = [{ form: String(a.form), body, saved_at: '2026-11-25T09:41:00.000Z' }];
      events.push(`saved ${body}`);
      return null;
    };
    handlers.lock = () => {
      events.push('lock');
      return (current = info({ mode: 'none' }));
    };
    nav.screen = 'profile';
    nav.params = { id: P };
  });

  afterEach(() => {
    resetDrafts();
  });

  it('leaves no name, CPR number, pseudonym or timeline text of the profile in the locked DOM, and comes back to the profile', async () => {
    render(App);
    expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
    expect(document.body.textContent).toContain(CPR);
    expect(document.body.textContent).toContain(PSEUDONYM);
    expect(document.body.textContent).toContain(TIMELINE);
    const reads = calls.filter((c) => c.cmd === 'participant').length;

    await fireEvent.click(screen.getByTestId('lock'));
    await screen.findByTestId('unlock-passphrase');
    expectNothingPersonal();
    expect(screen.getByRole('dialog', { name: 'Indsats er låst' })).toBeInTheDocument();
    expect(screen.getByTestId('unlock-overlay')).toHaveTextContent('Skærmbillederne er lukket');
    expect(document.querySelector('.app-header')).toBeNull();
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);

    await unlock();
    expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
    expect(nav.screen).toBe('profile');
    expect(nav.params).toEqual({ id: P });
    // The profile was read again (an audited read), not kept on screen.
    expect(calls.filter((c) => c.cmd === 'participant').length).toBeGreaterThan(reads);
  });

  it('blanks the window on the idle lock too', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      current = info({ settings: { ...info().settings, idle_minutes: 1 } });
      render(App);
      expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
      vi.advanceTimersByTime(60_000);
      await screen.findByTestId('unlock-passphrase');
      expect(events).toContain('lock');
      expectNothingPersonal();
    } finally {
      vi.useRealTimers();
    }
  });

  it('locks when the operating system locks or sleeps, with the draft typed saved first', async () => {
    let channel: { onmessage: (m: unknown) => void } | null = null;
    handlers.os_lock_watch = (a) => {
      channel = (a as { channel: { onmessage: (m: unknown) => void } }).channel;
      return null;
    };
    await typeOnProfile();
    expect(channel).not.toBeNull();
    expect(events).not.toContain('lock');
    channel!.onmessage('sleep');
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    const saves = events.filter((e) => e.startsWith('saved '));
    expect(saves).toHaveLength(1);
    expect(events.indexOf(saves[0])).toBeLessThan(events.indexOf('lock'));
    expectNothingPersonal();
    // Locked already: another one changes nothing.
    channel!.onmessage('session_lock');
    await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e === 'lock')).toHaveLength(1);
  });

  it('saves the draft typed in Log progress before it locks, and opens it again after unlock', async () => {
    await typeOnProfile();
    // Locked at once, before the form's own save (300 ms after typing) has run.
    await fireEvent.click(screen.getByTestId('lock'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();

    const saves = events.filter((e) => e.startsWith('saved '));
    expect(saves).toHaveLength(1);
    expect(saves[0]).toContain('17,5');
    expect(saves[0]).toContain('offer_started');
    expect(events.indexOf(saves[0])).toBeLessThan(events.indexOf('lock'));
    expect(argsOf('save_draft').at(-1)).toMatchObject({ form: 'progress' });
    expectNothingPersonal();
    expect(screen.queryByTestId('unlock-unsaved')).toBeNull();

    await unlock();
    const note = await screen.findByTestId('progress-draft-restored');
    expect(note).toHaveTextContent('Ikke-gemt registrering gendannet');
    expect(screen.getByTestId('progress-hours')).toHaveValue('17,5');
    expect(screen.getByTestId('progress-type-offer_started')).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByTestId('progress-participant-name')).toHaveTextContent(NAME);
    // The focus is in the form again, on the dialog's first field to fill (here: Save).
    await waitFor(() => expect(screen.getByTestId('progress-dialog').contains(document.activeElement)).toBe(true));
    expect(nav.screen).toBe('profile');
  });

  it('saves what is typed in the profile\'s enrol form before it locks, and restores it after unlock', async () => {
    const store = draftStore();
    render(App);
    expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId('enrol-end'), { target: { value: '31-12-2026' } });
    // Locked at once, before the form's own save (300 ms after typing) has run.
    await fireEvent.click(screen.getByTestId('lock'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    expect(store.drafts.map((d) => d.form)).toEqual([`enrol:${P}`]);
    expect(store.drafts[0].body).toContain('31-12-2026');
    const order = calls.map((c) => c.cmd);
    expect(order.lastIndexOf('save_draft')).toBeLessThan(order.indexOf('lock'));
    expectNothingPersonal();

    await unlock();
    expect(await screen.findByTestId('enrol-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('enrol-end')).toHaveValue('31-12-2026');
    expect(nav.screen).toBe('profile');
  });

  it('still locks when the draft cannot be saved, says so, holds it without the name, and saves it after unlock', async () => {
    await typeOnProfile();
    refuseDrafts = true;
    await fireEvent.click(screen.getByTestId('lock'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();

    // Security first: locked all the same.
    expect(events).toContain('lock');
    expect(events.indexOf('refused')).toBeLessThan(events.indexOf('lock'));
    expect(stored).toEqual([]);
    // The caseworker is told that the text lives only in this window until unlock.
    const alert = await screen.findByTestId('unlock-unsaved');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('kun bevaret i dette vindue');
    expectNothingPersonal();
    // What is held has the participant's id, but no name.
    expect(heldCount(storeOf(app.info))).toBe(1);

    refuseDrafts = false;
    await unlock();
    const note = await screen.findByTestId('progress-draft-restored');
    expect(note).toHaveTextContent('vinduet bevarede den');
    expect(screen.getByTestId('progress-hours')).toHaveValue('17,5');
    expect(await screen.findByTestId('progress-participant-name')).toHaveTextContent(NAME);
    // Into the store with it now; nothing is held any longer.
    await waitFor(() => expect(stored.some((d) => d.body.includes('17,5'))).toBe(true));
    await waitFor(() => expect(heldCount(storeOf(app.info))).toBe(0));
  });

  it('blanks the window when another command locks the store (settings that change the user)', async () => {
    handlers.save_settings = (a) => (current = info({ mode: 'none', settings: a.settings as AppInfo['settings'] }));
    nav.screen = 'settings';
    nav.params = {};
    render(App);
    const user = await screen.findByTestId('settings-user');
    await fireEvent.input(user, { target: { value: 'Jonas' } });
    screen.getByTestId('settings-save').focus();
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    expect(screen.queryByTestId('settings')).toBeNull();
    expect(document.querySelector('.app-header')).toBeNull();
    await unlock();
    expect(await screen.findByTestId('settings')).toBeInTheDocument();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('settings-save')));
  });

  it('shows the screens again with the error when the lock itself fails', async () => {
    handlers.lock = () => {
      throw { code: 'internal', message: 'Kunne ikke låse.', field: null };
    };
    render(App);
    await screen.findByRole('heading', { level: 1, name: NAME });
    screen.getByTestId('lock').focus();
    await fireEvent.click(screen.getByTestId('lock'));
    expect(await screen.findByTestId('toast')).toHaveTextContent('Kunne ikke låse.');
    expect(await screen.findByRole('heading', { level: 1, name: NAME })).toBeInTheDocument();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('lock')));
  });
});
