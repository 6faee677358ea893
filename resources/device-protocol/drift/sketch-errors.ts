// Reading drift sketches that came from a device: every problem names the field path and what was
// expected, so a bad sketch becomes a clear error instead of a NaN distance later.
import { AppError } from '../error-data.js';

export function sketchInvalid(source: string, path: string, problem: string): AppError {
  return new AppError(
    'DRIFT_SKETCH_INVALID',
    'A drift sketch cannot be read',
    `${source}: \`${path}\` ${problem}. The sketch was ignored; the device's agent must send sketches made by resources/device-protocol/drift (format version 1).`,
  );
}

export function sketchMismatch(what: string): AppError {
  return new AppError('DRIFT_SKETCH_MISMATCH', 'Drift sketches that cannot be merged', `${what} Merge only sketches of the same model made with the same reference profile.`);
}

/** A cursor over untrusted JSON that throws sketchInvalid with the path of the first bad field. */
export class Reader {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(problem: string): never {
    throw sketchInvalid(this.source, this.path, problem);
  }

  at(key: string | number): Reader {
    const v = this.value as Record<string | number, unknown>;
    return new Reader(this.source, typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`, v?.[key]);
  }

  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail(`must be an object, not ${describe(this.value)}`);
    return this.value as Record<string, unknown>;
  }

  number(opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`must be a finite number, not ${describe(v)}`);
    if (opts.integer && !Number.isInteger(v)) this.fail(`must be a whole number, not ${v}`);
    if (opts.min !== undefined && v < opts.min) this.fail(`must be at least ${opts.min}, not ${v}`);
    if (opts.max !== undefined && v > opts.max) this.fail(`must be at most ${opts.max}, not ${v}`);
    return v;
  }

  nullableNumber(): number | null {
    return this.value === null ? null : this.number();
  }

  string(maxLength = 256): string {
    const v = this.value;
    if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) this.fail(`must be a non-empty string of at most ${maxLength} characters, not ${describe(v)}`);
    return v;
  }

  /** An array of finite numbers, at most maxLength long. */
  numbers(maxLength: number, opts: { min?: number; integer?: boolean } = {}): number[] {
    const v = this.value;
    if (!Array.isArray(v)) this.fail(`must be an array of numbers, not ${describe(v)}`);
    if (v.length > maxLength) this.fail(`holds ${v.length} entries; at most ${maxLength} are allowed`);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) this.at(i).fail(`must be a finite number, not ${describe(x)}`);
      if (opts.integer && !Number.isInteger(x)) this.at(i).fail(`must be a whole number, not ${x}`);
      if (opts.min !== undefined && x < opts.min) this.at(i).fail(`must be at least ${opts.min}, not ${x}`);
    }
    return v as number[];
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string "${v.length > 20 ? `${v.slice(0, 20)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : String(v);
}
