// How the console and the UI tell the gates of one rollout apart and name them: a kind, or
// metric:NAME for the application metric gates (a rollout may have several).
import type { RolloutGateKind } from './types.js';

interface GateRef {
  kind: RolloutGateKind;
  metric?: string;
}

export function gateKey(g: GateRef): string {
  return g.kind === 'metric' ? `metric:${g.metric ?? ''}` : g.kind;
}

/** What a person reads: Metric NAME, else the kind's title. */
export function gateLabel(g: GateRef, title?: string): string {
  return g.kind === 'metric' ? `Metric ${g.metric ?? ''}` : (title ?? g.kind);
}
