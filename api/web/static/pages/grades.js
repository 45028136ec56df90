// 等级分布: how many people got each grade company-wide and per department in the latest ended period.
import { get } from '../api.js';
import { barChart } from '../charts.js';
import { el, fmt, table, zoomable } from '../dom.js';
import { pick, t } from '../i18n.js';

const COLORS = ['#15803d', '#1d4ed8', '#b91c1c'];

export async function render() {
  const [dist, depts] = await Promise.all([get('/grades'), get('/departments?limit=200')]);
  const grades = Object.keys(dist.counts);
  const name = (code) => pick(depts.data.find((d) => d.code === code), 'name') || code;
  return el('section', {}, el('h1', {}, t('grades.title'), dist.period ? ` · ${pick(dist, 'period_name')}` : ''),
    el('p', { id: 'grades-total' }, t('grades.people', { n: dist.people })),
    zoomable(barChart(grades.map((g) => ({ label: t('grade.' + g), value: dist.counts[g] })), { label: t('grades.title'), colors: COLORS }), t('chart.open')),
    table([t('col.department'), t('grades.headcount'), t('col.score'), ...grades.map((g) => t('grade.' + g))],
      dist.departments.map((d) => [el('span', { 'data-name': '' }, name(d.department)), d.people, fmt(d.mean_score), ...grades.map((g) => d.counts[g])]), { numeric: [1, 2, 3, 4, 5] }),
    el('p', { class: 'muted' }, t('grades.note')));
}
