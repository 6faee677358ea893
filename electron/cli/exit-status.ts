// A command that finished its work but must say something with its exit code (a rollout that
// halted or rolled back): thrown after the output is printed; main() returns the code as is.
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
