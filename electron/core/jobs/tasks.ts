// The work that runs inside job workers, by kind. Each task loads its modules on first use, so a worker
// pays only for what its job needs (onnxruntime, protobufjs, TLS clients …).
import type { InspectReport, ModelGraph, ProfileResult, SensitivityReport } from '../api/types.js';
import type { DeployTaskInput, DeployTaskResult } from '../devices/deploy-task.js';
import type { DeviceProfileInput } from '../devices/profile-task.js';
import type { ProfileRequest } from '../profiling/profiler.js';
import type { OptimizeTaskInput, OptimizeTaskResult } from '../quantize/optimize-task.js';
import type { TimeOnDevicesInput, TimeOnDevicesTaskResult } from '../quantize/time-on-devices.js';
import type { StoredArtifact } from '../registry/artifact-store.js';
import type { AgentlessDeployInput, AgentlessDeployResult } from '../ssh/agentless-deploy.js';
import type { ProvisionTaskInput, ProvisionTaskResult } from '../ssh/provision-task.js';
import type { TfliteConversionRecipe } from '../api/tflite-conversion.js';
import type { TaskContext } from './task-types.js';

export interface ImportTaskResult {
  artifact: StoredArtifact;
  inspect: InspectReport;
  /** A TFLite file's ONNX conversion, stored beside it (absent for ONNX files and for TFLite files that do not convert). */
  converted?: { artifact: StoredArtifact; inspect: InspectReport; recipe: TfliteConversionRecipe };
}

export interface ImportTaskInput {
  path: string;
  tflite?: { nchwIo?: boolean; signature?: string; strict?: boolean };
}

export interface OptimizeJobResult extends OptimizeTaskResult {
  artifact: StoredArtifact;
  inspect: InspectReport | null;
  calibrationSha256: string | null;
}

const inspect = () => import('../inspect/inspect.js');
const store = () => import('../registry/artifact-store.js');

export const tasks = {
  async 'models.import'(input: ImportTaskInput, ctx: TaskContext): Promise<ImportTaskResult> {
    // Inspect first: a file that is not a model never reaches the artifact store.
    const report = await (await inspect()).inspectFile(input.path, { progress: ctx.progress, signal: ctx.signal });
    // A TFLite file is converted (and the conversion proved) before anything is stored.
    const converted = report.tflite?.convertible || input.tflite
      ? await (await import('../tflite/import-conversion.js')).convertForImport(input.path, input.tflite ?? {}, ctx)
      : undefined;
    const artifact = await (await store()).storeArtifact(ctx.home, input.path, { progress: ctx.progress, signal: ctx.signal });
    return { artifact, inspect: report, ...(converted ? { converted } : {}) };
  },
  async 'models.inspect'(input: { path: string }, ctx: TaskContext): Promise<InspectReport> {
    return (await inspect()).inspectFile(input.path, { progress: ctx.progress, signal: ctx.signal });
  },
  async 'models.graph'(input: { path: string }): Promise<ModelGraph> {
    return (await import('../inspect/graph.js')).modelGraph(input.path);
  },
  async 'profiling.run'(input: ProfileRequest, ctx: TaskContext): Promise<ProfileResult> {
    return (await import('../profiling/profiler.js')).profileModel(input, ctx);
  },
  async 'optimize.run'(input: OptimizeTaskInput, ctx: TaskContext): Promise<OptimizeJobResult> {
    const result = await (await import('../quantize/optimize-task.js')).runOptimize(input, ctx);
    const report = result.format === 'onnx' ? await (await inspect()).inspectFile(result.outputPath, { signal: ctx.signal }) : null;
    const artifact = await (await store()).storeArtifact(ctx.home, result.outputPath, { signal: ctx.signal });
    const { sha256Path } = await import('../util/hash-file.js');
    const calibrationSha256 = input.recipe.calibrationNpy ? await sha256Path(input.recipe.calibrationNpy) : null;
    return { ...result, artifact, inspect: report, calibrationSha256 };
  },
  async 'optimize.sensitivity'(input: Parameters<typeof import('../quantize/optimize-task.js').runSensitivity>[0], ctx: TaskContext): Promise<SensitivityReport> {
    return (await import('../quantize/optimize-task.js')).runSensitivity(input, ctx);
  },
  async 'optimize.timeOnDevices'(input: TimeOnDevicesInput, ctx: TaskContext): Promise<TimeOnDevicesTaskResult> {
    return (await import('../quantize/time-on-devices.js')).runTimeOnDevices(input, ctx);
  },
  async 'devices.deploy'(input: DeployTaskInput, ctx: TaskContext): Promise<DeployTaskResult> {
    return (await import('../devices/deploy-task.js')).deployTask(input, ctx);
  },
  async 'devices.profile'(input: DeviceProfileInput): Promise<ProfileResult> {
    return (await import('../devices/profile-task.js')).deviceProfileTask(input);
  },
  async 'ssh.provision'(input: ProvisionTaskInput, ctx: TaskContext): Promise<ProvisionTaskResult> {
    return (await import('../ssh/provision-task.js')).provisionTask(input, ctx);
  },
  async 'ssh.deploy'(input: AgentlessDeployInput, ctx: TaskContext): Promise<AgentlessDeployResult> {
    return (await import('../ssh/agentless-deploy.js')).agentlessDeployTask(input, ctx);
  },
};

export type Tasks = typeof tasks;
export type TaskKind = keyof Tasks;
export type TaskInput<K extends TaskKind> = Parameters<Tasks[K]>[0];
export type TaskResult<K extends TaskKind> = Awaited<ReturnType<Tasks[K]>>;
