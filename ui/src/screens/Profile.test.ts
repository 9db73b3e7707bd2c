import { describe, it, expect, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import type { Profile } from '../lib/bindings/Profile';
import type { InitiativeRow } from '../lib/bindings/InitiativeRow';
import { handlers } from '../test-tauri';

const P = '7b0e0a54-0000-4000-8000-000000000001';

const profile: Profile = {
  id: P,
  pseudonym: 'D-4821',
  name: 'Zainab Testdatter',
  cpr: '010190-1234',
  birth_year: 1990,
  origin: 'non_western',
  arrival_date: '2024-05-01',
  programme: 'selvforsoergelse',
  programme_start: '2025-03-01',
  programme_end: '2030-02-28',
  caseworker: 'Mette',
  case_closed: null,
  target_group: 'jobparat',
  target_group_since: '2025-03-10',
  ladder_step: 2,
  ladder_history: [
    { date: '2025-03-01', step: 0 },
    { date: '2025-04-01', step: 1 },
    { date: '2026-10-01', step: 2 },
  ],
  enrolments: [
    { id: 'en1', participant: P, label: 'Sprogcafé Nord', initiative: 'i1', start: '2026-10-01', end: null, outcome: null },
  ],
  events: [
    {
      id: 'e2',
      date: '2026-10-01',
      type_code: 'offer_started',
      type_label: 'Tilbud startet',
      summary: 'Virksomhedspraktik, 15 t/uge',
      recorded_by: 'Mette',
      recorded_at: '2026-10-01T09:00:00Z',
      step: 2,
    },
  ],
};

const initiatives: InitiativeRow[] = [
  {
    id: 'i1',
    title: 'Sprogcafé Nord',
    kind: 'danskuddannelse',
    owner: 'Team Nord',
    start: '2026-01-01',
    end: null,
    status: 'active',
    capacity: null,
    goals: [],
    enrolled_now: 1,
    enrolled_total: 1,
  },
];

vi.mock('@tauri-apps/api/core', async () => (await import('../test-tauri')).core);
handlers.participant = () => profile;
handlers.initiatives = () => initiatives;
handlers.enrol = () => {
  throw { code: 'already_enrolled', message: 'Allerede tilmeldt.', field: 'start' };
};

const { app } = await import('../lib/session.svelte');
const { nav } = await import('../lib/nav.svelte');
const { catalogue, info } = await import('../lib/cases/fixtures');
const ProfileScreen = (await import('./Profile.svelte')).default;

describe('Profile', () => {
  it('shows the person, the timeline, the ladder chart with its table, and keeps typed values on error', async () => {
    app.info = info;
    app.catalogue = catalogue;
    render(ProfileScreen, { props: { id: P } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Zainab Testdatter' })).toBeInTheDocument();
    expect(screen.getByTestId('timeline')).toHaveTextContent('Tilbud startet');
    expect(screen.getByTestId('timeline')).toHaveTextContent('01-10-2026');
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toContain('trin 2');
    expect(screen.getByTestId('profile-step')).toHaveTextContent('2');
    expect(screen.getByText('Jobparat')).toBeInTheDocument();

    const select = screen.getByTestId('enrol-initiative') as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toContain('Sprogcafé Nord (Danskuddannelse)');
    await fireEvent.change(select, { target: { value: 'i1' } });
    const start = screen.getByTestId('enrol-start');
    expect(start).toHaveValue('25-11-2026');
    await fireEvent.input(start, { target: { value: '02-10-2026' } });
    await fireEvent.click(screen.getByTestId('enrol-save'));
    expect(await screen.findByText('Allerede tilmeldt.')).toBeInTheDocument();
    expect(start).toHaveValue('02-10-2026');
    expect(start).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.click(screen.getByTestId('profile-log'));
    expect(nav.logProgress).toEqual({ open: true, participant: P });

    const axe = (await import('axe-core')).default;
    const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    await waitFor(() => expect(bad.map((v) => v.id)).toEqual([]));
  });
});
