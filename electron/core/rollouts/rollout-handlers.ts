// The rollouts.* channels: create, preview, list, inspect and steer rollouts; the engine does the work.
import type { Handlers } from '../api/dispatch.js';
import type { RolloutGateInfo } from '../api/types.js';
import type { RolloutEngine } from './engine.js';
import { gateInfo, type GateKind } from './gates.js';

type RolloutChannels =
  | 'rollouts.create'
  | 'rollouts.preview'
  | 'rollouts.gates'
  | 'rollouts.list'
  | 'rollouts.get'
  | 'rollouts.pause'
  | 'rollouts.resume'
  | 'rollouts.abort'
  | 'rollouts.rollback';

export function rolloutHandlers(engine: RolloutEngine): Pick<Handlers, RolloutChannels> {
  return {
    'rollouts.create': (input) => engine.create(input),
    'rollouts.preview': (input) => engine.preview(input),
    'rollouts.gates': (): RolloutGateInfo[] => (Object.keys(gateInfo) as GateKind[]).map((kind) => ({ kind, ...gateInfo[kind] })),
    'rollouts.list': ({ status }) => engine.list(status),
    'rollouts.get': ({ id }) => engine.detail(id),
    'rollouts.pause': ({ id }) => engine.control(id, 'pause'),
    'rollouts.resume': ({ id }) => engine.control(id, 'resume'),
    'rollouts.abort': ({ id }) => engine.control(id, 'abort'),
    'rollouts.rollback': ({ id, target }) => engine.rollback(id, target),
  };
}
