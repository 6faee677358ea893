// better-sqlite3 compiles the SQL again on every prepare(). Statements on hot paths (run per device
// or per rollout event) are compiled once per database and kept.
import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();
/** Statements built from varying column lists could grow without end; past this the cache starts over. */
const maxStatements = 256;

export function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= maxStatements) cache.clear();
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
