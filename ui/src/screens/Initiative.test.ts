import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { InitiativeDetail } from '../lib/bindings/InitiativeDetail';
import type { GoalDetail } from '../lib/bindings/GoalDetail';
import { argsOf, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');
const Initiative = (await import('./Initiative.svelte')).default;

const detail: InitiativeDetail = {
  row: {
    id: 'i1',
    title: 'Sprogcafé Nord',
    kind: 'danskuddannelse',
    owner: 'Team Nord',
    start: '2026-01-01',
    end: null,
    status: 'active',
    capacity: 20,
    goals: [],
    enrolled_now: 0,
    enrolled_total: 0,
  },
  description: 'Dansk i hverdagen',
  goals: [],
  enrolments: [],
  participants: 0,
  ended: 0,
  completed_or_better: 0,
  dropped_out: 0,
  to_job_or_education: 0,
};

const goals: GoalDetail[] = [{ id: 'g1', key: 'job', title: 'Selvforsørgelse', description: '', indicators: [], initiatives: [] }];

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.goals = () => goals;
  handlers.initiative = () => detail;
  handlers.save_initiative = (a) => ((a.input as { id: string | null }).id ?? 'i9');
  handlers.link_initiative = () => null;
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  nav.screen = 'initiative';
  nav.params = {};
});

afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

function saved(form: string): string[] {
  return argsOf('save_draft')
    .filter((a) => a.form === form)
    .map((a) => String(a.body));
}

/** What the lock does: the drafts flushed, then the screen unmounted. */
async function lock() {
  const flushing = flushDrafts();
  cleanup();
  expect(await flushing).toBe(0);
}

describe('the initiative form', () => {
  it('saves a new initiative as typed in the draft initiative:new, a lock flushes it, reopening restores it, and saving discards it', async () => {
    render(Initiative);
    const title = await screen.findByTestId('initiative-title');
    await fireEvent.input(title, { target: { value: 'Jobcafé Syd' } });
    await waitFor(() => expect(saved('initiative:new').some((b) => b.includes('Jobcafé Syd'))).toBe(true));

    await fireEvent.input(screen.getByTestId('initiative-owner'), { target: { value: 'Team Syd' } });
    await lock();
    expect(JSON.parse(store.drafts.find((d) => d.form === 'initiative:new')!.body).form).toMatchObject({
      id: null,
      title: 'Jobcafé Syd',
      owner: 'Team Syd',
    });

    render(Initiative);
    expect(await screen.findByTestId('initiative-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('initiative-title')).toHaveValue('Jobcafé Syd');
    expect(screen.getByTestId('initiative-owner')).toHaveValue('Team Syd');

    await fireEvent.click(screen.getByTestId('initiative-save'));
    await waitFor(() => expect(argsOf('save_initiative')).toHaveLength(1));
    expect(argsOf('save_initiative')[0].input).toMatchObject({ id: null, title: 'Jobcafé Syd', owner: 'Team Syd' });
    await waitFor(() => expect(argsOf('discard_draft')).toContainEqual({ form: 'initiative:new' }));
    expect(store.drafts).toEqual([]);
    expect(nav.params).toEqual({ id: 'i9' });
  });

  it('opens an initiative in its form again when a draft initiative:<id> is kept, and Cancel discards it', async () => {
    render(Initiative, { props: { id: 'i1' } });
    await fireEvent.click(await screen.findByTestId('initiative-edit'));
    await fireEvent.input(screen.getByTestId('initiative-description'), { target: { value: 'Dansk i hverdagen, to gange om ugen' } });
    await lock();
    expect(store.drafts.map((d) => d.form)).toEqual(['initiative:i1']);

    render(Initiative, { props: { id: 'i1' } });
    expect(await screen.findByTestId('initiative-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('initiative-description')).toHaveValue('Dansk i hverdagen, to gange om ugen');
    expect(screen.getByTestId('initiative-title')).toHaveValue('Sprogcafé Nord');
    await fireEvent.click(screen.getByTestId('initiative-cancel'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('initiative-title')).toBeNull();
    expect(argsOf('save_initiative')).toEqual([]);
  });

  it('saves an edited initiative and discards its draft; an edit left as it opened keeps none', async () => {
    render(Initiative, { props: { id: 'i1' } });
    await fireEvent.click(await screen.findByTestId('initiative-edit'));
    await lock();
    expect(store.drafts).toEqual([]);

    render(Initiative, { props: { id: 'i1' } });
    await fireEvent.click(await screen.findByTestId('initiative-edit'));
    await fireEvent.input(screen.getByTestId('initiative-capacity'), { target: { value: '25' } });
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual(['initiative:i1']));
    await fireEvent.click(screen.getByTestId('initiative-save'));
    await waitFor(() => expect(argsOf('save_initiative')).toHaveLength(1));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('initiative-title')).toBeNull();
  });

  it('keeps the link to a goal as the draft link-goal:<id> and discards it once linked', async () => {
    render(Initiative, { props: { id: 'i1' } });
    await screen.findByTestId('initiative-goals');
    await fireEvent.change(screen.getByTestId('initiative-link-goal'), { target: { value: 'job' } });
    await fireEvent.input(screen.getByTestId('initiative-link-contribution'), { target: { value: 'Flere i job' } });
    await lock();
    expect(JSON.parse(store.drafts.find((d) => d.form === 'link-goal:i1')!.body).form).toEqual({ goal: 'job', contribution: 'Flere i job' });

    render(Initiative, { props: { id: 'i1' } });
    expect(await screen.findByTestId('initiative-link-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('initiative-link-goal')).toHaveValue('job');
    expect(screen.getByTestId('initiative-link-contribution')).toHaveValue('Flere i job');
    await fireEvent.click(screen.getByTestId('initiative-link-save'));
    await waitFor(() => expect(argsOf('link_initiative')).toEqual([{ initiative: 'i1', goal: 'job', contribution: 'Flere i job' }]));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('initiative-link-draft')).toBeNull();
  });
});

describe('unlinking a goal', () => {
  it('removes the link in the core and shows the initiative without it; a refusal is said', async () => {
    let linked = true;
    handlers.initiative = () => ({
      ...detail,
      goals: linked ? [{ goal_id: 'g1', goal_title: 'Selvforsørgelse', contribution: 'Flere i job' }] : [],
    });
    handlers.unlink_initiative = () => {
      linked = false;
      return null;
    };
    render(Initiative, { props: { id: 'i1' } });
    const button = await screen.findByRole('button', { name: 'Fjern koblingen til Selvforsørgelse' });
    await fireEvent.click(button);
    await waitFor(() => expect(argsOf('unlink_initiative')).toEqual([{ initiative: 'i1', goal: 'g1' }]));
    expect(await screen.findByText('Indsatsen er ikke knyttet til et mål endnu.')).toBeInTheDocument();

    linked = true;
    handlers.unlink_initiative = () => {
      throw { code: 'not_found', message: 'Der findes ingen kobling til målet.', field: null };
    };
    cleanup();
    render(Initiative, { props: { id: 'i1' } });
    await fireEvent.click(await screen.findByTestId('initiative-unlink'));
    expect(await screen.findByTestId('initiative-unlink-error')).toHaveTextContent('Der findes ingen kobling til målet.');
  });
});
