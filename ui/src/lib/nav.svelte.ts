// Where the window is: one screen at a time, with its parameters (a participant's id…).
// Screens call `go`; the header's navigation and the browser-less back button use `back`.

export type Screen =
  | 'today'
  | 'overview'
  | 'goals'
  | 'initiatives'
  | 'initiative'
  | 'participants'
  | 'profile'
  | 'audit'
  | 'settings'
  | 'sync';

export const nav = $state({
  screen: 'overview' as Screen,
  params: {} as Record<string, string>,
  history: [] as { screen: Screen; params: Record<string, string> }[],
  /** The log-progress dialog: open, for whom (a participant id, or empty to pick one), and
   *  the event type to start with (empty: to pick). */
  logProgress: { open: false, participant: '', type: '' },
});

export function go(screen: Screen, params: Record<string, string> = {}) {
  nav.history.push({ screen: nav.screen, params: nav.params });
  if (nav.history.length > 50) nav.history.shift();
  nav.screen = screen;
  nav.params = params;
}

export function back() {
  const prev = nav.history.pop();
  if (prev) {
    nav.screen = prev.screen;
    nav.params = prev.params;
  } else {
    nav.screen = 'overview';
    nav.params = {};
  }
}

export function openLogProgress(participant = '', type = '') {
  nav.logProgress = { open: true, participant, type };
}
