// Runs an imported bundle's plan on this site's devices: its waves in order, each a staged rollout
// driven by the rollout engine, stopping where a wave does not complete, and holding for a person where
// the plan says so. Each call advances as far as it can; with `wait` it drives the rollouts to the end.
import { AppError } from '../api/errors.js';
import type { AuditLog } from '../audit/audit-store.js';
import type { Registry } from '../registry/registry.js';
import { settled, type RolloutEngine } from '../rollouts/engine.js';
import { BundleStore, type BundleRecord } from './bundle-store.js';

export interface RunPlanOptions {
  registry: Registry;
  engine: RolloutEngine;
  audit: AuditLog;
  actor: string;
  bundleId: string;
  /** Drive each wave's rollout until it settles (the CLI's --wait). */
  wait: boolean;
  /** A person's go-ahead past a hold (`bundle continue`). */
  proceed?: boolean;
  onChange?: (r: BundleRecord) => void;
}

export async function runPlan(o: RunPlanOptions): Promise<BundleRecord> {
  const store = new BundleStore(o.registry.db);
  const rec = store.get(o.bundleId);
  if (!rec) throw new AppError('BUNDLE_NOT_FOUND', 'Bundle not imported', `No imported bundle has id ${o.bundleId}; list them with \`edgefleet bundle list\`.`);
  if (!rec.plan) throw new AppError('BUNDLE_NO_PLAN', 'The bundle has no rollout plan', `${rec.id} carries models and agent builds only; deploy them with \`edgefleet deploy\` or \`edgefleet rollout start\`.`);
  let proceed = o.proceed ?? false;
  for (let i = 0; i < rec.plan.waves.length; i++) {
    const wave = rec.plan.waves[i];
    let w = store.get(o.bundleId)!.waves[i];
    if (w.status === 'completed') continue;
    if (w.status === 'stopped') break;
    if (w.status === 'held') {
      if (!proceed) break;
      proceed = false;
      store.setWave(o.bundleId, i, 'completed', null, `held, then continued by ${o.actor}`);
      o.audit.append({ actor: o.actor, action: 'bundle.continue', target: `bundle:${o.bundleId}`, params: { wave: wave.name }, outcome: 'succeeded' });
      continue;
    }
    if (w.status === 'pending') {
      const model = o.registry.findBySha256(wave.model.sha256);
      if (!model) {
        store.setWave(o.bundleId, i, 'stopped', null, `${wave.model.name} v${wave.model.version} is no longer in the registry; import the bundle's models again.`);
        break;
      }
      try {
        const detail = await o.engine.create({
          modelId: model.id,
          selector: wave.selector,
          seed: `${o.bundleId}-${i}`,
          ...(wave.stages ? { stages: wave.stages } : {}),
          ...(wave.rate ? { rate: wave.rate } : {}),
          ...(wave.gates ? { gates: wave.gates as never } : {}),
          ...(wave.soakMs !== undefined ? { soakMs: wave.soakMs } : {}),
          ...(wave.policy ? { policy: wave.policy } : {}),
          ...(wave.concurrency ? { concurrency: wave.concurrency } : {}),
          start: true,
        });
        store.setWave(o.bundleId, i, 'running', detail.id, null);
      } catch (err) {
        store.setWave(o.bundleId, i, 'stopped', null, err instanceof AppError ? `${err.title}: ${err.detail}` : String(err));
        break;
      }
      o.onChange?.(store.get(o.bundleId)!);
      w = store.get(o.bundleId)!.waves[i];
    }
    const rolloutId = w.rolloutId!;
    let state = o.engine.store.get(rolloutId);
    if (state && !settled.includes(state.status)) {
      if (!o.wait) break;
      state = await o.engine.waitFor(rolloutId, { drive: true });
    }
    if (!state) break;
    if (state.status === 'completed') {
      store.setWave(o.bundleId, i, wave.hold ? 'held' : 'completed', null, wave.hold ? `The plan holds after "${wave.name}" for a person: \`edgefleet bundle continue ${o.bundleId}\`.` : null);
      o.onChange?.(store.get(o.bundleId)!);
      if (wave.hold && !proceed) break;
      if (wave.hold) i--;
      continue;
    }
    store.setWave(o.bundleId, i, 'stopped', null, `Its rollout ${rolloutId} ended ${state.status}${state.reason ? `: ${state.reason}` : ''}. Later waves do not start.`);
    break;
  }
  const out = store.get(o.bundleId)!;
  o.onChange?.(out);
  return out;
}
