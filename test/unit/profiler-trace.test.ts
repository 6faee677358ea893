import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { readGraphNodes } from '../../electron/core/profiling/graph-nodes.js';
import { buildRows } from '../../electron/core/profiling/profile-rows.js';
import { shapeText, summarizeTrace, type TraceEvent } from '../../electron/core/profiling/trace.js';

function run(ts: number, nodes: [string, number][]): TraceEvent[] {
  const events: TraceEvent[] = [{ cat: 'Session', name: 'model_run', ts, dur: 100, args: {} }];
  let t = ts + 1;
  for (const [name, dur] of nodes) {
    events.push({ cat: 'Node', name: `${name}_fence_before`, ts: t, dur: 0 });
    events.push({ cat: 'Node', name: `${name}_kernel_time`, ts: t, dur, args: { op_name: 'Conv', provider: 'CPUExecutionProvider', output_type_shape: [{ float: [1, 8, 4, 4] }] } });
    events.push({ cat: 'Node', name: `${name}_fence_after`, ts: t + dur, dur: 0 });
    t += dur + 1;
  }
  return events;
}

describe('summarizeTrace', () => {
  it('keeps the last runs, sums kernel time per node and run, ignores fences', () => {
    const events = [...run(0, [['a', 50], ['b', 30]]), ...run(200, [['a', 40], ['b', 20], ['a', 10]]), ...run(400, [['a', 60], ['b', 30]])];
    const t = summarizeTrace(events, 2);
    expect(t.runs).toBe(2);
    expect(t.runTimeUs).toBe(100);
    expect(t.nodes.map((n) => n.name)).toEqual(['a', 'b']);
    expect(t.nodes[0]).toMatchObject({ opType: 'Conv', provider: 'CPUExecutionProvider', outputShape: '1x8x4x4', perRunUs: [50, 60], events: 3 });
    const { rows, nodeTimeUs, opBreakdown } = buildRows(t.nodes, new Map([['a', { nodes: ['conv_a', 'relu_a'], fused: true }]]));
    expect(nodeTimeUs).toBe(80);
    expect(rows[0]).toMatchObject({ meanUs: 55, p50Us: 55, calls: 2, nodes: ['conv_a', 'relu_a'], fused: true });
    expect(rows[1]).toMatchObject({ meanUs: 25, nodes: [], fused: true });
    expect(rows[0].share + rows[1].share).toBeCloseTo(1, 12);
    expect(opBreakdown).toEqual([{ opType: 'Conv', us: 80, share: 1, count: 2 }]);
  });

  it('writes shapes compactly', () => {
    expect(shapeText([{ float: [1, 16, 16, 16] }])).toBe('1x16x16x16');
    expect(shapeText([{ int64: [] }, { float: [2] }])).toBe('scalar, 2');
    expect(shapeText(undefined)).toBeNull();
  });
});

describe('readGraphNodes', () => {
  it('names unnamed nodes the way onnxruntime does and lists sources', () => {
    const bytes = encodeModel({
      ir_version: 8,
      opset_import: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [
          { op_type: 'Relu', input: ['x'], output: ['a'] },
          { op_type: 'Add', name: 'Add_1', input: ['a', 'w'], output: ['b'] },
          { op_type: 'Add', input: ['b', 'w'], output: ['y'] },
        ],
        input: [{ name: 'x' }],
        initializer: [{ name: 'w', dims: [1], data_type: 1, float_data: [1] }],
        output: [{ name: 'y' }],
      },
    });
    const g = readGraphNodes(bytes);
    expect(g.nodes.map((n) => n.name)).toEqual(['Relu_0', 'Add_1', 'Add_2']);
    expect([...g.sources].sort()).toEqual(['w', 'x']);
  });
});
