// 目标草案: request a goal draft for a period, read it as a tree (company KR -> department KR -> KPI), edit
// weights, targets and parent links with the guards shown as you type, save, publish.
import { ApiError, call, get } from '../api.js';
import { clear, el, fmt, spinner, table } from '../dom.js';
import { periodName, who } from '../format.js';
import { pick, t } from '../i18n.js';
import { scorecardRules } from '../rules.js';
import { watch } from './forecasts.js';

// The server's scorecard rules (GET /rules), loaded before a draft is shown.
let rules = null;

// The guards of one scorecard as the manager types: weights sum to the total, the number of KPIs, each KPI's
// parent exists; limits and tolerance are the server's.
export function guardsOf(kpis, parents) {
  const sum = kpis.reduce((s, k) => s + (Number(k.weight) || 0), 0);
  return [
    { ok: Math.abs(sum - rules.weight_total) <= rules.weight_sum_tolerance, text: t('guard.sum', { sum: fmt(sum) }) },
    { ok: kpis.length >= rules.min_kpis && kpis.length <= rules.max_kpis, text: t('guard.count', { n: kpis.length, max: rules.max_kpis }) },
    { ok: kpis.every((k) => Number(k.weight) > 0 && Number.isInteger(Number(k.weight))), text: t('guard.positive') },
    { ok: kpis.every((k) => parents.includes(k.parent_kr)), text: t('guard.parent') },
  ];
}

// KRs are named by their title (the id stays in data attributes); long titles are shortened in selectors.
let krTitles = {};
function krLabel(kr) { return el('span', { 'data-kr': kr.id }, kr.title); }
function krShort(id) { const s = krTitles[id] || id; return s.length > 28 ? `${s.slice(0, 27)}…` : s; }
// A definition the API writes names KRs by id: the reader sees their titles.
const withKrTitles = (text) => Object.keys(krTitles).sort((a, b) => b.length - a.length)
  .reduce((out, id) => out.split(id).join(`“${krShort(id)}”`), text || '');
const unitText = (u) => (u ? (u === '%' ? '%' : t('unit.' + u)) : '');

// company KR -> department KRs serving it -> the department's and roles' KPIs serving those.
function tree(dr) {
  const dept = dr.department;
  const deptKrs = dept.objectives.flatMap((o) => o.key_results);
  const kpisUnder = (id) => [
    ...dept.kpis.filter((k) => k.parent_kr === id).map((k) => el('li', {}, `${t('drafts.deptScorecard')}: ${k.name} ${k.weight}%`)),
    ...dr.roles.flatMap((r) => r.kpis.filter((k) => k.parent_kr === id).map((k) => el('li', {}, `${r.role_name || r.role}: ${k.name} ${k.weight}%`))),
  ];
  const companyKrs = dr.company.objectives.flatMap((o) => o.key_results);
  const items = companyKrs.map((kr) => {
    const mine = deptKrs.filter((d) => d.parent_kr === kr.id);
    const direct = kpisUnder(kr.id);
    return el('li', {}, el('span', { class: 'kr' }, krLabel(kr)),
      mine.length || direct.length ? el('ul', {}, mine.map((d) => el('li', {}, el('span', { class: 'kr' }, krLabel(d)),
        el('ul', {}, kpisUnder(d.id)))), direct) : el('span', { class: 'muted' }, ` — ${t('drafts.notServed')}`));
  });
  return el('div', { class: 'tree', id: 'draft-tree' }, el('h3', {}, dr.company.objectives.map((o) => o.title).join(' / ')), el('ul', {}, items));
}

// One scorecard's editor: inputs per KPI, the guards under it, live.
function scorecard(title, role, kpis, parents, editable, onChange) {
  const guardList = el('ul', { class: 'guards', 'aria-live': 'polite', 'data-scorecard': role || 'department' });
  const refresh = () => {
    const gs = guardsOf(kpis, parents);
    clear(guardList).append(...gs.map((g) => el('li', { class: g.ok ? 'ok-guard' : 'fail' }, g.text)));
    onChange();
  };
  const rows = kpis.map((k) => {
    const id = `${role || 'dept'}-${k.code}`;
    const w = el('input', { type: 'number', id: `w-${id}`, min: 0, max: 100, step: 1, value: k.weight, disabled: !editable,
      'aria-label': t('drafts.weightOf', { name: k.name }), oninput: (e) => { k.weight = e.target.value === '' ? 0 : Number(e.target.value); k._dirty = true; refresh(); } });
    const tv = el('input', { type: 'number', id: `t-${id}`, step: 'any', value: k.target.value ?? '', disabled: !editable,
      'aria-label': t('drafts.targetOf', { name: k.name }), oninput: (e) => { k.target.value = e.target.value === '' ? null : Number(e.target.value); k._target = true; k._dirty = true; refresh(); } });
    const p = el('select', { id: `p-${id}`, disabled: !editable, 'aria-label': t('drafts.parentOf', { name: k.name }),
      onchange: (e) => { k.parent_kr = e.target.value; k._dirty = true; refresh(); } },
      parents.includes(k.parent_kr) ? null : el('option', { value: k.parent_kr, selected: true }, `${k.parent_kr ? krShort(k.parent_kr) : '—'} ✘`),
      parents.map((id2) => el('option', { value: id2, selected: id2 === k.parent_kr, title: krTitles[id2] || null }, krShort(id2))));
    const range = k.target.low !== null && k.target.high !== null ? `${fmt(k.target.low)} – ${fmt(k.target.high)} ${unitText(k.unit)}` : '—';
    return [el('span', { title: k.definition ? withKrTitles(k.definition) : null }, k.name), w, el('span', {}, k.target.comparator || '', ' ', tv, ` ${unitText(k.unit)}`), range, p];
  });
  const box = el('div', { class: 'card' }, el('h3', {}, title),
    table([t('col.kpi'), t('col.weight'), t('col.target'), t('col.targetRange'), t('drafts.parent')], rows), guardList);
  setTimeout(refresh, 0);
  return box;
}

function edits(dr) {
  const out = [];
  const add = (role, k) => {
    if (!k._dirty) return;
    const e = { code: k.code, weight: Number(k.weight), parent_kr: k.parent_kr };
    if (role) e.role = role;
    if (k._target && k.target.value !== null) e.target = k.target.value;
    out.push(e);
  };
  dr.department.kpis.forEach((k) => add(null, k));
  dr.roles.forEach((r) => r.kpis.forEach((k) => add(r.role, k)));
  return out;
}

function problemList(e) {
  const rows = (e.problem && e.problem.errors) || [];
  return el('div', { class: 'error', role: 'alert', id: 'draft-error' }, e.message, rows.length ? el('ul', {}, rows.map((r) => el('li', {}, r.msg))) : null);
}

async function showDraft(box, id, ctx) {
  rules = await scorecardRules();
  clear(box).append(spinner(t('loading')));
  const { data, etag } = await call(`/goal-drafts/${id}`);
  const dr = data.draft;
  const editable = data.status === 'draft';
  const companyIds = dr.company.objectives.flatMap((o) => o.key_results.map((k) => k.id));
  const deptIds = dr.department.objectives.flatMap((o) => o.key_results.map((k) => k.id));
  krTitles = Object.fromEntries([...dr.company.objectives, ...dr.department.objectives].flatMap((o) => o.key_results.map((k) => [k.id, k.title])));
  const msg = el('div', { 'aria-live': 'polite', id: 'draft-msg' });
  const save = el('button', { type: 'button', id: 'draft-save', disabled: true }, t('drafts.save'));
  const publish = el('button', { type: 'button', id: 'draft-publish', disabled: !editable }, t('drafts.publish'));
  const allOk = () => guardsOf(dr.department.kpis, companyIds).every((g) => g.ok) && dr.roles.every((r) => guardsOf(r.kpis, deptIds).every((g) => g.ok));
  const onChange = () => {
    const dirty = edits(dr).length > 0;
    save.disabled = !editable || !dirty || !allOk();
    publish.disabled = !editable || dirty || !allOk();
  };
  save.addEventListener('click', async () => {
    clear(msg);
    try {
      await call(`/goal-drafts/${id}`, { method: 'PATCH', json: { kpis: edits(dr) }, etag });
      await showDraft(box, id, ctx);
      document.getElementById('draft-msg')?.append(el('p', { class: 'ok', role: 'status' }, t('drafts.saved')));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(problemList(e)); }
  });
  publish.addEventListener('click', async () => {
    clear(msg);
    if (!window.confirm(t('drafts.confirmPublish'))) return;
    try {
      const res = await call(`/goal-drafts/${id}/publish`, { method: 'POST', etag });
      await showDraft(box, id, ctx);
      document.querySelectorAll(`[data-status-of="${id}"]`).forEach((s) => { s.textContent = t('status.published'); });
      document.getElementById('draft-msg')?.append(el('p', { class: 'ok', role: 'status', id: 'published' },
        t('drafts.published', { n: res.data.assignment_ids.length, skipped: res.data.skipped_employee_ids.length })));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(problemList(e)); }
  });
  const fc = el('div', { id: 'draft-forecast' });
  if (data.forecast_job_id) watch(fc, data.forecast_job_id, [], ctx.lang).catch(() => {});
  const people = el('details', {}, el('summary', {}, t('drafts.people', { n: dr.people.length })),
    table([t('col.person'), t('drafts.role'), t('col.kpi')], dr.people.map((p) => [el('span', { 'data-name': '' }, p.name), (dr.roles.find((r) => r.role === p.role) || {}).role_name || p.role,
      p.kpis.map((k) => `${k.name} ${k.weight}% (${k.target.comparator || ''}${fmt(k.target.value)})`).join('；')])));
  clear(box).append(
    el('h2', { id: 'draft-title' }, `#${data.id} · ${dr.department.name} · ${periodName(dr.period)} · `, el('span', { class: `badge ${data.status === 'published' ? 'ok' : 'warn'}`, id: 'draft-status' }, t('status.' + data.status))),
    notesBlock(data.notes || [], dr.department.code),
    fc,
    el('h3', {}, t('drafts.tree')), tree(dr),
    el('h3', {}, t('drafts.edit')),
    scorecard(`${t('drafts.deptScorecard')} · ${dr.department.name}`, null, dr.department.kpis, companyIds, editable, onChange),
    ...dr.roles.map((r) => scorecard(`${t('drafts.role')} · ${r.role_name || r.role} (${r.headcount})`, r.role, r.kpis, deptIds, editable, onChange)),
    el('div', { class: 'row' }, save, publish), msg, people);
  box.focus();
}

// The draft's flags in words (the API writes them), grouped by department with this draft's department first
// and open: what the manager has to decide is not hidden behind a count.
function notesBlock(notes, own) {
  if (!notes.length) return null;
  const groups = new Map();
  for (const n of notes) {
    const key = n.department || '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(n);
  }
  const order = [...groups.keys()].sort((a, b) => (a === own ? -1 : b === own ? 1 : 0));
  return el('div', { class: 'notice', id: 'draft-notes' }, el('h3', {}, t('drafts.notes')),
    ...order.map((key) => el('div', { 'data-notes-of': key || 'company' },
      el('h4', {}, key === own ? t('drafts.notesOwn', { name: groups.get(key)[0].department_name }) : groups.get(key)[0].department_name),
      el('ul', {}, groups.get(key).map((n) => el('li', { class: n.severity === 'warn' ? 'warn' : 'muted', 'data-code': n.code }, n.text))))));
}

export async function render(ctx) {
  const { lang, params, me } = ctx;
  const [depts, periods, drafts, self, defaults] = await Promise.all([get('/departments?limit=200'), get('/periods?limit=36'), get('/goal-drafts?limit=30'),
    me.employee_id ? get(`/employees/${me.employee_id}`) : null, get('/periods/defaults')]);
  const box = el('div', { id: 'draft', tabindex: '-1' });
  const err = el('div', { role: 'alert' });
  const dSel = el('select', { id: 'd-dept' }, depts.data.map((d) => el('option', { value: d.id, selected: self && d.id === self.department_id }, pick(d, 'name'))));
  // Drafts plan ahead: the selector opens on the next quarter (the service's clock), else the running one.
  const preset = defaults.next_quarter ?? defaults.running_quarter ?? defaults.running;
  const pSel = el('select', { id: 'd-period' }, periods.data.map((p) => el('option', { value: p.id, selected: p.id === preset }, pick(p, 'name'))));
  const ask = async (again) => {
    clear(err).append(spinner(t('drafts.drafting')));
    try {
      const { data } = await call('/goal-drafts', { method: 'POST', json: { department_id: Number(dSel.value), period_id: Number(pSel.value), lang, again } });
      clear(err);
      if (data.existing && data.inputs_changed) {
        // One open draft per department and period: say that its inputs changed and offer a fresh one.
        err.append(el('div', { class: 'notice', id: 'd-stale' }, el('p', {}, t('drafts.stale', { id: data.id })),
          el('div', { class: 'row' },
            el('a', { href: `#/drafts?id=${data.id}`, class: 'button' }, t('drafts.openExisting')),
            el('button', { type: 'button', id: 'd-again', onclick: () => ask(true) }, t('drafts.again')))));
        return;
      }
      location.hash = `#/drafts?id=${data.id}`;
    } catch (e) { clear(err); if (!(e instanceof ApiError && e.status === 401)) err.append(problemList(e)); }
  };
  const form = el('form', { class: 'card row', onsubmit: (ev) => { ev.preventDefault(); ask(false); } },
  el('div', { class: 'field' }, el('label', { for: 'd-dept' }, t('col.department')), dSel),
  el('div', { class: 'field' }, el('label', { for: 'd-period' }, t('col.period')), pSel),
  el('button', { type: 'submit', id: 'd-request' }, t('drafts.request')));
  const name = (list, id, base = 'name') => pick(list.find((x) => x.id === id), base) || id;
  const list = drafts.data.length ? table(['#', t('col.department'), t('col.period'), t('col.status'), t('drafts.by'), ''],
    drafts.data.map((d) => [d.id, name(depts.data, d.department_id), name(periods.data, d.period_id), el('span', { 'data-status-of': d.id }, t('status.' + d.status)), el('span', { 'data-name': '' }, who(d.created_by_name)),
      el('a', { href: `#/drafts?id=${d.id}`, 'data-draft': d.id }, t('open'))])) : el('p', { class: 'muted' }, t('drafts.none'));
  const section = el('section', {}, el('h1', {}, t('drafts.title')), form, err, box, el('h2', {}, t('drafts.list')), list);
  if (params.get('id')) showDraft(box, Number(params.get('id')), ctx).catch((e) => { if (!(e instanceof ApiError && e.status === 401)) clear(box).append(problemList(e)); });
  return section;
}
