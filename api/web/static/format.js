// The one place a page formats numbers, percentages, money and dates, in the page's language (the server's twin is
// core/formats.py, with the same rules): scores with one decimal, money kept in fen (integers) and shown in yuan
// with 2 decimals, dates as the reader writes them.
import { getLang, t } from './i18n.js';

const locale = () => (getLang() === 'zh' ? 'zh-CN' : 'en-US');

// A number with up to `digits` decimals ('—' when missing).
export function num(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: digits });
}

// A share 0..1 as a percentage.
export function pct(share, digits = 1) {
  if (share === null || share === undefined) return '—';
  return Number(share).toLocaleString(locale(), { style: 'percent', maximumFractionDigits: digits });
}

// An amount in fen as yuan: "223,456.78 元" / "¥223,456.78".
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const v = (fen / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return t('pay.yuan', { v });
}

// Yuan as typed ("1234.5", "1,234.56") to whole fen without floating-point drift; null when not an amount.
export function toFen(text) {
  const s = String(text ?? '').replace(/[,，\s]/g, '');
  const m = /^(\d{1,12})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

// Fen as the plain yuan text an input holds ("1234.50").
export function fenInput(fen) { return (fen / 100).toFixed(2); }

// Any value for a table cell: numbers with up to `digits` decimals in the page's language, text as it is.
export function fmt(v, digits = 2) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  return num(v, digits);
}

// A score as every page shows it (one decimal).
export function score(v) { return num(v, 1); }

// A date or time stamp from the API in the page's language: "2026年11月5日 14:05" / "Nov 5, 2026, 2:05 PM".
export function dateTime(iso, { time = true } = {}) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const opts = time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return d.toLocaleString(locale(), opts);
}

// A period code as the reader says it: "2026-07" -> "2026年7月" / "Jul 2026", "2026-Q4" -> "2026年第4季度" / "Q4 2026";
// any other code (a campaign's) is returned as it is.
export function periodName(code) {
  const s = String(code ?? '');
  let m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, 1);
    return d.toLocaleDateString(locale(), { year: 'numeric', month: getLang() === 'zh' ? 'numeric' : 'short' });
  }
  m = /^(\d{4})-?Q([1-4])$/i.exec(s);
  if (m) return t('period.quarter', { year: m[1], q: m[2] });
  return s || '—';
}

// A value with its indicator's unit: "2.74%", "31.9 秒", "12,345 元"; a bare number when the unit is unknown.
export function withUnit(v, unit, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const n = num(v, digits);
  if (!unit) return n;
  if (unit === 'count' && getLang() === 'en') return n;
  if (unit === '%') return `${n}%`;
  const key = `unit.${unit}`;
  const word = t(key);
  return `${n} ${word === key ? unit : word}`;
}

// How one scorecard line's points were computed, in words: "34 × min(实际/目标, 1.2) = 35.60".
export function scoreFormula(line, policy) {
  if (line.achievement === null || line.achievement === undefined) return t('score.noActual');
  const ratio = line.direction === 'lower' ? t('score.ratioLower') : t('score.ratioHigher');
  const floor = policy && policy.floor ? `max(${ratio}, ${num(policy.floor)})` : ratio;
  const w = line.effective_weight ?? line.weight;
  const points = Number(line.points).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${num(w)} × min(${floor}, ${num(policy ? policy.cap : 1.2)}) = ${points}`;
}

// Who did something: a person's name, or 系统 / the system for what the service did itself.
export function who(name) {
  if (!name || name === 'system') return t('who.system');
  return name;
}
