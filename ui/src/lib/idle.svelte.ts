// Auto-lock: after `minutes` without keyboard, pointer or wheel input, `onIdle` runs (the app
// locks itself). Activity only records a time stamp; one timer checks it when it is due, so a
// moving mouse costs nothing.

export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

export interface IdleTimer {
  /** Stops watching (removes the listeners and the timer). */
  stop(): void;
  /** Counts as activity (e.g. after unlocking). */
  touch(): void;
}

export function startIdleTimer(minutes: number, onIdle: () => void, target: EventTarget = window): IdleTimer {
  const limit = Math.max(1, minutes) * 60_000;
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const touch = () => {
    last = Date.now();
  };

  const check = () => {
    if (stopped) return;
    const quiet = Date.now() - last;
    if (quiet >= limit) {
      stop();
      onIdle();
    } else {
      timer = setTimeout(check, limit - quiet);
    }
  };

  function stop() {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const e of ACTIVITY_EVENTS) target.removeEventListener(e, touch);
  }

  for (const e of ACTIVITY_EVENTS) target.addEventListener(e, touch, { passive: true, capture: true });
  timer = setTimeout(check, limit);
  return { stop, touch };
}
