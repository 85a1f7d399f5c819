import { BlockList, isIP } from 'node:net';

/** What the socket layer knows about a request (absent for in-process calls). */
export interface ConnInfo {
  /** The TCP peer: the client, or the proxy in front of us. */
  readonly remoteAddress?: string | undefined;
  /** The connection itself is TLS (native HTTPS). */
  readonly encrypted?: boolean;
}

const LOOPBACK: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];
const PRIVATE: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

/** An IPv4-mapped IPv6 peer (::ffff:10.0.0.1, what a dual-stack socket reports) as plain IPv4. */
export function normalizeIp(addr: string): string {
  const a = addr.trim().toLowerCase();
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return m?.[1] ?? a.replace(/^\[|\]$/g, '');
}

export interface ProxyTrust {
  trusts(addr: string | undefined): boolean;
}

/** MCP_TRUST_PROXY entries (validated by the config) as a matcher. */
export function proxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const e of entries) {
    if (e === 'loopback' || e === 'private') {
      for (const [net, bits, fam] of e === 'loopback' ? LOOPBACK : PRIVATE) list.addSubnet(net, bits, fam);
      if (e === 'private') for (const [net, bits, fam] of LOOPBACK) list.addSubnet(net, bits, fam);
      continue;
    }
    const [addr = '', bits] = e.split('/');
    const fam = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(normalizeIp(addr), fam);
    else list.addSubnet(normalizeIp(addr), Number(bits), fam);
  }
  return {
    trusts: (addr) => {
      if (addr === undefined) return false;
      const a = normalizeIp(addr);
      const fam = isIP(a);
      return fam !== 0 && list.check(a, fam === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The client's address: the peer, or — when the peer is a trusted proxy — the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries left of it are the client's
 * own claims and could be forged).
 */
export function clientAddress(conn: ConnInfo | undefined, xff: string | null, trust: ProxyTrust | undefined): string {
  const peer = conn?.remoteAddress !== undefined ? normalizeIp(conn.remoteAddress) : 'unknown';
  if (trust === undefined || xff === null || !trust.trusts(peer)) return peer;
  const hops = xff
    .split(',')
    .map((h) => normalizeIp(h))
    .filter((h) => isIP(h) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i] as string;
    if (!trust.trusts(h)) return h;
  }
  return hops[0] ?? peer;
}

/**
 * Whether the request reached us over TLS: a native HTTPS connection, or a trusted proxy that says
 * every hop was https (a proxy that appends to X-Forwarded-Proto instead of replacing it then
 * cannot be fooled by a client-sent "https").
 */
export function viaTls(conn: ConnInfo | undefined, forwardedProto: string | null, trust: ProxyTrust | undefined): boolean {
  if (conn?.encrypted === true) return true;
  if (trust === undefined || !trust.trusts(conn?.remoteAddress) || forwardedProto === null) return false;
  const protos = forwardedProto.split(',').map((p) => p.trim().toLowerCase());
  return protos.length > 0 && protos.every((p) => p === 'https');
}
