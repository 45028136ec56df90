// Pieces the pay pages share: a bonus line's trace as a labelled table, grade and key-class labels.
import { el, explain, table } from './dom.js';
import { t } from './i18n.js';
import { num, periodName, yuan } from './format.js';

// Trace keys in the order a reader follows the formula; anything else the API adds is listed after them.
const ORDER = ['department', 'score', 'grade', 'grade_multiplier', 'key_class', 'key_multiplier', 'key_source', 'person_weight',
  'department_weight', 'department_pot_fen', 'department_pot_exact_fen', 'exact_fen', 'rounding_fen', 'review_adjusted_by',
  'proposed_fen', 'edited_by', 'edit_note'];
const EXACT = new Set(['department_pot_exact_fen', 'exact_fen', 'rounding_fen']);

function value(key, v, deptName) {
  if (v === null || v === undefined || v === '') return '—';
  if (key === 'grade') return t('grade.' + v);
  if (key === 'key_class') return t('pos.class.' + v);
  if (key === 'department') return deptName ? deptName(v) : v;
  if (key === 'review_adjusted_by') return t('pay.reviewItem', { id: v });
  if (key === 'key_source') return keySource(String(v));
  if (EXACT.has(key)) return `${num(v, 4)} ${t('pay.fen')}`;
  if (key.endsWith('_fen')) return yuan(v);
  if (typeof v === 'number') return num(v, 4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Where a key-position class came from, in words: "inventory 2026-Q4/double11 (expansion)" -> "2026年第4季度 · 双11 · 扩张期 的岗位盘点".
function keySource(v) {
  const m = /^inventory (\S+?)(?:\/(\S+))? \((\w+)\)$/.exec(v);
  if (!m) return v;
  const parts = [periodName(m[1]), m[2] ? t('campaign.' + m[2]) : null, t('stage.' + m[3])].filter(Boolean);
  return t('pay.keySourceInv', { what: parts.join(' · ') });
}

// The inputs of one line's amount, each with its label ("how was my bonus computed").
export function traceTable(trace, { deptName } = {}) {
  const keys = [...ORDER.filter((k) => k in trace), ...Object.keys(trace).filter((k) => !ORDER.includes(k))];
  return table([t('pay.traceInput'), t('pay.traceValue')],
    keys.map((k) => [label(k), value(k, trace[k], deptName)]), { numeric: [1] });
}

// A trace input's label; the rounding terms carry a plain explanation on hover or tap.
const EXPLAINED = new Set(['exact_fen', 'department_pot_exact_fen', 'rounding_fen']);
function label(k) {
  const text = t('trace.' + k) === 'trace.' + k ? k : t('trace.' + k);
  return EXPLAINED.has(k) ? explain(text, t('jargon.rounding')) : text;
}

export function traceDetails(trace, opts) {
  return el('details', { class: 'trace' }, el('summary', {}, t('pay.trace')), traceTable(trace, opts));
}

export function classBadge(cls) {
  const tone = cls === 'A' ? 'ok' : cls === 'B' ? 'warn' : '';
  return el('span', { class: `badge ${tone}`, 'data-class': cls }, t('pos.class.' + cls));
}
