import { isFinal } from '../federated/round-machine.js';
import type { FlRoundSummary } from './types.js';

const eps = (x: number) => x.toPrecision(3);

/** What a round spent of its lineage's privacy budget, for the round lists (UI and CLI): a DP round spends once its noised aggregate exists. */
export function privacySpent(r: Pick<FlRoundSummary, 'privacy' | 'phase'>): string {
  const p = r.privacy;
  if (!p) return '–';
  if (p.noised) return `ε ${eps(p.epsilon)} (lineage ${eps(p.total)})`;
  return isFinal(r.phase) ? 'ε 0 (never noised)' : `ε ${eps(p.epsilon)} reserved`;
}
