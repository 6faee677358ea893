// MESSAGES.md: every request and response, field by field, from the same JSON Schemas the reference
// commits (so the tables cannot say something the schemas do not).
import { deviceOpNames } from '../../resources/device-protocol/messages.js';
import { toReferenceSchema } from './json-schema.js';
import { opSummaries, sharedShapes, wireMessages, type WireMessage } from './wire-messages.js';

interface Node {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean | Node;
  items?: Node;
  anyOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const safe = Number.MAX_SAFE_INTEGER;
const shapeTitles = new Set(sharedShapes.map((s) => s.title));

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(title: string): string {
  return `[${title}](#${title.toLowerCase()})`;
}

/** The node without its `| null` branch, and whether it had one. */
function unwrapNull(node: Node): { node: Node; nullable: boolean } {
  const branches = node.anyOf;
  if (branches && branches.length === 2 && branches.some((b) => b.type === 'null')) {
    const inner = branches.find((b) => b.type !== 'null')!;
    return { node: { ...inner, description: node.description ?? inner.description, default: node.default ?? inner.default }, nullable: true };
  }
  return { node, nullable: false };
}

function isShape(node: Node): boolean {
  return !!node.title && shapeTitles.has(node.title);
}

function typeOf(node: Node): string {
  if (isShape(node)) return anchor(node.title!);
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' or ');
  if (node.anyOf) return node.anyOf.map((b) => typeOf(unwrapNull(b).node)).join(' or ');
  if (node.type === 'array') return `${node.items ? typeOf(node.items) : 'any'}[]`;
  if (Array.isArray(node.type)) return node.type.join(' or ');
  return node.type ?? 'any';
}

function limitsOf(node: Node): string {
  const out: string[] = [];
  const range = (lo: number | undefined, hi: number | undefined, unit: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${lo} … ${hi}${unit}`);
    else if (lo !== undefined) out.push(`≥ ${lo}${unit}`);
    else if (hi !== undefined) out.push(`≤ ${hi}${unit}`);
  };
  range(node.minLength, node.maxLength, ' characters');
  range(node.minItems, node.maxItems, ' items');
  const plainInt = node.type === 'integer' && node.minimum === -safe && node.maximum === safe;
  if (!plainInt) {
    if (node.exclusiveMinimum !== undefined) out.push(`> ${node.exclusiveMinimum}`);
    if (node.exclusiveMaximum !== undefined) out.push(`< ${node.exclusiveMaximum}`);
    range(node.minimum === -safe ? undefined : node.minimum, node.maximum === safe ? undefined : node.maximum, '');
  }
  if (node.format === 'date-time') out.push('ISO 8601 date-time with Z or an offset');
  else if (node.pattern) out.push(`pattern \`${node.pattern}\``);
  if (node.type === 'object' && node.additionalProperties === false && !isShape(node)) out.push('no other fields');
  if (node.default !== undefined) out.push(`default ${JSON.stringify(node.default)}`);
  return out.join(', ');
}

/** One row per field, nested objects and array items expanded (`a.b`, `a[].b`); shared shapes linked. */
function fieldRows(node: Node, prefix: string, rows: string[]): void {
  const required = new Set(node.required ?? []);
  for (const [name, raw] of Object.entries(node.properties ?? {})) {
    const { node: field, nullable } = unwrapNull(raw);
    const path = prefix ? `${prefix}.${name}` : name;
    const type = `${typeOf(field)}${nullable ? ' or null' : ''}`;
    rows.push(`| \`${path}\` | ${cell(type)} | ${required.has(name) ? 'required' : 'optional'} | ${cell(limitsOf(field))} | ${cell(field.description ?? '')} |`);
    if (isShape(field)) continue;
    if (field.type === 'object' && field.properties) fieldRows(field, path, rows);
    const items = field.type === 'array' && field.items ? unwrapNull(field.items).node : null;
    if (items && !isShape(items) && items.type === 'object' && items.properties) fieldRows(items, `${path}[]`, rows);
  }
}

function table(node: Node): string[] {
  if (!node.properties || Object.keys(node.properties).length === 0) {
    return [node.additionalProperties === false ? '`{}`: no fields (a request with any field is refused as REQUEST_INVALID).' : '`{}`: no fields.'];
  }
  const rows = ['| field | type | | limits | meaning |', '|---|---|---|---|---|'];
  fieldRows(node, '', rows);
  return rows;
}

function rootShape(m: WireMessage): string | null {
  const def = (m.schema as unknown as { _zod: { def: unknown } })._zod.def;
  return sharedShapes.find((s) => (s.schema as unknown as { _zod: { def: unknown } })._zod.def === def)?.title ?? null;
}

function body(m: WireMessage): string[] {
  const shape = rootShape(m);
  if (shape && m.name.endsWith('.response')) return [`Shape: ${anchor(shape)}.`];
  return table(toReferenceSchema(m) as Node);
}

export function messagesMarkdown(): string {
  const byName = new Map(wireMessages().map((m) => [m.name, m]));
  const lines = [
    '# EdgeFleet device messages, field by field',
    '',
    '<!-- Generated by scripts/gen-protocol-reference.ts from resources/device-protocol/messages.ts: do not edit, run npm run gen:protocol. -->',
    '',
    'Every request and response of every operation, generated from the zod schemas both ends validate with',
    '(`resources/device-protocol/messages.ts`, `manifest.ts`). Beside this file: one JSON Schema (draft 2020-12) per',
    'request and response, `OP.request.schema.json` (the `req` object) and `OP.response.schema.json`. Worked examples',
    'and the meaning of each operation are in [SERIAL-PROTOCOL.md](../SERIAL-PROTOCOL.md), sections 6 to 8.',
    '',
    '*Required*: the field must be present (`null` is a value, allowed only where the type says `or null`). *Optional*:',
    'it may be left out; a default applies where one is given. Fields not listed are ignored by the receiver (dropped',
    'before the message is used) unless the object says "no other fields", where they make it invalid. Integers are',
    'JSON numbers without a fraction; times are ISO 8601 strings; digests are lowercase hex.',
    '',
  ];
  const section = (heading: string, intro: string, names: { label: string; name: string }[]) => {
    lines.push(heading, '', intro, '');
    for (const { label, name } of names) {
      const m = byName.get(name)!;
      lines.push(`**${label}** ([${name}.schema.json](${name}.schema.json))`, '', ...body(m), '');
    }
  };
  section('## Request message', 'The JSON of a request message (kind 1). The device answers with a response message (kind 2) or an error message (kind 3) carrying the same id.', [{ label: 'Request', name: 'envelope.request' }]);
  section('## Error message', "The JSON of an error message (kind 3). Devices may add fields (the agent adds `retryAfterMs` to PAIRING_RATE_LIMITED); the console reads these three.", [{ label: 'Error', name: 'error' }]);
  lines.push('## Operations', '');
  for (const op of deviceOpNames) {
    section(`### \`${op}\``, opSummaries[op], [
      { label: 'Request `req`', name: `${op}.request` },
      { label: 'Response', name: `${op}.response` },
    ]);
  }
  lines.push('## Shapes', '', 'Objects that appear in several messages.', '');
  for (const s of sharedShapes) {
    const json = toReferenceSchema({ name: s.title, title: s.title, description: '', schema: s.schema }) as Node;
    lines.push(`### ${s.title}`, '', ...table(json), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
