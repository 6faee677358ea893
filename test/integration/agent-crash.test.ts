// kill -9 of the agent at seeded random instants during upload and activation, and at every named
// step of a deployment (fail points): each restart must serve a loadable model (the old one unless the
// new one was confirmed) and resume an interrupted upload from its durable offset.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import type { SignedManifest } from '../../resources/device-protocol/messages.js';
import {
  clientFor,
  decodeFloats,
  infer,
  newDataDir,
  pairWith,
  sampleModel,
  signed,
  startAgent,
  type AgentProcess,
  type Console,
} from '../helpers/agent-process.js';

const seed = 0xed6ef1ee7;
const timerKills = 20;
const crashPoints = [
  'upload:meta-written',
  'upload:chunk-written',
  'activate:slot-released',
  'activate:installed',
  'activate:committed',
  'activate:checked',
  'activate:serving',
  'confirm:committed',
  'revert:committed',
  'rollback:committed',
];
const chunkBytes = 128 * 1024;
const bounds = { maxLatencyMs: 5000, selfTestRuns: 2 };

let dataDir: string;
let agent: AgentProcess;
let client: AgentClient;
let token: string;
let konsole: Console;

interface FlowTrace {
  signed: SignedManifest;
  acked: number;
  confirmSent: boolean;
  confirmAcked: boolean;
}

async function flow(version: string, tail: 'confirm' | 'rollback-trial' | 'confirm-rollback', trace: Partial<FlowTrace> = {}): Promise<void> {
  const s = signed(sampleModel, version, konsole.privateKey);
  trace.signed = s;
  trace.acked = 0;
  await client.upload(sampleModel, s, { chunkBytes, onProgress: (st) => (trace.acked = st.offset) });
  const act = await client.activate(bounds);
  expect(act.outcome).toBe('trial');
  if (tail === 'rollback-trial') {
    await client.rollback();
    return;
  }
  trace.confirmSent = true;
  await client.confirm();
  trace.confirmAcked = true;
  if (tail === 'confirm-rollback') await client.rollback();
}

/** The errors a request meets when the agent process dies under it: the connection reset, refused or broken. */
const connectionLossCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isConnectionLoss(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof AppError) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && connectionLossCodes.has(code)) || /socket hang up/i.test(err.message);
}

/**
 * Runs a flow the agent is killed in the middle of. Only the kill's own effect ends it quietly: a
 * connection error once the kill has happened (`killed` says whether it has). Anything else, a failed
 * expectation of the flow above all, fails the test.
 */
async function throughKill(run: Promise<void>, killed: () => boolean | Promise<boolean>): Promise<void> {
  try {
    await run;
  } catch (err) {
    if (isConnectionLoss(err) && (await killed())) return;
    throw err;
  }
}

/** Whether the agent has exited, waiting up to `ms` for it. */
function exitedWithin(a: AgentProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([a.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() => clearTimeout(timer));
}

/** After a restart: not on trial, serving one of the expected versions, and inference works. */
async function checkHealthy(expected: string[], where: string): Promise<string> {
  const status = await client.status();
  expect(status.trial, where).toBeNull();
  expect(status.state, where).toBe('running');
  const version = status.active!.manifest.version;
  expect(expected, `${where}: active ${version}`).toContain(version);
  const res = await infer(agent.servePort);
  expect(res.status, where).toBe(200);
  expect(res.body.model?.version, where).toBe(version);
  expect(decodeFloats(res.body.outputs!.logits.data).every(Number.isFinite), where).toBe(true);
  return version;
}

async function restart(env?: Record<string, string>): Promise<void> {
  agent = await startAgent({ dataDir, env });
  client = clientFor(agent, token);
}

beforeAll(async () => {
  dataDir = newDataDir('ef-agent-crash-');
  agent = await startAgent({ dataDir });
  ({ client, token, console: konsole } = await pairWith(agent));
});

afterAll(async () => {
  await agent?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('agent killed with SIGKILL', () => {
  it('always restarts with a loadable model and resumes uploads from the durable offset', { timeout: 150_000 }, async () => {
    const t0 = performance.now();
    await flow('1', 'confirm');
    const flowMs = performance.now() - t0;
    let confirmed = '1';

    const rng = seededRandom(seed);
    const plan: ({ kind: 'timer'; delayMs: number } | { kind: 'point'; point: string })[] = [
      ...Array.from({ length: timerKills }, () => ({ kind: 'timer' as const, delayMs: rng() * flowMs })),
      ...crashPoints.map((point) => ({ kind: 'point' as const, point })),
    ];
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [plan[i], plan[j]] = [plan[j], plan[i]];
    }

    let resumed = 0;
    let pending: FlowTrace | null = null;
    for (const [i, step] of plan.entries()) {
      const version = `2.${i}`;
      const where = `step ${i} (${step.kind === 'timer' ? `kill after ${step.delayMs.toFixed(0)} ms` : step.point})`;
      await agent.kill9();
      await restart(step.kind === 'point' ? { EDGEFLEET_AGENT_CRASH_AT: step.point } : undefined);
      if (pending) {
        const expected = pending.confirmAcked ? [pending.signed.manifest.version] : pending.confirmSent ? [confirmed, pending.signed.manifest.version] : [confirmed];
        confirmed = await checkHealthy(expected, `after ${where}`);
        const { upload } = await client.uploadStatus();
        if (upload && !upload.complete && step.kind === 'timer') {
          expect(upload.manifest).toEqual(pending.signed.manifest);
          expect(upload.offset, where).toBeGreaterThanOrEqual(pending.acked);
          let first: number | null = null;
          const done = await client.upload(sampleModel, pending.signed, { chunkBytes, onProgress: (st) => (first ??= st.offset) });
          expect(first).toBe(upload.offset);
          expect(done.complete).toBe(true);
          resumed++;
        }
      } else {
        confirmed = await checkHealthy([confirmed], `before ${where}`);
      }

      const trace: Partial<FlowTrace> = {};
      if (step.kind === 'timer') {
        let killed = false;
        const timer = setTimeout(() => {
          killed = true;
          agent.proc.kill('SIGKILL');
        }, step.delayMs);
        try {
          await throughKill(flow(version, 'confirm', trace), () => killed);
        } finally {
          clearTimeout(timer);
        }
      } else {
        const tail = step.point === 'revert:committed' ? 'rollback-trial' : step.point === 'rollback:committed' ? 'confirm-rollback' : 'confirm';
        const dying = agent;
        await throughKill(flow(version, tail, trace), () => exitedWithin(dying, 10_000));
        expect(await exitedWithin(dying, 10_000), `${where}: the fail point should have killed the agent`).toBe(true);
        // The fail point decides what must survive: only a committed confirm keeps the new model.
        if (step.point === 'confirm:committed') Object.assign(trace, { confirmAcked: true });
        else Object.assign(trace, { confirmSent: false, confirmAcked: false });
      }
      pending = trace as FlowTrace;
    }
    await agent.kill9();
    await restart();
    const expected = pending!.confirmAcked ? [pending!.signed.manifest.version] : pending!.confirmSent ? [confirmed, pending!.signed.manifest.version] : [confirmed];
    await checkHealthy(expected, 'final');
    // The seed must put some kills in the middle of an upload, or the resume check proved nothing.
    expect(resumed).toBeGreaterThanOrEqual(3);
  });
});

describe('agent killed during a streamed upload', () => {
  it('resumes from the checkpoint the stream made durable before the kill', { timeout: 60_000 }, async () => {
    const dir = newDataDir('ef-agent-stream-');
    let a = await startAgent({ dataDir: dir, env: { EDGEFLEET_AGENT_CRASH_AT: 'upload:chunk-written' } });
    try {
      const { client: c, token: t, console: k } = await pairWith(a);
      const bytes = new Uint8Array(randomBytes(10 * 1024 * 1024 + 4321));
      const s = signed(bytes, '1', k.privateKey, 'blob');
      // One streamed request: the agent dies at its first checkpoint, mid-stream.
      await expect(c.upload(bytes, s)).rejects.toBeTruthy();
      await a.exited;
      a = await startAgent({ dataDir: dir });
      const again = clientFor(a, t);
      const { upload } = await again.uploadStatus();
      expect(upload?.offset).toBeGreaterThan(0);
      expect(upload!.offset).toBeLessThan(bytes.byteLength);
      let first: number | null = null;
      const done = await again.upload(bytes, s, { onProgress: (st) => (first ??= st.offset) });
      expect(first).toBe(upload!.offset);
      expect(done).toMatchObject({ complete: true, offset: bytes.byteLength });
      again.close();
    } finally {
      await a.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
