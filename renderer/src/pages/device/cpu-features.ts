// Words for the instruction-set features agents report (resources/agent/src/board-info.ts), and which
// of them decide how INT8 and FP16 models run (see electron/core/devices/variant-fit.ts).

export const featureGloss: Record<string, string> = {
  asimd: 'NEON SIMD',
  asimdhp: 'fp16 arithmetic',
  asimddp: 'int8 dot product',
  i8mm: 'int8 matrix multiply',
  bf16: 'bfloat16',
  sve: 'scalable vectors',
  sve2: 'scalable vectors 2',
  avx2: '256-bit SIMD',
  fma: 'fused multiply-add',
  avx512f: '512-bit SIMD',
  avx512_vnni: 'VNNI int8',
  avx_vnni: 'VNNI int8 (256-bit)',
  avx512_bf16: 'bfloat16',
  amx_int8: 'AMX int8 tiles',
};

/** The features an INT8 or FP16 variant gains from most: shown first and highlighted. */
export const inferenceFeatures = new Set(['asimdhp', 'asimddp', 'i8mm', 'avx512_vnni', 'avx_vnni', 'amx_int8']);
