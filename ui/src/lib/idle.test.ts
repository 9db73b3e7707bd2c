import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startIdleTimer } from './idle.svelte';

describe('startIdleTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires after the idle minutes without input', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(10, onIdle);
    vi.advanceTimersByTime(10 * 60_000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    // Once only.
    vi.advanceTimersByTime(60 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    timer.stop();
  });

  it('starts counting again on keyboard, pointer and wheel input', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(2, onIdle);
    for (const type of ['keydown', 'pointerdown', 'pointermove', 'wheel']) {
      vi.advanceTimersByTime(90_000);
      window.dispatchEvent(new Event(type));
    }
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(119_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    timer.stop();
  });

  it('does nothing once stopped', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(1, onIdle);
    timer.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('counts touch() as activity and treats less than a minute as one', () => {
    const onIdle = vi.fn();
    const timer = startIdleTimer(0, onIdle);
    vi.advanceTimersByTime(50_000);
    timer.touch();
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    timer.stop();
  });

  it('listens on the target it is given', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    const timer = startIdleTimer(1, onIdle, target);
    vi.advanceTimersByTime(50_000);
    target.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    timer.stop();
  });
});
