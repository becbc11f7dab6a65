import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a feed may never be fetched from (unless `FEED_ALLOW_PRIVATE=1`): this host, the
 * private networks behind it, link-local addresses (where cloud metadata services live), and ranges
 * that are not unicast destinations at all. A feed URL is typed by an editor, so without this list
 * `/feed add http://169.254.169.254/latest/meta-data/` would make the bot read its own cloud
 * credentials, or an intranet page, and show it to the editor as a draft.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
const REFUSED_V4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'a private network'],
  ['100.64.0.0', 10, 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'a private network'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'a private network'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const REFUSED_V6: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'a private network (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/** One list per range, so a refusal can name its range. */
const RANGES = [
  ...REFUSED_V4.map(([net, prefix, name]) => ({
    family: 'ipv4' as const,
    name,
    list: subnet(net, prefix, 'ipv4'),
  })),
  ...REFUSED_V6.map(([net, prefix, name]) => ({
    family: 'ipv6' as const,
    name,
    list: subnet(net, prefix, 'ipv6'),
  })),
];

function subnet(net: string, prefix: number, family: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return list;
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one: IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`. A mapped
 * `::ffff:127.0.0.1` reaches this host as surely as `127.0.0.1` does.
 */
function embeddedV4(address: string): string | undefined {
  const groups = expandV6(address);
  if (groups === undefined) return undefined;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return quad(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return quad(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return quad(groups[1]!, groups[2]!);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function expandV6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  if (fill < 0) return undefined;
  const groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function rangeOf(address: string, family: 'ipv4' | 'ipv6'): string | undefined {
  return RANGES.find((r) => r.family === family && r.list.check(address, family))?.name;
}

/**
 * Why the bot must not connect to `address` (an IP literal), or `undefined` when it may: the name
 * of the refused range it falls in, checking the IPv4 address inside IPv4-mapped and similar IPv6
 * forms too. Anything that is not an IP address is refused.
 */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return rangeOf(address, 'ipv4');
  if (family === 6) {
    const own = rangeOf(address.split('%')[0]!, 'ipv6');
    if (own !== undefined) return own;
    const inner = embeddedV4(address);
    return inner === undefined ? undefined : rangeOf(inner, 'ipv4');
  }
  return 'not an IP address';
}
