import type { RecordedRequest } from './fake/types.js';

/**
 * For `iics-fake --verbose`: returns a function that, each time it is called, writes one line for
 * every request of `requests` that has ended since (answered, dropped or aborted), with its warnings, and remembers
 * the ones still pending for a later call. A pending request never holds back the ones after it,
 * and one that leaves `requests` (see `maxRecorded`) while pending is still printed once it ends.
 * (More than `maxRecorded` requests between two calls: the oldest of them were never seen.)
 */
export function createRequestPrinter(requests: readonly RecordedRequest[], write: (line: string) => void): () => void {
  let lastSeen: RecordedRequest | undefined;
  const pending: RecordedRequest[] = [];
  return () => {
    // Records are appended and leave from the front: the new ones follow the last one seen, or,
    // when that one has left too, every record there is is new.
    const from = lastSeen === undefined ? 0 : requests.lastIndexOf(lastSeen) + 1;
    for (let i = from; i < requests.length; i++) pending.push(requests[i]!);
    lastSeen = requests.at(-1) ?? lastSeen;
    let kept = 0;
    for (const r of pending) {
      const outcome = r.status ?? (r.dropped ? 'dropped' : r.aborted ? 'aborted' : undefined);
      if (outcome === undefined) pending[kept++] = r;
      else write(`${new Date(r.at).toISOString()} ${r.method} ${r.path} ${outcome}${r.warnings ? r.warnings.map((w) => ` warning: ${w}`).join('') : ''}`);
    }
    pending.length = kept;
  };
}
