// The ladder step chart's geometry: dated steps → an SVG path of horizontal and vertical lines.

import type { LadderPoint } from '../bindings/LadderPoint';
import { daysBetween } from './dates';

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface StepChart {
  d: string;
  dots: { x: number; y: number }[];
  first: string;
  last: string;
  y: (step: number) => number;
}

/** A step line from the first point to `today` (ISO dates), steps 0–6 from bottom to top. */
export function stepPath(points: LadderPoint[], today: string, box: Box): StepChart {
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const first = sorted[0]?.date ?? today;
  const lastPoint = sorted[sorted.length - 1]?.date ?? today;
  const last = today > lastPoint ? today : lastPoint;
  const span = Math.max(daysBetween(first, last), 1);
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const x = (date: string) => box.left + (daysBetween(first, date) / span) * plotW;
  const y = (step: number) => box.top + plotH - (Math.max(0, Math.min(6, step)) / 6) * plotH;
  const r = (n: number) => Math.round(n * 10) / 10;
  if (sorted.length === 0) return { d: '', dots: [], first, last, y };
  let d = `M${r(x(sorted[0].date))},${r(y(sorted[0].step))}`;
  const dots = [{ x: r(x(sorted[0].date)), y: r(y(sorted[0].step)) }];
  for (let i = 1; i < sorted.length; i++) {
    const px = r(x(sorted[i].date));
    d += ` H${px} V${r(y(sorted[i].step))}`;
    dots.push({ x: px, y: r(y(sorted[i].step)) });
  }
  d += ` H${r(x(last))}`;
  return { d, dots, first, last, y };
}
