import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Random letters and digits, like federated ids ("6OZL5GLp1wckJzwhTG30kD") and session ids. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: taking bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A 22-character federated id (v3 ids, org uuids, request ids). */
export function federatedId(): string {
  return randomBase62(22);
}

/** A 22-character session id, as IICS hands out. */
export function sessionId(): string {
  return randomBase62(22);
}

/** A 6-character organization id ("0119Y4"). */
export function orgId(): string {
  let out = '01';
  const bytes = randomBytes(4);
  for (const byte of bytes) out += BASE36[byte % 36];
  return out;
}

/**
 * Two-character type codes of real v2 ids (`<orgId><code><12 characters>`), as seen in real
 * payloads: 0Z mapping task, 0N linear taskflow, 0E monitor entry, C1 log entry, 08 agent,
 * 25 runtime environment, 03 user. The others are the fake's own choice.
 */
export const ID_CODES = {
  MTT: '0Z',
  WORKFLOW: '0N',
  DSS: '0Y',
  DRS: '0T',
  DMASK: '0X',
  PCS: '0W',
  monitorEntry: '0E',
  logEntry: 'C1',
  agent: '08',
  runtimeEnvironment: '25',
  user: '03',
} as const;

/** Hands out 20-character v2 ids for one organization, counting per type code like IICS. */
export class V2IdFactory {
  private readonly counters = new Map<string, number>();
  constructor(readonly org: string) {}

  next(code: string): string {
    const n = (this.counters.get(code) ?? 0) + 1;
    this.counters.set(code, n);
    return `${this.org}${code}${n.toString(36).toUpperCase().padStart(12, '0')}`;
  }
}
