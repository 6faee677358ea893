import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { formatSelector, lateMatches, parseSelector, resolveTargets, type TargetDevice } from '../../electron/core/rollouts/selector.js';

const fleet: TargetDevice[] = [
  { id: 'cam-03', tags: ['line-3'], groups: [] },
  { id: 'cam-01', tags: ['line-3', 'outdoor'], groups: ['pilot'] },
  { id: 'cam-02', tags: ['line-4'], groups: ['pilot'] },
  { id: 'cam-10', tags: [], groups: [] },
];

function errorOf(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('target selectors', () => {
  it('parses terms, trims spaces and drops repeats', () => {
    expect(parseSelector(' tag:line-3 , group:pilot,tag:line-3').terms).toEqual([
      { kind: 'tag', value: 'line-3' },
      { kind: 'group', value: 'pilot' },
    ]);
    expect(formatSelector(parseSelector('device:cam-01,all'))).toBe('device:cam-01,all');
  });

  it.each([
    ['', 'empty'],
    ['tag:a,,group:b', 'term 2 is empty'],
    ['line-3', 'has no kind'],
    ['tags:line-3', '"tags" is not a kind'],
    ['tag:', 'needs a name'],
    ['tag:line 3', 'may hold only'],
  ])('rejects %j with a clear error', (text, words) => {
    const e = errorOf(() => parseSelector(text));
    expect(e.code).toBe('SELECTOR_INVALID');
    expect(e.detail).toContain(words);
  });

  it('resolves a union to a frozen list sorted by id', () => {
    const ids = resolveTargets('tag:line-3,group:pilot', fleet);
    expect(ids).toEqual(['cam-01', 'cam-02', 'cam-03']);
    expect(Object.isFrozen(ids)).toBe(true);
    expect(resolveTargets('all', fleet)).toEqual(['cam-01', 'cam-02', 'cam-03', 'cam-10']);
    expect(resolveTargets('tag:nowhere', fleet)).toEqual([]);
  });

  it('names unknown device ids', () => {
    const e = errorOf(() => resolveTargets('device:cam-99,tag:line-3', fleet));
    expect(e.code).toBe('SELECTOR_UNKNOWN_DEVICE');
    expect(e.detail).toContain('cam-99');
  });

  it('reports devices that match after the list was frozen, without adding them', () => {
    const frozen = resolveTargets('group:pilot', fleet);
    const later = [...fleet, { id: 'cam-00', tags: [], groups: ['pilot'] }];
    expect(lateMatches('group:pilot', later, frozen)).toEqual(['cam-00']);
    expect(frozen).toEqual(['cam-01', 'cam-02']);
  });
});
