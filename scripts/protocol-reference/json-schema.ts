// zod schema → JSON Schema (draft 2020-12) as the reference commits it: the input side of each schema
// (what its parse accepts: every message is validated by its receiver), shared shapes titled,
// descriptions for fields of files the reference does not own, and keys in a stable order.
import { z } from 'zod';
import { extraDescriptions, sharedShapes, type WireMessage } from './wire-messages.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A schema's definition object: `.describe()` and `.optional()` clones of a shape keep it (or wrap it). */
function defOf(schema: unknown): unknown {
  return (schema as { _zod?: { def?: unknown } })._zod?.def;
}

const titleByDef = new Map(sharedShapes.map((s) => [defOf(s.schema), s.title]));
const descriptionByDef = new Map([...extraDescriptions].map(([schema, text]) => [defOf(schema), text]));

export function toReferenceSchema(m: WireMessage): Json {
  const json = z.toJSONSchema(m.schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    override: (ctx) => {
      const def = defOf(ctx.zodSchema);
      const title = titleByDef.get(def);
      if (title) ctx.jsonSchema.title = title;
      const description = descriptionByDef.get(def);
      if (description && !ctx.jsonSchema.description) ctx.jsonSchema.description = description;
    },
  }) as Json & object;
  return stableKeys({ ...json, title: m.title, description: m.description } as Json);
}

/** Keys sorted at every level, except a `properties` object's, which keep the schema's field order. */
export function stableKeys(value: Json, keepOrder = false): Json {
  if (Array.isArray(value)) return value.map((v) => stableKeys(v));
  if (!value || typeof value !== 'object') return value;
  const keys = keepOrder ? Object.keys(value) : Object.keys(value).sort();
  const out: { [key: string]: Json } = {};
  for (const key of keys) out[key] = stableKeys(value[key], !keepOrder && key === 'properties');
  return out;
}
