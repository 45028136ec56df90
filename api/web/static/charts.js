// Small hand-drawn SVG charts: progress against a target range, values with intervals, bars.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...kids) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, String(v));
  for (const k of kids) n.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return n;
}

function svg(w, h, label) {
  return s('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': label, class: 'chart' },
    s('title', {}, label));
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const short = (v) => (Math.abs(v) >= 10000 ? `${(v / 10000).toFixed(1)}万` : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2).replace(/\.?0+$/, ''));

// Actual so far against the target range, with the projected end of the period when there is one. A
// lower-is-better KPI (`lower`) past its target, or a pace that is behind, is not drawn green.
export function progressChart({ actual, target, low, high, projected, label, lower = false, status = null }) {
  const W = 320, H = 46, L = 6, R = 314;
  const vals = [actual, target, low, high, projected].map(num).filter((v) => v !== null);
  const max = Math.max(1e-9, ...vals) * 1.08;
  const x = (v) => L + ((R - L) * Math.max(0, v)) / max;
  const g = svg(W, H, label);
  g.append(s('rect', { x: L, y: 14, width: R - L, height: 14, fill: '#e4e4e7', rx: 3 }));
  if (num(low) !== null && num(high) !== null) {
    g.append(s('rect', { x: x(low), y: 10, width: Math.max(2, x(high) - x(low)), height: 22, fill: '#bfdbfe', stroke: '#1d4ed8', 'stroke-dasharray': '3 2' }));
  }
  const behind = ['behind', 'off_track', 'at_risk'].includes(status) || (lower && num(target) !== null && num(actual) !== null && actual > target);
  if (num(actual) !== null) g.append(s('rect', { x: L, y: 16, width: Math.max(1, x(actual) - L), height: 10, fill: behind ? '#b45309' : '#15803d', rx: 2, 'data-behind': behind ? '1' : '0' }));
  if (num(projected) !== null) g.append(s('circle', { cx: x(projected), cy: 21, r: 5, fill: '#fff', stroke: '#b45309', 'stroke-width': 2 }));
  if (num(target) !== null) {
    g.append(s('line', { x1: x(target), x2: x(target), y1: 6, y2: 36, stroke: '#1a1a1a', 'stroke-width': 2 }));
    g.append(s('text', { x: Math.min(x(target), R - 30), y: 45, 'font-size': 10, fill: '#1a1a1a' }, short(target)));
  }
  return g;
}

// Points with intervals (weights with their confidence intervals), and an optional second marker (current).
export function intervalChart(rows, { label, unit = '%', legend = [] }) {
  const rowH = 26, top = 18, W = 460, labelW = 150, R = W - 50;
  const H = top + rows.length * rowH + 10;
  const vals = rows.flatMap((r) => [r.value, r.lo, r.hi, r.other].map(num).filter((v) => v !== null));
  const max = Math.max(1, ...vals) * 1.1, min = Math.min(0, ...vals);
  const x = (v) => labelW + ((R - labelW) * (v - min)) / (max - min);
  const g = svg(W, H, label);
  legend.forEach((t, i) => g.append(s('text', { x: labelW + i * 140, y: 11, 'font-size': 11, fill: i ? '#b45309' : '#1d4ed8' }, t)));
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    g.append(s('text', { x: 4, y: y + 4, 'font-size': 12, fill: '#1a1a1a' }, r.label));
    g.append(s('line', { x1: labelW, x2: R, y1: y, y2: y, stroke: '#e4e4e7' }));
    if (num(r.lo) !== null && num(r.hi) !== null) g.append(s('line', { x1: x(r.lo), x2: x(r.hi), y1: y, y2: y, stroke: '#1d4ed8', 'stroke-width': 3 }));
    if (num(r.other) !== null) g.append(s('rect', { x: x(r.other) - 4, y: y - 4, width: 8, height: 8, fill: '#b45309' }));
    if (num(r.value) !== null) {
      g.append(s('circle', { cx: x(r.value), cy: y, r: 5, fill: '#1d4ed8' }));
      g.append(s('text', { x: R + 6, y: y + 4, 'font-size': 11, fill: '#1a1a1a' }, `${short(r.value)}${unit}`));
    }
  });
  return g;
}

// Vertical bars with their counts (grade distribution, fit comparison).
export function barChart(bars, { label, colors = [] }) {
  const W = 360, H = 170, base = 140, bw = Math.min(60, (W - 20) / Math.max(1, bars.length) - 10);
  const max = Math.max(1e-9, ...bars.map((b) => b.value || 0));
  const g = svg(W, H, label);
  bars.forEach((b, i) => {
    const h = ((b.value || 0) / max) * (base - 20);
    const x = 14 + i * (bw + 10);
    g.append(s('rect', { x, y: base - h, width: bw, height: h, fill: colors[i % (colors.length || 1)] || '#1d4ed8' }));
    g.append(s('text', { x: x + bw / 2, y: base - h - 4, 'font-size': 12, 'text-anchor': 'middle', fill: '#1a1a1a' }, b.text ?? short(b.value || 0)));
    g.append(s('text', { x: x + bw / 2, y: base + 16, 'font-size': 12, 'text-anchor': 'middle', fill: '#1a1a1a' }, b.label));
  });
  return g;
}
