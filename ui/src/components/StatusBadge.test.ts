import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import StatusBadge from './StatusBadge.svelte';
import { app } from '../lib/session.svelte';
import type { Catalogue } from '../lib/bindings/Catalogue';

function withStatuses() {
  app.catalogue = {
    statuses: [
      { code: 'on_track', label: 'På sporet' },
      { code: 'at_risk', label: 'I risiko' },
      { code: 'off_track', label: 'Ikke på sporet' },
      { code: 'unknown', label: 'Ukendt' },
    ],
  } as unknown as Catalogue;
}

describe('StatusBadge', () => {
  afterEach(() => {
    cleanup();
    app.catalogue = null;
  });

  it('says the status in words, with an icon, not by colour alone', () => {
    withStatuses();
    const cases: [string, string, string][] = [
      ['on_track', 'På sporet', '✓'],
      ['at_risk', 'I risiko', '!'],
      ['off_track', 'Ikke på sporet', '✕'],
      ['unknown', 'Ukendt', '?'],
    ];
    for (const [status, text, icon] of cases) {
      const { container } = render(StatusBadge, { status });
      const badge = container.querySelector('.badge');
      expect(badge).not.toBeNull();
      expect(badge).toHaveTextContent(text);
      expect(badge?.querySelector('[aria-hidden="true"]')).toHaveTextContent(icon);
      expect(badge?.getAttribute('data-status')).toBe(status);
      cleanup();
    }
  });

  it('shows an unknown status as unknown, with its code as text', () => {
    const { container } = render(StatusBadge, { status: 'weird' });
    expect(container.querySelector('.badge')?.getAttribute('data-status')).toBe('unknown');
    expect(container).toHaveTextContent('weird');
  });
});
