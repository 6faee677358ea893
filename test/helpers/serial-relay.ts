// A USB serial cable for tests: two socat pty pairs joined by a relay that forwards bytes at a real
// line rate (baud/10 bytes per second, 8N1) and injects faults: bit flips at a bit error rate,
// dropped bytes, a stall, and an unplug/replug (the pty pairs are killed and started again, so both
// ends see their port vanish and come back under the same path).
//
//   console ── consolePath ═ pty pair A ═ relay ═ pty pair B ═ agentPath ── agent
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { seededRandom, type Random } from '../../electron/core/util/seeded-random.js';

export interface Faults {
  /** Probability that any one bit is flipped. */
  ber?: number;
  /** Probability that any one byte is lost. */
  drop?: number;
}

export interface RelayOptions extends Faults {
  baud: number;
  dir?: string;
  seed?: string;
}

/** One socat pty pair: two linked paths. */
export async function startPtyPair(a: string, b: string): Promise<{ proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not start:\n${err}`)), 10_000);
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (err.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('error', reject);
  });
  return {
    proc,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

class Direction {
  queue: Buffer[] = [];
  queued = 0;
  forwarded = 0;
  flipped = 0;
  dropped = 0;

  constructor(
    readonly name: string,
    private readonly rnd: Random,
  ) {}

  /** Takes up to n bytes off the queue, with the faults applied. */
  take(n: number, f: Faults): { bytes: Buffer; consumed: number } | null {
    if (this.queued === 0 || n <= 0) return null;
    const out = Buffer.allocUnsafe(Math.min(n, this.queued));
    let o = 0;
    const pFlip = 1 - Math.pow(1 - (f.ber ?? 0), 8);
    while (o < out.length && this.queue.length) {
      const head = this.queue[0];
      const k = Math.min(head.length, out.length - o);
      head.copy(out, o, 0, k);
      if (k === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(k);
      o += k;
    }
    this.queued -= o;
    let w = 0;
    for (let i = 0; i < o; i++) {
      if (f.drop && this.rnd() < f.drop) {
        this.dropped++;
        continue;
      }
      let v = out[i];
      if (pFlip && this.rnd() < pFlip) {
        v ^= 1 << Math.floor(this.rnd() * 8);
        this.flipped++;
      }
      out[w++] = v;
    }
    this.forwarded += o;
    return { bytes: out.subarray(0, w), consumed: o };
  }
}

export class SerialRelay {
  readonly consolePath: string;
  readonly agentPath: string;
  private readonly relayA: string;
  private readonly relayB: string;
  private pairs: { stop(): Promise<void> }[] = [];
  private ports: SerialPort[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  private credit = [0, 0];
  private stalledUntil = 0;
  faults: Faults;
  readonly toAgent: Direction;
  readonly toConsole: Direction;
  bytesPerSec: number;

  private constructor(private readonly o: RelayOptions) {
    const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), 'ef-serial-'));
    this.consolePath = path.join(dir, 'ttyConsole');
    this.relayA = path.join(dir, 'ttyRelayA');
    this.relayB = path.join(dir, 'ttyRelayB');
    this.agentPath = path.join(dir, 'ttyAgent');
    this.faults = { ber: o.ber, drop: o.drop };
    const rnd = seededRandom(o.seed ?? 'relay');
    this.toAgent = new Direction('to agent', rnd);
    this.toConsole = new Direction('to console', rnd);
    this.bytesPerSec = o.baud / 10;
  }

  static async start(o: RelayOptions): Promise<SerialRelay> {
    const r = new SerialRelay(o);
    await r.plug();
    return r;
  }

  setBaud(baud: number): void {
    this.bytesPerSec = baud / 10;
  }

  /** Nothing moves either way for `ms`. */
  stall(ms: number): void {
    this.stalledUntil = Date.now() + ms;
  }

  /** The cable comes out: both pty pairs go away, and with them every open port on them. */
  async unplug(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.ports) if (p.isOpen) await new Promise<void>((r) => p.close(() => r()));
    this.ports = [];
    await Promise.all(this.pairs.map((p) => p.stop()));
    this.pairs = [];
    for (const d of [this.toAgent, this.toConsole]) {
      d.queue = [];
      d.queued = 0;
    }
  }

  /** The cable goes back in: the same paths appear again. */
  async plug(): Promise<void> {
    this.pairs = [await startPtyPair(this.consolePath, this.relayA), await startPtyPair(this.relayB, this.agentPath)];
    const open = (p: string) =>
      new Promise<SerialPort>((resolve, reject) => {
        const port = new SerialPort({ path: p, baudRate: 115200, lock: false, autoOpen: false });
        port.open((err) => (err ? reject(err) : resolve(port)));
      });
    const a = await open(this.relayA);
    const b = await open(this.relayB);
    this.ports = [a, b];
    a.on('data', (c: Buffer) => this.enqueue(this.toAgent, c));
    b.on('data', (c: Buffer) => this.enqueue(this.toConsole, c));
    a.on('error', () => undefined);
    b.on('error', () => undefined);
    this.last = performance.now();
    this.credit = [0, 0];
    this.timer = setInterval(() => this.pump(), 2);
  }

  private enqueue(d: Direction, c: Buffer): void {
    // A copy: the port's reader may reuse the memory of a chunk once it has been handed on.
    d.queue.push(Buffer.from(c));
    d.queued += c.length;
  }

  private pump(): void {
    const now = performance.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    if (Date.now() < this.stalledUntil) return;
    const [a, b] = this.ports;
    if (!a || !b) return;
    // Credit accrues at the line rate; an idle line does not bank more than 5 ms of it.
    const cap = this.bytesPerSec * 0.005 + 1;
    const dirs: [Direction, SerialPort, number][] = [
      [this.toAgent, b, 0],
      [this.toConsole, a, 1],
    ];
    for (const [d, out, i] of dirs) {
      this.credit[i] += this.bytesPerSec * dt;
      if (d.queued === 0) {
        this.credit[i] = Math.min(cap, this.credit[i]);
        continue;
      }
      const r = d.take(Math.floor(this.credit[i]), this.faults);
      if (!r) continue;
      this.credit[i] -= r.consumed;
      if (r.bytes.length) out.write(r.bytes);
    }
  }

  async stop(): Promise<void> {
    await this.unplug();
  }
}
