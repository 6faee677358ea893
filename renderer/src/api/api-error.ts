import type { ErrorData } from '../../../electron/core/api/types.js';

/** A failed request, as a person should see it: a title and a detail, never a stack trace. */
export class ApiError extends Error implements ErrorData {
  readonly code: string;
  readonly title: string;
  readonly detail: string;

  constructor(data: ErrorData) {
    super(data.title);
    this.name = 'ApiError';
    this.code = data.code;
    this.title = data.title;
    this.detail = data.detail;
  }
}

/** Turns anything thrown into error data fit for an ErrorCard. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof ApiError) return { code: err.code, title: err.title, detail: err.detail };
  if (err && typeof err === 'object' && 'title' in err && 'detail' in err) {
    const e = err as Partial<ErrorData>;
    return { code: String(e.code ?? 'ERROR'), title: String(e.title), detail: String(e.detail) };
  }
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors crossing IPC; a person does not need to read that.
  const clean = message.replace(/^Error invoking remote method '[^']*': (Error: )?/, '');
  return { code: 'UNEXPECTED', title: 'Something went wrong', detail: clean || 'No further detail was given.' };
}
