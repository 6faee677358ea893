// QUANTIZE and DEQUANTIZE: in the real-valued view every op works in, both are the identity;
// the QuantizeLinear/DequantizeLinear pairs come from the tensors' own quantization.
import type { OpHandlers } from '../op-context.js';

export const quantOps: OpHandlers = {
  // float → int (or int → int with other parameters, a requantize).
  QUANTIZE: (ctx) => ctx.define(0, ctx.input(0)),
  // int → float, or float16 weights → float32 (folded when the input is a constant).
  DEQUANTIZE: (ctx) => ctx.define(0, ctx.input(0)),
};
