// A device message that fails its schema, in words a firmware author can act on: the operation, and per
// problem the field path, what the protocol expects and what came, plus where the message is documented.
// Both ends use it: the console for responses it cannot read (DEVICE_PROTOCOL), a device for requests it
// refuses (REQUEST_INVALID). Never a stack trace or a JSON dump of the whole message.
import type { z } from 'zod';
import { AppError } from './error-data.js';
import { certOps, deviceOps, type CertOp, type CertResponse, type DeviceOp, type DeviceResponse } from './messages.js';

export const protocolErrorTitle = 'The device sent a reply the console cannot read';
const referenceDoc = 'resources/device-protocol/reference/MESSAGES.md';
/** Problems named in one detail; the rest are counted. */
const maxIssues = 4;
/** Longest rendering of a received value. */
const maxValueChars = 40;
/** Fields whose values never reach a message or a log (a token answered by pair). */
const secretKey = /token|secret|password|privatekey|signature/i;

type Issue = z.core.$ZodIssue;

/** For describeIssues where the message itself is not at hand (a zod error caught far from its parse). */
export const inputUnknown: unique symbol = Symbol('input unknown');

/** Where an operation's messages are documented. */
export function referenceFor(op: string): string {
  return Object.prototype.hasOwnProperty.call(deviceOps, op) ? `${referenceDoc}#${op}` : referenceDoc;
}

/** "`status.lastHealth.runs`: expected an integer, received "five"; …" for the first few issues. */
export function describeIssues(op: string, issues: readonly Issue[], input: unknown, schema?: z.ZodType): string {
  const parts = issues.slice(0, maxIssues).map((i) => describeIssue(op, i, input, schema));
  const more = issues.length - maxIssues;
  return parts.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
}

/** The console could not read a device's response: an AppError with code DEVICE_PROTOCOL. */
export function responseError(op: string, error: z.ZodError, input: unknown, schema?: z.ZodType): AppError {
  const n = error.issues.length;
  return new AppError(
    'DEVICE_PROTOCOL',
    protocolErrorTitle,
    `The ${op} response does not match the protocol (${n} problem${n === 1 ? '' : 's'}): ${describeIssues(op, error.issues, input, schema)}. Fix the device's ${op} response: see ${referenceFor(op)}.`,
  );
}

/** A device refuses a request that fails its schema: REQUEST_INVALID, with the same kind of detail. */
export function requestRefusal(op: string, error: z.ZodError, input: unknown, schema?: z.ZodType): AppError {
  return new AppError(
    'REQUEST_INVALID',
    `Invalid ${op} request`,
    `The device refused the ${op} request: ${describeIssues(op, error.issues, input, schema)}. The request must match ${referenceFor(op)}.`,
  );
}

/** A device operation's response, validated; a mismatch throws DEVICE_PROTOCOL naming each problem. */
export function readResponse<Op extends DeviceOp>(op: Op, raw: unknown): DeviceResponse<Op> {
  const schema = deviceOps[op].response;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw responseError(op, parsed.error, raw, schema);
  return parsed.data as DeviceResponse<Op>;
}

/** The MQTT binding's own operations (certificate rotation), validated the same way. */
export function readCertResponse<Op extends CertOp>(op: Op, raw: unknown): CertResponse<Op> {
  const schema = certOps[op].response;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw responseError(op, parsed.error, raw, schema);
  return parsed.data as CertResponse<Op>;
}

/** One schema problem of a message: where (the field path, prefixed with the operation), what the protocol expects, what came. */
export interface IssuePart {
  path: string;
  expected: string;
  received: string;
}

/** The first few problems of a message that failed its schema, as parts (the conformance tester lists them). */
export function issueParts(op: string, issues: readonly Issue[], input: unknown, schema?: z.ZodType, most = maxIssues): IssuePart[] {
  return issues.slice(0, most).map((i) => issuePart(op, i, input, schema));
}

function describeIssue(op: string, issue: Issue, input: unknown, schema?: z.ZodType): string {
  const p = issuePart(op, issue, input, schema);
  return `\`${p.path}\`: expected ${p.expected}, received ${p.received}`;
}

function issuePart(op: string, issue: Issue, input: unknown, schema?: z.ZodType): IssuePart {
  const path = [op, ...issue.path.map(String)].join('.');
  const at = 'input' in issue ? issue.input : input === inputUnknown ? inputUnknown : valueAt(input, issue.path);
  const key = issue.path.length ? String(issue.path[issue.path.length - 1]) : '';
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${k}"`).join(', ');
    return { path, expected: 'no other fields', received: `${issue.keys.length === 1 ? 'field' : 'fields'} ${names}` };
  }
  if (issue.code === 'invalid_union' && issue.discriminator && 'options' in issue) {
    // zod puts the discriminator into the path; the value is the tag the message carried.
    const tag = input === inputUnknown ? inputUnknown : valueAt(input, issue.path);
    return { path, expected: oneOf(issue.options ?? []), received: received(tag, secretKey.test(key)) };
  }
  const want = issue.code === 'invalid_type' && schema ? typeAt(schema, issue.path) ?? expected(issue) : expected(issue);
  return { path, expected: want, received: received(at, secretKey.test(key)) };
}

interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; in?: SchemaNode; shape?: Record<string, SchemaNode>; element?: SchemaNode; checks?: { _zod: { def: { check?: string } } }[] } };
}
const wrappers = ['nullable', 'optional', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'];

/**
 * What the schema wants at a path, more precisely than zod's invalid_type says: "an integer" where zod
 * says number (the integer check runs only on numbers), "… or null" for a nullable field.
 */
function typeAt(schema: z.ZodType, path: readonly PropertyKey[]): string | null {
  let node: SchemaNode | undefined = schema as unknown as SchemaNode;
  let nullable = false;
  const unwrap = () => {
    for (let def = node?._zod.def; def && (wrappers.includes(def.type) || def.type === 'pipe'); def = node?._zod.def) {
      if (def.type === 'nullable') nullable = true;
      node = def.type === 'pipe' ? def.in : def.innerType;
    }
  };
  for (const key of path) {
    unwrap();
    nullable = false;
    const def: SchemaNode['_zod']['def'] | undefined = node?._zod.def;
    node = def?.type === 'object' ? def.shape?.[String(key)] : def?.type === 'array' ? def.element : undefined;
  }
  unwrap();
  const def = node?._zod.def;
  if (!def) return null;
  const integer = def.type === 'number' && (def.checks ?? []).some((c) => c._zod.def.check === 'number_format');
  const name = integer ? 'an integer' : typeNames[def.type];
  return name ? `${name}${nullable ? ' or null' : ''}` : null;
}

function expected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return typeName(issue.expected);
    case 'invalid_value':
      return oneOf(issue.values);
    case 'too_small':
      return bound(issue.origin, issue.inclusive ? '≥' : '>', issue.minimum, issue.exact);
    case 'too_big':
      return bound(issue.origin, issue.inclusive ? '≤' : '<', issue.maximum, issue.exact);
    case 'invalid_format':
      // A regex with a message names what it wants ("a lowercase hex SHA-256"); zod's own messages do not.
      return issue.format === 'regex' && !issue.message.startsWith('Invalid') ? issue.message : `a ${issue.format === 'regex' ? `string matching ${issue.pattern}` : `${issue.format} string`}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return unionOf(issue.errors);
    default:
      return issue.message;
  }
}

const typeNames: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
  Uint8Array: 'binary data',
};

function typeName(t: string): string {
  return typeNames[t] ?? `a value of type ${t}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v)).join(', ');
  return values.length === 1 ? shown : `one of ${shown}`;
}

function bound(origin: string, op: string, limit: unknown, exact?: boolean): string {
  const n = typeof limit === 'bigint' ? limit.toString() : String(limit);
  const cmp = exact ? 'exactly' : op === '≥' ? 'at least' : op === '≤' ? 'at most' : op === '>' ? 'more than' : 'fewer than';
  if (origin === 'string') return `a string of ${cmp} ${n} characters`;
  if (origin === 'array' || origin === 'set') return `${cmp} ${n} items`;
  return `a number ${exact ? '=' : op} ${n}`;
}

/** "a string or a number": what each branch of a union wanted at the union's own path. */
function unionOf(branches: readonly (readonly Issue[])[]): string {
  const wants = branches.map((b) => {
    const own = b.filter((i) => i.path.length === 0);
    return own.length ? expected(own[0]) : 'a value of another shape';
  });
  return [...new Set(wants)].join(' or ') || 'another value';
}

const missing = Symbol('missing');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return missing;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The value that came, short: a quoted string, a number, "an object with 3 fields"; secrets and bytes by size only. */
function received(v: unknown, secret: boolean): string {
  if (v === missing) return 'nothing (the field is missing)';
  if (v === inputUnknown) return 'something else';
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `${v.byteLength} bytes of binary data`;
  if (secret && v !== null) return `a ${typeof v} (not shown)`;
  if (Array.isArray(v)) return v.length === 0 ? '[] (an empty array)' : `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') {
    const n = Object.keys(v).length;
    return n === 0 ? '{} (an empty object)' : `an object with field${n === 1 ? '' : 's'} ${abbreviate(Object.keys(v).join(', '))}`;
  }
  const text = typeof v === 'bigint' ? v.toString() : JSON.stringify(v) ?? String(v);
  return `${abbreviate(text)}${typeof v === 'string' ? '' : ` (${typeof v})`}`;
}

function abbreviate(text: string): string {
  return text.length > maxValueChars ? `${text.slice(0, maxValueChars - 1)}…` : text;
}
