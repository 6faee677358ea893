// Which inputs carry the data and the weights of the operators that do multiply-accumulates,
// keyed by domain-qualified op type. Quantized forms take their weights at another index.

export const convLike: Record<string, { x: number; w: number }> = {
  Conv: { x: 0, w: 1 },
  ConvInteger: { x: 0, w: 1 },
  QLinearConv: { x: 0, w: 3 },
  'com.microsoft.FusedConv': { x: 0, w: 1 },
};

export const matMulLike: Record<string, { a: number; b: number }> = {
  MatMul: { a: 0, b: 1 },
  MatMulInteger: { a: 0, b: 1 },
  QLinearMatMul: { a: 0, b: 3 },
};

export const MAC_OPS = new Set(['ConvTranspose', 'Gemm', ...Object.keys(convLike), ...Object.keys(matMulLike)]);

export const unaryOps = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BatchNormalization', 'Cast', 'CastLike', 'Ceil', 'Celu',
  'Clip', 'Cos', 'Cosh', 'CumSum', 'DequantizeLinear', 'Dropout', 'Elu', 'Erf', 'Exp', 'Floor', 'Gelu', 'HardSigmoid',
  'HardSwish', 'Hardmax', 'Identity', 'InstanceNormalization', 'IsInf', 'IsNaN', 'LRN', 'LayerNormalization',
  'LeakyRelu', 'Log', 'LogSoftmax', 'MeanVarianceNormalization', 'Mish', 'Neg', 'Not', 'QuantizeLinear', 'Reciprocal',
  'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt',
  'Tan', 'Tanh', 'ThresholdedRelu', 'GroupNormalization', 'com.microsoft.QuickGelu', 'com.microsoft.FastGelu',
]);

export const broadcastOps = new Set([
  'Add', 'And', 'BitShift', 'Div', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Max', 'Mean', 'Min',
  'Mod', 'Mul', 'Or', 'PRelu', 'Pow', 'Sub', 'Sum', 'Where', 'Xor', 'com.microsoft.QLinearAdd', 'com.microsoft.QLinearMul',
]);

export const poolOps = new Set(['AveragePool', 'MaxPool', 'LpPool']);
export const globalPoolOps = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);
