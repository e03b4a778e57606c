// Summarises a V8 .heapsnapshot: retained self size by node type (and constructor for objects).
import { readFile } from 'node:fs/promises';

export async function summarizeHeapSnapshot(file, { top = 12 } = {}) {
  const snapshot = JSON.parse(await readFile(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const size = nodes[i + sizeAt];
    total += size;
    // Objects by constructor; strings by representation (a cons string is a tree of concatenated parts).
    const label = type === 'object' || type === 'closure' ? `${type} ${strings[nodes[i + nameAt]]}` : type;
    const g = groups.get(label) ?? { label, count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += size;
    groups.set(label, g);
  }
  return {
    file,
    totalMB: total / 2 ** 20,
    groups: [...groups.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map((g) => ({ label: g.label, count: g.count, MB: Math.round((g.bytes / 2 ** 20) * 10) / 10, pct: Math.round((1000 * g.bytes) / total) / 10 })),
  };
}

export function formatHeapSummary(summary, title) {
  const lines = [`${title}: ${summary.totalMB.toFixed(1)} MB in the snapshot`];
  for (const g of summary.groups) lines.push(`    ${String(g.MB).padStart(6)} MB ${String(g.pct).padStart(5)}%  ${g.label} (${g.count.toLocaleString('en-US')})`);
  return lines.join('\n');
}
