import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { argsOf, count, draftStore, handlers, reset } from '../test-tauri';
import type { AuditEntry } from '../lib/bindings/AuditEntry';
import type { AuditCheck } from '../lib/bindings/AuditCheck';
import type { DeviceLog } from '../lib/bindings/DeviceLog';
import type { ReviewItem } from '../lib/bindings/ReviewItem';
import type { ReviewInput } from '../lib/bindings/ReviewInput';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');
const Audit = (await import('./Audit.svelte')).default;

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  handlers.audit_log = () => [];
  setLang('da');
  app.info = { ...info, settings: { ...info.settings, role: 'team_lead' } };
  app.catalogue = catalogue;
  nav.params = {};
});

afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

async function lock() {
  const flushing = flushDrafts();
  cleanup();
  expect(await flushing).toBe(0);
}

describe('the audit log\'s filters', () => {
  it('are the draft audit-filter: a lock keeps them, leaving the screen clears them', async () => {
    nav.screen = 'audit';
    render(Audit);
    await fireEvent.input(await screen.findByTestId('audit-user'), { target: { value: 'jonas' } });
    await lock();
    expect(store.drafts.map((d) => d.form)).toEqual(['audit-filter']);

    render(Audit);
    expect(await screen.findByTestId('audit-filter-draft')).toHaveTextContent('Filtrene fra før er sat igen.');
    expect(screen.getByTestId('audit-user')).toHaveValue('jonas');
    await waitFor(() => expect(argsOf('audit_log').at(-1)).toMatchObject({ query: { user: 'jonas' } }));

    // Another screen: the filters go.
    nav.screen = 'overview';
    cleanup();
    await waitFor(() => expect(store.drafts).toEqual([]));
  });
});

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  device: 'dev-own',
  device_name: null,
  own: true,
  seq: 1,
  at: '2026-11-20T09:15:00Z',
  user: 'mette',
  role: 'caseworker',
  action: 'participant.read',
  subject: 'D-1A2B3C4D',
  purpose: 'sagsbehandling',
  detail: '',
  ...over,
});

describe('the audit log\'s list', () => {
  it('sends the filters as the query: person, citizen, action, from and to', async () => {
    handlers.audit_log = () => [entry(), entry({ device: 'dev-a', device_name: 'Ahmeds bærbare', own: false, seq: 1, user: 'ahmed' })];
    render(Audit);
    await waitFor(() => expect(argsOf('audit_log')).toHaveLength(1));
    await fireEvent.input(screen.getByLabelText('Bruger'), { target: { value: 'ahmed' } });
    await fireEvent.input(screen.getByLabelText('Borger'), { target: { value: 'D-1A2B3C4D' } });
    await fireEvent.input(screen.getByLabelText('Handling'), { target: { value: 'participant.' } });
    await fireEvent.input(screen.getByLabelText('Fra dato'), { target: { value: '2026-11-01' } });
    await fireEvent.input(screen.getByLabelText('Til og med dato'), { target: { value: '2026-11-30' } });
    expect(screen.getByTestId('audit-from')).toHaveAttribute('type', 'date');
    await fireEvent.click(screen.getByTestId('audit-search'));
    await waitFor(() => expect(argsOf('audit_log')).toHaveLength(2));
    expect(argsOf('audit_log')[1]).toEqual({
      query: { user: 'ahmed', citizen: 'D-1A2B3C4D', action: 'participant.', from: '2026-11-01', to: '2026-11-30', limit: 500 },
    });

    // The rows, with the computer whose log holds each: this one, or its name on the roster.
    const table = await screen.findByTestId('audit-rows');
    const body = within(table).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(body).toHaveLength(2);
    expect(body[0]).toContain('denne computer');
    expect(body[1]).toContain('Ahmeds bærbare');
    expect(body[1]).not.toContain('denne computer');
    expect(body[0]).toContain('D-1A2B3C4D');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(
      expect.arrayContaining(['Tid', 'Computer', 'Bruger', 'Rolle', 'Handling', 'Borger eller emne', 'Formål']),
    );
  });

  it('shows the core\'s refusal of a filter beside that filter', async () => {
    handlers.audit_log = (a) => {
      const q = (a as { query: { citizen: string } }).query;
      if (q.citizen) throw { code: 'citizen_ambiguous', message: 'Navnet passer på flere personer.', field: 'citizen' };
      return [];
    };
    render(Audit);
    await fireEvent.input(await screen.findByLabelText('Borger'), { target: { value: 'Ali' } });
    await fireEvent.click(screen.getByTestId('audit-search'));
    expect(await screen.findByText('Navnet passer på flere personer.')).toBeInTheDocument();
    expect(screen.getByTestId('audit-citizen')).toHaveAttribute('aria-invalid', 'true');
  });
});

const device = (over: Partial<DeviceLog> = {}): DeviceLog => ({
  device: 'dev-b',
  name: 'Sofies bærbare',
  user: 'sofie',
  rows: 12,
  first_seq: 1,
  last_seq: 12,
  received_at: '2026-11-24T08:00:00Z',
  problem: null,
  problem_seq: null,
  ...over,
});

describe('checking the log', () => {
  it('shows a computer whose log was changed as an alert, and one that holds as holding', async () => {
    handlers.audit_verify = () =>
      ({
        ok: false,
        own_rows: 42,
        devices: [device({ device: 'dev-a', name: 'Ahmeds bærbare', user: 'ahmed', problem: 'changed', problem_seq: 7 }), device()],
      }) satisfies AuditCheck;
    render(Audit);
    expect(screen.queryByTestId('audit-verify-result')).toBeNull();
    await fireEvent.click(await screen.findByRole('button', { name: 'Kontrollér logningen' }));
    expect(argsOf('audit_verify')).toEqual([{}]);
    expect(await screen.findByTestId('audit-verify-own')).toHaveTextContent('42 poster');

    const [bad, good] = screen.getAllByTestId('audit-device');
    const alert = within(bad).getByRole('alert');
    expect(alert).toHaveTextContent('Ahmeds bærbare (ahmed)');
    expect(alert).toHaveTextContent('post nr. 7');
    expect(alert).toHaveTextContent('De modtagne poster er bevaret');
    expect(alert).toHaveTextContent('Kontakt IT');
    expect(within(bad).queryByText('Kæden holder.')).toBeNull();

    expect(good).toHaveTextContent('Sofies bærbare (sofie)');
    expect(within(good).getByTestId('audit-device-ok')).toHaveTextContent('Kæden holder.');
    expect(within(good).queryByRole('alert')).toBeNull();
  });

  it('says so in English, and shows a refusal of this computer\'s own chain', async () => {
    setLang('en');
    handlers.audit_verify = () => ({ ok: true, own_rows: 3, devices: [device({ problem: 'broken', problem_seq: 4 })] });
    render(Audit);
    await fireEvent.click(await screen.findByRole('button', { name: 'Check the log' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sofies bærbare (sofie)');
    expect(screen.getByRole('alert')).toHaveTextContent('entry no. 4');
    expect(screen.getByRole('alert')).toHaveTextContent('Contact IT');

    handlers.audit_verify = () => {
      throw { code: 'audit_tampered', message: 'The log on this computer has been changed.', field: null };
    };
    await fireEvent.click(screen.getByRole('button', { name: 'Check the log' }));
    expect(await screen.findByTestId('audit-verify-error')).toHaveTextContent('The log on this computer has been changed.');
    expect(screen.queryByTestId('audit-verify-result')).toBeNull();
  });
});

const item = (id: string, over: Partial<ReviewItem> = {}, access: Partial<AuditEntry> = {}): ReviewItem => ({
  id,
  access: entry(access),
  outcome: null,
  note: '',
  reviewer: null,
  reviewed_at: null,
  ...over,
});

describe('the monthly review', () => {
  beforeEach(() => {
    handlers.audit_sample = (a) => ({
      month: (a as { month: string }).month || '2026-10',
      drawn_now: count('audit_sample') === 1,
      items: [item('r1', {}, { user: 'ahmed', seq: 3 }), item('r2', {}, { user: 'sofie', seq: 4, subject: 'D-99999999' })],
    });
    handlers.audit_review = (a) => {
      const input = (a as { input: ReviewInput }).input;
      return item(input.id, {
        outcome: input.question ? 'questioned' : 'ok',
        note: input.question ?? '',
        reviewer: 'mette',
        reviewed_at: '2026-11-25T10:00:00Z',
      });
    };
  });

  it('draws the sample for a month, says whether it was drawn now, and marks an access reviewed', async () => {
    render(Audit);
    const month = await screen.findByLabelText('Måned');
    expect(month).toHaveAttribute('type', 'month');
    expect(month).toHaveValue('');
    await fireEvent.click(screen.getByRole('button', { name: 'Hent stikprøven' }));
    expect(await screen.findByTestId('audit-sample-status')).toHaveTextContent('Stikprøven for 2026-10 er trukket nu: 2 adgange.');
    expect(argsOf('audit_sample')).toEqual([{ month: '' }]);

    await fireEvent.input(month, { target: { value: '2026-09' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Hent stikprøven' }));
    await waitFor(() => expect(screen.getByTestId('audit-sample-status')).toHaveTextContent('Stikprøven for 2026-09 blev trukket tidligere'));
    expect(argsOf('audit_sample')[1]).toEqual({ month: '2026-09' });

    const rows = screen.getAllByTestId('audit-review-item');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('ahmed');
    expect(rows[0]).toHaveTextContent('participant.read');
    expect(rows[0]).toHaveTextContent('sagsbehandling');
    expect(within(rows[0]).getByTestId('audit-review-outcome')).toHaveTextContent('Ikke gennemgået');

    await fireEvent.click(within(rows[0]).getByTestId('audit-review-ok'));
    await waitFor(() => expect(argsOf('audit_review')).toEqual([{ input: { id: 'r1', question: null, note: '' } }]));
    await waitFor(() => expect(within(screen.getAllByTestId('audit-review-item')[0]).getByTestId('audit-review-outcome')).toHaveTextContent('I orden'));
    expect(within(screen.getAllByTestId('audit-review-item')[0]).getByTestId('audit-review-outcome')).toHaveTextContent('mette');
    expect(within(screen.getAllByTestId('audit-review-item')[1]).getByTestId('audit-review-outcome')).toHaveTextContent('Ikke gennemgået');
  });

  it('questions an access only with a reason, and sends the reason', async () => {
    render(Audit);
    await fireEvent.click(await screen.findByRole('button', { name: 'Hent stikprøven' }));
    const second = (await screen.findAllByTestId('audit-review-item'))[1];
    await fireEvent.click(within(second).getByRole('button', { name: /^Stil spørgsmål/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Stil spørgsmål ved en adgang' });
    expect(dialog).toHaveTextContent('D-99999999');

    // No reason: refused here, nothing sent (an empty question would count as reviewed).
    await fireEvent.click(within(dialog).getByTestId('audit-question-send'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Skriv en begrundelse for spørgsmålet.');
    expect(argsOf('audit_review')).toEqual([]);

    await fireEvent.input(within(dialog).getByLabelText('Begrundelse'), { target: { value: 'Ikke på sofies sagsliste.' } });
    await fireEvent.click(within(dialog).getByTestId('audit-question-send'));
    await waitFor(() => expect(argsOf('audit_review')).toEqual([{ input: { id: 'r2', question: 'Ikke på sofies sagsliste.', note: '' } }]));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const outcome = within(screen.getAllByTestId('audit-review-item')[1]).getByTestId('audit-review-outcome');
    expect(outcome).toHaveTextContent('Spørgsmål stillet');
    expect(outcome).toHaveTextContent('Ikke på sofies sagsliste.');
  });

  it('shows the core\'s refusal of a question in the dialog and keeps it open', async () => {
    handlers.audit_review = () => {
      throw { code: 'required', message: 'Begrundelsen skal udfyldes.', field: 'note' };
    };
    render(Audit);
    await fireEvent.click(await screen.findByRole('button', { name: 'Hent stikprøven' }));
    await fireEvent.click((await screen.findAllByTestId('audit-review-question'))[0]);
    const dialog = await screen.findByRole('dialog');
    await fireEvent.input(within(dialog).getByLabelText('Begrundelse'), { target: { value: 'Hvorfor?' } });
    await fireEvent.click(within(dialog).getByTestId('audit-question-send'));
    expect(await within(dialog).findByText('Begrundelsen skal udfyldes.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Begrundelse')).toHaveValue('Hvorfor?');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(within(screen.getAllByTestId('audit-review-item')[0]).getByTestId('audit-review-outcome')).toHaveTextContent('Ikke gennemgået');
  });
});

describe('the audit screen\'s accessibility', () => {
  it('has no serious axe violations with the list, the check, the sample and the question dialog shown', async () => {
    handlers.audit_log = () => [entry(), entry({ device: 'dev-a', device_name: 'Ahmeds bærbare', own: false })];
    handlers.audit_verify = () => ({ ok: false, own_rows: 2, devices: [device({ problem: 'changed', problem_seq: 2 }), device({ device: 'dev-c' })] });
    handlers.audit_sample = () => ({ month: '2026-10', drawn_now: true, items: [item('r1'), item('r2', { outcome: 'ok', reviewer: 'mette', reviewed_at: '2026-11-25T10:00:00Z' })] });
    render(Audit);
    await screen.findByTestId('audit-rows');
    await fireEvent.click(screen.getByTestId('audit-verify'));
    await screen.findByTestId('audit-verify-result');
    await fireEvent.click(screen.getByTestId('audit-sample'));
    await fireEvent.click((await screen.findAllByTestId('audit-review-question'))[0]);
    await fireEvent.click(await screen.findByTestId('audit-question-send'));
    // The dialog takes the focus, on its reason field.
    expect(document.activeElement).toBe(screen.getByTestId('audit-reason'));

    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
  });
});
