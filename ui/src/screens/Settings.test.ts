import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { render, screen, cleanup } from '@testing-library/svelte';
import { reset } from '../test-tauri';
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
    expect(screen.getByTestId('settings-who')).toHaveTextContent('indsats role set');
  });

  it('lets the demo be explored in any role, as anyone', () => {
    open({ user: 'Mette', role: 'caseworker', granted: 'admin', source: 'demo', roles: ['caseworker', 'team_lead', 'admin'] });
    expect(screen.getByTestId('settings-user')).not.toHaveAttribute('readonly');
    expect(options()).toEqual(['caseworker', 'team_lead', 'admin']);
    expect(screen.queryByTestId('settings-who')).toBeNull();
  });
});
