import dns from 'node:dns';
import net from 'node:net';
import { settings } from '@/lib/config/settings';

/**
 * The SSRF guard: webhooks may only reach global unicast addresses, unless WEBHOOK_ALLOWED_TARGETS
 * names the address (CIDR) or the host. Checked on the address actually connected to: the lookup
 * below resolves, filters, and hands the connection exactly the addresses it checked.
 */
const NON_GLOBAL: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['100::', 64, 'ipv6', 'discard'],
  ['2001::', 23, 'ipv6', 'IETF protocol assignments'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'private (unique local)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const blocked = NON_GLOBAL.map(([network, prefix, family, reason]) => {
  const list = new net.BlockList();
  list.addSubnet(network, prefix, family);
  return { list, family, reason };
});

type Allowed = { list: net.BlockList; hosts: Set<string>; key: string };
let allowedCache: Allowed | null = null;

function allowed(): Allowed {
  // Checked on every attempt: re-parse only when the setting changed.
  const key = process.env.WEBHOOK_ALLOWED_TARGETS ?? '';
  if (allowedCache?.key === key) return allowedCache;
  const entries = settings.allowedTargets;
  const list = new net.BlockList();
  const hosts = new Set<string>();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = net.isIP(address);
    if (family) list.addSubnet(address, prefix ? Number(prefix) : family === 4 ? 32 : 128, family === 4 ? 'ipv4' : 'ipv6');
    else hosts.add(entry.toLowerCase());
  }
  allowedCache = { list, hosts, key };
  return allowedCache;
}

/** IPv4 hidden in an IPv6 address (mapped, NAT64, 6to4) is judged as the IPv4 address. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  return null;
}

/** Why an address may not be reached, or null when it may. */
export function refusalReason(address: string): string | null {
  const family = net.isIP(address);
  if (!family) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allowed().list.check(address, type)) return null;
  const v4 = family === 6 ? embeddedIpv4(address) : null;
  if (v4) return refusalReason(v4);
  for (const range of blocked) if (range.family === type && range.list.check(address, type)) return range.reason;
  if (type === 'ipv6' && address.toLowerCase().startsWith('2002:')) return '6to4';
  return null;
}

export function isHostAllowed(hostname: string): boolean {
  return allowed().hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
}

export function refusalMessage(target: string, address: string, reason: string): string {
  const cidr = net.isIP(address) === 6 ? `${address}/128` : `${address}/32`;
  return (
    `${target} resolves to ${address}, a ${reason} address: webhooks may only reach public addresses. ` +
    `To allow it, add it to WEBHOOK_ALLOWED_TARGETS (for example WEBHOOK_ALLOWED_TARGETS=${cidr}) and restart Herald.`
  );
}

export class TargetRefusedError extends Error {
  readonly code = 'EHERALD_REFUSED';
}

/** The bare address of a URL host: `[::1]` → `::1`. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Checks a target URL as it is saved: an IP literal, or every address its name resolves to now. */
export async function checkTarget(rawUrl: string): Promise<string | null> {
  const url = new URL(rawUrl);
  const host = hostOf(url);
  if (isHostAllowed(host)) return null;
  if (net.isIP(host)) {
    const reason = refusalReason(host);
    return reason ? refusalMessage(host, host, reason) : null;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    // A name that does not resolve today may tomorrow; each attempt checks again before connecting.
    return null;
  }
  for (const { address } of addresses) {
    const reason = refusalReason(address);
    if (reason) return refusalMessage(host, address, reason);
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls connect: resolves, keeps only allowed addresses, refuses when none is left. */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as dns.LookupAddress[];
    const hostAllowed = isHostAllowed(hostname);
    const usable = hostAllowed ? list : list.filter((a) => refusalReason(a.address) === null);
    if (usable.length === 0) {
      const first = list[0];
      const message = first ? refusalMessage(hostname, first.address, refusalReason(first.address) ?? 'refused') : `${hostname} has no address`;
      return callback(new TargetRefusedError(message), []);
    }
    if (options.all) return callback(null, usable);
    callback(null, usable[0].address, usable[0].family);
  });
}
