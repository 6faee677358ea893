// Host keys as OpenSSH shows them: "ssh-ed25519 SHA256:…", pinned on first use.
import { createHash } from 'node:crypto';
import { AppError } from '../api/errors.js';

export interface HostKey {
  type: string;
  /** "SHA256:" + unpadded base64 of the key blob's SHA-256, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export function describeHostKey(blob: Buffer): HostKey {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = len > 0 && len < 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('ascii') : 'unknown';
  return { type, fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

export function hostKeyChanged(where: string, pinned: HostKey, seen: HostKey, hostId: string): AppError {
  return new AppError(
    'HOST_KEY_CHANGED',
    'Host key changed: the SSH host is not the one that was pinned',
    `${where} showed ${seen.type} ${seen.fingerprint}, but ${pinned.type} ${pinned.fingerprint} was pinned when it was added. ` +
      'Someone may be intercepting the connection, or the host was reinstalled. Check the new fingerprint on the host itself ' +
      `(ssh-keygen -lf /etc/ssh/ssh_host_${pinned.type.replace(/^ssh-/, '')}_key.pub); if it is right, run \`edgefleet ssh remove ${hostId}\` and add the host again.`,
  );
}
