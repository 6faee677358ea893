import { describe, expect, it } from 'vitest';
import { defaultGates, evaluateGates, gateInfo, gateKinds, gatesPassed, parseGate, type DeviceObservation } from '../../electron/core/rollouts/gates.js';

/** Interleaved blocks on one device: the candidate uses `ratio` times the parent's energy above 0.5 W idle. */
const blocks = (ratio: number) =>
  [0, 1, 2, 3].map((k) => {
    const parentJ = 5 + 0.05 * k;
    return { candidate: { energyJ: 5 + parentJ * ratio, durationS: 10, inferences: 1000 }, parent: { energyJ: 5 + parentJ + 0.02 * (k % 2), durationS: 10, inferences: 1000 } };
  });

const healthy = (i: number): DeviceObservation => ({
  deviceId: `d${i}`,
  deploy: 'ok',
  requests: 1000,
  errors: 5,
  p95Ms: 22,
  baselineP95Ms: 20,
  restarts: 0,
  confidenceMean: 0.81,
  baselineConfidenceMean: 0.8,
  inputDriftPsi: 0.02 + i * 0.01,
  scoreDriftPsi: 0.03,
  energy: { pairs: blocks(1.01), idlePowerW: 0.5 },
});

const allGates = gateKinds.map((kind) => ({ kind, ...gateInfo[kind].defaults }));

describe('health gates', () => {
  it('has a default and a one-line explanation for every gate', () => {
    // energy-ratio only when asked for: each device then spends a minute or more under load measuring it.
    expect(defaultGates().map((g) => g.kind)).toEqual(gateKinds.filter((k) => k !== 'energy-ratio'));
    for (const k of gateKinds) expect(gateInfo[k].description).not.toContain('\n');
  });

  it('passes a healthy stage with values and explanations', () => {
    const results = evaluateGates(allGates, [0, 1, 2, 3].map(healthy));
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    const byKind = Object.fromEntries(results.map((r) => [r.kind, r]));
    expect(byKind['inference-error-rate'].value).toBeCloseTo(0.005, 10);
    expect(byKind['p95-latency-ratio'].value).toBeCloseTo(1.1, 10);
    expect(byKind['confidence-drift'].value).toBeCloseTo(0.01, 10);
    // Drift is judged by the worst device, not the mean.
    expect(byKind['input-drift'].value).toBeCloseTo(0.05, 10);
    expect(byKind['input-drift'].explanation).toBe('Input drift: PSI 0.05 over 4 devices, within the limit of PSI 0.25.');
    expect(byKind['energy-ratio'].value).toBeLessThan(1.01);
    expect(byKind['p95-latency-ratio'].explanation).toBe('p95 latency vs before: 1.1× over 4 devices, within the limit of 1.25×.');
    expect(gatesPassed(results)).toBe(true);
  });

  it('fails each gate on its own signal', () => {
    const obs = [0, 1, 2, 3].map(healthy);
    const fail = (patch: Partial<DeviceObservation>, kind: string) => {
      const results = evaluateGates(allGates, obs.map((o) => ({ ...o, ...patch })));
      const r = results.find((x) => x.kind === kind)!;
      expect(r.status).toBe('fail');
      expect(r.explanation).toContain('above the limit');
      expect(gatesPassed(results)).toBe(false);
    };
    fail({ deploy: 'failed' }, 'deploy-failure-rate');
    fail({ errors: 50 }, 'inference-error-rate');
    fail({ p95Ms: 30 }, 'p95-latency-ratio');
    fail({ restarts: 1 }, 'restarts');
    fail({ confidenceMean: 0.7 }, 'confidence-drift');
    fail({ inputDriftPsi: 0.4 }, 'input-drift');
    fail({ scoreDriftPsi: 0.3 }, 'score-drift');
  });

  it('fails energy-ratio only when the lower bound of a ratio is above the limit, and shows the highest lower bound', () => {
    const obs = [0, 1, 2, 3].map(healthy);
    const gate = { kind: 'energy-ratio' as const, max: 1.1, minDevices: 3 };
    const hungry = evaluateGates([gate], obs.map((o, i) => (i === 2 ? { ...o, energy: { pairs: blocks(1.4), idlePowerW: 0.5 } } : o)))[0];
    expect(hungry.status).toBe('fail');
    expect(hungry.value).toBeGreaterThan(1.1);
    expect(hungry.explanation).toContain('d2 uses');
    expect(evaluateGates([gate], obs)[0].status).toBe('pass');
    const none = evaluateGates([gate], obs.map((o) => ({ ...o, energy: null, energyNote: 'energy not available' })))[0];
    expect(none).toMatchObject({ status: 'insufficient', value: null, devices: 0 });
    expect(none.explanation).toContain('d0: energy not available');
  });

  it('says why drift is not judged', () => {
    const r = evaluateGates([{ kind: 'input-drift', max: 0.25, minDevices: 1 }], [{ deviceId: 'd0', deploy: 'ok', inputDriftPsi: null, driftNote: 'no reference profile.' }])[0];
    expect(r).toMatchObject({ status: 'insufficient', value: null });
    expect(r.explanation).toContain('d0: no reference profile.');
  });

  it('waits for enough devices before judging', () => {
    const results = evaluateGates([{ kind: 'p95-latency-ratio', max: 1.2, minDevices: 5 }], [{ ...healthy(0), p95Ms: 100 }, { deviceId: 'x', p95Ms: 30, baselineP95Ms: null }]);
    expect(results[0]).toMatchObject({ status: 'insufficient', devices: 1, minDevices: 5 });
    expect(results[0].explanation).toContain('1 of the 5 devices needed');
    expect(gatesPassed(results)).toBe(true);
    expect(evaluateGates([{ kind: 'restarts', max: 0, minDevices: 1 }], [])[0]).toMatchObject({ status: 'insufficient', value: null });
  });

  it('parses --gate', () => {
    expect(parseGate('p95-latency-ratio<=1.2@5')).toEqual({ kind: 'p95-latency-ratio', max: 1.2, minDevices: 5 });
    expect(parseGate('inference-error-rate <= 2%')).toEqual({ kind: 'inference-error-rate', max: 0.02, minDevices: 3 });
    expect(() => parseGate('latency<=2')).toThrow(/"latency" is not a gate/);
    expect(() => parseGate('restarts<=1%')).toThrow(/not a rate/);
    expect(() => parseGate('restarts>=1')).toThrow(/KIND<=MAX/);
    expect(() => parseGate('inference-error-rate<=1.5')).toThrow(/at most 1/);
    expect(() => parseGate('restarts<=1@0')).toThrow(/at least 1/);
  });
});
