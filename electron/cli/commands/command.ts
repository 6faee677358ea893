import type { ParseArgsConfig } from 'node:util';

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** What an option does, for --help: a sentence, or [VALUE placeholder, sentence] for an option that takes a value. */
export type OptionDoc = string | readonly [arg: string, text: string];

/** A subcommand (`rollout start`) dispatched inside its command's run(); main.ts refuses names not listed. */
export interface Subcommand {
  name: string;
  /** Without the leading `edgefleet`, e.g. 'rollout start MODEL|ID --target SELECTOR [--wait]'. */
  usage: string;
  summary: string;
  /** Names of the command's options that apply here (`home` and `json` included where they apply). */
  options: readonly string[];
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** What each option does; --help lists every option of `options` with its entry here (help.ts has --home and --json). */
  optionDocs?: Record<string, OptionDoc>;
  subcommands?: readonly Subcommand[];
  run(args: ParsedArgs): Promise<void>;
}
