import { randomBytes } from 'node:crypto';

/**
 * Taskflow run ids as the documentation shows them (`681134580186693632`, `20262247166322413568`):
 * 18 to 20 digits. Every one is above 2^53 and none survives a trip through a JS number, so a client
 * that reads one through `Number` (or a plain JSON.parse) gets it wrong, every time.
 */
export function taskflowRunId(): string {
  for (;;) {
    const id = digits();
    if (String(Number(id)) !== id) return id;
  }
}

function digits(): string {
  const length = 18 + (randomBytes(1)[0]! % 3);
  let digits = String(1 + (randomBytes(1)[0]! % 9));
  while (digits.length < length) {
    for (const byte of randomBytes(length)) {
      // 250 = 25 * 10: bytes above it would favour the low digits.
      if (byte < 250 && digits.length < length) digits += String(byte % 10);
    }
  }
  return digits;
}
