import type { Job } from '../../../electron/core/api/types.js';
import type { ApiClient, ConnectionState } from '../api/api-client.js';
import { toErrorData } from '../api/api-error.js';
import type { ErrorData } from '../../../electron/core/api/types.js';

export type Topic = 'models' | 'profiles' | 'devices';

export interface StoreState {
  jobs: ReadonlyMap<string, Job>;
  /** Jobs newest first; a new array only when a job changes. */
  jobList: readonly Job[];
  jobsLoaded: boolean;
  jobsError: ErrorData | null;
  /** Bumped on each change event, so queries that depend on the topic refetch. */
  versions: Readonly<Record<Topic, number>>;
  connection: ConnectionState;
}

export interface EventStore {
  getState(): StoreState;
  subscribe(listener: () => void): () => void;
  /** Puts a job the UI just started into the store before its first event arrives. */
  upsertJob(job: Job): void;
  refreshJobs(): Promise<void>;
  dispose(): void;
}

const byNewest = (a: Job, b: Job) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

/** Subscribes to the core's events once, and keeps jobs and change counters for the hooks. */
export function createEventStore(client: ApiClient): EventStore {
  let state: StoreState = {
    jobs: new Map(),
    jobList: [],
    jobsLoaded: false,
    jobsError: null,
    versions: { models: 0, profiles: 0, devices: 0 },
    connection: client.connection(),
  };
  const listeners = new Set<() => void>();
  const set = (next: Partial<StoreState>) => {
    state = { ...state, ...next };
    for (const l of listeners) l();
  };
  const bump = (...topics: Topic[]) => {
    const versions = { ...state.versions };
    for (const t of topics) versions[t]++;
    set({ versions });
  };
  const setJobs = (jobs: Map<string, Job>) => set({ jobs, jobList: [...jobs.values()].sort(byNewest) });

  const upsertJob = (job: Job) => {
    const prev = state.jobs.get(job.id);
    // Events can overtake a request's answer: never let an older snapshot replace a finished job.
    if (prev && prev.state !== 'queued' && prev.state !== 'running' && (job.state === 'queued' || job.state === 'running')) return;
    const jobs = new Map(state.jobs);
    jobs.set(job.id, job);
    setJobs(jobs);
  };

  const refreshJobs = async () => {
    try {
      const list = await client.invoke('jobs.list', {});
      const jobs = new Map(state.jobs);
      for (const j of list) jobs.set(j.id, j);
      set({ jobsLoaded: true, jobsError: null });
      setJobs(jobs);
    } catch (err) {
      set({ jobsLoaded: true, jobsError: toErrorData(err) });
    }
  };

  const offEvents = client.onEvent((name, payload) => {
    switch (name) {
      case 'jobs.updated':
        upsertJob(payload as Job);
        break;
      case 'models.changed':
        bump('models');
        break;
      case 'profiles.changed':
        bump('profiles', 'models');
        break;
      case 'devices.changed':
        bump('devices');
        break;
    }
  });
  const offConn = client.onConnectionChange((connection) => {
    const wasDown = state.connection === 'reconnecting';
    set({ connection });
    if (connection === 'connected' && wasDown) {
      // Events were missed while the link was down: refetch everything.
      bump('models', 'profiles', 'devices');
      void refreshJobs();
    }
  });
  void refreshJobs();

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    upsertJob,
    refreshJobs,
    dispose() {
      offEvents();
      offConn();
      listeners.clear();
    },
  };
}
