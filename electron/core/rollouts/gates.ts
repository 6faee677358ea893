// Health gates: each turns the stage's observations into pass, fail, or "too few devices to judge".
import { AppError, toErrorData } from '../api/errors.js';
import { mean } from '../util/stats.js';
import { evaluateEnergyRatioGate, type EnergyBlockPair } from './energy-stats.js';
import { compareMetric, mergeMetricTotals, type MetricTotals } from '../metrics/app-metric-stats.js';
import { metricNamePattern } from '../../../resources/device-protocol/metric-name.js';
import { gateLabel } from '../api/gate-key.js';

export type GateKind = 'deploy-failure-rate' | 'inference-error-rate' | 'p95-latency-ratio' | 'restarts' | 'confidence-drift' | 'input-drift' | 'score-drift' | 'energy-ratio' | 'metric';

export interface GateDefinition {
  kind: GateKind;
  /** For kind metric: the application metric's name (false_alarm). */
  metric?: string;
  /** The largest value that passes. */
  max: number;
  /** Devices with data for this gate before it is judged. */
  minDevices: number;
  /** energy-ratio: load seconds of each device's measurement (default 60). */
  seconds?: number;
}

/** What the engine gathered about one device since the rollout reached it. */
export interface DeviceObservation {
  deviceId: string;
  /** Outcome of deploy + trial activation; undefined while unknown. */
  deploy?: 'ok' | 'failed';
  requests?: number;
  errors?: number;
  p95Ms?: number | null;
  /** The same device's p95 before the rollout. */
  baselineP95Ms?: number | null;
  /** Crashes and restarts of the runtime since the deploy. */
  restarts?: number;
  confidenceMean?: number | null;
  /** The same device's mean confidence under the previous model. */
  baselineConfidenceMean?: number | null;
  /** PSI of the worst input statistic: the device's windows of the new model against its reference; null when not judged. */
  inputDriftPsi?: number | null;
  /** PSI of the worst output statistic (top-1 confidence, class mix, score), likewise. */
  scoreDriftPsi?: number | null;
  /** Why this device's drift is not judged (no reference profile, too few samples). */
  driftNote?: string;
  /** Interleaved candidate/parent energy blocks on this device; null or absent when it has none. */
  energy?: { pairs: readonly EnergyBlockPair[]; idlePowerW?: number } | null;
  /** Why this device has no energy figure (no counter on the board). */
  energyNote?: string;
  /** The device's name, for explanations a person reads (the id when absent). */
  deviceName?: string;
  /** The application's metrics on this device: under the new model since its deploy, and under the previous model before it. */
  appMetrics?: { candidate: MetricTotals; baseline: MetricTotals };
}

export type GateStatus = 'pass' | 'fail' | 'insufficient';

export interface GateResult {
  kind: GateKind;
  metric?: string;
  status: GateStatus;
  /** null when no device had data. */
  value: number | null;
  threshold: number;
  devices: number;
  minDevices: number;
  explanation: string;
}

export interface GateInfo {
  title: string;
  /** One line for the UI. */
  description: string;
  unit: 'ratio' | 'count' | 'fraction' | 'psi';
  defaults: { max: number; minDevices: number };
  /** A gate asked for by name (metric:NAME), never one of the defaults. */
  named?: boolean;
  /** Only when asked for: judging it costs the devices (energy: a minute or more of full load each). */
  optIn?: boolean;
}

export const gateInfo: Record<GateKind, GateInfo> = {
  'deploy-failure-rate': {
    title: 'Deploy failures',
    description: 'Share of devices whose upload or trial activation failed.',
    unit: 'fraction',
    defaults: { max: 0.1, minDevices: 1 },
  },
  'inference-error-rate': {
    title: 'Inference errors',
    description: 'Failed requests over all requests served by the new model.',
    unit: 'fraction',
    defaults: { max: 0.02, minDevices: 3 },
  },
  'p95-latency-ratio': {
    title: 'p95 latency vs before',
    description: "Mean p95 latency on the new model over the same devices' p95 before the rollout.",
    unit: 'ratio',
    defaults: { max: 1.25, minDevices: 3 },
  },
  restarts: {
    title: 'Crashes and restarts',
    description: 'Runtime crashes or restarts on the devices since they got the new model.',
    unit: 'count',
    defaults: { max: 0, minDevices: 1 },
  },
  'confidence-drift': {
    title: 'Confidence drift',
    description: "Change in mean top-1 confidence against the same devices under the previous model.",
    unit: 'fraction',
    defaults: { max: 0.05, minDevices: 3 },
  },
  'input-drift': {
    title: 'Input drift',
    description: "Largest PSI of an input statistic against the model's reference profile (0.1 watch, 0.25 act), worst device.",
    unit: 'psi',
    defaults: { max: 0.25, minDevices: 1 },
  },
  'score-drift': {
    title: 'Score drift',
    description: "Largest PSI of an output statistic (confidence, class mix) against the model's reference profile, worst device.",
    unit: 'psi',
    defaults: { max: 0.25, minDevices: 1 },
  },
  'energy-ratio': {
    title: 'Energy per inference vs parent',
    description: "Energy per inference over the parent's on the same device; fails only when the interval's lower bound is above the limit.",
    unit: 'ratio',
    defaults: { max: 1.1, minDevices: 3 },
    optIn: true,
  },
  metric: {
    title: 'Application metric vs before',
    description: "An application metric (events per inference, or a value's mean) on the new model over the same devices before; fails only when the interval's lower bound is above the limit.",
    unit: 'ratio',
    defaults: { max: 1.05, minDevices: 1 },
    named: true,
  },
};

/** The gates every rollout gets unless it names its own; a metric gate needs a name, so it is only ever asked for. */
export const gateKinds = (Object.keys(gateInfo) as GateKind[]).filter((k) => !gateInfo[k].named);

export function defaultGates(): GateDefinition[] {
  return gateKinds.filter((k) => !gateInfo[k].optIn).map((kind) => ({ kind, ...gateInfo[kind].defaults }));
}

interface Measured {
  value: number | null;
  devices: number;
  /** Why devices without data have none, for an insufficient verdict. */
  notes?: string[];
}

function measure(kind: Exclude<GateKind, 'energy-ratio' | 'metric'>, obs: readonly DeviceObservation[]): Measured {
  switch (kind) {
    case 'deploy-failure-rate': {
      const known = obs.filter((o) => o.deploy !== undefined);
      const failed = known.filter((o) => o.deploy === 'failed').length;
      return { value: known.length ? failed / known.length : null, devices: known.length };
    }
    case 'inference-error-rate': {
      const serving = obs.filter((o) => (o.requests ?? 0) > 0);
      const requests = serving.reduce((s, o) => s + (o.requests ?? 0), 0);
      const errors = serving.reduce((s, o) => s + (o.errors ?? 0), 0);
      return { value: requests ? errors / requests : null, devices: serving.length };
    }
    case 'p95-latency-ratio': {
      const both = obs.filter((o) => isNum(o.p95Ms) && isNum(o.baselineP95Ms) && o.baselineP95Ms > 0);
      if (both.length === 0) return { value: null, devices: 0 };
      return { value: mean(both.map((o) => o.p95Ms!)) / mean(both.map((o) => o.baselineP95Ms!)), devices: both.length };
    }
    case 'restarts': {
      const known = obs.filter((o) => isNum(o.restarts));
      return { value: known.length ? known.reduce((s, o) => s + o.restarts!, 0) : null, devices: known.length };
    }
    case 'confidence-drift': {
      const both = obs.filter((o) => isNum(o.confidenceMean) && isNum(o.baselineConfidenceMean));
      if (both.length === 0) return { value: null, devices: 0 };
      return { value: Math.abs(mean(both.map((o) => o.confidenceMean! - o.baselineConfidenceMean!))), devices: both.length };
    }
    case 'input-drift':
    case 'score-drift': {
      const psiOf = (o: DeviceObservation) => (kind === 'input-drift' ? o.inputDriftPsi : o.scoreDriftPsi);
      const known = obs.filter((o) => isNum(psiOf(o)));
      const notes = obs.filter((o) => !isNum(psiOf(o)) && o.driftNote).map((o) => `${o.deviceId}: ${o.driftNote}`);
      return { value: known.length ? Math.max(...known.map((o) => psiOf(o)!)) : null, devices: known.length, notes };
    }
  }
}

/** energy-ratio: the lower-bound rule of energy-stats; the value shown is the highest lower bound. */
function energyGate(gate: GateDefinition, obs: readonly DeviceObservation[]): GateResult {
  const info = gateInfo[gate.kind];
  const base = { kind: gate.kind, threshold: gate.max, minDevices: gate.minDevices };
  const perDevice = obs.flatMap((o) => (o.energy?.pairs.length ? [{ deviceId: o.deviceId, name: o.deviceName, pairs: o.energy.pairs, idlePowerW: o.energy.idlePowerW }] : []));
  const notes = obs.filter((o) => !o.energy?.pairs.length && o.energyNote).map((o) => `${o.deviceName ?? o.deviceId}: ${o.energyNote}`);
  let judged: ReturnType<typeof evaluateEnergyRatioGate>;
  try {
    judged = evaluateEnergyRatioGate(perDevice, gate);
  } catch (err) {
    const e = toErrorData(err);
    return { ...base, status: 'insufficient', value: null, devices: 0, explanation: `${info.title}: not judged: ${e.title}. ${e.detail}` };
  }
  const lows = judged.results.flatMap((r) => (r.ratio.low === null ? [] : [r.ratio.low]));
  const value = lows.length ? Math.max(...lows) : null;
  const explanation = judged.status === 'insufficient' ? withNotes(judged.explanation, notes) : judged.explanation;
  return { ...base, status: judged.status, value, devices: judged.devices, explanation };
}

/**
 * metric:NAME: each device's totals pooled on both sides (only devices with both), the ratio's 95 %
 * interval against the limit. Like energy-ratio, a ratio whose lower bound is under the limit passes:
 * an unlucky few events must not halt a rollout, a real rise must.
 */
function metricGate(gate: GateDefinition, obs: readonly DeviceObservation[]): GateResult {
  const name = gate.metric ?? '';
  const title = gateLabel(gate);
  const base = { kind: gate.kind, metric: name, threshold: gate.max, minDevices: gate.minDevices };
  const both = obs.filter((o) => o.appMetrics?.candidate[name] && o.appMetrics.baseline[name]);
  const devices = both.length;
  if (devices < gate.minDevices) {
    return { ...base, status: 'insufficient', value: null, devices, explanation: `${title}: ${devices} of the ${gate.minDevices} devices needed reported it both before and after the new model; not judged yet.` };
  }
  const pooled = (side: 'candidate' | 'baseline') => mergeMetricTotals(both.map((o) => ({ [name]: o.appMetrics![side][name] })))[name];
  const c = compareMetric(pooled('baseline'), pooled('candidate'));
  if (!c.ok) return { ...base, status: 'insufficient', value: null, devices, explanation: `${title}: not judged: ${c.reason}.` };
  const r = c.ratio;
  const shown = `${round(r.estimate, 3)}× before (95 % CI ${round(r.low, 3)} to ${round(r.high, 3)}) over ${devices} device${devices === 1 ? '' : 's'}`;
  return r.low > gate.max
    ? { ...base, status: 'fail', value: r.estimate, devices, explanation: `${title}: ${shown}; even the interval's lower bound is above the limit of ${gate.max}×.` }
    : { ...base, status: 'pass', value: r.estimate, devices, explanation: `${title}: ${shown}; within the limit of ${gate.max}× (the lower bound decides).` };
}

function withNotes(text: string, notes: readonly string[]): string {
  if (!notes.length) return text;
  const more = notes.length - 2;
  return `${text} ${notes.slice(0, 2).join(' ')}${more > 0 ? ` (and ${more} more device${more === 1 ? '' : 's'})` : ''}`;
}

function isNum(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function formatGateValue(kind: GateKind, value: number): string {
  switch (gateInfo[kind].unit) {
    case 'fraction':
      return `${round(value * 100, 2)} %`;
    case 'ratio':
      return `${round(value, 3)}×`;
    case 'count':
      return String(value);
    case 'psi':
      return `PSI ${round(value, 3)}`;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function evaluateGate(gate: GateDefinition, observations: readonly DeviceObservation[]): GateResult {
  if (gate.kind === 'energy-ratio') return energyGate(gate, observations);
  if (gate.kind === 'metric') return metricGate(gate, observations);
  const { value, devices, notes = [] } = measure(gate.kind, observations);
  const info = gateInfo[gate.kind];
  const base = { kind: gate.kind, value, threshold: gate.max, devices, minDevices: gate.minDevices };
  if (value === null || devices < gate.minDevices) {
    return { ...base, status: 'insufficient', explanation: withNotes(`${info.title}: ${devices} of the ${gate.minDevices} devices needed have data; not judged yet.`, notes) };
  }
  const shown = `${formatGateValue(gate.kind, value)} over ${devices} device${devices === 1 ? '' : 's'}`;
  const limit = formatGateValue(gate.kind, gate.max);
  return value <= gate.max
    ? { ...base, status: 'pass', explanation: `${info.title}: ${shown}, within the limit of ${limit}.` }
    : { ...base, status: 'fail', explanation: `${info.title}: ${shown}, above the limit of ${limit}.` };
}

export function evaluateGates(gates: readonly GateDefinition[], observations: readonly DeviceObservation[]): GateResult[] {
  return gates.map((g) => evaluateGate(g, observations));
}

/** A stage passes unless a gate fails; gates without enough devices do not block it. */
export function gatesPassed(results: readonly GateResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

function gateError(text: string, detail: string): AppError {
  return new AppError('GATE_INVALID', 'Invalid health gate', `"${text}": ${detail}. Write KIND<=MAX[@MIN_DEVICES], e.g. p95-latency-ratio<=1.2@5, inference-error-rate<=2% or metric:false_alarm<=1.05x.`);
}

/** Parses `--gate KIND<=MAX[@MIN_DEVICES]`; MAX may end in % for the rate gates and in x for the ratios; KIND may be metric:NAME. */
export function parseGate(text: string): GateDefinition {
  const m = /^\s*([a-z0-9-]+)(?::([^\s<]*))?\s*<=\s*([0-9.]+)(%|x)?\s*(?:@\s*([0-9]+))?\s*$/.exec(text);
  if (!m) throw gateError(text, 'the gate is not in the expected form');
  const kind = m[1] as GateKind;
  if (!gateInfo[kind]) throw gateError(text, `"${m[1]}" is not a gate; use one of ${[...gateKinds, 'metric:NAME'].join(', ')}`);
  if (kind === 'metric' && m[2] === undefined) throw gateError(text, 'a metric gate names its metric: metric:NAME');
  if (kind !== 'metric' && m[2] !== undefined) throw gateError(text, `only metric gates take a name after ":"`);
  let max = Number(m[3]);
  if (!Number.isFinite(max)) throw gateError(text, `"${m[3]}" is not a number`);
  if (m[4] === '%') {
    if (gateInfo[kind].unit !== 'fraction') throw gateError(text, `${kind} is not a rate; give it without %`);
    max /= 100;
  }
  if (m[4] === 'x' && gateInfo[kind].unit !== 'ratio') throw gateError(text, `${kind} is not a ratio; give it without x`);
  const minDevices = m[5] === undefined ? gateInfo[kind].defaults.minDevices : Number(m[5]);
  return checkGate({ kind, ...(kind === 'metric' ? { metric: m[2] } : {}), max, minDevices });
}

export function checkGate(gate: GateDefinition): GateDefinition {
  const text = `${gate.kind}${gate.metric !== undefined ? `:${gate.metric}` : ''}<=${gate.max}@${gate.minDevices}`;
  if (!gateInfo[gate.kind]) throw gateError(text, `"${gate.kind}" is not a gate`);
  if (gate.kind === 'metric' && !metricNamePattern.test(gate.metric ?? '')) {
    throw gateError(text, 'a metric name is 1 to 64 characters: a lowercase letter, then lowercase letters, digits or _, as the application reports it');
  }
  if (gate.kind !== 'metric' && gate.metric !== undefined) throw gateError(text, 'only metric gates name a metric');
  if (!Number.isFinite(gate.max) || gate.max < 0) throw gateError(text, 'the limit must be a number, at least 0');
  if (gateInfo[gate.kind].unit === 'fraction' && gate.max > 1) throw gateError(text, 'a rate limit is at most 1 (100 %)');
  if (!Number.isInteger(gate.minDevices) || gate.minDevices < 1) throw gateError(text, 'the minimum number of devices must be a whole number, at least 1');
  return gate;
}
