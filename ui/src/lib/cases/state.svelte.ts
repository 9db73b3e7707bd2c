// What the case screens share: the profile on screen (so that the log-progress dialog can
// suggest from its timeline without a second audited read), a counter that goes up after every
// saved change (screens reload on it), and the confirmation shown after the dialog has closed.

import { mount } from 'svelte';
import type { Profile } from '../bindings/Profile';
import Toast from '../../components/cases/Toast.svelte';

export const cases = $state({
  /** The profile the Profile screen shows, or null. */
  profile: null as Profile | null,
  /** Goes up after every saved change to a participant. */
  saved: 0,
  /** The confirmation on screen, or empty. */
  toast: '',
});

let mounted = false;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Shows a confirmation for a few seconds, in a live region that outlives any dialog. */
export function confirm(message: string) {
  if (!mounted && typeof document !== 'undefined') {
    mount(Toast, { target: document.body });
    mounted = true;
  }
  clearTimeout(timer);
  cases.toast = '';
  // A new text in an existing live region is what screen readers announce.
  setTimeout(() => {
    cases.toast = message;
    timer = setTimeout(() => (cases.toast = ''), 8000);
  }, 50);
}
