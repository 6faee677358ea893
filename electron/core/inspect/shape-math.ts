// Arithmetic on tensor shapes whose dims may be numbers, symbolic names or unknown (null).
import type { Dim } from '../api/types.js';

export type Shape = Dim[];

export function isKnown(shape: Shape | null | undefined): shape is number[] {
  return !!shape && shape.every((d) => typeof d === 'number');
}

/** Product of dims: a number, a symbolic name when it is the only non-1 factor, or null. */
export function dimProduct(dims: Dim[]): Dim {
  let product = 1;
  let symbol: string | null = null;
  for (const d of dims) {
    if (typeof d === 'number') product *= d;
    else if (typeof d === 'string' && symbol === null) symbol = d;
    else return null;
  }
  if (symbol === null) return product;
  return product === 1 ? symbol : null;
}

/** numpy-style broadcast of two dims; null when they cannot be known or do not fit. */
function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  if (typeof a === 'number' && typeof b !== 'number') return a;
  if (typeof b === 'number' && typeof a !== 'number') return b;
  return null;
}

export function broadcast(shapes: (Shape | null | undefined)[]): Shape | null {
  if (shapes.some((s) => !s)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const s of shapes as Shape[]) {
    const offset = rank - s.length;
    for (let i = 0; i < s.length; i++) out[offset + i] = broadcastDim(out[offset + i], s[i]);
  }
  return out;
}

/** Normalises a possibly negative axis for a rank; null when out of range. */
export function normAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/** Merges what a model declares with what inference found: numbers beat names beat null. */
export function mergeShapes(declared: Shape | null | undefined, inferred: Shape | null | undefined): Shape | null {
  if (!declared) return inferred ?? null;
  if (!inferred || inferred.length !== declared.length) return declared;
  return declared.map((d, i) => {
    const e = inferred[i];
    if (typeof d === 'number') return d;
    if (typeof e === 'number') return e;
    return d ?? e;
  });
}
