import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, cleanup, fireEvent } from '@testing-library/svelte';
import { reset, handlers, calls } from '../../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../../test-tauri')).core);
const dialog = vi.hoisted(() => ({ open: async (_o?: unknown): Promise<string | null> => null }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: (o: unknown) => dialog.open(o), save: async () => null }));

const { setLang } = await import('../../lib/i18n/index.svelte');
const ImportCard = (await import('./ImportCard.svelte')).default;

const checked = {
  rows: 10,
  imported: 4,
  matched: 0,
  bad_rows: 2,
  problems: [
    { row: 5, column: 'B', message: 'Række 5, kolonne B (cpr): CPR-nummeret giver datoen 32-13-1990, som ikke findes.' },
    { row: 9, column: 'D', message: 'Række 9, kolonne D (herkomst): Ukendt herkomst «nordisk».' },
  ],
  unused_columns: ['bemærkning'],
  written: false,
  rejected_file: null,
};

describe('Import a caseload', () => {
  beforeEach(() => {
    reset();
    setLang('da');
  });
  afterEach(() => cleanup());

  it('checks the chosen file first, shows every bad row as the core words it, then imports only the good rows', async () => {
    render(ImportCard);
    expect(screen.getByTestId('import-check')).toBeDisabled();
    dialog.open = async () => '/home/it/sagsstamme.xlsx';
    await fireEvent.click(screen.getByTestId('import-file-choose'));
    await vi.waitFor(() => expect(screen.getByTestId('import-file')).toHaveValue('/home/it/sagsstamme.xlsx'));

    handlers.import_file = (a) => {
      const r = (a as { request: { mode: string } }).request;
      if (r.mode === 'dry_run') return checked;
      return { ...checked, written: true, rejected_file: '/home/it/sagsstamme-afviste.csv' };
    };
    await fireEvent.click(screen.getByTestId('import-check'));
    const report = await screen.findByTestId('import-report');
    expect(report).toHaveTextContent('10 rækker læst: 4 kan indlæses, 0 findes allerede, 2 har fejl. Intet er gemt endnu.');
    expect(report).toHaveTextContent('Kolonner, der ikke læses: bemærkning');
    expect(screen.getByTestId('import-problems')).toHaveTextContent('Række 5, kolonne B (cpr)');
    expect(calls.filter((c) => c.cmd === 'import_file').at(-1)!.args).toMatchObject({
      request: { path: '/home/it/sagsstamme.xlsx', kind: 'participants', mode: 'dry_run', mapping: null },
    });
    // With bad rows, only the good ones are offered.
    expect(screen.queryByTestId('import-all')).toBeNull();
    await fireEvent.click(screen.getByTestId('import-good'));
    expect(await screen.findByTestId('import-rejected')).toHaveTextContent('/home/it/sagsstamme-afviste.csv');
    expect(calls.filter((c) => c.cmd === 'import_file').at(-1)!.args).toMatchObject({ request: { mode: 'keep_good' } });
    expect(screen.getByTestId('import-report')).toHaveTextContent('4 indlæst');
  });

  it('offers the whole import when every row is good, and shows a file the core cannot read beside the form', async () => {
    render(ImportCard);
    await fireEvent.input(screen.getByTestId('import-file'), { target: { value: '/home/it/forloeb.csv' } });
    await fireEvent.change(screen.getByTestId('import-kind'), { target: { value: 'enrolments' } });
    handlers.import_file = () => ({ ...checked, bad_rows: 0, problems: [] });
    await fireEvent.click(screen.getByTestId('import-check'));
    expect(await screen.findByTestId('import-all')).toHaveTextContent('Indlæs alle 4 rækker');
    expect(calls.filter((c) => c.cmd === 'import_file').at(-1)!.args).toMatchObject({ request: { kind: 'enrolments' } });

    handlers.import_file = () => {
      throw { code: 'import_missing_column', message: 'Ingen kolonne har Indsats (initiative).', field: null };
    };
    await fireEvent.click(screen.getByTestId('import-check'));
    expect(await screen.findByText('Ingen kolonne har Indsats (initiative).')).toBeInTheDocument();
  });
});
