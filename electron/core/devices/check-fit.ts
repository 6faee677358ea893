// The fit rules (variant-fit.ts) against the registry and the inventory: for the deploy dialog and
// `edgefleet deploy` (devices.checkFit), and for the model a device page shows as active.
import type { DeviceSummary, FitCheck, FitWarning, ModelFit, VariantMetrics } from '../api/types.js';
import type { DeviceStore } from '../registry/device-store.js';
import type { Registry } from '../registry/registry.js';
import { fitWarnings, variantPrecision, type FitTarget } from './variant-fit.js';

/** The rules for one registry model, ready to hold against any number of boards. */
function fitFor(registry: Registry, modelId: string): { precision: ModelFit['precision']; warnings: (t: FitTarget) => FitWarning[] } {
  const model = registry.requireModel(modelId);
  const precision = variantPrecision((id) => registry.getModel(id), modelId);
  const metrics = (model.metrics as VariantMetrics | null) ?? null;
  return { precision, warnings: (t) => fitWarnings(precision, t, metrics) };
}

export function checkFit(registry: Registry, store: DeviceStore, modelId: string, deviceIds: string[]): FitCheck {
  const model = registry.requireModel(modelId);
  const fit = fitFor(registry, modelId);
  const groups = new Map<string, FitCheck['warnings'][number]>();
  const unreported: FitCheck['unreported'] = [];
  for (const id of new Set(deviceIds)) {
    const device = store.get(id);
    if (!device) continue;
    const board = store.hardware(id)?.board ?? null;
    if (!board) {
      unreported.push({ id, name: device.name });
      continue;
    }
    // The same words for boards of the same CPU: one line for all of them.
    for (const w of fit.warnings({ arch: device.arch, board })) {
      const key = `${w.code}\n${w.detail}`;
      const group = groups.get(key) ?? { ...w, devices: [] };
      group.devices.push({ id, name: device.name });
      groups.set(key, group);
    }
  }
  return { modelId, model: `${model.name} v${model.version}`, precision: fit.precision, warnings: [...groups.values()], unreported };
}

/** The active model of a device against its board; null when nothing runs or the registry lacks the model. */
export function activeModelFit(registry: Registry, device: DeviceSummary, target: FitTarget): ModelFit | null {
  const sha = device.activeModel?.sha256;
  const model = sha ? registry.findBySha256(sha) : null;
  if (!model) return null;
  const fit = fitFor(registry, model.id);
  return { modelId: model.id, precision: fit.precision, warnings: fit.warnings(target) };
}
