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
  // RFC 8215 local-use IPv4/IPv6 translation: a network's own NAT64, whatever IPv4 address it embeds.
  ['64:ff9b:1::', 48, 'ipv6', 'local-use NAT64 (RFC 8215)'],
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
    if (family)
      list.addSubnet(
        address,
        prefix ? Number(prefix) : family === 4 ? 32 : 128,
        family === 4 ? 'ipv4' : 'ipv6',
      );
    else hosts.add(entry.toLowerCase());
  }
  allowedCache = { list, hosts, key };
  return allowedCache;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail turned into two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
}

function isMapped(address: string): boolean {
  const g = ipv6Groups(address);
  return g.slice(0, 5).every((n) => n === 0) && g[5] === 0xffff;
}

function isNat64(address: string): boolean {
  const g = ipv6Groups(address);
  return g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((n) => n === 0);
}

const toIpv4 = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * IPv4 hidden in an IPv6 address, in every form that carries one, judged as the IPv4 address:
 * IPv4-compatible `::a.b.c.d`, mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d` (RFC 6145), the
 * NAT64 well-known prefix `64:ff9b::/96` (RFC 6052), and 6to4 `2002:AABB:CCDD::` (RFC 3056).
 */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (g.length !== 8 || g.some((n) => !Number.isInteger(n) || n < 0 || n > 0xffff)) return null;
  const zero = (from: number, to: number) => g.slice(from, to).every((n) => n === 0);
  if (zero(0, 6)) return toIpv4(g[6], g[7]);
  if (zero(0, 5) && g[5] === 0xffff) return toIpv4(g[6], g[7]);
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return toIpv4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return toIpv4(g[6], g[7]);
  if (g[0] === 0x2002) return toIpv4(g[1], g[2]);
  return null;
}

/**
 * Verdicts already reached, for the allow list of the moment: an IP-literal target is judged at every
 * attempt, and judging it walks some twenty address ranges.
 */
const verdicts = { key: '', byAddress: new Map<string, string | null>() };
const VERDICTS_KEPT = 10_000;

/** Why an address may not be reached, or null when it may. */
export function refusalReason(address: string): string | null {
  const { key } = allowed();
  if (verdicts.key !== key) Object.assign(verdicts, { key, byAddress: new Map() });
  const known = verdicts.byAddress.get(address);
  if (known !== undefined) return known;
  const reason = judge(address);
  if (verdicts.byAddress.size >= VERDICTS_KEPT) verdicts.byAddress.clear();
  verdicts.byAddress.set(address, reason);
  return reason;
}

function judge(address: string): string | null {
  const family = net.isIP(address);
  if (!family) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allowed().list.check(address, type)) return null;
  for (const range of blocked)
    if (range.family === type && range.list.check(address, type)) return range.reason;
  const v4 = family === 6 ? embeddedIpv4(address) : null;
  if (v4) {
    const reason = refusalReason(v4);
    if (reason) return `${reason} (IPv4 ${v4} inside IPv6)`;
  }
  // ::/8 is reserved apart from IPv4-mapped addresses and NAT64's 64:ff9b::/96 (judged above by the IPv4 they carry).
  if (type === 'ipv6' && ipv6Groups(address)[0] < 0x100 && !isMapped(address) && !isNat64(address))
    return 'reserved (::/8)';
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

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for net/tls connect: resolves, keeps only allowed addresses, refuses when none is left. */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses;
    const hostAllowed = isHostAllowed(hostname);
    const usable = hostAllowed ? list : list.filter((a) => refusalReason(a.address) === null);
    if (usable.length === 0) {
      const first = list[0];
      const message = first
        ? refusalMessage(hostname, first.address, refusalReason(first.address) ?? 'refused')
        : `${hostname} has no address`;
      return callback(new TargetRefusedError(message), []);
    }
    if (options.all) return callback(null, usable);
    callback(null, usable[0].address, usable[0].family);
  });
}
