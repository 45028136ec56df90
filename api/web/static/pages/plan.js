// 我的计划: this period's KPIs with progress and pace, the reviewed period's score line by line, the feedback
// report, recommended courses with reasons, alerts, and past periods.
import { get } from '../api.js';
import { progressChart } from '../charts.js';
import { el, explain, fmt, table } from '../dom.js';
import { periodName, scoreFormula, withUnit } from '../format.js';
import { pick, t } from '../i18n.js';

export function kpiRows(kpis) {
  return kpis.map((k) => [
    el('span', { 'data-code': k.code }, k.name),
    `${fmt(k.weight)}%`,
    k.target_low !== null && k.target_high !== null ? `${fmt(k.target_low)} – ${withUnit(k.target_high, k.unit)}` : withUnit(k.target, k.unit),
    withUnit(k.actual, k.unit),
    el('div', {}, k.progress_pct === null ? '—' : `${fmt(k.progress_pct)}%`,
      progressChart({ actual: k.actual, target: k.target, low: k.target_low, high: k.target_high,
        projected: k.pace ? k.pace.projected_end : null, label: t('plan.progressOf', { name: k.name }),
        lower: k.direction === 'lower', status: k.pace ? k.pace.status : null })),
    k.pace ? paceCell(k) : '—',
  ]);
}

// A forecast-based pace names its chance and 80% range; a straight line says it is one.
function paceCell(k) {
  const p = k.pace;
  const parts = [el('span', { class: `badge ${p.status}` }, t('pace.' + p.status)), ' '];
  if (p.method === 'forecast') {
    parts.push(el('span', { class: 'chance', 'data-probability': p.probability_pct === null ? '' : p.probability_pct },
      p.probability_pct === null ? t('pace.noChance') : t('pace.chance', { pct: fmt(p.probability_pct, 0) })), ' ',
    el('span', { class: 'range' }, t('pace.range', { low: fmt(p.low), high: withUnit(p.high, k.unit) })), el('br'));
  }
  parts.push(el('span', { class: 'muted' }, p.explanation));
  if (k.measured) {
    const m = k.measured;
    parts.push(el('br'), el('span', { class: 'muted measured' }, t('pace.measured', {
      shops: m.shops.join(t('list.sep')), days: m.days, formula: m.formula,
    }) + (m.missing_days ? ' ' + t('pace.missing', { n: m.missing_days }) : '') + (m.counts === 'manual' ? ' ' + t('pace.manual') : '')));
    for (const o of m.overrides || []) {
      parts.push(el('br'), el('span', { class: 'muted override' }, t('pace.override', {
        value: fmt(o.value), computed: fmt(m.computed), reason: o.reason, status: t('override.' + o.status),
      })));
    }
  }
  return el('div', {}, parts);
}

// The period's one result (final score, grade, rank in the department), as on every other page.
function resultLine(r) {
  if (!r) return null;
  const how = r.calibration_id ? t('plan.calibrated') : r.review_item_id ? t('plan.reviewed') : '';
  return el('p', { id: 'plan-result', class: 'card' },
    t('plan.final'), ' ', el('strong', {}, fmt(r.score, 1)), ' · ', t('col.grade'), ' ', el('strong', {}, t('grade.' + r.grade)),
    ' · ', t('team.rankOf', { rank: r.rank, size: r.team_size }), how ? ` · ${how}` : '');
}

function scoreSection(plan) {
  const sc = plan.score;
  if (!sc) return el('p', { class: 'muted' }, t('plan.noScore'));
  const names = Object.fromEntries(((plan.facts && plan.facts.kpis) || []).map((k) => [k.code, pick(k, 'name')]));
  const units = Object.fromEntries(((plan.facts && plan.facts.kpis) || []).map((k) => [k.code, k.unit]));
  const lines = sc.lines.map((l) => [l.name || names[l.code] || l.code, `${fmt(l.weight)}%`, withUnit(l.target, units[l.code]), withUnit(l.actual, units[l.code]),
    l.achievement === null ? '—' : `${fmt(l.achievement * 100)}%${l.capped ? ' ' + t('score.capped') : ''}${l.floored ? ' ' + t('score.floored') : ''}`,
    el('strong', {}, fmt(l.points, 2)), el('span', { class: 'formula' }, scoreFormula(l, sc.policy))]);
  return el('div', {}, resultLine(plan.result),
    el('p', { id: 'score-total', class: 'card' }, t('plan.total'), ' ', el('strong', {}, fmt(sc.total, 1)), ` / ${fmt(sc.max_points)}`),
    table([t('col.kpi'), t('col.weight'), t('col.target'), t('col.actual'), t('col.achievement'), t('col.points'), explain(t('col.formula'), t('jargon.formula'))],
      lines, { stack: true, numeric: [1, 2, 3, 4, 5], caption: t('plan.howComputed', { cap: fmt(sc.policy.cap * 100), floor: fmt(sc.policy.floor * 100) }) }),
    (sc.notes || []).length ? el('ul', { class: 'muted' }, sc.notes.map((n) => el('li', {}, n))) : null);
}

function trendSection(plan) {
  const trend = (plan.facts && plan.facts.trend) || [];
  if (!trend.length) return null;
  return el('div', {}, el('h3', {}, t('plan.trend')),
    table([t('col.period'), t('col.score')], trend.map((p) => [periodName(p.period || p.code), fmt(p.score, 1)]), { numeric: [1] }));
}

// Excel and PDF of the reviewed period's scorecard and report (served by the exports API).
function exportLinks(employee, period) {
  const q = (f) => `employee_id=${employee}&period_id=${period}&format=${f}`;
  return el('p', { class: 'row', id: 'exports' }, ['scorecard', 'report'].map((what) => el('span', {}, `${t('export.' + what)}: `,
    el('a', { href: `/api/v1/exports/${what}?${q('xlsx')}`, download: '' }, 'Excel'), ' · ',
    el('a', { href: `/api/v1/exports/${what}?${q('pdf')}`, download: '' }, 'PDF'))));
}

export async function renderPlan(plan, { periods = [], onPeriod, chosen = '' } = {}) {
  const cur = plan.current_period, rev = plan.review_period;
  const pastSelect = el('select', { id: 'period-select', onchange: (e) => onPeriod && onPeriod(e.target.value) },
    el('option', { value: '' }, t('plan.latest')),
    periods.map((p) => el('option', { value: p.id, selected: String(p.id) === chosen }, pick(p, 'name'))));
  return el('div', {},
    el('h2', {}, t('plan.current'), cur ? ` · ${pick(cur, 'name')}` : ''),
    plan.kpis.length
      ? table([t('col.kpi'), t('col.weight'), t('col.targetRange'), t('col.actual'), t('col.progress'), t('col.pace')], kpiRows(plan.kpis), { numeric: [1, 2, 3], stack: true })
      : el('p', { class: 'muted' }, t('plan.noKpis')),
    el('h2', {}, t('plan.alerts')),
    plan.alerts.length ? el('ul', { id: 'alerts' }, plan.alerts.map((a) => el('li', {}, el('span', { class: 'badge warn' }, t('alert.' + a.kind)), ' ', pick(a, 'explanation'))))
      : el('p', { class: 'muted' }, t('plan.noAlerts')),
    el('h2', {}, t('plan.score'), rev ? ` · ${pick(rev, 'name')}` : ''),
    periods.length ? el('p', {}, el('label', { for: 'period-select' }, t('plan.pastPeriods'), ' '), pastSelect) : null,
    scoreSection(plan),
    trendSection(plan),
    rev ? exportLinks(plan.employee_id, rev.id) : null,
    el('h2', {}, t('plan.report')),
    plan.report ? el('pre', { class: 'report', id: 'report' }, plan.report.text) : el('p', { class: 'muted' }, t('plan.noReport')),
    el('h2', {}, t('plan.courses')),
    plan.training.length ? el('ul', { id: 'courses' }, plan.training.map((c) => el('li', {},
      el('strong', {}, c.title), ` (${fmt(c.duration_hours)} h, ${c.format}) — `, c.reason)))
      : el('p', { class: 'muted' }, t('plan.noCourses')),
    (plan.notes || []).length ? el('div', { class: 'notice' }, plan.notes.map((n) => el('p', {}, n))) : null);
}

export async function render({ params, lang, me }) {
  const q = new URLSearchParams({ lang });
  if (params.get('period')) q.set('period_id', params.get('period'));
  const [plan, periods, self] = await Promise.all([get(`/me/plan?${q}`), get('/periods?limit=24'),
    me.employee_id ? get(`/employees/${me.employee_id}`).catch(() => null) : null]);
  const ended = periods.data.filter((p) => p.kind === 'month' && plan.current_period?.id !== p.id && (!plan.current_period || p.end_date < plan.current_period.start_date));
  return el('section', {},
    el('h1', {}, t('plan.title'), self ? el('span', { class: 'muted', 'data-name': '' }, ` · ${pick(self, 'name')}`) : null),
    await renderPlan(plan, { periods: ended, chosen: params.get('period') || '', onPeriod: (id) => { location.hash = id ? `#/plan?period=${id}` : '#/plan'; } }));
}
