// Time on a console (or device) with no network: expiry is judged against the greatest of its clock, the
// newest signed time it has seen (persisted), and the bundle's signing time, as Uptane's "latest time the
// ECU can verify". A clock far behind the signing time is its own error, not "expired", with a way through.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** How far behind the signing time a clock may be before it is called behind (time zones, drift). */
export const clockSlackMs = 24 * 3_600_000;

export interface ClockJudgement {
  /** The time expiry was judged against. */
  effective: string;
  /** What to persist as the newest signed time seen. */
  newestSeen: string;
  /** Days from the effective time to the expiry. */
  daysLeft: number;
  clockBehindDays: number;
}

const clockFile = (home: string) => path.join(home, 'bundles', 'clock.json');

export function readClock(home: string): string | null {
  return existsSync(clockFile(home)) ? (JSON.parse(readFileSync(clockFile(home), 'utf8')) as { newestSignedTime: string }).newestSignedTime : null;
}

export async function writeClock(home: string, newest: string): Promise<void> {
  await writeFileAtomic(clockFile(home), `${JSON.stringify({ newestSignedTime: newest })}\n`);
}

const day = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function judgeClock(o: { now: Date; newestSeen: string | null; signedAt: string; expires: string; clockFromBundle: boolean }): ClockJudgement {
  const now = o.now.getTime();
  const signed = Date.parse(o.signedAt);
  const seen = o.newestSeen ? Date.parse(o.newestSeen) : 0;
  const expires = Date.parse(o.expires);
  const newest = Math.max(signed, seen);
  const effective = Math.max(now, newest);
  const behind = newest - now;
  if (behind > clockSlackMs && !o.clockFromBundle) {
    throw new AppError(
      'BUNDLE_CLOCK_BEHIND',
      'This computer’s clock is behind',
      `The clock says ${isoDay(now)}, but the bundle was signed on ${isoDay(signed)}${seen > signed ? ` and this console has seen a signature from ${isoDay(seen)}` : ''}: the clock is ${Math.round(behind / day)} days behind. ` +
        'The bundle itself has not expired. Set the clock (e.g. `sudo timedatectl set-time "YYYY-MM-DD HH:MM"`) and import again, ' +
        'or import with --clock-from-bundle to judge time from the newest signed time instead (recorded in the audit log).',
    );
  }
  if (effective > expires) {
    const ago = Math.max(1, Math.round((effective - expires) / day));
    throw new AppError('BUNDLE_EXPIRED', 'The bundle has expired', `It was valid until ${o.expires} (${ago} day${ago === 1 ? '' : 's'} ago, judged against ${new Date(effective).toISOString()}). Ask the connected console for a new bundle (\`edgefleet bundle create … --expires-in-days N\`).`);
  }
  return { effective: new Date(effective).toISOString(), newestSeen: new Date(newest).toISOString(), daysLeft: (expires - effective) / day, clockBehindDays: Math.max(0, behind / day) };
}
