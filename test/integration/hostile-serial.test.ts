// The agent's serial server as a real process on one end of a pty pair, the test writing seeded noise
// and corrupt frames on the other: raw garbage, frames with a valid CRC but nonsense inside (unknown
// types, bad HELLOs, fragments that do not inflate, messages that are not messages), and hostile
// requests inside an open session. Afterwards the agent is alive and pairs over the same cable.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import { deviceOps } from '../../resources/device-protocol/messages.js';
import { encodeFrame, FrameFlag, FrameType } from '../../resources/device-protocol/serial/frame.js';
import { encodeHello, protocolVersion } from '../../resources/device-protocol/serial/hello.js';
import { encodeMessage } from '../../resources/device-protocol/serial/message-codec.js';
import { closePort, openPort } from '../../resources/device-protocol/serial/open-port.js';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startPtyPair } from '../helpers/serial-relay.js';

const baud = 921_600;
const dir = mkdtempSync(join(tmpdir(), 'ef-hostile-serial-'));
const agentEnd = join(dir, 'ttyAgent');
const testEnd = join(dir, 'ttyTest');
let pty: Awaited<ReturnType<typeof startPtyPair>>;
let agent: AgentProcess;

function alive(): boolean {
  return agent.proc.exitCode === null && agent.proc.signalCode === null;
}

function bytes(r: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

const junkJson = ['null', '1', '[]', '"op"', '{"op":5}', '{"op":"info","token":7}', '{"op":"status","req":null}', '{"op":"upload-chunk","req":{"offset":-1}}', '{"op":"__proto__"}', '{"op":"constructor"}', '{"op":"info","req":' + '['.repeat(3000) + ']'.repeat(3000) + '}'];
const ops = Object.keys(deviceOps).filter((op) => op !== 'pair');

/** A message that passes the framing but means nothing good. */
function hostileMessage(r: Random): Buffer {
  const roll = r();
  if (roll < 0.3) return bytes(r, Math.floor(r() * 40));
  if (roll < 0.5) {
    const m = Buffer.from(encodeMessage(1, Math.floor(r() * 1e9), null));
    m.writeUInt32LE(0xffffffff, 5); // a JSON length past the end
    return m;
  }
  if (roll < 0.75) {
    const text = junkJson[Math.floor(r() * junkJson.length)]!;
    const body = Buffer.from(text);
    const head = Buffer.alloc(9);
    head[0] = 1 + Math.floor(r() * 3);
    head.writeUInt32LE(Math.floor(r() * 1e9), 1);
    head.writeUInt32LE(body.length, 5);
    return Buffer.concat([head, body, bytes(r, Math.floor(r() * 16))]);
  }
  const op = ops[Math.floor(r() * ops.length)]!;
  return encodeMessage(1, Math.floor(r() * 1e9), { op, token: r() < 0.5 ? 'wrong' : undefined, req: { offset: -5, limit: 'x', runs: 1e12, healthyWindowSec: -1 } }, bytes(r, 8));
}

/** One frame with a valid CRC and hostile content. */
function hostileFrame(r: Random, seq: number): Buffer {
  const roll = r();
  if (roll < 0.15) return encodeFrame({ type: Math.floor(r() * 256), flags: Math.floor(r() * 256), seq: Math.floor(r() * 65536), payload: bytes(r, Math.floor(r() * 64)) });
  if (roll < 0.3) {
    const hello = encodeHello({ version: r() < 0.5 ? protocolVersion : Math.floor(r() * 256), session: Math.floor(r() * 2 ** 32), maxPayload: Math.floor(r() * 65536), window: Math.floor(r() * 65536), deflate: r() < 0.5 });
    return encodeFrame({ type: FrameType.hello, flags: 0, seq: 0, payload: r() < 0.2 ? hello.subarray(0, 4) : hello });
  }
  if (roll < 0.45) return encodeFrame({ type: FrameType.data, flags: FrameFlag.deflate | FrameFlag.end, seq, payload: bytes(r, 1 + Math.floor(r() * 200)) });
  if (roll < 0.55) return encodeFrame({ type: FrameType.ack, flags: 0, seq: Math.floor(r() * 65536), payload: bytes(r, Math.floor(r() * 40)) });
  const message = hostileMessage(r);
  const deflate = r() < 0.5;
  return encodeFrame({ type: FrameType.data, flags: FrameFlag.end | (deflate ? FrameFlag.deflate : 0), seq, payload: deflate ? deflateRawSync(message) : message });
}

/** Paces the writer: a pty buffers only so much, and the point is what the agent does with the bytes. */
function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

beforeAll(async () => {
  pty = await startPtyPair(agentEnd, testEnd);
  agent = await startAgent({ args: ['--serial', agentEnd, '--baud', String(baud)] });
  // The agent opens the port in the background: wait for its line.
  const deadline = Date.now() + 20_000;
  while (!agent.output().includes(`on ${agentEnd}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await pty?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the serial server under corrupt frames', () => {
  it('survives noise and 3,000 seeded hostile frames, then pairs over the same cable', async () => {
    const port = await openPort(testEnd, baud);
    const r = seededRandom('hostile-serial');
    try {
      // Noise, with delimiters and without (a lost delimiter makes an over-long block).
      port.write(bytes(r, 64 * 1024));
      port.write(Buffer.alloc(256 * 1024, 0x41));
      port.write(Buffer.from([0]));
      // Open a session so DATA frames reach the message layer, then send hostile frames in sequence.
      const session = 0x1234;
      let seq = 0;
      for (let i = 0; i < 3000; i++) {
        if (i % 200 === 0) port.write(encodeFrame({ type: FrameType.hello, flags: 0, seq: 0, payload: encodeHello({ version: protocolVersion, session: session + i, maxPayload: 1024, window: 256, deflate: true }) }));
        port.write(hostileFrame(r, seq));
        seq = (seq + 1) % 65536;
        if (i % 100 === 99) await pause(50);
      }
      await pause(500);
    } finally {
      await closePort(port);
    }
    expect(alive()).toBe(true);

    const keys = generateKeyPairSync('ed25519');
    const link = new SerialLink({ path: testEnd, baudRate: baud, token: null });
    try {
      const paired = await link.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'after the noise' });
      expect(paired.deviceId).toBe(agent.deviceId);
    } finally {
      await link.close();
    }
    expect(alive()).toBe(true);
  });
});
