// Everything InspectReport says about a TFLite file: its own IO, ops and weights, plus what its ONNX
// conversion gives (MACs, the load check) and, when it does not convert, every operator that stops it.
import type { TensorInfo, TfliteInspect } from '../api/types.js';
import { dataTypeName } from '../onnx/data-types.js';
import type { OpenedTfliteModel } from '../onnx/format-types.js';
import type { onnx } from '../onnx/generated/onnx.js';
import type { TfliteModel, TfliteTensor } from '../tflite/ir.js';
import { attemptConversion, findUnsupported, opKey } from '../tflite/to-onnx/convert.js';
import { onnxType } from '../tflite/to-onnx/dtypes.js';
import { analyseOnnx, type Analysis } from './analyse-onnx.js';

export interface TfliteAnalysis extends Analysis {
  /** The converted model, when it converts (for the load check); not part of the report. */
  converted: onnx.ModelProto | null;
}

function typeName(t: TfliteTensor): string {
  const type = onnxType(t.dtype);
  return type === null ? t.dtype.toUpperCase() : dataTypeName(type);
}

function tensorInfo(t: TfliteTensor, name = t.name): TensorInfo {
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : t.shape;
  const q = t.quantization;
  return {
    name,
    elemType: typeName(t),
    shape: t.hasRank ? sig.map((d) => (d < 0 ? null : d)) : null,
    ...(q && q.scale.length > 0
      ? { quantization: { scale: q.scale, zeroPoint: q.zeroPoint, axis: q.scale.length > 1 ? q.quantizedDimension : null } }
      : {}),
  };
}

function io(model: TfliteModel) {
  const graph = model.subgraphs[0];
  const sig = model.signatures.find((s) => s.subgraphIndex === 0);
  if (!graph) return { inputs: [], outputs: [] };
  const at = (i: number) => graph.tensors[i];
  if (sig) {
    return {
      inputs: sig.inputs.filter((e) => at(e.tensorIndex)).map((e) => tensorInfo(at(e.tensorIndex), e.name)),
      outputs: sig.outputs.filter((e) => at(e.tensorIndex)).map((e) => tensorInfo(at(e.tensorIndex), e.name)),
    };
  }
  return { inputs: graph.inputs.filter((i) => at(i)).map((i) => tensorInfo(at(i))), outputs: graph.outputs.filter((i) => at(i)).map((i) => tensorInfo(at(i))) };
}

function weights(model: TfliteModel) {
  let parameterCount = 0;
  const weightBytes: Record<string, number> = {};
  let externalData = false;
  for (const g of model.subgraphs) {
    for (const t of g.tensors) {
      if (t.external) externalData = true;
      if (!t.data) continue;
      parameterCount += t.shape.reduce((a, b) => a * b, 1);
      const type = typeName(t);
      weightBytes[type] = (weightBytes[type] ?? 0) + t.data.byteLength;
    }
  }
  return { parameterCount, weightBytes, weightBytesTotal: Object.values(weightBytes).reduce((a, b) => a + b, 0), externalData };
}

export function analyseTflite(opened: OpenedTfliteModel): TfliteAnalysis {
  const model = opened.tflite;
  const opCounts: Record<string, number> = {};
  let nodeCount = 0;
  for (const g of model.subgraphs) {
    for (const op of g.operators) {
      const key = opKey(op);
      opCounts[key] = (opCounts[key] ?? 0) + 1;
      nodeCount++;
    }
  }
  let converted: onnx.ModelProto | null = null;
  let macs: Analysis['macs'] = { total: 0, perNode: [], unresolved: model.subgraphs[0]?.operators.map((op) => `${op.index}:${opKey(op)}`) ?? [] };
  let unsupported = findUnsupported(model);
  const notes = [...model.normalisations];
  if (unsupported.length === 0) {
    const attempt = attemptConversion(model, { fileName: opened.path.split(/[\\/]/).pop() ?? opened.path });
    if (attempt.ok) {
      converted = attempt.conversion.model;
      macs = analyseOnnx({ format: 'onnx', formatName: 'ONNX', path: opened.path, fileBytes: opened.fileBytes, model: converted }).macs;
      notes.push(...attempt.conversion.notes.filter((n) => !notes.includes(n)));
    } else {
      unsupported = attempt.unsupported;
    }
  }
  const tflite: TfliteInspect = {
    schemaVersion: model.schemaVersion,
    subgraphs: model.subgraphs.length,
    signatures: model.signatures.map((s) => ({ key: s.key, subgraphIndex: s.subgraphIndex, inputs: s.inputs.map((e) => e.name), outputs: s.outputs.map((e) => e.name) })),
    minRuntimeVersion: model.minRuntimeVersion,
    metadataNames: model.metadata.map((m) => m.name),
    convertible: converted !== null,
    unsupported,
    notes,
  };
  const graph = model.subgraphs[0];
  return {
    format: 'tflite',
    fileBytes: opened.fileBytes,
    irVersion: 0,
    opsets: [{ domain: 'tflite', version: model.schemaVersion }],
    producer: { name: 'TensorFlow Lite', version: model.minRuntimeVersion ?? '' },
    graphName: model.signatures.find((s) => s.subgraphIndex === 0)?.key ?? graph?.name ?? '',
    docString: model.description,
    metadata: Object.fromEntries(model.metadata.map((m) => [m.name, `${m.bytes.byteLength} bytes`])),
    ...io(model),
    nodeCount,
    opCounts,
    ...weights(model),
    macs,
    tflite,
    converted,
  };
}
