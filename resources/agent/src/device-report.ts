// The `report` operation: what this device runs, signed with its TLS key (see device-protocol/device-report.ts).
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { signReport, type DeviceReport, type SignedReport } from '../../device-protocol/device-report.js';
import type { Manifest } from '../../device-protocol/messages.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import type { EventLog } from './event-log.js';
import type { Identity } from './identity.js';
import type { SlotStore } from './slot-store.js';

const installed = (m: Manifest | null | undefined) => (m ? { name: m.name, version: m.version, sha256: m.sha256, ...(m.release !== undefined ? { release: m.release } : {}) } : null);

/** The next report number, persisted before the report leaves, so no two reports share one. */
async function nextSeq(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'report.json');
  const last = existsSync(file) ? (JSON.parse(await fsp.readFile(file, 'utf8')) as { seq: number }).seq : 0;
  await writeFileAtomic(file, `${JSON.stringify({ seq: last + 1 })}\n`);
  return last + 1;
}

export async function makeReport(o: { dataDir: string; identity: Identity; store: SlotStore; events: EventLog; nonce: string }): Promise<SignedReport> {
  const s = o.store.state;
  const slotOf = (slot: 'a' | 'b' | null) => (slot ? installed(s.slots[slot]) : null);
  const created = [s.slots.a?.created, s.slots.b?.created].filter((x): x is string => !!x).sort();
  const report: DeviceReport = {
    format: 'edgefleet-device-report-1',
    deviceId: o.identity.deviceId,
    nonce: o.nonce,
    seq: await nextSeq(o.dataDir),
    at: new Date().toISOString(),
    latestVerifiedTime: created.at(-1) ?? null,
    release: s.release,
    active: slotOf(s.active),
    previous: slotOf(s.previous),
    trial: s.trial !== null,
    slots: { a: installed(s.slots.a), b: installed(s.slots.b) },
    events: o.events.newest(200),
  };
  return signReport(report, o.identity.keyPem, o.identity.certPem);
}
