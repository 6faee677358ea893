// The errors a delta can end in, as the codes the device answers and the console falls back on.
import { AppError } from '../error-data.js';

/** Codes after which the console sends the full model instead (one retry). */
export const deltaFallbackCodes: ReadonlySet<string> = new Set(['DELTA_BASE_MISSING', 'DELTA_INVALID', 'DELTA_UNSUPPORTED']);

/** The delta file itself is wrong: damaged, truncated, or made for another target. */
export function deltaInvalid(what: string): AppError {
  return new AppError('DELTA_INVALID', 'The delta is damaged', `The model delta cannot be applied: ${what}. Nothing was activated; send the full model.`);
}

/** The model the delta was made against is not on the device, or not intact. */
export function deltaBaseMissing(what: string): AppError {
  return new AppError('DELTA_BASE_MISSING', 'The model the delta builds on is not on the device', `${what} Nothing was stored; send the full model.`);
}
