// MANIFEST.json of a self-contained agent build: every file with its sha256, size and mode, and the
// pinned runtimes, signed by the console's ed25519 key over the same canonical JSON the model manifests
// use. install.sh reads the file list with sed (one file per line, fixed key order: see formatSignedBuild).
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../../resources/device-protocol/canonical-json.js';

/** Paths a shell script can carry unquoted through sed and sha256sum: no spaces, quotes or `..`. */
const safePath = z
  .string()
  .max(400)
  .regex(/^[A-Za-z0-9@+_.-]+(\/[A-Za-z0-9@+_.-]+)*$/, 'a relative path of letters, digits and @+_.-')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'no . or .. segments');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

export const buildFileSchema = z.object({ path: safePath, sha256, size: z.number().int().nonnegative(), mode: z.number().int().min(0).max(0o7777) }).strict();
export type BuildFile = z.infer<typeof buildFileSchema>;

export const agentArchSchema = z.enum(['arm64', 'x64']);
export type AgentArch = z.infer<typeof agentArchSchema>;

export const agentBuildManifestSchema = z
  .object({
    kind: z.literal('edgefleet-agent-build'),
    agentVersion: z.string().min(1).max(100),
    platform: z.literal('linux'),
    arch: agentArchSchema,
    created: z.iso.datetime({ offset: true }),
    node: z.object({ version: z.string(), package: z.string(), integrity: z.string(), sha256 }).strict(),
    onnxruntime: z.object({ version: z.string() }).strict(),
    serialport: z.object({ version: z.string() }).strict(),
    files: z.array(buildFileSchema).min(1),
  })
  .strict();
export type AgentBuildManifest = z.infer<typeof agentBuildManifestSchema>;

export const signedAgentBuildSchema = z
  .object({
    /** base64 ed25519 signature over canonicalJson(manifest). */
    signature: z.string().max(200),
    /** SHA-256 of the signing key's SPKI DER, to tell which console made the build (not a trust anchor). */
    keySha256: sha256,
    manifest: agentBuildManifestSchema,
  })
  .strict();
export type SignedAgentBuild = z.infer<typeof signedAgentBuildSchema>;

export function publicKeySha256(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function signAgentBuild(privateKey: KeyObject, publicKey: KeyObject, manifest: AgentBuildManifest): SignedAgentBuild {
  const parsed = agentBuildManifestSchema.parse(manifest);
  const signature = sign(null, Buffer.from(canonicalJson(parsed), 'utf8'), privateKey).toString('base64');
  return { signature, keySha256: publicKeySha256(publicKey), manifest: parsed };
}

/** True when the text is a signed build manifest whose signature verifies with `publicKey`. */
export function verifyAgentBuild(publicKey: KeyObject, text: string): boolean {
  try {
    const parsed = signedAgentBuildSchema.safeParse(JSON.parse(text));
    if (!parsed.success || publicKey.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, Buffer.from(canonicalJson(parsed.data.manifest), 'utf8'), publicKey, Buffer.from(parsed.data.signature, 'base64'));
  } catch {
    return false;
  }
}

/** JSON with one `{"path":…,"sha256":…,"size":…,"mode":…}` line per file, the layout install.sh parses. */
export function formatSignedBuild(signed: SignedAgentBuild): string {
  const { files, ...rest } = signed.manifest;
  const lines = ['{', `  "signature": ${JSON.stringify(signed.signature)},`, `  "keySha256": ${JSON.stringify(signed.keySha256)},`, '  "manifest": {'];
  for (const [key, value] of Object.entries(rest)) lines.push(`    ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  lines.push('    "files": [');
  files.forEach((f, i) => lines.push(`      ${JSON.stringify({ path: f.path, sha256: f.sha256, size: f.size, mode: f.mode })}${i < files.length - 1 ? ',' : ''}`));
  lines.push('    ]', '  }', '}', '');
  return lines.join('\n');
}
