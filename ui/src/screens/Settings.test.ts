import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, cleanup, fireEvent } from '@testing-library/svelte';
import { reset, handlers, calls } from '../test-tauri';
import type { Who } from '../lib/bindings/Who';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);

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
