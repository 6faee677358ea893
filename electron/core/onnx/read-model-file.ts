// Reads a model file into one buffer, in chunks, reporting progress and honouring cancellation.
import { open } from 'node:fs/promises';
import type { JobProgress } from '../api/types.js';
import { AppError } from '../api/errors.js';
import { throwIfCancelled } from '../jobs/task-types.js';

const CHUNK = 16 * 1024 * 1024;
/** Protobuf messages cannot exceed 2 GiB; bigger ONNX models keep their weights in external files. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

export async function readModelFile(
  path: string,
  progress: (p: JobProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_MODEL_BYTES) {
      throw new AppError(
        'MODEL_FORMAT',
        'Not a model EdgeFleet can read',
        `${path} is ${size} bytes, over the 2 GiB limit of a protobuf file. Models this big keep their weights in external data files; save the model with external data and choose its .onnx file.`,
      );
    }
    const bytes = Buffer.allocUnsafe(size);
    let done = 0;
    progress({ phase: 'reading', fraction: 0, bytes: 0, totalBytes: size });
    while (done < size) {
      if (signal) throwIfCancelled(signal);
      const { bytesRead } = await handle.read(bytes, done, Math.min(CHUNK, size - done), done);
      if (bytesRead === 0) break;
      done += bytesRead;
      progress({ phase: 'reading', fraction: size ? done / size : 1, bytes: done, totalBytes: size });
    }
    // A file that shrank while we read it: use what is there.
    return done < size ? bytes.subarray(0, done) : bytes;
  } finally {
    await handle.close();
  }
}
