// `edgefleet agent build --arch arm64|x64 -o FILE [--format tgz|deb] [--agent-version V] [--json] [--home DIR]`: a
// self-contained agent build, signed with this console's key (so the console's home, where that key lives, matters).
import { agentBuildFormats, buildAgentArchive, type AgentBuildFormat } from '../../core/agent-build/agent-build.js';
import { loadOrCreateConsoleKey } from '../../core/devices/console-key.js';
import { resolveHome } from '../../core/registry/home.js';
import { printJson, UsageError } from '../output.js';
import type { ParsedArgs } from './command.js';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const suffix: Record<AgentBuildFormat, string> = { tgz: '.tar.gz', deb: '.deb' };

function parseFormat(value: unknown, output: string): AgentBuildFormat {
  const format = value ?? 'tgz';
  if (!agentBuildFormats.includes(format as AgentBuildFormat)) throw new UsageError(`--format ${String(format)}: give tgz (a .tar.gz with install.sh) or deb (a Debian package)`);
  const f = format as AgentBuildFormat;
  // A .tar.gz named .deb (or the reverse) fails on the board with a confusing message: say it here.
  for (const other of agentBuildFormats) {
    if (other !== f && output.endsWith(suffix[other]) && !output.endsWith(suffix[f])) throw new UsageError(`-o ${output} ends in ${suffix[other]} but --format is ${f}: give --format ${other}, or name the file …${suffix[f]}`);
  }
  return f;
}

export async function runAgentBuild({ values, positionals }: ParsedArgs): Promise<void> {
  if (positionals.length > 1) throw new UsageError('agent build takes no arguments besides its options');
  if (typeof values.arch !== 'string') throw new UsageError('agent build needs --arch arm64|x64');
  if (typeof values.output !== 'string') throw new UsageError('agent build needs -o FILE (e.g. -o edgefleet-agent-linux-arm64.tar.gz, or with --format deb -o edgefleet-agent-arm64.deb)');
  const format = parseFormat(values.format, values.output);
  for (const only of ['device', 'build', 'trial', 'allow-downgrade']) if (values[only] !== undefined) throw new UsageError(`--${only} belongs to agent upgrade`);
  const key = await loadOrCreateConsoleKey(resolveHome(values.home as string | undefined));
  const agentVersion = values['agent-version'];
  const result = await buildAgentArchive({ arch: values.arch, output: values.output, key, format, ...(typeof agentVersion === 'string' ? { agentVersion } : {}) });
  const { manifest } = result.signed;
  if (values.json) {
    printJson({ output: result.output, arch: result.arch, format: result.format, folder: result.folder, archiveBytes: result.archiveBytes, unpackedBytes: result.unpackedBytes, files: manifest.files.length, keySha256: result.signed.keySha256, node: manifest.node, onnxruntime: manifest.onnxruntime });
    return;
  }
  const file = result.output.split('/').pop();
  process.stdout.write(
    [
      `Agent build for linux-${result.arch}${format === 'deb' ? ' (Debian package)' : ''}: ${result.output}`,
      `  ${mb(result.archiveBytes)} (${mb(result.unpackedBytes)} unpacked, ${manifest.files.length} files); Node ${manifest.node.version}, onnxruntime ${manifest.onnxruntime.version}`,
      `  MANIFEST.json signed by the console key ${result.signed.keySha256.slice(0, 16)}…`,
      format === 'deb' ? `On the board: sudo dpkg -i ${file}   (or: sudo apt install ./${file})` : `On the board: tar xzf ${file} && sudo ./${result.folder}/install.sh`,
      '',
    ].join('\n'),
  );
}
