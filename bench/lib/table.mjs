import { median } from './stats.mjs';

/**
 * The per-round ratios ours[i] / baseline[i]: their median (the figure), min and max (how far one
 * round strays on a shared machine) and how many rounds there were.
 */
export function pairedRatio(ours, baseline) {
  const ratios = ours.map((x, i) => x / baseline[i]).filter((r) => Number.isFinite(r));
  if (ratios.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, rounds: 0 };
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/**
 * One line of the table. `ratio` is ours / baseline (a number, or `pairedRatio`'s result, which adds
 * the min and max of the rounds); `op` and `target` say which side of the target the ratio must be on
 * (none: the row is for information). `absolute` checks `ours` itself instead, for the issue's
 * absolute targets (heap MB). `cpu` is the CPU time (user + system, `process.cpuUsage`) per request or
 * operation of each side, which stays steadier than throughput when other processes share the cores.
 */
export function row(bench, what, ours, baseline, unit, op, target, { absolute = false, met, ratio, cpu } = {}) {
  const stats = typeof ratio === 'object' && ratio !== null ? ratio : { median: ratio ?? ours / baseline };
  const checked = absolute ? ours : stats.median;
  let verdict = null;
  if (met !== undefined) verdict = met;
  else if (op !== undefined) verdict = op === '>=' ? checked >= target : checked <= target;
  const targetText = op === undefined ? (typeof met === 'boolean' ? 'exactly once' : '') : `${absolute ? `ours ${op} ${target} ${unit}` : `${op} ${target}`}`;
  return {
    bench,
    what,
    ours,
    baseline,
    unit,
    ratio: stats.median,
    ratioMin: stats.min,
    ratioMax: stats.max,
    rounds: stats.rounds,
    cpu,
    target: targetText,
    met: verdict,
  };
}

/** CPU µs per operation of both sides, for `row`'s `cpu`: medians over the rounds. */
export function cpuPer(oursUs, baselineUs, per) {
  return { ours: median(oursUs), baseline: median(baselineUs), per };
}

/** A row that could not be measured on this machine (no Redis outside CI): shown, never counted as met or missed. */
export function skippedRow(bench, what, unit, reason) {
  return { bench, what: `${what}: SKIPPED`, ours: NaN, baseline: NaN, unit, ratio: NaN, target: '-', met: null, skipped: reason };
}

function fmt(value, unit) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

function fmtCpu(cpu) {
  if (!cpu || !Number.isFinite(cpu.ours) || !Number.isFinite(cpu.baseline)) return '-';
  const us = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  return `${us(cpu.ours)} / ${us(cpu.baseline)} µs per ${cpu.per}`;
}

/**
 * A plain-text table: what, ours, baseline, ratio with the min-max of its rounds, CPU per operation,
 * target, met?. `verdicts: false` (a --quick run) leaves the met? column out: a smoke run's short
 * rounds say nothing about a target.
 */
export function formatTable(rows, { verdicts = true } = {}) {
  const header = ['#', 'what', 'ours', 'baseline', 'ratio', 'min-max', 'CPU ours / baseline', 'target'];
  if (verdicts) header.push('met?');
  const lines = rows.map((r) => {
    if (r.skipped) return [r.bench, r.what, '-', '-', '-', '-', '-', r.target || '-', ...(verdicts ? ['skipped'] : [])];
    const cells = [
      r.bench,
      r.what,
      fmt(r.ours, r.unit),
      fmt(r.baseline, r.unit),
      Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : String(r.ratio),
      Number.isFinite(r.ratioMin) && r.rounds > 1 ? `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}` : '-',
      fmtCpu(r.cpu),
      r.target || '-',
    ];
    if (verdicts) cells.push(r.met === null ? '-' : r.met ? 'yes' : 'NO');
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const numeric = new Set([2, 3, 4, 5]);
  const render = (cells) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n');
}
