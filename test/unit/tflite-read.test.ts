// The TFLite reader on real files and on files changed through the generated object API: what it
// normalises (and says), what it refuses, and that damage is an AppError naming the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { Model, type ModelT } from '../../electron/core/tflite/generated/schema_generated.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { sniffTflite } from '../../electron/core/tflite/tflite-sniff.js';
import { repoRoot } from '../helpers/agent-process.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join(repoRoot, 'test/fixtures/tflite', name)));
const read = (name: string) => readTflite(fixture(name), name);

function unpack(name: string): ModelT {
  return Model.getRootAsModel(new flatbuffers.ByteBuffer(fixture(name))).unpack();
}

function pack(m: ModelT): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  b.finish(m.pack(b), 'TFL3');
  return b.asUint8Array().slice();
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('reading real TFLite files', () => {
  it('keeps a dynamic batch as -1 in the shape signature', () => {
    const m = read('micro-hello_world_float.tflite');
    const input = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]];
    expect(input.shapeSignature).toEqual([-1, 1]);
    expect(m.subgraphs[0].operators.map((o) => o.opcode)).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
  });

  it('reads per-axis quantization of a depthwise weight along its channel dimension', () => {
    const t = read('micro-micro_speech_quantized.tflite').subgraphs[0].tensors.find((x) => x.name === 'first_weights/read')!;
    expect(t.shape).toEqual([1, 10, 8, 8]);
    expect(t.quantization).toMatchObject({ quantizedDimension: 3 });
    expect(t.quantization!.scale).toHaveLength(8);
    expect(t.data!.byteLength).toBe(640);
  });

  it('maps each signature to its subgraph in its own order', () => {
    const m = read('litert-multi_signature_model.tflite');
    expect(m.signatures.map((s) => s.key).sort()).toEqual(['add', 'mul', 'sub']);
    for (const s of m.signatures) expect(m.subgraphs[s.subgraphIndex].operators[0].opcode).toBe(s.key.toUpperCase());
  });

  it('reads a graph whose outputs are its inputs', () => {
    const g = read('mediapipe-3in3out_model_swaps_input_2_and_0.tflite').subgraphs[0];
    expect(g.operators).toHaveLength(0);
    expect([...g.outputs].sort()).toEqual([...g.inputs].sort());
  });

  it('names a vendor op by its custom code', () => {
    const op = read('coral-mobilenet_v1_0.25_128_quant_edgetpu.tflite').subgraphs[0].operators[0];
    expect(op).toMatchObject({ opcode: 'CUSTOM', customCode: 'edgetpu-custom-op' });
  });

  it('refuses schema version 2 as TFLite does, and a broken file as damaged', () => {
    expect(errorOf(() => read('litert-quant-transpose.tflite')).detail).toMatch(/schema version 2/);
    expect(sniffTflite(fixture('litert-test_model_broken.tflite'), '.tflite').ok).toBe(false);
  });
});

describe('files changed through the object API', () => {
  it('normalises a per-axis bias that names a dimension it does not have, and says so', () => {
    const m = unpack('micro-micro_speech_quantized.tflite');
    const bias = m.subgraphs[0].tensors.find((t) => t.name === 'Conv2D_bias')!;
    bias.quantization!.quantizedDimension = 3;
    const read2 = readTflite(pack(m), 'person-detect-style.tflite');
    const t = read2.subgraphs[0].tensors.find((x) => x.name === 'Conv2D_bias')!;
    expect(t.quantization!.quantizedDimension).toBe(0);
    expect(read2.normalisations.join('\n')).toMatch(/Conv2D_bias.*dimension 3 of a rank-1 tensor; read as dimension 0/);
  });

  it('reads a constant stored after the flatbuffer (offset and size, as files over 2 GB do)', () => {
    const original = read('t2o-conv.float32.tflite');
    const weight = original.subgraphs[0].tensors.find((t) => t.data && t.shape.length === 4)!;
    const m = unpack('t2o-conv.float32.tflite');
    const buffer = m.buffers[m.subgraphs[0].tensors[weight.index].buffer];
    buffer.data = [];
    buffer.offset = 999_999n;
    buffer.size = BigInt(weight.data!.byteLength);
    const size = pack(m).byteLength;
    const at = Math.ceil(size / 16) * 16;
    buffer.offset = BigInt(at);
    const head = pack(m);
    expect(head.byteLength).toBe(size);
    const file = new Uint8Array(at + weight.data!.byteLength);
    file.set(head);
    file.set(weight.data!, at);
    const t = readTflite(file, 'outside.tflite').subgraphs[0].tensors[weight.index];
    expect(Array.from(t.data!)).toEqual(Array.from(weight.data!));
    // Cut short: the data is not there, and the reader says so.
    expect(errorOf(() => readTflite(file.slice(0, at + 10), 'cut.tflite'))).toMatchObject({ code: 'MODEL_FORMAT', detail: expect.stringMatching(/cut\.tflite is damaged: buffer \d+ lies at bytes/) });
  });

  it('refuses a tensor index out of range, naming the operator', () => {
    const m = unpack('t2o-add.float32.tflite');
    m.subgraphs[0].operators[0].inputs = [0, 999];
    const e = errorOf(() => readTflite(pack(m), 'bad-index.tflite'));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.detail).toMatch(/operator 0 \(ADD\).*tensor 999/);
  });

  it('turns every cut of a real file into a model or a MODEL_FORMAT error, never another exception', () => {
    const bytes = fixture('t2o-mobilenet_v1_0.25_128_quant.tflite');
    for (let cut = 0; cut < bytes.length; cut += 997) {
      try {
        readTflite(bytes.slice(0, cut), 'cut.tflite');
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toMatch(/^MODEL_(FORMAT|INVALID)$/);
      }
    }
  });
});
