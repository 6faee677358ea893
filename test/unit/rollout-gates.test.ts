import { describe, expect, it } from 'vitest';
import { defaultGates, evaluateGates, gateInfo, gateKinds, gatesPassed, parseGate, type DeviceObservation } from '../../electron/core/rollouts/gates.js';

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
});

describe('health gates', () => {
  it('has a default and a one-line explanation for every gate', () => {
    expect(defaultGates().map((g) => g.kind)).toEqual(gateKinds);
    for (const k of gateKinds) expect(gateInfo[k].description).not.toContain('\n');
  });

  it('passes a healthy stage with values and explanations', () => {
    const results = evaluateGates(defaultGates(), [0, 1, 2, 3].map(healthy));
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    const byKind = Object.fromEntries(results.map((r) => [r.kind, r]));
    expect(byKind['inference-error-rate'].value).toBeCloseTo(0.005, 10);
    expect(byKind['p95-latency-ratio'].value).toBeCloseTo(1.1, 10);
    expect(byKind['confidence-drift'].value).toBeCloseTo(0.01, 10);
    expect(byKind['p95-latency-ratio'].explanation).toBe('p95 latency vs before: 1.1× over 4 devices, within the limit of 1.25×.');
    expect(gatesPassed(results)).toBe(true);
  });

  it('fails each gate on its own signal', () => {
    const obs = [0, 1, 2, 3].map(healthy);
    const fail = (patch: Partial<DeviceObservation>, kind: string) => {
      const results = evaluateGates(defaultGates(), obs.map((o) => ({ ...o, ...patch })));
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
