// Round trip of every model in the ONNX test corpus through our codec, and the analysis
// that inspect runs, which must neither throw nor leave a MAC node unresolved there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelToObject } from '../../electron/core/onnx/codec.js';
import { openModelBytes, requireOnnx } from '../../electron/core/onnx/format-registry.js';
import { analyseOnnx } from '../../electron/core/inspect/analyse-onnx.js';
import { corpusModels } from '../fixtures/onnx-corpus.js';

describe('ONNX corpus (libonnx-testdata)', () => {
  const files = corpusModels();

  it('has the 1,072 models of node, pytorch-converted, pytorch-operator and simple', () => {
    expect(files.length).toBe(1072);
  });

  it('decode -> encode -> decode gives an equal message and identical re-encoded bytes', () => {
    const failures: string[] = [];
    for (const file of files) {
      try {
        const first = decodeModel(readFileSync(file));
        const bytes1 = encodeModel(first);
        const second = decodeModel(bytes1);
        const bytes2 = encodeModel(second);
        if (JSON.stringify(modelToObject(first)) !== JSON.stringify(modelToObject(second))) failures.push(`${file}: messages differ`);
        else if (Buffer.compare(Buffer.from(bytes1), Buffer.from(bytes2)) !== 0) failures.push(`${file}: re-encoded bytes differ`);
      } catch (err) {
        failures.push(`${file}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('opens (sniff, decode, validate) and analyses every model', async () => {
    const failures: string[] = [];
    let macNodes = 0;
    for (const file of files) {
      try {
        const opened = requireOnnx(await openModelBytes(file, readFileSync(file)));
        const analysis = analyseOnnx(opened);
        const opSum = Object.values(analysis.opCounts).reduce((a, b) => a + b, 0);
        if (opSum !== analysis.nodeCount) failures.push(`${file}: op counts sum to ${opSum}, not ${analysis.nodeCount}`);
        if (analysis.macs.unresolved.length > 0) failures.push(`${file}: MACs unresolved for ${analysis.macs.unresolved.join(', ')}`);
        macNodes += analysis.macs.perNode.length;
      } catch (err) {
        failures.push(`${file}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    // Conv, ConvTranspose, Gemm and MatMul test models (72 with ONNX 1.12 test data).
    expect(macNodes).toBeGreaterThanOrEqual(60);
  });
});
