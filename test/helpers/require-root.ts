// Tests that need root fail, never skip, when run without it; scripts/check-system.js (run first by
// `npm test`) reports the same before any test starts.
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root: run the tests as root, namespaces need CAP_SYS_ADMIN`);
}
