import { median } from './stats.mjs';

/** Median over rounds of ours[i] / baseline[i]. */
export function pairedRatio(ours, baseline) {
  return median(ours.map((x, i) => x / baseline[i]));
}

/**
 * One line of the table. `ratio` is ours / baseline; `op` and `target` say which side of the target
 * the ratio must be on (none: the row is for information). `targetValue` checks `ours` itself
 * instead, for the issue's absolute targets (heap MB).
 */
export function row(bench, what, ours, baseline, unit, op, target, { absolute = false, met, ratio: pairedRatio } = {}) {
  // The median of per-round ratios when given: each round's two figures were measured minutes apart at most,
  // so a neighbour's load that comes and goes cancels out better than in the ratio of the two medians.
  const ratio = pairedRatio ?? ours / baseline;
  const checked = absolute ? ours : ratio;
  let verdict = null;
  if (met !== undefined) verdict = met;
  else if (op !== undefined) verdict = op === '>=' ? checked >= target : checked <= target;
  const targetText = op === undefined ? (typeof met === 'boolean' ? 'exactly once' : '') : `${absolute ? `ours ${op} ${target} ${unit}` : `${op} ${target}`}`;
  return { bench, what, ours, baseline, unit, ratio, target: targetText, met: verdict };
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

/** A plain-text table: what, ours, baseline, ratio, target, met?. */
export function formatTable(rows) {
  const header = ['#', 'what', 'ours', 'baseline', 'ratio', 'target', 'met?'];
  const lines = rows.map((r) =>
    r.skipped
      ? [r.bench, r.what, '-', '-', '-', r.target || '-', 'skipped']
      : [
          r.bench,
          r.what,
          fmt(r.ours, r.unit),
          fmt(r.baseline, r.unit),
          Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : String(r.ratio),
          r.target || '-',
          r.met === null ? '-' : r.met ? 'yes' : 'NO',
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const numeric = new Set([2, 3, 4]);
  const render = (cells) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
  return [render(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(render)].join('\n');
}
