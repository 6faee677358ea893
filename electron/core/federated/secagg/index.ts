// SecAgg+ (Bell et al. 2020, as Flower's SecAggPlusWorkflow runs it) for federated rounds: the agent runs
// a SecAggClient, the console a SecAggServer, and the messages between them are plain JSON.
export { SecAggClient, type ClientUpdate, type SecAggClientOptions } from './client.js';
export { SecAggServer, type SecAggResult, type SecAggServerOptions, type StageOutcome, type StageReport } from './server.js';
export { defaultFixedPoint, maxContributors, quantizationStep, type FixedPointConfig, type Rounding } from './fixed-point.js';
export {
  secaggReplySchema,
  secaggRequestSchema,
  secaggStages,
  type RoundConfig,
  type SecAggErrorCode,
  type SecAggReply,
  type SecAggRequest,
  type SecAggStage,
} from './messages.js';
