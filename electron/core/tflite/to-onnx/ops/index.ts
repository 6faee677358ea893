// Every TFLite operator the converter handles, keyed by BuiltinOperator name ('CUSTOM <code>' for custom ops).
import type { OpHandlers } from '../op-context.js';
import { quantOps } from './quant-ops.js';

export const opHandlers: OpHandlers = {
  ...quantOps,
};
