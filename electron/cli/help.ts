// Help text generated from each command's metadata (options, optionDocs, subcommands), so `--help`
// cannot miss an option the parser accepts; and the subcommand checks main.ts runs before run().
import { parseArgs } from 'node:util';
import type { Command, OptionDoc, Subcommand } from './commands/command.js';

/** Options many commands share; a command's own optionDocs entry wins. */
export const commonOptionDocs: Record<string, OptionDoc> = {
  home: ['DIR', 'State folder (default: $EDGEFLEET_HOME, else the platform app-data folder)'],
  json: 'Print the result as JSON on stdout',
};

const HELP_FLAGS = new Set(['--help', '-h']);

/** True when --help or -h comes before a `--` that ends the options. */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (HELP_FLAGS.has(a)) return true;
  }
  return false;
}

/** The positionals of args as the command's parser would see them, without failing on anything. */
export function loosePositionals(command: Command, args: string[]): string[] {
  const rest = args.filter((a) => !HELP_FLAGS.has(a));
  try {
    return parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: false }).positionals;
  } catch {
    return rest.filter((a) => !a.startsWith('-'));
  }
}

/** The subcommand named by the first positional; a message naming the fix when it is missing or unknown. */
export function findSubcommand(command: Command, positionals: string[]): { sub: Subcommand | null; error: string | null } {
  if (!command.subcommands) return { sub: null, error: null };
  const [name] = positionals;
  const names = command.subcommands.map((s) => s.name).join(', ');
  if (name === undefined) return { sub: null, error: `${command.name} needs a subcommand: ${names}; run edgefleet ${command.name} --help` };
  const sub = command.subcommands.find((s) => s.name === name) ?? null;
  if (!sub) return { sub, error: `unknown subcommand "${name}" of ${command.name} (it has ${names}); run edgefleet ${command.name} --help` };
  return { sub, error: null };
}

function optionRows(command: Command, names: readonly string[]): [string, string][] {
  const rows = names.map((name): [string, string] => {
    const spec = command.options[name];
    const doc = command.optionDocs?.[name] ?? commonOptionDocs[name] ?? '';
    const [arg, text] = typeof doc === 'string' ? ['VALUE', doc] : doc;
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${arg}` : ''}`;
    return [flag, `${text}${spec.multiple ? ' (repeatable)' : ''}`];
  });
  rows.push(['-h, --help', 'Show this help']);
  return rows;
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`.trimEnd());
}

/** `edgefleet COMMAND --help`, or `edgefleet COMMAND SUB --help` when sub is given. */
export function commandHelp(command: Command, sub: Subcommand | null = null): string {
  const lines: string[] = [];
  if (sub) {
    lines.push(`Usage: edgefleet ${sub.usage}`, '', sub.summary, '', 'Options:', ...table(optionRows(command, sub.options)));
  } else if (command.subcommands) {
    lines.push(`Usage: edgefleet ${command.name} SUBCOMMAND [options]`, '', command.summary, '', 'Subcommands:');
    for (const s of command.subcommands) lines.push(`  edgefleet ${s.usage}`, `      ${s.summary}`);
    lines.push('', 'Options (each subcommand takes those its usage names):', ...table(optionRows(command, Object.keys(command.options))));
    lines.push('', `Run \`edgefleet ${command.name} SUBCOMMAND --help\` for the options of one subcommand.`);
  } else {
    lines.push(`Usage: edgefleet ${command.usage}`, '', command.summary, '', 'Options:', ...table(optionRows(command, Object.keys(command.options))));
  }
  return lines.join('\n') + '\n';
}

/** `edgefleet --help`: every command with its usage and summary. */
export function globalHelp(commands: readonly Command[], version: string): string {
  const lines = [
    `EdgeFleet ${version}: fleet operations for machine learning on edge devices`,
    '',
    'Usage: edgefleet COMMAND [options]',
    '',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'Run `edgefleet COMMAND --help` (or `edgefleet help COMMAND [SUBCOMMAND]`) for what each option does.',
    'Shell completion: `source <(edgefleet completion bash)`.',
    'State lives under --home DIR, or $EDGEFLEET_HOME, or the platform app-data folder.',
    'Exit codes: 0 success, 2 bad input or refused operation, 1 internal error.',
  ];
  return lines.join('\n') + '\n';
}
