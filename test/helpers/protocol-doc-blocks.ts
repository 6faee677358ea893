// The fenced blocks of SERIAL-PROTOCOL.md that tests check: ```json example=NAME (worked examples) and
// ```text vector=NAME (the signature test vector).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const protocolDocPath = fileURLToPath(new URL('../../resources/device-protocol/SERIAL-PROTOCOL.md', import.meta.url));

export interface DocBlock {
  lang: string;
  /** `example` or `vector` from the info string (`example=status.response`), null when untagged. */
  tag: { kind: string; name: string } | null;
  /** The block's text, with the newline before the closing fence. */
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export function docBlocks(text = readFileSync(protocolDocPath, 'utf8')): DocBlock[] {
  const blocks: DocBlock[] = [];
  const fence = /^```(\w*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of text.matchAll(fence)) {
    const tag = /\b(example|vector)=([\w.-]+)/.exec(m[2]);
    blocks.push({
      lang: m[1],
      tag: tag ? { kind: tag[1], name: tag[2] } : null,
      body: m[3],
      line: text.slice(0, m.index).split('\n').length,
    });
  }
  return blocks;
}

/** The one block tagged `vector=NAME`. */
export function vectorBlock(blocks: DocBlock[], name: string): DocBlock {
  const found = blocks.filter((b) => b.tag?.kind === 'vector' && b.tag.name === name);
  if (found.length !== 1) throw new Error(`SERIAL-PROTOCOL.md has ${found.length} blocks tagged vector=${name}; the test vector needs exactly one.`);
  return found[0];
}
