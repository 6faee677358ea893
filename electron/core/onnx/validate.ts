// Structural checks after decoding: the problems that would otherwise surface later as an
// obscure runtime error. Unknown operators are not checked here (the ORT load check reports them).
import type { onnx } from './generated/onnx.js';
import { OnnxError } from './onnx-error.js';
import { nodeLabel, subgraphsOf } from './walk.js';

interface Scope {
  names: Set<string>;
  parent: Scope | null;
}

const MAX_LISTED = 5;

function inScope(scope: Scope | null, name: string): boolean {
  for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true;
  return false;
}

function graphScope(graph: onnx.IGraphProto, parent: Scope | null): Scope {
  const names = new Set<string>();
  for (const v of graph.input ?? []) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const s of graph.sparse_initializer ?? []) if (s.values?.name) names.add(s.values.name);
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) names.add(o);
  return { names, parent };
}

/** Names the first few problems of a kind and how many more there are. */
function summarise(problems: string[]): string {
  const shown = problems.slice(0, MAX_LISTED).join(' ');
  const more = problems.length - MAX_LISTED;
  return more > 0 ? `${shown} (and ${more} more)` : shown;
}

/**
 * Throws OnnxError MODEL_INVALID for a model without a graph, a node input that no one
 * produces (a missing initializer), or a graph output that does not exist.
 * `file` names the file in messages.
 */
export function validateModel(model: onnx.IModelProto, file: string): void {
  const main = model.graph;
  if (!main) {
    throw new OnnxError(
      'MODEL_INVALID',
      `${file} holds ONNX model metadata but no graph, so there is nothing to run. Export the model again.`,
    );
  }
  const missing: string[] = [];
  const noOutputs: string[] = [];
  const stack: { graph: onnx.IGraphProto; parent: Scope | null; where: string }[] = [
    { graph: main, parent: null, where: '' },
  ];
  while (stack.length > 0) {
    const { graph, parent, where } = stack.pop()!;
    const scope = graphScope(graph, parent);
    const nodes = graph.node ?? [];
    nodes.forEach((node, index) => {
      for (const input of node.input ?? []) {
        if (input !== '' && !inScope(scope, input)) {
          missing.push(
            `Node "${nodeLabel(node, index)}" (${node.op_type})${where} reads tensor "${input}", which is neither a graph input, an initializer nor a node output.`,
          );
        }
      }
      for (const sub of subgraphsOf(node)) {
        stack.push({ graph: sub, parent: scope, where: ` in a subgraph of "${nodeLabel(node, index)}"` });
      }
    });
    for (const out of graph.output ?? []) {
      if (out.name && !inScope(scope, out.name)) {
        noOutputs.push(`Graph output "${out.name}"${where} is produced by no node.`);
      }
    }
  }
  if (missing.length > 0) {
    throw new OnnxError(
      'MODEL_INVALID',
      `${file} refers to tensors it does not contain (missing initializers?). ${summarise(missing)} ` +
        'The file may have been saved without its weights; export it again.',
    );
  }
  if (noOutputs.length > 0) {
    throw new OnnxError('MODEL_INVALID', `${file} declares outputs it never computes. ${summarise(noOutputs)} Export the model again.`);
  }
}
