/**
 * Which network addresses a feed may be fetched from. Feeds are URLs typed by people, so a
 * careless or hostile one could point the bot at the machine itself, the private network it
 * sits in, or a cloud metadata service that hands out credentials; those are refused.
 * Classification is ipaddr.js's (the range tables express's proxy-addr relies on).
 */
import ipaddr from 'ipaddr.js';

/** Why an address may not be fetched, or null when it may. */
export type AddressRefusal =
  'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

/** Cloud metadata endpoints outside link-local: refused even when private addresses are allowed. */
const METADATA_ADDRESSES = new Set(
  ['169.254.169.254', '100.100.100.200', 'fd00:ec2::254'].map((a) =>
    ipaddr.parse(a).toNormalizedString(),
  ),
);

const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);
const ALWAYS_REFUSED: Record<string, AddressRefusal> = {
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  broadcast: 'reserved',
  multicast: 'reserved',
  reserved: 'reserved',
  benchmarking: 'reserved',
  amt: 'reserved',
  as112: 'reserved',
  as112v6: 'reserved',
  deprecatedSiteLocal: 'reserved',
  deprecatedOrchid: 'reserved',
  orchid2: 'reserved',
  segmentRouting: 'reserved',
  // Tunnels and translations can carry a private IPv4 address inside an IPv6 one.
  '6to4': 'reserved',
  rfc6052: 'reserved',
  rfc6145: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  discard: 'reserved',
  teredo: 'reserved',
};

/**
 * Checks one resolved address. Loopback and private ranges pass only with `allowPrivate`;
 * link-local (169.254/16, fe80::/10, where 169.254.169.254 lives), metadata, unspecified,
 * multicast and reserved ranges never do: no feed is served from them.
 */
export function refusalFor(address: string, allowPrivate: boolean): AddressRefusal | null {
  if (!ipaddr.isValid(address)) return 'reserved';
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1 on the wire.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString())) return 'metadata';
  const range = parsed.range();
  const always = ALWAYS_REFUSED[range];
  if (always !== undefined) return always;
  if (range === 'loopback') return allowPrivate ? null : 'loopback';
  if (PRIVATE_RANGES.has(range)) return allowPrivate ? null : 'private';
  return null;
}

/** The sentence shown for a refused address. */
export function describeRefusal(refusal: AddressRefusal, host: string): string {
  const what: Record<AddressRefusal, string> = {
    loopback: 'this machine (loopback)',
    private: 'a private network',
    'link-local': 'a link-local address',
    metadata: 'a cloud metadata service',
    unspecified: 'an unspecified address',
    reserved: 'a reserved address range',
  };
  const hint =
    refusal === 'loopback' || refusal === 'private' ? ' (FEEDS_ALLOW_PRIVATE=true allows it)' : '';
  return `${host} is on ${what[refusal]}, which feeds may not fetch${hint}.`;
}
