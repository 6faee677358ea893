// The SecAgg+ communication graph, as Flower builds it: shuffle the client ids (here with a seeded
// shuffle, so the graph of a round can be rebuilt and audited from its seed), place them on a ring, and
// make each client's neighbourhood itself plus the numShares/2 clients on each side. A client shares its
// secrets only with its neighbourhood (one share kept for itself) and masks only against its neighbours.
// The relation is symmetric: v is in u's neighbourhood exactly when u is in v's.
import { createHmac } from 'node:crypto';
import { AppError } from '../../api/errors.js';

/** A deterministic stream of uint32 from a seed: HMAC-SHA256(seed, counter) blocks. */
function uint32Stream(seed: Uint8Array): () => number {
  let counter = 0;
  let block = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at === block.length) {
      const c = Buffer.alloc(8);
      c.writeBigUInt64BE(BigInt(counter++));
      block = createHmac('sha256', seed).update(c).digest();
      at = 0;
    }
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
}

/** A uniform integer in [0, bound) by rejection (no modulo bias). */
function below(next: () => number, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const v = next();
    if (v < limit) return v % bound;
  }
}

/** Fisher–Yates driven by the seed: the same seed and items give the same order. */
export function seededShuffle<T>(items: readonly T[], seed: Uint8Array): T[] {
  const out = [...items];
  const next = uint32Stream(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(next, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The neighbourhood size actually used: odd (Flower adds one to an even count), at most the client count. */
export function effectiveShareCount(numClients: number, numShares: number): number {
  const odd = numShares % 2 === 0 ? numShares + 1 : numShares;
  return Math.min(numClients, odd);
}

export interface Ring {
  /** The shuffled ring. */
  order: string[];
  /** Each client's neighbourhood, itself included, sorted by id; every one has effectiveShareCount members. */
  neighbourhoods: Map<string, string[]>;
}

/** Builds the ring of the round. Ids are sorted before the shuffle, so the input order does not matter. */
export function buildRing(clientIds: readonly string[], numShares: number, seed: Uint8Array): Ring {
  const unique = new Set(clientIds);
  if (unique.size !== clientIds.length) throw new AppError('SECAGG_CONFIG', 'Invalid secure aggregation settings', 'A client id appears twice in the round.');
  if (!Number.isInteger(numShares) || numShares < 1) throw new AppError('SECAGG_CONFIG', 'Invalid secure aggregation settings', `numShares must be a positive integer, got ${numShares}.`);
  const order = seededShuffle([...unique].sort(), seed);
  const n = order.length;
  const half = effectiveShareCount(n, numShares) >> 1;
  const neighbourhoods = new Map<string, string[]>();
  order.forEach((id, idx) => {
    const members = new Set<string>();
    if (2 * half + 1 >= n) order.forEach((m) => members.add(m));
    else for (let off = -half; off <= half; off++) members.add(order[(((idx + off) % n) + n) % n]);
    neighbourhoods.set(id, [...members].sort());
  });
  return { order, neighbourhoods };
}
