// `edgefleet serial conformance` against the real agent's serial server behind a pty cable: every required
// check passes; against a device that breaks one behaviour, exactly the check for it fails, naming the
// field and the expected and received values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../electron/core/devices/serial/conformance/run-conformance.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { cobsDecode, cobsEncode } from '../../resources/device-protocol/serial/cobs.js';
import { decodeHello } from '../../resources/device-protocol/serial/hello.js';
import { FrameType } from '../../resources/device-protocol/serial/frame.js';
import type { RequestBody } from '../../resources/device-protocol/serial/message-codec.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { buildCDevice, startCDevice } from '../helpers/c-device.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { startFaultyDevice, type Fault, type Kind } from '../helpers/faulty-serial-device.js';
import { SerialRelay } from '../helpers/serial-relay.js';

const baud = 2_000_000;
let relay: SerialRelay;
let agent: AgentProcess;

beforeAll(async () => {
  relay = await SerialRelay.start({ baud, seed: 'conformance' });
  agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(baud)] });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await relay?.stop();
});

describe('edgefleet serial conformance', () => {
  it('passes every required check against the agent', { timeout: 300_000 }, async () => {
    const r = await edgefleet('serial', 'conformance', relay.consolePath, '--baud', String(baud), '--code', agent.pairingCode!, '--json');
    const report = JSON.parse(r.stdout) as ConformanceReport;
    const failed = report.checks.filter((c) => c.status !== 'pass');
    expect(failed, JSON.stringify(failed, null, 1)).toEqual(report.checks.filter((c) => !c.required && c.status !== 'pass'));
    expect(report.passed).toBe(true);
    expect(r.code, r.stderr).toBe(0);
    expect(report.checks.length).toBeGreaterThan(25);
  });

  it('passes every required check against the C reference device', { timeout: 300_000 }, async () => {
    await buildCDevice();
    const cable = await SerialRelay.start({ baud, seed: 'conformance-c' });
    const device = await startCDevice({ port: cable.agentPath, data: mkdtempSync(join(tmpdir(), 'ef-conformance-c-')), baud });
    try {
      const r = await edgefleet('serial', 'conformance', cable.consolePath, '--baud', String(baud), '--code', device.pairingCode!, '--json');
      const report = JSON.parse(r.stdout) as ConformanceReport;
      const failed = report.checks.filter((c) => c.required && c.status !== 'pass');
      expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      // A store-only device: it does not profile, and says so with a documented code.
      expect(report.checks.find((c) => c.id === 'profile')?.detail).toMatch(/does not profile/);
    } finally {
      await device.stop();
      await cable.stop();
    }
  });

  type Json = Record<string, unknown>;
  const codeOf = (json: unknown) => (json as { code?: string }).code;
  /** An error with code `from` comes back as `to`. */
  const recode = (from: string, to: string): Fault => ({ answer: (_op, kind, json) => ({ kind, json: kind === 'error' && codeOf(json) === from ? { ...(json as Json), code: to } : json }) });
  /** The device does not refuse: an error with this code comes back as a plausible response. */
  const accepts = (code: string): Fault => ({
    answer: (_op, kind, json) => (kind === 'error' && codeOf(json) === code ? { kind: 'response' as Kind, json: { manifest: null, offset: 0, size: 0, complete: false } } : { kind, json }),
  });
  /** Responses to `op` rewritten (the nth one only, when given). */
  const rewrite = (op: string, f: (json: Json) => Json, nth?: number): Fault => {
    let n = 0;
    return { answer: (o, kind, json) => (o === op && kind === 'response' && (nth === undefined || ++n === nth) ? { kind, json: f(structuredClone(json) as Json) } : { kind, json }) };
  };
  const withToken = (body: RequestBody, token: string | null): RequestBody => (token ? { ...body, token } : body);
  const chain = ['upload-resume', 'trial', 'confirm', 'confirm-no-trial', 'activate-incomplete', 'rollback-swap', 'rollback-trial', 'rollback-nothing'];
  const upTo = (id: string) => chain.slice(0, chain.indexOf(id) + 1);

  /** A device that does not check CRCs: a damaged frame gets a CRC that fits it, so its bytes are taken as sent. */
  const noCrcCheck: Fault = {
    inbound: (block) => {
      const body = cobsDecode(block);
      if (!body || body.length < 8) return block;
      body.writeUInt32LE(crc32(body.subarray(0, body.length - 4)), body.length - 4);
      return cobsEncode(body);
    },
  };
  /** A device that keeps its first session: a HELLO with another session is ignored. */
  const firstSessionOnly = (): Fault => {
    let first: number | null = null;
    return {
      inbound: (block) => {
        const body = cobsDecode(block);
        if (!body || body[0] !== FrameType.hello) return block;
        const h = decodeHello(body.subarray(4, body.length - 4));
        first ??= h?.session ?? null;
        return h && h.session !== first ? null : block;
      },
    };
  };

  // One broken behaviour per check: [check that must fail, checks to run, the fault, what the failure must name].
  const broken: [string, string[], Fault, RegExp][] = [
    ['unauthorized', ['unauthorized'], accepts('UNAUTHORIZED'), /expected an error message with code UNAUTHORIZED/],
    ['pair-wrong-code', ['pair-wrong-code'], recode('PAIRING_CODE_INVALID', 'INTERNAL'), /pair\.error\.code: expected "PAIRING_CODE_INVALID"; received "INTERNAL"/],
    ['pair', [], rewrite('pair', (j) => ({ ...j, certFingerprint: '' })), /pair\.certFingerprint: expected 64 lowercase hex digits/],
    ['wrong-token', ['wrong-token'], { request: (b, seen) => (b.token === 'not-the-token' ? withToken(b, seen.token) : b) }, /expected an error message with code UNAUTHORIZED/],
    ['hello', [], { link: { params: { maxPayload: 8000, window: 256, deflate: true } } }, /hello_ack\.maxPayload: expected 32 … 4096; received 8000/],
    ['deflate-off', ['deflate-off'], { ignoresHello: { deflate: true } }, /is deflated, but deflate was not negotiated/],
    ['corruption', ['corruption'], noCrcCheck, /FAIL {2}corruption .*\n +No answer: the device did not answer status/],
    ['new-session', ['new-session'], firstSessionOnly(), /No device answers on the serial port/],
    ['hello-small', ['hello-small'], { ignoresHello: { maxPayload: 256 }, link: { fixedPayload: 256 } }, /carries \d+ payload bytes; maxPayload is 32/],
    ['window', ['window'], { request: (b, seen) => (b.op === 'status' && seen.inFlight >= 4 ? null : b) }, /did not answer status/],
    ['loss-in', ['loss-in'], { link: { minRtoMs: 60_000, maxRtoMs: 60_000 } }, /did not answer status/],
    ['info', ['info'], rewrite('info', ({ arch: _, ...j }) => j), /info\.arch: expected .*; received nothing \(the field is missing\)/],
    ['status', ['status'], rewrite('status', (j) => ({ ...j, state: 'ready' })), /status\.state: expected .*; received "ready"/],
    ['telemetry', ['telemetry'], rewrite('telemetry', (j) => ({ ...j, history: 'none' })), /telemetry\.history: expected .*; received "none"/],
    ['unknown-op', ['unknown-op'], recode('NOT_FOUND', 'INTERNAL'), /no-such-operation\.error\.code: expected "NOT_FOUND"; received "INTERNAL"/],
    ['request-invalid', ['request-invalid'], { request: (b) => (b.op === 'activate' ? { ...b, req: {} } : b) }, /activate\.error\.code: expected "REQUEST_INVALID"; received "UPLOAD_INCOMPLETE"/],
    ['unsigned', ['unsigned'], accepts('MANIFEST_SIGNATURE_INVALID'), /expected an error message with code MANIFEST_SIGNATURE_INVALID/],
    ['signature-refused', ['signature-refused'], accepts('MANIFEST_SIGNATURE_INVALID'), /expected an error message with code MANIFEST_SIGNATURE_INVALID/],
    ['hash-refused', ['hash-refused'], accepts('ARTIFACT_HASH_MISMATCH'), /expected an error message with code ARTIFACT_HASH_MISMATCH/],
    ['upload-resume', upTo('upload-resume'), rewrite('upload-begin', (j) => ({ ...j, offset: 0 }), 2), /upload-begin\.offset: expected \d+ \(the bytes stored\); received 0/],
    ['trial', upTo('trial'), rewrite('activate', (j) => ({ ...j, status: { ...(j.status as Json), trial: null } })), /activate\.status\.trial\.slot: expected the active slot/],
    ['confirm', upTo('confirm'), rewrite('confirm', (j) => ({ ...j, state: 'trial' })), /confirm\.state: expected "running"; received "trial"/],
    ['confirm-no-trial', upTo('confirm-no-trial'), accepts('NOT_IN_TRIAL'), /expected an error message with code NOT_IN_TRIAL/],
    ['activate-incomplete', upTo('activate-incomplete'), recode('UPLOAD_INCOMPLETE', 'INTERNAL'), /activate\.error\.code: expected "UPLOAD_INCOMPLETE"; received "INTERNAL"/],
    ['rollback-swap', upTo('rollback-swap'), rewrite('rollback', (j) => ({ ...j, previous: null })), /rollback\.previous\.manifest\.sha256: expected the model rolled back from/],
    ['rollback-trial', upTo('rollback-trial'), rewrite('rollback', (j) => ({ ...j, previous: j.active }), 2), /rollback\.previous: expected null/],
    ['rollback-nothing', upTo('rollback-nothing'), recode('NO_PREVIOUS_MODEL', 'INTERNAL'), /rollback\.error\.code: expected "NO_PREVIOUS_MODEL"; received "INTERNAL"/],
    ['release-replay', ['release-replay'], accepts('RELEASE_COUNTER_REPLAY'), /expected an error message with code RELEASE_COUNTER_REPLAY/],
  ];

  it.each(broken)('a device that breaks "%s" fails exactly that check', { timeout: 120_000 }, async (id, only, fault, names) => {
    const device = await startFaultyDevice(fault);
    try {
      const r = await edgefleet('serial', 'conformance', device.path, '--baud', '115200', '--code', device.code, '--timeout', '3', ...(only.length ? ['--only', only.join(',')] : []));
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const failed = [...r.stdout.matchAll(/^FAIL {2}(\S+)/gm)].map((m) => m[1]);
      expect(failed, r.stdout).toEqual([id]);
      expect(r.stdout).toMatch(names);
      expect(r.stdout).toMatch(new RegExp(`Does not conform: .*\\(${id}[,)]`));
    } finally {
      await device.stop();
    }
  });
});
