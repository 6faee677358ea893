// A small steady load on each agent's local inference endpoint, with the sample's evaluation inputs,
// so that a demo fleet's telemetry moves.
import { request } from 'node:http';
import { openNpy } from '../util/npy.js';

export interface LoadTarget {
  servePort: number;
}

export class LoadGenerator {
  private timers: NodeJS.Timeout[] = [];
  private inputs: string[] = [];
  sent = 0;
  failed = 0;

  constructor(
    private readonly inputNpy: string,
    private readonly perSecond = 4,
  ) {}

  async start(targets: LoadTarget[]): Promise<void> {
    await this.loadInputs();
    targets.forEach((t, k) => {
      let i = k;
      const tick = () => {
        const data = this.inputs[i++ % this.inputs.length];
        this.send(t.servePort, data);
      };
      const timer = setInterval(tick, 1000 / this.perSecond);
      timer.unref();
      this.timers.push(timer);
    });
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private async loadInputs(): Promise<void> {
    if (this.inputs.length) return;
    const npy = await openNpy(this.inputNpy);
    try {
      const count = Math.min(npy.rows, 64);
      const rows = await npy.readRows(0, count);
      const per = rows.data.length / count;
      const all = rows.data as Float32Array;
      for (let r = 0; r < count; r++) {
        const row = all.slice(r * per, (r + 1) * per);
        this.inputs.push(JSON.stringify({ inputs: { input: { dims: [1, ...rows.shape.slice(1)], data: Buffer.from(row.buffer).toString('base64') } } }));
      }
    } finally {
      await npy.close();
    }
  }

  private send(port: number, body: string): void {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/infer', headers: { 'Content-Type': 'application/json' }, timeout: 10_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) this.sent++;
      else this.failed++;
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => this.failed++);
    req.end(body);
  }
}
