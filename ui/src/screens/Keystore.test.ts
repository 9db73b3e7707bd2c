// The store's key in the OS keystore: the first run offers it only where the keystore keeps keys
// across logins, shows the recovery code once and goes on only when it is written down; unlocking
// is one button, and the recovery code unlocks too.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AppInfo } from '../lib/bindings/AppInfo';
import { handlers, reset, argsOf } from '../test-tauri';

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: async () => null }));

const { app } = await import('../lib/session.svelte');
const { setLang } = await import('../lib/i18n/index.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const FirstRun = (await import('./FirstRun.svelte')).default;
const Unlock = (await import('./Unlock.svelte')).default;

const CODE = '28T5-CY4T-QKFF-03ZD-SEMR-ESA3';
const fresh = (over: Partial<AppInfo> = {}): AppInfo => ({ ...info, initialised: false, mode: 'none', last_mode: 'none', ...over });

beforeEach(() => {
  reset();
  handlers.catalogue = () => catalogue;
  setLang('da');
  app.catalogue = catalogue;
});
afterEach(() => cleanup());

describe('first run', () => {
  it('offers no keystore where none keeps keys across logins', () => {
    app.info = fresh({ keystore_available: false });
    render(FirstRun);
    expect(screen.queryByTestId('firstrun-method-keystore')).toBeNull();
    expect(screen.getByTestId('firstrun-passphrase')).toBeTruthy();
  });

  it('with the keystore: no passphrase, the recovery code once, and on only when it is written down', async () => {
    app.info = fresh({ keystore_available: true });
    handlers.first_run = () => ({ ...info, settings: { ...info.settings, keystore: true }, recovery_code: CODE });
    render(FirstRun);
    await fireEvent.click(screen.getByTestId('firstrun-method-keystore'));
    expect(screen.queryByTestId('firstrun-passphrase')).toBeNull();
    await fireEvent.input(screen.getByTestId('firstrun-user'), { target: { value: 'Mette Testesen' } });
    await fireEvent.click(screen.getByTestId('firstrun-create'));
    await waitFor(() => expect(screen.getByTestId('recovery-code').textContent).toBe(CODE));
    const input = argsOf('first_run')[0].input as Record<string, unknown>;
    expect(input).toMatchObject({ keystore: true, passphrase: '', repeat: '', user: 'Mette Testesen' });
    // Not in the app yet: the window still shows the code.
    expect(app.info?.mode).toBe('none');
    const go = screen.getByTestId('recovery-continue') as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('recovery-saved'));
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    await waitFor(() => expect(app.info?.mode).toBe('store'));
  });

  it('with a passphrase: the short one is refused before anything is sent', async () => {
    app.info = fresh({ keystore_available: true });
    render(FirstRun);
    await fireEvent.input(screen.getByTestId('firstrun-passphrase'), { target: { value: 'kort' } });
    await fireEvent.click(screen.getByTestId('firstrun-create'));
    expect(argsOf('first_run')).toHaveLength(0);
    expect(document.body.textContent).toContain('mindst 8 tegn');
  });
});

describe('unlock', () => {
  it('is one button with the keystore, and says what to do when the key is not there', async () => {
    app.info = { ...info, mode: 'none', settings: { ...info.settings, keystore: true } };
    handlers.unlock_keystore = () => {
      throw { code: 'key_not_in_keystore', message: 'Lås op med gendannelseskoden, du skrev ned.', field: null };
    };
    render(Unlock);
    expect(screen.getByLabelText('Eller skriv gendannelseskoden')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('unlock-keystore'));
    await waitFor(() => expect(screen.getByTestId('unlock-error').textContent).toContain('gendannelseskoden'));
    handlers.unlock_keystore = () => ({ ...info, settings: { ...info.settings, keystore: true } });
    await fireEvent.click(screen.getByTestId('unlock-keystore'));
    await waitFor(() => expect(app.info?.mode).toBe('store'));
  });

  it('has no keystore button for a passphrase store or the demo', () => {
    app.info = { ...info, mode: 'none' };
    render(Unlock);
    expect(screen.queryByTestId('unlock-keystore')).toBeNull();
    cleanup();
    app.info = { ...info, mode: 'none', last_mode: 'demo', settings: { ...info.settings, keystore: true } };
    render(Unlock);
    expect(screen.queryByTestId('unlock-keystore')).toBeNull();
  });
});
