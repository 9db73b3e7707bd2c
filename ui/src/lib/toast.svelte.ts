// The window's status line (the header's aria-live area, data-testid "toast"): short messages
// such as "Saved". Any screen may call `toast(text)`; the text should come from t('…').

export const toasts = $state({ text: '', kind: 'info' as 'info' | 'error', seq: 0 });

let timer: ReturnType<typeof setTimeout> | undefined;

/** Shows `text` for a few seconds (replacing any message shown). */
export function toast(text: string, kind: 'info' | 'error' = 'info', ms = 6000) {
  toasts.text = text;
  toasts.kind = kind;
  toasts.seq += 1;
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    toasts.text = '';
  }, ms);
}
