// Fixtures for the case screens' tests, typed with the generated bindings.
import type { Catalogue } from '../bindings/Catalogue';
import type { AppInfo } from '../bindings/AppInfo';
import type { Choice } from '../bindings/Choice';

const ch = (...pairs: [string, string][]): Choice[] => pairs.map(([code, label]) => ({ code, label }));

export const catalogue: Catalogue = {
  initiative_types: ch(['danskuddannelse', 'Danskuddannelse'], ['virksomhedspraktik', 'Virksomhedspraktik'], ['loentilskud', 'Løntilskud']),
  initiative_statuses: ch(['planned', 'Planlagt'], ['active', 'Aktiv'], ['closed', 'Afsluttet']),
  origins: ch(['danish', 'Dansk'], ['western', 'Vestlig'], ['non_western', 'Ikke-vestlig']),
  programmes: ch(['selvforsoergelse', 'Selvforsørgelses- og hjemrejseprogram'], ['introduktion', 'Introduktionsprogram'], ['ingen', 'Intet']),
  target_groups: ch(['jobparat', 'Jobparat'], ['aktivitetsparat', 'Aktivitetsparat']),
  outcomes: ch(['completed', 'Gennemført'], ['dropped_out', 'Afbrudt'], ['job', 'Job'], ['education', 'Uddannelse']),
  roles: ch(['caseworker', 'Sagsbehandler']),
  event_types: ch(
    ['module_test_passed', 'Modultest bestået'],
    ['offer_started', 'Tilbud startet'],
    ['employment_started', 'Ansættelse startet'],
    ['meeting_held', 'Samtale afholdt'],
    ['progression_measured', 'Progressionsmåling'],
    ['visitation', 'Visitation (målgruppe)'],
    ['contract_signed', 'Kontrakt indgået'],
    ['programme_extended', 'Program forlænget'],
    ['closure', 'Sag afsluttet (fraflytning m.m.)'],
  ),
  courses: ch(['du1', 'DU1'], ['du2', 'DU2'], ['du3', 'DU3']),
  exams: ch(['pd1', 'Prøve i Dansk 1']),
  employment_kinds: ch(['ordinary', 'Ordinær'], ['wage_subsidy', 'Løntilskud']),
  education_levels: ch(['fgu', 'FGU']),
  offer_results: ch(['completed', 'Gennemført']),
  dimensions: ch(['language', 'Sprog']),
  scales: ch(['1-5', '1–5'], ['1-10', '1–10']),
  community_kinds: ch(['forening', 'Forening']),
  closure_reasons: ch(['fraflyttet', 'Fraflyttet']),
  conversation_outcomes: ch(['held', 'Afholdt'], ['cancelled', 'Aflyst'], ['no_show', 'Udeblevet']),
  conversation_modes: ch(['in_person', 'Fremmøde'], ['phone', 'Telefon'], ['video', 'Video']),
  statuses: [],
  units: [],
  measures: [],
  directions: [],
};

export const info: AppInfo = {
  version: '0.1.0',
  initialised: true,
  demo_exists: false,
  mode: 'store',
  last_mode: 'store',
  settings: { lang: 'da', user: 'Mette', role: 'caseworker', idle_minutes: 10, no_contact_days: 30, data_dir: '', keystore: false, backup_dir: '', backup_keep: 7, backup_every_days: 1 },
  data_dir: '/tmp',
  today: '2026-11-25',
  municipality: 'Ballerup',
  strategy: 'Vision 2029',
  keystore_available: false,
  recovery_code: null,
  who: { user: 'Mette', role: 'caseworker', granted: 'caseworker', source: 'owner', roles: ['caseworker'] },
};

