// The device's own log of what happened to its models, each entry linked to the one before by hash, so a
// report that carries the log shows whether anything was cut out or changed (RAUC's event log kept for a
// service technician, made tamper-evident). Appended with fsync; bounded by rewriting the newest half
// when it grows past maxEntries (the chain continues: each entry keeps its prev).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { eventHash, zeroHash, type DeviceLogEvent } from '../../device-protocol/device-report.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';

const maxEntries = 1000;

export class EventLog {
  private constructor(
    private readonly file: string,
    private entries: DeviceLogEvent[],
  ) {}

  static async open(dataDir: string): Promise<EventLog> {
    const file = path.join(dataDir, 'events.jsonl');
    const entries: DeviceLogEvent[] = [];
    if (existsSync(file)) {
      for (const line of (await fsp.readFile(file, 'utf8')).split('\n')) {
        if (!line.trim()) continue;
        try {
          entries.push(JSON.parse(line) as DeviceLogEvent);
        } catch {
          // A line torn by a power cut while appending: the entries before it stand.
          break;
        }
      }
    }
    return new EventLog(file, entries);
  }

  async append(e: { at: string; kind: string; detail: string }): Promise<DeviceLogEvent> {
    const last = this.entries.at(-1);
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.hash ?? zeroHash;
    const entry: DeviceLogEvent = { seq, at: e.at, kind: e.kind, detail: e.detail.slice(0, 500), prev, hash: '' };
    entry.hash = eventHash(prev, entry);
    this.entries.push(entry);
    if (this.entries.length > maxEntries) {
      this.entries = this.entries.slice(-maxEntries / 2);
      await writeFileAtomic(this.file, this.entries.map((x) => `${JSON.stringify(x)}\n`).join(''));
    } else {
      const fh = await fsp.open(this.file, 'a');
      try {
        await fh.write(`${JSON.stringify(entry)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    return entry;
  }

  newest(n: number): DeviceLogEvent[] {
    return this.entries.slice(-n);
  }
}
