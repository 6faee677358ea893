// Content-defined chunking (FastCDC with normalized chunking, gear rolling hash) for files the builder
// cannot see inside (ORT format, TFLite flatbuffers): an edit moves chunk boundaries only near itself,
// so the chunks before and after it are found again in the base. Sizes as desync/casync: 16/64/256 KiB.
import { createHash } from 'node:crypto';

export interface CdcSizes {
  min: number;
  avg: number;
  max: number;
}

export const defaultCdcSizes: CdcSizes = { min: 16 * 1024, avg: 64 * 1024, max: 256 * 1024 };

/** 256 fixed pseudo-random words: part of format efd1, derived from a label so they are never retyped. */
const gear: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) t[i] = createHash('sha256').update(`efd1-gear-${i}`).digest().readUInt32LE(0);
  return t;
})();

/** A mask of the `bits` highest bits: in a gear hash the high bits depend on the most recent 32 bytes. */
function highBits(bits: number): number {
  return (~0 << (32 - bits)) | 0;
}

/** Chunk end offsets of `buf` (the last is buf.byteLength); the same bytes always give the same chunks. */
export function cdcBoundaries(buf: Uint8Array, sizes: CdcSizes = defaultCdcSizes): number[] {
  const bits = Math.round(Math.log2(sizes.avg));
  const maskS = highBits(bits + 2);
  const maskL = highBits(bits - 2);
  const ends: number[] = [];
  let start = 0;
  while (start < buf.byteLength) {
    const end = Math.min(buf.byteLength, start + sizes.max);
    const normal = Math.min(end, start + sizes.avg);
    let i = start + sizes.min;
    let cut = end;
    if (i < end) {
      let h = 0;
      for (; i < normal; i++) {
        h = ((h << 1) + gear[buf[i]]) | 0;
        if ((h & maskS) === 0) break;
      }
      if (i < normal) cut = i + 1;
      else {
        for (; i < end; i++) {
          h = ((h << 1) + gear[buf[i]]) | 0;
          if ((h & maskL) === 0) break;
        }
        cut = i < end ? i + 1 : end;
      }
    }
    ends.push(cut);
    start = cut;
  }
  return ends;
}
