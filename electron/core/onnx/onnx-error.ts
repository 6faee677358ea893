import { AppError } from '../api/errors.js';

/** A file that claims to be ONNX but cannot be used: the title is what a person sees. */
export class OnnxError extends AppError {
  constructor(code: 'MODEL_FORMAT' | 'MODEL_INVALID', detail: string) {
    super(code, code === 'MODEL_FORMAT' ? 'Error loading ONNX model.' : 'Invalid ONNX model.', detail);
    this.name = 'OnnxError';
  }
}
