// What the wizard's stage field accepts; pure, so the rules are tested without a browser.

/** "5, 25, 100" → [5, 25, 100], or a message saying what is wrong. */
export function parsePercents(text: string): number[] | string {
  const parts = text.split(/[\s,→>]+/).filter(Boolean);
  if (parts.length === 0) return 'Give at least one percentage, e.g. 5, 25, 100';
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isFinite(n) || n <= 0 || n > 100)) return 'Each stage is a percentage above 0 and at most 100';
  for (let i = 1; i < nums.length; i++) if (nums[i] <= nums[i - 1]) return 'Stages are cumulative: each one larger than the one before (5, 25, 100)';
  return nums;
}
