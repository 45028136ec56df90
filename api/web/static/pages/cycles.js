// 评估周期 (HR): each cycle's stage and dates, who is late at the stage by department, open appeals (decided here:
// uphold, or change the grade with a reason) and the second reviews that block publication; HR moves the stage
// (publishing without missing manager reviews needs a reason) and extends a stage for one person or a team.
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';

// The server's own sentence in the reader's language (coded errors carry a Chinese one).
function said(e) {
  return getLang() === 'zh' && e.problem && e.problem.detail_zh ? e.problem.detail_zh : problemText(e);
}

const NEXT = { self_assessment: 'manager_review', manager_review: 'calibration', calibration: 'published', published: 'locked' };

function appealForm(a, ctx, msg, reload) {
  const reason = el('textarea', { id: `ap-r-${a.id}`, rows: 2, maxlength: 2000 });
  const grade = el('select', { id: `ap-g-${a.id}` }, ['', 'excellent', 'good', 'needs_improvement'].map((g) => el('option', { value: g }, g ? t('grade.' + g) : t('cy.keepGrade'))));
  const send = async (decision) => {
    clear(msg);
    try {
      const body = { decision, reason: reason.value.trim(), grade: decision === 'change' ? grade.value || null : null };
      await call(`/appeals/${a.id}/decision`, { method: 'POST', json: body, etag: `"${a.version}"` });
      reload(t('cy.appealDecided'));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
  };
  return el('div', { class: 'card', 'data-appeal': a.id }, el('p', {}, ctx.person(a.employee_id), t('pay.colon'), a.reason),
    el('div', { class: 'field' }, el('label', { for: `ap-r-${a.id}` }, t('cy.reason')), reason),
    el('div', { class: 'field' }, el('label', { for: `ap-g-${a.id}` }, t('cy.newGrade')), grade),
    el('button', { type: 'button', id: `ap-uphold-${a.id}`, onclick: () => send('uphold') }, t('cy.uphold')), ' ',
    el('button', { type: 'button', class: 'secondary', id: `ap-change-${a.id}`, onclick: () => send('change') }, t('cy.change')));
}

async function send(msg, path, json, etagPath, reload, done) {
  clear(msg);
  try {
    const { etag } = await call(etagPath);
    await call(path, { method: 'POST', json, etag });
    reload(done);
  } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
}

// HR gives one person or a whole team more days at a stage, with a reason (one audited decision on the cycle).
function extendForm(cycle, items, ctx, msg, reload) {
  if (cycle.stage === 'locked' || !items.length) return null;
  const id = cycle.id;
  const current = cycle.stage === 'calibration' ? 'manager_review' : cycle.stage;
  const stage = el('select', { id: `ext-s-${id}` }, ['self_assessment', 'manager_review', 'published'].map((s) => el('option', { value: s, selected: s === current }, t('cy.stage.' + s))));
  const kind = el('select', { id: `ext-k-${id}` }, el('option', { value: 'person' }, t('cy.extPerson')), el('option', { value: 'team' }, t('cy.extTeam')));
  const person = el('select', { id: `ext-p-${id}` }, [...items].sort((a, b) => ctx.person(a.employee_id).localeCompare(ctx.person(b.employee_id)))
    .map((i) => el('option', { value: i.employee_id }, ctx.person(i.employee_id))));
  const depts = [...new Set(items.map((i) => i.department_id))];
  const dept = el('select', { id: `ext-d-${id}` }, depts.map((d) => el('option', { value: d }, ctx.deptName(d))));
  const personField = el('div', { class: 'field' }, el('label', { for: `ext-p-${id}` }, t('cy.extWho')), person);
  const deptField = el('div', { class: 'field', hidden: true }, el('label', { for: `ext-d-${id}` }, t('col.department')), dept);
  kind.addEventListener('change', () => { personField.hidden = kind.value !== 'person'; deptField.hidden = kind.value === 'person'; });
  const until = el('input', { type: 'date', id: `ext-u-${id}`, max: cycle.lock_on });
  const why = el('input', { id: `ext-r-${id}`, maxlength: 2000 });
  const go = () => {
    clear(msg);
    if (!until.value || why.value.trim().length < 2) { msg.append(el('p', { class: 'error', role: 'alert' }, t('cy.extNeeds'))); return; }
    const who = kind.value === 'person' ? { employee_ids: [Number(person.value)] } : { department_id: Number(dept.value) };
    send(msg, `/review-cycles/${id}/extensions`, { stage: stage.value, until: until.value, reason: why.value.trim(), ...who }, `/review-cycles/${id}`, reload, t('cy.extended'));
  };
  const given = items.filter((i) => Object.keys(i.extensions || {}).length);
  return el('details', { id: `ext-${id}` }, el('summary', {}, t('cy.extendAny')),
    el('div', { class: 'field' }, el('label', { for: `ext-s-${id}` }, t('cy.extStage')), stage),
    el('div', { class: 'field' }, el('label', { for: `ext-k-${id}` }, t('cy.extFor')), kind), personField, deptField,
    el('div', { class: 'field' }, el('label', { for: `ext-u-${id}` }, t('cy.until')), until),
    el('div', { class: 'field' }, el('label', { for: `ext-r-${id}` }, t('cy.reason')), why),
    el('button', { type: 'button', id: `ext-go-${id}`, onclick: go }, t('cy.extendGo')),
    given.length ? el('ul', { id: `ext-list-${id}` }, given.map((i) => el('li', { 'data-extended': i.employee_id }, ctx.person(i.employee_id), t('pay.colon'),
      Object.entries(i.extensions).map(([s, d]) => t('cy.extUntil', { stage: t('cy.stage.' + s), until: d })).join(t('pay.sep'))))) : null);
}

// A locked cycle: HR reopens one person's result with a reason, and locks it again.
function reopenList(cycle, items, ctx, msg, reload) {
  return el('details', { id: `reopen-${cycle.id}` }, el('summary', {}, t('cy.reopenTitle')),
    el('ul', {}, items.map((i) => {
      const why = el('input', { id: `ro-r-${i.id}`, maxlength: 2000, 'aria-label': t('cy.reason'), placeholder: t('cy.reason') });
      const op = i.status === 'reopened' ? 'relock' : 'reopen';
      return el('li', { 'data-item': i.id }, ctx.person(i.employee_id), ' · ', t('cy.status.' + i.status), ' ', why, ' ',
        el('button', { type: 'button', class: 'secondary', id: `ro-${op}-${i.id}`, onclick: () => send(msg, `/review-cycles/${cycle.id}/items/${i.id}/${op}`,
          { reason: why.value.trim() }, `/review-cycles/${cycle.id}/items/${i.id}`, reload, t(op === 'reopen' ? 'cy.reopened' : 'cy.relocked')) }, t('cy.' + op)));
    })));
}

async function cycleCard(cycle, ctx, reload) {
  const [cockpit, appeals, items] = await Promise.all([get(`/review-cycles/${cycle.id}/cockpit`), get('/appeals?status=open'), get(`/review-cycles/${cycle.id}/items`)]);
  const msg = el('div', { 'aria-live': 'polite', id: `cy-msg-${cycle.id}` });
  const next = NEXT[cycle.stage];
  const why = el('input', { id: `cy-why-${cycle.id}`, maxlength: 2000, placeholder: t('cy.moveWhy') });
  const move = next ? el('p', {}, why, ' ', el('button', { type: 'button', id: `cy-move-${cycle.id}`, onclick: async () => {
    clear(msg);
    try {
      const { etag } = await call(`/review-cycles/${cycle.id}`);
      await call(`/review-cycles/${cycle.id}/stage`, { method: 'POST', json: { stage: next, reason: why.value.trim() }, etag });
      reload(t('cy.moved', { stage: t('cy.stage.' + next) }));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
  } }, t('cy.moveTo', { stage: t('cy.stage.' + next) }))) : null;
  const late = cockpit.late.length ? table([t('col.department'), t('cy.lateCount'), t('cy.latePeople')],
    cockpit.late.map((r) => [pick(r, 'name'), String(r.employee_ids.length), r.employee_ids.map((e) => ctx.person(e)).join(t('pay.sep'))]), { numeric: [1], stack: true })
    : el('p', { class: 'ok' }, t('cy.nobodyLate'));
  const mine = appeals.filter((a) => a.cycle_id === cycle.id);
  return el('article', { class: 'card', id: `cycle-${cycle.id}`, 'data-cycle': cycle.id },
    el('h2', {}, ctx.periodName(cycle.period_id), ' · ', el('span', { class: 'badge', id: `cy-stage-${cycle.id}` }, t('cy.stage.' + cycle.stage))),
    el('p', { class: 'muted' }, t('cy.dates', { self: cycle.self_assessment_on, review: cycle.manager_review_on, cal: cycle.calibration_on, pub: cycle.publish_on, until: cycle.appeal_until, lock: cycle.lock_on })),
    el('p', {}, t('cy.people', { n: cockpit.people })),
    el('h3', {}, t('cy.late')), late,
    el('h3', {}, t('cy.blocking')), cockpit.blocking_reviews.length
      ? el('ul', { id: `cy-blocking-${cycle.id}` }, cockpit.blocking_reviews.map((id) => el('li', {}, el('a', { href: `#/reviews?id=${id}` }, t('cy.reviewItem', { id })))))
      : el('p', { class: 'ok' }, t('cy.noBlocking')),
    el('h3', {}, t('cy.appeals', { n: mine.length })), mine.map((a) => appealForm(a, ctx, msg, reload)),
    extendForm(cycle, items, ctx, msg, reload), cycle.stage === 'locked' ? reopenList(cycle, items, ctx, msg, reload) : null,
    move, msg);
}

export async function render(ctx) {
  const [cycles, periods, people, depts] = await Promise.all([get('/review-cycles?limit=20'), getAll('/periods'), getAll('/employees'), getAll('/departments')]);
  const names = new Map(people.map((p) => [p.id, p]));
  ctx.deptName = (id) => pick(depts.find((d) => d.id === id), 'name') || t('cy.someone');
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : t('cy.someone'));
  ctx.periodName = (id) => pick(periods.find((p) => p.id === id), 'name');
  const reload = (text) => { location.hash = `#/cycles?saved=${encodeURIComponent(text)}&t=${Date.now()}`; };
  const root = el('section', { id: 'cycles-page' }, el('h1', {}, t('cy.hrTitle')));
  if (ctx.params.get('saved')) root.append(el('p', { class: 'ok', role: 'status', id: 'flash' }, ctx.params.get('saved')));
  if (!cycles.data.length) root.append(el('p', { class: 'muted', id: 'no-cycle' }, t('cy.none')));
  for (const c of cycles.data) root.append(await cycleCard(c, ctx, reload));
  return root;
}
