// The agent's order of versions at an upgrade (older ones are refused unless signed as a downgrade).
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../electron/core/util/compare-versions.js';

describe('compareVersions', () => {
  it('orders dotted numbers numerically, part by part', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.9.0', '1.10.0')).toBe(-1);
    expect(compareVersions('0.1.0', '0.1.0')).toBe(0);
    expect(compareVersions('0.1', '0.1.0')).toBe(0);
    expect(compareVersions('2.0.0', '10.0.0')).toBe(-1);
  });

  it('compares non-numeric parts as text', () => {
    expect(compareVersions('1.0.0-b', '1.0.0-a')).toBe(1);
    expect(compareVersions('1.0.0+x', '1.0.0+x')).toBe(0);
  });
});
