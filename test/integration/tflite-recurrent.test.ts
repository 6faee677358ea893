// LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF: variants no fixture has (CIFG, peepholes, projection,
// layer norm, time-major, clipping, rank > 1), written as one-op files, and the real int8 LSTM cut at its
// own output, each converted and compared with the TFLite C library by the product's own proof.
import * as flatbuffers from 'flatbuffers';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { Model } from '../../electron/core/tflite/generated/schema_generated.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { attemptConversion } from '../../electron/core/tflite/to-onnx/convert.js';
import { verifyConversion } from '../../electron/core/tflite/verify/verify-conversion.js';
import { repoRoot } from '../helpers/agent-process.js';
import { singleOpModel, type OpSpec, type TensorSpec } from '../helpers/tflite-single-op.js';

const work = mkdtempSync(join(tmpdir(), 'tflite-recurrent-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Deterministic weights in [-amp, amp]. */
const weights = (shape: number[], salt: number, amp = 0.6): TensorSpec => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: n }, (_, i) => amp * Math.sin(1.7 * i + 0.9 * salt + 0.3)) };
};
const state = (shape: number[]): TensorSpec => ({ shape, variable: true });

function write(name: string, bytes: Uint8Array) {
  const path = join(work, `${name}.tflite`);
  writeFileSync(path, bytes);
  return path;
}

async function proof(name: string, bytes: Uint8Array) {
  const path = write(name, bytes);
  const attempt = attemptConversion(readTflite(bytes, path), { fileName: path });
  if (!attempt.ok) throw new Error(`refused: ${JSON.stringify(attempt.unsupported)}`);
  const agreement = await verifyConversion(path, encodeModel(attempt.conversion.model), attempt.conversion, 3);
  return { conversion: attempt.conversion, agreement };
}

interface LstmVariant {
  sequence?: boolean;
  timeMajor?: boolean;
  cifg?: boolean;
  peephole?: boolean;
  projection?: boolean;
  layerNorm?: boolean;
  cellClip?: number;
  projClip?: number;
  activation?: number;
}

const [B, T, I, U, P] = [2, 5, 3, 4, 3];

function lstmSpec(v: LstmVariant): OpSpec {
  const sequence = v.sequence ?? true;
  const out = v.projection ? P : U;
  const input = sequence ? (v.timeMajor ? [T, B, I] : [B, T, I]) : [B, I];
  const inputs: (TensorSpec | null)[] = [
    { shape: input },
    v.cifg ? null : weights([U, I], 1), weights([U, I], 2), weights([U, I], 3), weights([U, I], 4),
    v.cifg ? null : weights([U, out], 5), weights([U, out], 6), weights([U, out], 7), weights([U, out], 8),
    v.peephole && !v.cifg ? weights([U], 9) : null, v.peephole ? weights([U], 10) : null, v.peephole ? weights([U], 11) : null,
    v.cifg ? null : weights([U], 12, 0.2), weights([U], 13, 0.2), weights([U], 14, 0.2), weights([U], 15, 0.2),
    v.projection ? weights([P, U], 16) : null, v.projection ? weights([P], 17, 0.1) : null,
    state([B, out]), state([B, U]),
  ];
  if (v.layerNorm) inputs.push(v.cifg ? null : weights([U], 20, 1), weights([U], 21, 1), weights([U], 22, 1), weights([U], 23, 1));
  const output = sequence ? (v.timeMajor ? [T, B, out] : [B, T, out]) : [B, out];
  const fields = { fusedActivationFunction: v.activation ?? 4, cellClip: v.cellClip ?? 0, projClip: v.projClip ?? 0 };
  return sequence
    ? { op: 'UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, outputs: [{ shape: output }], options: { type: 'UnidirectionalSequenceLSTMOptions', fields: { ...fields, timeMajor: v.timeMajor ?? false } } }
    : { op: 'LSTM', inputs, outputs: [{ shape: output }], options: { type: 'LSTMOptions', fields } };
}

describe('LSTM conversion, compared with TFLite', () => {
  const variants: [string, LstmVariant][] = [
    ['sequence, batch-major, tanh', {}],
    ['time-major with peepholes and a cell clip', { timeMajor: true, peephole: true, cellClip: 0.5 }],
    ['CIFG (no input gate) with projection and a projection clip', { cifg: true, projection: true, projClip: 0.3 }],
    ['layer norm with peepholes and projection', { layerNorm: true, peephole: true, projection: true }],
    ['CIFG with layer norm', { cifg: true, layerNorm: true }],
    ['one LSTM step with a RELU cell activation', { sequence: false, activation: 1 }],
  ];

  it.each(variants)('%s', { timeout: 60_000 }, async (name, v) => {
    const { conversion, agreement } = await proof(name.replace(/\W+/g, '-'), singleOpModel(lstmSpec(v)));
    expect(agreement.status, agreement.summary).toBe('agreed');
    expect(conversion.notes.join(' ')).toMatch(/state .*starts from zero/i);
  });

  it('the int8 MNIST LSTM (TFLite Micro) cut at its own int8 output sequence agrees within the quantized tolerance', { timeout: 60_000 }, async () => {
    const file = readFileSync(join(repoRoot, 'test/fixtures/tflite/micro-trained_lstm_int8.tflite'));
    const m = Model.getRootAsModel(new flatbuffers.ByteBuffer(new Uint8Array(file))).unpack();
    const graph = m.subgraphs[0];
    const lstm = graph.operators.find((op) => m.operatorCodes[op.opcodeIndex].builtinCode === 44)!;
    graph.outputs = [lstm.outputs[0]];
    m.signatureDefs = [];
    const b = new flatbuffers.Builder(1024);
    b.finish(m.pack(b), 'TFL3');
    const { conversion, agreement } = await proof('mnist-lstm-int8-cut', b.asUint8Array().slice());
    expect(conversion.outputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 28, 20] });
    expect(agreement.status, agreement.summary).toBe('agreed');
  });

  it('refuses what it does not convert, naming it', () => {
    const diagonal = lstmSpec({});
    diagonal.options!.fields!.diagonalRecurrentTensors = true;
    const path = write('diagonal', singleOpModel(diagonal));
    const attempt = attemptConversion(readTflite(readFileSync(path), path), { fileName: path });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.unsupported[0]).toMatchObject({ op: 'UNIDIRECTIONAL_SEQUENCE_LSTM', reasons: [expect.stringMatching(/diagonal/)] });
  });
});

describe('SVDF conversion, compared with TFLite', () => {
  function svdfSpec(rank: number, memory: number, activation: number, bias: boolean): OpSpec {
    const [batch, input, filters] = [2, 5, 6];
    return {
      op: 'SVDF',
      inputs: [{ shape: [batch, input] }, weights([filters, input], 1), weights([filters, memory], 2), bias ? weights([filters / rank], 3, 0.2) : null, state([batch, filters * memory])],
      outputs: [{ shape: [batch, filters / rank] }],
      options: { type: 'SVDFOptions', fields: { rank, fusedActivationFunction: activation } },
    };
  }

  it.each([
    ['rank 1, memory 4, RELU, bias', 1, 4, 1, true],
    ['rank 2, memory 3, no activation, no bias', 2, 3, 0, false],
    ['rank 3, memory 1, RELU6, bias', 3, 1, 3, true],
  ] as const)('%s', { timeout: 60_000 }, async (name, rank, memory, activation, bias) => {
    const { agreement } = await proof(`svdf-${name.replace(/\W+/g, '-')}`, singleOpModel(svdfSpec(rank, memory, activation, bias)));
    expect(agreement.status, agreement.summary).toBe('agreed');
  });

  it('int8 SVDF with an int16 state (TFLite\'s integer kernel) agrees within the quantized tolerance', { timeout: 60_000 }, async () => {
    const q = (t: TensorSpec, dtype: 'int8' | 'int16' | 'int32', scale: number, zeroPoint = 0): TensorSpec => ({
      ...t, dtype, quant: { scale, zeroPoint }, ...(t.data ? { data: t.data.map((v) => Math.round(v / scale) + zeroPoint) } : {}),
    });
    const [batch, input, filters, memory] = [2, 5, 6, 4];
    const stateScale = 0.004;
    const timeScale = 0.0005;
    const spec: OpSpec = {
      op: 'SVDF',
      version: 3,
      inputs: [
        q({ shape: [batch, input] }, 'int8', 0.05, -3),
        q(weights([filters, input], 1), 'int8', 0.006),
        q(weights([filters, memory], 2), 'int16', timeScale),
        q(weights([filters], 3, 0.2), 'int32', stateScale * timeScale),
        q(state([batch, filters * memory]), 'int16', stateScale),
      ],
      // Zero point -10, so values below zero show whether TFLite's RELU is applied (it is not).
      outputs: [q({ shape: [batch, filters] }, 'int8', 0.03, -10)],
      options: { type: 'SVDFOptions', fields: { rank: 1, fusedActivationFunction: 1 } },
    };
    const { conversion, agreement } = await proof('svdf-int8', singleOpModel(spec));
    expect(conversion.outputs[0]).toMatchObject({ dtype: 'int8' });
    expect(agreement.status, agreement.summary).toBe('agreed');
  });

  it('refuses a state tensor that does not hold filters × memory values, as TFLite does', () => {
    const spec = svdfSpec(1, 4, 1, true);
    spec.inputs[4] = state([2, 9]);
    const path = write('svdf-bad-state', singleOpModel(spec));
    const attempt = attemptConversion(readTflite(readFileSync(path), path), { fileName: path });
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.unsupported[0].reasons[0]).toMatch(/state tensor is \[2, 9\].*need \[2, 24\]/);
  });
});
