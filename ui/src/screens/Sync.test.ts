import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Conflict } from '../lib/bindings/Conflict';
import type { SyncStatus } from '../lib/bindings/SyncStatus';
import type { SyncTargetForm } from '../lib/bindings/SyncTargetForm';
import type { TeamInfo } from '../lib/bindings/TeamInfo';
import { handlers, reset, count, argsOf, draftStore } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

const dialog = vi.hoisted(() => ({ open: async (): Promise<string | null> => '/mnt/fælles/indsats' }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: (...a: unknown[]) => dialog.open(...(a as [])) }));

const { app } = await import('../lib/session.svelte');
const { setLang, areas } = await import('../lib/i18n/index.svelte');
const { clearSync } = await import('../lib/sync.svelte');
const { toasts } = await import('../lib/toast.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const SyncScreen = (await import('./Sync.svelte')).default;
const { resetDrafts, flushDrafts } = await import('../lib/drafts.svelte');

/** What the lock does: the drafts flushed, then the screen unmounted. */
async function lock() {
  const flushing = flushDrafts();
  cleanup();
  expect(await flushing).toBe(0);
}

const roles = [
  { code: 'caseworker', label: 'Sagsbehandler' },
  { code: 'team_lead', label: 'Teamleder' },
  { code: 'admin', label: 'Administrator' },
];

/** A local time as the core sends it (RFC 3339, UTC), so that the tests hold in any time zone. */
const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).toISOString();

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    team: 'ballerup-integration',
    on_roster: true,
    target: '/mnt/fælles/indsats',
    pending: 4,
    last_sync: at(2026, 11, 24, 9, 14),
    error: null,
    error_at: null,
    failures: 0,
    refused: [],
    conflicts: 0,
    running: false,
    ...over,
  };
}

const team: TeamInfo = {
  name: 'ballerup-integration',
  version: 3,
  leads: false,
  on_roster: true,
  devices: [
    { id: 'd1', name: 'Mettes bærbare', user: 'mette', role: 'team_lead', lead: true, me: false },
    { id: 'd2', name: 'Annas bærbare', user: 'anna', role: 'caseworker', lead: false, me: true },
  ],
};

const blankTarget: SyncTargetForm = { kind: '', path: '', endpoint: '', username: '', bucket: '', region: '', access_key_id: '', password: '' };

function conflict(over: Partial<Conflict>): Conflict {
  return {
    id: 7,
    kind: 'field',
    table: 'participant',
    about: 'D-4821',
    field: 'caseworker',
    mine: 'Anna',
    theirs: 'Mette',
    mine_at: at(2026, 11, 24, 10, 2),
    theirs_at: at(2026, 11, 24, 10, 5),
    theirs_who: 'Mettes bærbare (mette)',
    resolution: null,
    ...over,
  };
}

let current: SyncStatus;
let inbox: Conflict[];


beforeEach(() => {
  reset();
  current = status();
  inbox = [];
  handlers.sync_status = () => current;
  handlers.team = () => (current.team ? team : null);
  handlers.sync_target = () => ({ ...blankTarget });
  // The drafts of the target form and the conflicts' edits: none stored, every save taken.
  handlers.drafts = () => [];
  handlers.save_draft = () => null;
  handlers.discard_draft = () => null;
  handlers.conflicts = (a) => (a.openOnly ? inbox.filter((c) => c.resolution === null) : inbox);
  handlers.resolve_conflict = (a) => {
    const input = a.input as { id: number; keep: string; value: string };
    inbox = inbox.map((c) => (c.id === input.id ? { ...c, resolution: input.keep } : c));
    current = { ...current, conflicts: inbox.filter((c) => c.resolution === null).length };
    return null;
  };
  clearSync();
  toasts.text = '';
  setLang('da');
  app.info = info;
  app.catalogue = { ...catalogue, roles };
});

afterEach(async () => {
  cleanup();
  // The drafts the unmounted forms save on closing, then nothing held for the next test.
  await new Promise((r) => setTimeout(r, 0));
  resetDrafts();
  app.info = null;
  app.catalogue = null;
});

describe('Sync screen: status and team', () => {
  it('shows the status, the team and the refused bundles', async () => {
    current = status({
      failures: 2,
      error: 'Synkroniseringsstedet kan ikke nås. Kontrollér netværket.',
      error_at: at(2026, 11, 25, 8, 30),
      refused: ['anna/000000000001-000000000009-0123456789abcdef.bundle: signaturen passer ikke'],
      conflicts: 0,
    });
    render(SyncScreen);
    expect(await screen.findByTestId('sync-status-team')).toHaveTextContent('ballerup-integration');
    expect(screen.getByRole('heading', { level: 1, name: 'Synkronisering' })).toBeInTheDocument();
    expect(screen.getByTestId('sync-status-target')).toHaveTextContent('/mnt/fælles/indsats');
    expect(screen.getByTestId('sync-status-last')).toHaveTextContent('24-11-2026 09:14');
    expect(screen.getByTestId('sync-status-pending')).toHaveTextContent('4');
    expect(screen.getByTestId('sync-status-failures')).toHaveTextContent('2');
    const error = screen.getByTestId('sync-status-error');
    expect(error).toHaveTextContent('Synkroniseringsstedet kan ikke nås.');
    expect(error).toHaveTextContent('25-11-2026 08:30');
    expect(screen.getByTestId('sync-status-refused')).toHaveTextContent('signaturen passer ikke');
    expect(screen.getByTestId('sync-status-conflicts')).toHaveTextContent('0');
    expect(screen.getByTestId('sync-now-screen')).toHaveTextContent('Synkronisér nu');
    expect(screen.queryByTestId('sync-no-team')).toBeNull();
    expect(screen.queryByTestId('sync-not-on-roster')).toBeNull();

    const table = await screen.findByTestId('sync-team');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.children].map((c) => c.textContent?.trim()))).toEqual([
      ['Mettes bærbare', 'mette', 'Teamleder', 'Leder teamet'],
      ['Annas bærbare', 'anna', 'Sagsbehandler', 'Denne computer'],
    ]);
    expect(await screen.findByTestId('conflicts-empty')).toHaveTextContent('Ingen konflikter.');
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Konflikter: 0 åbne');

    // Headings in order, and no serious accessibility faults.
    const levels = screen.getAllByRole('heading').map((h) => Number(h.tagName.slice(1)));
    expect(levels).toEqual([1, 2, 2, 2, 2]);
    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('explains how a computer joins a team when it is in none, and reads no team or conflicts', async () => {
    current = status({ team: null, on_roster: false, target: null, last_sync: null, pending: 0 });
    render(SyncScreen);
    const note = await screen.findByTestId('sync-no-team');
    expect(note).toHaveTextContent('Teamlederen eller IT opretter teamet med kommandoen indsats team');
    for (const cmd of ['indsats team create', 'indsats team invite', 'indsats team join', 'indsats team add']) expect(note).toHaveTextContent(cmd);
    expect(note).toHaveTextContent('docs/sync.md');
    expect(screen.getByTestId('sync-status-team')).toHaveTextContent('Ikke med i et team');
    expect(screen.getByTestId('sync-status-last')).toHaveTextContent('Aldrig');
    expect(screen.queryByTestId('sync-now-screen')).toBeNull();
    expect(screen.queryByTestId('conflicts')).toBeNull();
    expect(screen.queryByTestId('sync-team')).toBeNull();
    // The target can be set before the team exists.
    expect(await screen.findByTestId('target-kind')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 0));
    expect(count('team')).toBe(0);
    expect(count('conflicts')).toBe(0);
  });

  it('tells a computer that is not on the roster yet that the team lead must add it', async () => {
    current = status({ on_roster: false, last_sync: null });
    render(SyncScreen);
    expect(await screen.findByTestId('sync-not-on-roster')).toHaveTextContent(
      'Teamlederen skal tilføje denne computers anmodningsfil (indsats team add), før synkroniseringen virker.',
    );
  });

  it('"Sync now" syncs, says what it did and reads the status and the team again', async () => {
    handlers.sync_now = () => {
      current = status({ pending: 0, conflicts: 0 });
      return { pushed_changes: 4, merged_changes: 0, merged_bundles: 0, conflicts: 0, notes: [] };
    };
    render(SyncScreen);
    await screen.findByTestId('sync-team');
    const statusReads = count('sync_status');
    await fireEvent.click(screen.getByTestId('sync-now-screen'));
    await waitFor(() => expect(toasts.text).toBe('Synkroniseret. Ændringer sendt: 4, modtaget: 0.'));
    await waitFor(() => expect(screen.getByTestId('sync-status-pending')).toHaveTextContent('0'));
    expect(count('sync_now')).toBe(1);
    expect(count('sync_status')).toBe(statusReads + 1);
    await waitFor(() => expect(count('team')).toBe(2));
  });
});

describe('Sync screen: the target', () => {
  it('shows only the fields of the chosen kind', async () => {
    render(SyncScreen);
    const kind = (await screen.findByTestId('target-kind')) as HTMLSelectElement;
    expect([...kind.options].map((o) => o.text)).toEqual([
      'Ingen',
      'Mappe (netværksdrev eller OneDrive/SharePoint-mappe)',
      'WebDAV (fx Nextcloud)',
      'S3-kompatibel lagring',
    ]);
    const fields = ['target-path', 'target-endpoint', 'target-username', 'target-bucket', 'target-region', 'target-access-key', 'target-password'];
    const shown = () => fields.filter((f) => screen.queryByTestId(f) !== null);
    expect(shown()).toEqual([]);

    await fireEvent.change(kind, { target: { value: 'folder' } });
    expect(shown()).toEqual(['target-path']);
    expect(screen.getByRole('button', { name: 'Vælg mappe…' })).toBeInTheDocument();

    await fireEvent.change(kind, { target: { value: 'webdav' } });
    expect(shown()).toEqual(['target-endpoint', 'target-username', 'target-password']);
    expect(screen.getByLabelText('Adgangskode')).toHaveAttribute('type', 'password');

    await fireEvent.change(kind, { target: { value: 's3' } });
    expect(shown()).toEqual(['target-endpoint', 'target-bucket', 'target-region', 'target-access-key', 'target-password']);
    expect(screen.getByTestId('target-region')).toHaveValue('us-east-1');
    const secret = screen.getByLabelText('Hemmelig nøgle (secret access key)');
    expect(secret).toHaveAttribute('type', 'password');
    expect(secret.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(secret.getAttribute('aria-describedby')!)).toHaveTextContent(
      'Gemmes i styresystemets nøgleopbevaring, aldrig i en fil. Lad feltet stå tomt for at beholde den gemte.',
    );
  });

  it('loads the saved target (never its password) and saves a folder chosen with the dialog, sending only the folder', async () => {
    handlers.sync_target = () => ({ ...blankTarget, kind: 'webdav', endpoint: 'https://sky.kommune.dk/dav', username: 'anna' });
    handlers.set_sync_target = (a) => status({ target: (a.form as SyncTargetForm).path });
    render(SyncScreen);
    await waitFor(() => expect(screen.getByTestId('target-endpoint')).toHaveValue('https://sky.kommune.dk/dav'));
    expect(screen.getByTestId('target-username')).toHaveValue('anna');
    expect(screen.getByTestId('target-password')).toHaveValue('');

    await fireEvent.change(screen.getByTestId('target-kind'), { target: { value: 'folder' } });
    await fireEvent.click(screen.getByTestId('target-choose'));
    await waitFor(() => expect(screen.getByTestId('target-path')).toHaveValue('/mnt/fælles/indsats'));
    await fireEvent.click(screen.getByTestId('target-save'));
    await waitFor(() => expect(argsOf('set_sync_target')).toEqual([{ form: { ...blankTarget, kind: 'folder', path: '/mnt/fælles/indsats' } }]));
    await waitFor(() => expect(toasts.text).toBe('Synkroniseringsstedet er gemt.'));
  });

  it('sends the S3 settings, shows a refused field beside it, keeps what was typed, and saves when corrected', async () => {
    let refuse = true;
    handlers.set_sync_target = (a) => {
      if (refuse) throw { code: 'invalid', message: 'Bucket-navnet må kun indeholde små bogstaver, tal og bindestreger.', field: 'bucket' };
      return status({ target: `s3://${(a.form as SyncTargetForm).bucket}` });
    };
    render(SyncScreen);
    await screen.findByTestId('sync-status-target');
    await fireEvent.change(screen.getByTestId('target-kind'), { target: { value: 's3' } });
    await fireEvent.input(screen.getByTestId('target-endpoint'), { target: { value: 'https://s3.eu-central-1.amazonaws.com' } });
    await fireEvent.input(screen.getByTestId('target-bucket'), { target: { value: 'Indsats_Team' } });
    await fireEvent.input(screen.getByTestId('target-region'), { target: { value: 'eu-central-1' } });
    await fireEvent.input(screen.getByTestId('target-access-key'), { target: { value: 'AKIA123' } });
    await fireEvent.input(screen.getByTestId('target-password'), { target: { value: 'hemmelig' } });
    await fireEvent.click(screen.getByTestId('target-save'));

    const sent = {
      kind: 's3',
      path: '',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      username: '',
      bucket: 'Indsats_Team',
      region: 'eu-central-1',
      access_key_id: 'AKIA123',
      password: 'hemmelig',
    };
    await waitFor(() => expect(argsOf('set_sync_target')).toEqual([{ form: sent }]));
    const bucket = screen.getByTestId('target-bucket');
    expect(await screen.findByText('Bucket-navnet må kun indeholde små bogstaver, tal og bindestreger.')).toBeInTheDocument();
    expect(bucket).toHaveAttribute('aria-invalid', 'true');
    expect(bucket.getAttribute('aria-describedby')).toContain('sync-target-bucket-error');
    expect(document.activeElement).toBe(bucket);
    expect(bucket).toHaveValue('Indsats_Team');
    expect(screen.getByTestId('target-password')).toHaveValue('hemmelig');
    expect(screen.getByTestId('target-access-key')).toHaveValue('AKIA123');
    expect(toasts.text).toBe('');

    refuse = false;
    await fireEvent.input(bucket, { target: { value: 'indsats-team' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    await waitFor(() => expect(toasts.text).toBe('Synkroniseringsstedet er gemt.'));
    expect(argsOf('set_sync_target')[1]).toEqual({ form: { ...sent, bucket: 'indsats-team' } });
    expect(screen.getByTestId('sync-status-target')).toHaveTextContent('s3://indsats-team');
    expect(screen.queryByText('Bucket-navnet må kun indeholde små bogstaver, tal og bindestreger.')).toBeNull();
    expect(screen.getByTestId('target-password')).toHaveValue('');
  });

  it('shows an error that concerns no field above the save button', async () => {
    handlers.set_sync_target = () => {
      throw { code: 'target_config', message: 'Adressen skal begynde med https://.', field: null };
    };
    render(SyncScreen);
    await screen.findByTestId('sync-status-target');
    await fireEvent.change(screen.getByTestId('target-kind'), { target: { value: 'webdav' } });
    await fireEvent.input(screen.getByTestId('target-endpoint'), { target: { value: 'ftp://x' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    expect(await screen.findByTestId('target-error')).toHaveTextContent('Adressen skal begynde med https://.');
    expect(screen.getByTestId('target-endpoint')).toHaveValue('ftp://x');
  });

  it('keeps the settings typed as the draft sync-target, never the password, restores them, and saving discards it', async () => {
    const store = draftStore();
    handlers.set_sync_target = () => status();
    render(SyncScreen);
    await fireEvent.change(await screen.findByTestId('target-kind'), { target: { value: 'webdav' } });
    await fireEvent.input(screen.getByTestId('target-endpoint'), { target: { value: 'https://sky.kommune.dk/dav' } });
    await fireEvent.input(screen.getByTestId('target-username'), { target: { value: 'anna' } });
    await fireEvent.input(screen.getByTestId('target-password'), { target: { value: 'hemmelig-42' } });
    await waitFor(() => expect(argsOf('save_draft').some((a) => a.form === 'sync-target')).toBe(true));
    await lock();
    const sent = argsOf('save_draft').map((a) => String(a.body));
    expect(sent.length).toBeGreaterThan(0);
    for (const body of sent) {
      expect(body).not.toContain('hemmelig-42');
      expect(body).not.toContain('password');
    }
    expect(JSON.parse(store.drafts[0].body).form).toMatchObject({ kind: 'webdav', endpoint: 'https://sky.kommune.dk/dav', username: 'anna' });

    render(SyncScreen);
    const note = await screen.findByTestId('target-draft');
    expect(note).toHaveTextContent('er gendannet');
    expect(note).toHaveTextContent('aldrig i en kladde');
    expect(screen.getByTestId('target-endpoint')).toHaveValue('https://sky.kommune.dk/dav');
    expect(screen.getByTestId('target-username')).toHaveValue('anna');
    expect(screen.getByTestId('target-password')).toHaveValue('');
    await fireEvent.input(screen.getByTestId('target-password'), { target: { value: 'hemmelig-42' } });
    await fireEvent.click(screen.getByTestId('target-save'));
    await waitFor(() => expect(argsOf('set_sync_target')).toHaveLength(1));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(argsOf('discard_draft')).toContainEqual({ form: 'sync-target' });
  });

  it('keeps no draft of the saved settings as loaded, only what is typed over them', async () => {
    const store = draftStore();
    handlers.sync_target = () => ({ ...blankTarget, kind: 'folder', path: '/mnt/fælles/indsats' });
    render(SyncScreen);
    await waitFor(() => expect(screen.getByTestId('target-path')).toHaveValue('/mnt/fælles/indsats'));
    await lock();
    expect(store.drafts).toEqual([]);
    expect(argsOf('save_draft')).toEqual([]);

    render(SyncScreen);
    await waitFor(() => expect(screen.getByTestId('target-path')).toHaveValue('/mnt/fælles/indsats'));
    await fireEvent.input(screen.getByTestId('target-path'), { target: { value: '/mnt/ny' } });
    await lock();
    expect(JSON.parse(store.drafts[0].body).form).toMatchObject({ kind: 'folder', path: '/mnt/ny' });
  });
});

describe('Sync screen: the conflicts inbox', () => {
  beforeEach(() => {
    inbox = [
      conflict({}),
      conflict({
        id: 8,
        kind: 'field',
        table: 'enrolment',
        about: 'Sprogcafé Nord – D-4821',
        field: 'start',
        mine: '2026-11-20',
        theirs: '2026-11-24',
      }),
      conflict({ id: 9, kind: 'deleted', table: 'event', about: 'Samtale afholdt 20-11-2026', field: null, mine: 'Samtale', theirs: '' }),
      conflict({ id: 3, kind: 'duplicate_cpr', table: 'participant', about: 'D-1111', field: 'cpr', resolution: 'theirs' }),
    ];
    current = status({ conflicts: 3 });
  });

  it('shows what each conflict concerns, both values and why, in plain words', async () => {
    render(SyncScreen);
    const row = await screen.findByTestId('conflict-7');
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Konflikter: 3 åbne');
    expect(within(row).getByRole('heading', { level: 3 })).toHaveTextContent('Deltager: D-4821');
    expect(row).toHaveTextContent('Din ændring og en ændring fra Mettes bærbare (mette) blev lavet samtidig; deres vandt.');
    expect(row).toHaveTextContent('caseworker');
    expect(screen.getByTestId('conflict-mine-value-7')).toHaveTextContent('Anna – ændret 24-11-2026 10:02');
    expect(screen.getByTestId('conflict-theirs-value-7')).toHaveTextContent('Mette – ændret 24-11-2026 10:05 af Mettes bærbare (mette)');
    expect(within(row).getByRole('button', { name: 'Behold min værdi – Deltager: D-4821, feltet caseworker' })).toBe(
      screen.getByTestId('conflict-mine-7'),
    );

    expect(screen.getByTestId('conflict-8')).toHaveTextContent('Forløb: Sprogcafé Nord – D-4821');
    expect(screen.getByTestId('conflict-theirs-value-8')).toHaveTextContent('24-11-2026');
    expect(screen.getByTestId('conflict-mine-value-8')).toHaveTextContent('20-11-2026');

    const deleted = screen.getByTestId('conflict-9');
    expect(deleted).toHaveTextContent('Hændelse: Samtale afholdt 20-11-2026');
    expect(deleted).toHaveTextContent("Du ændrede noget, som Mettes bærbare (mette) slettede samtidig. 'Behold min' opretter det igen.");
    expect(screen.getByTestId('conflict-theirs-value-9')).toHaveTextContent('(slettet)');

    // Settled ones only when asked for.
    expect(screen.queryByTestId('conflict-3')).toBeNull();
    expect(argsOf('conflicts')).toEqual([{ openOnly: true }]);
    await fireEvent.click(screen.getByTestId('conflicts-all'));
    const settled = await screen.findByTestId('conflict-3');
    expect(argsOf('conflicts')).toEqual([{ openOnly: true }, { openOnly: false }]);
    expect(settled).toHaveTextContent('Samme CPR-nummer blev registreret på to computere; den første registrering beholder nummeret.');
    expect(settled).toHaveTextContent('Afgjort: deres værdi blev beholdt.');
    expect(within(settled).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Konflikter: 3 åbne');

    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('"Keep mine" settles the conflict, says so, and reads the inbox and the status again', async () => {
    render(SyncScreen);
    await screen.findByTestId('conflict-7');
    const statusReads = count('sync_status');
    await fireEvent.click(screen.getByTestId('conflict-mine-7'));
    await waitFor(() => expect(argsOf('resolve_conflict')).toEqual([{ input: { id: 7, keep: 'mine', value: '' } }]));
    await waitFor(() => expect(screen.queryByTestId('conflict-7')).toBeNull());
    expect(toasts.text).toBe('Konflikten er afgjort.');
    expect(count('conflicts')).toBe(2);
    expect(count('sync_status')).toBe(statusReads + 1);
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Konflikter: 2 åbne');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('conflicts-title')));
    // The inbox and the status agree: no extra (audited) read of the inbox.
    await new Promise((r) => setTimeout(r, 10));
    expect(count('conflicts')).toBe(2);
  });

  it('"Keep theirs" sends keep theirs', async () => {
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-theirs-9'));
    await waitFor(() => expect(argsOf('resolve_conflict')).toEqual([{ input: { id: 9, keep: 'theirs', value: '' } }]));
    await waitFor(() => expect(screen.queryByTestId('conflict-9')).toBeNull());
  });

  it('"Edit…" sends the value as typed, and keeps it when the core refuses it', async () => {
    let refuse = true;
    const settle = handlers.resolve_conflict;
    handlers.resolve_conflict = (a) => {
      if (refuse) throw { code: 'invalid_date', message: 'Datoen 31-11-2026 findes ikke.', field: 'value' };
      return settle(a);
    };
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-edit-8'));
    const input = screen.getByTestId('conflict-value-8');
    expect(input).toHaveValue('24-11-2026');
    await waitFor(() => expect(document.activeElement).toBe(input));
    expect(screen.getByRole('button', { name: 'Gem den nye værdi – Forløb: Sprogcafé Nord – D-4821, feltet start' })).toBe(
      screen.getByTestId('conflict-save-8'),
    );

    await fireEvent.input(input, { target: { value: '31-11-2026' } });
    await fireEvent.click(screen.getByTestId('conflict-save-8'));
    expect(await screen.findByText('Datoen 31-11-2026 findes ikke.')).toBeInTheDocument();
    expect(argsOf('resolve_conflict')).toEqual([{ input: { id: 8, keep: 'edited', value: '31-11-2026' } }]);
    expect(screen.getByTestId('conflict-value-8')).toHaveValue('31-11-2026');
    expect(screen.getByTestId('conflict-value-8')).toHaveAttribute('aria-invalid', 'true');
    expect(toasts.text).toBe('');

    refuse = false;
    await fireEvent.input(screen.getByTestId('conflict-value-8'), { target: { value: '30-11-2026' } });
    await fireEvent.submit(screen.getByTestId('conflict-value-8').closest('form')!);
    await waitFor(() => expect(argsOf('resolve_conflict')[1]).toEqual({ input: { id: 8, keep: 'edited', value: '30-11-2026' } }));
    await waitFor(() => expect(screen.queryByTestId('conflict-8')).toBeNull());
    expect(toasts.text).toBe('Konflikten er afgjort.');
  });

  it('"Cancel" closes the edit without settling anything', async () => {
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-edit-7'));
    expect(screen.getByTestId('conflict-value-7')).toHaveValue('Mette');
    await fireEvent.click(screen.getByTestId('conflict-cancel-7'));
    expect(screen.queryByTestId('conflict-value-7')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('conflict-edit-7')));
    expect(count('resolve_conflict')).toBe(0);
  });

  it('shows a refusal that concerns no field in the row', async () => {
    handlers.resolve_conflict = () => {
      throw { code: 'conflict_gone', message: 'Konflikten er allerede afgjort på en anden måde.', field: null };
    };
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-mine-7'));
    expect(await screen.findByTestId('conflict-error-7')).toHaveTextContent('Konflikten er allerede afgjort på en anden måde.');
    expect(screen.getByTestId('conflict-7')).toBeInTheDocument();
  });

  it('reads the inbox again when a background sync brings new conflicts', async () => {
    const { refreshSync } = await import('../lib/sync.svelte');
    render(SyncScreen);
    await screen.findByTestId('conflict-7');
    expect(count('conflicts')).toBe(1);
    inbox = [...inbox, conflict({ id: 11, table: 'initiative', about: 'Sprogcafé Nord', field: 'title', mine: 'Sprogcafé', theirs: 'Sprogcafé Nord' })];
    current = status({ conflicts: 4 });
    await refreshSync();
    expect(await screen.findByTestId('conflict-11')).toHaveTextContent('Indsats: Sprogcafé Nord');
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Konflikter: 4 åbne');
    expect(count('conflicts')).toBe(2);
  });

  it('speaks English', async () => {
    setLang('en');
    render(SyncScreen);
    const row = await screen.findByTestId('conflict-7');
    expect(row).toHaveTextContent('Participant: D-4821');
    expect(row).toHaveTextContent('Your change and a change from Mettes bærbare (mette) were made at the same time; theirs won.');
    expect(screen.getByTestId('conflict-mine-value-7')).toHaveTextContent('changed 2026-11-24 10:02');
    expect(screen.getByTestId('conflict-mine-7')).toHaveTextContent('Keep mine');
    expect(screen.getByTestId('conflict-theirs-7')).toHaveTextContent('Keep theirs');
    expect(screen.getByTestId('conflict-edit-7')).toHaveTextContent('Edit…');
    expect(screen.getByTestId('conflicts-title')).toHaveTextContent('Conflicts: 3 open');
  });

  it('keeps a conflict\'s edit as the draft conflict:<id>, opens it again with it, and settling discards it', async () => {
    const store = draftStore();
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-edit-8'));
    await fireEvent.input(screen.getByTestId('conflict-value-8'), { target: { value: '30-11-2026' } });
    await lock();
    expect(store.drafts.map((d) => d.form)).toEqual(['conflict:8']);

    render(SyncScreen);
    expect(await screen.findByTestId('conflict-draft-8')).toHaveTextContent('er gendannet');
    expect(screen.getByTestId('conflict-value-8')).toHaveValue('30-11-2026');
    expect(screen.queryByTestId('conflict-value-7')).toBeNull();
    await fireEvent.click(screen.getByTestId('conflict-save-8'));
    await waitFor(() => expect(argsOf('resolve_conflict')).toEqual([{ input: { id: 8, keep: 'edited', value: '30-11-2026' } }]));
    await waitFor(() => expect(store.drafts).toEqual([]));
  });

  it('"Cancel" discards the edit\'s draft', async () => {
    const store = draftStore();
    render(SyncScreen);
    await fireEvent.click(await screen.findByTestId('conflict-edit-7'));
    await fireEvent.input(screen.getByTestId('conflict-value-7'), { target: { value: 'Jonas' } });
    await waitFor(() => expect(store.drafts.map((d) => d.form)).toEqual(['conflict:7']));
    await fireEvent.click(screen.getByTestId('conflict-cancel-7'));
    await waitFor(() => expect(store.drafts).toEqual([]));
    expect(count('resolve_conflict')).toBe(0);
  });
});

describe('sync messages', () => {
  const sources = import.meta.glob(['../lib/sync.svelte.ts', './Sync.svelte', '../components/Header.svelte', '../components/ConflictEdit.svelte'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }) as Record<string, string>;

  it('every key the sync line and screen use exists in both languages', () => {
    expect(Object.keys(sources)).toHaveLength(4);
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/['`](sync\.[a-zA-Z0-9_.]+[a-zA-Z0-9_])['`]/g)) used.add(m[1]);
    }
    for (const k of ['field', 'deleted', 'duplicate_cpr', 'other']) used.add(`sync.conflicts.kind.${k}`);
    for (const k of ['mine', 'theirs', 'edited']) used.add(`sync.conflicts.resolution.${k}`);
    for (const k of ['webdav', 's3']) used.add(`sync.target.endpointHint.${k}`);
    for (const k of ['initiative', 'participant', 'enrolment', 'event', 'indicator_target', 'manual_value', 'initiative_goal']) used.add(`sync.table.${k}`);
    expect(used.size).toBeGreaterThan(60);
    const missing = [...used].filter((k) => !(k in areas.sync.da) || !(k in areas.sync.en));
    expect(missing).toEqual([]);
  });
});
