import { describe, expect, it } from 'vitest';
import type { ModelSummary, ProfileResult, ProfileRow } from '../../electron/core/api/types.js';
import { buildTargets, type DeviceFacts } from '../../electron/core/quantize/targets-view.js';

const model = (id: string, recipe: unknown, extra: Partial<ModelSummary> = {}): ModelSummary =>
  ({ id, name: id, version: 1, sizeBytes: 1000, recipe, parentId: recipe ? 'float' : null, metrics: null, ...extra }) as ModelSummary;

const row = (name: string, opType: string, us: number, nodes = [name]): ProfileRow => ({ name, opType, nodes, fused: false, calls: 1, meanUs: us, p50Us: us, share: 0, outputShape: null, provider: 'CPU' });

let n = 0;
const profile = (modelId: string, deviceId: string, p50: number, rows: ProfileRow[]): ProfileResult =>
  ({ id: `p${n++}`, modelId, device: { id: deviceId }, latencyMs: { p50, p95: p50 * 1.2 }, peakMemoryBytes: 0, createdAt: '2026-01-01T00:00:00Z', rows }) as unknown as ProfileResult;

const devices = new Map<string, DeviceFacts>([
  ['d-arm', { name: 'arm-board', cpu: 'Cortex-A53', cpuFeatures: [] }],
  ['d-x86', { name: 'x86-box', cpu: 'Xeon', cpuFeatures: ['avx512_vnni'] }],
]);

describe('buildTargets', () => {
  const parent = model('float', null, { sizeBytes: 4000, metrics: { latencyP50Ms: 2, top1: 0.9 } as ModelSummary['metrics'] });
  const int8 = model('int8', { mode: 'static' }, { metrics: { latencyP50Ms: 1, top1: 0.89, agreement: 0.98, floatNodes: [{ name: 'fc', opType: 'Gemm', reason: null }] } as ModelSummary['metrics'] });
  const fp16 = model('fp16', { mode: 'fp16' });
  const floatRows = [row('conv1', 'Conv', 400), row('conv2', 'Conv', 300), row('fc', 'Gemm', 50)];
  const profiles = new Map([
    ['float', [profile('float', 'd-x86', 2, floatRows), profile('float', 'd-arm', 10, floatRows), profile('float', 'd-x86', 99, floatRows)]],
    // x86: INT8 kernels faster; arm: slower (a QDQ row covers the float node).
    ['int8', [profile('int8', 'd-x86', 1, [row('conv1_q', 'QLinearConv', 100, ['conv1']), row('conv2_q', 'QLinearConv', 100, ['conv2'])]), profile('int8', 'd-arm', 15, [row('conv1_q', 'QLinearConv', 600, ['conv1']), row('conv2_q', 'QLinearConv', 500, ['conv2'])])]],
    ['fp16', []],
    // A profile on a device no longer in the inventory is left out.
    ['other', [profile('fp16', 'gone', 1, [])]],
  ]);
  const t = buildTargets({ parent, variants: [int8, fp16], profiles, devices });

  it('lists the devices timed on, with the ratio to float on the same device (newest profile wins)', () => {
    expect(t.devices.map((d) => [d.deviceName, d.cpuFeatures])).toEqual([
      ['arm-board', 'no INT8 extensions reported'],
      ['x86-box', 'avx512_vnni'],
    ]);
    expect(t.variants.map((v) => v.kind)).toEqual(['float', 'int8-static', 'fp16']);
    const [f, q, h] = t.variants;
    expect(f.devices.map((d) => d.ratio)).toEqual([1, 1]);
    expect(f.devices.find((d) => d.deviceId === 'd-x86')!.p50Ms).toBe(2);
    expect(q.devices.map((d) => [d.deviceId, d.ratio])).toEqual([
      ['d-arm', 1.5],
      ['d-x86', 0.5],
    ]);
    expect(q).toMatchObject({ top1: 0.89, agreement: 0.98, workstationP50Ms: 1 });
    expect(f.agreement).toBeNull();
    expect(h.devices).toEqual([]);
  });

  it('per layer: INT8 pays off on one target and not on the other; layers kept float are left out', () => {
    expect(t.layers!.variantId).toBe('int8');
    expect(t.layers!.rows.map((r) => r.node)).toEqual(['conv1', 'conv2']);
    expect(t.layers!.rows[0].perDevice).toEqual([
      { deviceId: 'd-arm', floatMs: 0.4, int8Ms: 0.6 },
      { deviceId: 'd-x86', floatMs: 0.4, int8Ms: 0.1 },
    ]);
    expect(t.layers!.verdicts.map((v) => [v.deviceName, v.paysOff, v.layers])).toEqual([
      ['arm-board', false, 2],
      ['x86-box', true, 2],
    ]);
  });

  it('no per-layer view when no INT8 variant was timed with its parent', () => {
    expect(buildTargets({ parent, variants: [fp16], profiles, devices }).layers).toBeNull();
  });
});
