// A small seeded PRNG (mulberry32): reproducible random inputs, test cases and bootstrap intervals.
import { createHash } from 'node:crypto';

export type Random = () => number;

export function seededRandom(seed: string | number): Random {
  let a = typeof seed === 'number' ? seed >>> 0 : createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
