// 异常: inflation and anomaly flags of a period with their evidence (nothing is changed by reading them).
import { get } from '../api.js';
import { el, fmt, table } from '../dom.js';
import { pick, t } from '../i18n.js';

export async function render({ params }) {
  const q = params.get('period') ? `?period_id=${params.get('period')}` : '';
  const [rep, periods] = await Promise.all([get(`/anomalies${q}`), get('/periods?limit=24')]);
  const sel = el('select', { id: 'an-period', onchange: (e) => { location.hash = `#/anomalies?period=${e.target.value}`; } },
    periods.data.filter((p) => p.kind === 'month').map((p) => el('option', { value: p.id, selected: p.id === rep.period.id }, pick(p, 'name'))));
  const flags = rep.flags.map((f) => el('div', { class: 'card flag' },
    el('h3', {}, el('span', { class: `badge ${f.severity}` }, f.severity), ' ', f.subject_name, ' · ', f.code),
    el('p', {}, pick(f, 'explanation')),
    table([t('an.evidence'), t('an.value')], Object.entries(f.evidence).map(([k, v]) => [k, fmt(v, 3)]), { numeric: [1] })));
  return el('section', {}, el('h1', {}, t('an.title')),
    el('p', {}, el('label', { for: 'an-period' }, t('col.period'), ' '), sel),
    el('p', { class: 'muted' }, t('an.note')),
    rep.flags.length ? el('div', { id: 'flags' }, flags) : el('p', { class: 'ok' }, t('an.none')),
    el('h2', {}, t('an.checks')),
    table([t('an.check'), t('col.status'), t('an.reason')], rep.checks.map((c) => [c.code, t('status.' + c.status), c.reason])));
}
