// The one API contract between the core and every front end (Electron IPC, browser HTTP/WebSocket, CLI).
// Each request channel maps a zod input schema to a result type; each event maps to its payload.
// Pure: imported by the renderer bundle too.
import { z } from 'zod';
import type {
  AppInfo,
  DeviceSummary,
  Job,
  InspectReport,
  ModelDetail,
  ModelGraph,
  ModelSummary,
  ProfileComparison,
  ProfileResult,
  ProfileSummary,
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

export const requests = {
  'app.info': request<AppInfo>()(none),
  'jobs.list': request<Job[]>()(none),
  'jobs.get': request<Job>()(z.object({ id }).strict()),
  'jobs.cancel': request<Job>()(z.object({ id }).strict()),
  'models.list': request<ModelSummary[]>()(none),
  'models.get': request<ModelDetail>()(z.object({ id }).strict()),
  'models.import': request<Job>()(
    z.object({ path: filePath, name: z.string().trim().min(1).max(200).optional() }).strict(),
  ),
  'models.importSample': request<Job>()(none),
  'models.inspect': request<InspectReport>()(z.object({ path: filePath }).strict()),
  'models.graph': request<ModelGraph>()(z.object({ id }).strict()),
  'models.remove': request<{ removed: boolean }>()(z.object({ id }).strict()),
  'profiling.run': request<Job>()(profileInput),
  'profiling.list': request<ProfileSummary[]>()(z.object({ modelId: id.optional() }).strict()),
  'profiling.get': request<ProfileResult>()(z.object({ id }).strict()),
  'profiling.compare': request<ProfileComparison>()(z.object({ a: id, b: id }).strict()),
  'devices.list': request<DeviceSummary[]>()(none),
  'dialog.openModel': request<{ path: string | null }>()(none),
} as const;

export const events = {
  'jobs.updated': null as unknown as Job,
  'models.changed': null as unknown as { id: string | null },
  'profiles.changed': null as unknown as { id: string; modelId: string | null },
  'devices.changed': null as unknown as { ids: string[] },
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
