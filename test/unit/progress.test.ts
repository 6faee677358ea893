import { describe, expect, it } from 'vitest';
import { tasks } from '../../electron/core/jobs/tasks.js';
import { formatBytes, formatJobKind, formatJobState, formatProgress, overallFraction } from '../../electron/core/jobs/progress.js';

describe('formatProgress', () => {
  it('names the phase, the run and the percentage', () => {
    expect(formatProgress({ phase: 'profiling', fraction: 0.6, run: 120, runs: 200 })).toBe('Profiling · run 120 of 200 · 60%');
  });
  it('shows bytes read against the total', () => {
    expect(formatProgress({ phase: 'reading', fraction: 0.5, bytes: 512 * 1024, totalBytes: 1024 * 1024 })).toBe(
      'Reading · 512 KiB of 1.0 MiB · 50%',
    );
  });
  it('leaves out an unknown fraction', () => {
    expect(formatProgress({ phase: 'decoding', fraction: null })).toBe('Decoding');
  });
  it('includes a message', () => {
    expect(formatProgress({ phase: 'load-check', fraction: null, message: 'onnxruntime' })).toBe('Checking it loads · onnxruntime');
  });
});

describe('formatJobState', () => {
  it('shows the error title of a failed job', () => {
    const error = { code: 'X', title: 'Not a model', detail: 'd' };
    expect(formatJobState({ state: 'failed', progress: { phase: 'decoding', fraction: null }, error })).toBe('Failed: Not a model');
  });
  it('shows progress while running', () => {
    expect(formatJobState({ state: 'running', progress: { phase: 'warmup', fraction: 0.1, run: 1, runs: 10 }, error: null })).toBe(
      'Warming up · run 1 of 10 · 10%',
    );
  });
});

describe('overallFraction', () => {
  it('is -1 when nothing runs, so the taskbar bar disappears', () => {
    expect(overallFraction([{ state: 'succeeded', progress: { phase: 'done', fraction: 1 } }])).toBe(-1);
  });
  it('averages running jobs', () => {
    expect(
      overallFraction([
        { state: 'running', progress: { phase: 'profiling', fraction: 0.2, run: 2, runs: 10 } },
        { state: 'running', progress: { phase: 'profiling', fraction: 0.6, run: 6, runs: 10 } },
        { state: 'queued', progress: { phase: 'queued', fraction: 0 } },
      ]),
    ).toBeCloseTo(0.4);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(2.5 * 1024 * 1024 * 1024)).toBe('2.5 GiB');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100 MiB');
  });
});

describe('formatJobKind', () => {
  it('names every job kind in words and shows unknown kinds as they are', () => {
    // The kinds come from the task table itself, so a new kind extends this test.
    const kinds = Object.keys(tasks);
    expect(kinds.length).toBeGreaterThan(0);
    const words = kinds.map((kind) => formatJobKind(kind));
    for (const [i, kind] of kinds.entries()) {
      expect(words[i], kind).not.toBe(kind);
      expect(words[i], kind).toMatch(/^[A-Z][A-Za-z ]*$/);
    }
    expect(new Set(words).size).toBe(kinds.length);
    expect(formatJobKind('devices.deploy')).toBe('Deploy');
    expect(formatJobKind('something.new')).toBe('something.new');
    expect(formatJobKind('toString')).toBe('toString');
  });
});
