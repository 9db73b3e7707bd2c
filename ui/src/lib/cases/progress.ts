// The log-progress form as plain data: its state, which fields each event type needs, the
// defaults, the state → EventDetails translation with its checks, and the draft's JSON. No Svelte
// and no Tauri here, so that all of it is unit-tested.

import type { EventDetails } from '../bindings/EventDetails';
import type { ProgressInput } from '../bindings/ProgressInput';
import type { TimelineEvent } from '../bindings/TimelineEvent';
import type { DanishCourse } from '../bindings/DanishCourse';
import type { DanishExam } from '../bindings/DanishExam';
import type { InitiativeType } from '../bindings/InitiativeType';
import type { EmploymentKind } from '../bindings/EmploymentKind';
import type { OfferResult } from '../bindings/OfferResult';
import type { EducationLevel } from '../bindings/EducationLevel';
import type { Dimension } from '../bindings/Dimension';
import type { Scale } from '../bindings/Scale';
import type { TargetGroup } from '../bindings/TargetGroup';
import type { CommunityKind } from '../bindings/CommunityKind';
import type { ClosureReason } from '../bindings/ClosureReason';
import type { ConversationOutcome } from '../bindings/ConversationOutcome';
import type { ConversationMode } from '../bindings/ConversationMode';
import { parseDate } from './dates';

export type EventType = EventDetails['type'];

/** The fields an event type may need, beyond participant and date. */
export type DetailField =
  | 'course'
  | 'module'
  | 'exam'
  | 'offer'
  | 'hours_per_week'
  | 'kind'
  | 'result'
  | 'level'
  | 'dimension'
  | 'scale'
  | 'score'
  | 'target_group'
  | 'new_end'
  | 'community'
  | 'reason'
  | 'outcome'
  | 'mode'
  | 'interpreter';

export type FormField = DetailField | 'participant' | 'type' | 'date' | 'note';

/** Which fields each event type shows, in the order the form shows them. */
export const FIELDS: Record<EventType, DetailField[]> = {
  visitation: ['target_group'],
  contract_signed: [],
  programme_extended: ['new_end'],
  programme_ended: [],
  meeting_held: [],
  conversation: ['outcome', 'mode', 'interpreter'],
  danish_started: ['course', 'module'],
  module_test_passed: ['course', 'module'],
  exam_registered: ['exam'],
  exam_passed: ['exam'],
  danish_interrupted: ['course'],
  offer_started: ['offer', 'hours_per_week'],
  offer_ended: ['offer', 'result'],
  employment_started: ['kind', 'hours_per_week'],
  employment_ended: ['kind'],
  education_started: ['level'],
  education_completed: ['level'],
  education_interrupted: ['level'],
  benefit_ended: [],
  benefit_resumed: [],
  progression_measured: ['dimension', 'scale', 'score'],
  community: ['community'],
  closure: ['reason'],
};

export const EVENT_TYPES = Object.keys(FIELDS) as EventType[];

/** Fields that start empty and must be typed or chosen (the rest have a default). */
export const MUST_FILL: DetailField[] = ['hours_per_week', 'score', 'target_group', 'new_end'];

export const COURSES: DanishCourse[] = ['du1', 'du2', 'du3'];
export const EXAMS: DanishExam[] = ['pd1', 'pd2', 'pd3', 'studieproeven'];
export const OFFERS: InitiativeType[] = [
  'danskuddannelse',
  'virksomhedspraktik',
  'loentilskud',
  'igu',
  'mentor',
  'vejledning',
  'fvu_amu_avu',
  'fgu_brobygning',
  'forening',
  'demokrati',
  'andet',
];
export const EMPLOYMENT_KINDS: EmploymentKind[] = ['ordinary', 'wage_subsidy', 'igu', 'flex', 'sheltered'];
export const OFFER_RESULTS: OfferResult[] = ['completed', 'dropped_out', 'job', 'education'];
export const LEVELS: EducationLevel[] = ['fgu', 'eud', 'gymnasial', 'videregaaende'];
export const DIMENSIONS: Dimension[] = ['professional', 'language', 'physical', 'mental', 'social', 'attendance', 'own_belief'];
export const SCALES: Scale[] = ['1-5', '1-10'];
export const TARGET_GROUPS: TargetGroup[] = ['jobparat', 'aktivitetsparat', 'uddannelsesparat', 'aktivitetsparat_u30'];
export const COMMUNITY_KINDS: CommunityKind[] = ['forening', 'frivillig', 'demokrati'];
export const CLOSURE_REASONS: ClosureReason[] = ['fraflyttet', 'repatrieret', 'doed'];
export const CONVERSATION_OUTCOMES: ConversationOutcome[] = ['held', 'cancelled', 'no_show'];
export const CONVERSATION_MODES: ConversationMode[] = ['in_person', 'phone', 'video'];

/** Everything the dialog holds; numbers and dates as typed. */
export interface ProgressForm {
  participant: string;
  /** The participant's name and pseudonym as shown (so a restored draft says whom it is for). */
  participantName: string;
  type: EventType | '';
  date: string;
  course: DanishCourse;
  module: string;
  exam: DanishExam;
  offer: InitiativeType;
  hours_per_week: string;
  kind: EmploymentKind;
  result: OfferResult;
  level: EducationLevel;
  dimension: Dimension;
  scale: Scale;
  score: string;
  target_group: TargetGroup | '';
  new_end: string;
  community: CommunityKind;
  reason: ClosureReason;
  outcome: ConversationOutcome;
  mode: ConversationMode;
  /** The interpreter's language, if one was used (empty: none). */
  interpreter: string;
  /** A journal note on the event (what was said); empty: none. */
  note: string;
}

/** A fresh form: date `dateText` (today, as the user writes dates), DU1 module 1. */
export function emptyForm(dateText: string, participant = '', participantName = ''): ProgressForm {
  return {
    participant,
    participantName,
    type: '',
    date: dateText,
    course: 'du1',
    module: '1',
    exam: 'pd1',
    offer: 'virksomhedspraktik',
    hours_per_week: '',
    kind: 'ordinary',
    result: 'completed',
    level: 'fgu',
    dimension: 'language',
    scale: '1-5',
    score: '',
    target_group: '',
    new_end: '',
    community: 'forening',
    reason: 'fraflyttet',
    outcome: 'held',
    mode: 'in_person',
    interpreter: '',
    note: '',
  };
}

/**
 * The course and module to suggest from a timeline (newest first): after "module test passed
 * DU2 module 3" the next test is DU2 module 4; after "DU2 started at module 3" it is module 3.
 * Null when the timeline says nothing about Danish.
 */
export function suggestDanish(events: TimelineEvent[]): { course: DanishCourse; module: number } | null {
  for (const e of events) {
    if (e.type_code !== 'module_test_passed' && e.type_code !== 'danish_started') continue;
    const m = /\b(du[123])\b\D*(\d)\s*$/i.exec(e.summary);
    if (!m) continue;
    const course = m[1].toLowerCase() as DanishCourse;
    const module = Number(m[2]);
    if (e.type_code === 'danish_started') return { course, module };
    return { course, module: Math.min(module + 1, 6) };
  }
  return null;
}

/** A problem with one field: a message key of the "cases." area and its parameters. */
export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}

export type Built =
  | { ok: true; input: ProgressInput }
  | { ok: false; errors: Partial<Record<FormField, Problem>> };

/** A decimal number as typed (`7,5` or `7.5`), or null. */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function parseWhole(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/**
 * The form as the core's ProgressInput, or the problems to show beside each field. `today` is
 * ISO (the core's today); dates may be typed dd-mm-yyyy or ISO.
 */
export function buildProgress(f: ProgressForm, today: string): Built {
  const errors: Partial<Record<FormField, Problem>> = {};
  if (!f.participant) errors.participant = { key: 'cases.progress.err.participant' };
  if (!f.type) {
    errors.type = { key: 'cases.progress.err.type' };
    return { ok: false, errors };
  }
  const date = parseDate(f.date);
  if (!f.date.trim()) errors.date = { key: 'cases.err.required' };
  else if (!date) errors.date = { key: 'cases.err.date', params: { value: f.date.trim() } };
  else if (date > today) errors.date = { key: 'cases.err.future' };

  let details: EventDetails | null = null;
  const hours = (): number | null => {
    if (!f.hours_per_week.trim()) {
      errors.hours_per_week = { key: 'cases.err.required' };
      return null;
    }
    const h = parseDecimal(f.hours_per_week);
    if (h === null || h > 60) {
      errors.hours_per_week = { key: 'cases.err.range', params: { min: 0, max: 60 } };
      return null;
    }
    return h;
  };
  const module = (): number | null => {
    const m = parseWhole(f.module);
    if (m === null || m < 1 || m > 6) {
      errors.module = { key: 'cases.err.range', params: { min: 1, max: 6 } };
      return null;
    }
    return m;
  };

  switch (f.type) {
    case 'visitation':
      if (!f.target_group) errors.target_group = { key: 'cases.err.choose' };
      else details = { type: 'visitation', target_group: f.target_group };
      break;
    case 'programme_extended': {
      const end = parseDate(f.new_end);
      if (!f.new_end.trim()) errors.new_end = { key: 'cases.err.required' };
      else if (!end) errors.new_end = { key: 'cases.err.date', params: { value: f.new_end.trim() } };
      else if (date && end < date) errors.new_end = { key: 'cases.err.end_before' };
      else details = { type: 'programme_extended', new_end: end };
      break;
    }
    case 'contract_signed':
    case 'programme_ended':
    case 'meeting_held':
    case 'benefit_ended':
    case 'benefit_resumed':
      details = { type: f.type };
      break;
    case 'danish_started':
    case 'module_test_passed': {
      const m = module();
      if (m !== null) details = { type: f.type, course: f.course, module: m };
      break;
    }
    case 'exam_registered':
    case 'exam_passed':
      details = { type: f.type, exam: f.exam };
      break;
    case 'danish_interrupted':
      details = { type: 'danish_interrupted', course: f.course };
      break;
    case 'offer_started': {
      const h = hours();
      if (h !== null) details = { type: 'offer_started', offer: f.offer, hours_per_week: h };
      break;
    }
    case 'offer_ended':
      details = { type: 'offer_ended', offer: f.offer, result: f.result };
      break;
    case 'employment_started': {
      const h = hours();
      if (h !== null) details = { type: 'employment_started', kind: f.kind, hours_per_week: h };
      break;
    }
    case 'employment_ended':
      details = { type: 'employment_ended', kind: f.kind };
      break;
    case 'education_started':
    case 'education_completed':
    case 'education_interrupted':
      details = { type: f.type, level: f.level };
      break;
    case 'progression_measured': {
      const top = f.scale === '1-10' ? 10 : 5;
      const s = parseWhole(f.score);
      if (!f.score.trim()) errors.score = { key: 'cases.err.required' };
      else if (s === null || s < 1 || s > top) errors.score = { key: 'cases.err.range', params: { min: 1, max: top } };
      else details = { type: 'progression_measured', dimension: f.dimension, scale: f.scale, score: s };
      break;
    }
    case 'community':
      details = { type: 'community', kind: f.community };
      break;
    case 'closure':
      details = { type: 'closure', reason: f.reason };
      break;
    case 'conversation':
      details = { type: 'conversation', outcome: f.outcome, mode: f.mode, interpreter: f.interpreter.trim() || null };
      break;
  }
  if (Object.keys(errors).length > 0 || !details || !date) return { ok: false, errors };
  return { ok: true, input: { participant: f.participant, date, details, note: f.note.trim() } };
}

/** Where the core's error field belongs in this form (its names → the form's). */
export function formFieldOf(coreField: string | null | undefined): FormField | null {
  switch (coreField) {
    case 'date':
    case 'module':
    case 'hours_per_week':
    case 'score':
    case 'target_group':
    case 'participant':
      return coreField;
    case 'end':
    case 'new_end':
      return 'new_end';
    case 'course':
    case 'exam':
    case 'offer':
    case 'kind':
    case 'result':
    case 'level':
    case 'dimension':
    case 'scale':
    case 'reason':
    case 'interpreter':
      return coreField;
    case 'text':
      return 'note';
    case 'conversation_outcome':
      return 'outcome';
    case 'conversation_mode':
      return 'mode';
    case 'event':
    case 'type':
      return 'type';
    default:
      return null;
  }
}

// ---- The draft ---------------------------------------------------------------------------------

export const DRAFT_FORM = 'progress';
const DRAFT_VERSION = 1;

/** The form as the draft's JSON body. */
export function draftBody(f: ProgressForm): string {
  return JSON.stringify({ v: DRAFT_VERSION, form: f });
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v.slice(0, 200) : fallback;
}

/**
 * A draft's body back as a form: each field checked, anything unknown replaced by its default.
 * Null when the body is not a draft of this form.
 */
export function restoreDraft(body: string, dateText: string): ProgressForm | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { v, form } = parsed as { v?: unknown; form?: unknown };
  if (v !== DRAFT_VERSION || typeof form !== 'object' || form === null) return null;
  const x = form as Record<string, unknown>;
  const d = emptyForm(dateText);
  return {
    participant: text(x.participant, d.participant),
    participantName: text(x.participantName, d.participantName),
    type: oneOf<EventType | ''>(x.type, ['', ...EVENT_TYPES], ''),
    date: text(x.date, d.date),
    course: oneOf(x.course, COURSES, d.course),
    module: text(x.module, d.module),
    exam: oneOf(x.exam, EXAMS, d.exam),
    offer: oneOf(x.offer, OFFERS, d.offer),
    hours_per_week: text(x.hours_per_week, d.hours_per_week),
    kind: oneOf(x.kind, EMPLOYMENT_KINDS, d.kind),
    result: oneOf(x.result, OFFER_RESULTS, d.result),
    level: oneOf(x.level, LEVELS, d.level),
    dimension: oneOf(x.dimension, DIMENSIONS, d.dimension),
    scale: oneOf(x.scale, SCALES, d.scale),
    score: text(x.score, d.score),
    target_group: oneOf<TargetGroup | ''>(x.target_group, ['', ...TARGET_GROUPS], ''),
    new_end: text(x.new_end, d.new_end),
    community: oneOf(x.community, COMMUNITY_KINDS, d.community),
    reason: oneOf(x.reason, CLOSURE_REASONS, d.reason),
    outcome: oneOf(x.outcome, CONVERSATION_OUTCOMES, d.outcome),
    mode: oneOf(x.mode, CONVERSATION_MODES, d.mode),
    interpreter: text(x.interpreter, d.interpreter),
    note: typeof x.note === 'string' ? x.note.slice(0, 20000) : d.note,
  };
}

/** Whether the form holds anything worth keeping as a draft (beyond what opening it sets). */
export function worthKeeping(f: ProgressForm, fresh: ProgressForm): boolean {
  return JSON.stringify({ ...f, participantName: '' }) !== JSON.stringify({ ...fresh, participantName: '' });
}

// ---- Choosing a type by typing -----------------------------------------------------------------

/**
 * The index of the next option whose label starts with `typed` (case-insensitive), searching
 * from `from` (inclusive) and wrapping; -1 when none does.
 */
export function typeahead(labels: string[], typed: string, from: number): number {
  const q = typed.toLocaleLowerCase();
  if (!q) return -1;
  for (let i = 0; i < labels.length; i++) {
    const j = (from + i) % labels.length;
    if (labels[j].toLocaleLowerCase().startsWith(q)) return j;
  }
  return -1;
}
