// 组织与人员: HR and admins edit the org by hand after the import — departments (add, rename, move, head) and
// each person's department, position and manager, and mark leavers (their logins end, their reports move up).
import { ApiError, call, getAll, problemText } from '../api.js';
import { el, table } from '../dom.js';
import { dateTime } from '../format.js';
import { pick, t } from '../i18n.js';
import { listing } from '../listing.js';

const field = (id, label, input) => el('div', { class: 'field' }, el('label', { for: id }, label), input);
const options = (rows, label, selected, none) => [none ? el('option', { value: '' }, none) : null,
  ...rows.map((r) => el('option', { value: r.id, selected: r.id === selected, 'data-name': '' }, label(r)))];
// People's and departments' names come from the data, in whatever language they were entered.
const named = (text) => el('span', { 'data-name': '' }, text);
const num = (v) => (v === '' ? null : Number(v));

// A change goes through If-Match: read the row's ETag, send the change; the server refuses a stale one.
async function patch(path, json, err, rerender) {
  try {
    const { etag } = await call(path);
    await call(path, { method: 'PATCH', json, etag });
    rerender();
  } catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = problemText(e); }
}

function deptPath(depts, d) {
  const names = [];
  for (let cur = d, n = 0; cur && n < 20; cur = depts.find((x) => x.id === cur.parent_id), n += 1) names.unshift(pick(cur, 'name'));
  return names.join(' / ');
}

function departments(depts, active, err, rerender) {
  const name = (e) => pick(e, 'name');
  const rows = depts.map((d) => {
    const zh = el('input', { value: d.name_zh, 'aria-label': t('org.nameZhOf', { dept: pick(d, 'name') }), 'data-dept-zh': d.name_zh });
    const en = el('input', { value: d.name_en, 'aria-label': t('org.nameEnOf', { dept: pick(d, 'name') }) });
    const parent = el('select', { 'aria-label': t('org.parentOf', { dept: pick(d, 'name') }), 'data-dept-parent': d.name_zh },
      options(depts.filter((x) => x.id !== d.id), (x) => deptPath(depts, x), d.parent_id, t('org.top')));
    const head = el('select', { 'aria-label': t('org.headOf', { dept: pick(d, 'name') }), 'data-dept-head': d.name_zh },
      options(active, name, d.head_id, t('org.noHead')));
    const save = el('button', { type: 'button', class: 'secondary', 'data-dept-save': d.name_zh, onclick: () => patch(`/departments/${d.id}`,
      { name_zh: zh.value, name_en: en.value, parent_id: num(parent.value), head_id: num(head.value) }, err, rerender) }, t('org.save'));
    return [zh, en, parent, head, save];
  });
  return table([t('admin.nameZh'), t('admin.nameEn'), t('org.parent'), t('org.head'), ''], rows, { stack: true });
}

function newDepartment(depts, err, rerender) {
  const key = crypto.randomUUID(); // one department per form, however often the button is pressed
  const form = el('form', { class: 'card row', id: 'dept-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    try {
      await call('/departments', { method: 'POST', json: { name_zh: v.name_zh, name_en: v.name_en, parent_id: num(v.parent_id) }, headers: { 'Idempotency-Key': key } });
      rerender();
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = problemText(e); }
  } },
  field('dept-zh', t('admin.nameZh'), el('input', { id: 'dept-zh', name: 'name_zh', required: true })),
  field('dept-en', t('admin.nameEn'), el('input', { id: 'dept-en', name: 'name_en', required: true })),
  field('dept-parent', t('org.parent'), el('select', { id: 'dept-parent', name: 'parent_id' }, options(depts, (x) => deptPath(depts, x), null, t('org.top')))),
  el('button', { type: 'submit', id: 'dept-submit' }, t('org.addDept')));
  return form;
}

function person(e, depts, positions, active, err, rerender) {
  const dept = el('select', { 'aria-label': t('org.deptOf', { name: pick(e, 'name') }), 'data-person-dept': e.name_zh },
    options(depts, (x) => deptPath(depts, x), e.department_id));
  const pos = el('select', { 'aria-label': t('org.positionOf', { name: pick(e, 'name') }), 'data-person-position': e.name_zh },
    options(positions, (p) => `${pick(p, 'title')} · ${deptPath(depts, depts.find((d) => d.id === p.department_id))}`, e.position_id, t('org.noPosition')));
  const boss = el('select', { 'aria-label': t('org.managerOf', { name: pick(e, 'name') }), 'data-person-manager': e.name_zh },
    options(active.filter((x) => x.id !== e.id), (x) => pick(x, 'name'), e.manager_id, t('org.noManager')));
  const save = el('button', { type: 'button', class: 'secondary', 'data-person-save': e.name_zh, onclick: () => patch(`/employees/${e.id}`,
    { department_id: Number(dept.value), position_id: num(pos.value), manager_id: num(boss.value) }, err, rerender) }, t('org.save'));
  const day = el('input', { type: 'date', 'aria-label': t('org.lastDayOf', { name: pick(e, 'name') }), 'data-person-left': e.name_zh });
  const leave = el('button', { type: 'button', class: 'secondary', 'data-person-leave': e.name_zh, onclick: async () => {
    if (!day.value) { err.textContent = t('org.pickDay'); return; }
    if (!window.confirm(t('org.confirmLeave', { name: pick(e, 'name') }))) return;
    try {
      const { etag } = await call(`/employees/${e.id}`);
      await call(`/employees/${e.id}/leave`, { method: 'POST', json: { left_on: day.value }, etag });
      rerender();
    } catch (x) { if (!(x instanceof ApiError && x.status === 401)) err.textContent = problemText(x); }
  } }, t('org.leave'));
  return [named(pick(e, 'name')), dept, pos, boss, el('span', { class: 'row' }, save), el('span', { class: 'row' }, day, leave)];
}

export async function render({ rerender }) {
  const [depts, people, positions] = await Promise.all([getAll('/departments'), getAll('/employees'), getAll('/positions')]);
  const err = el('p', { class: 'error', role: 'alert', id: 'org-error' });
  const active = people.filter((e) => e.active);
  const leavers = people.filter((e) => !e.active);
  return el('section', {}, el('h1', {}, t('org.title')), el('p', { class: 'muted' }, t('org.note')), err,
    el('h2', {}, t('org.depts')), departments(depts, active, err, rerender), newDepartment(depts, err, rerender),
    el('h2', {}, t('org.people')),
    listing([t('col.person'), t('col.department'), t('org.position'), t('org.manager'), '', t('org.leaving')],
      active.map((e) => person(e, depts, positions, active, err, rerender)), { stack: true, id: 'people-list', skip: [4, 5] }),
    el('h2', {}, t('org.leavers')),
    leavers.length ? table([t('col.person'), t('col.department'), t('org.lastDay')], leavers.map((e) => [named(pick(e, 'name')),
      named(deptPath(depts, depts.find((d) => d.id === e.department_id))), e.left_on ? dateTime(`${e.left_on}T00:00:00`, { time: false }) : t('org.unknownDay')]), { stack: true })
      : el('p', { class: 'muted', id: 'no-leavers' }, t('org.noLeavers')));
}
