// Why some nodes have no multiply-accumulate count, in words the CLI and the Models page share.
import type { InspectReport } from './types.js';

/** '' when every node is counted. */
export function uncountedMacsNote(r: Pick<InspectReport, 'macs' | 'tflite'>): string {
  const n = r.macs.unresolved.length;
  if (n === 0) return '';
  const nodes = `${n} node${n === 1 ? '' : 's'} not counted`;
  // A .tflite's MACs come from its ONNX conversion: without one, no operator is counted.
  if (r.tflite && !r.tflite.convertible) return `${nodes} (the model does not convert to ONNX)`;
  return `${nodes} (shapes unknown until run time)`;
}
