// One changed block of the target as the smallest of its candidate encodings: zstd of the bytes, zstd
// with the same block of the base as dictionary (a patch), or XOR with it by byte planes then zstd.
import { toPlanes, xorBytes } from './byte-planes.js';
import type { DeltaOp } from './delta-format.js';
import { zstdCompress } from './zstd.js';

export interface EncodedBlock {
  op: DeltaOp;
  payload: Uint8Array;
}

export interface BaseBlock {
  offset: number;
  bytes: Uint8Array;
  /** Element width for byte planes. */
  width: number;
}

/** Ties go to the earlier candidate (raw, patch, xor), so the choice is deterministic. */
export function encodeBlock(target: Uint8Array, base: BaseBlock | null, level: number): EncodedBlock {
  const raw = zstdCompress(target, level);
  let best: EncodedBlock = { op: { type: 'raw', length: target.byteLength, payload: raw.byteLength }, payload: raw };
  if (!base || base.bytes.byteLength === 0) return best;
  const patch = zstdCompress(target, level, base.bytes);
  if (patch.byteLength < best.payload.byteLength) {
    best = { op: { type: 'patch', length: target.byteLength, baseOffset: base.offset, baseLength: base.bytes.byteLength, payload: patch.byteLength }, payload: patch };
  }
  if (base.bytes.byteLength === target.byteLength) {
    const planes = target.byteLength % base.width === 0 ? base.width : 1;
    const xor = zstdCompress(toPlanes(xorBytes(target, base.bytes), planes), level);
    if (xor.byteLength < best.payload.byteLength) {
      best = { op: { type: 'xor', length: target.byteLength, baseOffset: base.offset, planes, payload: xor.byteLength }, payload: xor };
    }
  }
  return best;
}
