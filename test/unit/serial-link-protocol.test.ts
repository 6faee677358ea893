// The serial link protocol without ports: COBS, frames with CRC-32, negotiation, and two
// ReliableLink peers over an in-memory line that flips bits and drops bytes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from '../../resources/device-protocol/serial/cobs.js';
import { decodeFrame, encodeFrame, FrameSplitter, FrameType } from '../../resources/device-protocol/serial/frame.js';
import { bestPayload } from '../../resources/device-protocol/serial/frame-size.js';
import { negotiate } from '../../resources/device-protocol/serial/hello.js';
import { decodeMessage, encodeMessage, MessageKind } from '../../resources/device-protocol/serial/message-codec.js';
import { ReliableLink } from '../../resources/device-protocol/serial/reliable-link.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';

describe('COBS', () => {
  it('round-trips blocks with zeros, runs of 254+ non-zero bytes and empty input, and never emits 0x00', () => {
    const rnd = seededRandom('cobs');
    const cases = [Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0, 1, 0]), Buffer.alloc(600, 7), Buffer.from(Array.from({ length: 2000 }, () => Math.floor(rnd() * 4)))];
    for (const c of cases) {
      const e = cobsEncode(c);
      expect(e.includes(0)).toBe(false);
      expect(cobsDecode(e)).toEqual(c);
    }
    expect(cobsEncode(Buffer.from([0x11, 0x22, 0x00, 0x33]))).toEqual(Buffer.from([0x03, 0x11, 0x22, 0x02, 0x33]));
  });

  it('rejects a block whose code byte runs past its end', () => {
    expect(cobsDecode(Buffer.from([0x05, 1, 2]))).toBeNull();
  });
});

describe('frames', () => {
  it('carry type, flags, seq and payload; a flipped bit fails the CRC', () => {
    const wire = encodeFrame({ type: FrameType.data, flags: 3, seq: 65535, payload: Buffer.from('hello') });
    expect(wire.at(-1)).toBe(0);
    const block = wire.subarray(0, -1);
    expect(decodeFrame(block)).toEqual({ type: 1, flags: 3, seq: 65535, payload: Buffer.from('hello') });
    for (let bit = 0; bit < block.length * 8; bit += 3) {
      const bad = Buffer.from(block);
      bad[bit >> 3] ^= 1 << (bit & 7);
      expect(decodeFrame(bad)).toBeNull();
    }
  });

  it('splits a byte stream at delimiters however it is cut', () => {
    const frames = [0, 1, 2].map((i) => encodeFrame({ type: FrameType.data, flags: 0, seq: i, payload: Buffer.alloc(300, i) }));
    const all = Buffer.concat(frames);
    const got: number[] = [];
    const s = new FrameSplitter(4096, (b) => got.push(decodeFrame(b)!.seq));
    for (let i = 0; i < all.length; i += 7) s.push(all.subarray(i, i + 7));
    expect(got).toEqual([0, 1, 2]);
  });
});

describe('negotiation and sizing', () => {
  it('takes the smaller of each parameter within the protocol limits', () => {
    expect(negotiate({ maxPayload: 1024, window: 64, deflate: true }, { maxPayload: 256, window: 500, deflate: false })).toEqual({ maxPayload: 256, window: 64, deflate: false });
    expect(negotiate({ maxPayload: 8, window: 0, deflate: true }, { maxPayload: 9000, window: 4, deflate: true })).toEqual({ maxPayload: 32, window: 1, deflate: true });
  });

  it('picks long frames on a clean line and short ones at a bit error rate of 1e-4', () => {
    expect(bestPayload(0, 1024)).toBe(1024);
    const noisy = bestPayload(1e-4, 1024);
    expect(noisy).toBeGreaterThanOrEqual(64);
    expect(noisy).toBeLessThanOrEqual(192);
  });

  it('encodes messages with a JSON part and a binary part', () => {
    const m = decodeMessage(encodeMessage(MessageKind.request, 7, { op: 'upload-chunk', req: { offset: 5 } }, Buffer.from([0, 1, 2])))!;
    expect(m).toMatchObject({ kind: 1, id: 7, json: { op: 'upload-chunk', req: { offset: 5 } } });
    expect([...m.binary]).toEqual([0, 1, 2]);
    expect(decodeMessage(Buffer.from([9, 0, 0]))).toBeNull();
  });
});

/** Two peers over an in-memory line with independent noise per direction. */
function linePair(opts: { ber?: number; drop?: number; seed: string; minRtoMs?: number }) {
  const rnd = seededRandom(opts.seed);
  const noisy = (b: Buffer): Buffer => {
    const out: number[] = [];
    for (const byte of b) {
      if (opts.drop && rnd() < opts.drop) continue;
      let v = byte;
      if (opts.ber && rnd() < 8 * opts.ber) v ^= 1 << Math.floor(rnd() * 8);
      out.push(v);
    }
    return Buffer.from(out);
  };
  const params = { maxPayload: 1024, window: 32, deflate: true };
  let b: ReliableLink | null = null;
  const a = new ReliableLink({ role: 'initiator', params, write: (x) => setImmediate(() => b?.receive(noisy(x))), minRtoMs: opts.minRtoMs ?? 30 });
  b = new ReliableLink({ role: 'responder', params, write: (x) => setImmediate(() => a.receive(noisy(x))), minRtoMs: 30 });
  return { a, b: b as ReliableLink };
}

async function transfer(opts: { ber?: number; drop?: number; seed: string; minRtoMs?: number }, messages: Buffer[]) {
  const { a, b } = linePair(opts);
  const got: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    b.on('message', (m) => {
      got.push(m);
      if (got.length === messages.length) resolve();
    });
    a.on('lost', (r) => reject(new Error(r)));
  });
  b.start();
  a.start();
  await new Promise<void>((resolve) => a.once('open', () => resolve()));
  for (const m of messages) a.send(m);
  await done;
  a.stop();
  b.stop();
  return { got, stats: a.stats };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('ReliableLink', () => {
  const rnd = seededRandom('payload');
  const big = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(rnd() * 256)));
  const messages = [big, Buffer.from('small'), Buffer.alloc(50_000, 1)];

  it('delivers messages in order and intact on a clean line, deflating what compresses', async () => {
    const { got, stats } = await transfer({ seed: 'clean', minRtoMs: 1000 }, messages);
    expect(got.map(sha)).toEqual(messages.map(sha));
    expect(stats.retransmits).toBe(0);
    // 50 kB of one byte value deflate to a handful of frames.
    expect(stats.bytesWritten).toBeLessThan(big.length * 1.03 + 20_000);
  });

  it('delivers them intact through bit flips at 1e-4 and 1% dropped bytes, retransmitting', async () => {
    const small = [big.subarray(0, 40_000), Buffer.from('small'), Buffer.alloc(10_000, 1)];
    const { got, stats } = await transfer({ seed: 'noisy', ber: 1e-4, drop: 0.01 }, small);
    expect(got.map(sha)).toEqual(small.map(sha));
    expect(stats.retransmits).toBeGreaterThan(0);
  }, 60_000);

  it('the initiator reports a silent line after the handshake time', async () => {
    const a = new ReliableLink({ role: 'initiator', params: { maxPayload: 256, window: 8, deflate: false }, write: () => undefined, handshakeMs: 200 });
    const reason = await new Promise<string>((resolve) => {
      a.on('lost', resolve);
      a.start();
    });
    expect(reason).toMatch(/no answer to HELLO/);
  });
});
