// Facts read from a model file itself, so that tests derive their expected counts from the graph at
// hand instead of pinning numbers taken from an earlier run.
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../electron/core/onnx/codec.js';

/** Nodes of the main graph by op type. */
export function opCounts(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of decodeModel(readFileSync(file)).graph?.node ?? []) counts[n.op_type!] = (counts[n.op_type!] ?? 0) + 1;
  return counts;
}

/** Nodes of the main graph whose op type is one of `ops`. */
export function countOps(file: string, ...ops: string[]): number {
  const counts = opCounts(file);
  return ops.reduce((n, op) => n + (counts[op] ?? 0), 0);
}

/** All nodes of the main graph. */
export function nodeCount(file: string): number {
  return decodeModel(readFileSync(file)).graph?.node?.length ?? 0;
}
