import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import TrendChart from './TrendChart.svelte';
import { setLang } from '../lib/i18n/index.svelte';

const points = [
  { period: '2025-Q1', value: 30, target: 35 },
  { period: '2025-Q2', value: null, target: 35 },
  { period: '2025-Q3', value: 32.5, target: 35 },
  { period: '2026-Q1', value: 41.25, target: 40 },
];

describe('TrendChart', () => {
  afterEach(() => {
    cleanup();
    setLang('da');
  });

  it('is an image with a summary in words, and a table of the numbers', () => {
    setLang('da');
    const { container, getByRole } = render(TrendChart, { name: 'Beskæftigelse', unit: 'percent', points });
    const img = getByRole('img');
    const summary = img.getAttribute('aria-label') ?? '';
    expect(summary).toContain('Beskæftigelse');
    expect(summary).toContain('30 %');
    expect(summary).toContain('1. kvt. 2025');
    expect(summary).toContain('41,3 %');
    expect(summary).toContain('40 %');
    // A value line (broken at the gap) and a dashed target line.
    const paths = container.querySelectorAll('path');
    expect(paths).toHaveLength(2);
    expect(container.querySelector('path.value')?.getAttribute('d')?.match(/M/g)).toHaveLength(2);
    expect(container.querySelector('path.target')).not.toBeNull();
    // The table: one row per period.
    const rows = container.querySelectorAll('details tbody tr');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toHaveTextContent('2. kvt. 2025');
    expect(rows[1]).toHaveTextContent('–');
  });

  it('says when there are no values yet', () => {
    setLang('en');
    const { getByRole } = render(TrendChart, {
      name: 'Danish tests',
      unit: 'percent',
      points: [{ period: '2026-Q1', value: null, target: null }],
    });
    expect(getByRole('img').getAttribute('aria-label')).toBe('Danish tests: no values yet.');
  });
});
