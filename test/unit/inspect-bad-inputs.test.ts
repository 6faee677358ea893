import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { encode, missingInitializerModel, reluModel, unknownOpModel, writeTemp } from '../fixtures/onnx-models.js';

async function inspectError(name: string, content: Uint8Array | string) {
  const err = await inspectFile(writeTemp(name, content)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('inspectFile on bad inputs', () => {
  it('empty file -> MODEL_FORMAT', async () => {
    expect(await inspectError('empty.onnx', new Uint8Array())).toMatchObject({ code: 'MODEL_FORMAT', title: 'Not a model EdgeFleet can read' });
  });

  it('truncated model -> MODEL_FORMAT that says truncated', async () => {
    const bytes = encode(reluModel());
    const e = await inspectError('cut.onnx', bytes.subarray(0, bytes.length - 3));
    expect(e.code).toBe('MODEL_FORMAT');
    expect(e.detail).toMatch(/truncated/);
  });

  it('random bytes -> MODEL_FORMAT', async () => {
    const random = seededRandom(42);
    const e = await inspectError('random.onnx', Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)));
    expect(e.code).toBe('MODEL_FORMAT');
  });

  it('a text file -> MODEL_FORMAT', async () => {
    expect((await inspectError('model.onnx', 'ir_version: 8\ngraph { node { op_type: "Relu" } }\n')).code).toBe('MODEL_FORMAT');
  });

  it('a node reading a missing initializer -> MODEL_INVALID naming both', async () => {
    const e = await inspectError('missing.onnx', encode(missingInitializerModel()));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.detail).toMatch(/"add_bias".*"bias_weight"/);
  });

  it('an unknown op is inspected, and ORT says why it does not load', async () => {
    const report = await inspectFile(writeTemp('unknown.onnx', encode(unknownOpModel())));
    expect(report.opCounts).toEqual({ FrobnicateTensor: 1 });
    expect(report.loadable.ok).toBe(false);
    expect(report.loadable.error).toContain('FrobnicateTensor');
    expect(report.loadable.error).not.toContain('\n');
  });

  it('the smallest valid model loads', async () => {
    const report = await inspectFile(writeTemp('relu.onnx', encode(reluModel())));
    expect(report.loadable).toEqual({ ok: true, error: null });
    expect(report.macs).toEqual({ total: 0, perNode: [], unresolved: [] });
  });
});
