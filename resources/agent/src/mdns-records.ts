// DNS-SD records of one agent (RFC 6763) and the answer to a query (RFC 6762). The SRV target is a
// `.local` host name of the agent's own with its A/AAAA records beside it, which Avahi, Apple's dns-sd
// and python-zeroconf need to resolve the service (a bare os.hostname() target they cannot look up).
import type dnsPacket from 'dns-packet';

export const serviceType = '_edgefleet._tcp.local';
const servicesType = '_services._dns-sd._udp.local';
/** RFC 6762 section 10: host-name records 120 s, the others 75 minutes. */
const hostTtl = 120;
const otherTtl = 4500;

export interface Advert {
  /** Instance label, e.g. "line-3 [f9688670]". */
  instance: string;
  /** Host name, e.g. "edgefleet-f9688670.local". */
  host: string;
  port: number;
  txt: Record<string, string>;
  ipv4: string[];
  ipv6: string[];
}

/** A DNS label of at most 63 bytes without dots (dns-packet cannot escape a dot inside a label). */
export function dnsLabel(text: string): string {
  let label = text.replace(/\./g, '-');
  while (Buffer.byteLength(label) > 63) label = label.slice(0, -1);
  return label;
}

export function instanceFqdn(ad: Pick<Advert, 'instance'>): string {
  return `${dnsLabel(ad.instance)}.${serviceType}`;
}

export function advertRecords(ad: Advert): dnsPacket.Answer[] {
  const fqdn = instanceFqdn(ad);
  return [
    { name: serviceType, type: 'PTR', ttl: otherTtl, data: fqdn },
    { name: servicesType, type: 'PTR', ttl: otherTtl, data: serviceType },
    { name: fqdn, type: 'SRV', ttl: hostTtl, flush: true, data: { priority: 0, weight: 0, port: ad.port, target: ad.host } },
    { name: fqdn, type: 'TXT', ttl: otherTtl, flush: true, data: Object.entries(ad.txt).map(([k, v]) => `${k}=${v}`) },
    ...ad.ipv4.map((ip) => ({ name: ad.host, type: 'A', ttl: hostTtl, flush: true, data: ip })),
    ...ad.ipv6.map((ip) => ({ name: ad.host, type: 'AAAA', ttl: hostTtl, flush: true, data: ip })),
  ];
}

const same = (a: string, b: string) => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/** Answers and additional records for the questions we can answer; null when there are none. */
export function answerQuestions(questions: dnsPacket.Question[], records: dnsPacket.Answer[]): { answers: dnsPacket.Answer[]; additionals: dnsPacket.Answer[] } | null {
  const answers = records.filter((r) => questions.some((q) => same(q.name, r.name) && (q.type === 'ANY' || q.type === r.type)));
  if (answers.length === 0) return null;
  // RFC 6763 section 12: with a PTR send SRV, TXT and addresses; with an SRV, the addresses.
  const wanted = new Set<string>();
  for (const a of answers) {
    if (a.type === 'PTR' && typeof a.data === 'string') wanted.add(a.data.toLowerCase());
    if (a.type === 'PTR' || a.type === 'SRV') {
      const srv = records.find((r) => r.type === 'SRV' && (a.type === 'SRV' ? r === a : same(r.name, String(a.data))));
      if (srv) wanted.add((srv.data as { target: string }).target.toLowerCase());
    }
  }
  const additionals = records.filter((r) => !answers.includes(r) && r.type !== 'PTR' && wanted.has(r.name.toLowerCase()));
  return { answers, additionals };
}

/** True when a question asks for a unicast answer (the QU bit, RFC 6762 section 5.4). */
export function wantsUnicast(q: dnsPacket.Question): boolean {
  const m = /^UNKNOWN_(\d+)$/.exec(q.class ?? '');
  return m !== null && (Number(m[1]) & 0x8000) !== 0;
}

/** Records for a legacy unicast answer (RFC 6762 section 6.7): no cache-flush bit, TTL at most 10 s. */
export function forLegacyUnicast(records: dnsPacket.Answer[]): dnsPacket.Answer[] {
  return records.map((r) => ({ ...r, flush: false, ttl: Math.min(r.ttl ?? 10, 10) }));
}
