// The `edgefleet` command line: a thin front end over the same core services as the console.
import { parseArgs } from 'node:util';
import { isErrorData, toErrorData } from '../core/api/errors.js';
import { AppError } from '../core/api/errors.js';
import { appVersion } from '../core/util/app-root.js';
import { commands } from './command-list.js';
import type { Command, Subcommand } from './commands/command.js';
import { ExitStatus } from './exit-status.js';
import { commandHelp, findSubcommand, globalHelp, loosePositionals, wantsHelp } from './help.js';
import { exitCode, printError, UsageError } from './output.js';

function usageError(detail: string): number {
  printError({ code: 'USAGE', title: 'Usage', detail });
  return exitCode.user;
}

function usageHint(command: Command, sub: Subcommand | null): string {
  if (sub) return `Try: edgefleet ${sub.usage}   (edgefleet ${command.name} ${sub.name} --help explains each option)`;
  if (command.subcommands) return `Run edgefleet ${command.name} --help for its subcommands and options`;
  return `Try: edgefleet ${command.usage}   (edgefleet ${command.name} --help explains each option)`;
}

/** `edgefleet help [COMMAND [SUB]]`, `edgefleet COMMAND [SUB] --help`: the help on stdout, exit 0. */
function printHelp(command: Command | undefined, name: string | undefined, positionals: string[]): number {
  if (name === undefined) {
    process.stdout.write(globalHelp(commands, appVersion()));
    return exitCode.ok;
  }
  if (!command) return usageError(`unknown command "${name}"; run edgefleet --help for the list of commands`);
  // `rollout --help` lists the subcommands; `rollout start --help` gives one of them.
  if (command.subcommands && positionals.length > 0) {
    const { sub, error } = findSubcommand(command, positionals);
    if (error) return usageError(error);
    process.stdout.write(commandHelp(command, sub));
  } else process.stdout.write(commandHelp(command));
  return exitCode.ok;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${appVersion()}\n`);
    return exitCode.ok;
  }
  if (!name) {
    process.stdout.write(globalHelp(commands, appVersion()));
    return exitCode.user;
  }
  if (name === '--help' || name === '-h') return printHelp(undefined, undefined, []);
  if (name === 'help') return printHelp(commands.find((c) => c.name === rest[0]), rest[0], rest.slice(1));
  const command = commands.find((c) => c.name === name);
  if (!command) return usageError(`unknown command "${name}"; run edgefleet --help for the list of commands`);
  if (wantsHelp(rest)) return printHelp(command, name, loosePositionals(command, rest));
  // Named from a lenient parse so that a bad option still gets the usage of the right subcommand.
  const sub = findSubcommand(command, loosePositionals(command, rest)).sub;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { error } = findSubcommand(command, parsed.positionals);
    if (error) return usageError(error);
    await command.run(parsed);
    return exitCode.ok;
  } catch (err) {
    if (err instanceof ExitStatus) return err.code;
    if (err instanceof UsageError) {
      return usageError(`${err.message}. ${usageHint(command, sub)}`);
    }
    const data = isErrorData(err) ? err : toErrorData(err);
    printError(data);
    if (process.env.EDGEFLEET_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof AppError || data.code !== 'INTERNAL' ? exitCode.user : exitCode.internal;
  }
}
