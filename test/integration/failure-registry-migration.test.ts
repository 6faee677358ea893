// A console upgraded over an existing home: its registry.db, written at any earlier schema version with
// rows in every table, opens with the current code, keeps every row and ends at the current schema. A
// registry written by a newer EdgeFleet is refused in words and left byte for byte as it was.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { migrations } from '../../electron/core/registry/migrations.js';
import { Registry } from '../../electron/core/registry/registry.js';

type Row = Record<string, unknown>;

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function newHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), 'ef-migrate-'));
  homes.push(home);
  return home;
}

/** A registry.db as an older EdgeFleet left it: the first `version` migrations applied, nothing after. */
function oldRegistry(home: string, version: number): Database.Database {
  const db = new Database(path.join(home, 'registry.db'));
  for (let v = 0; v < version; v++) {
    db.exec(migrations[v]);
    db.pragma(`user_version = ${v + 1}`);
  }
  return db;
}

function tables(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * One row in each table that is still empty, every column filled: text as JSON text (the registry parses
 * several columns as JSON), integers distinct, and foreign keys pointing at the parent's row. Tables are
 * filled in creation order, so parents come first.
 */
function fillEveryTable(db: Database.Database, version: number): void {
  const inserted = new Map<string, Row>();
  for (const table of tables(db)) {
    const existing = db.prepare(`SELECT * FROM "${table}"`).all() as Row[];
    if (existing.length > 0) continue; // seeded by its migration (release_counter)
    const columns = db.pragma(`table_info("${table}")`) as { name: string; type: string }[];
    const refs = db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; to: string }[];
    const row: Row = {};
    columns.forEach((c, i) => {
      const ref = refs.find((r) => r.from === c.name);
      if (ref) row[c.name] = inserted.get(ref.table)![ref.to];
      else if (c.type === 'INTEGER') row[c.name] = 1000 * version + i;
      else row[c.name] = JSON.stringify(`${table}.${c.name} written at v${version}`);
    });
    const names = Object.keys(row);
    db.prepare(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...Object.values(row));
    inserted.set(table, row);
  }
}

function allRows(db: Database.Database): Record<string, Row[]> {
  return Object.fromEntries(tables(db).map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Row[]]));
}

function schemaOf(db: Database.Database): unknown[] {
  return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
}

function currentSchema(): unknown[] {
  const registry = Registry.open(newHome());
  try {
    return schemaOf(registry.db);
  } finally {
    registry.close();
  }
}

const earlier = Array.from({ length: migrations.length }, (_, i) => i + 1);

describe('registry migration of an existing home', () => {
  it.each(earlier)('upgrades a registry at user_version %i with data in every table, keeping every row', (version) => {
    const home = newHome();
    const old = oldRegistry(home, version);
    fillEveryTable(old, version);
    const before = allRows(old);
    old.close();
    expect(Object.values(before).every((rows) => rows.length === 1), JSON.stringify(before)).toBe(true);

    const registry = Registry.open(home);
    try {
      expect(registry.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(schemaOf(registry.db)).toEqual(currentSchema());
      const after = allRows(registry.db);
      for (const [table, rows] of Object.entries(before)) {
        // Columns added later are new keys in `after`; every value that was there is unchanged.
        expect(after[table], table).toHaveLength(rows.length);
        expect(after[table], table).toMatchObject(rows);
      }
      // The current code reads the old model row through its own API.
      const model = before.models[0];
      expect(registry.getModel(String(model.id))).toMatchObject({ id: model.id, name: model.name, sha256: model.sha256, version: model.version });
    } finally {
      registry.close();
    }
  });

  it('refuses a registry written by a newer EdgeFleet, naming both versions and the fix, and leaves the file unchanged', () => {
    const home = newHome();
    const file = path.join(home, 'registry.db');
    const newer = oldRegistry(home, migrations.length);
    fillEveryTable(newer, migrations.length);
    // Rollback-journal mode, as SQLite's default: opening it in WAL mode would rewrite its header.
    newer.pragma('journal_mode = DELETE');
    newer.pragma(`user_version = ${migrations.length + 1}`);
    newer.close();
    const bytes = readFileSync(file);

    let thrown: unknown;
    try {
      Registry.open(home).close();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const err = thrown as AppError;
    expect(err.code).toBe('REGISTRY_TOO_NEW');
    expect(err.title).not.toMatch(/\n|at \w/);
    expect(err.detail).toContain(`schema version ${migrations.length + 1}`);
    expect(err.detail).toContain(`up to ${migrations.length}`);
    expect(err.detail).toMatch(/Update EdgeFleet/);
    expect(err.detail).toMatch(/--home/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
    // The refused handle was closed: the file opens again, still at the newer version.
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    again.close();
  });
});
