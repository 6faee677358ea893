// The contract between the format registry and each model format.
import type { TfliteModel } from '../tflite/ir.js';
import type { onnx } from './generated/onnx.js';

/** What a format sees of a file: read once, shared by every format's match and open. */
export interface ModelFileContext {
  path: string;
  /** File name without folders, for messages. */
  name: string;
  /** Lower-case extension with its dot ('.onnx'), or ''. */
  extension: string;
  bytes: Uint8Array;
}

export interface OpenedOnnxModel {
  format: 'onnx';
  formatName: 'ONNX';
  path: string;
  fileBytes: number;
  /** Decoded model; its raw_data fields are views into the file's bytes. */
  model: onnx.ModelProto;
}

export interface OpenedTfliteModel {
  format: 'tflite';
  formatName: 'TensorFlow Lite';
  path: string;
  fileBytes: number;
  /** The flatbuffer read into plain data (constants copied out of the file's bytes). */
  tflite: TfliteModel;
}

/** One variant per registered format. */
export type OpenedModel = OpenedOnnxModel | OpenedTfliteModel;

export interface ModelFormat {
  id: string;
  name: string;
  extensions: string[];
  /** A cheap sniff: extension, first bytes, a scan of a prefix. Must not throw. */
  match(ctx: ModelFileContext): boolean;
  /**
   * Why the file is not of this format, when it seems meant to be (by extension);
   * null when there is nothing useful to say.
   */
  explain(ctx: ModelFileContext): string | null;
  /** Decodes and validates; loads the heavy reader only here. Throws AppError. */
  open(ctx: ModelFileContext, signal?: AbortSignal): Promise<OpenedModel>;
}
