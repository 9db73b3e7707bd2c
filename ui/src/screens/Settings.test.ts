import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, cleanup, fireEvent } from '@testing-library/svelte';
import { reset, handlers, calls } from '../test-tauri';
import type { Who } from '../lib/bindings/Who';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
const dialog = vi.hoisted(() => ({ save: async (_o?: unknown): Promise<string | null> => null }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ save: (o: unknown) => dialog.save(o), open: async () => null }));

const { app } = await import('../lib/session.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue: base, info } = await import('../lib/cases/fixtures');
const Settings = (await import('./Settings.svelte')).default;
const catalogue = {
  ...base,
  roles: [
    { code: 'caseworker', label: 'Sagsbehandler' },
    { code: 'team_lead', label: 'Teamleder' },
    { code: 'admin', label: 'Administrator' },
  ],
};

function open(who: Who | null) {
  app.info = { ...info, who, settings: { ...info.settings, user: who?.user ?? 'Mette', role: who?.role ?? 'caseworker' } };
  app.catalogue = catalogue;
  render(Settings);
}

const options = () => Array.from((screen.getByTestId('settings-role') as HTMLSelectElement).options).map((o) => o.value);

describe('Settings: who acts', () => {
  beforeEach(() => {
    reset();
    setLang('da');
  });
  afterEach(() => cleanup());

  it('shows the person and role of the team roster read-only', () => {
    open({ user: 'Anna Holm', role: 'caseworker', granted: 'caseworker', source: 'roster', roles: ['caseworker'] });
    expect(screen.getByTestId('settings-user')).toHaveAttribute('readonly');
    expect(screen.getByTestId('settings-role')).toBeDisabled();
    expect(screen.getByTestId('settings-who')).toHaveTextContent('teamets liste');
    expect(screen.getByTestId('settings-who')).toHaveTextContent('Anna Holm');
  });

  it("offers no role with more rights than the store's owner has", () => {
    open({ user: 'Mette', role: 'team_lead', granted: 'team_lead', source: 'owner', roles: ['caseworker', 'team_lead'] });
    expect(screen.getByTestId('settings-user')).toHaveAttribute('readonly');
    expect(screen.getByTestId('settings-role')).not.toBeDisabled();
    expect(options()).toEqual(['caseworker', 'team_lead']);
    expect(screen.getByTestId('settings-who')).toHaveTextContent('adgangsfrasen nedenfor');
  });

  it("changes the owner's role with the passphrase; a wrong passphrase changes nothing", async () => {
    const who: Who = { user: 'Mette', role: 'caseworker', granted: 'caseworker', source: 'owner', roles: ['caseworker'] };
    handlers.catalogue = () => catalogue;
    open(who);
    const form = screen.getByTestId('settings-owner');
    expect(form).toHaveTextContent('Lagerets rolle');
    expect(screen.getByTestId('settings-owner-change')).toBeDisabled();
    handlers.change_owner_role = (a) => {
      if ((a as { passphrase: string }).passphrase !== 'rigtig-frase') throw { code: 'wrong_passphrase', message: 'Forkert adgangsfrase. Prøv igen; data er ikke ændret.', field: null };
      return {
        ...app.info!,
        who: { ...who, role: 'team_lead', granted: 'team_lead', roles: ['caseworker', 'team_lead'] },
        settings: { ...app.info!.settings, role: 'team_lead' },
      };
    };
    await fireEvent.change(screen.getByTestId('settings-owner-role'), { target: { value: 'team_lead' } });
    await fireEvent.input(screen.getByTestId('settings-owner-pass'), { target: { value: 'forkert' } });
    await fireEvent.submit(form);
    expect(await screen.findByText('Forkert adgangsfrase. Prøv igen; data er ikke ændret.')).toBeInTheDocument();
    expect(screen.getByTestId('settings-owner-pass')).toHaveValue('');
    expect(app.info!.who!.granted).toBe('caseworker');

    await fireEvent.input(screen.getByTestId('settings-owner-pass'), { target: { value: 'rigtig-frase' } });
    await fireEvent.submit(form);
    await vi.waitFor(() => expect(app.info!.who!.granted).toBe('team_lead'));
    expect(calls.filter((c) => c.cmd === 'change_owner_role').at(-1)!.args).toEqual({ passphrase: 'rigtig-frase', role: 'team_lead' });
    await vi.waitFor(() => expect(options()).toEqual(['caseworker', 'team_lead']));
    // The settings already ask for the new role: saving them would not lock.
    await vi.waitFor(() => expect(screen.getByTestId('settings-role')).toHaveValue('team_lead'));
    expect(screen.queryByText(/Når du gemmer, låses Indsats/)).toBeNull();
  });

  it('offers no role change in a team or in the demo', () => {
    open({ user: 'Anna Holm', role: 'caseworker', granted: 'caseworker', source: 'roster', roles: ['caseworker'] });
    expect(screen.queryByTestId('settings-owner')).toBeNull();
    cleanup();
    open({ user: 'Mette', role: 'caseworker', granted: 'admin', source: 'demo', roles: ['caseworker', 'team_lead', 'admin'] });
    expect(screen.queryByTestId('settings-owner')).toBeNull();
  });

  it('lets the demo be explored in any role, as anyone', () => {
    open({ user: 'Mette', role: 'caseworker', granted: 'admin', source: 'demo', roles: ['caseworker', 'team_lead', 'admin'] });
    expect(screen.getByTestId('settings-user')).not.toHaveAttribute('readonly');
    expect(options()).toEqual(['caseworker', 'team_lead', 'admin']);
    expect(screen.queryByTestId('settings-who')).toBeNull();
  });
});

describe('Settings: backups', () => {
  const owner: Who = { user: 'Mette', role: 'caseworker', granted: 'caseworker', source: 'owner', roles: ['caseworker'] };
  beforeEach(() => {
    reset();
    setLang('da');
  });
  afterEach(() => cleanup());

  it('makes a backup where the save dialog says and shows what the core wrote; a refusal is shown', async () => {
    open(owner);
    dialog.save = async () => null;
    await fireEvent.click(screen.getByTestId('settings-backup-make'));
    expect(calls.some((c) => c.cmd === 'backup_now')).toBe(false);

    dialog.save = async () => '/home/mette/kopi.indsats-backup';
    handlers.backup_now = (a) => {
      if ((a as { path: string }).path.includes('findes')) {
        throw { code: 'backup_exists', message: '/home/mette/findes findes allerede. Vælg et andet filnavn; intet er overskrevet.', field: null };
      }
      return { file: (a as { path: string }).path, created_at: '2026-11-24T09:00:00+00:00', bytes: 81920, changes: 12, removed: 0 };
    };
    await fireEvent.click(screen.getByTestId('settings-backup-make'));
    expect(await screen.findByText('Sikkerhedskopien er skrevet og kontrolleret: /home/mette/kopi.indsats-backup')).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === 'backup_now').at(-1)!.args).toEqual({ path: '/home/mette/kopi.indsats-backup' });

    dialog.save = async () => '/home/mette/findes';
    await fireEvent.click(screen.getByTestId('settings-backup-make'));
    expect(await screen.findByText(/findes allerede/)).toBeInTheDocument();
  });

  it('saves the automatic backup folder, interval and number kept with the settings; a bad folder is shown at its field', async () => {
    open(owner);
    handlers.save_settings = (a) => {
      const s = (a as { settings: { backup_dir: string } }).settings;
      if (!s.backup_dir.startsWith('/')) {
        throw { code: 'relative_folder', message: '«kopier» er ikke en hel sti.', field: 'backup_dir' };
      }
      return { ...app.info!, settings: { ...app.info!.settings, ...s } };
    };
    await fireEvent.input(screen.getByTestId('settings-backup-dir'), { target: { value: 'kopier' } });
    await fireEvent.input(screen.getByTestId('settings-backup-every'), { target: { value: '3' } });
    await fireEvent.input(screen.getByTestId('settings-backup-keep'), { target: { value: '14' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(await screen.findByText('«kopier» er ikke en hel sti.')).toBeInTheDocument();
    expect(screen.getByTestId('settings-backup-dir')).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.input(screen.getByTestId('settings-backup-dir'), { target: { value: '/mnt/kopier' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await vi.waitFor(() => expect(app.info!.settings.backup_dir).toBe('/mnt/kopier'));
    const sent = calls.filter((c) => c.cmd === 'save_settings').at(-1)!.args as { settings: Record<string, unknown> };
    expect(sent.settings).toMatchObject({ backup_dir: '/mnt/kopier', backup_every_days: 3, backup_keep: 14 });
  });

  it('offers no backup of the demo', () => {
    app.info = { ...info, mode: 'demo', who: { ...owner, source: 'demo' } };
    app.catalogue = catalogue;
    render(Settings);
    expect(screen.queryByTestId('settings-backup-now')).toBeNull();
  });
});
