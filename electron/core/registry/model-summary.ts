import type { InspectReport } from '../api/types.js';

/** "opset 13 · 105 nodes · 0.70 M params · 2.7 MB" */
export function summaryLine(inspect: InspectReport | null, sizeBytes: number): string {
  const parts: string[] = [];
  if (inspect) {
    const opset = inspect.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (inspect.tflite) parts.push(inspect.tflite.convertible ? 'TFLite' : 'TFLite (does not convert)');
    else if (opset) parts.push(`opset ${opset.version}`);
    parts.push(`${inspect.nodeCount} nodes`);
    parts.push(`${(inspect.parameterCount / 1e6).toFixed(2)} M params`);
  }
  parts.push(formatBytes(sizeBytes));
  return parts.join(' · ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
