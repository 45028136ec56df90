// 校准: the company's grade distribution of a period against the 20/50/30 guide, team by team (small teams are
// graded by score bands, forced distribution only from 30 people), and why each team above the guide is there.
import { get, getAll } from '../api.js';
import { barChart } from '../charts.js';
import { el, table, zoomable } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { num, pct, periodName } from '../format.js';

const GRADES = ['excellent', 'good', 'needs_improvement'];
const COLORS = ['#15803d', '#1d4ed8', '#b91c1c'];

export async function render({ params }) {
  const q = params.get('period') ? `?period_id=${params.get('period')}` : '';
  const [cal, periods, depts, plan] = await Promise.all([get(`/pay/calibration${q}`), getAll('/periods'), get('/departments?limit=200'),
    get('/me/plan').catch(() => null)]);
  // Months that have started by the server's calendar (not this device's), newest first.
  const latest = plan?.current_period?.start_date || '9999-12-31';
  const deptName = (code) => pick(depts.data.find((d) => d.code === code), 'name') || code;
  const sel = el('select', { id: 'cal-period', onchange: (e) => { location.hash = `#/calibration?period=${e.target.value}`; } },
    periods.filter((p) => p.kind === 'month' && p.start_date <= latest).slice(0, 24).map((p) => el('option', { value: p.id, selected: p.id === cal.period_id }, pick(p, 'name'))));
  const company = table([t('col.grade'), t('cal.guide'), t('cal.share'), t('grades.headcount')],
    GRADES.map((g) => [t('grade.' + g), pct(cal.guide[g], 0), el('span', { class: cal.shares[g] > cal.guide[g] + 0.1 ? 'bad' : null }, pct(cal.shares[g], 1)), num(cal.counts[g], 0)]),
    { numeric: [1, 2, 3], caption: t('cal.companyCaption', { n: num(cal.people, 0) }) });
  const above = cal.teams.filter((x) => x.above_guide);
  const teams = table([t('col.department'), t('grades.headcount'), t('cal.method'), ...GRADES.map((g) => t('grade.' + g)), t('pools.meanScore'), t('pools.deptOutcome'), t('cal.aboveGuide')],
    cal.teams.map((x) => [deptName(x.team), num(x.people, 0), t('cal.method.' + x.method), ...GRADES.map((g) => `${num(x.counts[g], 0)} (${pct(x.shares[g], 0)})`),
      num(x.mean_score, 1), x.outcome === null ? '—' : num(x.outcome, 1),
      x.above_guide ? el('span', { class: 'badge bad', 'data-above': x.team }, t('cal.above')) : el('span', { class: 'muted' }, t('cal.within'))]),
    { numeric: [1, 3, 4, 5, 6, 7], stack: true });
  return el('section', {}, el('h1', {}, t('cal.title'), ` · ${periodName(cal.period_code)}`),
    el('p', {}, el('label', { for: 'cal-period' }, t('col.period'), ' '), sel),
    el('p', { class: 'muted' }, t('cal.intro')),
    cal.results && cal.results.en ? el('p', { id: 'cal-basis' }, cal.results[getLang()] || cal.results.zh) : null,
    el('div', { class: 'cards' },
      el('figure', { class: 'card' }, zoomable(barChart(GRADES.map((g) => ({ label: t('grade.' + g), value: cal.shares[g] * 100, text: `${pct(cal.shares[g], 0)} / ${pct(cal.guide[g], 0)}` })),
        { label: t('cal.chart'), colors: COLORS }), t('chart.open')), el('figcaption', { class: 'muted' }, t('cal.chartCaption'))),
      el('div', { class: 'card', id: 'cal-company' }, company)),
    el('h2', {}, t('cal.teams')), teams,
    el('h2', {}, t('cal.why', { n: above.length })),
    above.length ? el('div', { id: 'cal-above' }, above.map((x) => el('div', { class: 'card', 'data-team': x.team },
      el('h3', {}, deptName(x.team)), el('ul', {}, pick(x, 'reasons').map((r) => el('li', {}, r))))))
      : el('p', { class: 'ok' }, t('cal.noneAbove')));
}
