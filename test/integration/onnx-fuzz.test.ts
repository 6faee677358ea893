// Damaged inputs through the entry point inspect uses (openModelBytes: sniff, decode,
// validate; then the analysis): never a crash or a hang, always a model or an AppError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { openModelBytes, requireOnnx } from '../../electron/core/onnx/format-registry.js';
import { analyseOnnx } from '../../electron/core/inspect/analyse-onnx.js';
import { checkLoadable } from '../../electron/core/inspect/load-check.js';
import { corpusModels } from '../fixtures/onnx-corpus.js';
import { SAMPLE_MODEL, tempDir, writeTemp } from '../fixtures/onnx-models.js';

const CASES = 3000;
const ORT_CASES = 300;
// A hang guard, not a speed limit (speed is npm run bench's job): a case that has not settled after
// this long never will. It catches an await that never settles; a synchronous endless loop is caught by
// the test's own timeout.
const HANG_MS = 60_000;

// 'sniff': no format claimed the bytes; 'decode': ONNX matched but protobuf decoding failed.
type Outcome = 'model' | 'sniff' | 'decode' | 'MODEL_INVALID';

const random = seededRandom(0xed9e);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
const int = (n: number) => Math.floor(random() * n);

function mutate(a: Uint8Array, b: Uint8Array): { kind: string; bytes: Uint8Array } {
  switch (int(7)) {
    case 0:
      return { kind: 'truncate', bytes: a.slice(0, int(a.length)) };
    case 1: {
      const out = a.slice();
      const flips = 1 + int(8);
      for (let i = 0; i < flips; i++) out[int(out.length)] ^= 1 << int(8);
      return { kind: 'flip', bytes: out };
    }
    case 2: {
      const out = a.slice();
      const at = int(out.length);
      out.set(Uint8Array.from({ length: Math.min(16, out.length - at) }, () => int(256)), at);
      return { kind: 'overwrite', bytes: out };
    }
    case 3: {
      const cut = int(a.length);
      const tail = b.subarray(int(b.length));
      const out = new Uint8Array(cut + tail.length);
      out.set(a.subarray(0, cut));
      out.set(tail, cut);
      return { kind: 'splice', bytes: out };
    }
    case 4: {
      // A huge varint (a length or count of 2^32 - 1) where a length may be.
      const out = a.slice();
      const at = int(out.length);
      out.set([0xff, 0xff, 0xff, 0xff, 0x0f].slice(0, out.length - at), at);
      return { kind: 'length-bomb', bytes: out };
    }
    case 5:
      return { kind: 'random', bytes: Uint8Array.from({ length: int(4096) }, () => int(256)) };
    default:
      return { kind: 'empty', bytes: new Uint8Array(0) };
  }
}

/** The outcome of `work`, or a rejection naming the case when it has not settled within HANG_MS. */
async function unlessHung<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${HANG_MS / 1000} s: it hangs`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** What inspect would do short of the ORT load check. */
async function open(path: string, bytes: Uint8Array): Promise<Outcome> {
  try {
    analyseOnnx(requireOnnx(await openModelBytes(path, bytes)));
    return 'model';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (!err.title || !err.detail) throw new Error(`AppError without title or detail: ${JSON.stringify(err.toData())}`, { cause: err });
    if (err.code === 'MODEL_INVALID') return err.code;
    if (err.code !== 'MODEL_FORMAT') throw err;
    return err.name === 'OnnxError' ? 'decode' : 'sniff';
  }
}

describe('ONNX fuzz', () => {
  // The corpus models are small; the sample adds large raw_data and a deep enough graph.
  // Plain Uint8Arrays: Buffer.slice would return views and the mutations would damage the corpus.
  const load = (f: string) => new Uint8Array(readFileSync(f));
  const sample = load(SAMPLE_MODEL);
  const corpus = [...corpusModels().map(load), ...Array<Uint8Array>(20).fill(sample)];

  it(`${CASES} damaged files give a model or a clean AppError, none hangs`, { timeout: 30 * 60_000 }, async () => {
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const { kind, bytes } = mutate(pick(corpus), pick(corpus));
      try {
        const outcome = await unlessHung(`case ${i} (${kind})`, open(`case-${i}.onnx`, bytes));
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        counts[`${kind}:${outcome}`] = (counts[`${kind}:${outcome}`] ?? 0) + 1;
      } catch (err) {
        failures.push(`case ${i} (${kind}, ${bytes.length} bytes): ${(err as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
      }
    }
    expect(failures).toEqual([]);
    // Each outcome occurs: the mutations reach the decoder and the validator, not only the sniff.
    expect(counts.model).toBeGreaterThan(0);
    expect(counts.sniff).toBeGreaterThan(0);
    expect(counts.decode).toBeGreaterThan(0);
    expect(counts.MODEL_INVALID).toBeGreaterThan(0);
  });

  it(`${ORT_CASES} damaged files that open also go through the ORT load check without a crash`, { timeout: 30 * 60_000 }, async () => {
    const dir = tempDir('edgefleet-fuzz-');
    let checked = 0;
    let loadable = 0;
    for (let i = 0; checked < ORT_CASES && i < ORT_CASES * 100; i++) {
      const { bytes } = mutate(pick(corpus), pick(corpus));
      const path = join(dir, `case-${i}.onnx`);
      if ((await unlessHung(`case ${i}`, open(path, bytes))) !== 'model') continue;
      writeTemp(`case-${i}.onnx`, bytes, dir);
      const result = await unlessHung(`load check of case ${i}`, checkLoadable(path));
      expect(result.ok || (typeof result.error === 'string' && result.error.length > 0)).toBe(true);
      if (result.ok) loadable++;
      checked++;
    }
    expect(checked).toBe(ORT_CASES);
    expect(loadable).toBeGreaterThan(0);
  });
});
