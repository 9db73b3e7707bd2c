// Where the focus was, in a form that outlives the element: the lock unmounts the screens, so
// after unlock the focus goes back to the element of the new screen that stands in the same
// place (same data-testid, else same id). The mark names a control, never what it shows.

export interface FocusMark {
  testid: string | null;
  id: string | null;
}

/** The mark of `el`, or null when it has neither a data-testid nor an id (or is the body). */
export function markOf(el: Element | null): FocusMark | null {
  if (!(el instanceof HTMLElement) || el === document.body) return null;
  const testid = el.dataset.testid ?? null;
  const id = el.id || null;
  return testid || id ? { testid, id } : null;
}

/** The element that `mark` names now, if it is in the document. */
export function findMark(mark: FocusMark | null, root: ParentNode = document): HTMLElement | null {
  if (!mark) return null;
  if (mark.testid) {
    for (const el of root.querySelectorAll<HTMLElement>('[data-testid]')) {
      if (el.dataset.testid === mark.testid) return el;
    }
  }
  if (mark.id) {
    for (const el of root.querySelectorAll<HTMLElement>('[id]')) {
      if (el.id === mark.id) return el;
    }
  }
  return null;
}

/**
 * Focuses what `mark` names, else `fallback` at once; a screen still loading may bring the
 * element within `waitMs`, and then it takes the focus, unless the user has moved it meanwhile.
 */
export function focusMark(mark: FocusMark | null, fallback: HTMLElement | null | undefined, waitMs = 1500): void {
  const found = findMark(mark);
  if (found) {
    found.focus();
    return;
  }
  fallback?.focus();
  if (!mark) return;
  const until = Date.now() + waitMs;
  const poll = () => {
    if (document.activeElement !== fallback && document.activeElement !== document.body) return;
    const el = findMark(mark);
    if (el) el.focus();
    else if (Date.now() < until) setTimeout(poll, 50);
  };
  setTimeout(poll, 50);
}
