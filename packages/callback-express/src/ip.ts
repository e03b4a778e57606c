import { BlockList, isIP } from 'node:net';

/**
 * Parses a list of addresses and CIDR ranges ("10.0.0.0/8", "2001:db8::/32", "203.0.113.7") into a
 * matcher. Throws at start-up, naming the bad entry, rather than refusing every callback later.
 */
export function createIpAllowList(entries: readonly string[]): (ip: string | undefined) => boolean {
  if (!Array.isArray(entries)) throw new TypeError('allowedIps must be an array of addresses or CIDR ranges');
  const list = new BlockList();
  entries.forEach((entry, index) => {
    if (typeof entry !== 'string') throw new TypeError(`allowedIps[${index}] must be a string, got ${typeof entry}`);
    const [address = '', prefixText, ...rest] = entry.trim().split('/');
    const version = isIP(address);
    if (version === 0 || rest.length > 0) {
      throw new TypeError(`allowedIps[${index}]: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    }
    const type = version === 4 ? 'ipv4' : 'ipv6';
    const max = version === 4 ? 32 : 128;
    if (prefixText === undefined) {
      list.addAddress(address, type);
      return;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > max) {
      throw new TypeError(`allowedIps[${index}]: the prefix length of ${JSON.stringify(entry)} must be 0 to ${max}`);
    }
    list.addSubnet(address, prefix, type);
  });
  return (ip) => {
    if (ip === undefined) return false;
    const address = unmapIpv4(ip.trim());
    const version = isIP(address);
    if (version === 0) return false;
    return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

// A dual-stack server reports IPv4 peers as "::ffff:1.2.3.4"; the list's IPv4 ranges must match them.
function unmapIpv4(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip;
}
