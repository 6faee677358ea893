// Steps that run a model (profile, optimize, deploy, roll out) need its ONNX form: a TFLite original
// in the registry points the user at its conversion.
import type { ModelDetail } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { isTfliteConversion } from '../api/tflite-conversion.js';
import type { Registry } from './registry.js';

export function requireRunnableModel(registry: Registry, id: string): ModelDetail {
  const model = registry.requireModel(id);
  if (model.inspect?.format !== 'tflite') return model;
  const conversion = registry.listModels().find((m) => m.parentId === model.id && isTfliteConversion(m.recipe));
  throw new AppError(
    'MODEL_NOT_ONNX',
    'This step needs the ONNX form of the model',
    conversion
      ? `${model.name} v${model.version} is the TensorFlow Lite original; use its ONNX conversion ${conversion.name} v${conversion.version} (${conversion.id}).`
      : `${model.name} v${model.version} is a TensorFlow Lite model that did not convert to ONNX (see its inspect report for the operators that stop it).`,
  );
}
