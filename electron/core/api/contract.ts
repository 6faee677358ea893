// The one API contract between the core and every front end (Electron IPC, browser HTTP/WebSocket, CLI).
// Each request channel maps a zod input schema to a result type; each event maps to its payload.
// Pure: imported by the renderer bundle too.
import { deviceIdPattern } from '../../../resources/device-protocol/mqtt/topics.js';
import { z } from 'zod';
import { isFingerprintInput } from '../../../resources/device-protocol/fingerprint-text.js';
import { metricNamePattern } from '../../../resources/device-protocol/metric-name.js';
import type { SshHost } from './types.js';
import type { DesiredStateView, SerialPortInfo } from './types.js';
import type { CertRotationResult } from '../devices/mqtt/cert-rotation.js';
import type { CreatedBundle } from '../bundles/bundle-create.js';
import type { ImportResult } from '../bundles/bundle-import.js';
import type { BundleList } from '../bundles/bundle-service.js';
import type { BundleRecord } from '../bundles/bundle-store.js';
import type {
  AppInfo,
  AuditEntry,
  DeviceDetail,
  DeviceListRow,
  DeviceSummary,
  DeviceAppMetrics,
  DeviceDrift,
  FitCheck,
  Job,
  InspectReport,
  ModelDetail,
  ModelGraph,
  ModelSummary,
  OptimizeComparison,
  OptimizeDefaults,
  OptimizeTargets,
  ProfileComparison,
  ProfileResult,
  ProfileSummary,
  RolloutDetail,
  RolloutGateInfo,
  RolloutPreview,
  RolloutStatus,
  RolloutSummary,
  AbAssignment,
  AbState,
  AbStatus,
  FlPhase,
  FlRound,
  FlRoundSummary,
} from './types.js';

interface RequestDef<I extends z.ZodType, R> {
  input: I;
  /** Phantom: carries the result type only. */
  result?: R;
}

const request =
  <R>() =>
  <I extends z.ZodType>(input: I): RequestDef<I, R> => ({ input });

const none = z.object({}).strict();
const id = z.string().min(1).max(128);
const filePath = z.string().min(1, 'A file path is required').max(4096);
const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/, 'Give the address as host:port, e.g. 192.168.1.20:7443');

export const profileInput = z
  .object({
    modelId: id.optional(),
    path: filePath.optional(),
    runs: z.number().int().min(1).max(100_000).default(100),
    warmup: z.number().int().min(0).max(10_000).default(10),
    threads: z.number().int().min(0).max(256).default(0),
    inputNpy: filePath.optional(),
  })
  .strict()
  .refine((v) => (v.modelId === undefined) !== (v.path === undefined), {
    message: 'Give either modelId (a registry model) or path (a model file), not both',
  });

/** See ImagePreprocess in types.ts: unset fields come from the model input (size, layout) or are mean 0, std 1. */
export const preprocessSchema = z
  .object({
    size: z.tuple([z.number().int().min(1).max(8192), z.number().int().min(1).max(8192)]).optional(),
    mean: z.array(z.number().finite()).min(1).max(3).refine((v) => v.length !== 2, 'Give 1 or 3 mean values').optional(),
    std: z.array(z.number().positive().finite()).min(1).max(3).refine((v) => v.length !== 2, 'Give 1 or 3 std values').optional(),
    layout: z.enum(['NCHW', 'NHWC']).optional(),
  })
  .strict();

export const recipeSchema = z
  .object({
    mode: z.enum(['static', 'dynamic', 'fp16', 'ort', 'optimized', 'tune']),
    method: z.enum(['minmax', 'percentile', 'entropy']).optional(),
    perChannel: z.boolean().optional(),
    activationType: z.enum(['uint8', 'int8']).optional(),
    exclude: z.array(z.string().min(1).max(500)).max(1000).optional(),
    // An .npy file or an image folder (labelled by class subfolders when evalLabelsNpy is left out).
    calibrationNpy: filePath.optional(),
    evalInputsNpy: filePath.optional(),
    evalLabelsNpy: filePath.optional(),
    preprocess: preprocessSchema.optional(),
    maxDrop: z.number().min(0).max(1).optional(),
    minAgreement: z.number().min(0).max(1).optional(),
    minSqnrDb: z.number().min(-100).max(200).optional(),
  })
  .strict()
  .refine((r) => !['static', 'tune'].includes(r.mode) || r.calibrationNpy !== undefined, {
    message: 'Static INT8 and tuning need calibration data (calibrationNpy)',
    path: ['calibrationNpy'],
  })
  // Whether evalInputsNpy is a labelled folder is only known on disk: the tune job checks the labels.
  .refine((r) => r.mode !== 'tune' || r.evalInputsNpy !== undefined, {
    message: 'Tuning needs labelled evaluation data (evalInputsNpy with evalLabelsNpy, or a labelled image folder)',
    path: ['evalInputsNpy'],
  });

// Rollouts
const rolloutStatus = z.enum(['planned', 'running', 'paused', 'halted', 'rolling-back', 'rolled-back', 'completed', 'aborted']) satisfies z.ZodType<RolloutStatus>;
const rolloutPlanInput = z.object({
  selector: z.string().trim().min(1).max(2000),
  /** Cumulative percentages, e.g. [5, 25, 100]; the default when neither stages nor rate is given. */
  stages: z.array(z.number().gt(0).max(100)).min(1).max(20).optional(),
  /** Exponential rate as in AWS IoT Jobs: base devices per stage, growth factor, ceiling. */
  rate: z
    .object({ base: z.number().int().min(1).max(100_000), factor: z.number().min(1.1).max(5), ceiling: z.number().int().min(1).max(100_000) })
    .strict()
    .optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  seed: z.string().min(1).max(200).optional(),
});
const notBoth = { message: 'Give stages (percentages) or rate, not both', path: ['rate'] };
export const rolloutCreateInput = rolloutPlanInput
  .extend({
    modelId: id,
    gates: z
      .array(
        z
          .object({
            kind: z.enum(['deploy-failure-rate', 'inference-error-rate', 'p95-latency-ratio', 'restarts', 'confidence-drift', 'input-drift', 'score-drift', 'energy-ratio', 'metric']),
            metric: z.string().regex(metricNamePattern, 'a metric name: a lowercase letter, then lowercase letters, digits or _').optional(),
            max: z.number().min(0),
            minDevices: z.number().int().min(1).max(100_000),
            /** energy-ratio: load seconds of each device's interleaved measurement (default 60). */
            seconds: z.number().min(2).max(3600).optional(),
          })
          .strict()
          .refine((g) => g.seconds === undefined || g.kind === 'energy-ratio', { message: 'seconds applies to the energy-ratio gate only', path: ['seconds'] }),
      )
      .max(20)
      .optional(),
    policy: z.enum(['rollback', 'halt']).optional(),
    /** Soak time per stage before its gates are judged. */
    soakMs: z.number().int().min(0).max(7 * 86_400_000).optional(),
    /** false: create it planned, start later with rollouts.resume. */
    start: z.boolean().default(true),
  })
  .strict()
  .refine((v) => v.stages === undefined || v.rate === undefined, notBoth);

// A/B
export const abStartInput = z
  .object({
    selector: z.string().trim().min(1).max(2000),
    variants: z
      .array(z.object({ modelId: id, percent: z.number().gt(0).max(100) }).strict())
      .min(2, 'Give at least two variants (model and percentage each)')
      .max(8),
    /** The first variant is the control: its cohort is made exactly as large as the largest other one. */
    control: z.boolean().default(false),
    seed: z.string().min(1).max(200).optional(),
    concurrency: z.number().int().min(1).max(256).default(8),
  })
  .strict();

/** A federated round (see federated/round-engine.ts); the training fields are fl-train's request. */
export const flStartInput = z
  .object({
    modelId: id,
    selector: z.string().trim().min(1, 'A device selector is required (tag:T, group:G, device:ID or all)').max(2000),
    /** Quorum: fewer devices that trained (or unmasked) fail the round. */
    minClients: z.number().int().min(1).max(10_000).default(2),
    /** Participants wanted; up to ceil(selectCount × overSelect) are asked, the first selectCount to train are used. */
    selectCount: z.number().int().min(1).max(10_000).default(10),
    overSelect: z.number().min(1).max(3).default(1.3),
    deadlineSec: z.number().int().min(5).max(7 * 86_400).default(600),
    epochs: z.number().int().min(1).max(100).default(1),
    batchSize: z.number().int().min(1).max(4096).default(32),
    learningRate: z.number().gt(0).max(1).default(0.001),
    proxMu: z.number().min(0).max(1000).default(0),
    clipNorm: z.number().positive().finite().optional(),
    timeBudgetSec: z.number().min(0.1).max(3600).default(60),
    heldOutFraction: z.number().min(0.05).max(0.5).default(0.2),
    /** Makes a round reproducible: picks the participants and seeds every device's shuffle (default: the round id). */
    seed: z.string().trim().min(1).max(200).optional(),
    aggregation: z.enum(['fedavg', 'fedprox', 'trimmed-mean']).default('fedavg'),
    /** trimmed-mean: the share of each coordinate's values dropped from each side (default 0.1). */
    trimFraction: z.number().min(0.01).max(0.45).optional(),
    secure: z.boolean().default(false),
    numShares: z.number().int().min(3).max(1000).optional(),
    threshold: z.number().int().min(2).max(1000).optional(),
    /** Eligibility: devices whose latest telemetry shows more CPU load or heat are left out, saying so. */
    maxCpuPercent: z.number().gt(0).max(10_000).optional(),
    maxTemperatureC: z.number().min(-50).max(200).optional(),
    /** Differential privacy (federated/dp-accountant.ts): the console clips (plain rounds) or each device does (secure), the console adds the noise. */
    dp: z
      .object({
        noiseMultiplier: z.number().gt(0).max(1000),
        clipNorm: z.number().gt(0).finite(),
        delta: z.number().gt(0).max(1e-2),
        maxEpsilon: z.number().gt(0).max(1e6),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => !(v.dp && v.aggregation === 'trimmed-mean'), { message: 'differential privacy is accounted for the equal-weight mean of clipped updates; use fedavg or fedprox with dp', path: ['dp'] })
  .refine((v) => v.minClients <= v.selectCount, { message: 'minClients cannot exceed selectCount: the round could never reach its quorum', path: ['minClients'] })
  .refine((v) => v.timeBudgetSec < v.deadlineSec, { message: 'timeBudgetSec must be shorter than deadlineSec, or no device could answer in time', path: ['timeBudgetSec'] })
  .refine((v) => v.trimFraction === undefined || v.aggregation === 'trimmed-mean', { message: 'trimFraction applies to trimmed-mean only', path: ['trimFraction'] })
  .superRefine((v, ctx) => {
    const f = v.trimFraction ?? 0.1;
    if (v.aggregation !== 'trimmed-mean' || Math.floor(f * v.minClients + 1e-9) >= 1) return;
    const needed = Math.ceil(100 / v.minClients) / 100;
    ctx.addIssue({
      code: 'custom',
      path: ['trimFraction'],
      message: `trimmed-mean with minClients ${v.minClients} and trimFraction ${f} would trim nothing (floor(${f} × ${v.minClients}) = 0) and be a plain mean: ${needed <= 0.45 ? `raise trimFraction to ${needed.toFixed(2)} or minClients to ${Math.ceil(1 / f - 1e-9)}` : `raise minClients to ${Math.ceil(1 / f - 1e-9)}`}`,
    });
  })
  .refine((v) => !(v.secure && v.aggregation === 'trimmed-mean'), { message: 'trimmed-mean needs each update on its own; secure aggregation only shows the sum. Use fedavg or fedprox with secure', path: ['aggregation'] })
  .refine((v) => v.aggregation !== 'fedprox' || v.proxMu > 0, { message: 'fedprox needs proxMu > 0 (the proximal term)', path: ['proxMu'] })
  .refine((v) => v.secure || (v.numShares === undefined && v.threshold === undefined), { message: 'numShares and threshold apply to secure rounds only', path: ['numShares'] })
  .refine((v) => !v.secure || v.minClients >= 2, { message: 'secure aggregation needs minClients of at least 2', path: ['minClients'] });

const serialPath = z.string().trim().min(1).max(4096);
const baudRate = z.number().int().min(300).max(12_000_000).default(921_600);

export const requests = {
  'app.info': request<AppInfo>()(none),
  'jobs.list': request<Job[]>()(none),
  'jobs.get': request<Job>()(z.object({ id }).strict()),
  'jobs.cancel': request<Job>()(z.object({ id }).strict()),
  'models.list': request<ModelSummary[]>()(none),
  'models.get': request<ModelDetail>()(z.object({ id }).strict()),
  'models.import': request<Job>()(
    z
      .object({
        path: filePath,
        name: z.string().trim().min(1).max(200).optional(),
        /** How a .tflite file is converted to ONNX on import. */
        tflite: z
          .object({
            nchwIo: z.boolean().optional(),
            signature: z.string().trim().min(1).max(200).optional(),
            strict: z.boolean().optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  'models.importSample': request<Job>()(none),
  'models.inspect': request<InspectReport>()(z.object({ path: filePath }).strict()),
  'models.graph': request<ModelGraph>()(z.object({ id }).strict()),
  'models.remove': request<{ removed: boolean }>()(z.object({ id }).strict()),
  'profiling.run': request<Job>()(profileInput),
  'profiling.list': request<ProfileSummary[]>()(z.object({ modelId: id.optional() }).strict()),
  'profiling.get': request<ProfileResult>()(z.object({ id }).strict()),
  'profiling.compare': request<ProfileComparison>()(z.object({ a: id, b: id }).strict()),
  /** deviceId: time the parent and every candidate on that paired device (staged, never activated) instead of this workstation. */
  'optimize.run': request<Job>()(z.object({ modelId: id, recipe: recipeSchema, strict: z.boolean().default(false), deviceId: id.optional() }).strict()),
  'optimize.variants': request<OptimizeComparison>()(z.object({ modelId: id }).strict()),
  'optimize.defaults': request<OptimizeDefaults>()(z.object({ modelId: id }).strict()),
  'optimize.sensitivity': request<Job>()(z.object({ modelId: id, calibrationNpy: filePath, preprocess: preprocessSchema.optional() }).strict()),
  'optimize.timeOnDevices': request<Job>()(
    z
      .object({
        modelId: id,
        deviceIds: z.array(id).min(1, 'Choose at least one device.').max(8, 'Choose at most 8 devices.'),
        /** Also energy per inference: this many seconds of load per model and device (boards with an energy counter). */
        energySec: z.number().min(2).max(600).optional(),
      })
      .strict(),
  ),
  'optimize.targets': request<OptimizeTargets>()(z.object({ modelId: id, variantId: id.optional() }).strict()),
  'devices.list': request<DeviceSummary[]>()(none),
  /** The whole inventory as the Fleet grid lists it, by name: compact rows (see DeviceListRow). */
  'devices.listRows': request<DeviceListRow[]>()(none),
  /** The current summaries of the ids given (unknown ids are left out): the Fleet grid's incremental update. */
  'devices.summaries': request<DeviceSummary[]>()(z.object({ ids: z.array(id).min(1).max(10_000) }).strict()),
  'devices.get': request<DeviceDetail>()(z.object({ id }).strict()),
  /** Reads status and latest telemetry of paired devices (all, or the ids given) once, into the inventory. */
  'devices.refresh': request<DeviceSummary[]>()(z.object({ ids: z.array(id).min(1).max(10_000).optional() }).strict()),
  /** Browses mDNS for agents for a while (consoles that do not browse all the time: the CLI). */
  'devices.discover': request<DeviceSummary[]>()(z.object({ seconds: z.number().min(0.5).max(120).default(5) }).strict()),
  'devices.add': request<DeviceSummary>()(z.object({ address: hostPort }).strict()),
  'devices.pair': request<DeviceSummary>()(
    z
      .object({
        address: hostPort,
        code: z.string().trim().min(4).max(32),
        /** Read off the device before pairing: the certificate must match it before the code is sent. */
        fingerprint: z.string().trim().max(200).refine(isFingerprintInput, 'give the 16 hex digits the device shows (e.g. 3F2A 9C1B 77E0 4D18) or its full SHA-256').optional(),
      })
      .strict(),
  ),
  'devices.update': request<DeviceSummary>()(
    z
      .object({
        id,
        name: z.string().trim().min(1).max(100).optional(),
        tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
        groups: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
      })
      .strict(),
  ),
  'devices.remove': request<{ removed: boolean }>()(z.object({ id }).strict()),
  'devices.deploy': request<Job>()(
    z
      .object({
        modelId: id,
        deviceIds: z.array(id).min(1).max(10_000),
        activate: z.boolean().default(true),
        confirm: z.boolean().default(false),
        maxLatencyMs: z.number().positive().max(600_000).optional(),
        healthyWindowSec: z.number().int().min(0).max(86_400).optional(),
        concurrency: z.number().int().min(1).max(256).default(8),
        /** Deploy even where the model is older than the device's (a downgrade signed for each device). */
        allowDowngrade: z.boolean().default(false),
        /** false: full models only; true: a delta where the device holds a model the registry has (see devices/delta-plan.ts). */
        delta: z.boolean().default(true),
      })
      .strict(),
  ),
  /** A model against the boards of the devices given: warnings only (unknown ids are left out); the deploy dialog and `edgefleet deploy` show them. */
  /** The drift of the model the device serves, per stored window and merged, over the last `hours`. */
  'devices.drift': request<DeviceDrift>()(z.object({ id, hours: z.number().min(1).max(24 * 90).default(24) }).strict()),
  /** The application's own metrics the device reported, per model, over the last `hours`. */
  'devices.appMetrics': request<DeviceAppMetrics>()(z.object({ id, hours: z.number().min(1).max(24 * 90).default(24) }).strict()),
  'devices.checkFit': request<FitCheck>()(z.object({ modelId: id, deviceIds: z.array(id).min(1).max(10_000) }).strict()),
  'devices.confirm': request<DeviceSummary>()(z.object({ id }).strict()),
  'devices.rollback': request<DeviceSummary>()(z.object({ id }).strict()),
  'devices.profile': request<Job>()(
    z.object({ id, modelId: id.optional(), runs: z.number().int().min(1).max(10_000).default(100) }).strict(),
  ),
  'demo.start': request<{ devices: DeviceSummary[] }>()(z.object({ devices: z.number().int().min(1).max(50).default(4) }).strict()),
  'demo.stop': request<{ stopped: number }>()(none),
  // SSH hosts (electron/core/ssh/). A password given here is used for this call only, or kept in the OS keychain under Electron.
  'ssh.list': request<SshHost[]>()(none),
  'ssh.add': request<SshHost>()(
    z
      .object({
        host: z.string().trim().regex(/^[A-Za-z0-9.\-:]+$/, 'Give a host name or IP address, e.g. 192.168.1.30').max(255),
        port: z.number().int().min(1).max(65535).default(22),
        user: z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'Give a user name, e.g. pi').max(64),
        keyPath: filePath.optional(),
        password: z.string().max(1024).optional(),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict()
      .refine((v) => !(v.keyPath && v.password !== undefined), { message: 'Give a key or a password, not both', path: ['password'] }),
  ),
  'ssh.remove': request<{ removed: boolean }>()(z.object({ id }).strict()),
  'ssh.provision': request<Job>()(
    z
      .object({
        id,
        password: z.string().max(1024).optional(),
        agentPort: z.number().int().min(1).max(65535).default(8443),
        servePort: z.number().int().min(0).max(65535).default(8080),
        mdns: z.boolean().default(true),
      })
      .strict(),
  ),
  'ssh.deploy': request<Job>()(
    z
      .object({
        modelId: id,
        hostId: id,
        path: z.string().regex(/^\/[^\0]*[^/]$/, 'Give an absolute file path on the host, e.g. /opt/app/model.onnx').max(4096),
        restart: z.string().trim().min(1).max(4096).optional(),
        password: z.string().max(1024).optional(),
      })
      .strict(),
  ),
  'ssh.rollback': request<SshHost>()(z.object({ id, password: z.string().max(1024).optional() }).strict()),
  'ssh.uninstall': request<SshHost>()(z.object({ id, password: z.string().max(1024).optional() }).strict()),
  'serial.list': request<SerialPortInfo[]>()(z.object({ probe: z.boolean().default(false), baud: baudRate }).strict()),
  'serial.probe': request<SerialPortInfo>()(z.object({ path: serialPath, baud: baudRate }).strict()),
  'serial.add': request<DeviceSummary>()(z.object({ path: serialPath, baud: baudRate, code: z.string().trim().min(4).max(32) }).strict()),
  'mqtt.add': request<DeviceSummary>()(
    z
      .object({
        /** mqtt://HOST:PORT or mqtts://HOST:PORT */
        broker: z.string().trim().min(8).max(300),
        deviceId: z.string().trim().regex(deviceIdPattern, 'the device id the agent prints (ef-…)'),
        code: z.string().trim().min(4).max(32),
      })
      .strict(),
  ),
  /** The device's desired state in the console database and what the device last reported doing with it. */
  'mqtt.desired': request<DesiredStateView>()(z.object({ id }).strict()),
  /** Sets the model an MQTT device should run (null: none in particular); it converges when it next connects. */
  'mqtt.setDesired': request<DesiredStateView>()(
    z
      .object({
        id,
        modelId: id.nullable(),
        healthyWindowSec: z.number().int().min(1).max(7 * 24 * 3600).optional(),
      })
      .strict(),
  ),
  /** Rotates an MQTT device's client certificate over its signed requests; the old serial is revoked once the device runs on the new one. */
  'mqtt.rotateCert': request<CertRotationResult>()(z.object({ id, brokerDir: z.string().trim().min(1).max(4096).optional() }).strict()),
  'audit.list': request<AuditEntry[]>()(
    z
      .object({
        action: z.string().max(100).optional(),
        actor: z.string().max(200).optional(),
        target: z.string().max(500).optional(),
        outcome: z.enum(['succeeded', 'failed', 'refused', 'started']).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
        limit: z.number().int().min(1).max(100_000).default(500),
      })
      .strict(),
  ),
  /** The audit log as CSV (RFC 4180, header row) or JSON text, filtered like audit.list, oldest first. */
  'audit.export': request<{ format: 'csv' | 'json'; text: string }>()(
    z
      .object({
        format: z.enum(['csv', 'json']),
        action: z.string().max(100).optional(),
        actor: z.string().max(200).optional(),
        target: z.string().max(500).optional(),
        outcome: z.enum(['succeeded', 'failed', 'refused', 'started']).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
        limit: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
  ),
  // Site bundles: releases carried by hand into sites with no network, and their results carried back.
  'bundles.list': request<BundleList>()(none),
  'bundles.create': request<CreatedBundle>()(
    z
      .object({
        site: z.string().trim().min(1).max(64),
        /** Registry ids, names or NAME@VERSION. */
        models: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
        /** A PLAN.json file on this computer (waves, gates, holds). */
        planFile: filePath.optional(),
        agentArchs: z.array(z.enum(['arm64', 'x64'])).max(2).default([]),
        expiresInDays: z.number().int().min(1).max(365).default(30),
        /** An empty folder, e.g. on the USB stick. */
        outDir: filePath,
        /** Full models even where the site's last report shows a base to send a delta against. */
        noDelta: z.boolean().default(false),
      })
      .strict(),
  ),
  'bundles.import': request<ImportResult>()(z.object({ dir: filePath, trustRoot: z.string().trim().min(16).max(64).optional(), clockFromBundle: z.boolean().default(false) }).strict()),
  /** Starts or advances a bundle's plan; proceed: a person's go-ahead past a hold. */
  'bundles.run': request<BundleRecord>()(z.object({ id, proceed: z.boolean().default(false) }).strict()),
  'bundles.report': request<{ id: string; site: string; dir: string; keySha256: string; devices: number; unverified: number }>()(z.object({ outDir: filePath, bundleIds: z.array(id).max(100).optional() }).strict()),
  'bundles.importReport': request<{ id: string; site: string; already: boolean; verified: string[]; unverified: { deviceId: string; reason: string }[] }>()(
    z.object({ dir: filePath, trustSite: z.string().trim().min(16).max(64).optional() }).strict(),
  ),
  // Rollouts
  'rollouts.create': request<RolloutDetail>()(rolloutCreateInput),
  'rollouts.preview': request<RolloutPreview>()(rolloutPlanInput.strict()),
  'rollouts.gates': request<RolloutGateInfo[]>()(none),
  'rollouts.list': request<RolloutSummary[]>()(z.object({ status: rolloutStatus.optional() }).strict()),
  'rollouts.get': request<RolloutDetail>()(z.object({ id }).strict()),
  'rollouts.pause': request<RolloutDetail>()(z.object({ id }).strict()),
  'rollouts.resume': request<RolloutDetail>()(z.object({ id }).strict()),
  'rollouts.abort': request<RolloutDetail>()(z.object({ id }).strict()),
  'rollouts.rollback': request<RolloutDetail>()(
    // target: device:ID, group:G, tag:T (comma-separated) within the rollout; everything it touched when left out.
    z.object({ id, target: z.string().trim().min(1).max(2000).optional() }).strict(),
  ),
  // Federated rounds
  'fl.start': request<FlRound>()(flStartInput),
  'fl.get': request<FlRound>()(z.object({ id }).strict()),
  'fl.list': request<FlRoundSummary[]>()(none),
  'fl.abort': request<FlRound>()(z.object({ id }).strict()),
  /** A staged rollout of the round's registered version to the round's selector. */
  // soakMs: soak time per stage of the rollout; the rollout default when left out.
  'fl.promote': request<FlRound>()(
    z.object({ id, stages: z.array(z.number().gt(0).max(100)).min(1).max(20).optional(), soakMs: z.number().int().min(0).max(7 * 86_400_000).optional() }).strict(),
  ),
  /** A rollout of the round's input model (the previous version) to the round's selector. */
  'fl.rollback': request<FlRound>()(z.object({ id, stages: z.array(z.number().gt(0).max(100)).min(1).max(20).optional(), soakMs: z.number().int().min(0).max(7 * 86_400_000).optional() }).strict()),
  // A/B
  'ab.start': request<AbAssignment>()(abStartInput),
  'ab.list': request<AbAssignment[]>()(none),
  /** Per-variant statistics from the cohorts' telemetry since the assignment started serving. */
  'ab.get': request<AbStatus>()(z.object({ id }).strict()),
  /** The winner (or the variant named) to the rest of the selection, as a staged rollout. */
  'ab.promote': request<AbAssignment>()(
    // soakMs: soak time per stage of the promotion rollout; the rollout default when left out.
    z.object({ id, variant: z.string().trim().min(1).max(64).optional(), soakMs: z.number().int().min(0).max(7 * 86_400_000).optional() }).strict(),
  ),
  'ab.stop': request<AbAssignment>()(z.object({ id }).strict()),
  'dialog.openModel': request<{ path: string | null }>()(none),
} as const;

export const events = {
  'jobs.updated': null as unknown as Job,
  'models.changed': null as unknown as { id: string | null },
  'profiles.changed': null as unknown as { id: string; modelId: string | null },
  'devices.changed': null as unknown as { ids: string[] },
  'rollouts.changed': null as unknown as { id: string; status: RolloutStatus },
  'ab.changed': null as unknown as { id: string; state: AbState },
  'fl.changed': null as unknown as { id: string; phase: FlPhase },
};

export type Requests = typeof requests;
export type Channel = keyof Requests;
export type Input<C extends Channel> = z.input<Requests[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Requests[C]['input']>;
export type Result<C extends Channel> = NonNullable<Requests[C]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = (typeof events)[E];

export const channels = Object.keys(requests) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/** What a transport carries back for a request: never a thrown error, never a stack trace. */
export type Envelope<R> = { ok: true; result: R } | { ok: false; error: import('./types.js').ErrorData };
