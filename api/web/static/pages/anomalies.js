// 异常: inflation and anomaly flags of a period with their evidence (nothing is changed by reading them), in words:
// the flag's title and severity, its subject by name (no codes), each piece of evidence by its label with a plain
// explanation on hover, and numbers as people read them (a p value of 4.27e-06 is "< 0.001").
import { get } from '../api.js';
import { el, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { num, pct } from '../format.js';

const SHARES = new Set(['share_high', 'company_share_high', 'share_above', 'min_payout_ratio', 'mean_payout_ratio']);
const COUNTS = new Set(['people', 'periods']);
const CODE = /\s*\((?:[A-Z]{1,4}\d{2,})\)\s*$/; // an employee code after a name: "Zhu Chenwen (E0032)"

// A key's text, or `fallback`'s when the dictionary has no entry for it.
function word(key, fallback) {
  const s = t(key);
  return s === key ? t(fallback) : s;
}

export function flagTitle(code) { return word('an.code.' + code, 'an.code.other'); }
export function severityWord(sev) { return word('an.sev.' + sev, 'an.sev.warning'); }

// The subject by name in the page's language: the API's localized field when it sends one, else the zh / en half of
// "团队：朱晨文 / team of Zhu Chenwen (E0032)" without the code.
export function subjectName(f) {
  const own = f[`subject_name_${getLang()}`];
  if (own) return own.replace(CODE, '');
  const parts = String(f.subject_name || '').split(' / ');
  const mine = (getLang() === 'en' ? parts[1] : parts[0]) ?? parts[0] ?? '';
  const bare = mine.replace(CODE, '').trim();
  if (/^团队：/.test(bare)) return t('an.teamOf', { name: bare.replace(/^团队：/, '') });
  if (/^team of /.test(bare)) return t('an.teamOf', { name: bare.replace(/^team of /, '') });
  return bare;
}

// A p value as people read it: "< 0.001" for tiny ones, else three decimals; shares as percentages.
export function evidenceValue(key, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v !== 'number') return String(v);
  if (key === 'p_value') return v < 0.001 ? t('an.lt', { v: num(0.001, 3) }) : num(v, 3);
  if (SHARES.has(key)) return pct(v, 0);
  if (COUNTS.has(key)) return num(v, 0);
  return num(v, 2);
}

function evidenceLabel(f, key) {
  const given = f.evidence_labels && (f.evidence_labels[getLang()]?.[key] || f.evidence_labels[key]);
  const label = given || word('an.ev.' + key, 'an.ev.other');
  const help = t('an.evh.' + key);
  return help === 'an.evh.' + key ? label : el('abbr', { title: help, tabindex: '0', class: 'explained', 'data-key': key }, label);
}

// Numbers inside a sentence as people read them: "p=4.27e-06" and "p=0" become "p < 0.001", no scientific notation.
export function plainNumbers(text) {
  return String(text).replace(/ -> /g, ' → ')
    .replace(/\bp\s*=\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g, (m, v) => (Number(v) < 0.001 ? `p ${t('an.lt', { v: num(0.001, 3) })}` : `p = ${num(Number(v), 3)}`))
    .replace(/\d+(?:\.\d+)?[eE][-+]?\d+/g, (v) => (Math.abs(Number(v)) < 0.001 ? t('an.lt', { v: num(0.001, 3) }) : num(Number(v), 3)));
}

// The API's sentence, with the subject's code ("team:E0032") replaced by the subject's name.
function explanation(f, name) {
  const text = pick(f, 'explanation');
  return plainNumbers(f.subject ? text.split(f.subject).join(name) : text);
}

function flagCard(f) {
  const name = subjectName(f);
  return el('div', { class: 'card flag', 'data-code': f.code },
    el('h3', {}, el('span', { class: 'badge warn', 'data-severity': f.severity }, severityWord(f.severity)), ' ', name, ' · ', flagTitle(f.code)),
    el('p', {}, explanation(f, name)),
    table([t('an.evidence'), t('an.value')], Object.entries(f.evidence).map(([k, v]) => [evidenceLabel(f, k), evidenceValue(k, v)]), { numeric: [1] }));
}

export async function render({ params }) {
  const q = params.get('period') ? `?period_id=${params.get('period')}` : '';
  const [rep, periods] = await Promise.all([get(`/anomalies${q}`), get('/periods?limit=24')]);
  const sel = el('select', { id: 'an-period', onchange: (e) => { location.hash = `#/anomalies?period=${e.target.value}`; } },
    periods.data.filter((p) => p.kind === 'month').map((p) => el('option', { value: p.id, selected: p.id === rep.period.id }, pick(p, 'name'))));
  return el('section', {}, el('h1', {}, t('an.title')),
    el('p', {}, el('label', { for: 'an-period' }, t('col.period'), ' '), sel),
    el('p', { class: 'muted' }, t('an.note')),
    rep.flags.length ? el('div', { id: 'flags' }, rep.flags.map(flagCard)) : el('p', { class: 'ok' }, t('an.none')),
    el('h2', {}, t('an.checks')),
    table([t('an.check'), t('col.status'), t('an.reason')], rep.checks.map((c) => [flagTitle(c.code), t('status.' + c.status),
      c.status === 'skipped' ? word('an.skip.' + c.code, 'an.skip.other') : '—']), { stack: true }));
}
