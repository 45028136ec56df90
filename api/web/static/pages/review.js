// 绩效评估: one's own part of the running review cycle (self-assessment per KPI; after publication, confirm or
// appeal) and, for reviewers, the reviews to write (the person's self-assessment beside the rubric; a comment is
// required when the value is more than one level from the proposal) with, beside it, the pace history and the
// inflation checks (review-beside.js). Every write sends the item's ETag.
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { dateTime, num } from '../format.js';
import { besideOf, checksBlock, paceHistory, rubricLevels } from './review-beside.js';

// The server's own sentence in the reader's language (coded errors carry a Chinese one).
function said(e) {
  return getLang() === 'zh' && e.problem && e.problem.detail_zh ? e.problem.detail_zh : problemText(e);
}

const OPEN_SELF = ['open', 'self_assessed'];
const OPEN_REVIEW = ['open', 'self_assessed', 'reviewed'];

async function rubric(indicatorId, cache) {
  if (!cache.has(indicatorId)) {
    cache.set(indicatorId, get(`/indicators/${indicatorId}/rubric`).then((r) => r.levels).catch(() => null));
  }
  return cache.get(indicatorId);
}

function levelLabel(levels, value) {
  const lv = (levels || []).find((l) => Number(l.value) === Number(value));
  return lv ? `${pick(lv, 'label')}（${num(lv.value, 0)}）` : '—';
}

function levelSelect(id, levels, value) {
  return el('select', { id }, el('option', { value: '' }, t('cy.noLevel')),
    levels.map((l) => el('option', { value: l.value, selected: Number(value) === Number(l.value), title: pick(l, 'description') },
      `${pick(l, 'label')}（${num(l.value, 0)}）${pick(l, 'description') ? ' · ' + pick(l, 'description') : ''}`)));
}

async function save(msg, path, options, done) {
  clear(msg);
  try {
    const { etag } = await call(path.replace(/\/(self-assessment|review|confirm|appeal)$/, ''));
    await call(path, { ...options, etag });
    await done();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    msg.append(el('p', { class: 'error', role: 'alert' }, said(e)));
  }
}

// The last weekly check-in of a KPI (过程跟踪), shown beside the self-assessment and the review.
function lastCheckIn(k) {
  if (!k.last) return el('p', { class: 'muted' }, t('cy.noCheckIn'));
  const c = k.last;
  return el('p', { class: 'muted', 'data-checkin': c.id }, t('cy.lastCheckIn', { week: c.week_start, n: c.confidence }), t('pay.colon'), c.note,
    c.blocker ? ` · ${t('cy.blocker')}${t('pay.colon')}${c.blocker}` : '', c.manager_comment ? ` · ${t('cy.mgrComment')}${t('pay.colon')}${c.manager_comment}` : '');
}

function selfForm(ctx, item, kpis, reload) {
  const base = `/review-cycles/${item.cycle_id}/items/${item.id}`;
  const msg = el('div', { 'aria-live': 'polite', id: 'self-msg' });
  const rows = kpis.map((k) => {
    const prev = item.self_entries[String(k.id)] || {};
    return el('fieldset', { class: 'card', 'data-kpi': k.id }, el('legend', {}, ctx.kpiName(k)), lastCheckIn(k),
      el('div', { class: 'field' }, el('label', { for: `self-c-${k.id}` }, t('cy.comment')),
        el('textarea', { id: `self-c-${k.id}`, rows: 2, maxlength: 2000 }, prev.comment || '')),
      el('div', { class: 'field' }, el('label', { for: `self-e-${k.id}` }, t('cy.evidence')),
        el('input', { id: `self-e-${k.id}`, maxlength: 4000, value: prev.evidence || '' })),
      k.levels ? el('div', { class: 'field' }, el('label', { for: `self-p-${k.id}` }, t('cy.proposed')),
        levelSelect(`self-p-${k.id}`, k.levels, prev.proposed_value)) : null, rubricLevels(k.levels, `self-${k.id}`));
  });
  return el('form', { id: 'self-form', onsubmit: (ev) => {
    ev.preventDefault();
    const entries = kpis.map((k) => {
      const p = document.getElementById(`self-p-${k.id}`);
      return { assignment_id: k.id, comment: document.getElementById(`self-c-${k.id}`).value.trim(),
        evidence: document.getElementById(`self-e-${k.id}`).value.trim(), proposed_value: p && p.value !== '' ? Number(p.value) : null };
    });
    save(msg, `${base}/self-assessment`, { method: 'PUT', json: { entries } }, () => reload(t('cy.selfSaved')));
  } }, el('h2', {}, t('cy.selfTitle')), el('p', { class: 'muted' }, t('cy.selfIntro')), rows,
  el('button', { type: 'submit', id: 'self-submit' }, t('cy.selfSubmit')), msg);
}

function resultView(ctx, item, kpis, reload) {
  const base = `/review-cycles/${item.cycle_id}/items/${item.id}`;
  const msg = el('div', { 'aria-live': 'polite', id: 'answer-msg' });
  const lines = kpis.map((k) => {
    const r = item.review_entries[String(k.id)] || {};
    return el('li', {}, ctx.kpiName(k), r.value !== undefined && r.value !== null ? ` · ${levelLabel(k.levels, r.value)}` : '', r.comment ? ` · ${r.comment}` : '');
  });
  const parts = [el('h2', {}, t('cy.resultTitle')),
    item.result ? el('p', { id: 'my-grade' }, t('cy.grade', { grade: t('grade.' + item.result.grade), score: num(item.result.score, 1) })) : null,
    el('p', {}, t('cy.overall'), t('pay.colon'), item.overall_comment || t('cy.noComment')), el('ul', {}, lines)];
  if (item.status === 'published') {
    const picks = kpis.map((k) => el('label', { class: 'check' }, el('input', { type: 'checkbox', value: k.id, name: 'appeal-kpi' }), ' ', ctx.kpiName(k)));
    const reason = el('textarea', { id: 'appeal-reason', rows: 3, maxlength: 4000 });
    parts.push(el('p', {}, el('button', { type: 'button', id: 'confirm', onclick: () => save(msg, `${base}/confirm`, { method: 'POST' }, () => reload(t('cy.confirmed'))) }, t('cy.confirm'))),
      el('form', { id: 'appeal-form', onsubmit: (ev) => {
        ev.preventDefault();
        const ids = [...document.querySelectorAll('input[name="appeal-kpi"]:checked')].map((i) => Number(i.value));
        if (!ids.length || reason.value.trim().length < 2) { clear(msg).append(el('p', { class: 'error', role: 'alert' }, t('cy.appealNeeds'))); return; }
        save(msg, `${base}/appeal`, { method: 'POST', json: { assignment_ids: ids, reason: reason.value.trim() } }, () => reload(t('cy.appealed')));
      } }, el('fieldset', {}, el('legend', {}, t('cy.appealTitle')), picks,
        el('div', { class: 'field' }, el('label', { for: 'appeal-reason' }, t('cy.reason')), reason)),
      el('button', { type: 'submit', id: 'appeal-submit', class: 'secondary' }, t('cy.appeal'))));
  } else {
    parts.push(el('p', { id: 'answer', class: 'ok' }, t('cy.answer.' + (item.answer || 'none')), item.answered_at ? ` · ${dateTime(item.answered_at)}` : ''));
  }
  parts.push(msg);
  return el('section', { id: 'my-result' }, parts);
}

function reviewForm(ctx, item, kpis, reload, beside) {
  const base = `/review-cycles/${item.cycle_id}/items/${item.id}`;
  const msg = el('div', { 'aria-live': 'polite', id: `rv-msg-${item.id}` });
  const rows = kpis.map((k) => {
    const own = item.self_entries[String(k.id)] || {};
    const prev = item.review_entries[String(k.id)] || {};
    // Side by side (stacked on a phone): what the person says, and what the numbers say.
    const theirSide = el('div', { 'data-self': k.id }, el('h4', {}, t('cy.selfSide')),
      el('p', {}, t('cy.theirComment'), t('pay.colon'), own.comment || '—', own.evidence ? ` · ${t('cy.evidence')}${t('pay.colon')}${own.evidence}` : ''),
      k.levels ? el('p', {}, t('cy.proposed'), t('pay.colon'), own.proposed_value !== undefined && own.proposed_value !== null ? levelLabel(k.levels, own.proposed_value) : '—') : null,
      lastCheckIn(k));
    const numbers = el('div', {}, el('h4', {}, t('cy.numbersSide')),
      el('p', { 'data-actual': k.id }, t('cy.actual'), t('pay.colon'), k.latest ? `${num(k.latest.value, 2)}（${k.latest.as_of}）` : '—'),
      k.target !== null && k.target !== undefined ? el('p', { class: 'muted' }, t('cy.target'), t('pay.colon'), num(k.target, 2)) : null,
      paceHistory(beside, k.id));
    const group = el('fieldset', { class: 'card', 'data-kpi': k.id }, el('legend', {}, ctx.kpiName(k)),
      el('div', { class: 'cards' }, theirSide, numbers),
      k.levels ? el('div', { class: 'field' }, el('label', { for: `rv-v-${item.id}-${k.id}` }, t('cy.value')), levelSelect(`rv-v-${item.id}-${k.id}`, k.levels, prev.value)) : null,
      rubricLevels(k.levels, `rv-${item.id}-${k.id}`),
      el('div', { class: 'field' }, el('label', { for: `rv-c-${item.id}-${k.id}` }, t('cy.kpiComment')),
        el('textarea', { id: `rv-c-${item.id}-${k.id}`, rows: 2, maxlength: 2000 }, prev.comment || '')));
    group.style.minWidth = '0';  // a fieldset is as wide as its content by default: the two columns must wrap on a phone
    return group;
  });
  const overall = el('textarea', { id: `rv-o-${item.id}`, rows: 3, maxlength: 4000 }, item.overall_comment || '');
  return el('form', { class: 'card', id: `review-${item.id}`, 'data-item': item.id, onsubmit: (ev) => {
    ev.preventDefault();
    const entries = kpis.map((k) => {
      const v = document.getElementById(`rv-v-${item.id}-${k.id}`);
      return { assignment_id: k.id, value: v && v.value !== '' ? Number(v.value) : null, comment: document.getElementById(`rv-c-${item.id}-${k.id}`).value.trim() };
    });
    save(msg, `${base}/review`, { method: 'PUT', json: { entries, overall_comment: overall.value.trim() } }, () => reload(t('cy.reviewSaved')));
  } }, el('h3', {}, ctx.person(item.employee_id), item.skip_level ? ` · ${t('cy.skipLevel')}` : '', ' ', el('span', { class: 'badge' }, t('cy.status.' + item.status))),
  checksBlock(beside, item.id), rows, el('div', { class: 'field' }, el('label', { for: `rv-o-${item.id}` }, t('cy.overall')), overall),
  el('button', { type: 'submit', id: `rv-submit-${item.id}` }, t('cy.reviewSubmit')), msg);
}

// 本周进展 (过程跟踪): one short check-in per KPI of the running month and week; posted ones are shown instead.
async function checkInSection(me, ctx) {
  const plan = await get('/me/plan').catch(() => null);
  const period = plan && plan.current_period;
  if (!period || me.employee_id === null) return null;
  const [kpis, posted] = await Promise.all([get(`/kpi-assignments?period_id=${period.id}&employee_id=${me.employee_id}&limit=50`),
    get(`/check-ins?period_id=${period.id}&employee_id=${me.employee_id}&limit=200`)]);
  const newest = posted.data.length ? posted.data[0].week_start : null;
  const msg = el('div', { 'aria-live': 'polite', id: 'ci-msg' });
  const rows = kpis.data.map((k) => {
    const done = posted.data.find((c) => c.assignment_id === k.id && c.week_start === newest);
    if (done) {
      return el('li', { 'data-checkin-kpi': k.id }, ctx.kpiName(k), t('pay.colon'), done.note, ` · ${t('cy.confidence')} ${done.confidence}/5`,
        done.manager_comment ? el('span', { class: 'ok', 'data-reply': done.id }, ` · ${t('cy.mgrComment')}${t('pay.colon')}${done.manager_comment}`) : null);
    }
    const note = el('input', { id: `ci-n-${k.id}`, maxlength: 2000, 'aria-label': t('cy.ciNote') });
    const conf = el('select', { id: `ci-c-${k.id}`, 'aria-label': t('cy.confidence') }, [1, 2, 3, 4, 5].map((n) => el('option', { value: n, selected: n === 3 }, `${n}/5`)));
    const blocker = el('input', { id: `ci-b-${k.id}`, maxlength: 2000, 'aria-label': t('cy.blocker'), placeholder: t('cy.blocker') });
    return el('li', { 'data-checkin-kpi': k.id }, el('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      clear(msg);
      if (!note.value.trim()) { msg.append(el('p', { class: 'error', role: 'alert' }, t('cy.ciNeedNote'))); return; }
      try {
        await call('/check-ins', { method: 'POST', json: { assignment_id: k.id, note: note.value.trim(), confidence: Number(conf.value), blocker: blocker.value.trim() } });
        location.hash = `#/review?saved=${encodeURIComponent(t('cy.ciSaved'))}&t=${Date.now()}`;
      } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
    } }, el('strong', {}, ctx.kpiName(k)), ' ', note, ' ', conf, ' ', blocker, ' ', el('button', { type: 'submit', id: `ci-submit-${k.id}` }, t('cy.ciSubmit'))));
  });
  return el('section', { id: 'check-ins' }, el('h2', {}, t('cy.ciTitle')), el('p', { class: 'muted' }, t('cy.ciIntro')), el('ul', {}, rows), msg,
    el('p', {}, el('a', { href: '#/checkins' }, t('cy.ciAll'))));
}

export async function render(ctx) {
  const [me, cycles, people, indicators] = await Promise.all([get('/me'), get('/review-cycles?limit=20'), getAll('/employees'), getAll('/indicators')]);
  const names = new Map(people.map((p) => [p.id, p]));
  const inds = new Map(indicators.map((i) => [i.id, i]));
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : t('cy.someone'));
  ctx.kpiName = (k) => pick(inds.get(k.indicator_id), 'name');
  const cache = new Map();
  const kpisOf = async (item) => {
    const [rows, checks] = await Promise.all([get(`/kpi-assignments?period_id=${item.period_id}&employee_id=${item.employee_id}&limit=50`),
      get(`/check-ins?period_id=${item.period_id}&employee_id=${item.employee_id}&limit=200`)]);
    const last = new Map();
    for (const c of checks.data) if (!last.has(c.assignment_id)) last.set(c.assignment_id, c);  // newest week first
    return Promise.all(rows.data.map(async (k) => {
      const actuals = await get(`/kpi-assignments/${k.id}/actuals`).catch(() => []);
      const latest = actuals.length ? actuals[actuals.length - 1] : null;
      return { ...k, levels: await rubric(k.indicator_id, cache), last: last.get(k.id) || null, latest };
    }));
  };
  const root = el('section', { id: 'review-page' }, el('h1', {}, t('cy.title')));
  const flash = ctx.params.get('saved');
  if (flash) root.append(el('p', { class: 'ok', role: 'status', id: 'flash' }, flash));
  const reload = (text) => { location.hash = `#/review?saved=${encodeURIComponent(text)}&t=${Date.now()}`; };
  const running = cycles.data.filter((c) => c.stage !== 'locked');
  const checkIns = await checkInSection(me, ctx);
  if (!running.length) { root.append(el('p', { class: 'muted', id: 'no-cycle' }, t('cy.none')), checkIns); return root; }
  for (const cycle of running) {
    const items = await get(`/review-cycles/${cycle.id}/items`);
    root.append(el('p', { class: 'muted' }, t('cy.stageNow', { stage: t('cy.stage.' + cycle.stage) })));
    const mine = items.find((i) => i.employee_id === me.employee_id);
    if (mine) {
      const kpis = await kpisOf(mine);
      if (cycle.self_assessment && OPEN_SELF.includes(mine.status) && (cycle.stage === 'self_assessment' || mine.extensions.self_assessment)) root.append(selfForm(ctx, mine, kpis, reload));
      else if (['published', 'confirmed', 'appealed'].includes(mine.status)) root.append(resultView(ctx, mine, kpis, reload));
      else root.append(el('p', { id: 'my-status' }, t('cy.mine'), t('pay.colon'), t('cy.status.' + mine.status)));
    }
    const todo = items.filter((i) => i.reviewer_id === me.employee_id && i.employee_id !== me.employee_id && OPEN_REVIEW.includes(i.status));
    if (todo.length) {
      const open = cycle.stage === 'manager_review' || cycle.stage === 'calibration';
      root.append(el('h2', {}, t('cy.todo', { n: todo.length })));
      if (!open) root.append(el('p', { class: 'muted', id: 'review-later' }, t('cy.reviewLater')));
      if (open) {  // the checks take a moment (the period's whole anomaly report): fetched alongside the KPIs
        const [beside, kpis] = await Promise.all([besideOf(cycle.id), Promise.all(todo.map(kpisOf))]);
        todo.forEach((item, i) => root.append(reviewForm(ctx, item, kpis[i], reload, beside.get(item.id))));
      }
    }
  }
  if (checkIns) root.append(checkIns);
  return root;
}
