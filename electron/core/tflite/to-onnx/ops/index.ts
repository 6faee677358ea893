// Every TFLite operator the converter handles, keyed by BuiltinOperator name ('CUSTOM <code>' for custom ops).
import type { OpHandlers } from '../op-context.js';
import { activationOps } from './activation-ops.js';
import { convOps } from './conv-ops.js';
import { elementwiseOps } from './elementwise-ops.js';
import { nnOps } from './nn-ops.js';
import { poolOps } from './pool-ops.js';
import { quantOps } from './quant-ops.js';
import { recurrentOps } from './recurrent-ops.js';
import { shapeOps } from './shape-ops.js';
import { sliceOps } from './slice-ops.js';

export const opHandlers: OpHandlers = {
  ...quantOps,
  ...convOps,
  ...poolOps,
  ...elementwiseOps,
  ...activationOps,
  ...shapeOps,
  ...sliceOps,
  ...nnOps,
  ...recurrentOps,
};
