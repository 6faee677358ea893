import { describe, expect, it } from 'vitest';
import type { ProfileResult } from '../../electron/core/api/types.js';
import { compareProfiles } from '../../electron/core/profiling/compare.js';
import { formatProfile } from '../../electron/core/profiling/format-profile.js';
import type { GraphNodes } from '../../electron/core/profiling/graph-nodes.js';
import { mapOptimizedNodes } from '../../electron/core/profiling/node-mapping.js';

function profile(rows: [string, string[], number][], p50: number): ProfileResult {
  const total = rows.reduce((s, r) => s + r[2], 0);
  return {
    id: `p${p50}`,
    modelId: null,
    modelName: 'net',
    modelSha256: 'a'.repeat(64),
    device: { id: 'workstation', name: 'h', arch: 'x64', platform: 'linux', cpu: 'cpu' },
    runtime: { name: 'onnxruntime-node', version: '1.30.0' },
    options: { runs: 10, warmup: 1, threads: 0, input: 'random' },
    createdAt: '2026-01-01T00:00:00.000Z',
    latencyMs: { mean: p50, p50, p95: p50, p99: p50, min: p50, max: p50 },
    peakMemoryBytes: 100 << 20,
    nodeTimeUs: total,
    runTimeUs: total * 1.1,
    rows: rows.map(([name, nodes, us]) => ({
      name, opType: name.startsWith('R') ? 'ReorderOutput' : 'Conv', nodes, fused: nodes.length !== 1 || nodes[0] !== name,
      calls: 1, meanUs: us, p50Us: us, share: us / total, outputShape: '1x8x4x4', provider: 'CPUExecutionProvider',
    })),
    opBreakdown: [{ opType: 'Conv', us: total, share: 1, count: rows.length }],
  };
}

describe('compareProfiles', () => {
  it('gives speedups of 1 against itself', () => {
    const p = profile([['a_nchwc', ['a', 'a_relu'], 30], ['b', ['b'], 10], ['ReorderOutput', [], 2]], 1.5);
    const c = compareProfiles(p, p);
    expect(c.speedup).toBe(1);
    expect(c.rows).toHaveLength(3);
    for (const r of c.rows) expect(r.speedup).toBe(1);
    expect(c.a).not.toHaveProperty('rows');
  });

  it('matches rows by original node names and keeps unmatched ones', () => {
    const fp32 = profile([['a_nchwc', ['a', 'a_relu'], 30], ['b', ['b'], 10]], 2);
    const int8 = profile([['a_quant', ['a', 'a_relu'], 10], ['c', ['c'], 5]], 1);
    const c = compareProfiles(fp32, int8);
    expect(c.speedup).toBe(2);
    expect(c.rows.find((r) => r.key === 'a + a_relu')).toMatchObject({ aUs: 30, bUs: 10, speedup: 3 });
    expect(c.rows.find((r) => r.key === 'b')).toMatchObject({ aUs: 10, bUs: null, speedup: null });
    expect(c.rows.find((r) => r.key === 'c')).toMatchObject({ aUs: null, bUs: 5, speedup: null });
  });

  it('matches an fp32 row to the int8 row that replaced it through the node they share', () => {
    const fp32 = profile([['conv1', ['conv1', 'relu1'], 40], ['conv2', ['conv2'], 20]], 2);
    const int8 = profile([['conv1_token_1', ['x_DQ', 'w_DQ', 'conv1', 'y_Q'], 10], ['conv2_token_2', ['y_DQ', 'conv2', 'z_Q'], 10]], 1);
    const c = compareProfiles(fp32, int8);
    expect(c.rows).toHaveLength(2);
    expect(c.rows.find((r) => r.key === 'conv1 + relu1')).toMatchObject({ aUs: 40, bUs: 10, speedup: 4 });
    expect(c.rows.find((r) => r.key === 'conv2')).toMatchObject({ aUs: 20, bUs: 10, speedup: 2 });
  });
});

describe('formatProfile', () => {
  it('prints latency, memory and the layers with share bars', () => {
    const lines = formatProfile(profile([['a_nchwc', ['a', 'a_relu'], 30], ['b', ['b'], 10], ['ReorderOutput', [], 2]], 1.5));
    const text = lines.join('\n');
    expect(text).toMatch(/latency ms\s+mean 1\.500\s+p50 1\.500/);
    expect(text).toContain('peak memory 100.0 MiB');
    expect(text).toContain('a +1');
    expect(text).toContain('ReorderOutput (inserted)');
    expect(lines.findIndex((l) => l.startsWith('a +1'))).toBeLessThan(lines.findIndex((l) => l.startsWith('b ')));
    expect(text).toContain('█');
  });
});

describe('mapOptimizedNodes', () => {
  const original: GraphNodes = {
    sources: new Set(['x', 'w1', 'w2', 'w3']),
    nodes: [
      { name: 'conv1', opType: 'Conv', domain: '', inputs: ['x', 'w1'], outputs: ['c1'] },
      { name: 'relu1', opType: 'Relu', domain: '', inputs: ['c1'], outputs: ['r1'] },
      { name: 'conv2', opType: 'Conv', domain: '', inputs: ['r1', 'w2'], outputs: ['c2'] },
      { name: 'add', opType: 'Add', domain: '', inputs: ['c2', 'r1'], outputs: ['s'] },
      { name: 'k', opType: 'Constant', domain: '', inputs: [], outputs: ['kk'] },
      { name: 'mul', opType: 'Mul', domain: '', inputs: ['s', 'kk'], outputs: ['m'] },
      { name: 'gemm', opType: 'Gemm', domain: '', inputs: ['m', 'w3'], outputs: ['y'] },
    ],
  };

  it('maps FusedConv, nchwc renames with a fused Add, reorders and untouched nodes', () => {
    const optimized: GraphNodes = {
      sources: new Set(['x', 'w1', 'reorder', 'w3', 'kk']),
      nodes: [
        { name: 'conv1', opType: 'FusedConv', domain: 'com.microsoft', inputs: ['x', 'w1'], outputs: ['r1'] },
        { name: 'ReorderInput', opType: 'ReorderInput', domain: 'com.microsoft.nchwc', inputs: ['r1'], outputs: ['reorder_token_0'] },
        { name: 'c2_nchwc', opType: 'Conv', domain: 'com.microsoft.nchwc', inputs: ['reorder_token_0', 'reorder', 'reorder_token_0'], outputs: ['reorder_token_1'] },
        { name: 'ReorderOutput', opType: 'ReorderOutput', domain: 'com.microsoft.nchwc', inputs: ['reorder_token_1'], outputs: ['s'] },
        { name: 'mul', opType: 'Mul', domain: '', inputs: ['s', 'kk'], outputs: ['m'] },
        { name: 'gemm', opType: 'Gemm', domain: '', inputs: ['m', 'w3'], outputs: ['y'] },
      ],
    };
    const covers = mapOptimizedNodes(original, optimized);
    expect(covers.get('conv1')).toEqual({ nodes: ['conv1', 'relu1'], fused: true });
    expect(covers.get('c2_nchwc')).toEqual({ nodes: ['conv2', 'add'], fused: true });
    expect(covers.get('ReorderInput')).toEqual({ nodes: [], fused: true });
    expect(covers.get('ReorderOutput')).toEqual({ nodes: [], fused: true });
    expect(covers.get('mul')).toEqual({ nodes: ['mul'], fused: false });
    expect(covers.get('gemm')).toEqual({ nodes: ['gemm'], fused: false });
  });
});
