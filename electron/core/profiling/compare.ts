// Compares two profiles row by row. Rows are matched by the original graph nodes they cover, so an
// fp32 model and its int8 or optimized variant line up wherever node names survived.
import type { ProfileComparison, ProfileComparisonRow, ProfileResult, ProfileSummary } from '../api/types.js';

export function compareProfiles(a: ProfileResult, b: ProfileResult): ProfileComparison {
  const left = rowsByKey(a);
  const right = rowsByKey(b);
  const rows: ProfileComparisonRow[] = [];
  for (const [key, ra] of left) {
    const rb = right.get(key);
    rows.push({ key, opType: ra.opType, aUs: ra.us, bUs: rb?.us ?? null, speedup: rb ? ratio(ra.us, rb.us) : null });
  }
  for (const [key, rb] of right) {
    if (!left.has(key)) rows.push({ key, opType: rb.opType, aUs: null, bUs: rb.us, speedup: null });
  }
  rows.sort((x, y) => Math.max(y.aUs ?? 0, y.bUs ?? 0) - Math.max(x.aUs ?? 0, x.bUs ?? 0));
  return { a: summaryOf(a), b: summaryOf(b), speedup: ratio(a.latencyMs.p50, b.latencyMs.p50) ?? 0, rows };
}

/**
 * Key of a row: its covered original nodes joined, or the executed name for inserted nodes.
 * Rows sharing a key (one original node split in two) are summed.
 */
function rowsByKey(p: ProfileResult): Map<string, { opType: string; us: number }> {
  const out = new Map<string, { opType: string; us: number }>();
  for (const r of p.rows) {
    const key = r.nodes.length > 0 ? r.nodes.join(' + ') : r.name;
    const prev = out.get(key);
    out.set(key, { opType: prev ? prev.opType : r.opType, us: (prev?.us ?? 0) + r.meanUs });
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
