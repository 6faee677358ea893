// `edgefleet completion bash`: a bash completion script generated from the same metadata as --help
// (commands, subcommands, options), so it cannot drift from what the parser accepts.
import type { Command } from './commands/command.js';
import { UsageError } from './output.js';

function flags(c: Command, name: string): string[] {
  const short = c.options[name].short;
  return [`--${name}`, ...(short ? [`-${short}`] : [])];
}

function words(c: Command, names: readonly string[]): string {
  return [...names.flatMap((n) => flags(c, n)), '--help'].join(' ');
}

/** The script; every name in it is a command, subcommand or option name (letters, digits, dashes). */
export function bashCompletion(commands: readonly Command[]): string {
  const names = [...commands.map((c) => c.name), 'help'].join(' ');
  const valueCases = commands.flatMap((c) => {
    const patterns = Object.keys(c.options)
      .filter((n) => c.options[n].type === 'string')
      .flatMap((n) => flags(c, n).map((f) => `"${c.name} ${f}"`));
    return patterns.length ? [`    ${patterns.join('|')}) return 0 ;;`] : [];
  });
  const subcommandCases = commands.filter((c) => c.subcommands).map((c) => `    ${c.name}) echo "${c.subcommands!.map((s) => s.name).join(' ')}" ;;`);
  const optionCases = commands.flatMap((c) => [
    ...(c.subcommands ?? []).map((s) => `    "${c.name} ${s.name}") echo "${words(c, s.options)}" ;;`),
    `    "${c.name} "*) echo "${words(c, Object.keys(c.options))}" ;;`,
  ]);
  return `# bash completion for edgefleet, generated from its commands by \`edgefleet completion bash\`.
# Load it with: source <(edgefleet completion bash)
_edgefleet_takes_value() {
  case "$1 $2" in
${valueCases.join('\n')}
  esac
  return 1
}
_edgefleet_subcommands() {
  case "$1" in
${subcommandCases.join('\n')}
  esac
}
_edgefleet_options() {
  case "$1 $2" in
${optionCases.join('\n')}
  esac
}
_edgefleet() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" sub="" w i skip=0
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ $w == -* ]]; then
      [[ -n $cmd ]] && _edgefleet_takes_value "$cmd" "$w" && skip=1
      continue
    fi
    if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi
  done
  # The value of an option: nothing here, so bash completes file names (complete -o default).
  ((skip)) && return 0
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "${names} --help --version" -- "$cur"))
  elif [[ $cmd == help ]]; then
    if [[ -z $sub ]]; then COMPREPLY=($(compgen -W "${names}" -- "$cur")); else COMPREPLY=($(compgen -W "$(_edgefleet_subcommands "$sub")" -- "$cur")); fi
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_edgefleet_options "$cmd" "$sub")" -- "$cur"))
  elif [[ -z $sub ]]; then
    COMPREPLY=($(compgen -W "$(_edgefleet_subcommands "$cmd")" -- "$cur"))
  fi
  return 0
}
complete -o default -F _edgefleet edgefleet
`;
}

/** The command; it takes the full list lazily because the list includes it. */
export function completionCommand(all: () => readonly Command[]): Command {
  return {
    name: 'completion',
    usage: 'completion bash',
    summary: 'Print a shell completion script for the commands, subcommands and options: source <(edgefleet completion bash)',
    options: {},
    subcommands: [{ name: 'bash', usage: 'completion bash', summary: 'A bash completion script; add `source <(edgefleet completion bash)` to ~/.bashrc', options: [] }],
    async run({ positionals }) {
      if (positionals.length !== 1) throw new UsageError('completion bash takes no further arguments');
      process.stdout.write(bashCompletion(all()));
    },
  };
}
