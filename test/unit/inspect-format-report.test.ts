import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../../electron/core/api/types.js';
import { formatBytes, formatCount, formatInspectReport } from '../../electron/core/inspect/format-report.js';
import { LOAD_NOT_CHECKED } from '../../electron/core/inspect/load-check.js';

const report: InspectReport = {
  format: 'onnx',
  fileBytes: 2805802,
  irVersion: 7,
  opsets: [{ domain: '', version: 13 }],
  producer: { name: 'pytorch', version: '1.13.0' },
  graphName: 'torch_jit',
  docString: '',
  metadata: {},
  inputs: [{ name: 'input', elemType: 'FLOAT', shape: ['batch', 3, 32, 32] }],
  outputs: [{ name: 'logits', elemType: 'FLOAT', shape: ['batch', 10] }, { name: 'extra', elemType: 'INT64', shape: null }],
  nodeCount: 170,
  opCounts: { Conv: 52, Constant: 70, Clip: 35, Add: 10, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 },
  parameterCount: 691218,
  weightBytes: { FLOAT: 2764872 },
  weightBytesTotal: 2764872,
  externalData: false,
  macs: { total: 1968960, perNode: [], unresolved: [] },
  loadable: { ok: true, error: null },
};

describe('formatInspectReport', () => {
  it('summarises a report in a few readable lines', () => {
    const lines = formatInspectReport(report);
    const text = lines.join('\n');
    expect(lines.length).toBeLessThan(15);
    expect(text).toContain('ONNX (IR 7, opset ai.onnx 13), 2.7 MiB');
    expect(text).toMatch(/input\s+FLOAT\s+\[batch, 3, 32, 32\]/);
    expect(text).toMatch(/extra\s+INT64\s+\(unknown rank\)/);
    expect(text).toContain('Nodes:      170 (Constant ×70, Conv ×52, Clip ×35, Add ×10');
    expect(text).toContain('Parameters: 691.2 K');
    expect(text).toContain('MACs:       1.97 M');
    expect(text).toContain('Loads in ONNX Runtime: yes');
  });

  it('says why a model does not load, or that it was not checked', () => {
    const failing = formatInspectReport({ ...report, loadable: { ok: false, error: 'No Op registered for Foo' } }).join('\n');
    expect(failing).toContain('Loads in ONNX Runtime: no — No Op registered for Foo');
    const skipped = formatInspectReport({ ...report, loadable: { ok: false, error: LOAD_NOT_CHECKED } }).join('\n');
    expect(skipped).toContain('Loads in ONNX Runtime: not checked');
  });

  it('mentions unresolved MAC nodes and external data', () => {
    const text = formatInspectReport({
      ...report,
      externalData: true,
      macs: { total: 5e9, perNode: [], unresolved: ['a', 'b'] },
    }).join('\n');
    expect(text).toContain('5.00 G');
    expect(text).toContain('2 nodes not counted (shapes unknown until run time)');
    expect(text).toContain('external data');
  });
});

describe('number formats', () => {
  it('scales counts and bytes', () => {
    expect([formatCount(999), formatCount(1500), formatCount(2.5e6), formatCount(3e9)]).toEqual(['999', '1.5 K', '2.50 M', '3.00 G']);
    expect([formatBytes(10), formatBytes(2048), formatBytes(5 * 1024 ** 2)]).toEqual(['10 B', '2.0 KiB', '5.0 MiB']);
  });
});
