// One console per device. A one-time code (printed on stdout, kept in <data-dir>/pairing-code) trades
// for a long-lived bearer token; the device keeps only the token's hash and the console's ed25519 key.
// Wrong codes never change the code (a stranger could void the one the owner just read): the guard
// slows guessing down instead. The code changes only when the owner asks (--new-pairing-code).
import { createHash, createPublicKey, randomBytes, randomInt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../electron/core/api/errors.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import { PairingGuard } from './pairing-guard.js';

// No 0/O, 1/I/L: people read these aloud or type them from a small screen.
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const codeLength = 8;

const pairingFile = z.object({
  consoleName: z.string(),
  consolePublicKey: z.string(),
  tokenSha256: z.string(),
  pairedAt: z.string(),
});
type PairingRecord = z.infer<typeof pairingFile>;

export interface PairResult {
  token: string;
}

export class Pairing {
  private record: PairingRecord | null = null;
  private consoleKey: KeyObject | null = null;
  private code: string | null = null;

  private constructor(
    private readonly dataDir: string,
    private readonly onNewCode: (code: string) => void,
    private readonly guard: PairingGuard,
  ) {}

  static async open(dataDir: string, opts: { newCode: boolean; onNewCode: (code: string) => void; guard?: PairingGuard }): Promise<Pairing> {
    const p = new Pairing(dataDir, opts.onNewCode, opts.guard ?? new PairingGuard());
    const recordPath = path.join(dataDir, 'pairing.json');
    if (existsSync(recordPath)) {
      p.record = pairingFile.parse(JSON.parse(await fsp.readFile(recordPath, 'utf8')));
      p.consoleKey = createPublicKey(p.record.consolePublicKey);
    }
    const codePath = path.join(dataDir, 'pairing-code');
    if (opts.newCode || !p.record) {
      const kept = !opts.newCode && existsSync(codePath) ? (await fsp.readFile(codePath, 'utf8')).trim() : '';
      if (kept.length === codeLength) {
        p.code = kept;
        p.onNewCode(kept);
      } else {
        await p.newCode();
      }
    } else {
      // Paired and no new code asked for: a code left by a crash between pairing and its removal is void.
      await fsp.rm(codePath, { force: true });
    }
    return p;
  }

  get consoleName(): string | null {
    return this.record?.consoleName ?? null;
  }

  get consolePublicKey(): KeyObject | null {
    return this.consoleKey;
  }

  get pendingCode(): string | null {
    return this.code;
  }

  /** `source` names who asks (a remote address, "serial"): wrong codes slow down that source. */
  async pair(code: string, consolePublicKey: string, consoleName: string, source?: string): Promise<PairResult> {
    this.guard.admit(source);
    const key = parseConsoleKey(consolePublicKey);
    const expected = this.code;
    if (!expected || !sameText(code.trim().toUpperCase(), expected)) {
      this.guard.failed(source);
      throw new AppError('PAIRING_CODE_INVALID', 'Wrong pairing code', 'The code is wrong or was already used. Read the current code on the device, or start the agent with --new-pairing-code.');
    }
    // Taken before any await, so that two requests with the same code cannot both pair.
    this.code = null;
    try {
      const result = await this.store(key, consoleName);
      this.guard.succeeded(source);
      return result;
    } catch (err) {
      this.code = expected;
      throw err;
    }
  }

  /**
   * Pins a console met by enrolment (mqtt-enrol.ts), as `pair` would: the console key came signed by the
   * key the enrolment token names, and the console holds the token whose hash is given.
   */
  async adopt(consolePublicKey: string, consoleName: string, tokenSha256: string): Promise<void> {
    this.code = null;
    await this.store(parseConsoleKey(consolePublicKey), consoleName, tokenSha256);
  }

  private async store(key: KeyObject, consoleName: string, tokenHash?: string): Promise<PairResult> {
    const token = randomBytes(32).toString('base64url');
    const record: PairingRecord = {
      consoleName,
      consolePublicKey: key.export({ type: 'spki', format: 'pem' }).toString(),
      tokenSha256: tokenHash ?? sha256(token),
      pairedAt: new Date().toISOString(),
    };
    await writeFileAtomic(path.join(this.dataDir, 'pairing.json'), `${JSON.stringify(record, null, 2)}\n`);
    await fsp.chmod(path.join(this.dataDir, 'pairing.json'), 0o600);
    await fsp.rm(path.join(this.dataDir, 'pairing-code'), { force: true });
    this.record = record;
    this.consoleKey = key;
    return { token };
  }

  tokenValid(presented: string | null): boolean {
    if (!presented || !this.record) return false;
    return sameText(sha256(presented), this.record.tokenSha256);
  }

  private async newCode(): Promise<void> {
    let code = '';
    for (let i = 0; i < codeLength; i++) code += alphabet[randomInt(alphabet.length)];
    await writeFileAtomic(path.join(this.dataDir, 'pairing-code'), `${code}\n`);
    this.code = code;
    this.onNewCode(code);
  }
}

function parseConsoleKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AppError('PAIRING_KEY_INVALID', 'Unreadable console key', 'consolePublicKey must be an ed25519 public key in PEM (SPKI) form.');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AppError('PAIRING_KEY_INVALID', 'Wrong kind of console key', `consolePublicKey is ${key.asymmetricKeyType}; it must be ed25519.`);
  }
  return key;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
