// Summarises a V8 .cpuprofile (from node --cpu-prof): self time per function and per package.
import { readFile } from 'node:fs/promises';

/** Where a function lives: our package, a dependency (by node_modules name), node's own code, or V8. */
export function owner(url) {
  if (!url) return 'V8/native';
  const ours = /\/packages\/([^/]+)\//.exec(url);
  if (ours && !url.includes('/node_modules/')) return `@iics-jobs/${ours[1]}`;
  const dep = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/bench/')) return 'bench harness';
  return url;
}

export async function summarizeProfile(file, { top = 15 } = {}) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample: charge it to the sample's node.
    const dt = Math.max(0, timeDeltas[i] ?? 0);
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // The owners anywhere on a node's stack: "inclusive" time counts a sample for each of them once.
  const stackOwners = new Map();
  const ownersOnStack = (id) => {
    let set = stackOwners.get(id);
    if (set) return set;
    const parent = parentOf.get(id);
    set = new Set(parent === undefined ? [] : ownersOnStack(parent));
    const { callFrame } = byId.get(id);
    if (callFrame.url) set.add(owner(callFrame.url));
    stackOwners.set(id, set);
    return set;
  };
  const inclusive = new Map();
  const functions = new Map();
  const owners = new Map();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    const f = functions.get(key) ?? { name, where, owner: owner(callFrame.url), us: 0 };
    f.us += us;
    functions.set(key, f);
    const o = name.startsWith('(') ? name : owner(callFrame.url);
    owners.set(o, (owners.get(o) ?? 0) + us);
    for (const on of ownersOnStack(id)) inclusive.set(on, (inclusive.get(on) ?? 0) + us);
  }
  const pct = (us) => (busy > 0 ? (100 * us) / busy : 0);
  return {
    file,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ selfPct: round1(pct(f.us)), selfMs: round1(f.us / 1000), function: f.name, where: f.where, owner: f.owner })),
    byOwner: [...owners.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ owner: name, selfPct: round1(pct(us)), selfMs: round1(us / 1000) })),
    // Time with the owner's code anywhere on the stack (its callees in node core or V8 included).
    inclusiveByOwner: [...inclusive.entries()]
      .filter(([name]) => !name.startsWith('node core') && name !== 'V8/native')
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ owner: name, pct: round1(pct(us)), ms: round1(us / 1000) })),
  };
}

/** `per`: { count, unit } to show the busy time per request (or per call) as well, overall and by owner. */
export function formatSummary(summary, title, per) {
  const lines = [`${title}: ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle`];
  if (per?.count > 0) {
    const us = (ms) => ((ms * 1000) / per.count).toFixed(1);
    lines.push(`  ${us(summary.busyMs)} µs of CPU per ${per.unit} (${per.count} × ${per.unit})`);
    lines.push(`  µs per ${per.unit} by owner (self): ` + summary.byOwner.slice(0, 12).map((o) => `${o.owner} ${us(o.selfMs)}`).join(', '));
    lines.push(`  µs per ${per.unit} with the owner on the stack (inclusive): ` + summary.inclusiveByOwner.slice(0, 10).map((o) => `${o.owner} ${us(o.ms)}`).join(', '));
  }
  lines.push('  self time by owner: ' + summary.byOwner.slice(0, 10).map((o) => `${o.owner} ${o.selfPct}%`).join(', '));
  lines.push('  top self-time functions:');
  for (const f of summary.topFunctions) lines.push(`    ${String(f.selfPct).padStart(5)}%  ${f.function}  ${f.where}`);
  return lines.join('\n');
}

function shortUrl(url) {
  const i = url.lastIndexOf('/node_modules/');
  if (i >= 0) return url.slice(i + '/node_modules/'.length);
  const p = url.indexOf('/packages/');
  if (p >= 0) return url.slice(p + 1);
  const b = url.indexOf('/bench/');
  if (b >= 0) return url.slice(b + 1);
  return url.replace(/^file:\/\//, '');
}

function round1(x) {
  return Math.round(x * 10) / 10;
}
