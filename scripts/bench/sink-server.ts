// Bench only: a process that takes TCP and TLS connections and discards what they carry, so a copy
// to it crosses processes like a deploy to an agent does. Prints one line: {"tcp":PORT,"tls":PORT}.
// Usage: tsx scripts/bench/sink-server.ts KEY_PEM CERT_PEM
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const [keyPath, certPath] = process.argv.slice(2);
const tcp = createServer((s) => s.resume());
const tls = createTlsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (s) => s.resume().on('end', () => s.end()));
await Promise.all([tcp, tls].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
process.stdout.write(`${JSON.stringify({ tcp: (tcp.address() as AddressInfo).port, tls: (tls.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => process.exit(0));
