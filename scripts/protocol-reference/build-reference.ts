// The whole generated reference, in memory: file name (under resources/device-protocol/reference/) → text.
import { toReferenceSchema } from './json-schema.js';
import { messagesMarkdown } from './markdown.js';
import { wireMessages } from './wire-messages.js';

export const referenceDir = 'resources/device-protocol/reference';

export function buildReference(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of wireMessages()) files.set(`${m.name}.schema.json`, `${JSON.stringify(toReferenceSchema(m), null, 2)}\n`);
  files.set('MESSAGES.md', messagesMarkdown());
  return files;
}
