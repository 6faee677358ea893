// `edgefleet agent build --arch arm64|x64 -o FILE [--agent-version V] [--json] [--home DIR]`: a self-contained agent build,
// signed with this console's key (so the console's home, where that key lives, matters).
import { buildAgentArchive } from '../../core/agent-build/agent-build.js';
import { loadOrCreateConsoleKey } from '../../core/devices/console-key.js';
import { resolveHome } from '../../core/registry/home.js';
import { printJson, UsageError } from '../output.js';
import type { ParsedArgs } from './command.js';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export async function runAgentBuild({ values, positionals }: ParsedArgs): Promise<void> {
  if (positionals.length > 1) throw new UsageError('agent build takes no arguments besides its options');
  if (typeof values.arch !== 'string') throw new UsageError('agent build needs --arch arm64|x64');
  if (typeof values.output !== 'string') throw new UsageError('agent build needs -o FILE (e.g. -o edgefleet-agent-linux-arm64.tar.gz)');
  const key = await loadOrCreateConsoleKey(resolveHome(values.home as string | undefined));
  for (const only of ['device', 'build', 'trial', 'allow-downgrade']) if (values[only] !== undefined) throw new UsageError(`--${only} belongs to agent upgrade`);
  const agentVersion = values['agent-version'];
  const result = await buildAgentArchive({ arch: values.arch, output: values.output, key, ...(typeof agentVersion === 'string' ? { agentVersion } : {}) });
  const { manifest } = result.signed;
  if (values.json) {
    printJson({ output: result.output, arch: result.arch, folder: result.folder, archiveBytes: result.archiveBytes, unpackedBytes: result.unpackedBytes, files: manifest.files.length, keySha256: result.signed.keySha256, node: manifest.node, onnxruntime: manifest.onnxruntime });
    return;
  }
  process.stdout.write(
    [
      `Agent build for linux-${result.arch}: ${result.output}`,
      `  ${mb(result.archiveBytes)} (${mb(result.unpackedBytes)} unpacked, ${manifest.files.length} files); Node ${manifest.node.version}, onnxruntime ${manifest.onnxruntime.version}`,
      `  MANIFEST.json signed by the console key ${result.signed.keySha256.slice(0, 16)}…`,
      `On the board: tar xzf ${result.output.split('/').pop()} && sudo ./${result.folder}/install.sh`,
      '',
    ].join('\n'),
  );
}
