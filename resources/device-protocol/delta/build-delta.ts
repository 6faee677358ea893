// Builds a delta (format efd1, see delta-format.ts) that turns `base` into `target`. ONNX models go
// tensor by tensor: a tensor whose bytes the base has (under its name or another) is a copy of the
// base's range; a changed one goes in blocks of 1 MiB, each the smallest of zstd, a zstd patch against
// the same block of the base's tensor, or XOR by byte planes; the rest of the file (graph, names,
// metadata) is one zstd frame, patched against the base's rest when that is smaller. Any other file is
// cut into content-defined chunks; chunks the base has are copies, new ones zstd frames. The same
// inputs give the same bytes.
import { createHash } from 'node:crypto';
import { encodeBlock, type BaseBlock, type EncodedBlock } from './encode-block.js';
import { encodeHeader, maxRestBytes, type DeltaHeader, type DeltaKind, type DeltaOp, type Range } from './delta-format.js';
import { cdcBoundaries, defaultCdcSizes, type CdcSizes } from './gear-cdc.js';
import { onnxTensorSegments, type TensorSegment } from './onnx-segments.js';
import { zstdCompress } from './zstd.js';

/** Changed data goes in blocks of this size: a zstd window holds a block and its dictionary at level 3. */
export const blockBytes = 1024 * 1024;

export interface BuildOptions {
  /** zstd level for tensor data and new chunks (default 3: fast; float data gains little above it). */
  level?: number;
  /** zstd level for the rest stream (default 19: it is small). */
  restLevel?: number;
  /** 'auto' (default): tensors for ONNX models, chunks otherwise. */
  kind?: 'auto' | DeltaKind;
  cdc?: CdcSizes;
}

export interface DeltaStats {
  kind: DeltaKind;
  deltaBytes: number;
  targetBytes: number;
  /** Ops by type: how many and their payload bytes. */
  ops: Record<DeltaOp['type'], { count: number; bytes: number }>;
  /** ONNX: tensors found, copied from the base, and changed; CDC: chunks. */
  units: { total: number; copied: number; changed: number };
  restBytes: number;
}

export interface BuiltDelta {
  delta: Uint8Array;
  stats: DeltaStats;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

class OpList {
  readonly ops: DeltaOp[] = [];
  readonly payloads: Uint8Array[] = [];

  copy(baseOffset: number, length: number): void {
    const last = this.ops.at(-1);
    if (last?.type === 'copy' && last.baseOffset + last.length === baseOffset) last.length += length;
    else this.ops.push({ type: 'copy', baseOffset, length });
  }

  rest(length: number): void {
    if (length > 0) this.ops.push({ type: 'rest', length });
  }

  block(b: EncodedBlock): void {
    this.ops.push(b.op);
    this.payloads.push(b.payload);
  }
}

function gaps(size: number, segments: TensorSegment[]): Range[] {
  const out: Range[] = [];
  let at = 0;
  for (const s of segments) {
    if (s.offset > at) out.push({ offset: at, length: s.offset - at });
    at = s.offset + s.length;
  }
  if (size > at) out.push({ offset: at, length: size - at });
  return out;
}

function concat(buf: Uint8Array, ranges: Range[]): Uint8Array {
  const out = new Uint8Array(ranges.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of ranges) {
    out.set(buf.subarray(r.offset, r.offset + r.length), at);
    at += r.length;
  }
  return out;
}

interface Body {
  list: OpList;
  rest: DeltaHeader['rest'];
  restPayload: Uint8Array;
  units: DeltaStats['units'];
}

function onnxBody(base: Uint8Array, target: Uint8Array, baseSegs: TensorSegment[], targetSegs: TensorSegment[], level: number, restLevel: number): Body | null {
  const baseRest = gaps(base.byteLength, baseSegs);
  const baseRestBytes = concat(base, baseRest);
  const byKey = new Map(baseSegs.map((s) => [s.key, s]));
  const byHash = new Map<string, TensorSegment>();
  for (const s of baseSegs) {
    const h = sha256(base.subarray(s.offset, s.offset + s.length));
    if (!byHash.has(h)) byHash.set(h, s);
  }
  const list = new OpList();
  const restRanges: Range[] = [];
  const units = { total: targetSegs.length, copied: 0, changed: 0 };
  // Bytes between tensors that continue the base where the last copy ended (or start it) are copied
  // too, so an unchanged stretch of tensors and their headers is one op and not in the rest at all.
  const gap = (offset: number, length: number) => {
    if (length === 0) return;
    const last = list.ops.at(-1);
    const from = last?.type === 'copy' ? last.baseOffset + last.length : offset === 0 ? 0 : -1;
    if (from >= 0 && from + length <= base.byteLength && Buffer.from(base.buffer, base.byteOffset + from, length).equals(target.subarray(offset, offset + length))) {
      list.copy(from, length);
      return;
    }
    list.rest(length);
    restRanges.push({ offset, length });
  };
  let at = 0;
  for (const seg of targetSegs) {
    gap(at, seg.offset - at);
    at = seg.offset + seg.length;
    const bytes = target.subarray(seg.offset, at);
    const same = byHash.get(sha256(bytes));
    if (same) {
      units.copied++;
      list.copy(same.offset, seg.length);
      continue;
    }
    units.changed++;
    const b = byKey.get(seg.key);
    for (let i = 0; i < seg.length; i += blockBytes) {
      const t = bytes.subarray(i, Math.min(seg.length, i + blockBytes));
      let baseBlock: BaseBlock | null = null;
      if (b && i < b.length) {
        const from = b.offset + i;
        baseBlock = { offset: from, bytes: base.subarray(from, b.offset + Math.min(b.length, i + blockBytes)), width: seg.width };
      }
      list.block(encodeBlock(t, baseBlock, level));
    }
  }
  gap(at, target.byteLength - at);
  const targetRest = concat(target, restRanges);
  // Tensors this walk did not see (an unusual layout) would all land in the rest: treat the file as opaque.
  if (targetRest.byteLength > maxRestBytes || baseRestBytes.byteLength > maxRestBytes) return null;
  if (targetRest.byteLength === 0) return { list, rest: { length: 0, payload: 0, dict: [] }, restPayload: new Uint8Array(0), units };
  const plain = zstdCompress(targetRest, restLevel);
  const patched = baseRestBytes.byteLength > 0 ? zstdCompress(targetRest, restLevel, baseRestBytes) : null;
  const usePatch = patched !== null && patched.byteLength < plain.byteLength;
  const restPayload = usePatch ? patched : plain;
  return { list, rest: { length: targetRest.byteLength, payload: restPayload.byteLength, dict: usePatch ? baseRest : [] }, restPayload, units };
}

function cdcBody(base: Uint8Array, target: Uint8Array, level: number, sizes: CdcSizes): Body {
  const byHash = new Map<string, number>();
  let start = 0;
  for (const end of cdcBoundaries(base, sizes)) {
    const h = sha256(base.subarray(start, end));
    if (!byHash.has(h)) byHash.set(h, start);
    start = end;
  }
  const list = new OpList();
  const units = { total: 0, copied: 0, changed: 0 };
  // New bytes are patched against the base bytes after the last chunk found again: where an edit in place sits.
  let baseCursor = 0;
  let literalFrom = -1;
  const flush = (to: number) => {
    if (literalFrom < 0) return;
    for (let i = literalFrom; i < to; i += blockBytes) {
      const t = target.subarray(i, Math.min(to, i + blockBytes));
      const from = Math.min(base.byteLength, baseCursor + (i - literalFrom));
      const dict = base.subarray(from, Math.min(base.byteLength, from + t.byteLength));
      list.block(encodeBlock(t, dict.byteLength > 0 ? { offset: from, bytes: dict, width: 1 } : null, level));
    }
    literalFrom = -1;
  };
  start = 0;
  for (const end of cdcBoundaries(target, sizes)) {
    units.total++;
    const found = byHash.get(sha256(target.subarray(start, end)));
    if (found !== undefined) {
      flush(start);
      units.copied++;
      list.copy(found, end - start);
      baseCursor = found + (end - start);
    } else {
      units.changed++;
      if (literalFrom < 0) literalFrom = start;
    }
    start = end;
  }
  flush(target.byteLength);
  return { list, rest: { length: 0, payload: 0, dict: [] }, restPayload: new Uint8Array(0), units };
}

export function buildDelta(base: Uint8Array, target: Uint8Array, o: BuildOptions = {}): BuiltDelta {
  const level = o.level ?? 3;
  const kind = o.kind ?? 'auto';
  let body: Body | null = null;
  let used: DeltaKind = 'cdc';
  if (kind !== 'cdc') {
    const baseSegs = onnxTensorSegments(base);
    const targetSegs = baseSegs ? onnxTensorSegments(target) : null;
    if (baseSegs && targetSegs) body = onnxBody(base, target, baseSegs, targetSegs, level, o.restLevel ?? 19);
    if (body) used = 'onnx-tensors';
    else if (kind === 'onnx-tensors') throw new TypeError('The base or the target is not an ONNX model the delta builder can read.');
  }
  body ??= cdcBody(base, target, level, o.cdc ?? defaultCdcSizes);
  const header = encodeHeader({
    kind: used,
    base: { sha256: sha256(base), size: base.byteLength },
    target: { sha256: sha256(target), size: target.byteLength },
    rest: body.rest,
    ops: body.list.ops,
  });
  const parts = [header, body.restPayload, ...body.list.payloads];
  const delta = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    delta.set(p, at);
    at += p.byteLength;
  }
  const ops = { copy: { count: 0, bytes: 0 }, raw: { count: 0, bytes: 0 }, patch: { count: 0, bytes: 0 }, xor: { count: 0, bytes: 0 }, rest: { count: 0, bytes: 0 } };
  for (const op of body.list.ops) {
    ops[op.type].count++;
    ops[op.type].bytes += op.type === 'copy' || op.type === 'rest' ? 0 : op.payload;
  }
  return { delta, stats: { kind: used, deltaBytes: delta.byteLength, targetBytes: target.byteLength, ops, units: body.units, restBytes: body.restPayload.byteLength } };
}
