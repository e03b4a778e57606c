/**
 * JSON text of an answer, with the string values of `numberKeys` written as bare JSON numbers: the
 * status resource documents `runId` as a Long, so the fake sends run ids of 20 digits as numbers that
 * a JS number cannot hold, and only a client that reads the raw text gets them right.
 */
export function jsonWithNumbers(body: unknown, numberKeys: readonly string[]): string {
  const text = JSON.stringify(body);
  if (numberKeys.length === 0) return text;
  const keys = numberKeys.map((key) => JSON.stringify(key).slice(1, -1)).join('|');
  // Only digit strings are unquoted; a key inside a string value cannot match, as its quotes would be escaped.
  return text.replace(new RegExp(`"(${keys})":"(\\d+)"`, 'g'), '"$1":$2');
}
