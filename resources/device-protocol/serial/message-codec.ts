// Messages carried by the reliable layer (SERIAL-PROTOCOL.md, "Messages"):
//   kind u8 | id u32 LE | jsonLength u32 LE | JSON (UTF-8) | binary (the rest)
// A request's JSON is {op, token?, req}; upload-chunk's bytes travel as the binary part, its
// offset in req. A response carries the operation's response as JSON; an error carries ErrorData.
import type { ErrorData } from '../error-data.js';

export const MessageKind = { request: 1, response: 2, error: 3 } as const;

export interface RequestBody {
  op: string;
  token?: string;
  req: unknown;
}

export type Message =
  | { kind: typeof MessageKind.request; id: number; json: RequestBody; binary: Buffer }
  | { kind: typeof MessageKind.response; id: number; json: unknown; binary: Buffer }
  | { kind: typeof MessageKind.error; id: number; json: ErrorData; binary: Buffer };

const head = 9;

export function encodeMessage(kind: number, id: number, json: unknown, binary?: Uint8Array): Buffer {
  const text = Buffer.from(JSON.stringify(json ?? null), 'utf8');
  const out = Buffer.allocUnsafe(head + text.length + (binary?.length ?? 0));
  out[0] = kind;
  out.writeUInt32LE(id >>> 0, 1);
  out.writeUInt32LE(text.length, 5);
  text.copy(out, head);
  if (binary) out.set(binary, head + text.length);
  return out;
}

/** Null when the bytes are not a message of this protocol (a peer bug; the CRC already passed). */
export function decodeMessage(b: Buffer): Message | null {
  if (b.length < head) return null;
  const kind = b[0];
  const length = b.readUInt32LE(5);
  if (head + length > b.length || (kind !== 1 && kind !== 2 && kind !== 3)) return null;
  let json: unknown;
  try {
    json = JSON.parse(b.toString('utf8', head, head + length));
  } catch {
    return null;
  }
  return { kind, id: b.readUInt32LE(1), json, binary: b.subarray(head + length) } as Message;
}
