import { describe, it, expect } from 'vitest';
import {
  buildProgress,
  draftBody,
  emptyForm,
  restoreDraft,
  suggestDanish,
  typeahead,
  formFieldOf,
  FIELDS,
  type ProgressForm,
} from './progress';
import { parseDate } from './dates';
import { stepPath } from './ladder';
import type { TimelineEvent } from '../bindings/TimelineEvent';
import type { EventDetails } from '../bindings/EventDetails';
import { t, setLang } from '../i18n/index.svelte';

const TODAY = '2026-11-25';
const P = '7b0e0a54-0000-4000-8000-000000000001';

function form(over: Partial<ProgressForm>): ProgressForm {
  return { ...emptyForm('25-11-2026', P, 'Zainab (D-1234)'), ...over };
}

function built(f: ProgressForm): EventDetails {
  const b = buildProgress(f, TODAY);
  if (!b.ok) throw new Error(JSON.stringify(b.errors));
  return b.input.details;
}

describe('form → EventDetails', () => {
  it('a conversation: how it went, how it was held, and the interpreter language or none', () => {
    expect(built(form({ type: 'conversation', outcome: 'held', mode: 'video', interpreter: ' somali ' }))).toEqual({
      type: 'conversation',
      outcome: 'held',
      mode: 'video',
      interpreter: 'somali',
    });
    expect(built(form({ type: 'conversation', outcome: 'no_show' }))).toEqual({
      type: 'conversation',
      outcome: 'no_show',
      mode: 'in_person',
      interpreter: null,
    });
    expect(FIELDS.conversation).toEqual(['outcome', 'mode', 'interpreter']);
    expect(formFieldOf('conversation_outcome')).toBe('outcome');
    const back = restoreDraft(draftBody(form({ type: 'conversation', mode: 'phone', interpreter: 'arabisk' })), '25-11-2026');
    expect([back?.mode, back?.interpreter]).toEqual(['phone', 'arabisk']);
  });

  it('module test passed: course and module as numbers', () => {
    expect(built(form({ type: 'module_test_passed', course: 'du2', module: ' 3 ' }))).toEqual({
      type: 'module_test_passed',
      course: 'du2',
      module: 3,
    });
  });

  it('the defaults alone make a module test passed (DU1 module 1), dated today in ISO', () => {
    const b = buildProgress(form({ type: 'module_test_passed' }), TODAY);
    expect(b).toEqual({
      ok: true,
      input: { participant: P, date: TODAY, details: { type: 'module_test_passed', course: 'du1', module: 1 }, note: '' },
    });
  });

  it('offer started: offer type and hours with a decimal comma', () => {
    expect(built(form({ type: 'offer_started', offer: 'virksomhedspraktik', hours_per_week: '17,5' }))).toEqual({
      type: 'offer_started',
      offer: 'virksomhedspraktik',
      hours_per_week: 17.5,
    });
  });

  it('employment started: kind and hours', () => {
    expect(built(form({ type: 'employment_started', kind: 'wage_subsidy', hours_per_week: '37' }))).toEqual({
      type: 'employment_started',
      kind: 'wage_subsidy',
      hours_per_week: 37,
    });
  });

  it('other types: only their own fields', () => {
    expect(built(form({ type: 'meeting_held', hours_per_week: '12' }))).toEqual({ type: 'meeting_held' });
    expect(built(form({ type: 'visitation', target_group: 'jobparat' }))).toEqual({
      type: 'visitation',
      target_group: 'jobparat',
    });
    expect(built(form({ type: 'programme_extended', new_end: '01-03-2027' }))).toEqual({
      type: 'programme_extended',
      new_end: '2027-03-01',
    });
    expect(built(form({ type: 'progression_measured', dimension: 'social', scale: '1-10', score: '8' }))).toEqual({
      type: 'progression_measured',
      dimension: 'social',
      scale: '1-10',
      score: 8,
    });
    expect(built(form({ type: 'closure', reason: 'repatrieret' }))).toEqual({ type: 'closure', reason: 'repatrieret' });
  });

  it('dates typed dd-mm-yyyy, with dots or ISO', () => {
    for (const d of ['01-10-2026', '1.10.2026', '2026-10-01', '01/10/2026']) {
      const b = buildProgress(form({ type: 'meeting_held', date: d }), TODAY);
      expect(b.ok && b.input.date).toBe('2026-10-01');
    }
  });

  it('field problems: each beside its field, with a message in both languages', () => {
    const cases: [Partial<ProgressForm>, string, string][] = [
      [{ type: 'module_test_passed', module: '7' }, 'module', 'cases.err.range'],
      [{ type: 'module_test_passed', module: 'x' }, 'module', 'cases.err.range'],
      [{ type: 'offer_started', hours_per_week: '' }, 'hours_per_week', 'cases.err.required'],
      [{ type: 'offer_started', hours_per_week: '61' }, 'hours_per_week', 'cases.err.range'],
      [{ type: 'employment_started', hours_per_week: 'mange' }, 'hours_per_week', 'cases.err.range'],
      [{ type: 'progression_measured', scale: '1-5', score: '6' }, 'score', 'cases.err.range'],
      [{ type: 'visitation' }, 'target_group', 'cases.err.choose'],
      [{ type: 'programme_extended', new_end: '31-02-2027' }, 'new_end', 'cases.err.date'],
      [{ type: 'meeting_held', date: '32-01-2026' }, 'date', 'cases.err.date'],
      [{ type: 'meeting_held', date: '26-11-2026' }, 'date', 'cases.err.future'],
      [{ type: 'meeting_held', date: ' ' }, 'date', 'cases.err.required'],
      [{ type: '' }, 'type', 'cases.progress.err.type'],
      [{ type: 'meeting_held', participant: '' }, 'participant', 'cases.progress.err.participant'],
    ];
    for (const [over, field, key] of cases) {
      const b = buildProgress(form(over), TODAY);
      expect(b.ok, JSON.stringify(over)).toBe(false);
      if (b.ok) continue;
      const p = b.errors[field as keyof typeof b.errors];
      expect(p?.key, JSON.stringify(over)).toBe(key);
      setLang('da');
      const da = t(p!.key, p!.params);
      setLang('en');
      const en = t(p!.key, p!.params);
      expect(da).not.toBe(p!.key);
      expect(en).not.toBe(p!.key);
    }
    setLang('da');
    const b = buildProgress(form({ type: 'offer_started', hours_per_week: '70' }), TODAY);
    expect(!b.ok && t(b.errors.hours_per_week!.key, b.errors.hours_per_week!.params)).toBe(
      'Skal være et tal fra 0 til 60.',
    );
  });

  it("the core's error fields map onto the form", () => {
    expect(formFieldOf('hours_per_week')).toBe('hours_per_week');
    expect(formFieldOf('end')).toBe('new_end');
    expect(formFieldOf('date')).toBe('date');
    expect(formFieldOf(null)).toBeNull();
    expect(formFieldOf('store')).toBeNull();
  });

  it('every event type is known to the form', () => {
    expect(Object.keys(FIELDS)).toHaveLength(23);
  });
});

describe('draft', () => {
  it('round-trips: state → JSON → the same state', () => {
    const f = form({ type: 'offer_started', offer: 'loentilskud', hours_per_week: '17,5', date: '20-11-2026' });
    const body = draftBody(f);
    expect(JSON.parse(body)).toMatchObject({ v: 1, form: { hours_per_week: '17,5' } });
    expect(restoreDraft(body, '25-11-2026')).toEqual(f);
  });

  it('refuses what is not a draft, and replaces unknown values with defaults', () => {
    expect(restoreDraft('not json', '25-11-2026')).toBeNull();
    expect(restoreDraft('{"v":2,"form":{}}', '25-11-2026')).toBeNull();
    const r = restoreDraft(JSON.stringify({ v: 1, form: { type: 'hack', course: 'du9', hours_per_week: 5, participant: P } }), 'D');
    expect(r).toEqual({ ...emptyForm('D'), participant: P });
  });
});

describe('suggestions and keys', () => {
  const ev = (type_code: string, summary: string): TimelineEvent => ({
    id: summary,
    date: '2026-01-01',
    type_code,
    type_label: type_code,
    summary,
    recorded_by: 'x',
    recorded_at: '2026-01-01T09:00:00Z',
    step: 1,
  });

  it('the next module after the last passed one; the started one after a start', () => {
    expect(suggestDanish([ev('meeting_held', ''), ev('module_test_passed', 'DU2 modul 3')])).toEqual({
      course: 'du2',
      module: 4,
    });
    expect(suggestDanish([ev('danish_started', 'DU3 module 2')])).toEqual({ course: 'du3', module: 2 });
    expect(suggestDanish([ev('module_test_passed', 'DU1 modul 6')])).toEqual({ course: 'du1', module: 6 });
    expect(suggestDanish([ev('meeting_held', '')])).toBeNull();
  });

  it('typeahead finds by first letters, wrapping', () => {
    const labels = ['Modultest bestået', 'Tilbud startet', 'Ansættelse startet', 'Samtale afholdt', 'Tilbud afsluttet'];
    expect(typeahead(labels, 't', 0)).toBe(1);
    expect(typeahead(labels, 't', 2)).toBe(4);
    expect(typeahead(labels, 'a', 3)).toBe(2);
    expect(typeahead(labels, 'sa', 0)).toBe(3);
    expect(typeahead(labels, 'x', 0)).toBe(-1);
  });

  it('dates: real ones only', () => {
    expect(parseDate('29-02-2028')).toBe('2028-02-29');
    expect(parseDate('29-02-2027')).toBeNull();
    expect(parseDate('2026-13-01')).toBeNull();
    expect(parseDate('')).toBeNull();
  });

  it('the ladder chart is a step path', () => {
    const c = stepPath(
      [
        { date: '2026-01-01', step: 0 },
        { date: '2026-07-01', step: 2 },
      ],
      '2026-12-31',
      { width: 110, height: 70, left: 10, right: 0, top: 0, bottom: 10 },
    );
    expect(c.d.startsWith('M10,60 H')).toBe(true);
    expect(c.d.endsWith('H110')).toBe(true);
    expect(c.dots).toHaveLength(2);
    expect(c.y(6)).toBe(0);
  });
});
