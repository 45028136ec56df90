// 任务: an employee breaks each KPI into weekly tasks with due dates and marks progress; managers see their
// team's task board and comment; reminders before each deadline. Needs the server's tasks API.
import { ApiError, call, get } from '../api.js';
import { clear, el, fmt, table } from '../dom.js';
import { t } from '../i18n.js';

async function patchTask(task, changes) {
  const { etag } = await call(`/tasks/${task.id}`);
  await call(`/tasks/${task.id}`, { method: 'PATCH', json: changes, etag });
}

function comments(task, onDone) {
  const box = el('input', { id: `c-${task.id}`, maxlength: 2000, 'aria-label': t('tasks.commentOn', { title: task.title }) });
  const form = el('form', { class: 'row', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!box.value.trim()) return;
    await call(`/tasks/${task.id}/comments`, { method: 'POST', json: { body: box.value } });
    onDone();
  } }, box, el('button', { type: 'submit', class: 'secondary' }, t('tasks.comment')));
  return el('div', {}, (task.comments || []).length ? el('ul', { class: 'comments' }, task.comments.map((c) => el('li', {}, el('strong', {}, c.author_name), ': ', c.body))) : null, form);
}

function taskRow(task, { mine, refresh }) {
  const progress = el('input', { type: 'number', min: 0, max: 100, step: 5, value: task.progress, id: `pr-${task.id}`, disabled: !mine || task.done,
    'aria-label': t('tasks.progressOf', { title: task.title }),
    onchange: async (e) => { await patchTask(task, { progress: Number(e.target.value) }); refresh(); } });
  const done = el('input', { type: 'checkbox', id: `done-${task.id}`, checked: task.done, disabled: !mine,
    'aria-label': t('tasks.doneOf', { title: task.title }),
    onchange: async (e) => { await patchTask(task, { done: e.target.checked }); refresh(); } });
  return [el('span', { class: task.overdue ? 'bad' : null }, task.title, task.overdue ? ` (${t('tasks.overdue')})` : ''), task.due_date,
    el('span', {}, progress, ' %'), done, comments(task, refresh)];
}

async function myTasks(lang, refresh) {
  const plan = await get(`/me/plan?lang=${lang}`);
  const blocks = [];
  for (const k of plan.kpis) {
    const tasks = await get(`/kpi-assignments/${k.assignment_id}/tasks`);
    const title = el('input', { id: `nt-${k.assignment_id}`, required: true, maxlength: 200, 'aria-label': t('tasks.newTitle') });
    const due = el('input', { id: `nd-${k.assignment_id}`, type: 'date', required: true, 'aria-label': t('tasks.due'),
      min: plan.current_period?.start_date, max: plan.current_period?.end_date });
    const err = el('p', { class: 'error', role: 'alert' });
    const form = el('form', { class: 'row', onsubmit: async (ev) => {
      ev.preventDefault();
      try { await call(`/kpi-assignments/${k.assignment_id}/tasks`, { method: 'POST', json: { title: title.value, due_date: due.value } }); refresh(); }
      catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = e.message; }
    } }, el('div', { class: 'field' }, el('label', { for: title.id }, t('tasks.newTitle')), title),
    el('div', { class: 'field' }, el('label', { for: due.id }, t('tasks.due')), due),
    el('button', { type: 'submit', id: `add-${k.assignment_id}` }, t('tasks.add')));
    blocks.push(el('div', { class: 'card', 'data-assignment': k.assignment_id }, el('h3', {}, `${k.name} · ${fmt(k.weight)}%`),
      tasks.length ? table([t('tasks.title'), t('tasks.due'), t('col.progress'), t('tasks.done'), t('tasks.comments')], tasks.map((x) => taskRow(x, { mine: true, refresh })))
        : el('p', { class: 'muted' }, t('tasks.none')),
      form, err));
  }
  return blocks;
}

async function board(lang, refresh) {
  const b = await get(`/team/tasks?lang=${lang}`);
  if (!b.people.length) return [el('p', { class: 'muted' }, t('tasks.boardEmpty'))];
  return b.people.map((p) => el('div', { class: 'card', 'data-person': p.employee_id },
    el('h3', {}, p.name, ' ', el('span', { class: 'muted' }, t('tasks.counts', { open: p.open, done: p.done, overdue: p.overdue }))),
    table([t('col.kpi'), t('tasks.title'), t('tasks.due'), t('col.progress'), t('tasks.done'), t('tasks.comments')],
      p.tasks.map((x) => [x.indicator_name, el('span', { class: x.overdue ? 'bad' : null }, x.title, x.overdue ? ` (${t('tasks.overdue')})` : ''),
        x.due_date, `${x.progress}%`, x.done ? '✔' : '', comments(x, refresh)]))));
}

export async function render({ me, lang, rerender }) {
  let reminders;
  try {
    reminders = await get(`/me/reminders?lang=${lang}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return el('section', {}, el('h1', {}, t('nav.tasks')), el('p', { class: 'muted' }, t('tasks.unavailable')));
    throw e;
  }
  const out = el('section', {}, el('h1', {}, t('nav.tasks')),
    el('h2', {}, t('tasks.reminders')),
    reminders.data.length ? el('ul', { id: 'reminders' }, reminders.data.map((r) => el('li', { class: r.days_left < 0 ? 'bad' : null }, r.text)))
      : el('p', { class: 'muted' }, t('tasks.noReminders')));
  if (me.role === 'manager') out.append(el('h2', {}, t('tasks.board')), ...(await board(lang, rerender)));
  if (me.employee_id) out.append(el('h2', {}, t('tasks.mine')), ...(await myTasks(lang, rerender)));
  return out;
}
