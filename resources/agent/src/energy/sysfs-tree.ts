// Reads a sysfs tree under a root folder ("/" on a device, a recorded tree in tests). The file access
// is injectable: a test running as root cannot get EACCES from the kernel for a 0400 file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../device-protocol/error-data.js';

export interface SysfsReader {
  readFile(file: string): string;
  readdir(dir: string): string[];
}

export const nodeSysfsReader: SysfsReader = {
  readFile: (file) => readFileSync(file, 'utf8'),
  readdir: (dir) => readdirSync(dir),
};

const errnoWords: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  ENOENT: 'missing',
  ENODATA: 'no data (the driver has no reading now)',
  EIO: 'I/O error from the driver',
  EAGAIN: 'busy, try again',
};

export function errnoCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** A sysfs file that could not be read or parsed: the file, the errno (null when the text was wrong) and the words for it. */
export class SysfsReadError extends AppError {
  constructor(
    readonly file: string,
    readonly errno: string | null,
    readonly words: string,
  ) {
    super('ENERGY_READ_FAILED', 'Energy reading failed', `${file}: ${words}.`);
  }
}

export class SysfsTree {
  constructor(
    readonly root: string,
    private readonly reader: SysfsReader = nodeSysfsReader,
  ) {}

  /** `rel` is relative to the root, e.g. "sys/class/powercap". */
  abs(rel: string): string {
    return path.join(this.root, rel);
  }

  /** Entries of a folder, sorted; [] when it is missing or unreadable (a class the kernel lacks). */
  list(rel: string): string[] {
    try {
      return this.reader.readdir(this.abs(rel)).sort(naturalOrder);
    } catch {
      return [];
    }
  }

  /** The file's text, trimmed; throws the reader's error. */
  text(rel: string): string {
    return this.reader.readFile(this.abs(rel)).trim();
  }

  /** The file's text, or null when it cannot be read for any reason. */
  maybeText(rel: string): string | null {
    try {
      return this.text(rel);
    } catch {
      return null;
    }
  }

  /** An integer file; throws an AppError naming the file when it cannot be read or is not a number. */
  number(rel: string): number {
    let text: string;
    try {
      text = this.text(rel);
    } catch (err) {
      throw new SysfsReadError(rel, errnoCode(err), describeReadError(err));
    }
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) throw new SysfsReadError(rel, null, `"${text.slice(0, 40)}" is not a number`);
    return value;
  }

  maybeNumber(rel: string): number | null {
    const text = this.maybeText(rel);
    if (text === null || text === '') return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
  }
}

/** "permission denied (EACCES)" */
export function describeReadError(err: unknown): string {
  if (err instanceof SysfsReadError) return err.words;
  if (err instanceof AppError) return err.detail;
  const code = errnoCode(err);
  if (code) return `${errnoWords[code] ?? 'cannot be read'} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** hwmon2 before hwmon10, intel-rapl:0:2 before intel-rapl:0:10. */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
