import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { argsOf, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, heldCount, resetDrafts, storeOf, takeHeld } = await import('../lib/drafts.svelte');
const Participants = (await import('./Participants.svelte')).default;

const KEY = 'participant:new';
let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.find_participants = () => [];
  handlers.add_participant = () => ({ id: 'p9', pseudonym: 'D-9999', warnings: [] });
  setLang('da');
  app.info = info;
  app.catalogue = catalogue;
  nav.screen = 'participants';
  nav.params = {};
  nav.history = [];
});

afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

function saved(): string[] {
  return argsOf('save_draft')
    .filter((a) => a.form === KEY)
    .map((a) => String(a.body));
}

async function typeNew() {
  render(Participants);
  await fireEvent.click(screen.getByTestId('participant-new'));
  await fireEvent.input(screen.getByTestId('participant-name'), { target: { value: 'Amina Testsen' } });
  await fireEvent.input(screen.getByTestId('participant-cpr'), { target: { value: '020292-1234' } });
}

/** What the lock does: the drafts flushed, then the screen unmounted. */
async function lock(): Promise<number> {
  const flushing = flushDrafts();
  cleanup();
  return flushing;
}

describe('the new-participant form', () => {
  it('saves what is typed as the draft participant:new, a lock flushes it, reopening restores it, and saving discards it', async () => {
    await typeNew();
    await waitFor(() => expect(saved().some((b) => b.includes('Amina Testsen'))).toBe(true));

    await fireEvent.input(screen.getByTestId('participant-birth-year'), { target: { value: '1992' } });
    expect(await lock()).toBe(0);
    const body = JSON.parse(store.drafts.find((d) => d.form === KEY)!.body);
    expect(body.form).toMatchObject({ name: 'Amina Testsen', cpr: '020292-1234', birth_year: '1992' });

    // Opened again: the form is open with what was typed, and says so.
    render(Participants);
    expect(await screen.findByTestId('participant-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('participant-name')).toHaveValue('Amina Testsen');
    expect(screen.getByTestId('participant-cpr')).toHaveValue('020292-1234');
    expect(screen.getByTestId('participant-birth-year')).toHaveValue('1992');

    await fireEvent.click(screen.getByTestId('participant-save'));
    await waitFor(() => expect(argsOf('add_participant')).toHaveLength(1));
    expect(argsOf('add_participant')[0].input).toMatchObject({ name: 'Amina Testsen', birth_year: '1992' });
    await waitFor(() => expect(argsOf('discard_draft')).toContainEqual({ form: KEY }));
    expect(store.drafts).toEqual([]);
    expect(nav.screen).toBe('profile');
    expect(nav.params).toEqual({ id: 'p9' });
  });

  it('discards the draft once the participant is added, also when the core has warnings', async () => {
    handlers.add_participant = () => ({ id: 'p9', pseudonym: 'D-9999', warnings: ['Født for over 60 år siden.'] });
    await typeNew();
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual([KEY]));
    await fireEvent.click(screen.getByTestId('participant-save'));
    expect(await screen.findByTestId('participant-warnings')).toBeInTheDocument();
    await waitFor(() => expect(store.drafts).toEqual([]));
    // Locked with the warnings shown: nothing to keep (the participant exists).
    expect(await lock()).toBe(0);
    expect(store.drafts).toEqual([]);
  });

  it('Cancel discards the draft; an untouched form keeps none', async () => {
    await typeNew();
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual([KEY]));
    await fireEvent.click(screen.getByTestId('participant-cancel'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('participant-form')).toBeNull();

    await fireEvent.click(screen.getByTestId('participant-new'));
    expect(await lock()).toBe(0);
    expect(store.drafts).toEqual([]);
    render(Participants);
    await waitFor(() => expect(argsOf('drafts').length).toBeGreaterThan(0));
    expect(screen.queryByTestId('participant-form')).toBeNull();
  });

  it('holds a draft the store refuses without the name and the CPR number, and takes it back', async () => {
    await typeNew();
    await fireEvent.input(screen.getByTestId('participant-birth-year'), { target: { value: '1992' } });
    handlers.save_draft = () => {
      throw { code: 'storage', message: 'Datalageret svarer ikke.', field: null };
    };
    expect(await lock()).toBe(1);
    const where = storeOf(app.info);
    expect(heldCount(where)).toBe(1);
    const body = takeHeld(KEY, where)!;
    expect(body).not.toContain('Amina');
    expect(body).not.toContain('020292');
    // Back where it was, then the form opens again after unlock.
    const { hold } = await import('../lib/drafts.svelte');
    hold({ form: KEY, body, store: where });
    store = draftStore();
    render(Participants);
    expect(await screen.findByTestId('participant-draft')).toHaveTextContent('vinduet bevarede den');
    expect(screen.getByTestId('participant-draft')).toHaveTextContent('skriv dem igen');
    expect(screen.getByTestId('participant-birth-year')).toHaveValue('1992');
    expect(screen.getByTestId('participant-name')).toHaveValue('');
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual([KEY]));
    expect(heldCount(where)).toBe(0);
  });
});

describe('a possible duplicate', () => {
  it('offers the existing case the core names, or registers anyway once confirmed as another person', async () => {
    handlers.add_participant = (a) => {
      const input = a.input as { not_a_duplicate: boolean };
      if (!input.not_a_duplicate) {
        throw { code: 'possible_duplicate', message: 'Der findes allerede en sag med samme navn og fødselsår: D-AAAA1111.', field: 'name', about: 'p-old' };
      }
      return { id: 'p-new', pseudonym: 'D-BBBB2222', warnings: [] };
    };
    render(Participants);
    await fireEvent.click(await screen.findByTestId('participant-new'));
    await fireEvent.input(screen.getByTestId('participant-name'), { target: { value: 'Amina Testesen' } });
    await fireEvent.input(screen.getByTestId('participant-birth-year'), { target: { value: '1990' } });
    await fireEvent.click(screen.getByTestId('participant-save'));
    expect(await screen.findByTestId('participant-duplicate')).toHaveTextContent('D-AAAA1111');
    expect(document.activeElement).toBe(screen.getByTestId('participant-duplicate-open'));
    await fireEvent.click(screen.getByTestId('participant-not-a-duplicate'));
    await waitFor(() => expect(argsOf('add_participant')).toHaveLength(2));
    expect((argsOf('add_participant')[1].input as { not_a_duplicate: boolean }).not_a_duplicate).toBe(true);
    await waitFor(() => expect(nav.screen).toBe('profile'));
    expect(nav.params).toEqual({ id: 'p-new' });
  });

  it('opens the case with the same CPR number instead, and offers no way around it', async () => {
    handlers.add_participant = () => {
      throw { code: 'duplicate_cpr', message: 'CPR-nummeret er allerede registreret på sagen D-CCCC3333.', field: 'cpr', about: 'p-cpr' };
    };
    render(Participants);
    await fireEvent.click(await screen.findByTestId('participant-new'));
    await fireEvent.input(screen.getByTestId('participant-name'), { target: { value: 'Bo Testesen' } });
    await fireEvent.click(screen.getByTestId('participant-save'));
    expect(await screen.findByTestId('participant-duplicate')).toHaveTextContent('D-CCCC3333');
    expect(screen.queryByTestId('participant-not-a-duplicate')).toBeNull();
    await fireEvent.click(screen.getByTestId('participant-duplicate-open'));
    expect(nav.screen).toBe('profile');
    expect(nav.params).toEqual({ id: 'p-cpr' });
  });
});
