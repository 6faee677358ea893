// Errors are data on every wire: a stable code for programs, a short title and a detail (what happened
// and what to do) for a person. The console's API and every device binding carry this one shape.

export interface ErrorData {
  code: string;
  title: string;
  detail: string;
}

/** An error meant for a person: a short title, what happened and what to do. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
    this.name = 'AppError';
  }

  toData(): ErrorData {
    return { code: this.code, title: this.title, detail: this.detail };
  }
}

export function isErrorData(value: unknown): value is ErrorData {
  const v = value as ErrorData | null;
  return !!v && typeof v.code === 'string' && typeof v.title === 'string' && typeof v.detail === 'string';
}
