// The MQTT binding's memory of requests it has seen: QoS 1 delivers a request again after a
// reconnect, and a captured request may be replayed by anyone the broker lets publish. Every id is
// kept until its deadline has passed; an id seen again gets the stored answer, not a second run.
// Answers of operations that change the device are written to disk before they are sent, so a
// duplicate that arrives after a restart is answered from the journal too.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { clockSkewMs } from '../../device-protocol/mqtt/envelope.js';

const fileName = 'mqtt-requests.json';
/** Ids remembered at most; requests' deadlines are at most an hour ahead, so this is ~17 a minute for an hour. */
export const journalCapacity = 1024;

const entrySchema = z.object({ id: z.string(), deadline: z.number(), answer: z.string() });
const fileSchema = z.object({ v: z.literal(1), entries: z.array(entrySchema) });

type Entry = { deadline: number; answer: string | null; durable: boolean };

export class RequestJournal {
  private readonly entries = new Map<string, Entry>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(dataDir: string): Promise<RequestJournal> {
    const j = new RequestJournal(path.join(dataDir, fileName));
    if (existsSync(j.file)) {
      const text = await fsp.readFile(j.file, 'utf8').catch(() => '');
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // torn or damaged: treated as empty below
      }
      const parsed = fileSchema.safeParse(json);
      // A journal that does not parse is dropped: refusing to start would strand the device.
      if (parsed.success) for (const e of parsed.data.entries) j.entries.set(e.id, { deadline: e.deadline, answer: e.answer, durable: true });
    }
    j.prune(Date.now());
    return j;
  }

  /** 'new' starts the request; 'running' means a copy is already being served; a string is the stored answer. */
  begin(id: string, deadline: number, now = Date.now()): 'new' | 'running' | { answer: string } {
    const e = this.entries.get(id);
    if (e) return e.answer === null ? 'running' : { answer: e.answer };
    this.prune(now);
    this.entries.set(id, { deadline, answer: null, durable: false });
    return 'new';
  }

  /** Records the answer; with `durable` it is on disk when the promise settles. */
  async finish(id: string, answer: string, durable: boolean): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    e.answer = answer;
    e.durable = durable;
    if (durable) await this.persist();
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [id, e] of this.entries) if (e.deadline + clockSkewMs < now) this.entries.delete(id);
    // Over capacity: the oldest go first (Map keeps insertion order).
    for (const id of this.entries.keys()) {
      if (this.entries.size < journalCapacity) break;
      this.entries.delete(id);
    }
  }

  private persist(): Promise<void> {
    const run = async () => {
      const entries = [...this.entries].filter(([, e]) => e.durable && e.answer !== null).map(([id, e]) => ({ id, deadline: e.deadline, answer: e.answer! }));
      await writeFileAtomic(this.file, JSON.stringify({ v: 1, entries }));
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }
}
