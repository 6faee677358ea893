import { readFileSync } from 'node:fs';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import {
  modelFormats,
  openModelBytes,
  openModelFile,
  requireOnnx,
  registerFormat,
  type ModelFormat,
  type OpenedModel,
} from '../../electron/core/onnx/format-registry.js';
import { sniffOnnx } from '../../electron/core/onnx/onnx-sniff.js';
import {
  encode,
  missingInitializerModel,
  model,
  reluModel,
  SAMPLE_MODEL,
  unknownOpModel,
  valueInfo,
  writeTemp,
} from '../fixtures/onnx-models.js';

async function openError(name: string, content: Uint8Array | string): Promise<AppError> {
  const err = await openModelFile(writeTemp(name, content)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.title.length).toBeGreaterThan(0);
  expect(e.detail).toContain(name);
  return e;
}

describe('openModelFile on files that are not models', () => {
  const sample = readFileSync(SAMPLE_MODEL);

  it('rejects an empty file', async () => {
    const e = await openError('empty.onnx', new Uint8Array());
    expect(e).toMatchObject({ code: 'MODEL_FORMAT', title: 'Not a model EdgeFleet can read' });
    expect(e.detail).toContain('empty');
  });

  it('rejects a truncated model and says it is truncated', async () => {
    for (const cut of [1, 30, 1000, sample.length - 1]) {
      const e = await openError('cut.onnx', sample.subarray(0, cut));
      expect(e.code).toBe('MODEL_FORMAT');
      expect(e.detail).toContain('truncated');
    }
  });

  it('rejects random bytes', async () => {
    const random = seededRandom(7);
    for (let i = 0; i < 20; i++) {
      const bytes = Uint8Array.from({ length: 64 + i * 100 }, () => Math.floor(random() * 256));
      expect((await openError('noise.onnx', bytes)).code).toBe('MODEL_FORMAT');
    }
  });

  it('rejects a text file', async () => {
    const e = await openError('notes.txt', '# My model\nThis is a README, not a model.\n');
    expect(e).toMatchObject({ code: 'MODEL_FORMAT', title: 'Not a model EdgeFleet can read' });
  });

  it('rejects a model without a graph as invalid', async () => {
    const e = await openError('nograph.onnx', encode({ ir_version: 8, opset_import: [{ domain: '', version: 13 }] }));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.detail).toContain('no graph');
  });

  it('names the missing initializer and the node that reads it', async () => {
    const e = await openError('missing.onnx', encode(missingInitializerModel()));
    expect(e).toMatchObject({ code: 'MODEL_INVALID', title: 'Invalid ONNX model.', name: 'OnnxError' });
    expect(e.detail).toContain('"bias_weight"');
    expect(e.detail).toContain('"add_bias"');
  });

  it('finds a missing tensor inside a subgraph, and accepts outer-scope reads', async () => {
    const branch = (input: string) => ({
      name: 'branch',
      node: [{ op_type: 'Relu', input: [input], output: ['r'] }],
      output: [valueInfo('r', [4])],
    });
    const ifModel = (input: string) =>
      model({
        node: [{ name: 'cond_if', op_type: 'If', input: ['C'], output: ['Y'], attribute: [
          { name: 'then_branch', type: 5, g: branch('X') },
          { name: 'else_branch', type: 5, g: branch(input) },
        ] }],
        input: [valueInfo('C', [], 9), valueInfo('X', [4])],
        output: [valueInfo('Y', [4])],
      });
    await expect(openModelFile(writeTemp('ok.onnx', encode(ifModel('X'))))).resolves.toBeTruthy();
    const e = await openError('sub.onnx', encode(ifModel('ghost')));
    expect(e.detail).toContain('"ghost"');
    expect(e.detail).toContain('cond_if');
  });

  it('opens a model with an unknown op (ORT decides later)', async () => {
    const opened = requireOnnx(await openModelFile(writeTemp('unknown.onnx', encode(unknownOpModel()))));
    expect(opened.model.graph!.node![0].op_type).toBe('FrobnicateTensor');
  });

  it('opens a model whatever its extension', async () => {
    const opened = await openModelFile(writeTemp('model.bin', encode(reluModel())));
    expect(opened.format).toBe('onnx');
  });
});

describe('the ONNX sniff', () => {
  it('accepts the sample and rejects its truncation', () => {
    const sample = readFileSync(SAMPLE_MODEL);
    expect(sniffOnnx(sample)).toEqual({ ok: true });
    expect(sniffOnnx(sample.subarray(0, 5000))).toMatchObject({ ok: false, truncated: true });
  });

  it('rejects protobuf that is not a ModelProto', () => {
    // Field 3 (wire type 0) does not exist in ModelProto; field 3 is a string there.
    expect(sniffOnnx(Uint8Array.from([0x18, 0x01]))).toMatchObject({ ok: false, truncated: false });
  });
});

describe('the format registry', () => {
  it('lets another format join and be picked by its own sniff', async () => {
    const magic = new TextEncoder().encode('EFTEST');
    const fake: ModelFormat = {
      id: 'ef-test',
      name: 'EdgeFleet test format',
      extensions: ['.eft'],
      match: (ctx) => magic.every((b, i) => ctx.bytes[i] === b),
      explain: () => null,
      open: async (ctx) => ({ format: 'ef-test', path: ctx.path }) as unknown as OpenedModel,
    };
    registerFormat(fake);
    expect(modelFormats().map((f) => f.id)).toEqual(['onnx', 'tflite', 'ef-test']);
    const opened = await openModelBytes('/x/model.eft', new TextEncoder().encode('EFTEST and more'));
    expect(opened.format as string).toBe('ef-test');
    expect(() => registerFormat(fake)).toThrow(/already registered/);
    // ONNX files still go to ONNX.
    expect((await openModelBytes('/x/relu.onnx', encode(reluModel()))).format).toBe('onnx');
  });
});
