// The serial transport end to end: a real agent process serving the link protocol on one end of a
// relayed pty "cable" (test/helpers/serial-relay.ts), the console's SerialLink on the other, with
// bit errors, dropped bytes, a stall and an unplug/replug in the middle of an upload.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import { openPort, closePort } from '../../resources/device-protocol/serial/open-port.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { encode, model, valueInfo } from '../fixtures/onnx-models.js';
import { signed, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { SerialRelay, startPtyPair } from '../helpers/serial-relay.js';

const fast = 4_000_000; // a fast line for the steps that are not about speed
const keys = generateKeyPairSync('ed25519');
let relay: SerialRelay;
let agent: AgentProcess;
let token: string;
let deviceId: string;

/** X[1,64] · W[64,256] with random weights: a real model of about 65 kB that does not compress. */
function randomModel(seed: string): Uint8Array {
  const rnd = seededRandom(seed);
  const w = new Float32Array(64 * 256).map(() => rnd() - 0.5);
  return encode(
    model({
      name: 'matmul',
      node: [{ name: 'mm', op_type: 'MatMul', input: ['X', 'W'], output: ['Y'] }],
      initializer: [{ name: 'W', data_type: 1, dims: [64, 256], raw_data: new Uint8Array(w.buffer) }],
      input: [valueInfo('X', [1, 64])],
      output: [valueInfo('Y', [1, 256])],
    }),
  );
}

const link = (extra: Partial<ConstructorParameters<typeof SerialLink>[0]> = {}) => new SerialLink({ path: relay.consolePath, baudRate: fast, token, ...extra });

beforeAll(async () => {
  relay = await SerialRelay.start({ baud: fast, seed: 'serial-link-test' });
  agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(fast)] });
  const pairing = new SerialLink({ path: relay.consolePath, baudRate: fast, token: null });
  try {
    const res = await pairing.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'serial test' });
    token = res.token;
    deviceId = res.deviceId;
  } finally {
    await pairing.close();
  }
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await relay?.stop();
});

describe('serial link to a real agent', () => {
  it('pairs with the one-time code and then answers info and status with the token only', async () => {
    const l = link();
    try {
      expect(deviceId).toBe(agent.deviceId);
      const info = await l.call('info');
      expect(info.deviceId).toBe(agent.deviceId);
      expect((await l.call('status')).state).toBe('empty');
    } finally {
      await l.close();
    }
    const stranger = link({ token: 'not-the-token' });
    try {
      await expect(stranger.call('status')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      await stranger.close();
    }
  });

  it('an upload through 1% dropped bytes and bit flips at 1e-4 arrives with the right sha256', async () => {
    const bytes = randomBytes(24_000);
    const s = signed(bytes, '0.1.0', keys.privateKey, 'blob');
    const l = link();
    relay.faults = { ber: 1e-4, drop: 0.01 };
    const droppedBefore = relay.toAgent.dropped + relay.toConsole.dropped;
    try {
      const up = await l.upload(bytes, s);
      expect(up).toMatchObject({ complete: true, offset: bytes.length, manifest: { sha256: s.manifest.sha256 } });
    } finally {
      relay.faults = {};
      await l.close();
    }
    expect(relay.toAgent.dropped + relay.toConsole.dropped).toBeGreaterThan(droppedBefore);
  }, 120_000);

  it('deploys a model through bit flips at 1e-4: upload, trial, confirm, rollback', async () => {
    const bytes = randomModel('deploy');
    const s = signed(bytes, '1.0.0', keys.privateKey, 'matmul');
    const l = link();
    relay.faults = { ber: 1e-4 };
    try {
      const up = await l.upload(bytes, s);
      expect(up).toMatchObject({ complete: true, offset: bytes.length });
      expect(up.manifest.sha256).toBe(s.manifest.sha256);
      expect(l.stats!.retransmits).toBeGreaterThan(0);
      const act = await l.call('activate', { maxLatencyMs: 10_000 });
      expect(act.outcome).toBe('trial');
      const confirmed = await l.call('confirm', {});
      expect(confirmed).toMatchObject({ state: 'running', active: { manifest: { sha256: s.manifest.sha256 } } });
      // A second version, then back to the first with rollback.
      const bytes2 = randomModel('deploy-2');
      const s2 = signed(bytes2, '2.0.0', keys.privateKey, 'matmul');
      await l.upload(bytes2, s2);
      await l.call('activate', { maxLatencyMs: 10_000 });
      await l.call('confirm', {});
      const back = await l.call('rollback', {});
      expect(back.active?.manifest.sha256).toBe(s.manifest.sha256);
    } finally {
      relay.faults = {};
      await l.close();
    }
    expect(relay.toAgent.flipped).toBeGreaterThan(0);
  }, 120_000);

  it('survives a 2 s stall of the line in the middle of an upload', async () => {
    const bytes = randomBytes(600_000);
    const s = signed(bytes, '3.0.0', keys.privateKey, 'blob');
    const l = link();
    try {
      let stalled = false;
      const up = await l.upload(bytes, s, {
        onProgress: (st) => {
          if (!stalled && st.offset > 200_000) {
            stalled = true;
            relay.stall(2000);
          }
        },
      });
      expect(stalled).toBe(true);
      expect(up).toMatchObject({ complete: true, manifest: { sha256: s.manifest.sha256 } });
    } finally {
      await l.close();
    }
  }, 60_000);

  it('an unplug in the middle of an upload fails cleanly; after the replug the upload resumes where it stopped', async () => {
    const bytes = randomBytes(800_000);
    const s = signed(bytes, '4.0.0', keys.privateKey, 'blob');
    const l = link({ uploadReconnects: 0 });
    let unplugged = false;
    try {
      const first = l.upload(bytes, s, {
        onProgress: (st) => {
          if (!unplugged && st.offset > 250_000) {
            unplugged = true;
            void relay.unplug();
          }
        },
      });
      const err = await first.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toMatch(/^SERIAL_(LINK_LOST|CLOSED)$/);
      await relay.unplug();
      await relay.plug();
      const offsets: number[] = [];
      const again = await l.upload(bytes, s, { onProgress: (st) => offsets.push(st.offset) });
      expect(offsets[0]).toBeGreaterThan(250_000);
      expect(again).toMatchObject({ complete: true, offset: bytes.length, manifest: { sha256: s.manifest.sha256 } });
    } finally {
      await l.close();
    }
  }, 90_000);

  it('an upload with reconnects rides out an unplug/replug by itself', async () => {
    const bytes = randomBytes(500_000);
    const s = signed(bytes, '5.0.0', keys.privateKey, 'blob');
    const l = link();
    let unplugged = false;
    try {
      const up = await l.upload(bytes, s, {
        onProgress: (st) => {
          if (!unplugged && st.offset > 150_000) {
            unplugged = true;
            // The cable stays out for a while (time passing, on purpose), then goes back in.
            void relay.unplug().then(() => new Promise((r) => setTimeout(r, 1500)).then(() => relay.plug()));
          }
        },
      });
      expect(unplugged).toBe(true);
      expect(up).toMatchObject({ complete: true, manifest: { sha256: s.manifest.sha256 } });
    } finally {
      await l.close();
    }
  }, 90_000);

  it('a port another program holds is reported busy, and a port nobody answers on is reported silent', async () => {
    const holder = await openPort(relay.consolePath, fast);
    try {
      await expect(link().call('info')).rejects.toMatchObject({ code: 'SERIAL_PORT_BUSY' });
    } finally {
      await closePort(holder);
    }
    const dir = relay.consolePath.replace(/ttyConsole$/, '');
    const pair = await startPtyPair(`${dir}ttySilentA`, `${dir}ttySilentB`);
    try {
      const silent = new SerialLink({ path: `${dir}ttySilentA`, baudRate: 115200, token, link: { handshakeMs: 800 } });
      await expect(silent.call('info')).rejects.toMatchObject({ code: 'SERIAL_SILENT' });
      await silent.close();
    } finally {
      await pair.stop();
    }
    await expect(new SerialLink({ path: `${dir}ttyNothing`, baudRate: 115200, token }).call('info')).rejects.toMatchObject({ code: 'SERIAL_PORT_MISSING' });
  }, 30_000);
});
