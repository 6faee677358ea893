// Whether a process of this machine still runs: a lease's holder, a driver. EPERM means it runs as
// someone else. A pid can be reused after its process ends; leases also carry a heartbeat for that.
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
