import { isIPv4, isIPv6 } from 'node:net';

/** Names TRUSTED_PROXIES accepts for well-known ranges, as Express's `trust proxy` does. */
export const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** The ranges a TRUSTED_PROXIES entry stands for: a named range's, or the entry itself. */
export function rangesOf(entry: string): readonly string[] {
  return Object.hasOwn(NAMED_RANGES, entry) ? NAMED_RANGES[entry] : [entry];
}

/** `::ffff:203.0.113.9` (an IPv4 client of a dual-stack socket) is 203.0.113.9; a zone index is dropped. */
export function canonical(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const zone = address.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

/** True for what TRUSTED_PROXIES accepts: an address, a CIDR range, or one of NAMED_RANGES. */
export function isAddressRange(entry: string): boolean {
  if (Object.hasOwn(NAMED_RANGES, entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const max = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (max === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
}

/** `2001:db8:1:2:3:4:5:6` with prefix 64 is `2001:db8:1:2:0:0:0:0/64`. */
export function ipv6Network(address: string, prefix: number): string {
  const masked = ipv6Groups(address).map((group, i) => {
    const bitsLeft = prefix - i * 16;
    if (bitsLeft >= 16) return group;
    return bitsLeft <= 0 ? 0 : group & (0xffff << (16 - bitsLeft)) & 0xffff;
  });
  return `${masked.map((group) => group.toString(16)).join(':')}/${prefix}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}
