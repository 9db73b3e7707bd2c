// What the case screens share: the profile on screen (so that the log-progress dialog can
// suggest from its timeline without a second audited read) and a counter that goes up after
// every saved change to a participant (screens showing one reload on it).

import type { Profile } from '../bindings/Profile';

export const cases = $state({
  /** The profile the Profile screen shows, or null. */
  profile: null as Profile | null,
  /** Goes up after every saved change to a participant. */
  saved: 0,
});
