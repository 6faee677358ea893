// The `edgefleet` command line: a thin front end over the same core services as the console.
import { parseArgs } from 'node:util';
import { isErrorData, toErrorData } from '../core/api/errors.js';
import { AppError } from '../core/api/errors.js';
import { appVersion } from '../core/util/app-root.js';
import type { Command } from './commands/command.js';
import { inspectCommand } from './commands/inspect.js';
import { modelsCommand } from './commands/models.js';
import { profileCommand } from './commands/profile.js';
import { profilesCommand } from './commands/profiles.js';
import { serveCommand } from './commands/serve.js';
import { auditCommand } from './commands/audit.js';
import { quantizeCommand } from './commands/quantize.js';
import { convertCommand } from './commands/convert.js';
import { tuneCommand } from './commands/tune.js';
import { evaluateCommand } from './commands/evaluate.js';
import { sensitivityCommand } from './commands/sensitivity.js';
import { agentCommand } from './commands/agent.js';
import { demoCommand } from './commands/demo.js';
import { deployCommand } from './commands/deploy.js';
import { devicesCommand } from './commands/devices.js';
import { pairCommand } from './commands/pair.js';
import { rollbackCommand } from './commands/rollback.js';
import { serialCommand } from './commands/serial.js';
import { sshCommand } from './commands/ssh.js';
import { abCommand } from './commands/ab.js';
import { rolloutCommand } from './commands/rollout.js';
import { ExitStatus } from './exit-status.js';
import { exitCode, printError, UsageError } from './output.js';

const commands: Command[] = [
  serveCommand,
  inspectCommand,
  profileCommand,
  modelsCommand,
  profilesCommand,
  quantizeCommand,
  convertCommand,
  evaluateCommand,
  sensitivityCommand,
  tuneCommand,
  auditCommand,
  devicesCommand,
  pairCommand,
  deployCommand,
  rollbackCommand,
  serialCommand,
  sshCommand,
  rolloutCommand,
  abCommand,
  demoCommand,
  agentCommand,
];

function help(): string {
  const lines = [
    `EdgeFleet ${appVersion()}: fleet operations for machine learning on edge devices`,
    '',
    'Usage: edgefleet COMMAND [options]',
    '',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'State lives under --home DIR, or $EDGEFLEET_HOME, or the platform app-data folder.',
    'Exit codes: 0 success, 2 bad input or refused operation, 1 internal error.',
  ];
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${appVersion()}\n`);
    return exitCode.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? exitCode.ok : exitCode.user;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    await command.run(parsed);
    return exitCode.ok;
  } catch (err) {
    if (err instanceof ExitStatus) return err.code;
    if (err instanceof UsageError) {
      printError({ code: 'USAGE', title: 'Usage', detail: `${err.message}. Try: edgefleet ${command?.usage ?? 'help'}` });
      return exitCode.user;
    }
    const data = isErrorData(err) ? err : toErrorData(err);
    printError(data);
    if (process.env.EDGEFLEET_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof AppError || data.code !== 'INTERNAL' ? exitCode.user : exitCode.internal;
  }
}
