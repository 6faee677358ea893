// Whether ONNX Runtime accepts the model: creates a session from the file path (ORT reads
// the file itself; no second copy of the bytes in JS) with the cheapest options, then frees it.
import type { InspectReport } from '../api/types.js';

/** The `loadable.error` of a report made with the load check turned off. */
export const LOAD_NOT_CHECKED = 'Not checked: the ONNX Runtime load check was turned off.';

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n').find((l) => l.trim() !== '') ?? message;
  return line.trim().slice(0, 500);
}

/** `model` is a file path (ORT reads it itself) or model bytes (a conversion made in memory). */
export async function checkLoadable(model: string | Uint8Array): Promise<InspectReport['loadable']> {
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>> | undefined;
  try {
    const options = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      enableCpuMemArena: false,
      enableMemPattern: false,
      // Fatal only: the failure comes back as the exception; ORT's own error log would be noise.
      logSeverityLevel: 4,
      // Pre-packing copies weights into kernel layouts: work a load check does not need.
      extra: { session: { disable_prepacking: '1' } },
    } as const;
    session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
    return { ok: true, error: null };
  } catch (err) {
    return { ok: false, error: firstLine(err) };
  } finally {
    await session?.release();
  }
}
