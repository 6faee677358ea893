import { describe, expect, it } from 'vitest';
import { AppError, toErrorData } from '../../electron/core/api/errors.js';
import { dispatch, type Handlers } from '../../electron/core/api/dispatch.js';
import { channels } from '../../electron/core/api/contract.js';

function handlers(overrides: Partial<Handlers>): Handlers {
  const h = {} as Record<string, unknown>;
  for (const c of channels) h[c] = () => ({ channel: c });
  return { ...(h as Handlers), ...overrides };
}

describe('dispatch', () => {
  it('validates input with the channel schema before the handler runs', async () => {
    let called = false;
    const h = handlers({ 'profiling.run': () => ((called = true), null as never) });
    const env = await dispatch(h, 'profiling.run', { modelId: 'm1', runs: -3 });
    expect(called).toBe(false);
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe('INVALID_INPUT');
      expect(env.error.detail).toContain('runs');
    }
  });

  it('applies schema defaults', async () => {
    let seen: unknown;
    const h = handlers({ 'profiling.run': (input) => ((seen = input), null as never) });
    const env = await dispatch(h, 'profiling.run', { modelId: 'm1' });
    expect(env.ok).toBe(true);
    expect(seen).toEqual({ modelId: 'm1', runs: 100, warmup: 10, threads: 0 });
  });

  it('refuses both a model id and a path', async () => {
    const env = await dispatch(handlers({}), 'profiling.run', { modelId: 'm1', path: '/x.onnx' });
    expect(env.ok).toBe(false);
  });

  it('rejects unknown fields and unknown channels', async () => {
    const extra = await dispatch(handlers({}), 'models.list', { evil: true });
    expect(extra.ok).toBe(false);
    const unknown = await dispatch(handlers({}), 'fs.readFile', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const proto = await dispatch(handlers({}), '__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('turns thrown errors into data without a stack trace', async () => {
    const h = handlers({
      'models.list': () => {
        throw new Error('boom\n    at secret (/src/file.ts:1:1)');
      },
      'models.get': () => {
        throw new AppError('MODEL_NOT_FOUND', 'Model not found', 'No model m9.');
      },
    });
    const env = await dispatch(h, 'models.list', {});
    expect(env).toEqual({ ok: false, error: { code: 'INTERNAL', title: 'Something went wrong', detail: 'boom' } });
    const env2 = await dispatch(h, 'models.get', { id: 'm9' });
    expect(env2).toEqual({ ok: false, error: { code: 'MODEL_NOT_FOUND', title: 'Model not found', detail: 'No model m9.' } });
  });
});

describe('toErrorData', () => {
  it('maps system error codes to words a person understands', () => {
    const err = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/nope.onnx' });
    expect(toErrorData(err)).toEqual({
      code: 'ENOENT',
      title: 'File not found',
      detail: 'The file or folder does not exist. Check the path and try again. (/nope.onnx)',
    });
  });
});
