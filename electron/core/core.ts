// The core services of one EdgeFleet home, bound to the API contract. Plain Node: no Electron here.
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { AppError } from './api/errors.js';
import { EventBus } from './api/event-bus.js';
import { dispatch, type Handlers } from './api/dispatch.js';
import type { AppInfo } from './api/types.js';
import { DemoFleet } from './devices/demo-fleet.js';
import { DeviceContext } from './devices/device-context.js';
import { deviceHandlers } from './devices/device-handlers.js';
import { serialHandlers } from './devices/serial/serial-handlers.js';
import { mqttHandlers } from './devices/mqtt/mqtt-handlers.js';
import { sshHandlers } from './ssh/ssh-handlers.js';
import { MemorySecretStore, type SecretStore } from './ssh/secret-store.js';
import { abHandlers } from './rollouts/ab-handlers.js';
import { startDeviceServices } from './devices/device-services.js';
import { JobManager } from './jobs/job-manager.js';
import type { ImportTaskInput } from './jobs/tasks.js';
import { requireRunnableModel } from './registry/runnable-model.js';
import { optimizeHandlers } from './optimize-handlers.js';
import { compareProfiles } from './profiling/compare.js';
import { AuditLog } from './audit/audit-store.js';
import { BundleService } from './bundles/bundle-service.js';
import { AuditTrail } from './audit/audit-trail.js';
import { artifactPath } from './registry/artifact-store.js';
import { Registry } from './registry/registry.js';
import type { TokenSealer } from './registry/token-seal.js';
import { engineActor, RolloutEngine } from './rollouts/engine.js';
import { rolloutHandlers } from './rollouts/rollout-handlers.js';
import { flHandlers } from './federated/fl-handlers.js';
import { RoundEngine } from './federated/round-engine.js';
import { appRoot, appVersion } from './util/app-root.js';
import { cpuInfo } from './util/cpu-info.js';

export interface CoreOptions {
  home: string;
  mode: AppInfo['mode'];
  /** Where bundled resources live (the sample model); defaults to the app's resources/ folder. */
  resourcesDir?: string;
  /** Front-end specific handlers (the Electron shell's file dialog). */
  overrides?: Partial<Handlers>;
  /** Where SSH passwords may be kept: the OS keychain under Electron; memory (one process) otherwise. */
  secretStore?: SecretStore;
  /** Seals device tokens in registry.db: the OS keychain under Electron; none (file modes only) otherwise. */
  tokenSealer?: TokenSealer;
  maxConcurrentJobs?: number;
  /**
   * mDNS discovery of device agents (not in the CLI). Defaults to on, except with EDGEFLEET_DISCOVERY=off
   * (the test runner sets it, so that multicast never leaves the machine; see test/vitest.config.ts).
   */
  discovery?: boolean;
}

export interface Core {
  home: string;
  bus: EventBus;
  jobs: JobManager;
  registry: Registry;
  rollouts: RolloutEngine;
  /** Federated rounds. */
  federated: RoundEngine;
  /** Paired devices and links to them. */
  devices: DeviceContext;
  /** Site bundles for air-gapped sites and the reports that come back. */
  bundles: BundleService;
  handlers: Handlers;
  call(channel: string, input: unknown): ReturnType<typeof dispatch>;
  close(): Promise<void>;
}

/** "resnet18.onnx" names itself; a generic "model.onnx" takes its folder's name. */
export function defaultModelName(path: string): string {
  const stem = basename(path, extname(path));
  const parent = basename(dirname(path));
  return /^(model|model[-_]?fp32|network|graph)$/i.test(stem) && parent && parent !== '.' ? parent : stem;
}

export function sampleModelPath(resourcesDir = join(appRoot(), 'resources')): string {
  return join(resourcesDir, 'models', 'mobilenetv2-digits', 'model.onnx');
}

function onnxruntimeVersion(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

export function createCore(opts: CoreOptions): Core {
  const bus = new EventBus();
  const registry = Registry.open(opts.home, { tokenSealer: opts.tokenSealer });
  const jobs = new JobManager({ home: opts.home, bus, maxConcurrent: opts.maxConcurrentJobs });
  const auditLog = new AuditLog(registry.db);
  const audit = new AuditTrail(auditLog, opts.mode);
  const unwatchJobs = audit.watchJobs(bus);
  const devices = new DeviceContext(opts.home, registry, bus);
  const demo = new DemoFleet({ ctx: devices, jobs, resourcesDir: opts.resourcesDir });
  // Long-running consoles drive rollouts (and resume unfinished ones now); the CLI drives only when told to wait.
  const rollouts = new RolloutEngine({ ctx: devices, bus, audit: auditLog, actor: engineActor(opts.mode), drive: opts.mode !== 'cli' });

  // Federated rounds ship through the rollout engine (fl.promote, fl.rollback), via the contract so its defaults apply.
  let callHandler: (channel: string, input: unknown) => ReturnType<typeof dispatch> = () => {
    throw new Error('core not ready');
  };
  const federated = new RoundEngine({
    ctx: devices,
    bus,
    audit: auditLog,
    actor: engineActor(opts.mode),
    drive: opts.mode !== 'cli',
    createRollout: async ({ modelId, selector, stages, soakMs }) => {
      const env = await callHandler('rollouts.create', { modelId, selector, stages, soakMs, start: true });
      if (!env.ok) throw new AppError(env.error.code, env.error.title, env.error.detail ?? '');
      return { id: (env.result as { id: string }).id };
    },
  });

  const bundles = new BundleService({ home: opts.home, registry, devices, engine: rollouts, actor: engineActor(opts.mode), resourcesDir: opts.resourcesDir });
  // A console that drives rollouts also moves bundle plans on to their next wave.
  const unwatchBundles = opts.mode === 'cli' ? () => undefined : bus.on((event) => {
    if (event === 'rollouts.changed') void bundles.advanceAll();
  });

  const modelOrThrow = (id: string) => registry.requireModel(id);

  const startImport = (path: string, name?: string, tflite?: ImportTaskInput['tflite']) =>
    jobs.start(
      'models.import',
      { path, tflite },
      {
        title: `Import ${basename(path)}`,
        onSuccess: ({ artifact, inspect, converted }) => {
          const modelName = name ?? defaultModelName(path);
          if (!converted) {
            const { model, created } = registry.addModel({ name: modelName, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes, sourceFile: path, inspect });
            bus.emit('models.changed', { id: model.id });
            return { modelId: model.id, created };
          }
          // The ONNX conversion carries the model's name (every ONNX step uses it); the .tflite is its parent.
          const { source, child } = registry.db.transaction(() => {
            const source = registry.addModel({ name: `${modelName}-tflite`, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes, sourceFile: path, inspect });
            const child = registry.addModel({
              name: modelName,
              sha256: converted.artifact.sha256,
              sizeBytes: converted.artifact.sizeBytes,
              sourceFile: null,
              inspect: converted.inspect,
              parentId: source.model.id,
              recipe: converted.recipe,
            });
            return { source, child };
          })();
          bus.emit('models.changed', { id: source.model.id });
          bus.emit('models.changed', { id: child.model.id });
          return { modelId: child.model.id, sourceModelId: source.model.id, created: source.created || child.created, agreement: converted.recipe.agreement };
        },
      },
    );

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'EdgeFleet',
      version: appVersion(),
      mode: opts.mode,
      home: opts.home,
      node: process.versions.node,
      onnxruntime: onnxruntimeVersion(),
      platform: process.platform,
      arch: process.arch,
      cpu: cpuInfo(),
    }),
    'jobs.list': () => jobs.list(),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'models.list': () => registry.listModels(),
    'models.get': ({ id }) => modelOrThrow(id),
    'models.import': ({ path, name, tflite }) => startImport(path, name, tflite),
    'models.importSample': () => startImport(sampleModelPath(opts.resourcesDir), 'mobilenetv2-digits'),
    'models.inspect': ({ path }) => jobs.run('models.inspect', { path }, `Inspect ${basename(path)}`),
    'models.graph': ({ id }) => {
      const model = modelOrThrow(id);
      return jobs.run('models.graph', { path: artifactPath(opts.home, model.sha256) }, `Read graph of ${model.name}`);
    },
    'models.remove': ({ id }) => {
      const removed = registry.removeModel(id);
      bus.emit('models.changed', { id });
      return { removed };
    },
    'profiling.run': ({ modelId, path, runs, warmup, threads, inputNpy }) => {
      const model = modelId ? requireRunnableModel(registry, modelId) : null;
      const file = model ? artifactPath(opts.home, model.sha256) : path!;
      const label = model ? `${model.name} v${model.version}` : basename(file);
      return jobs.start(
        'profiling.run',
        { path: file, runs, warmup, threads, inputNpy },
        {
          title: `Profile ${label} (${runs} runs)`,
          onSuccess: (profile) => {
            // A profile of a plain file still joins its registry model when the bytes are known.
            const owner = model ?? registry.findBySha256(profile.modelSha256);
            const stored = owner
              ? { ...profile, modelId: owner.id, modelName: `${owner.name} v${owner.version}` }
              : { ...profile, modelName: label };
            registry.saveProfile(stored);
            bus.emit('profiles.changed', { id: stored.id, modelId: stored.modelId });
            return { profileId: stored.id };
          },
        },
      );
    },
    'profiling.list': ({ modelId }) => registry.listProfiles(modelId),
    'profiling.get': ({ id }) => {
      const p = registry.getProfile(id);
      if (!p) throw new AppError('PROFILE_NOT_FOUND', 'Profile not found', `No stored profile has id ${id}.`);
      return p;
    },
    'profiling.compare': ({ a, b }) => {
      const pa = registry.getProfile(a);
      const pb = registry.getProfile(b);
      if (!pa || !pb) {
        throw new AppError('PROFILE_NOT_FOUND', 'Profile not found', `No stored profile has id ${pa ? b : a}.`);
      }
      return compareProfiles(pa, pb);
    },
    ...optimizeHandlers({ home: opts.home, registry, jobs, bus, devices }),
    ...deviceHandlers({ ctx: devices, jobs, demo }),
    ...serialHandlers({ ctx: devices }),
    ...mqttHandlers({ ctx: devices }),
    ...sshHandlers({ devices, jobs, secrets: opts.secretStore ?? new MemorySecretStore(), resourcesDir: opts.resourcesDir }),
    ...abHandlers({
      ctx: devices,
      jobs,
      bus,
      call: async (channel, input) => {
        const env = await dispatch(handlers, channel, input);
        audit.request(channel, input, env);
        return env;
      },
      serves: (channel) => typeof (handlers as Record<string, unknown>)[channel] === 'function',
    }),
    ...rolloutHandlers(rollouts),
    ...flHandlers(federated),
    'bundles.list': () => bundles.list(),
    'bundles.create': (input) => bundles.create(input),
    'bundles.import': (input) => bundles.import(input),
    'bundles.run': ({ id, proceed }) => bundles.run(id, { wait: false, proceed }),
    'bundles.report': async ({ outDir, bundleIds }) => {
      const made = await bundles.report({ outDir, bundleIds });
      return { id: made.report.id, site: made.report.site, dir: made.dir, keySha256: made.keySha256, devices: made.report.devices.length, unverified: made.report.devices.filter((d) => !d.signed).length };
    },
    'bundles.importReport': async (input) => {
      const r = await bundles.importReport(input);
      return { id: r.report.id, site: r.report.site, already: r.already, verified: r.verified, unverified: r.unverified };
    },
    'audit.list': ({ limit, ...filter }) => auditLog.query({ ...filter, limit, order: 'desc' }),
    'audit.export': ({ format, ...filter }) => ({
      format,
      text: format === 'csv' ? auditLog.exportCsv({ ...filter, order: 'asc' }) : auditLog.exportJson({ ...filter, order: 'asc' }),
    }),
    'devices.summaries': ({ ids }) => ids.flatMap((deviceId) => devices.store.get(deviceId) ?? []),
    'dialog.openModel': () => {
      throw new AppError(
        'NOT_AVAILABLE',
        'No file dialog here',
        'The browser mode cannot open a native file dialog: upload the file or type its path instead.',
      );
    },
    ...opts.overrides,
  };

  callHandler = async (channel, input) => {
    const env = await dispatch(handlers, channel, input);
    audit.request(channel, input, env);
    return env;
  };

  const discovery = opts.discovery ?? (process.env.EDGEFLEET_DISCOVERY !== 'off');
  const deviceServices = opts.mode === 'cli' ? null : startDeviceServices(devices, { discovery });

  return {
    home: opts.home,
    bus,
    jobs,
    registry,
    rollouts,
    federated,
    devices,
    bundles,
    handlers,
    async call(channel, input) {
      const env = await dispatch(handlers, channel, input);
      audit.request(channel, input, env);
      return env;
    },
    async close() {
      unwatchJobs();
      unwatchBundles();
      await federated.close();
      await rollouts.close();
      await demo.stop();
      await deviceServices?.close();
      devices.changed.close();
      await jobs.close();
      registry.close();
    },
  };
}

