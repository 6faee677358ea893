// Whether a converted model's outputs equal TFLite's own: float outputs within 1e-4 of the output's
// range, quantized outputs within 4 quanta per element (99 % within 1) with the same top-1, integer
// and boolean outputs equal. Two correct TFLite runtimes differ by that much on quantized models.
import type { AgreementOutput } from '../../api/tflite-conversion.js';
import type { NamedTensor } from './tensor-data.js';

export const FLOAT_RELATIVE = 1e-4;
export const MAX_QUANTA = 4;
export const WITHIN_ONE_FRACTION = 0.99;

const num = (d: NamedTensor['data'], i: number) => Number(d[i]);

function argmaxRows(d: NamedTensor['data'], shape: number[]): number[] | null {
  const last = shape.at(-1) ?? 0;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (last < 2 || rows > 16) return null;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < last; c++) if (num(d, r * last + c) > num(d, r * last + best)) best = c;
    out.push(best);
  }
  return out;
}

/**
 * Top-1 agrees when the indices match, or when the candidate's choice scores within `slack` of the best
 * reference score (a near-tie: random inputs often give them, and either answer is right).
 */
function top1Agrees(ref: NamedTensor, got: NamedTensor, slack: number): boolean | undefined {
  const a = argmaxRows(ref.data, ref.shape);
  const b = argmaxRows(got.data, got.shape);
  if (!a || !b) return undefined;
  const last = ref.shape.at(-1)!;
  return a.every((ai, r) => ai === b[r] || num(ref.data, r * last + ai) - num(ref.data, r * last + b[r]) <= slack);
}

export function compareOutput(ref: NamedTensor, got: NamedTensor, quantized: boolean): AgreementOutput {
  const base = { name: ref.name, maxAbsDiff: 0 };
  const kind: AgreementOutput['kind'] = quantized ? 'quantized' : ref.dtype === 'float32' || ref.dtype === 'float64' ? 'float' : 'exact';
  if (ref.shape.join() !== got.shape.join()) return { ...base, kind, pass: false, why: `shape [${got.shape.join(', ')}] where TFLite gives [${ref.shape.join(', ')}]` };
  if (ref.data.length !== got.data.length) return { ...base, kind, pass: false, why: `${got.data.length} values where TFLite gives ${ref.data.length}` };
  let maxAbs = 0;
  let refMax = 0;
  let within1 = 0;
  let worst = -1;
  let nanMismatch = -1;
  for (let i = 0; i < ref.data.length; i++) {
    const r = num(ref.data, i);
    const g = num(got.data, i);
    if (Number.isNaN(r) || Number.isNaN(g)) {
      if (Number.isNaN(r) !== Number.isNaN(g) && nanMismatch < 0) nanMismatch = i;
      continue;
    }
    const d = Math.abs(r - g);
    if (d > maxAbs) {
      maxAbs = d;
      worst = i;
    }
    if (d <= 1) within1++;
    refMax = Math.max(refMax, Math.abs(r));
  }
  if (nanMismatch >= 0) return { ...base, kind, maxAbsDiff: maxAbs, pass: false, why: `NaN at element ${nanMismatch} on one side only` };
  if (kind === 'quantized') {
    const fraction = ref.data.length ? within1 / ref.data.length : 1;
    const top1Same = top1Agrees(ref, got, MAX_QUANTA);
    const pass = maxAbs <= MAX_QUANTA && fraction >= WITHIN_ONE_FRACTION && top1Same !== false;
    const why = maxAbs > MAX_QUANTA
      ? `${maxAbs} quanta at element ${worst} (limit ${MAX_QUANTA})`
      : fraction < WITHIN_ONE_FRACTION ? `${((1 - fraction) * 100).toFixed(1)} % of elements off by more than 1 quantum (limit 1 %)` : top1Same === false ? 'a different top-1 class' : undefined;
    return { ...base, kind, maxAbsDiff: maxAbs, maxQuanta: maxAbs, within1Fraction: fraction, ...(top1Same === undefined ? {} : { top1Same }), pass, ...(why ? { why } : {}) };
  }
  if (kind === 'exact') return { ...base, kind, maxAbsDiff: maxAbs, pass: maxAbs === 0, ...(maxAbs === 0 ? {} : { why: `element ${worst} differs by ${maxAbs}` }) };
  // An all-zero reference still allows float noise: an absolute floor of 1e-6.
  const limit = Math.max(FLOAT_RELATIVE * refMax, 1e-6);
  const top1Same = top1Agrees(ref, got, limit);
  const pass = maxAbs <= limit && top1Same !== false;
  return {
    ...base,
    kind,
    maxAbsDiff: maxAbs,
    ...(top1Same === undefined ? {} : { top1Same }),
    pass,
    ...(pass ? {} : { why: maxAbs > limit ? `max |Δ| ${maxAbs.toExponential(2)} at element ${worst}, over 1e-4 of the output's range ${refMax.toPrecision(3)}` : 'a different top-1 class' }),
  };
}

export function summarize(outputs: AgreementOutput[]): string {
  const bad = outputs.filter((o) => !o.pass);
  if (bad.length > 0) return bad.map((o) => `output "${o.name}": ${o.why}`).join('; ');
  const q = outputs.filter((o) => o.kind === 'quantized');
  const f = outputs.filter((o) => o.kind === 'float');
  const parts = [
    ...(f.length ? [`float max |Δ| ${Math.max(...f.map((o) => o.maxAbsDiff)).toExponential(1)}`] : []),
    ...(q.length ? [`quantized max ${Math.max(...q.map((o) => o.maxQuanta ?? 0))} quanta`] : []),
    ...(outputs.length - f.length - q.length > 0 ? ['integer outputs equal'] : []),
  ];
  return `${outputs.length} output${outputs.length === 1 ? '' : 's'} within tolerance (${parts.join(', ')})`;
}
