// A second opinion on the TFLite conversion: Arm NN's own TFLite runtime (Debian's python3-pyarmnn 20.08,
// CpuRef), written apart from TFLite, runs every fixture the manifest says agrees with TFLite, on the same
// seeded inputs onnxruntime runs the conversion on. Where Arm NN takes the file, the conversion must match it,
// except on the two files where Arm NN itself is wrong (TFLite and the conversion agree there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { convertTflite } from '../../electron/core/tflite/to-onnx/convert.js';
import { compareOutput, MAX_QUANTA, WITHIN_ONE_FRACTION } from '../../electron/core/tflite/verify/agreement.js';
import { runOnnx } from '../../electron/core/tflite/verify/ort-run.js';
import { seededInputs, type VerifyDType } from '../../electron/core/tflite/verify/tensor-data.js';
import { repoRoot } from '../helpers/agent-process.js';
import { runArmnn } from '../helpers/armnn.js';

const fixtures = join(repoRoot, 'test/fixtures/tflite');
const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as { file: string; agreement?: string }[];
const agreed = manifest.filter((e) => e.agreement === 'agreed').map((e) => e.file);

/** Where Arm NN 20.08 computes something else than TFLite (which the conversion matches). */
const ARMNN_WRONG: Record<string, string> = {
  't2o-resize-bilinear.float32.tflite': 'its RESIZE_BILINEAR ignores half_pixel_centers',
  't2o-transposeconv-samepad-stride2.float32.tflite': 'its SAME-padded stride-2 TRANSPOSE_CONV places the padding wrongly',
};
/** What Arm NN's parser says when it cannot take a file: a limit of the parser, never a wrong answer. */
const PARSER_LIMIT = /Operator not supported|only supports 1 subgraph|Unsupported data type|must be non-negative|Buffer #\d+ has 0 bytes|out of range/;
/** Files on which Arm NN's process dies (SIGSEGV) before answering. */
const ARMNN_CRASHES = new Set(['t2o-split.float32.tflite']);

async function compare(file: string) {
  const conversion = convertTflite(readTflite(new Uint8Array(readFileSync(join(fixtures, file))), file), { fileName: file });
  const inputs = seededInputs(conversion.inputs.map((i) => ({ name: i.tfliteName, dtype: i.dtype as VerifyDType, shape: i.shape })), 5);
  const armnn = await runArmnn(join(fixtures, file), inputs);
  if (!armnn.ok) return { armnn, verdicts: [] };
  const ours = (await runOnnx(encodeModel(conversion.model), inputs, { level: 'basic' })).outputs;
  const verdicts = conversion.outputs.map((o, k) => {
    const theirs = armnn.outputs.find((t) => t.name === o.tfliteName);
    if (!theirs) throw new Error(`Arm NN gave no output "${o.tfliteName}"`);
    return compareOutput({ ...theirs, name: o.name }, ours[k], o.quantization !== null);
  });
  return { armnn, verdicts };
}

describe('TFLite conversions against Arm NN', () => {
  it('the Arm NN runtime is installed (python3-pyarmnn under /usr/bin/python3)', async () => {
    const { armnn } = await compare('t2o-add.float32.tflite');
    expect(armnn.ok, armnn.ok ? '' : armnn.reason).toBe(true);
  });

  it.each(agreed)('%s', { timeout: 120_000 }, async (file) => {
    const { armnn, verdicts } = await compare(file);
    if (!armnn.ok) {
      if (ARMNN_CRASHES.has(file)) return expect(armnn.refused).toBe(false);
      expect(armnn.refused, armnn.reason).toBe(true);
      return expect(armnn.reason).toMatch(PARSER_LIMIT);
    }
    expect(ARMNN_CRASHES.has(file), `${file} no longer crashes Arm NN: take it off the list`).toBe(false);
    if (ARMNN_WRONG[file]) {
      // Arm NN's known error shows, or the list is stale.
      expect(verdicts.some((v) => !v.pass), `Arm NN now agrees on ${file}: take it off the list`).toBe(true);
      return;
    }
    for (const v of verdicts) {
      if (v.kind !== 'quantized') {
        expect(v.pass, `${v.name}: ${v.why ?? ''}`).toBe(true);
        continue;
      }
      // Arm NN is within the tolerance of TFLite, not TFLite itself: two outputs each within MAX_QUANTA of
      // TFLite's are within twice that of each other, with the same top-1.
      expect(v.maxQuanta, `${v.name}: ${v.why ?? ''}`).toBeLessThanOrEqual(2 * MAX_QUANTA);
      expect(v.within1Fraction).toBeGreaterThanOrEqual(WITHIN_ONE_FRACTION);
      expect(v.top1Same).not.toBe(false);
    }
  });
});
