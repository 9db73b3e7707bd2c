// Errors from the core beside the field they concern, or at the action when no field shown
// here is named.

import type { UiError } from '../bindings/UiError';

/** The message when the error names `field` (or one of its other names). */
export function fieldError(err: UiError | null, ...fields: string[]): string | null {
  return err && err.field && fields.includes(err.field) ? err.message : null;
}

/** The error to show at the action: one that names none of the form's `fields`. */
export function actionError(err: UiError | null, fields: readonly string[]): UiError | null {
  return err && (!err.field || !fields.includes(err.field)) ? err : null;
}
