// Agentless deploys to hosts that run no agent: upload over SFTP to PATH.tmp, check its sha256 on the
// host, keep the current file as PATH.prev (a hard link, so PATH never goes missing), rename PATH.tmp
// over PATH, then run the user's restart command. Rollback swaps PATH and PATH.prev the same way.
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { DeployDeviceProgress } from '../api/types.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { etaSeconds, RateMeter } from '../devices/rate-meter.js';
import { sh } from './quote.js';
import { SshSession, type SshTarget } from './ssh-session.js';

type Session = SshSession;

export interface AgentlessDeployInput {
  hostId: string;
  deviceId: string;
  name: string;
  target: SshTarget;
  artifactPath: string;
  sha256: string;
  size: number;
  remotePath: string;
  restart: string | null;
}

export interface AgentlessDeployResult {
  row: DeployDeviceProgress;
  previousSha256: string | null;
  restartOutput: string | null;
}

async function remoteSha256(s: Session, file: string): Promise<string | null> {
  const r = await s.exec(`sha256sum ${sh(file)} 2>/dev/null`);
  const m = /^([0-9a-f]{64})\b/.exec(r.stdout);
  return r.code === 0 && m ? m[1] : null;
}

export async function runRestart(s: Session, restart: string | null): Promise<string | null> {
  if (!restart) return null;
  const r = await s.exec(restart);
  if (r.code !== 0) {
    const said = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ');
    throw new AppError('RESTART_FAILED', 'The restart command failed', `\`${restart}\` exited with ${r.code} on ${s.label}${said ? `: ${said}` : ''}. The file is in place; fix the command, or roll back with \`edgefleet ssh rollback\`.`);
  }
  return r.stdout.trim();
}

export async function agentlessDeployTask(input: AgentlessDeployInput, ctx: TaskContext): Promise<AgentlessDeployResult> {
  const row: DeployDeviceProgress = { deviceId: input.deviceId, name: input.name, phase: 'upload', bytes: 0, totalBytes: input.size, rateBps: null, etaSec: null, error: null };
  const report = (fraction: number) => ctx.progress({ phase: 'deploying', fraction, devices: [{ ...row }] });
  if (!path.posix.isAbsolute(input.remotePath) || input.remotePath.endsWith('/')) {
    throw new AppError('REMOTE_PATH_INVALID', 'Remote path must be an absolute file path', `"${input.remotePath}" is not an absolute path to a file on the host, e.g. /opt/app/model.onnx.`);
  }
  const file = input.remotePath;
  const tmp = `${file}.tmp`;
  report(0);
  const s = await SshSession.open(input.target);
  try {
    await s.run(`mkdir -p ${sh(path.posix.dirname(file))}`, 'Creating the folder');
    const meter = new RateMeter();
    let last = 0;
    await s.upload(input.artifactPath, tmp, (sent) => {
      row.bytes = sent;
      const now = Date.now();
      meter.add(now, sent);
      row.rateBps = meter.rate();
      row.etaSec = etaSeconds(input.size - sent, row.rateBps);
      if (now - last >= 100) {
        last = now;
        report(0.9 * (sent / Math.max(1, input.size)));
      }
    });
    row.bytes = input.size;
    throwIfCancelled(ctx.signal);

    row.phase = 'verify';
    report(0.9);
    const got = await remoteSha256(s, tmp);
    if (got !== input.sha256) {
      await s.exec(`rm -f ${sh(tmp)}`);
      throw new AppError('REMOTE_HASH_MISMATCH', 'The uploaded file is damaged', `sha256sum on ${s.label} gave ${got ?? 'nothing'} for ${tmp}, expected ${input.sha256}. The upload was removed; deploy again.`);
    }

    row.phase = 'activate';
    report(0.95);
    const previousSha256 = await remoteSha256(s, file);
    // ln keeps the current bytes under PATH.prev; mv is one rename(2), so readers see old or new, never half.
    await s.run(`{ [ ! -e ${sh(file)} ] || ln -f ${sh(file)} ${sh(`${file}.prev`)}; } && mv -f ${sh(tmp)} ${sh(file)}`, 'Swapping the file in');
    const restartOutput = await runRestart(s, input.restart);
    row.phase = 'confirmed';
    report(1);
    return { row, previousSha256, restartOutput };
  } finally {
    s.close();
  }
}

/** Swaps PATH and PATH.prev (PATH never missing), then runs the restart command. */
export async function swapBack(s: Session, file: string, restart: string | null): Promise<void> {
  const prev = `${file}.prev`;
  const hold = `${file}.rollback`;
  const r = await s.exec(`[ -e ${sh(prev)} ]`);
  if (r.code !== 0) throw new AppError('NOTHING_TO_ROLL_BACK', 'No previous file to roll back to', `${prev} does not exist on ${s.label}: the first deploy to ${file} has nothing before it.`);
  await s.run(`ln -f ${sh(file)} ${sh(hold)} && mv -f ${sh(prev)} ${sh(file)} && mv -f ${sh(hold)} ${sh(prev)}`, 'Swapping the previous file back');
  await runRestart(s, restart);
}
