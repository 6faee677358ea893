// The generated message reference (resources/device-protocol/reference/) is what the zod schemas say,
// and every worked example in SERIAL-PROTOCOL.md is a message the other end accepts: checked with the
// committed JSON Schemas (ajv, as a firmware author's tools would) and with the zod schemas themselves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deviceOpNames, deviceOps, errorDataSchema, isDeviceOp, type DeviceOp } from '../../resources/device-protocol/messages.js';
import { buildReference, referenceDir } from '../../scripts/protocol-reference/build-reference.js';
import { profileResultSchema } from '../../scripts/protocol-reference/profile-result-schema.js';
import { docBlocks, type DocBlock } from '../helpers/protocol-doc-blocks.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, referenceDir);
const regenerate = 'the committed protocol reference differs from the zod schemas: run npm run gen:protocol';

const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => z.iso.datetime({ offset: true }).safeParse(s).success });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** The committed JSON Schema reference/NAME.schema.json, compiled. */
function validator(name: string): ReturnType<typeof ajv.compile> {
  let v = validators.get(name);
  if (!v) {
    const file = path.join(dir, `${name}.schema.json`);
    if (!existsSync(file)) throw new Error(`No ${referenceDir}/${name}.schema.json for this example`);
    v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    validators.set(name, v);
  }
  return v;
}

function schemaProblems(name: string, value: unknown): string[] {
  const v = validator(name);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

function zodProblems(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

interface Example {
  block: DocBlock;
  name: string;
  json: unknown;
}

const examples: Example[] = docBlocks()
  .filter((b) => b.tag?.kind === 'example')
  .map((block) => ({ block, name: block.tag!.name, json: JSON.parse(block.body) as unknown }));

/** What one example must satisfy: [committed schema name, value] pairs and the zod schema the receiver parses with. */
function checksOf(e: Example): { schema: string; value: unknown; zod: z.ZodType; zodValue: unknown }[] {
  if (e.name === 'error') return [{ schema: 'error', value: e.json, zod: errorDataSchema, zodValue: e.json }];
  const [op, side] = e.name.split('.');
  if (!isDeviceOp(op) || (side !== 'request' && side !== 'response')) throw new Error(`example=${e.name} (line ${e.block.line}) names no operation's request or response`);
  // The console takes any object as a profile (z.custom); the reference's schema is the shape its views read.
  if (side === 'response') return [{ schema: e.name, value: e.json, zod: op === 'profile' ? profileResultSchema : deviceOps[op].response, zodValue: e.json }];
  const envelope = e.json as { op?: unknown; token?: unknown; req?: unknown };
  expect(envelope.op, `example=${e.name} (line ${e.block.line}) is a request of another operation`).toBe(op);
  if (op !== 'pair') expect(typeof envelope.token, `example=${e.name} (line ${e.block.line}) carries no token`).toBe('string');
  // On the wire upload-chunk's bytes are the binary part; the device hands them to the schema as `data`.
  const parsed = op === 'upload-chunk' ? { ...(envelope.req as object), data: new Uint8Array(24) } : envelope.req;
  return [
    { schema: 'envelope.request', value: e.json, zod: z.unknown(), zodValue: null },
    { schema: e.name, value: envelope.req, zod: deviceOps[op].request, zodValue: parsed },
  ];
}

describe('protocol reference', () => {
  it('matches the zod schemas it is generated from', () => {
    const generated = buildReference();
    const committed = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(committed, regenerate).toEqual([...generated.keys()].sort());
    const differing = [...generated].filter(([name, text]) => readFileSync(path.join(dir, name), 'utf8') !== text).map(([name]) => name);
    expect(differing, regenerate).toEqual([]);
  });

  it('is generated the same way twice (stable key order)', () => {
    expect([...buildReference()]).toEqual([...buildReference()]);
  });
});

describe('worked examples in SERIAL-PROTOCOL.md', () => {
  it('tags every JSON block, so none escapes these checks', () => {
    const untagged = docBlocks()
      .filter((b) => b.lang === 'json' && !b.tag)
      .map((b) => `line ${b.line}`);
    expect(untagged, 'tag each ```json block with example=NAME or vector=NAME').toEqual([]);
  });

  it('has a request and a response example for every operation, and an error', () => {
    const names = new Set(examples.map((e) => e.name));
    const missing = [...deviceOpNames.flatMap((op: DeviceOp) => [`${op}.request`, `${op}.response`]), 'error'].filter((n) => !names.has(n));
    expect(missing).toEqual([]);
  });

  it.each(examples.map((e) => [`${e.name} (line ${e.block.line})`, e] as const))('%s is valid against the JSON Schema and the zod schema', (_label, e) => {
    for (const c of checksOf(e)) {
      expect(schemaProblems(c.schema, c.value), `${c.schema}.schema.json`).toEqual([]);
      expect(zodProblems(c.zod, c.zodValue), `zod ${c.schema}`).toEqual([]);
    }
  });

  it.each(examples.map((e) => [`${e.name} (line ${e.block.line})`, e] as const))('%s without a required field is refused by both', (_label, e) => {
    const c = checksOf(e).at(-1)!;
    const required = (JSON.parse(readFileSync(path.join(dir, `${c.schema}.schema.json`), 'utf8')) as { required?: string[] }).required ?? [];
    if (required.length === 0) {
      // Nothing required (an empty request, all-optional fields): a field of the wrong type must fail instead.
      const bad = { ...(c.value as object), offset: 'x', limit: 'x', runs: 'x', healthyWindowSec: 'x', expectTrialSha256: 1, ifActiveSha256: 1 };
      expect(schemaProblems(c.schema, bad)).not.toEqual([]);
      expect(zodProblems(c.zod, { ...(c.zodValue as object), ...bad })).not.toEqual([]);
      return;
    }
    const { [required[0]]: _dropped, ...rest } = c.value as Record<string, unknown>;
    expect(schemaProblems(c.schema, rest)).not.toEqual([]);
    if (c.zodValue !== null) {
      const { [required[0]]: _droppedToo, ...zodRest } = c.zodValue as Record<string, unknown>;
      expect(zodProblems(c.zod, zodRest)).not.toEqual([]);
    }
  });
});
