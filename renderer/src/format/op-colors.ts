// Stable colours per ONNX op type, shared by the graph view and the charts.

const fixed: Record<string, string> = {
  Conv: '#4db6ff',
  ConvTranspose: '#3d8fd1',
  FusedConv: '#4db6ff',
  QLinearConv: '#2f9be0',
  ConvInteger: '#2f9be0',
  Gemm: '#b388ff',
  MatMul: '#9575cd',
  FusedMatMul: '#9575cd',
  MatMulInteger: '#7e57c2',
  Relu: '#ffb547',
  Clip: '#ffa000',
  Sigmoid: '#ffca28',
  HardSigmoid: '#ffd54f',
  HardSwish: '#ffcc80',
  Tanh: '#ffe082',
  Softmax: '#ff8a65',
  Add: '#4cc98a',
  Mul: '#81c784',
  Sub: '#66bb6a',
  Div: '#a5d6a7',
  Concat: '#f06292',
  Reshape: '#90a4ae',
  Flatten: '#90a4ae',
  Transpose: '#b0bec5',
  Squeeze: '#78909c',
  Unsqueeze: '#78909c',
  Shape: '#607d8b',
  Gather: '#a1887f',
  MaxPool: '#26c6da',
  AveragePool: '#4dd0e1',
  GlobalAveragePool: '#80deea',
  BatchNormalization: '#e57373',
  LayerNormalization: '#ef9a9a',
  QuantizeLinear: '#ce93d8',
  DequantizeLinear: '#ba68c8',
};

const palette = ['#4fc3f7', '#aed581', '#ffb74d', '#f48fb1', '#9fa8da', '#80cbc4', '#e6ee9c', '#bcaaa4', '#ff8a80', '#b39ddb'];

export function opColor(opType: string): string {
  const known = fixed[opType];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < opType.length; i++) h = (h * 31 + opType.charCodeAt(i)) | 0;
  return palette[Math.abs(h) % palette.length]!;
}
