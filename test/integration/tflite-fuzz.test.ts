// Damaged .tflite files through what inspect and convert do (read, analyse, convert, encode):
// never a crash or a hang, always a model or a clean AppError; and through the real CLI, exit code 2.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { analyseTflite } from '../../electron/core/inspect/analyse-tflite.js';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { openModelBytes } from '../../electron/core/onnx/format-registry.js';
import { attemptConversion } from '../../electron/core/tflite/to-onnx/convert.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { repoRoot } from '../helpers/agent-process.js';
import { tempDir } from '../fixtures/onnx-models.js';

const CASES = 2000;
const CLI_CASES = 4;
const fixtures = join(repoRoot, 'test/fixtures/tflite');

const random = seededRandom(0x7f1e);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: T[]): T => items[int(items.length)];

function mutate(a: Uint8Array, b: Uint8Array): { kind: string; bytes: Uint8Array } {
  switch (int(6)) {
    case 0:
      return { kind: 'truncate', bytes: a.slice(0, int(a.length)) };
    case 1: {
      const out = a.slice();
      for (let i = 0, n = 1 + int(8); i < n; i++) out[int(out.length)] ^= 1 << int(8);
      return { kind: 'flip', bytes: out };
    }
    case 2: {
      // An offset or count field set to a huge value: flatbuffers read 32-bit little-endian words.
      const out = a.slice();
      const at = int(Math.max(1, out.length - 4)) & ~3;
      out.set([0xff, 0xff, 0xff, 0x7f].slice(0, out.length - at), at);
      return { kind: 'word-bomb', bytes: out };
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
      // Keeps the TFL3 identifier so the reader, not the sniff, meets the damage.
      const out = Uint8Array.from({ length: 8 + int(2048) }, () => int(256));
      out.set(a.subarray(0, 8));
      return { kind: 'random-body', bytes: out };
    }
    default: {
      const out = a.slice();
      const at = int(out.length);
      out.set(Uint8Array.from({ length: Math.min(32, out.length - at) }, () => int(256)), at);
      return { kind: 'overwrite', bytes: out };
    }
  }
}

type Outcome = 'converted' | 'refused' | 'MODEL_FORMAT' | 'MODEL_INVALID';

function expectCleanError(err: unknown): AppError {
  if (!(err instanceof AppError)) throw err;
  if (!err.title || !err.detail) throw new Error(`AppError without title or detail: ${JSON.stringify(err.toData())}`);
  return err;
}

async function inspectAndConvert(name: string, bytes: Uint8Array): Promise<Outcome> {
  let opened;
  try {
    opened = await openModelBytes(name, bytes);
  } catch (err) {
    const e = expectCleanError(err);
    if (e.code !== 'MODEL_FORMAT' && e.code !== 'MODEL_INVALID') throw e;
    return e.code;
  }
  if (opened.format !== 'tflite') return 'MODEL_FORMAT';
  analyseTflite(opened);
  const attempt = attemptConversion(opened.tflite, { fileName: name });
  if (!attempt.ok) {
    expect(attempt.unsupported.length).toBeGreaterThan(0);
    return 'refused';
  }
  encodeModel(attempt.conversion.model);
  return 'converted';
}

describe('TFLite fuzz', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.tflite'));
  const corpus = files.map((f) => new Uint8Array(readFileSync(join(fixtures, f))));

  it(`${CASES} damaged files give a model, a refusal or a clean AppError`, { timeout: 20 * 60_000 }, async () => {
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const { kind, bytes } = mutate(pick(corpus), pick(corpus));
      try {
        const outcome = await inspectAndConvert(`case-${i}.tflite`, bytes);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      } catch (err) {
        failures.push(`case ${i} (${kind}, ${bytes.length} bytes): ${(err as Error).stack?.split('\n').slice(0, 3).join(' ')}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // The damage reaches every stage: the sniff/reader, the validator and the converter.
    expect(counts.MODEL_FORMAT).toBeGreaterThan(0);
    expect(counts.MODEL_INVALID).toBeGreaterThan(0);
    expect((counts.converted ?? 0) + (counts.refused ?? 0)).toBeGreaterThan(0);
  });

  it('the CLI answers damaged files with a clear message and exit code 2', { timeout: 5 * 60_000 }, async () => {
    const dir = tempDir('tflite-fuzz-cli');
    const home = join(dir, 'home');
    const source = corpus[files.indexOf('t2o-mobilenet_v1_0.25_128_quant.tflite')];
    for (let i = 0; i < CLI_CASES; i++) {
      // Cuts and flips inside the flatbuffer's tables (the first 4 KiB), where the reader must notice.
      const bytes = i % 2 === 0 ? source.slice(0, 16 + int(4096)) : source.slice();
      if (i % 2 === 1) for (let k = 0; k < 40; k++) bytes[8 + int(4096)] = int(256);
      const file = join(dir, `damaged-${i}.tflite`);
      writeFileSync(file, bytes);
      for (const args of [['inspect', file, '--home', home], ['convert', file, '--to', 'onnx', '-o', join(dir, `out-${i}.onnx`), '--home', home]]) {
        const run = await edgefleet(...args);
        if (run.code === 0) continue; // A damaged byte the model survives (a weight): a model, converted.
        expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(2);
        expect(run.stderr).toMatch(/edgefleet: .+/);
        expect(run.stderr).not.toMatch(/at .+\.(ts|js):\d+/);
      }
    }
  });
});
