// The optimize.* channels: derived variants with lineage, their comparison, and the data to make them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from './api/errors.js';
import type { EventBus } from './api/event-bus.js';
import type { Handlers } from './api/dispatch.js';
import type { ModelSummary, OptimizeRecipe, ProfileResult, TimeOnDevicesResult, VariantMetrics, VariantRow } from './api/types.js';
import type { JobManager } from './jobs/job-manager.js';
import { artifactPath } from './registry/artifact-store.js';
import { requireRunnableModel } from './registry/runnable-model.js';
import { floatRootOf, isTfliteConversion } from './api/tflite-conversion.js';
import type { Registry } from './registry/registry.js';
import { DeviceContext } from './devices/device-context.js';
import { resolveTimingTarget } from './quantize/device-target.js';
import { readGraphNodes } from './profiling/graph-nodes.js';
import { buildTargets, type DeviceFacts } from './quantize/targets-view.js';
import { cpuInfo } from './util/cpu-info.js';

type OptimizeChannels = 'optimize.run' | 'optimize.variants' | 'optimize.defaults' | 'optimize.sensitivity' | 'optimize.timeOnDevices' | 'optimize.targets';

export function optimizeHandlers(deps: {
  home: string;
  registry: Registry;
  jobs: JobManager;
  bus: EventBus;
  /** The devices a run can be timed on (optimize.run deviceId); absent: a context over the same registry, made on first need. */
  devices?: DeviceContext;
}): Pick<Handlers, OptimizeChannels> {
  const { home, registry, jobs, bus } = deps;
  let devices = deps.devices;
  const deviceContext = () => (devices ??= new DeviceContext(home, registry, bus));
  const get = (id: string): ModelSummary => registry.requireModel(id);
  // A TFLite file's ONNX conversion is the float model its variants derive from; the .tflite above it is its source.
  const root = (id: string): ModelSummary => floatRootOf(get, id);
  const row = (m: ModelSummary): VariantRow => {
    // The ONNX conversion of a .tflite is the root of its variants: shown as the float model.
    const recipe = isTfliteConversion(m.recipe) ? null : ((m.recipe as OptimizeRecipe | null) ?? null);
    return {
      modelId: m.id,
      name: m.name,
      version: m.version,
      mode: recipe?.mode ?? 'float',
      recipe,
      metrics: (m.metrics as VariantMetrics | null) ?? null,
      createdAt: m.createdAt,
    };
  };
  return {
    'optimize.run': async ({ modelId, recipe, strict, deviceId }) => {
      const parent = requireRunnableModel(registry, modelId);
      const converted = isTfliteConversion(parent.recipe) ? parent.recipe : null;
      if (converted?.quantized && ['static', 'dynamic', 'tune'].includes(recipe.mode)) {
        throw new AppError(
          'ALREADY_QUANTIZED',
          'This model is already quantized',
          `${parent.name} v${parent.version} came from a quantized TensorFlow Lite model (its ONNX form keeps TFLite's own INT8 scales as QDQ pairs); quantizing it again would only lose accuracy. Profile or deploy it as it is, or start from the float .tflite to quantize in EdgeFleet.`,
        );
      }
      if (parent.parentId && !converted) {
        throw new AppError(
          'NOT_A_FLOAT_MODEL',
          'Optimize the float model',
          `${parent.name} v${parent.version} is itself a derived variant; optimize its float parent (${root(modelId).id}) instead.`,
        );
      }
      // A target device is checked (known, paired, answering) before any work starts.
      const device = deviceId ? await resolveTimingTarget(deviceContext(), deviceId, `${parent.name}-candidate`) : undefined;
      return jobs.start(
        'optimize.run',
        { parentPath: artifactPath(home, parent.sha256), recipe, strict, ...(device ? { device } : {}) },
        {
          title: `Optimize ${parent.name} v${parent.version}: ${recipe.mode}${device ? ` for ${device.device.name}` : ''}`,
          onSuccess: (r) => {
            const { model } = registry.addModel({
              name: `${parent.name}-${recipe.mode}`,
              sha256: r.artifact.sha256,
              sizeBytes: r.artifact.sizeBytes,
              sourceFile: null,
              inspect: r.inspect,
              parentId: parent.id,
              recipe,
              metrics: r.metrics,
              calibrationSha256: r.calibrationSha256,
            });
            // The parent's row keeps workstation figures: a device's timing of it lives in the variant's metrics.
            if (r.parentMetrics && (!device || !parent.metrics)) registry.updateMetrics(parent.id, r.parentMetrics);
            bus.emit('models.changed', { id: model.id });
            return { variantId: model.id, metrics: r.metrics, flags: r.metrics.flags };
          },
        },
      );
    },
    'optimize.variants': ({ modelId }) => {
      const parent = root(modelId);
      const variants = registry.listModels().filter((m) => m.parentId === parent.id);
      return { parent: row(parent), variants: variants.map(row), cpu: cpuInfo() };
    },
    'optimize.timeOnDevices': async ({ modelId, deviceIds, energySec }) => {
      const parent = root(modelId);
      const family = [parent, ...registry.listModels().filter((m) => m.parentId === parent.id)];
      const ctx = deviceContext();
      const ids = [...new Set(deviceIds)];
      // Every device is checked (known, paired, answering) before anything is sent or stored.
      const unknown = ids.filter((d) => !ctx.store.get(d));
      if (unknown.length > 0) {
        throw new AppError(
          'DEVICE_NOT_FOUND',
          unknown.length === 1 ? 'Device not found' : 'Devices not found',
          `No device with id ${unknown.join(', ')} is in the inventory, so nothing was timed or stored. Choose paired devices (edgefleet devices lists them).`,
        );
      }
      const targets = [];
      for (const d of ids) targets.push({ ...(await resolveTimingTarget(ctx, d, `${parent.name}-candidate`)), ...(energySec ? { energySec } : {}) });
      const label = (m: ModelSummary) => `${m.name} v${m.version}`;
      const names = new Map(targets.map((t) => [t.device.id, t.device.name]));
      return jobs.start(
        'optimize.timeOnDevices',
        { models: family.map((m) => ({ modelId: m.id, label: label(m), path: artifactPath(home, m.sha256) })), targets },
        {
          title: `Time ${parent.name} v${parent.version} and ${family.length - 1} variant${family.length === 2 ? '' : 's'} on ${targets.map((t) => t.device.name).join(', ')}`,
          onSuccess: (r): TimeOnDevicesResult => {
            const timed: TimeOnDevicesResult['timed'] = [];
            for (const { modelId: mid, deviceId, profile } of r.profiles) {
              const owner = family.find((m) => m.id === mid)!;
              const stored: ProfileResult = {
                ...profile,
                modelId: owner.id,
                modelName: label(owner),
                device: { ...profile.device, id: deviceId, name: names.get(deviceId) ?? profile.device.name },
              };
              registry.saveProfile(stored);
              bus.emit('profiles.changed', { id: stored.id, modelId: stored.modelId });
              timed.push({ modelId: mid, deviceId, profileId: stored.id });
            }
            return { timed, failures: r.failures };
          },
        },
      );
    },
    'optimize.targets': ({ modelId, variantId }) => {
      const parent = root(modelId);
      const variants = registry.listModels().filter((m) => m.parentId === parent.id);
      if (variantId && !variants.some((v) => v.id === variantId)) {
        throw new AppError('NOT_A_VARIANT', 'Not a variant of this model', `${variantId} is not a variant of ${parent.name} v${parent.version}; choose one of its variants for the per-layer view.`);
      }
      const ctx = deviceContext();
      const devices = new Map<string, DeviceFacts>();
      const profiles = new Map<string, ProfileResult[]>();
      for (const m of [parent, ...variants]) {
        const seen = new Set<string>();
        const list: ProfileResult[] = [];
        // Newest first: the latest profile per device is the one shown.
        for (const s of registry.listProfiles(m.id)) {
          if (seen.has(s.device.id)) continue;
          const device = ctx.store.get(s.device.id);
          if (!device) continue;
          seen.add(s.device.id);
          if (!devices.has(device.id)) {
            const board = ctx.store.hardware(device.id)?.board ?? null;
            devices.set(device.id, { name: device.name, cpu: board?.cpu ?? s.device.cpu, cpuFeatures: board?.cpuFeatures ?? [] });
          }
          const full = registry.getProfile(s.id);
          if (full) list.push(full);
        }
        profiles.set(m.id, list);
      }
      const graphOf = (m: ModelSummary) => {
        const file = artifactPath(home, m.sha256);
        return existsSync(file) ? readGraphNodes(readFileSync(file)).nodes : null;
      };
      return buildTargets({ parent, variants, profiles, devices, graphOf, ...(variantId ? { variantId } : {}) });
    },
    'optimize.defaults': ({ modelId }) => {
      // Data sets that sit beside the model's source file (the bundled sample ships its own).
      const source = root(modelId).sourceFile;
      const pick = (name: string) => (source && existsSync(join(dirname(source), name)) ? join(dirname(source), name) : null);
      return { calibrationNpy: pick('calibration.npy'), evalInputsNpy: pick('eval_inputs.npy'), evalLabelsNpy: pick('eval_labels.npy') };
    },
    'optimize.sensitivity': ({ modelId, calibrationNpy, preprocess }) => {
      const m = get(modelId);
      return jobs.start(
        'optimize.sensitivity',
        { parentPath: artifactPath(home, m.sha256), calibrationNpy, preprocess },
        { title: `Layer sensitivity of ${m.name} v${m.version}` },
      );
    },
  };
}
