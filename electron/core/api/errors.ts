import { ZodError } from 'zod';
import { AppError, type ErrorData } from '../../../resources/device-protocol/error-data.js';
import { describeIssues, inputUnknown } from '../../../resources/device-protocol/protocol-error.js';

export { AppError, isErrorData } from '../../../resources/device-protocol/error-data.js';

const systemErrors: Record<string, [string, string]> = {
  ENOENT: ['File not found', 'The file or folder does not exist. Check the path and try again.'],
  EACCES: ['Permission denied', 'EdgeFleet may not read or write this path. Check its permissions.'],
  EPERM: ['Operation not permitted', 'The system refused the operation. Check permissions and try again.'],
  EISDIR: ['Expected a file', 'The path is a folder; choose a file instead.'],
  ENOTDIR: ['Expected a folder', 'A part of the path is not a folder.'],
  ENOSPC: ['Disk full', 'There is no space left on the disk. Free some space and try again.'],
  EADDRINUSE: ['Port in use', 'Another program uses this port. Choose another with --port.'],
  ECONNREFUSED: ['Connection refused', 'Nothing answers at that address. Is the device on and reachable?'],
  ETIMEDOUT: ['Timed out', 'The other side did not answer in time.'],
};

/** Turns anything thrown into data that may cross a process or network boundary. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && systemErrors[e.code]) {
    const [title, hint] = systemErrors[e.code];
    const where = e.path ? ` (${e.path})` : '';
    return { code: e.code, title, detail: `${hint}${where}` };
  }
  // A zod error's message is its issues as JSON: never show that; name the fields instead.
  if (err instanceof ZodError) return { code: 'DATA_INVALID', title: 'Data that does not match its schema', detail: `${describeIssues('value', err.issues, inputUnknown)}.` };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', title: 'Something went wrong', detail: firstLine(message) };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
