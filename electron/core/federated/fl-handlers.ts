// The fl.* channels: start, inspect, abort, promote and roll back federated rounds; the engine does the work.
import type { Handlers } from '../api/dispatch.js';
import type { RoundEngine } from './round-engine.js';

type FlChannels = 'fl.start' | 'fl.get' | 'fl.list' | 'fl.abort' | 'fl.promote' | 'fl.rollback';

export function flHandlers(engine: RoundEngine): Pick<Handlers, FlChannels> {
  return {
    'fl.start': (input) => engine.start(input),
    'fl.get': ({ id }) => engine.get(id),
    'fl.list': () => engine.list(),
    'fl.abort': ({ id }) => engine.abort(id),
    'fl.promote': ({ id, stages, soakMs }) => engine.promote(id, { stages, soakMs }),
    'fl.rollback': ({ id, stages, soakMs }) => engine.rollback(id, { stages, soakMs }),
  };
}
