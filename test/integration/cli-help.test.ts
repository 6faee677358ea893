// `edgefleet COMMAND [SUB] --help`, `help COMMAND [SUB]` and `completion bash`, run through the built
// bin for every command and subcommand the CLI has (read from the same list main.ts dispatches on).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../electron/cli/command-list.js';
import type { Command } from '../../electron/cli/commands/command.js';
import { commonOptionDocs } from '../../electron/cli/help.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'scripts', 'edgefleet.js');
const scratch = mkdtempSync(join(tmpdir(), 'ef-cli-help-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function edgefleet(...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function edgefleetAsync(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs all argument lists, two at a time (the machine has two cores). */
async function runAll(lists: string[][]): Promise<Run[]> {
  const out: Run[] = new Array(lists.length);
  let next = 0;
  const worker = async () => {
    while (next < lists.length) {
      const i = next++;
      out[i] = await edgefleetAsync(lists[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/** The option's line in the Options table of a help text. */
function optionLine(c: Command, name: string): RegExp {
  const short = c.options[name].short;
  return new RegExp(`^  ${short ? `-${short}, ` : ''}--${name}( |$)`, 'm');
}

/** The option named in a usage line, as --name or its -x short form. */
function inUsage(c: Command, name: string, usage: string): boolean {
  const short = c.options[name].short;
  return new RegExp(`(^|[\\s\\[|])(--${name}${short ? `|-${short}` : ''})(?=[\\s\\]|=]|$)`).test(usage);
}

// Typed by hand, so the tests below cannot pass on an empty or shrunken list.
const expectedCommands = [
  'serve', 'inspect', 'profile', 'models', 'profiles', 'quantize', 'convert', 'evaluate', 'sensitivity', 'tune', 'audit',
  'devices', 'pair', 'deploy', 'rollback', 'serial', 'ssh', 'rollout', 'ab', 'demo', 'agent', 'completion',
];
const expectedSubcommands: Record<string, string[]> = {
  models: ['import', 'list'],
  profiles: ['list', 'compare'],
  serial: ['list', 'add', 'conformance'],
  ssh: ['add', 'list', 'remove', 'provision', 'deploy', 'rollback', 'uninstall'],
  rollout: ['start', 'status', 'pause', 'resume', 'abort', 'rollback', 'list'],
  ab: ['start', 'status', 'promote', 'stop', 'list'],
  completion: ['bash'],
};

/** [command, subcommand or null] for everything that has a help page. */
const pages: [Command, string | null][] = commands.flatMap((c): [Command, string | null][] => [[c, null], ...(c.subcommands ?? []).map((s): [Command, string] => [c, s.name])]);

describe('CLI metadata', () => {
  it('has every command and subcommand of the hand-typed list', () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(expectedCommands));
    for (const [name, subs] of Object.entries(expectedSubcommands)) {
      expect(commands.find((c) => c.name === name)?.subcommands?.map((s) => s.name), name).toEqual(subs);
    }
    expect(pages.length).toBeGreaterThanOrEqual(expectedCommands.length + Object.values(expectedSubcommands).flat().length);
  });

  it('describes every option, and each usage line names each option it takes', () => {
    for (const c of commands) {
      for (const name of Object.keys(c.options)) {
        const doc = c.optionDocs?.[name] ?? commonOptionDocs[name];
        expect(doc, `${c.name} --${name} has no description`).toBeTruthy();
        expect(inUsage(c, name, c.usage), `${c.name}: usage does not name --${name}`).toBe(true);
      }
      for (const s of c.subcommands ?? []) {
        expect(s.usage.startsWith(`${c.name} ${s.name}`), `${c.name} ${s.name} usage`).toBe(true);
        for (const name of s.options) {
          expect(Object.keys(c.options), `${c.name} ${s.name} lists an option its command lacks`).toContain(name);
          expect(inUsage(c, name, s.usage), `${c.name} ${s.name}: usage does not name --${name}`).toBe(true);
        }
      }
    }
  });
});

describe('edgefleet --help', () => {
  it('COMMAND [SUB] --help and -h print the usage and every option, exit 0', async () => {
    const lists = pages.flatMap(([c, sub]) => ['--help', '-h'].map((flag) => [c.name, ...(sub ? [sub] : []), flag]));
    const runs = await runAll(lists);
    runs.forEach((r, i) => {
      const [c, sub] = pages[Math.floor(i / 2)];
      const label = lists[i].join(' ');
      expect(r.code, `${label}: ${r.stderr}`).toBe(0);
      expect(r.stderr, label).toBe('');
      expect(r.stdout.split('\n')[0], label).toMatch(new RegExp(`^Usage: edgefleet ${c.name}${sub ? ` ${sub}` : ''}( |$)`));
      const names = sub ? c.subcommands!.find((s) => s.name === sub)!.options : Object.keys(c.options);
      for (const name of names) expect(r.stdout, `${label} misses --${name}`).toMatch(optionLine(c, name));
      expect(r.stdout, label).toMatch(/^ {2}-h, --help /m);
      if (c.subcommands && !sub) for (const s of c.subcommands) expect(r.stdout, label).toContain(`edgefleet ${s.usage}`);
      if (sub) {
        // A subcommand's page lists only its own options.
        const others = Object.keys(c.options).filter((n) => !names.includes(n));
        for (const name of others) expect(r.stdout, `${label} lists --${name}`).not.toMatch(optionLine(c, name));
      }
    });
    // -h and --help print the same page.
    for (let i = 0; i < runs.length; i += 2) expect(runs[i + 1].stdout, lists[i].join(' ')).toBe(runs[i].stdout);
  }, 300_000);

  it('`help COMMAND [SUB]` prints the same page as --help', async () => {
    const sample: [string, string | null][] = [['deploy', null], ['pair', null], ['rollout', null], ['rollout', 'start'], ['ssh', 'deploy'], ['completion', 'bash']];
    const runs = await runAll(sample.flatMap(([c, s]) => [['help', c, ...(s ? [s] : [])], [c, ...(s ? [s] : []), '--help']]));
    for (let i = 0; i < runs.length; i += 2) {
      expect(runs[i].code, sample[i / 2].join(' ')).toBe(0);
      expect(runs[i].stdout, sample[i / 2].join(' ')).toBe(runs[i + 1].stdout);
    }
    // Options other engineers added recently are on their pages.
    expect(runs[0].stdout).toMatch(/^ {2}--allow-downgrade /m);
    expect(runs[2].stdout).toMatch(/^ {2}--fingerprint HEX /m);
  });

  it('--help shows the help and runs nothing, wherever it stands before `--`', () => {
    const home = join(scratch, 'never-made');
    const r = edgefleet('deploy', 'model.onnx', '--device', 'dev-1', '--home', home, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: edgefleet deploy /);
    expect(existsSync(home)).toBe(false);
    const s = edgefleet('rollout', '--home', home, 'start', '-h');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^Usage: edgefleet rollout start /);
    // After `--`, "--help" is a positional argument (a file name), not a request for help.
    const t = edgefleet('inspect', '--home', home, '--', '--help');
    expect(t.code).toBe(2);
    expect(t.stdout).toBe('');
    expect(t.stderr).toMatch(/^edgefleet: /);
  });

  it('the overall help lists every command and says how to get more', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = edgefleet(flag);
      expect(r.code, flag).toBe(0);
      for (const c of commands) expect(r.stdout, `${flag}: ${c.name}`).toMatch(new RegExp(`^ {2}${c.name}( |$)`, 'm'));
      expect(r.stdout).toContain('edgefleet COMMAND --help');
      expect(r.stdout).toContain('edgefleet completion bash');
    }
    expect(edgefleet().code).toBe(2);
  });
});

describe('bad commands and subcommands', () => {
  it('an unknown or missing subcommand exits 2 with one line naming the fix', async () => {
    const withSubs = commands.filter((c) => c.subcommands);
    const lists = withSubs.flatMap((c) => [[c.name, 'strat'], [c.name, 'strat', '--help'], ['help', c.name, 'strat'], [c.name]]);
    const runs = await runAll(lists);
    runs.forEach((r, i) => {
      const label = lists[i].join(' ');
      const c = withSubs[Math.floor(i / 4)];
      expect(r.code, label).toBe(2);
      expect(r.stdout, label).toBe('');
      expect(r.stderr.trim().split('\n'), label).toHaveLength(1);
      const what = i % 4 === 3 ? `${c.name} needs a subcommand: ` : `unknown subcommand "strat" of ${c.name}`;
      expect(r.stderr, label).toContain(what);
      expect(r.stderr, label).toContain(`run edgefleet ${c.name} --help`);
      for (const s of c.subcommands!) expect(r.stderr, label).toContain(s.name);
    });
  });

  it('an unknown command exits 2, with --help and with help', () => {
    for (const args of [['frobnicate'], ['frobnicate', '--help'], ['help', 'frobnicate']]) {
      const r = edgefleet(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^edgefleet: Usage: unknown command "frobnicate"; run edgefleet --help/);
    }
  });

  it("a bad option gets the usage of the subcommand it was given to, on one line", () => {
    const r = edgefleet('rollout', 'start', 'model.onnx', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'--bogus'");
    expect(r.stderr).toContain('Try: edgefleet rollout start MODEL|ID --target SELECTOR');
    expect(r.stderr).toContain('edgefleet rollout start --help');
  });
});

describe('edgefleet completion bash', () => {
  const script = join(scratch, 'edgefleet-completion.bash');

  /** COMPREPLY for the words typed so far (the last one is the word being completed), in real bash. */
  function complete(cases: string[][]): string[][] {
    const body = cases
      .map((words) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _edgefleet; echo "\${COMPREPLY[*]}"`)
      .join('\n');
    const r = spawnSync('bash', ['-c', `source '${script}'\n${body}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').slice(0, cases.length).map((l) => l.split(' ').filter(Boolean).sort());
  }

  it('prints a script that bash loads and that completes commands, subcommands and options from the metadata', () => {
    const r = edgefleet('completion', 'bash');
    expect(r.code).toBe(0);
    spawnSync('bash', ['-c', `cat > '${script}'`], { input: r.stdout });
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);

    const cases: string[][] = [['edgefleet', ''], ['edgefleet', 'ro'], ['edgefleet', 'help', 'ss']];
    const want: string[][] = [[...commands.map((c) => c.name), 'help', '--help', '--version'].sort(), ['rollback', 'rollout'], ['ssh']];
    const flags = (c: Command, names: readonly string[]) =>
      [...names.flatMap((n) => [`--${n}`, ...(c.options[n].short ? [`-${c.options[n].short}`] : [])]), '--help'].sort();
    for (const c of commands) {
      cases.push(['edgefleet', c.name, '-']);
      want.push(flags(c, Object.keys(c.options)));
      if (!c.subcommands) continue;
      cases.push(['edgefleet', c.name, '']);
      want.push(c.subcommands.map((s) => s.name).sort());
      for (const s of c.subcommands) {
        cases.push(['edgefleet', c.name, s.name, 'x', '-']);
        want.push(flags(c, s.options));
      }
    }
    // An option's value is not taken for the subcommand: `rollout --home DIR <TAB>` offers subcommands.
    cases.push(['edgefleet', 'rollout', '--home', '/tmp', 'st'], ['edgefleet', 'rollout', 'start', 'm.onnx', '--target', '']);
    want.push(['start', 'status'], []);
    expect(complete(cases)).toEqual(want);
  });
});
