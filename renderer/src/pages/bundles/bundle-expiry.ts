/** Days from `now` until `expires` (negative once past). */
export function daysLeft(expires: string, now = Date.now()): number {
  return (Date.parse(expires) - now) / 86_400_000;
}

/** "12.3 days left" / "expired 2.0 days ago", as `edgefleet bundle inspect` words it. */
export function formatDaysLeft(expires: string, now = Date.now()): string {
  const d = daysLeft(expires, now);
  if (!Number.isFinite(d)) return '–';
  return d >= 0 ? `${d.toFixed(1)} days left` : `expired ${(-d).toFixed(1)} days ago`;
}
