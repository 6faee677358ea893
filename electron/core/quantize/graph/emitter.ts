// Collects the nodes and initializers a pass adds, with names that cannot clash with the graph's.
import type { onnx } from '../../onnx/generated/onnx.js';
import type { QParams } from '../quant-params.js';
import { makeNode } from './nodes.js';
import { floatTensor, zeroPointTensor } from './tensors.js';

export class Emitter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];
  private readonly used: Set<string>;

  constructor(graph: onnx.IGraphProto) {
    this.used = new Set<string>();
    for (const n of graph.node ?? []) for (const t of [...(n.input ?? []), ...(n.output ?? [])]) this.used.add(t);
    for (const t of graph.initializer ?? []) this.used.add(t.name ?? '');
  }

  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** A short stem for derived names: long tensor paths repeated on every Q/DQ would add ~10% to the file. */
  stem(prefix: string): string {
    return this.unique(`${prefix}${this.count++}`);
  }

  private count = 0;

  /** scale and zero-point initializers; scalars for one parameter set, 1-D for per-channel. zpType null: no zero point (0). */
  params(base: string, params: QParams[], zpType: 'uint8' | 'int8' | null, perChannel: boolean): string[] {
    const scale = this.unique(`${base}_scale`);
    this.inits.push(floatTensor(scale, perChannel ? [params.length] : [], params.map((p) => p.scale)));
    if (!zpType) return [scale];
    const zp = this.unique(`${base}_zp`);
    this.inits.push(zeroPointTensor(zp, zpType, params.map((p) => p.zeroPoint), !perChannel));
    return [scale, zp];
  }

  dequantize(base: string, quantized: string, params: string[], axis: number | null): string {
    const out = this.unique(`${base}_dq`);
    this.nodes.push(makeNode('DequantizeLinear', [quantized, ...params], [out], this.unique(`${base}_DQ`), axis === null ? {} : { axis }));
    return out;
  }
}
