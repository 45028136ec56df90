// 评估周期 (HR): each cycle's stage and dates, who is late at the stage by department, open appeals (decided here:
// uphold, or change the grade with a reason) and the second reviews that block publication; HR moves the stage
// (publishing without missing manager reviews needs a reason).
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

async function cycleCard(cycle, ctx, reload) {
  const [cockpit, appeals] = await Promise.all([get(`/review-cycles/${cycle.id}/cockpit`), get('/appeals?status=open')]);
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
    move, msg);
}

export async function render(ctx) {
  const [cycles, periods, people] = await Promise.all([get('/review-cycles?limit=20'), getAll('/periods'), getAll('/employees')]);
  const names = new Map(people.map((p) => [p.id, p]));
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : t('cy.someone'));
  ctx.periodName = (id) => pick(periods.find((p) => p.id === id), 'name');
  const reload = (text) => { location.hash = `#/cycles?saved=${encodeURIComponent(text)}&t=${Date.now()}`; };
  const root = el('section', { id: 'cycles-page' }, el('h1', {}, t('cy.hrTitle')));
  if (ctx.params.get('saved')) root.append(el('p', { class: 'ok', role: 'status', id: 'flash' }, ctx.params.get('saved')));
  if (!cycles.data.length) root.append(el('p', { class: 'muted', id: 'no-cycle' }, t('cy.none')));
  for (const c of cycles.data) root.append(await cycleCard(c, ctx, reload));
  return root;
}
