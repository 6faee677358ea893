// InspectReport -> lines of text for `edgefleet inspect MODEL` (without --json).
import type { Dim, InspectReport, TensorInfo } from '../api/types.js';
import { uncountedMacsNote } from '../api/macs-note.js';
import { LOAD_NOT_CHECKED } from './load-check.js';

const TOP_OPS = 8;

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function formatShape(shape: Dim[] | null): string {
  if (!shape) return '(unknown rank)';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function formatQuant(q: TensorInfo['quantization']): string {
  if (!q || q.scale.length === 0) return '';
  if (q.axis !== null) return `  per-axis (axis ${q.axis}, ${q.scale.length} scales)`;
  return `  scale ${q.scale[0].toPrecision(4)} zero point ${q.zeroPoint[0] ?? 0}`;
}

function ioTable(title: string, items: TensorInfo[]): string[] {
  if (items.length === 0) return [`${title}: none`];
  const width = Math.max(...items.map((t) => t.name.length));
  const typeWidth = Math.max(...items.map((t) => t.elemType.length));
  return [`${title}:`, ...items.map((t) => `  ${t.name.padEnd(width)}  ${t.elemType.padEnd(typeWidth)}  ${formatShape(t.shape)}${formatQuant(t.quantization)}`)];
}

function tfliteLines(t: NonNullable<InspectReport['tflite']>): string[] {
  const lines: string[] = [];
  if (t.signatures.length > 0) {
    lines.push(`Signatures: ${t.signatures.map((s) => `"${s.key}" (subgraph ${s.subgraphIndex}: ${s.inputs.join(', ')} → ${s.outputs.join(', ')})`).join('; ')}`);
  }
  if (t.subgraphs > 1) lines.push(`Subgraphs:  ${t.subgraphs} (the main one converts; the others are control-flow bodies or other signatures)`);
  lines.push(
    t.convertible
      ? 'Converts to ONNX: yes (edgefleet convert MODEL --to onnx -o OUT.onnx)'
      : `Converts to ONNX: no — ${t.unsupported.map((u) => `${u.op} ×${u.count} (${u.reasons.join('; ')})`).join(', ')}`,
  );
  for (const note of t.notes) lines.push(`Note:       ${note}`);
  return lines;
}

export function formatInspectReport(r: InspectReport): string[] {
  const opsets = r.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const producer = [r.producer.name, r.producer.version].filter(Boolean).join(' ') || 'unknown';
  const lines = [
    r.tflite
      ? `Format:     TFLITE (schema ${r.tflite.schemaVersion}${r.tflite.minRuntimeVersion ? `, runtime ≥ ${r.tflite.minRuntimeVersion}` : ''}), ${formatBytes(r.fileBytes)}`
      : `Format:     ${r.format.toUpperCase()} (IR ${r.irVersion}, opset ${opsets || 'none'}), ${formatBytes(r.fileBytes)}`,
    `Producer:   ${producer}${r.graphName ? ` · graph "${r.graphName}"` : ''}`,
    ...ioTable('Inputs', r.inputs),
    ...ioTable('Outputs', r.outputs),
  ];
  const ops = Object.entries(r.opCounts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ops.slice(0, TOP_OPS).map(([op, n]) => `${op} ×${n}`);
  if (ops.length > TOP_OPS) top.push(`… ${ops.length - TOP_OPS} more`);
  lines.push(`Nodes:      ${r.nodeCount}${top.length ? ` (${top.join(', ')})` : ''}`);
  const bytesByType = Object.entries(r.weightBytes).map(([t, b]) => `${t} ${formatBytes(b)}`).join(', ');
  lines.push(
    `Parameters: ${formatCount(r.parameterCount)} · weights ${formatBytes(r.weightBytesTotal)}` +
      `${bytesByType ? ` (${bytesByType})` : ''}${r.externalData ? ' · external data' : ''}`,
  );
  const note = uncountedMacsNote(r);
  const unresolved = note ? ` · ${note}` : '';
  lines.push(`MACs:       ${formatCount(r.macs.total)} (batch 1)${unresolved}`);
  const loads = r.loadable.ok ? 'yes' : r.loadable.error === LOAD_NOT_CHECKED ? 'not checked' : `no — ${r.loadable.error ?? 'unknown error'}`;
  if (r.tflite) lines.push(...tfliteLines(r.tflite));
  lines.push(`${r.tflite ? 'ONNX conversion loads in ONNX Runtime' : 'Loads in ONNX Runtime'}: ${loads}`);
  return lines;
}
