// Which ops the static QDQ pass quantizes, which of their inputs are activations, and where
// their output's quantization parameters come from.

export interface QdqRule {
  /** Input indices that carry activations; 'all' for variadic ops. */
  activations: number[] | 'all';
  /** Where the output's parameters come from. */
  output: 'calibrated' | 'input' | 'softmax' | 'none';
  /** Weight input index (quantized as int8 when it is a constant). */
  weight?: number;
  bias?: number;
}

export const QDQ_RULES: Record<string, QdqRule> = {
  Conv: { activations: [0], output: 'calibrated', weight: 1, bias: 2 },
  ConvTranspose: { activations: [0], output: 'calibrated', weight: 1, bias: 2 },
  Gemm: { activations: [0], output: 'calibrated', weight: 1, bias: 2 },
  MatMul: { activations: [0], output: 'calibrated', weight: 1 },
  Add: { activations: 'all', output: 'calibrated' },
  Mul: { activations: 'all', output: 'calibrated' },
  GlobalAveragePool: { activations: [0], output: 'calibrated' },
  AveragePool: { activations: [0], output: 'calibrated' },
  Concat: { activations: 'all', output: 'calibrated' },
  Softmax: { activations: [0], output: 'softmax' },
  // Shape-only ops move values without changing them: the output reuses the input's parameters,
  // so ORT can drop the DQ/Q pair around them.
  MaxPool: { activations: [0], output: 'input' },
  Reshape: { activations: [0], output: 'input' },
  Transpose: { activations: [0], output: 'input' },
  Flatten: { activations: [0], output: 'input' },
  Squeeze: { activations: [0], output: 'input' },
  Unsqueeze: { activations: [0], output: 'input' },
};

/** Activation functions folded into the Q after their producer when their input has no other use. */
export const FOLDABLE = new Set(['Relu', 'Clip']);

export const WEIGHTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** Ops that never need quantizing (they produce constants or shapes). */
export const IGNORED = new Set(['Constant', 'Shape', 'Size', 'ConstantOfShape', 'Identity', 'Dropout']);
