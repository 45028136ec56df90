// Numbers and amounts in the page's language: money is kept in fen (integers) and shown in yuan with 2 decimals.
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
