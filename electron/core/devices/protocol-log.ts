// The protocol log: the last exchanges with each device (operation, time, outcome, the error's words),
// one JSONL file per device under <home>/logs/protocol/, for a firmware author to read after a failure
// (`edgefleet devices log DEVICE`). Never a request or response body: no tokens, no model bytes.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ProtocolExchange } from '../api/types.js';
import { privateDirMode, privateFileMode } from '../registry/home-modes.js';
import { tmpPathFor } from '../util/atomic-write.js';

/** Exchanges kept per device. */
export const protocolLogLimit = 200;
/** Past this size the file is cut back to the last protocolLogLimit entries (so it stays bounded without a count). */
const compactBytes = 256 * 1024;
const maxDetailChars = 2000;

export function protocolLogPath(home: string, deviceId: string): string {
  return path.join(home, 'logs', 'protocol', `${encodeURIComponent(deviceId)}.jsonl`);
}

/** Appends one exchange; a log that cannot be written never fails the device operation it records. */
export function appendExchange(home: string, deviceId: string, entry: ProtocolExchange): void {
  const file = protocolLogPath(home, deviceId);
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: privateDirMode });
    const error = entry.error && { code: entry.error.code, title: entry.error.title, detail: entry.error.detail.slice(0, maxDetailChars) };
    appendFileSync(file, `${JSON.stringify({ ...entry, error })}\n`, { mode: privateFileMode });
    if (statSync(file).size > compactBytes) compact(file);
  } catch (err) {
    process.stderr.write(`edgefleet: protocol log ${file} not written: ${(err as Error).message}\n`);
  }
}

/** The last `limit` exchanges with the device, oldest first; empty when there are none. */
export function readExchanges(home: string, deviceId: string, limit = protocolLogLimit): ProtocolExchange[] {
  const file = protocolLogPath(home, deviceId);
  if (!existsSync(file)) return [];
  return parseLines(readFileSync(file, 'utf8')).slice(-limit);
}

function parseLines(text: string): ProtocolExchange[] {
  const out: ProtocolExchange[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as ProtocolExchange);
    } catch {
      // A line cut short by a crash mid-append: the others are still worth reading.
    }
  }
  return out;
}

/**
 * Rewrites the file with its last entries through a temporary file and a rename. An append by another
 * process between the read and the rename is lost: acceptable for a diagnostic log, never a torn file.
 */
function compact(file: string): void {
  const keep = parseLines(readFileSync(file, 'utf8')).slice(-protocolLogLimit);
  const tmp = tmpPathFor(file);
  try {
    const fd = openSync(tmp, 'wx', privateFileMode);
    try {
      writeSync(fd, keep.map((e) => JSON.stringify(e)).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
