import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Worklist } from '../lib/bindings/Worklist';
import { argsOf, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const Today = (await import('./Today.svelte')).default;

const item = (over: Partial<Worklist['overdue'][number]>): Worklist['overdue'][number] => ({
  participant: 'p1',
  pseudonym: 'D-AAAA1111',
  name: 'Bo Testesen',
  caseworker: 'Mette',
  title: 'Integrationskontrakt',
  kind: 'contract',
  due: '2026-11-01',
  done: 0,
  needed: 1,
  days_overdue: 24,
  illustrative: false,
  ...over,
});

const mine: Worklist = {
  today: '2026-11-25',
  caseworker: 'Mette',
  no_contact_days: 60,
  overdue: [item({})],
  this_week: [item({ participant: 'p2', pseudonym: 'D-BBBB2222', name: 'Cem Testesen', due: '2026-11-28', days_overdue: -3 })],
  upcoming_conversations: [
    item({ participant: 'p2', pseudonym: 'D-BBBB2222', name: 'Cem Testesen', title: 'Næste samtale', kind: 'conversation', due: '2026-12-15', days_overdue: -20, illustrative: true }),
  ],
  without_contact: [{ participant: 'p3', pseudonym: 'D-CCCC3333', name: 'Dina Testesen', caseworker: 'Mette', last_event: null }],
  drafts: [{ form: 'progress', saved_at: '2026-11-25T08:00:00Z' }],
  workload: [],
  may_choose: false,
};

beforeEach(() => {
  reset();
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  nav.screen = 'today';
  nav.params = {};
  nav.logProgress = { open: false, participant: '', type: '' };
  handlers.worklist = () => mine;
});

afterEach(() => cleanup());

describe('the worklist', () => {
  it("shows the core's lists, each line one click from its profile, and logs with the type it asks for", async () => {
    render(Today);
    const overdue = await screen.findByTestId('today-overdue');
    expect(overdue).toHaveTextContent('Bo Testesen');
    expect(overdue).toHaveTextContent('24 dage over fristen 01-11-2026');
    expect(screen.getByTestId('today-this-week')).toHaveTextContent('frist 28-11-2026');
    expect(screen.getByTestId('today-upcoming')).toHaveTextContent('Næste samtale');
    expect(screen.getByTestId('today-upcoming')).toHaveTextContent('(illustrativ regel)');
    expect(screen.getByTestId('today-quiet')).toHaveTextContent('Dina Testesen');
    expect(screen.getByTestId('today-quiet')).toHaveTextContent('ingen kontakt registreret');
    expect(screen.getByTestId('today-drafts')).toHaveTextContent('Registrering af fremskridt');
    expect(screen.queryByTestId('today-workload')).toBeNull();
    expect(screen.queryByTestId('today-whose')).toBeNull();
    expect(argsOf('worklist')[0]).toEqual({ caseworker: '', team: false });

    // The contract: logged as a contract signed; the conversation as a conversation.
    await fireEvent.click(within(overdue).getByTestId('today-log'));
    expect(nav.logProgress).toEqual({ open: true, participant: 'p1', type: 'contract_signed' });
    const upcoming = screen.getByTestId('today-upcoming');
    await fireEvent.keyDown(within(upcoming).getByTestId('today-open'), { key: 'r' });
    expect(nav.logProgress).toEqual({ open: true, participant: 'p2', type: 'conversation' });
    // One click to the profile.
    await fireEvent.click(within(overdue).getByTestId('today-open'));
    expect(nav.screen).toBe('profile');
    expect(nav.params).toEqual({ id: 'p1' });
  });

  it("lets a team lead see the team's worklist with the workload, and a caseworker's", async () => {
    handlers.worklist = (a) =>
      a.team
        ? { ...mine, caseworker: null, may_choose: true, workload: [{ caseworker: 'Mette', open_cases: 3, overdue: 1 }, { caseworker: 'Bo', open_cases: 2, overdue: 0 }] }
        : { ...mine, may_choose: true, workload: a.caseworker ? [] : [{ caseworker: 'Mette', open_cases: 3, overdue: 1 }] };
    render(Today);
    const whose = await screen.findByTestId('today-whose');
    await fireEvent.change(whose, { target: { value: '*' } });
    await waitFor(() => expect(argsOf('worklist').at(-1)).toEqual({ caseworker: '', team: true }));
    const workload = await screen.findByTestId('today-workload');
    expect(workload).toHaveTextContent('Bo');
    await fireEvent.click(within(workload).getByRole('button', { name: 'Bo' }));
    await waitFor(() => expect(argsOf('worklist').at(-1)).toEqual({ caseworker: 'Bo', team: false }));
  });

  it('says why when the core refuses', async () => {
    handlers.worklist = () => {
      throw { code: 'forbidden', message: 'Du har ikke adgang.', field: null };
    };
    render(Today);
    expect(await screen.findByRole('alert')).toHaveTextContent('Du har ikke adgang.');
  });

  it('passes axe at every impact level', async () => {
    render(Today);
    await screen.findByTestId('today-overdue');
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.map((v) => v.id)).toEqual([]);
  });
});

describe('the landing page', () => {
  it("is a caseworker's worklist and a team lead's or an admin's overview", async () => {
    const { landing } = await import('../lib/session.svelte');
    for (const [role, screen] of [
      ['caseworker', 'today'],
      ['team_lead', 'overview'],
      ['admin', 'overview'],
    ] as const) {
      app.info = { ...info, settings: { ...info.settings, role } };
      expect(landing()).toBe(screen);
    }
  });
});
