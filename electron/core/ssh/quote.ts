/** One argument for a POSIX shell command line, single-quoted. */
export function sh(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
