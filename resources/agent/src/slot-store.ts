// Two model slots (a, b) and state.json, the single record of which one runs. Every change of state
// is one atomic file replacement, so a process killed at any instant restarts with either the old or
// the new state, never a mix.
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { EventLog } from './event-log.js';
import { manifestSchema, slotIdSchema, type Manifest, type SlotId, type SlotInfo } from '../../device-protocol/messages.js';

const slotStateSchema = z.object({
  active: slotIdSchema.nullable(),
  /** The slot `rollback` returns to; null when it holds nothing runnable. */
  previous: slotIdSchema.nullable(),
  trial: z
    .object({ slot: slotIdSchema, since: z.string(), healthyWindowSec: z.number(), deadline: z.string() })
    .nullable(),
  slots: z.object({ a: manifestSchema.nullable(), b: manifestSchema.nullable() }),
  lastEvent: z.object({ at: z.string(), kind: z.string(), detail: z.string() }).nullable(),
  /**
   * The highest release counter this device has accepted, raised in the same commit that starts its
   * trial; reverts and rollbacks keep it. 0 in state files from before release counters.
   */
  release: z.number().int().nonnegative().default(0),
});
export type SlotState = z.infer<typeof slotStateSchema>;

const emptyState: SlotState = { active: null, previous: null, trial: null, slots: { a: null, b: null }, lastEvent: null, release: 0 };

export function otherSlot(slot: SlotId | null): SlotId {
  return slot === 'a' ? 'b' : 'a';
}

export class SlotStore {
  private current: SlotState;

  private constructor(
    readonly dataDir: string,
    state: SlotState,
    /** Every lastEvent this store commits, hash-chained (the device report carries it). */
    readonly events: EventLog,
  ) {
    this.current = state;
  }

  static async open(dataDir: string): Promise<SlotStore> {
    for (const dir of ['slots/a', 'slots/b', 'staging']) await fsp.mkdir(path.join(dataDir, dir), { recursive: true });
    await removeTempFiles([dataDir, path.join(dataDir, 'slots/a'), path.join(dataDir, 'slots/b'), path.join(dataDir, 'staging')]);
    const file = path.join(dataDir, 'state.json');
    const state = existsSync(file) ? slotStateSchema.parse(JSON.parse(await fsp.readFile(file, 'utf8'))) : emptyState;
    return new SlotStore(dataDir, state, await EventLog.open(dataDir));
  }

  get state(): SlotState {
    return structuredClone(this.current);
  }

  async commit(next: SlotState): Promise<void> {
    const valid = slotStateSchema.parse(next);
    await writeFileAtomic(path.join(this.dataDir, 'state.json'), `${JSON.stringify(valid, null, 2)}\n`);
    const event = valid.lastEvent;
    const was = this.current.lastEvent;
    this.current = structuredClone(valid);
    // After the state: a power cut between the two loses a log line, never a state change.
    if (event && (!was || was.at !== event.at || was.kind !== event.kind || was.detail !== event.detail)) await this.events.append(event);
  }

  modelPath(slot: SlotId): string {
    return path.join(this.dataDir, 'slots', slot, 'model.onnx');
  }

  /** The file of the slot that holds the model with this sha256 (a delta's base), or null. */
  fileOf(sha256: string): string | null {
    const slot = (['a', 'b'] as const).find((s) => this.current.slots[s]?.sha256 === sha256);
    return slot && existsSync(this.modelPath(slot)) ? this.modelPath(slot) : null;
  }

  info(slot: SlotId | null): SlotInfo | null {
    if (!slot) return null;
    const manifest: Manifest | null = this.current.slots[slot];
    return manifest ? { slot, manifest } : null;
  }
}

/** Temporary files of atomic writes that a killed process left behind. */
async function removeTempFiles(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (const name of await fsp.readdir(dir)) {
      if (name.startsWith('.') && name.endsWith('.tmp')) await fsp.rm(path.join(dir, name), { force: true });
    }
  }
}
