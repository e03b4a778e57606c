/** Keys whose numeric values are run ids: taskflow run ids have up to 20 digits, beyond what a JS number holds. */
const RUN_ID_KEY = /^run_?id$/i;

/**
 * JSON.parse, except that a number given as the value of a run id key (`RunId`, `runId`, `run_id`)
 * comes back as its exact digits, a string. Node 20's JSON.parse offers no access to the source text
 * of a number, so the text is scanned first and such numbers are quoted.
 */
export function parseJsonKeepingRunIds(text: string): unknown {
  let out = '';
  let copiedUpTo = 0;
  let lastString: string | undefined;
  let key: string | undefined;
  let afterColon = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      lastString = text.slice(i, end);
      afterColon = false;
      i = end;
      continue;
    }
    if (c === ':') {
      key = lastString === undefined ? undefined : decodeKey(lastString);
      afterColon = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (afterColon && (c === '-' || (c >= '0' && c <= '9'))) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      const token = match?.[0] ?? c;
      if (key !== undefined && RUN_ID_KEY.test(key) && /^\d+$/.test(token)) {
        out += `${text.slice(copiedUpTo, i)}"${token}"`;
        copiedUpTo = i + token.length;
      }
      i += token.length;
      afterColon = false;
      continue;
    }
    afterColon = false;
    lastString = undefined;
    i++;
  }
  return JSON.parse(copiedUpTo === 0 ? text : out + text.slice(copiedUpTo));
}

/** The index just past the string that starts at `start` (a quote); the end of the text if it never closes. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return text.length;
}

function decodeKey(token: string): string | undefined {
  try {
    const value: unknown = JSON.parse(token);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
