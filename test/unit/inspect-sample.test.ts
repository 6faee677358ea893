// inspect on the bundled MobileNetV2 (width 0.5, 32x32 digits), checked against values
// computed here another way.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InspectReport, JobProgress } from '../../electron/core/api/types.js';
import { decodeModel } from '../../electron/core/onnx/codec.js';
import { toNumber } from '../../electron/core/onnx/int64.js';
import { inspectFile } from '../../electron/core/inspect/inspect.js';
import { SAMPLE_MODEL } from '../fixtures/onnx-models.js';

describe('inspectFile on the sample model', () => {
  const phases: JobProgress['phase'][] = [];
  let report: InspectReport;
  beforeAll(async () => {
    report = await inspectFile(SAMPLE_MODEL, { progress: (p) => phases.push(p.phase) });
  });
  const model = decodeModel(readFileSync(SAMPLE_MODEL));
  const graph = model.graph!;
  const nodes = graph.node!;
  const initializers = graph.initializer!;

  it('reports progress phases in order', () => {
    const distinct = phases.filter((p, i) => p !== phases[i - 1]);
    expect(distinct).toEqual(['reading', 'decoding', 'analysing', 'load-check']);
  });

  it('describes the header and IO', () => {
    expect(report).toMatchObject({ format: 'onnx', irVersion: 7, opsets: [{ domain: '', version: 13 }] });
    expect(report.producer.name).toBe('pytorch');
    expect(report.fileBytes).toBe(readFileSync(SAMPLE_MODEL).length);
    expect(report.inputs).toHaveLength(1);
    expect(report.inputs[0]).toMatchObject({ name: 'input', elemType: 'FLOAT' });
    expect(typeof report.inputs[0].shape![0]).toBe('string');
    expect(report.inputs[0].shape!.slice(1)).toEqual([3, 32, 32]);
    expect(report.outputs).toEqual([{ name: 'logits', elemType: 'FLOAT', shape: [report.inputs[0].shape![0], 10] }]);
  });

  it('counts every node by op type', () => {
    expect(report.nodeCount).toBe(nodes.length);
    expect(Object.values(report.opCounts).reduce((a, b) => a + b, 0)).toBe(report.nodeCount);
    expect(report.opCounts.Conv).toBe(nodes.filter((n) => n.op_type === 'Conv').length);
  });

  it('counts parameters and weight bytes as the initializers hold them', () => {
    // All initializers are FLOAT in raw_data: 4 bytes per parameter.
    const rawBytes = initializers.reduce((sum, t) => sum + t.raw_data!.length, 0);
    expect(initializers.every((t) => t.data_type === 1)).toBe(true);
    expect(report.parameterCount).toBe(rawBytes / 4);
    expect(report.weightBytes).toEqual({ FLOAT: rawBytes });
    expect(report.weightBytesTotal).toBe(rawBytes);
    expect(report.externalData).toBe(false);
  });

  it('computes the MACs of the first Conv from its shapes', () => {
    const conv = nodes.find((n) => n.op_type === 'Conv')!;
    expect(conv.input![0]).toBe('input');
    const w = initializers.find((t) => t.name === conv.input![1])!.dims!.map(toNumber);
    const attr = (name: string) => conv.attribute!.find((a) => a.name === name)!.ints!.map(toNumber);
    const [stride] = attr('strides');
    const [pad] = attr('pads');
    const out = Math.floor((32 + 2 * pad - w[2]) / stride) + 1;
    const expected = w[0] * w[1] * w[2] * w[3] * out * out;
    expect(expected).toBe(16 * 3 * 3 * 3 * 16 * 16);
    expect(report.macs.perNode.find((n) => n.name === conv.name)).toEqual({ name: conv.name, opType: 'Conv', macs: expected });
  });

  it('computes the MACs of the classifier Gemm and of every Conv and Gemm', () => {
    const gemm = report.macs.perNode.find((n) => n.opType === 'Gemm')!;
    expect(gemm.macs).toBe(1280 * 10);
    expect(report.macs.perNode).toHaveLength(report.opCounts.Conv + report.opCounts.Gemm);
    expect(report.macs.unresolved).toEqual([]);
    expect(report.macs.total).toBe(report.macs.perNode.reduce((s, n) => s + n.macs, 0));
  });

  it('loads in ONNX Runtime', () => {
    expect(report.loadable).toEqual({ ok: true, error: null });
  });
});

describe('inspectFile cancellation and options', () => {
  it('stops with a CancelledError when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(inspectFile(SAMPLE_MODEL, { signal: ac.signal })).rejects.toMatchObject({ name: 'CancelledError' });
  });

  it('stops between phases when cancelled during decoding', async () => {
    const ac = new AbortController();
    const run = inspectFile(SAMPLE_MODEL, {
      signal: ac.signal,
      progress: (p) => {
        if (p.phase === 'decoding') ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
  });

  it('skips the ORT load check when asked', async () => {
    const report = await inspectFile(SAMPLE_MODEL, { loadCheck: false });
    expect(report.loadable.ok).toBe(false);
    expect(report.loadable.error).toMatch(/not checked/i);
  });
});
