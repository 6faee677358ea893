import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { copyFileAtomic, writeFileAtomic } from '../../electron/core/util/atomic-write.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('writes and replaces a file leaving no temporary files', async () => {
    const target = path.join(dir, 'a.json');
    await writeFileAtomic(target, '{"v":1}');
    await writeFileAtomic(target, new TextEncoder().encode('{"v":2}'));
    expect(readFileSync(target, 'utf8')).toBe('{"v":2}');
    await copyFileAtomic(target, path.join(dir, 'b.json'));
    expect(readFileSync(path.join(dir, 'b.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json']);
  });

  it('leaves nothing behind when the write fails', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'x'), 'x')).rejects.toThrow();
    await expect(copyFileAtomic(path.join(dir, 'nope'), path.join(dir, 'c.json'))).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The target is a non-empty folder: the temporary file is written and synced, then rename fails.
    const folder = mkdtempSync(path.join(dir, 'rename-'));
    const target = path.join(folder, 'taken');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'x');
    writeFileSync(path.join(folder, 'src.bin'), 'payload');
    await expect(writeFileAtomic(target, 'payload')).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    await expect(copyFileAtomic(path.join(folder, 'src.bin'), target)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    expect(readdirSync(folder).sort()).toEqual(['src.bin', 'taken']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('cancelling an artifact copy half way leaves no partial file', async () => {
    const home = path.join(dir, 'home');
    const src = path.join(dir, 'big.bin');
    writeFileSync(src, Buffer.alloc(20 << 20, 1));
    const ac = new AbortController();
    const store = storeArtifact(home, src, { signal: ac.signal, progress: () => ac.abort() });
    await expect(store).rejects.toMatchObject({ name: 'CancelledError' });
    expect(readdirSync(path.join(home, 'artifacts', 'sha256'), { recursive: true })).toEqual([]);
  });
});
