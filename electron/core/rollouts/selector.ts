// Target selectors: `device:ID`, `tag:T`, `group:G`, `all`, joined by commas (union).
import { AppError } from '../api/errors.js';
import type { DeviceSummary } from '../api/types.js';

export type SelectorTerm =
  | { kind: 'all' }
  | { kind: 'device'; value: string }
  | { kind: 'tag'; value: string }
  | { kind: 'group'; value: string };

export interface TargetSelector {
  terms: SelectorTerm[];
}

/** The fields of a device a selector looks at. */
export type TargetDevice = Pick<DeviceSummary, 'id' | 'tags' | 'groups'>;

const VALUE = /^[A-Za-z0-9_][A-Za-z0-9._@/:-]*$/;
const EXAMPLE = 'e.g. tag:line-3,group:pilot or device:cam-07 or all';

function syntaxError(text: string, detail: string): AppError {
  return new AppError('SELECTOR_INVALID', 'Invalid target selector', `"${text}": ${detail} (${EXAMPLE}).`);
}

export function parseSelector(text: string): TargetSelector {
  if (text.trim() === '') throw syntaxError(text, 'the selector is empty');
  const terms: SelectorTerm[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(',').entries()) {
    const part = raw.trim();
    if (part === '') throw syntaxError(text, `term ${i + 1} is empty; remove the extra comma`);
    const term = parseTerm(text, part);
    const key = formatTerm(term);
    if (!seen.has(key)) terms.push(term);
    seen.add(key);
  }
  return { terms };
}

function parseTerm(text: string, part: string): SelectorTerm {
  if (part === 'all') return { kind: 'all' };
  const colon = part.indexOf(':');
  if (colon < 0) throw syntaxError(text, `"${part}" has no kind; write device:${part}, tag:${part} or group:${part}`);
  const kind = part.slice(0, colon);
  const value = part.slice(colon + 1);
  if (kind !== 'device' && kind !== 'tag' && kind !== 'group') {
    throw syntaxError(text, `"${kind}" is not a kind of target; use device:, tag:, group: or all`);
  }
  if (value === '') throw syntaxError(text, `${kind}: needs a name after the colon`);
  if (!VALUE.test(value)) {
    throw syntaxError(text, `"${value}" may hold only letters, digits and . _ - @ / : (no spaces), starting with a letter or digit`);
  }
  return { kind, value };
}

function formatTerm(term: SelectorTerm): string {
  return term.kind === 'all' ? 'all' : `${term.kind}:${term.value}`;
}

export function formatSelector(selector: TargetSelector): string {
  return selector.terms.map(formatTerm).join(',');
}

export function matchesSelector(selector: TargetSelector, device: TargetDevice): boolean {
  return selector.terms.some((t) => {
    switch (t.kind) {
      case 'all':
        return true;
      case 'device':
        return device.id === t.value;
      case 'tag':
        return device.tags.includes(t.value);
      case 'group':
        return device.groups.includes(t.value);
    }
  });
}

/**
 * The devices a selector names, as a frozen list sorted by id: a rollout keeps this list from
 * its start. A `device:ID` that is not in the inventory is an error (most likely a typo).
 */
export function resolveTargets(selector: string | TargetSelector, devices: readonly TargetDevice[]): readonly string[] {
  const sel = typeof selector === 'string' ? parseSelector(selector) : selector;
  const known = new Set(devices.map((d) => d.id));
  const missing = sel.terms.filter((t) => t.kind === 'device' && !known.has(t.value)).map((t) => (t.kind === 'device' ? t.value : ''));
  if (missing.length > 0) {
    throw new AppError('SELECTOR_UNKNOWN_DEVICE', 'Unknown device in target', `No device with id ${missing.join(', ')}. Check the id in the Fleet page.`);
  }
  const ids = devices.filter((d) => matchesSelector(sel, d)).map((d) => d.id);
  return Object.freeze([...new Set(ids)].sort(compareIds));
}

/** Devices that match the selector now but are not in the rollout's frozen list: reported, never added. */
export function lateMatches(selector: string | TargetSelector, devices: readonly TargetDevice[], frozen: readonly string[]): string[] {
  const sel = typeof selector === 'string' ? parseSelector(selector) : selector;
  const inRollout = new Set(frozen);
  return devices.filter((d) => !inRollout.has(d.id) && matchesSelector(sel, d)).map((d) => d.id).sort(compareIds);
}

/** Plain code-unit order, the same on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
