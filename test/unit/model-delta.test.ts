// Model deltas (resources/device-protocol/delta/): built from the sample model's real update shapes
// (head-only fine-tune, every weight nudged, INT8 re-calibrated) and opaque files, each rebuilt byte
// for byte into a new file; a wrong base, a damaged or truncated delta and a delta for another model
// are refused with their code and leave no file behind.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDelta } from '../../resources/device-protocol/delta/apply-delta.js';
import { buildDelta, type BuildOptions } from '../../resources/device-protocol/delta/build-delta.js';
import { decodeHeader } from '../../resources/device-protocol/delta/delta-format.js';
import { cdcBoundaries } from '../../resources/device-protocol/delta/gear-cdc.js';
import { onnxTensorSegments } from '../../resources/device-protocol/delta/onnx-segments.js';
import { zstdCompress, zstdDecompress } from '../../resources/device-protocol/delta/zstd.js';
import { zstdWasmBase64, zstdWasmSha256 } from '../../resources/device-protocol/delta/zstd-wasm-binary.js';
import { denseNudge, headFineTune, headTensors, requantizedPair, sampleModelPath, ulpNudge } from '../helpers/model-variants.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'ef-delta-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sample = new Uint8Array(readFileSync(sampleModelPath));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let n = 0;

/** Builds, writes, applies into a new file; returns the delta and the rebuilt bytes. */
async function roundTrip(base: Uint8Array, target: Uint8Array, o?: BuildOptions) {
  const dir = path.join(tmp, `case-${++n}`);
  mkdirSync(dir);
  const built = buildDelta(base, target, o);
  const files = { deltaPath: path.join(dir, 'd.efd'), basePath: path.join(dir, 'base'), outPath: path.join(dir, 'out') };
  writeFileSync(files.deltaPath, built.delta);
  writeFileSync(files.basePath, base);
  const result = await applyDelta({ ...files, expect: { sha256: sha(target), size: target.byteLength, base: sha(base) } });
  return { ...built, ...files, result, rebuilt: new Uint8Array(readFileSync(files.outPath)) };
}

/** A deterministic byte stream (xorshift), for opaque files. */
function pseudoRandom(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('zstd (WebAssembly, embedded)', () => {
  it('is the build the pinned @bokuweb/zstd-wasm ships', () => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(path.join(path.dirname(require.resolve('@bokuweb/zstd-wasm')), 'zstd.wasm'));
    const embedded = Buffer.from(zstdWasmBase64, 'base64');
    expect(sha(embedded), 'regenerate with: npx tsx scripts/gen-zstd-wasm.ts').toBe(sha(wasm));
    expect(zstdWasmSha256).toBe(sha(wasm));
  });

  it('round-trips, patches against a dictionary, and refuses a frame that does not give the size asked for', () => {
    const base = sample.subarray(0, 1 << 20);
    const changed = Uint8Array.from(base);
    for (let i = 400_000; i < 404_000; i++) changed[i] ^= 0x5a;
    const plain = zstdCompress(changed, 3);
    const patch = zstdCompress(changed, 3, base);
    expect(patch.byteLength).toBeLessThan(plain.byteLength / 20);
    expect(Buffer.from(zstdDecompress(patch, changed.byteLength, base)).equals(changed)).toBe(true);
    expect(() => zstdDecompress(patch, changed.byteLength)).toThrow(expect.objectContaining({ code: 'DELTA_INVALID' }));
    expect(() => zstdDecompress(plain, changed.byteLength - 1)).toThrow(expect.objectContaining({ code: 'DELTA_INVALID' }));
    expect(() => zstdDecompress(plain.subarray(0, plain.byteLength - 10), changed.byteLength)).toThrow(expect.objectContaining({ code: 'DELTA_INVALID' }));
  });
});

describe('ONNX tensor segments', () => {
  it('finds every initializer of the sample in file order, and nothing in bytes that are not a model', () => {
    const segs = onnxTensorSegments(sample)!;
    // 106 initializers, of which two hold under 64 bytes (they stay in the rest).
    expect(segs.length).toBeGreaterThan(100);
    for (const h of headTensors()) if (h.endsWith('weight')) expect(segs.map((s) => s.key)).toContain(h);
    for (let i = 1; i < segs.length; i++) expect(segs[i].offset).toBeGreaterThanOrEqual(segs[i - 1].offset + segs[i - 1].length);
    expect(segs.every((s) => s.width === 4)).toBe(true);
    expect(onnxTensorSegments(pseudoRandom(100_000, 7))).toBeNull();
    expect(onnxTensorSegments(sample.subarray(0, sample.byteLength - 1000))).toBeNull();
  });
});

describe('model deltas: the three update shapes, rebuilt byte for byte', () => {
  it('head-only fine-tune: only the head travels (≤ 5 % of the model)', async () => {
    const target = headFineTune();
    const r = await roundTrip(sample, target);
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
    expect(r.result).toEqual({ sha256: sha(target), size: target.byteLength });
    expect(r.stats.kind).toBe('onnx-tensors');
    expect(r.stats.units.changed).toBe(1); // the weight; the 10-value bias sits in the rest
    expect(r.delta.byteLength / target.byteLength).toBeLessThan(0.05);
  });

  it('every weight nudged ×(1+1e-3): XOR by byte planes beats plain zstd of the model', async () => {
    const target = denseNudge();
    const r = await roundTrip(sample, target);
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
    expect(r.stats.units.copied).toBe(0);
    expect(r.stats.ops.xor.count).toBeGreaterThan(100);
    expect(r.delta.byteLength).toBeLessThan(0.75 * zstdCompress(target, 3).byteLength);
  });

  it('every weight moved by one ulp: a tenth of the model or less', async () => {
    const target = ulpNudge();
    const r = await roundTrip(sample, target);
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
    expect(r.delta.byteLength / target.byteLength).toBeLessThan(0.1);
  });

  it('INT8 quantized twice with different calibration (the project quantizer): scales and biases travel, weights are copies', async () => {
    const { base, target } = await requantizedPair(tmp);
    expect(sha(base)).not.toBe(sha(target));
    const r = await roundTrip(base, target);
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
    expect(r.stats.units.copied).toBeGreaterThan(r.stats.units.changed);
    expect(r.delta.byteLength / target.byteLength).toBeLessThan(0.05);
  }, 120_000);

  it('is deterministic: the same inputs give the same delta', () => {
    const target = headFineTune(2);
    expect(sha(buildDelta(sample, target).delta)).toBe(sha(buildDelta(sample, target).delta));
  });

  it('copies a tensor that only moved or was renamed', async () => {
    // Base: the fine-tuned head; target: the sample. Every tensor of the target is in the base except the head.
    const base = headFineTune(3);
    const r = await roundTrip(base, sample);
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(sample))).toBe(true);
    expect(r.stats.units.copied).toBe(r.stats.units.total - 1);
  });
});

describe('opaque files: content-defined chunks', () => {
  it('cuts the same content at the same places after an insertion', () => {
    const a = pseudoRandom(2_000_000, 11);
    const b = new Uint8Array(a.byteLength + 1000);
    b.set(a.subarray(0, 500_000));
    b.set(pseudoRandom(1000, 12), 500_000);
    b.set(a.subarray(500_000), 501_000);
    const ea = new Set(cdcBoundaries(a).filter((e) => e > 700_000).map((e) => e + 1000));
    const eb = cdcBoundaries(b).filter((e) => e > 701_000);
    expect(eb.filter((e) => ea.has(e)).length).toBeGreaterThan(eb.length * 0.9);
  });

  it('rebuilds an edited opaque file from chunks it shares with the base', async () => {
    const base = pseudoRandom(3_000_000, 21);
    const target = new Uint8Array(base.byteLength + 5000);
    target.set(base.subarray(0, 1_000_000));
    target.set(pseudoRandom(5000, 22), 1_000_000); // inserted
    target.set(base.subarray(1_000_000), 1_005_000);
    for (let i = 2_000_000; i < 2_000_100; i++) target[i] ^= 1; // edited in place
    const r = await roundTrip(base, target);
    expect(r.stats.kind).toBe('cdc');
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
    // Random bytes do not compress: only the chunks around the two edits travel.
    expect(r.delta.byteLength).toBeLessThan(0.15 * target.byteLength);
  });

  it('takes an ONNX model as opaque when asked, and still rebuilds it', async () => {
    const target = headFineTune(4);
    const r = await roundTrip(sample, target, { kind: 'cdc' });
    expect(r.stats.kind).toBe('cdc');
    expect(Buffer.from(r.rebuilt).equals(Buffer.from(target))).toBe(true);
  });
});

describe('refusals: nothing is rebuilt, no file is left', () => {
  const target = headFineTune(5);
  let files: { deltaPath: string; basePath: string; outPath: string };
  let delta: Uint8Array;
  const expectFor = { sha256: sha(target), size: target.byteLength, base: sha(sample) };
  beforeAll(async () => {
    const r = await roundTrip(sample, target);
    files = r;
    delta = r.delta;
    rmSync(r.outPath);
  });

  async function refused(code: string, o: Partial<typeof files> & { delta?: Uint8Array; expect?: typeof expectFor }) {
    const deltaPath = o.delta ? path.join(tmp, `bad-${++n}.efd`) : files.deltaPath;
    if (o.delta) writeFileSync(deltaPath, o.delta);
    const outPath = path.join(tmp, `out-${++n}`);
    await expect(applyDelta({ deltaPath, basePath: o.basePath ?? files.basePath, outPath, expect: o.expect ?? expectFor })).rejects.toMatchObject({ code });
    expect(existsSync(outPath)).toBe(false);
  }

  it('a wrong base (another model, or the right one damaged)', async () => {
    const other = path.join(tmp, 'other-base.onnx');
    writeFileSync(other, denseNudge());
    await refused('DELTA_BASE_MISSING', { basePath: other });
    const damaged = Uint8Array.from(sample);
    damaged[damaged.byteLength - 100] ^= 1;
    const damagedPath = path.join(tmp, 'damaged-base.onnx');
    writeFileSync(damagedPath, damaged);
    await refused('DELTA_BASE_MISSING', { basePath: damagedPath });
  });

  it('a truncated delta, a delta with bytes appended, a flipped byte in a payload or in the header', async () => {
    await refused('DELTA_INVALID', { delta: delta.subarray(0, delta.byteLength - 1) });
    await refused('DELTA_INVALID', { delta: delta.subarray(0, 20) });
    await refused('DELTA_INVALID', { delta: Buffer.concat([delta, Buffer.from([0])]) });
    const header = decodeHeader(delta);
    // In the first and the last payload, the kind (or header length), the base's sha256 in the header.
    for (const at of [header.payloadStart + 7, delta.byteLength - 3, 9, 15]) {
      const flipped = Uint8Array.from(delta);
      flipped[at] ^= 0x10;
      await refused('DELTA_INVALID', { delta: flipped });
    }
  });

  it('a delta for another model than the one the signed manifest names', async () => {
    await refused('DELTA_INVALID', { expect: { ...expectFor, sha256: sha(sample) } });
    await refused('DELTA_INVALID', { expect: { ...expectFor, base: sha(target) } });
  });
});
