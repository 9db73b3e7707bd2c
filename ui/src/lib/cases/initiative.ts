// An initiative's results as results-based accountability asks for them: how much did we do
// (participants), how well (ended, completed or better, dropped out), is anyone better off (to
// job or education). Shares are of the enrolments that have ended (null when none has).

import type { InitiativeDetail } from '../bindings/InitiativeDetail';

export interface Results {
  participants: number;
  ended: number;
  endedShare: number | null;
  completed: number;
  completedShare: number | null;
  droppedOut: number;
  droppedShare: number | null;
  betterOff: number;
  betterOffShare: number | null;
}

export function results(d: InitiativeDetail): Results {
  const share = (n: number, of: number) => (of > 0 ? (100 * n) / of : null);
  return {
    participants: d.participants,
    ended: d.ended,
    endedShare: share(d.ended, d.participants),
    completed: d.completed_or_better,
    completedShare: share(d.completed_or_better, d.ended),
    droppedOut: d.dropped_out,
    droppedShare: share(d.dropped_out, d.ended),
    betterOff: d.to_job_or_education,
    betterOffShare: share(d.to_job_or_education, d.ended),
  };
}
