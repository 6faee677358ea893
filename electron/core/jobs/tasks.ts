// The work that runs inside job workers, by kind. Loaded only in workers (and by the CLI in-process).
import type { InspectReport, ModelGraph, ProfileResult } from '../api/types.js';
import { inspectFile } from '../inspect/inspect.js';
import { modelGraph } from '../inspect/graph.js';
import { profileModel, type ProfileRequest } from '../profiling/profiler.js';
import { storeArtifact, type StoredArtifact } from '../registry/artifact-store.js';
import type { TaskContext } from './task-types.js';

export interface ImportTaskResult {
  artifact: StoredArtifact;
  inspect: InspectReport;
}

export const tasks = {
  async 'models.import'(input: { path: string }, ctx: TaskContext): Promise<ImportTaskResult> {
    // Inspect first: a file that is not a model never reaches the artifact store.
    const inspect = await inspectFile(input.path, { progress: ctx.progress, signal: ctx.signal });
    const artifact = await storeArtifact(ctx.home, input.path, { progress: ctx.progress, signal: ctx.signal });
    return { artifact, inspect };
  },
  async 'models.inspect'(input: { path: string }, ctx: TaskContext): Promise<InspectReport> {
    return inspectFile(input.path, { progress: ctx.progress, signal: ctx.signal });
  },
  async 'models.graph'(input: { path: string }): Promise<ModelGraph> {
    return modelGraph(input.path);
  },
  async 'profiling.run'(input: ProfileRequest, ctx: TaskContext): Promise<ProfileResult> {
    return profileModel(input, ctx);
  },
};

export type Tasks = typeof tasks;
export type TaskKind = keyof Tasks;
export type TaskInput<K extends TaskKind> = Parameters<Tasks[K]>[0];
export type TaskResult<K extends TaskKind> = Awaited<ReturnType<Tasks[K]>>;
