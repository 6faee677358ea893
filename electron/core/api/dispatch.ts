import { z } from 'zod';
import { AppError, toErrorData } from './errors.js';
import { isChannel, requests, type Channel, type Envelope, type ParsedInput, type Result } from './contract.js';

export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Result<C>> | Result<C> };

/** The one entry point every transport uses: validate with the channel's zod schema, run, wrap. */
export async function dispatch(handlers: Handlers, channel: string, rawInput: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isChannel(channel)) {
      throw new AppError('UNKNOWN_CHANNEL', 'Unknown request', `"${channel}" is not part of the EdgeFleet API.`);
    }
    const parsed = requests[channel].input.safeParse(rawInput ?? {});
    if (!parsed.success) throw invalidInput(channel, parsed.error);
    const handler = handlers[channel] as (input: unknown) => unknown;
    const result = await handler(parsed.data);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

function invalidInput(channel: string, error: z.ZodError): AppError {
  const issues = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
  return new AppError('INVALID_INPUT', 'Invalid request', `${channel}: ${issues}`);
}
