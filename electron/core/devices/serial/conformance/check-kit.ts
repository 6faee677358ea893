// What every conformance check is made of: the state one run shares (the port, the pairing, the key it
// signs with, the release counter), and the small judgements checks repeat.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { errorDataSchema } from '../../../../../resources/device-protocol/messages.js';
import type { Manifest, SignedManifest } from '../../../../../resources/device-protocol/manifest.js';
import { signManifest } from '../../../../../resources/device-protocol/manifest.js';
import type { LinkParams } from '../../../../../resources/device-protocol/serial/hello.js';
import { ConformanceLink, type Answer, type Faults } from './conformance-link.js';
import { problemsOf, shown, type Problem } from './problems.js';
import { sha256 } from './test-artifacts.js';

export interface CheckResult {
  status: 'pass' | 'fail' | 'skip';
  /** One line: what was seen (pass), what went wrong (fail), why it did not run (skip). */
  detail: string;
  problems?: Problem[];
}

export interface Check {
  id: string;
  title: string;
  /** Exit status 0 needs every required check to pass. */
  required: boolean;
  run(ctx: CheckContext): Promise<CheckResult>;
}

export const pass = (detail: string): CheckResult => ({ status: 'pass', detail });
export const fail = (detail: string, problems: Problem[] = []): CheckResult => ({ status: 'fail', detail, problems });
export const skip = (detail: string): CheckResult => ({ status: 'skip', detail });

export const consoleParams: LinkParams = { maxPayload: 1024, window: 256, deflate: true };

export class CheckContext {
  token: string | null = null;
  deviceId: string | null = null;
  readonly key: KeyObject;
  readonly publicPem: string;
  /** The next release to sign (above the highest the device reported). */
  release = 1;
  private current: ConformanceLink | null = null;

  constructor(
    readonly path: string,
    readonly baudRate: number,
    readonly code: string,
    readonly timeoutMs: number,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.key = privateKey;
    this.publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The session checks share: opened on first use, with the console's own parameters. */
  async link(): Promise<ConformanceLink> {
    this.current ??= await ConformanceLink.open({ path: this.path, baudRate: this.baudRate, params: consoleParams, timeoutMs: this.timeoutMs });
    return this.current;
  }

  /** Ends the shared session; the next link() starts a new one. */
  async endSession(): Promise<void> {
    const c = this.current;
    this.current = null;
    await c?.close();
  }

  /** A session of its own (other parameters, injected faults), closed after `use`. */
  async withSession<T>(params: LinkParams, faults: Faults | undefined, use: (l: ConformanceLink) => Promise<T>): Promise<T> {
    await this.endSession();
    const l = await ConformanceLink.open({ path: this.path, baudRate: this.baudRate, params, faults, timeoutMs: this.timeoutMs });
    try {
      return await use(l);
    } finally {
      await l.close();
    }
  }

  async call(op: string, req: unknown = {}, opts: { token?: string | null; binary?: Uint8Array } = {}): Promise<Answer> {
    const l = await this.link();
    return l.request(op, req, { token: opts.token === undefined ? this.token : opts.token, binary: opts.binary });
  }

  sign(bytes: Uint8Array, name: string, overrides: Partial<Manifest> = {}, key: KeyObject = this.key): SignedManifest {
    const manifest: Manifest = { name, version: String(this.release), sha256: sha256(bytes), size: bytes.byteLength, created: new Date().toISOString(), release: this.release++, ...overrides };
    return { manifest, signature: signManifest(key, manifest) };
  }
}

/** The response, parsed by its schema; or a failure naming each wrong field. */
export function expectResponse<T>(name: string, a: Answer, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; result: CheckResult } {
  if (a.kind === 'error') {
    const e = errorDataSchema.safeParse(a.json);
    const what = e.success ? `${e.data.code}: ${e.data.title}${e.data.detail ? ` (${e.data.detail})` : ''}` : shown(a.json);
    return { ok: false, result: fail(`${name}: the device answered an error where a response was expected: ${what}`) };
  }
  const parsed = schema.safeParse(a.json);
  if (!parsed.success) return { ok: false, result: fail(`${name}: the response does not match the protocol`, problemsOf(name, a.json, parsed.error, schema)) };
  return { ok: true, value: parsed.data };
}

/** An error answer with this code, shaped {code, title, detail}. */
export function expectError(name: string, a: Answer, code: string): CheckResult | null {
  if (a.kind !== 'error') return fail(`${name}: the device answered a response where error ${code} was expected`, [{ path: `${name}`, expected: `an error message with code ${code}`, received: `a response ${shown(a.json)}` }]);
  const e = errorDataSchema.safeParse(a.json);
  if (!e.success) return fail(`${name}: the error is not {code, title, detail}`, problemsOf(`${name}.error`, a.json, e.error, errorDataSchema));
  if (e.data.code !== code) return fail(`${name}: wrong error code`, [{ path: `${name}.error.code`, expected: JSON.stringify(code), received: JSON.stringify(e.data.code) }]);
  if (!e.data.title.trim()) return fail(`${name}: the error has an empty title`, [{ path: `${name}.error.title`, expected: 'a sentence for people', received: '""' }]);
  return null;
}

/** A failed expectation about one field. */
export function mismatch(path: string, expected: string, received: unknown): Problem {
  return { path, expected, received: shown(received) };
}
