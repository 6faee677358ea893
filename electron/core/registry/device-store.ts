// The device inventory in <home>/registry.db: one row per device and a bounded telemetry history.
// The bearer token a device gave at pairing is a long-lived credential: it lives in this database,
// inside the private home folder, sealed by the keychain where there is one (see token-seal.ts), and
// never leaves the core (summaries carry `paired`, not the token).
import type Database from 'better-sqlite3';
import type { DeviceChange, DeviceHardware, DeviceListRow, DeviceSlot, DeviceState, DeviceSummary, DeviceTelemetry, ErrorData, ProfileSummary } from '../api/types.js';
import { prepared } from './prepared.js';
import { decodeToken, encodeToken, type TokenSealer } from './token-seal.js';

export interface DevicePatch {
  name?: string;
  transport?: DeviceSummary['transport'];
  address?: string;
  fingerprint?: string | null;
  token?: string | null;
  arch?: string | null;
  agentVersion?: string | null;
  state?: DeviceState;
  activeModel?: DeviceSummary['activeModel'];
  slotState?: DeviceSummary['slotState'];
  health?: DeviceSummary['health'];
  /** Set with the failure it explains; a health other than 'error' clears it unless given. */
  lastError?: ErrorData | null;
  /** Replaces the last change (never cleared by a patch that does not name it). */
  lastChange?: DeviceChange;
  lastSeen?: string | null;
  tags?: string[];
  groups?: string[];
  telemetry?: DeviceTelemetry | null;
  /** The slots the device last reported. */
  slots?: DeviceSlot[];
  /** Cores, memory and board from the device's info. */
  hardware?: DeviceHardware;
  drift?: DeviceSummary['drift'];
}

export interface DeviceCredentials {
  id: string;
  name: string;
  /** Which link reaches the device (see devices/open-link.ts); the address is read in its terms. */
  transport: DeviceSummary['transport'];
  address: string;
  fingerprint: string;
  token: string;
  /** The console's home, for transports that sign every request with its key (MQTT); set by DeviceContext. */
  consoleHome?: string;
}

interface DeviceRow {
  id: string;
  name: string;
  transport: DeviceSummary['transport'];
  address: string;
  fingerprint: string | null;
  token: string | null;
  arch: string | null;
  agent_version: string | null;
  state: DeviceState;
  model_name: string | null;
  model_version: string | null;
  model_sha256: string | null;
  slot_state: DeviceSummary['slotState'];
  health: DeviceSummary['health'];
  last_error: string | null;
  last_change: string | null;
  drift: string | null;
  last_seen: string | null;
  tags: string;
  groups_json: string;
  telemetry: string | null;
  slots: string | null;
  hardware: string | null;
}

/** Telemetry summaries kept per device; older ones are dropped as new ones arrive. */
export const defaultHistoryLimit = 500;

export class DeviceStore {
  /** Summaries added per device since its history was last trimmed (see trim). */
  private readonly untrimmed = new Map<string, number>();
  private readonly trimEvery: number;

  constructor(
    private readonly db: Database.Database,
    private readonly historyLimit = defaultHistoryLimit,
    /** Seals tokens as they are written and opens sealed ones; null where no keychain exists. */
    private readonly sealer: TokenSealer | null = null,
  ) {
    this.trimEvery = Math.max(1, Math.ceil(historyLimit / 10));
  }

  /** The whole inventory, by name: 10,000 devices in tens of milliseconds (see summaryFromList). */
  list(): DeviceSummary[] {
    const rows = prepared(this.db, `SELECT ${listColumns} FROM devices ORDER BY name COLLATE NOCASE, id`).raw(true).all() as SummaryRow[];
    return rows.map(summaryFromList);
  }

  /** The inventory as the Fleet grid lists it, in the order of list(). */
  listRows(): DeviceListRow[] {
    const rows = prepared(
      this.db,
      `SELECT id, name, transport, address, state, token IS NOT NULL, arch, model_name, model_version, slot_state, health, last_seen, tags, groups_json, last_change, drift
         FROM devices ORDER BY name COLLATE NOCASE, id`,
    )
      .raw(true)
      .all() as GridRow[];
    return rows.map(([id, name, transport, address, state, paired, arch, modelName, modelVersion, slotState, health, lastSeen, tags, groups, lastChange, drift]) => [
      id, name, transport, address, state, paired === 1, arch, modelName, modelVersion, slotState, health, lastSeen, parseLabels(tags), parseLabels(groups), changeOf(lastChange, false), driftOf(drift),
    ]);
  }

  get(id: string): DeviceSummary | null {
    const row = prepared(this.db, `SELECT ${listColumns} FROM devices WHERE id = ?`).raw(true).get(id) as SummaryRow | undefined;
    return row ? summaryFromList(row) : null;
  }

  findByAddress(address: string): DeviceSummary | null {
    const row = prepared(this.db, `SELECT ${listColumns} FROM devices WHERE address = ? ORDER BY rowid LIMIT 1`).raw(true).get(address) as SummaryRow | undefined;
    return row ? summaryFromList(row) : null;
  }

  /**
   * What a client needs to reach a paired device; null when the device is unknown or not paired, or its token
   * is sealed by a keychain this process lacks. `strict` throws that last case's AppError instead.
   */
  credentials(id: string, opts: { strict?: boolean } = {}): DeviceCredentials | null {
    const row = this.row(id);
    return row ? this.credentialsOf(row, opts.strict ?? false) : null;
  }

  /** The credentials of every paired device of one transport, selected in SQL (not the whole inventory). */
  pairedCredentials(transport: DeviceSummary['transport']): DeviceCredentials[] {
    const rows = prepared(this.db, 'SELECT * FROM devices WHERE transport = ? AND token IS NOT NULL AND fingerprint IS NOT NULL').all(transport) as DeviceRow[];
    return rows.flatMap((row) => this.credentialsOf(row, false) ?? []);
  }

  /** The distinct addresses of the paired devices of one transport. */
  pairedAddresses(transport: DeviceSummary['transport']): string[] {
    return prepared(this.db, 'SELECT DISTINCT address FROM devices WHERE transport = ? AND token IS NOT NULL').pluck().all(transport) as string[];
  }

  /** Inserts the device or changes only the fields given, in one transaction. */
  upsert(id: string, patch: DevicePatch & { name: string; address: string }): DeviceSummary;
  upsert(id: string, patch: DevicePatch): DeviceSummary;
  upsert(id: string, patch: DevicePatch): DeviceSummary {
    return this.db.transaction(() => {
      const existing = this.row(id);
      if (!existing) {
        if (patch.name === undefined || patch.address === undefined) throw new Error(`device ${id} is new: name and address are required`);
        prepared(this.db, `INSERT INTO devices (id, name, address, state, created_at) VALUES (?, ?, ?, ?, ?)`)
          .run(id, patch.name, patch.address, patch.state ?? 'discovered', new Date().toISOString());
      }
      const columns = toColumns(patch);
      if (patch.token !== undefined) columns.token = encodeToken(patch.token, this.sealer);
      const names = Object.keys(columns);
      if (names.length > 0) {
        prepared(this.db, `UPDATE devices SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`).run({ ...columns, id });
      }
      return this.get(id)!;
    })();
  }

  remove(id: string): boolean {
    this.untrimmed.delete(id);
    return this.db.transaction(() => {
      prepared(this.db, 'DELETE FROM device_telemetry WHERE device_id = ?').run(id);
      return prepared(this.db, 'DELETE FROM devices WHERE id = ?').run(id).changes > 0;
    })();
  }

  /** Stores a telemetry summary as the device's latest and in its history, keeping the last N. */
  addTelemetry(id: string, t: DeviceTelemetry, patch: DevicePatch = {}): DeviceSummary | null {
    return this.recordEvents(id, { ...patch, telemetry: t, lastSeen: t.at }, [t]) ? this.get(id) : null;
  }

  /**
   * What a device's events changed, on the hot path of every telemetry message: one UPDATE of the row
   * (no read of it), one prepared INSERT per summary into the history, and the history trimmed only
   * every `trimEvery` summaries per device. False for a device not in the inventory.
   */
  recordEvents(id: string, patch: Omit<DevicePatch, 'token'>, history: readonly DeviceTelemetry[] = []): boolean {
    const write = (): boolean => {
      const columns = toColumns(patch);
      const names = Object.keys(columns);
      const found =
        names.length > 0
          ? prepared(this.db, `UPDATE devices SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`).run({ ...columns, id }).changes > 0
          : prepared(this.db, 'SELECT 1 FROM devices WHERE id = ?').get(id) !== undefined;
      if (!found || history.length === 0) return found;
      const insert = prepared(this.db, 'INSERT INTO device_telemetry (device_id, at, summary) VALUES (?, ?, ?)');
      for (const t of history) insert.run(id, t.at, t === patch.telemetry ? columns.telemetry : JSON.stringify(t));
      this.trim(id, history.length);
      return true;
    };
    // Inside the ingest's batch transaction already: no savepoint per device.
    return this.db.inTransaction ? write() : this.db.transaction(write)();
  }

  /** The device's latest telemetry summary (null before its first, or for an unknown device). */
  latestTelemetry(id: string): DeviceTelemetry | null {
    const json = prepared(this.db, 'SELECT telemetry FROM devices WHERE id = ?').pluck().get(id) as string | null | undefined;
    return json ? (JSON.parse(json) as DeviceTelemetry) : null;
  }

  /** The slots the device last reported (empty before its first status). */
  slots(id: string): DeviceSlot[] {
    const row = prepared(this.db, 'SELECT slots FROM devices WHERE id = ?').get(id) as { slots: string | null } | undefined;
    return row?.slots ? (JSON.parse(row.slots) as DeviceSlot[]) : [];
  }

  /**
   * What the device said about its hardware in the info last read; null before any (devices paired before the
   * console kept it, hosts provisioned over SSH). Off the summaries: the Fleet lists do not carry it.
   */
  hardware(id: string): DeviceHardware | null {
    const json = prepared(this.db, 'SELECT hardware FROM devices WHERE id = ?').pluck().get(id) as string | null | undefined;
    return json ? (JSON.parse(json) as DeviceHardware) : null;
  }

  /** Oldest first, the last `limit` summaries. */
  history(id: string, limit = this.historyLimit): DeviceTelemetry[] {
    const rows = prepared(this.db, 'SELECT summary FROM device_telemetry WHERE device_id = ? ORDER BY rowid DESC LIMIT ?')
      .all(id, limit) as { summary: string }[];
    return rows.reverse().map((r) => JSON.parse(r.summary) as DeviceTelemetry);
  }

  /** Profiles measured on this device (stored by the registry with device.id), newest first. */
  profiles(id: string): ProfileSummary[] {
    const rows = prepared(this.db, 'SELECT summary FROM profiles WHERE device_id = ? ORDER BY created_at DESC, rowid DESC').all(id) as { summary: string }[];
    return rows.map((r) => JSON.parse(r.summary) as ProfileSummary);
  }

  /**
   * Drops history beyond the last N once a device has added `trimEvery` summaries since its last trim (a
   * history holds at most N + trimEvery rows; history() reads N): trimming sorts the device's history,
   * too much work for every message.
   */
  private trim(id: string, added: number): void {
    const since = (this.untrimmed.get(id) ?? 0) + added;
    if (since < this.trimEvery) {
      this.untrimmed.set(id, since);
      return;
    }
    this.untrimmed.delete(id);
    prepared(
      this.db,
      `DELETE FROM device_telemetry WHERE device_id = ? AND rowid <=
         (SELECT rowid FROM device_telemetry WHERE device_id = ? ORDER BY rowid DESC LIMIT 1 OFFSET ?)`,
    ).run(id, id, this.historyLimit);
  }

  private credentialsOf(row: DeviceRow, strict: boolean): DeviceCredentials | null {
    if (!row.token || !row.fingerprint) return null;
    const token = decodeToken(row.token, this.sealer, row);
    if (typeof token !== 'string') {
      if (strict) throw token;
      return null;
    }
    return { id: row.id, name: row.name, transport: row.transport, address: row.address, fingerprint: row.fingerprint, token };
  }

  private row(id: string): DeviceRow | undefined {
    return prepared(this.db, 'SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
  }
}

function toColumns(p: DevicePatch): Record<string, string | null> {
  const c: Record<string, string | null> = {};
  if (p.name !== undefined) c.name = p.name;
  if (p.transport !== undefined) c.transport = p.transport;
  if (p.address !== undefined) c.address = p.address;
  if (p.fingerprint !== undefined) c.fingerprint = p.fingerprint;
  if (p.arch !== undefined) c.arch = p.arch;
  if (p.agentVersion !== undefined) c.agent_version = p.agentVersion;
  if (p.state !== undefined) c.state = p.state;
  if (p.activeModel !== undefined) {
    c.model_name = p.activeModel?.name ?? null;
    c.model_version = p.activeModel?.version ?? null;
    c.model_sha256 = p.activeModel?.sha256 ?? null;
  }
  if (p.slotState !== undefined) c.slot_state = p.slotState;
  if (p.health !== undefined) c.health = p.health;
  if (p.lastError !== undefined) c.last_error = p.lastError ? JSON.stringify(p.lastError) : null;
  else if (p.health !== undefined && p.health !== 'error') c.last_error = null;
  if (p.lastChange !== undefined) c.last_change = JSON.stringify(p.lastChange);
  if (p.drift !== undefined) c.drift = p.drift ? JSON.stringify(p.drift) : null;
  if (p.lastSeen !== undefined) c.last_seen = p.lastSeen;
  if (p.tags !== undefined) c.tags = JSON.stringify(p.tags);
  if (p.groups !== undefined) c.groups_json = JSON.stringify(p.groups);
  if (p.telemetry !== undefined) c.telemetry = p.telemetry ? JSON.stringify(p.telemetry) : null;
  if (p.slots !== undefined) c.slots = JSON.stringify(p.slots);
  if (p.hardware !== undefined) c.hardware = JSON.stringify(p.hardware);
  return c;
}

// A summary reads only what it holds, as an array (no per-row column object); the token only as whether there
// is one, the slots not at all. About three times faster than mapping whole rows at fleet scale.
const listColumns =
  'id, name, transport, address, state, token IS NOT NULL, fingerprint, arch, agent_version, model_name, model_version, model_sha256, slot_state, health, last_seen, tags, groups_json, telemetry, last_error, last_change, drift';
type SummaryRow = [
  string, string, DeviceSummary['transport'], string, DeviceState, 0 | 1, string | null, string | null, string | null,
  string | null, string | null, string | null, DeviceSummary['slotState'], DeviceSummary['health'], string | null, string, string, string | null, string | null, string | null, string | null,
];

type GridRow = [
  string, string, DeviceSummary['transport'], string, DeviceState, 0 | 1, string | null, string | null, string | null,
  DeviceSummary['slotState'], DeviceSummary['health'], string | null, string, string, string | null, string | null,
];

const noLabels = '[]';
const parseLabels = (json: string): string[] => (json === noLabels ? [] : (JSON.parse(json) as string[]));

/** The stored last change; without its sentence for the grid. */
function changeOf(json: string | null, withDetail: true): DeviceChange | null;
function changeOf(json: string | null, withDetail: false): Omit<DeviceChange, 'detail'> | null;
function changeOf(json: string | null, withDetail: boolean): DeviceChange | Omit<DeviceChange, 'detail'> | null {
  if (!json) return null;
  const c = JSON.parse(json) as DeviceChange;
  if (withDetail) return c;
  const { detail: _detail, ...rest } = c;
  return rest;
}

const driftOf = (json: string | null): DeviceSummary['drift'] => (json ? (JSON.parse(json) as DeviceSummary['drift']) : null);

function summaryFromList(r: SummaryRow): DeviceSummary {
  const [id, name, transport, address, state, paired, fingerprint, arch, agentVersion, modelName, modelVersion, modelSha256, slotState, health, lastSeen, tags, groups, telemetry, lastError, lastChange, drift] = r;
  return {
    id,
    name,
    transport,
    address,
    state,
    paired: paired === 1,
    fingerprint,
    arch,
    agentVersion,
    activeModel: modelName ? { name: modelName, version: modelVersion ?? '', sha256: modelSha256 } : null,
    slotState,
    health,
    lastError: lastError ? (JSON.parse(lastError) as ErrorData) : null,
    lastChange: changeOf(lastChange, true),
    lastSeen,
    tags: parseLabels(tags),
    groups: parseLabels(groups),
    telemetry: telemetry ? (JSON.parse(telemetry) as DeviceTelemetry) : null,
    drift: driftOf(drift),
  };
}
