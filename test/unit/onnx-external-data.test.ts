import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../electron/core/onnx/codec.js';
import { openModelFile, requireOnnx } from '../../electron/core/onnx/format-registry.js';
import { externalDataRef, isExternal, readTensorBytes, tensorByteLength } from '../../electron/core/onnx/tensor-data.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { encode, FLOAT, model, tempDir, valueInfo, writeTemp } from '../fixtures/onnx-models.js';

/** Add(X, B) with B's four floats at `offset` in weights.bin. */
function externalModel(location: string, offset = 16) {
  return model({
    name: 'ext',
    node: [{ name: 'add', op_type: 'Add', input: ['X', 'B'], output: ['Y'] }],
    input: [valueInfo('X', [4])],
    output: [valueInfo('Y', [4])],
    initializer: [
      {
        name: 'B',
        data_type: FLOAT,
        dims: [4],
        data_location: 1,
        external_data: [
          { key: 'location', value: location },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: '16' },
        ],
      },
    ],
  });
}

function writeWeights(dir: string) {
  const data = new Float32Array([0, 0, 0, 0, 1, 2, 3, 4]);
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(data.buffer));
}

describe('external data', () => {
  it('is described without reading it, and read lazily relative to the model folder', async () => {
    const dir = tempDir();
    writeWeights(dir);
    const path = writeTemp('model.onnx', externalModel('weights.bin'), dir);
    const { model: m } = requireOnnx(await openModelFile(path));
    const b = m.graph!.initializer![0];
    expect(isExternal(b)).toBe(true);
    expect(externalDataRef(b)).toEqual({ location: 'weights.bin', offset: 16, length: 16 });
    expect(tensorByteLength(b)).toBe(16);
    const bytes = await readTensorBytes(b, dir);
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 4))).toEqual([1, 2, 3, 4]);
  });

  it('is counted by inspect, and ORT loads the model with it', async () => {
    const dir = tempDir();
    writeWeights(dir);
    const report = await inspectFile(writeTemp('model.onnx', externalModel('weights.bin'), dir));
    expect(report.externalData).toBe(true);
    expect(report.weightBytes).toEqual({ FLOAT: 16 });
    expect(report.parameterCount).toBe(4);
    expect(report.loadable).toEqual({ ok: true, error: null });
  });

  it('refuses a location outside the model folder', async () => {
    const dir = tempDir();
    const m = decodeModel(encode(externalModel('../secret.bin')));
    await expect(readTensorBytes(m.graph!.initializer![0], dir)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      detail: expect.stringContaining('outside the model'),
    });
  });

  it('names a missing data file', async () => {
    const dir = tempDir();
    const path = writeTemp('model.onnx', externalModel('weights.bin'), dir);
    const { model: m } = requireOnnx(await openModelFile(path));
    await expect(readTensorBytes(m.graph!.initializer![0], dir)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      detail: expect.stringContaining('weights.bin'),
    });
  });
});
