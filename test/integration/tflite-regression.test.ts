// The TFLite regression manifest, netron-style: one entry per real fixture file with what reading it,
// converting it and comparing the conversion with the TFLite C library must give. Each reference run
// is its own child process (a few files crash the library).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { openModelBytes } from '../../electron/core/onnx/format-registry.js';
import { attemptConversion } from '../../electron/core/tflite/to-onnx/convert.js';
import { verifyConversion } from '../../electron/core/tflite/verify/verify-conversion.js';
import { referenceAvailable } from '../../electron/core/tflite/verify/reference-runner.js';
import { repoRoot } from '../helpers/agent-process.js';

interface Entry {
  file: string;
  /** 'ok', or the AppError code reading gives. */
  read: 'ok' | 'MODEL_FORMAT' | 'MODEL_INVALID';
  convert?: 'ok' | 'refused';
  /** For refusals: the operators named (op keys such as 'CUSTOM edgetpu-custom-op'). */
  refused?: string[];
  /** For conversions: what the comparison with TFLite gives. */
  agreement?: 'agreed' | 'differs' | 'unverified';
  /** The TFLite library crashes on this file at random: a crashed run is accepted, any run that completes must agree. */
  referenceCrashes?: boolean;
  /** Why an entry is what it is, for the next reader. */
  note?: string;
}

const dir = join(repoRoot, 'test/fixtures/tflite');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[];

async function readOutcome(file: string) {
  try {
    const opened = await openModelBytes(join(dir, file), new Uint8Array(readFileSync(join(dir, file))));
    if (opened.format !== 'tflite') throw new Error(`${file} opened as ${opened.format}`);
    return { read: 'ok' as const, model: opened.tflite };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { read: err.code as Entry['read'], model: null };
  }
}

describe('TFLite regression manifest', () => {
  it('has one entry per fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort();
    expect(manifest.map((e) => e.file).sort()).toEqual(files);
  });

  it('the TFLite reference runtime is installed (a devDependency): the comparisons below are real', async () => {
    const ref = await referenceAvailable();
    expect(ref, JSON.stringify(ref)).toMatchObject({ ok: true });
  });

  it.each(manifest.map((e) => [e.file, e] as const))('%s', { timeout: 120_000 }, async (file, entry) => {
    const { read, model } = await readOutcome(file);
    expect(read).toBe(entry.read);
    if (!model) return;
    const attempt = attemptConversion(model, { fileName: file });
    expect(attempt.ok ? 'ok' : 'refused', attempt.ok ? '' : JSON.stringify(attempt.unsupported)).toBe(entry.convert);
    if (!attempt.ok) {
      expect(attempt.unsupported.map((u) => u.op).sort()).toEqual([...(entry.refused ?? [])].sort());
      return;
    }
    const agreement = await verifyConversion(join(dir, file), encodeModel(attempt.conversion.model), attempt.conversion, 1);
    if (entry.referenceCrashes && agreement.status === 'unverified') {
      expect(agreement.summary).toMatch(/crashed on this model/);
      return;
    }
    expect(agreement.status, agreement.summary).toBe(entry.agreement);
  });
});
