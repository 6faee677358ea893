// The one CSV layout of the audit log, used by the `audit.export` channel (the Audit page's download)
// and by `edgefleet audit --csv`.
//
// Spec (RFC 4180):
// - A header row, then one row per entry, in the order given (the channel exports oldest first, the
//   CLI lists newest first). Every row, the last included, ends with CRLF.
// - Columns, in this order: seq,at,actor,action,target,params,outcome,detail
//   seq: the entry's sequence number; at: ISO 8601 UTC time; params: the parameters as compact JSON
//   (`{}` when none); detail: empty when the entry has none.
// - A field that holds a comma, a double quote, CR or LF is enclosed in double quotes, with each
//   double quote inside doubled; every other field is written as it is. Nothing else is escaped.
import type { AuditEntry } from '../api/types.js';

export type CsvCell = string | number | boolean | null | undefined;

export const auditCsvColumns = ['seq', 'at', 'actor', 'action', 'target', 'params', 'outcome', 'detail'] as const;

export function csvField(value: CsvCell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + (rows.length ? '\r\n' : '');
}

/** Audit entries as CSV text in the layout above, header row included. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => auditCsvColumns.map((c) => (c === 'params' ? JSON.stringify(e.params ?? {}) : e[c])));
  return toCsv([[...auditCsvColumns], ...rows]);
}
