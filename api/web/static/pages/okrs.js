// 公司目标: HR and admin write the company's objectives and key results for a period, where every goal draft starts.
// Each KR shows, as it is typed, how kpilot reads it (indicator, target, deadline, the department that will carry
// it); objectives are created and corrected here (If-Match), and the drafts made from the period are listed.
import { ApiError, call, get, problemText } from '../api.js';
import { clear, el, table } from '../dom.js';
import { who } from '../format.js';
import { pick, t } from '../i18n.js';

const MAX_KRS = 5;

// The reading of one KR under its input, refreshed a moment after typing stops.
function readingOf(input, lang) {
  const out = el('p', { class: 'muted kr-reading', 'aria-live': 'polite' });
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const title = input.value.trim();
      if (!title) { out.textContent = ''; return; }
      try {
        const { data } = await call('/objectives/reading', { method: 'POST', json: { title, lang } });
        out.textContent = t('okrs.reading', { text: data.text, dept: data.department_name });
        if (data.needs_indicator) out.append(el('span', { class: 'badge warn' }, t('okrs.needsIndicator')));
      } catch (e) { out.textContent = problemText(e); }
    }, 350);
  };
  input.addEventListener('input', refresh);
  if (input.value) refresh();
  return out;
}

function krRow(form, i, lang, kr = null) {
  const id = `kr-${form}-${i}`;
  const input = el('input', { id, name: id, value: kr ? kr.title : '', 'data-code': kr ? kr.code : `KR${i}`,
    placeholder: t('okrs.krPlaceholder'), maxlength: 2000, class: 'wide' });
  return el('div', { class: 'field kr-row' }, el('label', { for: id }, `KR${i}`), input, readingOf(input, lang));
}

// One form for a new objective or an existing one (PATCH with its ETag).
function objectiveForm({ period, lang, objective = null, code, onDone }) {
  const err = el('p', { class: 'error', role: 'alert' });
  const title = el('input', { id: objective ? `o-title-${objective.id}` : 'o-title', value: objective ? objective.title : '', required: true,
    maxlength: 2000, class: 'wide' });
  const krs = objective ? objective.key_results : [];
  const rows = Array.from({ length: MAX_KRS }, (_, i) => krRow(objective ? objective.id : 'new', i + 1, lang, krs[i] || null));
  const form = el('form', { class: 'card okr-form', 'data-objective': objective ? objective.id : 'new', onsubmit: async (ev) => {
    ev.preventDefault();
    const lines = rows.map((r) => r.querySelector('input')).filter((x) => x.value.trim())
      .map((x) => ({ code: x.dataset.code, title: x.value.trim() }));
    if (!lines.length) { err.textContent = t('okrs.needKr'); return; }
    try {
      if (objective) {
        const { etag } = await call(`/objectives/${objective.id}`);
        await call(`/objectives/${objective.id}`, { method: 'PATCH', etag, json: { title: title.value.trim(), key_results: lines } });
      } else {
        await call('/objectives', { method: 'POST', json: { level: 'company', period_id: period.id, code, title: title.value.trim(), language: lang, key_results: lines } });
      }
      onDone();
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = problemText(e); }
  } },
  el('div', { class: 'field' }, el('label', { for: title.id }, objective ? `${objective.code} · ${t('okrs.objective')}` : t('okrs.newObjective')), title),
  ...rows,
  el('button', { type: 'submit', class: objective ? 'secondary' : '' }, objective ? t('okrs.save') : t('okrs.add')), err);
  return form;
}

export async function render(ctx) {
  const { lang, params } = ctx;
  const [periods, defaults, depts] = await Promise.all([get('/periods?limit=36'), get('/periods/defaults'), get('/departments?limit=200')]);
  const chosen = Number(params.get('period')) || defaults.next_quarter || defaults.running_quarter || defaults.running;
  const period = periods.data.find((p) => p.id === chosen) || periods.data[0];
  const section = el('section', {}, el('h1', {}, t('okrs.title')), el('p', { class: 'muted' }, t('okrs.intro')));
  if (!period) { section.append(el('p', {}, t('okrs.noPeriod'))); return section; }
  const pSel = el('select', { id: 'okr-period', onchange: () => { location.hash = `#/okrs?period=${pSel.value}`; } },
    periods.data.map((p) => el('option', { value: p.id, selected: p.id === period.id }, pick(p, 'name'))));
  const [objectives, drafts] = await Promise.all([
    get(`/objectives?period_id=${period.id}&level=company&limit=50`), get(`/goal-drafts?period_id=${period.id}&limit=50`)]);
  const box = el('div', { id: 'okr-list' });
  const reload = () => { location.hash = `#/okrs?period=${period.id}&t=${Date.now()}`; };
  for (const o of objectives.data) box.append(objectiveForm({ period, lang, objective: o, onDone: reload }));
  const used = new Set(objectives.data.map((o) => o.code));
  let n = objectives.data.length + 1;
  while (used.has(`O${n}`)) n += 1;
  const deptName = (id) => pick(depts.data.find((d) => d.id === id), 'name') || '';
  const dependants = drafts.data.length
    ? table([t('col.department'), t('col.status'), t('drafts.by'), ''], drafts.data.map((d) => [deptName(d.department_id),
      t('status.' + d.status), el('span', { 'data-name': '' }, who(d.created_by_name)), el('a', { href: `#/drafts?id=${d.id}` }, t('open'))]))
    : el('p', { class: 'muted' }, t('okrs.noDrafts'));
  section.append(el('div', { class: 'field' }, el('label', { for: 'okr-period' }, t('col.period')), pSel), box,
    objectives.data.length < 5 ? objectiveForm({ period, lang, code: `O${n}`, onDone: reload }) : null,
    el('h2', {}, t('okrs.drafts')), el('p', { class: 'muted' }, t('okrs.draftsNote')), dependants);
  return section;
}
