// Why an operator cannot be converted: thrown by handlers, collected per operator, reported all at once.
import { AppError } from '../../api/errors.js';

export class UnsupportedOp extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnsupportedOp';
  }
}

export interface Unsupported {
  /** 'CONV_3D', 'CUSTOM edgetpu-custom-op', ... */
  op: string;
  count: number;
  /** The distinct reasons seen ("no converter for this operator", "fused activation SIGN_BIT", ...). */
  reasons: string[];
}

export class UnsupportedList {
  private readonly byOp = new Map<string, Unsupported>();

  add(op: string, reason: string): void {
    const entry = this.byOp.get(op) ?? { op, count: 0, reasons: [] };
    entry.count++;
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    this.byOp.set(op, entry);
  }

  list(): Unsupported[] {
    return [...this.byOp.values()].sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
  }

  get empty(): boolean {
    return this.byOp.size === 0;
  }
}

/** One message naming every operator that stops the conversion, with its count and why. */
export function describeUnsupported(list: readonly Unsupported[]): string {
  return list.map((u) => `${u.op} ×${u.count} (${u.reasons.join('; ')})`).join(', ');
}

export function unsupportedError(fileName: string, list: readonly Unsupported[]): AppError {
  return new AppError(
    'TFLITE_UNSUPPORTED',
    'This TFLite model cannot be converted to ONNX',
    `${fileName} uses operators the converter does not handle: ${describeUnsupported(list)}. ` +
      'Vendor ops (Edge TPU, Ethos-U, Flex) run only on their own runtimes: export the model again without them ' +
      '(for the Edge TPU, use the file from before edgetpu_compiler), or convert it with a tool that supports these operators.',
  );
}

/** Why an operator with no converter stops the conversion: vendor ops by name, the rest plainly. */
export function missingReason(opKey: string): string {
  if (opKey === 'CUSTOM edgetpu-custom-op') return 'compiled for the Coral Edge TPU: only the Edge TPU runtime runs it; convert the model from before edgetpu_compiler';
  if (opKey === 'CUSTOM ethos-u') return 'compiled for the Arm Ethos-U NPU by Vela: only that NPU runs it; convert the model from before Vela';
  if (/^CUSTOM Flex/.test(opKey)) return 'a TensorFlow (Flex) op that needs the TensorFlow Select runtime; export the model with TFLite builtins only';
  if (opKey.startsWith('STABLEHLO_')) return 'a StableHLO op, which TFLite itself does not run';
  if (opKey.startsWith('CUSTOM ')) return 'a custom op: its meaning is known only to the application that registered it';
  return 'no converter for this operator yet';
}
