// The model delta file, format efd1: a header that says what to rebuild from what, then the compressed
// payloads in the order the header names them. The header is a list of ops, each producing the next
// bytes of the target: a copy of a range of the base, a zstd frame, a zstd frame with a range of the
// base as dictionary (`--patch-from`), an XOR with a base range (byte planes, zstd), or the next bytes of
// the "rest" (everything that is not tensor data, one zstd frame, optionally against the base's rest).
// The applier needs no knowledge of ONNX: the builder did the parsing. Layout:
//   "EFDELTA" 0x01 | varint header length | header | rest payload | op payloads
//   header: u8 kind | base sha256 (32) varint size | target sha256 (32) varint size
//           | varint rest length, varint rest payload, varint n, n × (varint gap, varint length) base dictionary ranges
//           | varint op count, ops: u8 type + varints (see encodeOp)
import { deltaInvalid } from './delta-errors.js';
import { ByteReader, ByteWriter } from './varint.js';

export const deltaFormat = 'efd1';
const magic = Uint8Array.from([0x45, 0x46, 0x44, 0x45, 0x4c, 0x54, 0x41, 0x01]); // "EFDELTA" 1

/** Largest output, dictionary or payload of one op: the applier holds a few of these at once, never the model. */
export const maxOpBytes = 16 * 1024 * 1024;
/** Largest rest stream (graph, names, metadata: kilobytes to a few MB in real models). */
export const maxRestBytes = 64 * 1024 * 1024;

export type DeltaKind = 'onnx-tensors' | 'cdc';

export type DeltaOp =
  | { type: 'copy'; baseOffset: number; length: number }
  | { type: 'raw'; length: number; payload: number }
  | { type: 'patch'; length: number; baseOffset: number; baseLength: number; payload: number }
  | { type: 'xor'; length: number; baseOffset: number; planes: number; payload: number }
  | { type: 'rest'; length: number };

export interface Range {
  offset: number;
  length: number;
}

export interface DeltaHeader {
  kind: DeltaKind;
  base: { sha256: string; size: number };
  target: { sha256: string; size: number };
  /** The rest stream: its decoded length, its payload, and the base ranges whose concatenation is its dictionary (none: plain zstd). */
  rest: { length: number; payload: number; dict: Range[] };
  ops: DeltaOp[];
}

export interface ParsedDelta extends DeltaHeader {
  /** Where the rest payload starts in the delta file; op payloads follow it in op order. */
  payloadStart: number;
  /** The delta file's total size the header implies. */
  totalBytes: number;
}

const kinds: DeltaKind[] = ['onnx-tensors', 'cdc'];
const opTypes = ['copy', 'raw', 'patch', 'xor', 'rest'] as const;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function sha256Bytes(h: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(h)) throw new RangeError(`not a sha256: ${h}`);
  return Buffer.from(h, 'hex');
}

export function payloadBytes(op: DeltaOp): number {
  return op.type === 'copy' || op.type === 'rest' ? 0 : op.payload;
}

/** The header bytes (magic, length, header); the payloads follow. */
export function encodeHeader(h: DeltaHeader): Uint8Array {
  const w = new ByteWriter()
    .u8(kinds.indexOf(h.kind) + 1)
    .bytes(sha256Bytes(h.base.sha256))
    .varint(h.base.size)
    .bytes(sha256Bytes(h.target.sha256))
    .varint(h.target.size)
    .varint(h.rest.length)
    .varint(h.rest.payload)
    .varint(h.rest.dict.length);
  let end = 0;
  for (const r of h.rest.dict) {
    w.varint(r.offset - end).varint(r.length);
    end = r.offset + r.length;
  }
  w.varint(h.ops.length);
  for (const op of h.ops) {
    w.u8(opTypes.indexOf(op.type) + 1);
    switch (op.type) {
      case 'copy':
        w.varint(op.baseOffset).varint(op.length);
        break;
      case 'raw':
        w.varint(op.length).varint(op.payload);
        break;
      case 'patch':
        w.varint(op.length).varint(op.baseOffset).varint(op.baseLength).varint(op.payload);
        break;
      case 'xor':
        w.varint(op.length).varint(op.baseOffset).u8(op.planes).varint(op.payload);
        break;
      case 'rest':
        w.varint(op.length);
        break;
    }
  }
  const body = w.finish();
  const len = new ByteWriter().varint(body.byteLength).finish();
  const out = new Uint8Array(magic.byteLength + len.byteLength + body.byteLength);
  out.set(magic, 0);
  out.set(len, magic.byteLength);
  out.set(body, magic.byteLength + len.byteLength);
  return out;
}

/** Bytes of the file the applier reads first: enough for the magic and the header length. */
export const headerProbeBytes = magic.byteLength + 8;

/** The header's total length (magic and length prefix included) from the file's first bytes. */
export function headerLength(probe: Uint8Array): number {
  if (probe.byteLength < magic.byteLength || !magic.every((b, i) => probe[i] === b)) throw deltaInvalid('it does not start with the EFDELTA mark of format efd1');
  const r = new ByteReader(probe.subarray(magic.byteLength));
  const n = r.varint();
  return magic.byteLength + r.pos + n;
}

/** Parses and checks a header (every range inside the base, lengths that add up, bounded ops). */
export function decodeHeader(bytes: Uint8Array): ParsedDelta {
  const total = headerLength(bytes);
  if (bytes.byteLength < total) throw deltaInvalid('its header ends early');
  const r = new ByteReader(bytes.subarray(0, total));
  r.bytes(magic.byteLength);
  r.varint();
  const kind = kinds[r.u8() - 1];
  if (!kind) throw deltaInvalid('its kind is unknown');
  const base = { sha256: hex(r.bytes(32)), size: r.varint() };
  const target = { sha256: hex(r.bytes(32)), size: r.varint() };
  const rest = { length: r.varint(), payload: r.varint(), dict: [] as Range[] };
  const dictCount = r.varint();
  let end = 0;
  let dictBytes = 0;
  for (let i = 0; i < dictCount; i++) {
    const range = { offset: end + r.varint(), length: r.varint() };
    end = range.offset + range.length;
    dictBytes += range.length;
    if (end > base.size) throw deltaInvalid('its rest dictionary reaches past the end of the base');
    rest.dict.push(range);
  }
  if (rest.length > maxRestBytes || dictBytes > maxRestBytes || rest.payload > maxRestBytes) throw deltaInvalid(`its rest stream is larger than ${maxRestBytes} bytes`);
  const inBase = (offset: number, length: number) => {
    if (offset + length > base.size) throw deltaInvalid('an op reads past the end of the base');
  };
  const bounded = (n: number) => {
    if (n > maxOpBytes) throw deltaInvalid(`an op is larger than ${maxOpBytes} bytes`);
    return n;
  };
  const count = r.varint();
  if (count > total) throw deltaInvalid('it names more ops than its header holds');
  const ops: DeltaOp[] = [];
  let produced = 0;
  let restUsed = 0;
  let payloads = rest.payload;
  for (let i = 0; i < count; i++) {
    const type = opTypes[r.u8() - 1];
    let op: DeltaOp;
    switch (type) {
      case 'copy':
        op = { type, baseOffset: r.varint(), length: r.varint() };
        inBase(op.baseOffset, op.length);
        break;
      case 'raw':
        op = { type, length: bounded(r.varint()), payload: bounded(r.varint()) };
        break;
      case 'patch':
        op = { type, length: bounded(r.varint()), baseOffset: r.varint(), baseLength: bounded(r.varint()), payload: bounded(r.varint()) };
        inBase(op.baseOffset, op.baseLength);
        break;
      case 'xor':
        op = { type, length: bounded(r.varint()), baseOffset: r.varint(), planes: r.u8(), payload: bounded(r.varint()) };
        inBase(op.baseOffset, op.length);
        if (![1, 2, 4, 8].includes(op.planes) || op.length % op.planes !== 0) throw deltaInvalid('an XOR op has a byte-plane count that does not divide its length');
        break;
      case 'rest':
        op = { type, length: r.varint() };
        restUsed += op.length;
        break;
      default:
        throw deltaInvalid('an op type is unknown');
    }
    produced += op.length;
    payloads += payloadBytes(op);
    ops.push(op);
  }
  if (r.remaining !== 0) throw deltaInvalid('its header has bytes after the last op');
  if (produced !== target.size) throw deltaInvalid(`its ops produce ${produced} bytes, not the target's ${target.size}`);
  if (restUsed !== rest.length) throw deltaInvalid('its ops do not use the rest stream exactly');
  return { kind, base, target, rest, ops, payloadStart: total, totalBytes: total + payloads };
}
