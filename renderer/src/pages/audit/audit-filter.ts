import type { AuditEntry } from '../../../../electron/core/api/types.js';

export type AuditOutcome = AuditEntry['outcome'];

/** What the filter bar holds: plain strings as typed; empty means "any". */
export interface AuditFilterState {
  actor: string;
  action: string;
  target: string;
  outcome: '' | AuditOutcome;
  /** `datetime-local` values (local time, no zone). */
  since: string;
  until: string;
}

export const emptyAuditFilter: AuditFilterState = { actor: '', action: '', target: '', outcome: '', since: '', until: '' };

export interface AuditQueryInput {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
}

/** A local `datetime-local` value as ISO UTC, or undefined when empty or not a date. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** The filter as the audit.list / audit.export input: only the fields given, trimmed, times in UTC. */
export function auditQuery(f: AuditFilterState): AuditQueryInput {
  const q: AuditQueryInput = {};
  if (f.actor.trim()) q.actor = f.actor.trim();
  if (f.action.trim()) q.action = f.action.trim();
  if (f.target.trim()) q.target = f.target.trim();
  if (f.outcome) q.outcome = f.outcome;
  const since = isoOf(f.since);
  const until = isoOf(f.until);
  if (since) q.since = since;
  if (until) q.until = until;
  return q;
}
