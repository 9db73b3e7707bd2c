import { describe, expect, it } from 'vitest';
import { fmtDate, fmtDateTime, fmtNumber, fmtValue, fmtWhen, isoToday } from './format';

describe('fmtNumber', () => {
  it('writes Danish and English numbers', () => {
    expect(fmtNumber(1234.5, 'da')).toBe('1.234,5');
    expect(fmtNumber(1234.5, 'en')).toBe('1,234.5');
    expect(fmtNumber(0.25, 'da', 2)).toBe('0,25');
    expect(fmtNumber(12, 'da')).toBe('12');
  });

  it('rounds to the digits asked', () => {
    expect(fmtNumber(58.46, 'da')).toBe('58,5');
    expect(fmtNumber(58.46, 'en', 0)).toBe('58');
  });

  it('shows a dash for no value', () => {
    expect(fmtNumber(null, 'da')).toBe('–');
    expect(fmtNumber(undefined, 'en')).toBe('–');
    expect(fmtNumber(Number.NaN, 'da')).toBe('–');
  });
});

describe('fmtValue', () => {
  it('writes each unit', () => {
    expect(fmtValue(58.5, 'percent', 'da')).toBe('58,5 %');
    expect(fmtValue(58.5, 'percent', 'en')).toBe('58.5 %');
    expect(fmtValue(-3.2, 'pp', 'da')).toMatch(/3,2 pct\.-point$/);
    expect(fmtValue(4, 'pp', 'en')).toBe('4 pp');
    expect(fmtValue(12, 'days', 'da')).toBe('12 dage');
    expect(fmtValue(12, 'days', 'en')).toBe('12 days');
    expect(fmtValue(1234, 'count', 'da')).toBe('1.234');
    expect(fmtValue(1234.6, 'count', 'en')).toBe('1,235');
  });

  it('shows a dash for no value', () => {
    expect(fmtValue(null, 'percent', 'da')).toBe('–');
  });
});

describe('fmtDate', () => {
  it('writes Danish dd-mm-yyyy and English ISO', () => {
    expect(fmtDate('2026-11-25', 'da')).toBe('25-11-2026');
    expect(fmtDate('2026-11-25', 'en')).toBe('2026-11-25');
    expect(fmtDate('2026-11-25T09:00:00Z', 'da')).toBe('25-11-2026');
  });

  it('leaves other text alone and shows a dash for none', () => {
    expect(fmtDate('soon', 'da')).toBe('soon');
    expect(fmtDate(null, 'da')).toBe('–');
    expect(fmtDate('', 'en')).toBe('–');
  });

  it('knows today', () => {
    expect(isoToday()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('fmtDateTime and fmtWhen', () => {
  // Local times, so that the tests hold in any time zone.
  const at = new Date(2026, 10, 24, 9, 4).toISOString();

  it('writes a time stamp in local time, with the date as the language writes it', () => {
    expect(fmtDateTime(at, 'da')).toBe('24-11-2026 09:04');
    expect(fmtDateTime(at, 'en')).toBe('2026-11-24 09:04');
    expect(fmtDateTime(null, 'da')).toBe('–');
    expect(fmtDateTime('not a time', 'da')).toBe('not a time');
  });

  it('leaves the date out when it is today', () => {
    expect(fmtWhen(at, 'da', new Date(2026, 10, 24, 17, 30))).toBe('09:04');
    expect(fmtWhen(at, 'da', new Date(2026, 10, 25, 8, 0))).toBe('24-11-2026 09:04');
    expect(fmtWhen(undefined, 'en')).toBe('–');
  });
});
