// The part of dns-packet (multicast-dns's encoder, bundled with the agent) that the mDNS responder uses.
declare module 'dns-packet' {
  namespace dnsPacket {
    interface Question {
      name: string;
      type: string;
      /** 'IN', or 'UNKNOWN_<n>' when the QU bit (unicast response wanted) is set: dns-packet 5 does not strip it. */
      class?: string;
    }
    interface Answer {
      name: string;
      type: string;
      class?: string;
      ttl?: number;
      flush?: boolean;
      data: unknown;
    }
    interface Packet {
      id?: number;
      type?: 'query' | 'response';
      flags?: number;
      questions?: Question[];
      answers?: Answer[];
      authorities?: Answer[];
      additionals?: Answer[];
    }
  }
  const dnsPacket: {
    AUTHORITATIVE_ANSWER: number;
    encode(packet: dnsPacket.Packet): Buffer;
    decode(buf: Buffer): dnsPacket.Packet;
  };
  export = dnsPacket;
}
