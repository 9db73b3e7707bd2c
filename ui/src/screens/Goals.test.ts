import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { GoalDetail } from '../lib/bindings/GoalDetail';
import { argsOf, draftStore, handlers, reset } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const { app } = await import('../lib/session.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const { flushDrafts, resetDrafts } = await import('../lib/drafts.svelte');
const Goals = (await import('./Goals.svelte')).default;

let targets = [
  { year: 2027, value: 35, illustrative: true },
  { year: 2028, value: 40, illustrative: true },
];

function goals(): GoalDetail[] {
  return [
    {
      id: 'g1',
      key: 'job',
      title: 'Selvforsørgelse',
      description: '',
      indicators: [
        {
          key: 'mm13',
          name: 'Ustøttet beskæftigelse',
          definition: '',
          unit: 'percent',
          direction: 'up',
          measure: 'ordinary_employment',
          baseline: null,
          baseline_year: null,
          source: '',
          targets: targets.map((x) => ({ ...x })),
          values: [],
        },
        {
          key: 'tryghed',
          name: 'Oplevet tryghed',
          definition: '',
          unit: 'percent',
          direction: 'up',
          measure: 'manual',
          baseline: null,
          baseline_year: null,
          source: 'Borgerpanel',
          targets: [],
          values: manual.map((x) => ({ ...x })),
        },
      ],
      initiatives: [],
    },
  ];
}

let manual: { period: string; value: number; note: string; entered_by: string; entered_at: string }[] = [];

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  targets = [
    { year: 2027, value: 35, illustrative: true },
    { year: 2028, value: 40, illustrative: true },
  ];
  manual = [];
  handlers.goals = () => goals();
  handlers.set_target = (a) => {
    const input = a.input as { year: number; value: string };
    targets = targets.map((x) => (x.year === input.year ? { ...x, value: Number(input.value.replace(',', '.')) } : x));
    return null;
  };
  setLang('da');
  app.info = { ...info, settings: { ...info.settings, role: 'team_lead' } };
  app.catalogue = catalogue;
});

afterEach(async () => {
  cleanup();
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
});

describe('Goals: the yearly targets', () => {
  it('keeps a target typed as the draft target:<indicator>:<year> through a lock, restores it, and saving discards it', async () => {
    render(Goals);
    await fireEvent.input(await screen.findByTestId('target-mm13-2027'), { target: { value: '37,5' } });
    await waitFor(() => expect(argsOf('save_draft').some((a) => a.form === 'target:mm13:2027')).toBe(true));
    const flushing = flushDrafts();
    cleanup();
    expect(await flushing).toBe(0);
    expect(store.drafts.map((d) => d.form)).toEqual(['target:mm13:2027']);

    render(Goals);
    expect(await screen.findByTestId('target-mm13-2027-draft')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('target-mm13-2027')).toHaveValue('37,5');
    expect(screen.getByTestId('target-mm13-2028')).toHaveValue('40');
    await fireEvent.click(screen.getByTestId('target-mm13-2027-save'));
    await waitFor(() => expect(argsOf('set_target')).toEqual([{ input: { indicator: 'mm13', year: 2027, value: '37,5' } }]));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(screen.queryByTestId('target-mm13-2027-draft')).toBeNull();
  });

  it('saving one target keeps what is typed in another', async () => {
    render(Goals);
    await fireEvent.input(await screen.findByTestId('target-mm13-2028'), { target: { value: '45' } });
    await fireEvent.input(screen.getByTestId('target-mm13-2027'), { target: { value: '36' } });
    await fireEvent.click(screen.getByTestId('target-mm13-2027-save'));
    await waitFor(() => expect(argsOf('goals').length).toBe(2));
    expect(screen.getByTestId('target-mm13-2027')).toHaveValue('36');
    expect(screen.getByTestId('target-mm13-2028')).toHaveValue('45');
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual(['target:mm13:2028']));
  });
});

describe('Goals: the values of a manual indicator', () => {
  it('lists the values entered and lets a team lead enter one; a bad period is shown at its field and nothing is saved', async () => {
    handlers.set_manual_value = (a) => {
      const input = a.input as { period: string; value: string; note: string };
      if (!/^\d{4}(-Q[1-4]|-\d{2})?$/.test(input.period)) {
        throw { code: 'invalid_period', message: 'Perioden «2026/3» kan ikke læses. Skriv et år (2026), et kvartal (2026-Q3) eller en måned (2026-05).', field: null };
      }
      manual = [{ period: input.period, value: Number(input.value.replace(',', '.')), note: input.note, entered_by: 'Mette', entered_at: '2026-11-24T09:00:00Z' }, ...manual];
      return null;
    };
    render(Goals);
    expect(await screen.findByTestId('manual-tryghed-values')).toHaveTextContent('Ingen værdi er indtastet endnu');
    expect(screen.queryByTestId('manual-mm13')).toBeNull();
    await fireEvent.input(screen.getByTestId('manual-tryghed-period'), { target: { value: '2026/3' } });
    await fireEvent.input(screen.getByTestId('manual-tryghed-value'), { target: { value: '71,5' } });
    await fireEvent.click(screen.getByTestId('manual-tryghed-save'));
    expect(await screen.findByText(/Perioden «2026\/3» kan ikke læses/)).toBeInTheDocument();
    expect(screen.getByTestId('manual-tryghed-period')).toHaveAttribute('aria-invalid', 'true');
    expect(manual).toEqual([]);

    await fireEvent.input(screen.getByTestId('manual-tryghed-period'), { target: { value: '2026-Q3' } });
    await fireEvent.input(screen.getByTestId('manual-tryghed-note'), { target: { value: 'Borgerpanelet 2026' } });
    await fireEvent.click(screen.getByTestId('manual-tryghed-save'));
    await waitFor(() => expect(screen.getByTestId('manual-tryghed-values')).toHaveTextContent('2026-Q3'));
    expect(screen.getByTestId('manual-tryghed-values')).toHaveTextContent('71,5 %');
    expect(screen.getByTestId('manual-tryghed-values')).toHaveTextContent('Borgerpanelet 2026');
    expect(argsOf('set_manual_value').at(-1)).toEqual({ input: { indicator: 'tryghed', period: '2026-Q3', value: '71,5', note: 'Borgerpanelet 2026' } });
    expect(screen.getByTestId('manual-tryghed-period')).toHaveValue('');
  });

  it('shows a caseworker the values without the form', async () => {
    manual = [{ period: '2025', value: 68, note: '', entered_by: 'Mette', entered_at: '2026-01-10T09:00:00Z' }];
    app.info = { ...info, settings: { ...info.settings, role: 'caseworker' } };
    render(Goals);
    expect(await screen.findByTestId('manual-tryghed-values')).toHaveTextContent('2025');
    expect(screen.queryByTestId('manual-tryghed-save')).toBeNull();
  });
});
