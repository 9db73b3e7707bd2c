import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';
import type { Profile } from '../lib/bindings/Profile';
import type { InitiativeRow } from '../lib/bindings/InitiativeRow';
import { handlers, argsOf, calls, draftStore } from '../test-tauri';

const P = '7b0e0a54-0000-4000-8000-000000000001';

const profile: Profile = {
  id: P,
  pseudonym: 'D-4821',
  name: 'Zainab Testdatter',
  cpr: '010190-1234',
  birth_year: 1990,
  origin: 'non_western',
  arrival_date: '2024-05-01',
  programme: 'selvforsoergelse',
  programme_start: '2025-03-01',
  programme_end: '2030-02-28',
  caseworker: 'Mette',
  case_closed: null,
  target_group: 'jobparat',
  target_group_since: '2025-03-10',
  ladder_step: 2,
  ladder_history: [
    { date: '2025-03-01', step: 0 },
    { date: '2025-04-01', step: 1 },
    { date: '2026-10-01', step: 2 },
  ],
  enrolments: [
    { id: 'en1', participant: P, label: 'Sprogcafé Nord', initiative: 'i1', start: '2026-10-01', end: null, outcome: null },
  ],
  corrections: [],
  notes: [],
  events: [
    {
      id: 'e2',
      date: '2026-10-01',
      type_code: 'offer_started',
      type_label: 'Tilbud startet',
      summary: 'Virksomhedspraktik, 15 t/uge',
      recorded_by: 'Mette',
      recorded_at: '2026-10-01T09:00:00Z',
      step: 2,
    },
  ],
};

const initiatives: InitiativeRow[] = [
  {
    id: 'i1',
    title: 'Sprogcafé Nord',
    kind: 'danskuddannelse',
    owner: 'Team Nord',
    start: '2026-01-01',
    end: null,
    status: 'active',
    capacity: null,
    goals: [],
    enrolled_now: 1,
    enrolled_total: 1,
  },
];

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
const dialog = vi.hoisted(() => ({ save: async (_o?: unknown): Promise<string | null> => null, seen: [] as unknown[] }));
vi.mock('@tauri-apps/plugin-dialog', () => ({
  save: (o: unknown) => {
    dialog.seen.push(o);
    return dialog.save(o);
  },
}));
handlers.participant = () => profile;
handlers.initiatives = () => initiatives;
const refuseEnrol = () => {
  throw { code: 'already_enrolled', message: 'Allerede tilmeldt.', field: 'start' };
};

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const ProfileScreen = (await import('./Profile.svelte')).default;
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');

describe('Profile', () => {
  it('shows the person, the timeline, the ladder chart with its table, and keeps typed values on error', async () => {
    app.info = info;
    app.catalogue = catalogue;
    handlers.enrol = refuseEnrol;
    render(ProfileScreen, { props: { id: P } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Zainab Testdatter' })).toBeInTheDocument();
    expect(screen.getByTestId('timeline')).toHaveTextContent('Tilbud startet');
    expect(screen.getByTestId('timeline')).toHaveTextContent('01-10-2026');
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toContain('trin 2');
    expect(screen.getByTestId('profile-step')).toHaveTextContent('2');
    expect(screen.getByText('Jobparat')).toBeInTheDocument();

    const select = screen.getByTestId('enrol-initiative') as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toContain('Sprogcafé Nord (Danskuddannelse)');
    await fireEvent.change(select, { target: { value: 'i1' } });
    const start = screen.getByTestId('enrol-start');
    expect(start).toHaveValue('25-11-2026');
    await fireEvent.input(start, { target: { value: '02-10-2026' } });
    await fireEvent.click(screen.getByTestId('enrol-save'));
    expect(await screen.findByText('Allerede tilmeldt.')).toBeInTheDocument();
    expect(start).toHaveValue('02-10-2026');
    expect(start).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.click(screen.getByTestId('profile-log'));
    expect(nav.logProgress).toEqual({ open: true, participant: P, type: '' });

    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    await waitFor(() => expect(bad.map((v) => v.id)).toEqual([]));
  });
});

/** The saves of the draft `form`, their bodies in order. */
function saved(form: string): string[] {
  return argsOf('save_draft')
    .filter((a) => a.form === form)
    .map((a) => String(a.body));
}

/** What the lock does to a mounted profile: the drafts flushed (all in the store), then unmounted. */
async function lockAndUnmount() {
  const calling = flushDrafts();
  cleanup();
  expect(await calling).toBe(0);
}

async function openProfile() {
  render(ProfileScreen, { props: { id: P } });
  expect(await screen.findByRole('heading', { level: 1, name: 'Zainab Testdatter' })).toBeInTheDocument();
}

describe('Profile drafts', () => {
  let store: ReturnType<typeof draftStore>;

  beforeEach(async () => {
    // Nothing left of the test before (its forms save on closing, and what is refused is held).
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
    calls.length = 0;
    store = draftStore();
    app.info = info;
    app.catalogue = catalogue;
    handlers.enrol = () => 'en2';
    handlers.end_enrolment = () => null;
    handlers.close_case = () => null;
  });

  afterEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
  });

  it('the enrol form saves what is typed as the draft enrol:<id>, a lock flushes it, reopening restores it, and enrolling discards it', async () => {
    await openProfile();
    await fireEvent.change(screen.getByTestId('enrol-initiative'), { target: { value: 'i1' } });
    await fireEvent.input(screen.getByTestId('enrol-end'), { target: { value: '31-12-2026' } });
    // Saved as typed, after a pause; the key has the participant's id, never the name.
    await waitFor(() => expect(saved(`enrol:${P}`).some((b) => b.includes('31-12-2026'))).toBe(true));
    expect(argsOf('save_draft').every((a) => !String(a.form).includes('Zainab'))).toBe(true);
    expect(JSON.parse(saved(`enrol:${P}`).at(-1)!).form).toEqual({ initiative: 'i1', start: '25-11-2026', end: '31-12-2026' });

    // Typed just before the lock: the lock's flush saves it at once, before the screen goes.
    await fireEvent.input(screen.getByTestId('enrol-start'), { target: { value: '01-12-2026' } });
    const before = saved(`enrol:${P}`).length;
    await lockAndUnmount();
    expect(saved(`enrol:${P}`).length).toBe(before + 1);
    expect(store.drafts.find((d) => d.form === `enrol:${P}`)?.body).toContain('01-12-2026');
    expect(document.body.textContent).not.toContain('Zainab');

    // Opened again (after unlock, or a restart): the same values, and it says so.
    await openProfile();
    const note = await screen.findByTestId('enrol-draft');
    expect(note).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('enrol-initiative')).toHaveValue('i1');
    expect(screen.getByTestId('enrol-start')).toHaveValue('01-12-2026');
    expect(screen.getByTestId('enrol-end')).toHaveValue('31-12-2026');

    // Enrolled: the draft goes, and so does the note.
    await fireEvent.click(screen.getByTestId('enrol-save'));
    await waitFor(() => expect(argsOf('discard_draft')).toContainEqual({ form: `enrol:${P}` }));
    expect(argsOf('enrol')).toEqual([{ input: { participant: P, initiative: 'i1', start: '01-12-2026', end: '31-12-2026' } }]);
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('enrol-draft')).toBeNull();
    expect(screen.getByTestId('enrol-start')).toHaveValue('25-11-2026');
  });

  it('keeps the draft when enrolling fails, and discards it when the restored draft is discarded', async () => {
    handlers.enrol = refuseEnrol;
    await openProfile();
    await fireEvent.change(screen.getByTestId('enrol-initiative'), { target: { value: 'i1' } });
    await fireEvent.click(screen.getByTestId('enrol-save'));
    expect(await screen.findByText('Allerede tilmeldt.')).toBeInTheDocument();
    await lockAndUnmount();
    expect(store.drafts.map((d) => d.form)).toEqual([`enrol:${P}`]);

    await openProfile();
    await fireEvent.click(await screen.findByTestId('enrol-draft-discard'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.getByTestId('enrol-initiative')).toHaveValue('');
    expect(screen.queryByTestId('enrol-draft')).toBeNull();
  });

  it('opens the end of an enrolment again with its draft end-enrolment:<enrolment id>, and ending it discards the draft', async () => {
    await openProfile();
    await fireEvent.click(screen.getByTestId('enrolment-end'));
    await fireEvent.change(screen.getByTestId('enrolment-end-outcome'), { target: { value: 'job' } });
    await fireEvent.input(screen.getByTestId('enrolment-end-date'), { target: { value: '20-11-2026' } });
    await lockAndUnmount();
    expect(JSON.parse(store.drafts.find((d) => d.form === 'end-enrolment:en1')!.body).form).toEqual({ date: '20-11-2026', outcome: 'job' });

    await openProfile();
    expect(await screen.findByTestId('enrolment-end-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('enrolment-end-date')).toHaveValue('20-11-2026');
    expect(screen.getByTestId('enrolment-end-outcome')).toHaveValue('job');
    await fireEvent.click(screen.getByTestId('enrolment-end-save'));
    await waitFor(() => expect(argsOf('end_enrolment')).toEqual([{ input: { enrolment: 'en1', end: '20-11-2026', outcome: 'job' } }]));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('enrolment-end-date')).toBeNull();
  });

  it('opens the close-case form again with its draft close-case:<id>, and Cancel discards it', async () => {
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-close'));
    await fireEvent.input(screen.getByTestId('profile-close-date'), { target: { value: '24-11-2026' } });
    await lockAndUnmount();
    expect(store.drafts.map((d) => d.form)).toEqual([`close-case:${P}`]);

    await openProfile();
    expect(await screen.findByTestId('profile-close-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('profile-close-date')).toHaveValue('24-11-2026');
    await fireEvent.click(screen.getByTestId('profile-close-cancel'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('profile-close-date')).toBeNull();
    expect(argsOf('close_case')).toEqual([]);
  });

  it('keeps no draft of a form left as it opened, and one as soon as something is typed in it', async () => {
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-close'));
    await fireEvent.click(screen.getByTestId('enrolment-end'));
    await lockAndUnmount();
    expect(store.drafts).toEqual([]);
    expect(argsOf('save_draft')).toEqual([]);

    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-close'));
    await fireEvent.input(screen.getByTestId('profile-close-date'), { target: { value: '20-11-2026' } });
    await lockAndUnmount();
    expect(store.drafts.map((d) => d.form)).toEqual([`close-case:${P}`]);
  });
});

describe('the access extract', () => {
  const lead = () => ({ ...info, settings: { ...info.settings, role: 'team_lead' as const } });

  beforeEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
    calls.length = 0;
    draftStore();
    dialog.seen.length = 0;
    dialog.save = async () => '/home/mette/indsigt.pdf';
    handlers.audit_extract = (a) => ({ path: (a as { request: { path: string } }).request.path, accesses: 17 });
    app.catalogue = catalogue;
  });

  afterEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
  });

  it('is not offered to a caseworker', async () => {
    app.info = info;
    await openProfile();
    expect(screen.queryByRole('button', { name: 'Indsigt i adgange (PDF/CSV)' })).toBeNull();
    expect(screen.queryByTestId('profile-extract')).toBeNull();
  });

  it('asks a team lead where to save it (PDF or CSV), sends the pseudonym and the path, and says how many accesses', async () => {
    app.info = lead();
    await openProfile();
    await fireEvent.click(screen.getByRole('button', { name: 'Indsigt i adgange (PDF/CSV)' }));
    await waitFor(() => expect(argsOf('audit_extract')).toEqual([{ request: { participant: 'D-4821', path: '/home/mette/indsigt.pdf' } }]));
    expect(dialog.seen).toHaveLength(1);
    const filters = (dialog.seen[0] as { filters: { extensions: string[] }[] }).filters.flatMap((f) => f.extensions);
    expect(filters).toEqual(['pdf', 'csv']);
    expect(await screen.findByText('Indsigten er gemt: 17 adgange i /home/mette/indsigt.pdf.')).toBeInTheDocument();
  });

  it('writes nothing when the save dialog is closed, and shows a refusal', async () => {
    app.info = { ...lead(), settings: { ...info.settings, role: 'admin' } };
    dialog.save = async () => null;
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-extract'));
    await waitFor(() => expect(dialog.seen).toHaveLength(1));
    expect(argsOf('audit_extract')).toEqual([]);

    dialog.save = async () => '/home/mette/indsigt.txt';
    handlers.audit_extract = () => {
      throw { code: 'unknown_code', message: 'Filen skal ende på .pdf eller .csv.', field: 'path' };
    };
    await fireEvent.click(screen.getByTestId('profile-extract'));
    expect(await screen.findByTestId('profile-extract-error')).toHaveTextContent('Filen skal ende på .pdf eller .csv.');
  });
});

describe("the citizen's plan and the handover", () => {
  let store: ReturnType<typeof draftStore>;

  beforeEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
    calls.length = 0;
    store = draftStore();
    dialog.seen.length = 0;
    dialog.save = async () => '/home/mette/plan-D-4821.pdf';
    handlers.participant_plan = (a) => (a as { request: { path: string } }).request.path;
    handlers.team_caseworkers = () => ['Mette', 'Anna', 'Bo'];
    handlers.hand_over = (a) => ({ to: (a as { input: { to: string } }).input.to, from: 'Mette' });
    app.info = info;
    app.catalogue = catalogue;
  });

  afterEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
  });

  it('saves the plan where the save dialog says, in the language chosen for the citizen', async () => {
    await openProfile();
    await fireEvent.change(screen.getByTestId('profile-plan-lang'), { target: { value: 'en' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Borgerens plan (PDF)' }));
    await waitFor(() =>
      expect(argsOf('participant_plan')).toEqual([{ request: { participant: P, path: '/home/mette/plan-D-4821.pdf', lang: 'en' } }]),
    );
    const filters = (dialog.seen[0] as { filters: { extensions: string[] }[] }).filters.flatMap((f) => f.extensions);
    expect(filters).toEqual(['pdf']);
    expect(await screen.findByText(/Borgerens plan er gemt i \/home\/mette\/plan-D-4821.pdf/)).toBeInTheDocument();

    dialog.save = async () => null;
    await fireEvent.click(screen.getByTestId('profile-plan'));
    await waitFor(() => expect(dialog.seen).toHaveLength(2));
    expect(argsOf('participant_plan')).toHaveLength(1);
    dialog.save = async () => '/home/mette/plan.pdf';
    handlers.participant_plan = () => {
      throw { code: 'not_your_case', message: 'Sagen er i Bos sagsstamme.', field: null };
    };
    await fireEvent.click(screen.getByTestId('profile-plan'));
    expect(await screen.findByTestId('profile-plan-error')).toHaveTextContent('Sagen er i Bos sagsstamme.');
  });

  it('hands the case to a colleague (never to its own caseworker), keeping what is typed as the draft handover:<id>', async () => {
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-handover'));
    const to = (await screen.findByTestId('handover-to')) as HTMLSelectElement;
    await waitFor(() => expect([...to.options].map((o) => o.value)).toEqual(['', 'Anna', 'Bo']));
    await fireEvent.change(to, { target: { value: 'Bo' } });
    await fireEvent.input(screen.getByTestId('handover-note'), { target: { value: 'Ferie fra 1. december' } });
    await lockAndUnmount();
    expect(JSON.parse(store.drafts.find((d) => d.form === `handover:${P}`)!.body).form).toEqual({ to: 'Bo', note: 'Ferie fra 1. december' });
    expect(document.body.textContent).not.toContain('Ferie');

    await openProfile();
    expect(await screen.findByTestId('handover-draft')).toHaveTextContent('er gendannet');
    await waitFor(() => expect(screen.getByTestId('handover-to')).toHaveValue('Bo'));
    handlers.hand_over = () => {
      throw { code: 'not_in_team', message: 'Bo er ikke i teamet.', field: 'to' };
    };
    await fireEvent.click(screen.getByTestId('handover-save'));
    expect(await screen.findByText('Bo er ikke i teamet.')).toBeInTheDocument();
    expect(screen.getByTestId('handover-note')).toHaveValue('Ferie fra 1. december');

    handlers.hand_over = (a) => ({ to: (a as { input: { to: string } }).input.to, from: 'Mette' });
    await fireEvent.click(screen.getByTestId('handover-save'));
    await waitFor(() =>
      expect(argsOf('hand_over').at(-1)).toEqual({ input: { participant: P, to: 'Bo', note: 'Ferie fra 1. december' }, draft: `handover:${P}` }),
    );
    expect(await screen.findByText('Sagen er overdraget til Bo.', { selector: 'p' })).toBeInTheDocument();
    expect(screen.queryByTestId('handover-form')).toBeNull();
    await waitFor(() => expect(store.drafts).toEqual([]));
  });

  it('merges a duplicate, named by its pseudonym, into the case, and shows a refusal', async () => {
    handlers.merge_cases = () => {
      throw { code: 'not_found', message: 'Ingen sag hedder D-NOPE.', field: null };
    };
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-merge'));
    await fireEvent.input(screen.getByTestId('merge-duplicate'), { target: { value: 'D-NOPE' } });
    await fireEvent.input(screen.getByTestId('merge-reason'), { target: { value: 'registreret to gange' } });
    await fireEvent.click(screen.getByTestId('merge-save'));
    expect(await screen.findByTestId('merge-error')).toHaveTextContent('Ingen sag hedder D-NOPE.');
    expect(screen.getByTestId('merge-reason')).toHaveValue('registreret to gange');

    handlers.merge_cases = () => ({ events: 3, enrolments: 1, notes: 2 });
    await fireEvent.input(screen.getByTestId('merge-duplicate'), { target: { value: 'D-7777' } });
    await fireEvent.click(screen.getByTestId('merge-save'));
    await waitFor(() =>
      expect(argsOf('merge_cases').at(-1)).toEqual({ input: { keep: P, duplicate: 'D-7777', reason: 'registreret to gange' }, draft: `merge:${P}` }),
    );
    expect(await screen.findByText(/3 hændelser, 1 forløb og 2 notater er flyttet/, { selector: 'p' })).toBeInTheDocument();
    expect(screen.queryByTestId('merge-form')).toBeNull();
    await waitFor(() => expect(store.drafts).toEqual([]));
  });

  it('says why when there is no team to hand over to, and offers no one', async () => {
    handlers.team_caseworkers = () => {
      throw { code: 'no_team', message: 'En sag kan kun overdrages i et team.', field: null };
    };
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-handover'));
    expect(await screen.findByTestId('handover-error')).toHaveTextContent('En sag kan kun overdrages i et team.');
    expect(screen.getByTestId('handover-save')).toBeDisabled();
  });
});

/** Each test of the block on a fresh window, drafts store and profile handler. */
function freshProfiles() {
  beforeEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
    calls.length = 0;
    draftStore();
    app.info = info;
    app.catalogue = catalogue;
  });

  afterEach(async () => {
    cleanup();
    await new Promise((r) => setTimeout(r, 0));
    resetDrafts();
    handlers.participant = () => profile;
  });
}

describe('Reopening a case', () => {
  freshProfiles();

  it('offers a closed case to be reopened, reopens it in the core and shows it open again', async () => {
    let closed: string | null = '2026-11-20';
    handlers.participant = () => ({ ...profile, case_closed: closed });
    handlers.reopen_case = () => {
      closed = null;
      return null;
    };
    await openProfile();
    expect(screen.queryByTestId('profile-close')).toBeNull();
    await fireEvent.click(screen.getByTestId('profile-reopen'));
    await waitFor(() => expect(argsOf('reopen_case')).toEqual([{ participant: P }]));
    expect(await screen.findByText('Sagen er åben igen.')).toBeInTheDocument();
    expect(await screen.findByTestId('profile-close')).toBeInTheDocument();
    expect(screen.queryByTestId('profile-reopen')).toBeNull();
  });

  it('says why when the core refuses, and the case stays closed', async () => {
    handlers.participant = () => ({ ...profile, case_closed: '2026-11-20' });
    handlers.reopen_case = () => {
      throw { code: 'not_your_case', message: 'Sagen hører til Bo Testsen.', field: null };
    };
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-reopen'));
    expect(await screen.findByTestId('profile-reopen-error')).toHaveTextContent('Sagen hører til Bo Testsen.');
    expect(screen.getByTestId('profile-reopen')).toBeInTheDocument();
  });
});

describe('Corrections', () => {
  freshProfiles();

  it("corrects an event's date with a reason, and shows the history the core returns", async () => {
    let history: Profile['corrections'] = [];
    handlers.participant = () => ({ ...profile, corrections: history });
    handlers.correct_event = () => {
      history = [{ id: 'c1', target: 'progress_event', target_id: 'e2', kind: 'edit', text: 'rettet 25-11-2026 af Mette: Dato 01-10-2026 → 02-10-2026 (tastefejl)' }];
      return null;
    };
    await openProfile();
    expect(screen.queryByTestId('corrections')).toBeNull();
    await fireEvent.click(screen.getByTestId('event-correct'));
    const date = screen.getByTestId('correct-event-date');
    expect(date).toHaveValue('01-10-2026');
    expect(document.activeElement).toBe(date);
    await fireEvent.input(date, { target: { value: '02-10-2026' } });
    await fireEvent.input(screen.getByTestId('correct-event-reason'), { target: { value: 'tastefejl' } });
    await fireEvent.click(screen.getByTestId('correct-event-save'));
    await waitFor(() => expect(argsOf('correct_event')).toEqual([{ input: { event: 'e2', date: '02-10-2026', reason: 'tastefejl' } }]));
    expect(await screen.findByText('Hændelsen er rettet.')).toBeInTheDocument();
    expect(await screen.findByTestId('corrections')).toHaveTextContent('rettet 25-11-2026 af Mette: Dato 01-10-2026 → 02-10-2026 (tastefejl)');
    expect(screen.queryByTestId('correct-event-form')).toBeNull();
  });

  it('removes an event only with a reason: the refusal stands beside the reason, and the draft is kept', async () => {
    handlers.remove_event = (args: Record<string, unknown>) => {
      const input = args.input as { reason: string };
      if (!input.reason.trim()) throw { code: 'required', message: 'Udfyld Begrundelse.', field: 'reason' };
      return null;
    };
    await openProfile();
    await fireEvent.click(screen.getByTestId('event-correct'));
    await fireEvent.click(screen.getByTestId('correct-event-remove'));
    const reason = screen.getByTestId('correct-event-reason');
    expect(await screen.findByText('Udfyld Begrundelse.')).toBeInTheDocument();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.input(reason, { target: { value: 'forkert borger' } });
    await fireEvent.click(screen.getByTestId('correct-event-remove'));
    await waitFor(() => expect(argsOf('remove_event').at(-1)).toEqual({ input: { id: 'e2', reason: 'forkert borger' } }));
    expect(await screen.findByText('Hændelsen er fjernet.')).toBeInTheDocument();
  });

  it("corrects the participant's details from a form filled with what the case has, and shows the core's warnings", async () => {
    handlers.edit_participant = () => ['CPR-nummeret består ikke modulus 11-kontrollen.'];
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-edit'));
    const name = screen.getByTestId('edit-participant-name');
    expect(name).toHaveValue('Zainab Testdatter');
    expect(screen.getByTestId('edit-participant-arrival')).toHaveValue('01-05-2024');
    expect(screen.getByTestId('edit-participant-cpr')).toHaveValue('010190-1234');
    await fireEvent.input(name, { target: { value: 'Zainab Testdatter Ali' } });
    await fireEvent.click(screen.getByTestId('edit-participant-save'));
    await waitFor(() => expect(argsOf('edit_participant')).toHaveLength(1));
    const sent = argsOf('edit_participant')[0].input as { participant: string; details: Record<string, string>; reason: string };
    expect(sent.participant).toBe(P);
    expect(sent.details.name).toBe('Zainab Testdatter Ali');
    expect(sent.details.programme_start).toBe('01-03-2025');
    expect(await screen.findByTestId('correction-warnings')).toHaveTextContent('modulus 11');
    expect(screen.queryByTestId('edit-participant-form')).toBeNull();
  });

  it('keeps a correction of the details as the draft edit-participant:<id> and opens it again', async () => {
    await openProfile();
    await fireEvent.click(screen.getByTestId('profile-edit'));
    await fireEvent.input(screen.getByTestId('edit-participant-reason'), { target: { value: 'stavefejl' } });
    await lockAndUnmount();
    expect(saved(`edit-participant:${P}`).at(-1)).toContain('stavefejl');
    await openProfile();
    const reason = await screen.findByTestId('edit-participant-reason');
    await waitFor(() => expect(reason).toHaveValue('stavefejl'));
    await fireEvent.click(screen.getByTestId('edit-participant-cancel'));
    await waitFor(() => expect(argsOf('discard_draft')).toContainEqual({ form: `edit-participant:${P}` }));
  });

  it('corrects an enrolment (an empty outcome is sent as none) and removes one', async () => {
    handlers.edit_enrolment = () => null;
    handlers.remove_enrolment = () => null;
    await openProfile();
    await fireEvent.click(screen.getByTestId('enrolment-edit'));
    const start = screen.getByTestId('edit-enrolment-start');
    expect(start).toHaveValue('01-10-2026');
    await fireEvent.input(start, { target: { value: '02-10-2026' } });
    await fireEvent.click(screen.getByTestId('edit-enrolment-save'));
    await waitFor(() =>
      expect(argsOf('edit_enrolment')).toEqual([{ input: { enrolment: 'en1', start: '02-10-2026', end: '', outcome: null, reason: '' } }]),
    );
    expect(await screen.findByText('Forløbet er rettet.')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('enrolment-edit'));
    await fireEvent.input(screen.getByTestId('edit-enrolment-reason'), { target: { value: 'aldrig startet' } });
    await fireEvent.click(screen.getByTestId('edit-enrolment-remove'));
    await waitFor(() => expect(argsOf('remove_enrolment')).toEqual([{ input: { id: 'en1', reason: 'aldrig startet' } }]));
    expect(await screen.findByText('Forløbet er fjernet.')).toBeInTheDocument();

    const axe = (await import('axe-core')).default;
    await fireEvent.click(screen.getByTestId('event-correct'));
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.map((v) => v.id)).toEqual([]);
  });
});

describe('Journal notes', () => {
  freshProfiles();

  it('writes a note on an event with its draft, and shows it with the earlier versions of a corrected one', async () => {
    let notes: Profile['notes'] = [];
    handlers.participant = () => ({ ...profile, notes });
    handlers.write_note = () => {
      notes = [
        {
          id: 'n2',
          event: 'e2',
          text: 'Tolk på somali; aftalt praktik.',
          written_by: 'Mette',
          written_at: '2026-11-25T10:00:00Z',
          earlier: [{ id: 'n1', text: 'Tolk på arabisk; aftalt praktik.', written_by: 'Mette', written_at: '2026-11-24T10:00:00Z' }],
        },
      ];
      return 'n2';
    };
    await openProfile();
    expect(screen.getByTestId('notes')).toHaveTextContent('Ingen notater endnu.');
    await fireEvent.click(screen.getByTestId('note-new'));
    expect(document.activeElement).toBe(screen.getByTestId('note-text'));
    await fireEvent.change(screen.getByTestId('note-event'), { target: { value: 'e2' } });
    await fireEvent.input(screen.getByTestId('note-text'), { target: { value: 'Tolk på somali; aftalt praktik.' } });
    await waitFor(() => expect(saved(`note:${P}`).length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId('note-save'));
    await waitFor(() =>
      expect(argsOf('write_note')).toEqual([
        { input: { participant: P, event: 'e2', replaces: '', text: 'Tolk på somali; aftalt praktik.' }, draft: `note:${P}` },
      ]),
    );
    expect(await screen.findByText('Notatet er gemt.')).toBeInTheDocument();
    const list = screen.getByTestId('notes');
    expect(list).toHaveTextContent('Tolk på somali');
    expect(list).toHaveTextContent('om Tilbud startet 01-10-2026');
    expect(screen.getByTestId('note-history')).toHaveTextContent('Tolk på arabisk');
  });

  it('corrects a note as a new version that replaces it, and says why the core refuses', async () => {
    handlers.participant = () => ({
      ...profile,
      notes: [{ id: 'n1', event: null, text: 'Første udgave', written_by: 'Mette', written_at: '2026-11-24T10:00:00Z', earlier: [] }],
    });
    handlers.write_note = () => {
      throw { code: 'note_not_current', message: 'Notatet er allerede rettet af en nyere version.', field: null };
    };
    await openProfile();
    await fireEvent.click(screen.getByTestId('note-correct'));
    const text = screen.getByTestId('note-text');
    expect(text).toHaveValue('Første udgave');
    await fireEvent.input(text, { target: { value: 'Anden udgave' } });
    await fireEvent.click(screen.getByTestId('note-save'));
    expect(await screen.findByTestId('note-error')).toHaveTextContent('nyere version');
    expect(argsOf('write_note')[0]).toEqual({ input: { participant: P, event: '', replaces: 'n1', text: 'Anden udgave' }, draft: 'note:n1' });
    expect(text).toHaveValue('Anden udgave');
  });
});
