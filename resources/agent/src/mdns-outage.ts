// One log line when mDNS stops working and one when it works again, however many queries, retries
// and announcements fail in between: a network that cannot carry mDNS must not flood the journal.
export class MdnsOutage {
  private down = false;

  constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

  get failing(): boolean {
    return this.down;
  }

  failed(what: string, err: unknown): void {
    if (this.down) return;
    this.down = true;
    const e = err as NodeJS.ErrnoException;
    const why = e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
    this.log(
      `edgefleet-agent: mDNS: cannot ${what} (${why}). The agent serves on without LAN discovery and retries; ` +
        'consoles can still add it by address. Check that the network allows multicast to 224.0.0.251 port 5353.',
    );
  }

  worked(): void {
    if (!this.down) return;
    this.down = false;
    this.log('edgefleet-agent: mDNS: advertising again.');
  }
}
