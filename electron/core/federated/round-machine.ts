// The phases of a federated round and the moves between them, as data: the engine (round-engine.ts) asks
// `nextPhase` where a finished step leads and `canMove` before it writes, so a round never jumps a step
// and a final round never moves again (an abort that won the race stays aborted).
import type { FlPhase } from '../api/types.js';
import { AppError } from '../api/errors.js';

export const finalPhases: readonly FlPhase[] = ['registered', 'rejected', 'failed', 'aborted'];
export const secaggPhases = ['secagg-setup', 'secagg-share-keys', 'secagg-masked-input', 'secagg-unmask'] as const satisfies readonly FlPhase[];

const moves: Record<FlPhase, readonly FlPhase[]> = {
  selecting: ['training'],
  training: ['secagg-setup', 'aggregating'],
  'secagg-setup': ['secagg-share-keys'],
  'secagg-share-keys': ['secagg-masked-input'],
  'secagg-masked-input': ['secagg-unmask'],
  'secagg-unmask': ['aggregating'],
  aggregating: ['evaluating'],
  evaluating: ['registered', 'rejected'],
  registered: [],
  rejected: [],
  failed: [],
  aborted: [],
};

export function isFinal(phase: FlPhase): boolean {
  return finalPhases.includes(phase);
}

/** Every unfinished phase may fail or be aborted; the others move only along the table. */
export function canMove(from: FlPhase, to: FlPhase): boolean {
  if (isFinal(from)) return false;
  if (to === 'failed' || to === 'aborted') return true;
  return moves[from].includes(to);
}

/** Where a phase leads when its step succeeded (evaluating: the caller says whether the candidate won). */
export function nextPhase(from: FlPhase, opts: { secure: boolean; better?: boolean }): FlPhase {
  switch (from) {
    case 'selecting':
      return 'training';
    case 'training':
      return opts.secure ? 'secagg-setup' : 'aggregating';
    case 'secagg-setup':
      return 'secagg-share-keys';
    case 'secagg-share-keys':
      return 'secagg-masked-input';
    case 'secagg-masked-input':
      return 'secagg-unmask';
    case 'secagg-unmask':
      return 'aggregating';
    case 'aggregating':
      return 'evaluating';
    case 'evaluating':
      return opts.better ? 'registered' : 'rejected';
    default:
      throw new AppError('FL_ROUND_FINISHED', 'Round already finished', `A round that is ${from} does not move on.`);
  }
}

/**
 * What a console that picks up an unfinished round (after a crash or kill) does with it. A plain round
 * goes on from its phase: every step before was written, updates included, and fl-train is idempotent on
 * the agents. A secure round cannot: the SecAgg+ server state (the running masked sum, the keys and shares
 * it routed) lived in the stopped console's memory, and each agent's SecAggClient keeps its keys and
 * masks only in its own memory for that one server; neither can be rebuilt, so the round fails, saying so.
 */
export function resumeDecision(phase: FlPhase, secure: boolean): { action: 'continue' } | { action: 'fail'; reason: string } | { action: 'none' } {
  if (isFinal(phase)) return { action: 'none' };
  if (secure && (phase === 'training' || (secaggPhases as readonly FlPhase[]).includes(phase))) {
    return {
      action: 'fail',
      reason:
        `The console driving this secure round stopped during ${phase}. Secure aggregation state is not persisted: the SecAgg+ server's masked sum and routed keys were in that console's memory, and each agent keeps its SecAgg client keys and masks only in its own memory, so the round cannot be resumed. Start a new round.`,
    };
  }
  return { action: 'continue' };
}
