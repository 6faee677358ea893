// Drives a device on a serial port through every part of the protocol, in an order where each check
// leaves the device as the next one needs it, and collects a checklist.
import { AppError } from '../../../api/errors.js';
import { CheckContext, fail, type Check, type CheckResult } from './check-kit.js';
import { linkChecks } from './link-checks.js';
import { operationChecks, pairingChecks } from './operation-checks.js';
import type { Problem } from './problems.js';

export interface ConformanceOptions {
  path: string;
  baudRate: number;
  /** The device's one-time pairing code: the tester pairs with a key of its own. */
  code: string;
  timeoutMs?: number;
  /** Runs only these checks (and those they need: hello and pairing always run). */
  only?: string[];
  onCheck?: (outcome: CheckOutcome) => void;
}

export interface CheckOutcome {
  id: string;
  title: string;
  required: boolean;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  problems: Problem[];
}

export interface ConformanceReport {
  port: string;
  baudRate: number;
  deviceId: string | null;
  /** Every required check passed. */
  passed: boolean;
  checks: CheckOutcome[];
}

/** The checks in the order they run. */
export const allChecks: Check[] = [linkChecks[0], ...pairingChecks, ...linkChecks.slice(1), ...operationChecks];
const alwaysRun = new Set(['hello', 'pair']);

async function runOne(check: Check, ctx: CheckContext): Promise<CheckResult> {
  try {
    return await check.run(ctx);
  } catch (err) {
    const e = err instanceof AppError ? `${err.title}: ${err.detail}` : err instanceof Error ? err.message : String(err);
    // A lost link or a silent device ends the session; the next check starts a new one.
    await ctx.endSession().catch(() => undefined);
    return fail(e);
  }
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const ctx = new CheckContext(o.path, o.baudRate, o.code, o.timeoutMs ?? 20_000);
  const checks: CheckOutcome[] = [];
  try {
    for (const check of allChecks) {
      if (o.only && !o.only.includes(check.id) && !alwaysRun.has(check.id)) continue;
      const r = await runOne(check, ctx);
      const outcome: CheckOutcome = { id: check.id, title: check.title, required: check.required, status: r.status, detail: r.detail, problems: r.problems ?? [] };
      checks.push(outcome);
      o.onCheck?.(outcome);
      // Nothing after a failed handshake or pairing can run: say so once, not once per check.
      if (alwaysRun.has(check.id) && r.status === 'fail') break;
    }
  } finally {
    await ctx.endSession().catch(() => undefined);
  }
  const ran = new Set(checks.map((c) => c.id));
  for (const check of allChecks) {
    if (ran.has(check.id) || (o.only && !o.only.includes(check.id))) continue;
    checks.push({ id: check.id, title: check.title, required: check.required, status: 'skip', detail: 'not run: the handshake or pairing failed', problems: [] });
  }
  const passed = checks.every((c) => !c.required || c.status === 'pass');
  return { port: o.path, baudRate: o.baudRate, deviceId: ctx.deviceId, passed, checks };
}
