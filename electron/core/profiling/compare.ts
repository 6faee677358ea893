// Compares two profiles row by row. Rows are matched by the original graph nodes they cover, so an
// fp32 model and its int8 or optimized variant line up wherever node names survived.
import type { ProfileComparison, ProfileComparisonRow, ProfileResult, ProfileSummary } from '../api/types.js';

export function compareProfiles(a: ProfileResult, b: ProfileResult): ProfileComparison {
  const left = rowsByKey(a);
  const right = rowsByKey(b);
  // Rows whose keys differ still match through a shared original node: fp32 "Conv + Relu" and the int8
  // "DequantizeLinear… + Conv + QuantizeLinear" that replaced it both cover the Conv.
  const rightByNode = new Map<string, string>();
  for (const [key, r] of right) for (const n of r.nodes) if (!rightByNode.has(n)) rightByNode.set(n, key);
  const matched = new Set<string>();
  const rows: ProfileComparisonRow[] = [];
  for (const [key, ra] of left) {
    const rightKey = right.has(key) ? key : ra.nodes.map((n) => rightByNode.get(n)).find((k) => k !== undefined && !matched.has(k) && !left.has(k));
    const rb = rightKey === undefined ? undefined : right.get(rightKey);
    if (rightKey !== undefined) matched.add(rightKey);
    rows.push({ key, opType: ra.opType, aUs: ra.us, bUs: rb?.us ?? null, speedup: rb ? ratio(ra.us, rb.us) : null });
  }
  for (const [key, rb] of right) {
    if (!matched.has(key)) rows.push({ key, opType: rb.opType, aUs: null, bUs: rb.us, speedup: null });
  }
  rows.sort((x, y) => Math.max(y.aUs ?? 0, y.bUs ?? 0) - Math.max(x.aUs ?? 0, x.bUs ?? 0));
  return { a: summaryOf(a), b: summaryOf(b), speedup: ratio(a.latencyMs.p50, b.latencyMs.p50) ?? 0, rows };
}

/**
 * Key of a row: its covered original nodes joined, or the executed name for inserted nodes.
 * Rows sharing a key (one original node split in two) are summed.
 */
function rowsByKey(p: ProfileResult): Map<string, { opType: string; us: number; nodes: string[] }> {
  const out = new Map<string, { opType: string; us: number; nodes: string[] }>();
  for (const r of p.rows) {
    const key = r.nodes.length > 0 ? r.nodes.join(' + ') : r.name;
    const prev = out.get(key);
    out.set(key, { opType: prev ? prev.opType : r.opType, us: (prev?.us ?? 0) + r.meanUs, nodes: r.nodes });
  }
  return out;
}

function ratio(x: number, y: number): number | null {
  return y > 0 && Number.isFinite(x) && Number.isFinite(y) ? x / y : null;
}

function summaryOf(p: ProfileResult): ProfileSummary {
  const { id, modelId, modelName, modelSha256, device, runtime, options, createdAt, latencyMs } = p;
  return { id, modelId, modelName, modelSha256, device, runtime, options, createdAt, latencyMs };
}
