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
        },
      ],
      initiatives: [],
    },
  ];
}

let store: ReturnType<typeof draftStore>;

beforeEach(() => {
  reset();
  store = draftStore();
  targets = [
    { year: 2027, value: 35, illustrative: true },
    { year: 2028, value: 40, illustrative: true },
  ];
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
