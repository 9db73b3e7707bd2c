import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { render, fireEvent, screen, waitFor, cleanup } from '@testing-library/svelte';
import type { Profile } from '../lib/bindings/Profile';
import type { Draft } from '../lib/bindings/Draft';
import type { ParticipantHit } from '../lib/bindings/ParticipantHit';
import { handlers, calls, reset, argsOf } from '../test-tauri';

let drafts: Draft[] = [];
let recordError: unknown = null;

const P = '7b0e0a54-0000-4000-8000-000000000001';

const profile: Profile = {
  id: P,
  pseudonym: 'D-4821',
  name: 'Zainab Testdatter',
  cpr: null,
  birth_year: 1990,
  origin: 'non_western',
  arrival_date: null,
  programme: 'selvforsoergelse',
  programme_start: '2025-03-01',
  programme_end: null,
  caseworker: 'Mette',
  case_closed: null,
  target_group: null,
  target_group_since: null,
  ladder_step: 1,
  ladder_history: [],
  enrolments: [],
  corrections: [],
  notes: [],
  events: [],
};

const hits: ParticipantHit[] = [
  { id: P, pseudonym: 'D-4821', name: 'Zainab Testdatter', birth_year: 1990, caseworker: 'Mette', case_closed: null },
  { id: 'other', pseudonym: 'D-1111', name: 'Zaid Andersen', birth_year: 1985, caseworker: 'Mette', case_closed: null },
];

let currentProfile: Profile = profile;

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const LogProgress = (await import('./LogProgress.svelte')).default;
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, heldCount, resetDrafts, storeOf, takeHeld, hold } = await import('../lib/drafts.svelte');

function recorded() {
  return argsOf('record_progress');
}

beforeEach(() => {
  reset();
  handlers.drafts = () => drafts;
  handlers.participant = () => currentProfile;
  handlers.find_participants = () => hits;
  handlers.record_progress = () => {
    if (recordError) throw recordError;
    return 'event-1';
  };
  handlers.save_draft = () => null;
  handlers.discard_draft = () => null;
  drafts = [];
  recordError = null;
  currentProfile = profile;
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  nav.logProgress = { open: true, participant: P, type: '' };
});

afterEach(() => {
  cleanup();
  resetDrafts();
});

describe('LogProgress', () => {
  it('has no serious or critical axe violations, with fields shown', async () => {
    const axe = (await import('axe-core')).default;
    render(LogProgress);
    await fireEvent.click(screen.getByTestId('progress-type-progression_measured'));
    await screen.findByText('Zainab Testdatter (D-4821)');
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
  });

  it('module test passed with a preset participant: two clicks (type, save)', async () => {
    render(LogProgress);
    const dialog = screen.getByTestId('progress-dialog');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    await screen.findByText('Zainab Testdatter (D-4821)');

    let interactions = 0;
    await fireEvent.click(screen.getByTestId('progress-type-module_test_passed'));
    interactions++;
    await fireEvent.click(screen.getByTestId('progress-save'));
    interactions++;

    await waitFor(() => expect(recorded()).toHaveLength(1));
    expect(interactions).toBeLessThanOrEqual(3);
    expect(recorded()[0]).toEqual({
      input: { participant: P, date: '2026-11-25', details: { type: 'module_test_passed', course: 'du1', module: 1 }, note: '' },
      draft: 'progress',
    });
    expect(nav.logProgress.open).toBe(false);
  });

  it('a conversation with its note, opened with the type preset: one click after typing', async () => {
    nav.logProgress = { open: true, participant: P, type: 'conversation' };
    render(LogProgress);
    await screen.findByText('Zainab Testdatter (D-4821)');
    expect(screen.getByTestId('progress-outcome')).toHaveValue('held');
    await fireEvent.change(screen.getByTestId('progress-mode'), { target: { value: 'phone' } });
    await fireEvent.input(screen.getByTestId('progress-interpreter'), { target: { value: 'somali' } });
    await fireEvent.input(screen.getByTestId('progress-note'), { target: { value: 'Aftalt praktik fra januar.' } });
    await fireEvent.click(screen.getByTestId('progress-save'));
    await waitFor(() => expect(recorded()).toHaveLength(1));
    expect(recorded()[0]).toEqual({
      input: {
        participant: P,
        date: '2026-11-25',
        details: { type: 'conversation', outcome: 'held', mode: 'phone', interpreter: 'somali' },
        note: 'Aftalt praktik fra januar.',
      },
      draft: 'progress',
    });
  });

  it('by keyboard alone: Enter on the focused type list, then Ctrl+Enter', async () => {
    currentProfile = {
      ...profile,
      events: [
        {
          id: 'e1',
          date: '2026-10-01',
          type_code: 'module_test_passed',
          type_label: 'Modultest bestået',
          summary: 'DU2 modul 3',
          recorded_by: 'Mette',
          recorded_at: '2026-10-01T09:00:00Z',
          step: 1,
        },
      ],
    };
    render(LogProgress);
    const list = screen.getByTestId('progress-type');
    await waitFor(() => expect(document.activeElement).toBe(list));
    await screen.findByText('Zainab Testdatter (D-4821)');
    let keys = 0;
    await fireEvent.keyDown(list, { key: 'Enter' });
    keys++;
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('progress-save')));
    // The suggestion from the timeline: the module after the last one passed.
    expect(screen.getByTestId('progress-course')).toHaveValue('du2');
    expect(screen.getByTestId('progress-module')).toHaveValue('4');
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter', ctrlKey: true });
    keys++;
    await waitFor(() => expect(recorded()).toHaveLength(1));
    expect(keys).toBeLessThanOrEqual(3);
    expect(recorded()[0]).toMatchObject({ input: { details: { type: 'module_test_passed', course: 'du2', module: 4 } } });
  });

  it('offer started and employment started: type, hours typed, save', async () => {
    for (const [type, testid, expected] of [
      ['offer_started', 'progress-type-offer_started', { type: 'offer_started', offer: 'virksomhedspraktik', hours_per_week: 17.5 }],
      ['employment_started', 'progress-type-employment_started', { type: 'employment_started', kind: 'ordinary', hours_per_week: 17.5 }],
    ] as const) {
      calls.length = 0;
      nav.logProgress = { open: true, participant: P, type: '' };
      render(LogProgress);
      await fireEvent.click(screen.getByTestId(testid));
      const hours = screen.getByTestId('progress-hours');
      await waitFor(() => expect(document.activeElement).toBe(hours));
      await fireEvent.input(hours, { target: { value: '17,5' } });
      await fireEvent.click(screen.getByTestId('progress-save'));
      await waitFor(() => expect(recorded()).toHaveLength(1));
      expect(recorded()[0]).toMatchObject({ input: { details: expected } });
      expect(type).toBeTruthy();
      cleanup();
    }
  });

  it('type chosen by its first letters', async () => {
    render(LogProgress);
    const list = screen.getByTestId('progress-type');
    await fireEvent.keyDown(list, { key: 'a' });
    await fireEvent.keyDown(list, { key: 'Enter' });
    expect(screen.getByTestId('progress-type-employment_started')).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'Enter' });
    expect(screen.getByTestId('progress-type-meeting_held')).toHaveAttribute('aria-selected', 'true');
  });

  it('a missing value is shown beside its field and nothing typed is cleared', async () => {
    render(LogProgress);
    await fireEvent.click(screen.getByTestId('progress-type-offer_started'));
    const date = screen.getByTestId('progress-date');
    await fireEvent.input(date, { target: { value: '20-11-2026' } });
    await fireEvent.click(screen.getByTestId('progress-save'));
    expect(await screen.findByText('Skal udfyldes.')).toBeInTheDocument();
    expect(recorded()).toHaveLength(0);
    expect(date).toHaveValue('20-11-2026');
    // An error from the core goes beside its field too.
    recordError = { code: 'out_of_range', message: 'Timer pr. uge skal være 0–60.', field: 'hours_per_week' };
    await fireEvent.input(screen.getByTestId('progress-hours'), { target: { value: '12' } });
    await fireEvent.click(screen.getByTestId('progress-save'));
    expect(await screen.findByText('Timer pr. uge skal være 0–60.')).toBeInTheDocument();
    expect(screen.getByTestId('progress-hours')).toHaveValue('12');
    expect(nav.logProgress.open).toBe(true);
  });

  it('saves a draft as you type, restores it on opening, and Escape keeps it', async () => {
    render(LogProgress);
    await fireEvent.click(screen.getByTestId('progress-type-offer_started'));
    await fireEvent.input(screen.getByTestId('progress-hours'), { target: { value: '17,5' } });
    await waitFor(() => expect(calls.some((c) => c.cmd === 'save_draft')).toBe(true), { timeout: 1500 });
    const saved = calls.filter((c) => c.cmd === 'save_draft').pop()!.args as { form: string; body: string };
    expect(saved.form).toBe('progress');
    await fireEvent.keyDown(screen.getByTestId('progress-hours'), { key: 'Escape' });
    expect(nav.logProgress.open).toBe(false);
    cleanup();

    drafts = [{ form: 'progress', body: saved.body, saved_at: '2026-11-25T08:14:00.000Z' }];
    nav.logProgress = { open: true, participant: '', type: '' };
    render(LogProgress);
    const note = await screen.findByTestId('progress-draft-restored');
    expect(note.textContent).toContain('17,5');
    expect(screen.getByTestId('progress-hours')).toHaveValue('17,5');
    expect(screen.getByTestId('progress-type-offer_started')).toHaveAttribute('aria-selected', 'true');

    await fireEvent.click(screen.getByTestId('progress-discard'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'discard_draft')).toBe(true));
    expect(screen.queryByTestId('progress-draft-restored')).toBeNull();
    expect(screen.queryByTestId('progress-hours')).toBeNull();
  });

  it('finds the participant by typing, arrows and Enter', async () => {
    nav.logProgress = { open: true, participant: '', type: '' };
    render(LogProgress);
    const search = screen.getByTestId('progress-participant');
    await waitFor(() => expect(document.activeElement).toBe(search));
    await fireEvent.input(search, { target: { value: 'Za' } });
    await waitFor(() => expect(screen.getAllByTestId('progress-hit')).toHaveLength(2));
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    await fireEvent.keyDown(search, { key: 'ArrowUp' });
    await fireEvent.keyDown(search, { key: 'Enter' });
    expect(await screen.findByTestId('progress-participant-name')).toHaveTextContent('Zainab Testdatter');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('progress-type')));
  });

  it('a lock\'s flush saves what is typed at once, without waiting for the typing pause', async () => {
    render(LogProgress);
    await screen.findByText('Zainab Testdatter (D-4821)');
    await fireEvent.click(screen.getByTestId('progress-type-offer_started'));
    await fireEvent.input(screen.getByTestId('progress-hours'), { target: { value: '17,5' } });
    const before = argsOf('save_draft').length;
    expect(await flushDrafts()).toBe(0);
    const saves = argsOf('save_draft').slice(before) as { form: string; body: string }[];
    expect(saves).toHaveLength(1);
    expect(saves[0].form).toBe('progress');
    expect(saves[0].body).toContain('17,5');
    // Nothing new since: a second flush sends nothing.
    expect(await flushDrafts()).toBe(0);
    expect(argsOf('save_draft').length).toBe(before + 1);
  });

  it('a draft the store refuses is held without the name, and the next opening takes it back and saves it', async () => {
    handlers.save_draft = () => {
      throw { code: 'storage', message: 'Datalageret svarer ikke.', field: null };
    };
    render(LogProgress);
    await screen.findByText('Zainab Testdatter (D-4821)');
    await fireEvent.click(screen.getByTestId('progress-type-offer_started'));
    await fireEvent.input(screen.getByTestId('progress-hours'), { target: { value: '17,5' } });
    expect(await flushDrafts()).toBe(1);
    const store = storeOf(app.info);
    expect(heldCount(store)).toBe(1);
    const body = takeHeld('progress', store)!;
    expect(body).toContain('17,5');
    expect(body).toContain(P);
    expect(body).not.toContain('Zainab');
    hold({ form: 'progress', body, store });
    cleanup();

    handlers.save_draft = () => null;
    // The store's older draft does not win over the one held since.
    drafts = [{ form: 'progress', body: body.replace('17,5', '5'), saved_at: '2026-11-25T08:14:00.000Z' }];
    nav.logProgress = { open: true, participant: '', type: '' };
    render(LogProgress);
    const note = await screen.findByTestId('progress-draft-restored');
    expect(note).toHaveTextContent('vinduet bevarede den');
    expect(screen.getByTestId('progress-hours')).toHaveValue('17,5');
    expect(await screen.findByTestId('progress-participant-name')).toHaveTextContent('Zainab Testdatter');
    await waitFor(() => expect(argsOf('save_draft').some((a) => String(a.body).includes('17,5'))).toBe(true));
    await waitFor(() => expect(heldCount(store)).toBe(0));
  });
});
