// Does a model variant suit a board? Pure: what the registry says about how the variant computes
// (variantPrecision) against the instruction-set features the board reports (fitWarnings). Warnings
// only: a deploy never stops for them. The agent serves every model on onnxruntime's CPU execution
// provider (resources/agent/src/health-check.ts), whatever other providers its build carries, so the
// rules are the CPU provider's. A board that reports no features (empty list, unknown architecture)
// gets no warning: nothing is known about it.
//
// FP16 (recipe mode fp16, or a graph whose weights are mostly FLOAT16):
// - x86, any CPU: FP16_EMULATED. The CPU provider has no float16 kernels for Conv, MatMul or Gemm on
//   x86; it runs such nodes in float32 with Cast nodes inserted around them, so the variant is slower
//   than its float32 parent and only the file shrinks ("the CPU version of ONNX Runtime doesn't support
//   float16 ops", onnxruntime docs, performance/model-optimizations/float16.md; fp16 Gemm on the CPU
//   provider was disabled in microsoft/onnxruntime#19744, see #22467). The agents' feature list does not
//   carry avx512fp16, and it would not change this.
// - arm64 without asimdhp (half-precision arithmetic): FP16_EMULATED, for the same reason.
// - arm64 with asimdhp: FP16_PARTIAL. MLAS has NEON float16 kernels for some operators only; the rest
//   still run behind inserted Casts (a Raspberry Pi 5, which has asimdhp, ran an FP16 model 4× slower
//   than float32: microsoft/onnxruntime#25824). Profile on the device before rolling it out.
//
// INT8 (static QDQ from recipe modes static/tune or a quantized TFLite conversion; dynamic from mode
// dynamic; or Q/DQ, QLinear*, *Integer, DynamicQuantizeLinear operators in an imported graph):
// - arm64 without asimddp (int8 dot product): INT8_NO_DOT_PRODUCT. The int8 GEMM falls back to
//   widening NEON multiplies: far less speed-up than on a workstation ("x86-64 with VNNI, GPU with
//   Tensor Core int8 support and ARM with dot-product instructions can get better performance in
//   general ... it is not rare to get worse performance on old devices", onnxruntime docs,
//   performance/model-optimizations/quantization.md, FAQ). The latency ratio recorded where the variant
//   was made is quoted: it does not hold here.
// - x86 without VNNI (avx512_vnni, avx_vnni, amx_int8): INT8_U8S8_SATURATION. There onnxruntime
//   multiplies uint8 activations by int8 weights (U8S8) with VPMADDUBSW, whose 16-bit intermediate sums
//   can saturate and cost accuracy; the fix is reduce_range (7-bit weights) or U8U8 (same docs, "When and
//   why do I need to try U8U8?" and "When to use reduce-range": "not needed on machines supporting
//   VNNI"; session option session.x64quantprecision selects the slower U8U8 kernels, per
//   onnxruntime_session_options_config_keys.h). This holds for every activation type EdgeFleet records:
//   dynamic quantization makes uint8 activations at run time, and off ARM onnxruntime rewrites int8 QDQ
//   activations to uint8 before fusing (QDQS8ToU8Transformer; QDQIsInt8Allowed() is false off ARM), so
//   int8 activations run as U8S8 too. EdgeFleet's weights are always int8 and it offers neither
//   reduce_range nor uint8 weights, so the advice is to evaluate on the board and keep layers float.
//   ARM has no such issue (same docs: "no such issue on other CPU architectures (x64 with VNNI and ARM)").
//
// Not checked, because nothing records it: the machine a variant was tuned or measured on. Its metrics
// hold a latency ratio and accuracy but not the CPU features of the machine that measured them.
import type { BoardInfo, FitWarning, InspectReport, OptimizeRecipe, VariantMetrics, VariantPrecision } from '../api/types.js';
import { isTfliteConversion } from '../api/tflite-conversion.js';

/** What variantPrecision reads of a registry model (a ModelDetail has it all). */
export interface LineageModel {
  id: string;
  parentId: string | null;
  recipe: unknown;
  inspect: InspectReport | null;
}

const DYNAMIC_OPS = ['DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'DynamicQuantizeLSTM'];
const STATIC_OPS = ['QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'QGemm'];
const OPTIMIZE_MODES = new Set<string>(['static', 'dynamic', 'fp16', 'ort', 'optimized', 'tune']);

function isOptimizeRecipe(r: unknown): r is OptimizeRecipe {
  return typeof r === 'object' && r !== null && OPTIMIZE_MODES.has(String((r as { mode?: unknown }).mode));
}

const precision = (kind: VariantPrecision['kind'], label: string, activationType: VariantPrecision['activationType'] = null): VariantPrecision => ({ kind, activationType, label });

/** From the graph alone (an imported model): its operators and the types of its weights. */
export function precisionFromGraph(inspect: InspectReport): VariantPrecision {
  if (inspect.format === 'tflite') return precision('unknown', 'a TensorFlow Lite original (its ONNX conversion is what runs)');
  const has = (ops: string[]) => ops.some((op) => (inspect.opCounts[op] ?? 0) > 0);
  if (has(DYNAMIC_OPS)) return precision('int8-dynamic', 'dynamic INT8 (from its graph)');
  if (has(STATIC_OPS)) return precision('int8-static', 'static INT8 (QDQ, from its graph)');
  const half = inspect.weightBytes.FLOAT16 ?? 0;
  if (half > 0 && half >= (inspect.weightBytes.FLOAT ?? 0)) return precision('fp16', 'FP16 (from its graph)');
  return precision('float', 'float32');
}

/**
 * How a registry model computes: its recipe first (what EdgeFleet made it with), then its graph; an ORT
 * or optimized variant computes like its parent. Unknown when neither says (an ORT file imported as is).
 */
export function variantPrecision(get: (id: string) => LineageModel | null, id: string): VariantPrecision {
  let m = get(id);
  for (let depth = 0; m && depth < 32; depth++) {
    const r = m.recipe;
    if (isTfliteConversion(r)) {
      if (r.quantized) return precision('int8-static', 'static INT8 (QDQ, from a quantized TensorFlow Lite model)');
      return m.inspect ? precisionFromGraph(m.inspect) : precision('float', 'float32');
    }
    if (isOptimizeRecipe(r)) {
      switch (r.mode) {
        case 'static':
        case 'tune': {
          const act = r.activationType ?? 'uint8';
          return precision('int8-static', `static INT8 (QDQ${r.mode === 'tune' ? ', tuned mixed precision' : ''}), ${act} activations, int8 weights`, act);
        }
        case 'dynamic':
          return precision('int8-dynamic', 'dynamic INT8, uint8 activations at run time, int8 weights', 'uint8');
        case 'fp16':
          return precision('fp16', 'FP16');
        case 'ort':
        case 'optimized':
          // Same arithmetic as the model it was converted from.
          m = m.parentId ? get(m.parentId) : null;
          continue;
      }
    }
    return m.inspect ? precisionFromGraph(m.inspect) : precision('unknown', 'not known (no recipe or graph recorded)');
  }
  return precision('unknown', 'not known (no recipe or graph recorded)');
}

/** Where the model is to run: the device's architecture (Node terms) and its reported board. */
export interface FitTarget {
  arch: string | null;
  board: BoardInfo | null;
}

const VNNI = ['avx512_vnni', 'avx_vnni', 'amx_int8'];

function family(t: FitTarget): 'arm64' | 'x86' | null {
  const a = (t.arch ?? '').toLowerCase();
  if (a === 'arm64' || a === 'aarch64') return 'arm64';
  if (a === 'x64' || a === 'ia32' || a === 'x86_64' || a === 'x86') return 'x86';
  return null;
}

const ratio = (r: number) => `${r.toFixed(2)}×`;

/** The warnings for one variant on one board; empty when the board is not known or nothing applies. */
export function fitWarnings(p: VariantPrecision, target: FitTarget, metrics: VariantMetrics | null = null): FitWarning[] {
  const board = target.board;
  const arch = family(target);
  if (!board || board.cpuFeatures.length === 0 || !arch) return [];
  const has = (f: string) => board.cpuFeatures.includes(f);
  const cpu = board.model ? `${board.cpu} (${board.model})` : board.cpu;
  const out: FitWarning[] = [];

  if (p.kind === 'fp16') {
    if (arch === 'x86' || !has('asimdhp')) {
      const why =
        arch === 'x86'
          ? `${cpu} is an x86 CPU: onnxruntime's CPU execution provider, which the agent serves on, has no float16 kernels for Conv, MatMul or Gemm there`
          : `${cpu} has no half-precision arithmetic (asimdhp): onnxruntime's CPU execution provider, which the agent serves on, cannot compute in float16 on it`;
      out.push({
        code: 'FP16_EMULATED',
        title: 'FP16 runs slower than float32 on this board',
        detail: `${why}, so it computes those nodes in float32 behind Cast nodes it inserts: the FP16 variant is slower than its float32 parent, and only the file is smaller. Deploy the float model, or an INT8 variant for speed.`,
      });
    } else {
      out.push({
        code: 'FP16_PARTIAL',
        title: 'FP16 may be slower than float32 on this board',
        detail: `${cpu} has half-precision arithmetic (asimdhp), but onnxruntime's CPU execution provider has float16 kernels for only some operators and runs the rest in float32 behind inserted Casts (one report measured an FP16 model 4× slower than float32 on a Raspberry Pi 5: microsoft/onnxruntime#25824). Profile it on this device before rolling it out.`,
      });
    }
  }

  if (p.kind === 'int8-static' || p.kind === 'int8-dynamic') {
    const r = metrics?.latencyRatio;
    const measured =
      r == null || !Number.isFinite(r)
        ? ''
        : r < 1
          ? ` Where it was made it ran at ${ratio(r)} the float model's latency; expect much less of a gain here.`
          : ` Even where it was made it was no faster than the float model (${ratio(r)} its latency).`;
    if (arch === 'arm64' && !has('asimddp')) {
      out.push({
        code: 'INT8_NO_DOT_PRODUCT',
        title: 'INT8 gains little on this board',
        detail: `${cpu} has no int8 dot-product instructions (asimddp): onnxruntime's int8 matrix kernels fall back to widening NEON multiplies, so the INT8 variant runs much closer to float speed than on a CPU with dot product, and may even be slower (onnxruntime's quantization docs).${measured} The file is still smaller; profile it on this device to see the speed.`,
      });
    }
    if (arch === 'x86' && !VNNI.some(has)) {
      const act =
        p.kind === 'int8-dynamic'
          ? ' Dynamic quantization makes uint8 activations at run time, so it runs as U8S8.'
          : p.activationType === 'int8'
            ? ' Its int8 activations do not avoid this: on x86 onnxruntime turns int8 QDQ activations into uint8 before fusing them, so they run as U8S8 too.'
            : '';
      out.push({
        code: 'INT8_U8S8_SATURATION',
        title: 'INT8 may lose accuracy on this board (no VNNI)',
        detail: `${cpu} has no VNNI (avx512_vnni or avx_vnni): onnxruntime multiplies uint8 activations by int8 weights (U8S8) with VPMADDUBSW there, whose 16-bit intermediate sums can saturate (onnxruntime's quantization docs, "When and why do I need to try U8U8?").${act} The accuracy recorded where the variant was made does not show this if that machine has VNNI. Evaluate it on data from this device before rolling out; if it drops, keep the sensitive layers float (Optimize, tune), quantize with 7-bit weights (reduce_range) or uint8 weights (U8U8) in a tool that offers them, or deploy the float model.`,
      });
    }
  }
  return out;
}
