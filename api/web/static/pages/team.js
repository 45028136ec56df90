// 我的团队: everyone in my reporting line (managers) or a chosen department (HR/admin) at a glance: score,
// pace and alerts per person, each opening that person's plan.
import { get } from '../api.js';
import { clear, el, fmt, spinner } from '../dom.js';
import { withUnit } from '../format.js';
import { pick, t } from '../i18n.js';
import { listing } from '../listing.js';
import { renderPlan } from './plan.js';

function paceSummary(pace) {
  return Object.entries(pace).map(([s, n]) => el('span', { class: `badge ${s}` }, `${t('pace.' + s)} ${n}`));
}

// The forecast's chance per sales KPI: the riskiest people come first (the server sorts them).
function riskSummary(risk) {
  if (!risk || !risk.length) return '—';
  return el('span', { class: 'risk' }, risk.map((r) => el('span', { class: 'chance', 'data-probability': r.probability_pct === null ? '' : r.probability_pct },
    `${pick(r, 'name')} ${r.probability_pct === null ? t('pace.noChanceShort') : fmt(r.probability_pct, 0) + '%'} `,
    el('span', { class: 'range muted' }, t('pace.range', { low: fmt(r.low), high: withUnit(r.high, r.unit) })), el('br'))));
}

async function person(emp, lang, box) {
  clear(box).append(spinner(t('loading')));
  const plan = await get(`/employees/${emp.id}/plan?lang=${lang}`);
  clear(box).append(el('h2', { id: 'person-name', 'data-name': '' }, pick(emp, 'name')), await renderPlan(plan));
  box.focus();
}

export async function render({ me, lang, params }) {
  const depts = me.role === 'manager' ? [] : (await get('/departments?limit=200')).data;
  const dept = params.get('department') || (depts[0] && String(depts[0].id)) || '';
  const q = me.role === 'manager' || !dept ? '' : `?department_id=${dept}`;
  const view = await get(`/team/overview${q}`);
  const detail = el('div', { id: 'person', tabindex: '-1' });
  const rows = view.members.map((m) => [
    el('button', { class: 'secondary', type: 'button', 'data-name': '', 'data-employee': m.employee_id, onclick: () => person({ id: m.employee_id, name_zh: m.name_zh, name_en: m.name_en }, lang, detail) }, pick(m, 'name')),
    fmt(m.score, 1),
    m.grade ? t('grade.' + m.grade) : '—',
    m.rank ? t('team.rankOf', { rank: m.rank, size: m.team_size }) : '—',
    el('span', {}, paceSummary(m.pace)),
    riskSummary(m.risk),
    String(m.alerts),
  ]);
  const picker = depts.length ? el('p', {}, el('label', { for: 'dept' }, t('team.department'), ' '),
    el('select', { id: 'dept', onchange: (ev) => { location.hash = `#/team?department=${ev.target.value}`; } },
      depts.map((d) => el('option', { value: d.id, selected: String(d.id) === dept }, pick(d, 'name'))))) : null;
  const periods = [view.review_period && `${t('col.score')}: ${pick(view.review_period, 'name')}`, view.current_period && `${t('col.pace')}: ${pick(view.current_period, 'name')}`].filter(Boolean).join(' · ');
  return el('section', {}, el('h1', {}, t('team.title')), picker, el('p', { class: 'muted' }, periods),
    view.members.length ? listing([t('col.person'), t('col.score'), t('col.grade'), t('col.rank'), t('col.pace'), t('col.chance'), t('col.alerts')], rows, { numeric: [1, 6], caption: t('team.caption'), id: 'team-list', skip: [4, 5] })
      : el('p', { class: 'muted' }, t('team.empty')),
    detail);
}
