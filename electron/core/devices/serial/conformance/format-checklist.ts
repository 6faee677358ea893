// The conformance report as a checklist people read: one line per check, each failure with the field
// path and the expected and received values.
import type { CheckOutcome, ConformanceReport } from './run-conformance.js';

const mark = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function formatCheck(c: CheckOutcome): string[] {
  const lines = [`${mark[c.status]}  ${c.id.padEnd(19)} ${c.title}${c.required ? '' : ' (optional)'}`, `      ${c.detail}`];
  for (const p of c.problems) lines.push(`      ${p.path}: expected ${p.expected}; received ${p.received}`);
  return lines;
}

export function formatChecklist(r: ConformanceReport): string {
  const failed = r.checks.filter((c) => c.required && c.status !== 'pass');
  const counts = (s: CheckOutcome['status']) => r.checks.filter((c) => c.status === s).length;
  const head = `Serial protocol conformance of ${r.port} at ${r.baudRate} baud${r.deviceId ? ` (device ${r.deviceId})` : ''}`;
  const verdict = r.passed
    ? `Conforms: every required check passed (${counts('pass')} passed, ${counts('skip')} skipped).`
    : `Does not conform: ${failed.length} required check(s) failed or did not run (${failed.map((c) => c.id).join(', ')}). See resources/device-protocol/SERIAL-PROTOCOL.md and reference/MESSAGES.md.`;
  return [head, '', ...r.checks.flatMap(formatCheck), '', verdict].join('\n');
}
