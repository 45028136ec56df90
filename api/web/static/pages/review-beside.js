// Beside a review (绩效评估, issue 29): what the reviewer weighs next to the person's self-assessment and computed
// actuals — each KPI's pace history over the period (the plan page's own pace and progress, as of each week's last
// actual), the inflation and divergence checks that concern the person and their second reviews — and a rubric's
// levels with their descriptions wherever a level is proposed or set.
import { get } from '../api.js';
import { el, table } from '../dom.js';
import { pick, t } from '../i18n.js';
import { num } from '../format.js';

// item id -> what the server computed beside it (an empty map when the caller reviews nobody in the cycle).
export async function besideOf(cycleId) {
  const rows = await get(`/review-cycles/${cycleId}/beside`).catch(() => []);
  return new Map(rows.map((b) => [b.item_id, b]));
}

// A text key when the dictionary has one, else the fallback (never a raw code on the page).
function known(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

const pctOrDash = (v) => (v === null || v === undefined ? '—' : `${num(v, 1)}%`);

// One KPI's weekly pace history as a small table (stacked into cards on a phone).
export function paceHistory(b, assignmentId) {
  const k = b && b.kpis.find((x) => x.assignment_id === assignmentId);
  if (!k || !k.points.length) return el('p', { class: 'muted', 'data-pace': assignmentId }, t('cy.noPace'));
  const rows = k.points.map((p) => [p.as_of, num(p.actual, 2), pctOrDash(p.progress_pct), pctOrDash(p.projected_pct),
    p.status ? el('span', { class: `badge ${p.status}` }, t('pace.' + p.status)) : '—']);
  return el('div', { 'data-pace': assignmentId }, el('h4', {}, t('cy.paceTitle')),
    table([t('cy.paceDay'), t('cy.actual'), t('cy.paceProgress'), t('cy.paceProjected'), t('cy.paceStatus')], rows, { numeric: [1, 2, 3], stack: true }),
    el('p', { class: 'muted' }, t('cy.paceNote')));
}

// The checks on a person: their computed score, the inflation/divergence flags, their second reviews.
export function checksBlock(b, itemId) {
  if (!b) return null;
  const flags = b.checks.map((c) => el('li', { 'data-check': c.code }, el('strong', {}, known('cy.check.' + c.code, t('cy.checkOther'))), t('pay.colon'), pick(c, 'explanation')));
  const reviews = b.second_reviews.map((r) => el('li', { 'data-second-review': r.id },
    el('a', { href: `#/reviews?id=${r.id}` }, known('review.code.' + r.code, t('cy.reviewItem', { id: r.id }))), ' · ',
    known('review.status.' + r.status, ''), t('pay.colon'), pick(r, 'explanation')));
  return el('div', { class: 'card', id: `checks-${itemId}` }, el('h4', {}, t('cy.checksTitle')),
    el('p', {}, t('cy.computedScore'), t('pay.colon'), b.score === null ? '—' : num(b.score, 1)),
    flags.length ? el('ul', {}, flags) : el('p', { class: 'ok' }, t('cy.noChecks')),
    reviews.length ? [el('p', {}, t('cy.secondReviews')), el('ul', {}, reviews)] : el('p', { class: 'ok' }, t('cy.noSecondReview')));
}

// A rubric's levels as everyone reads them: name, value and description in the reader's language.
export function rubricLevels(levels, id) {
  if (!levels || !levels.length) return null;
  return el('ul', { class: 'muted', 'data-rubric': id }, levels.map((l) => el('li', {},
    el('strong', {}, `${pick(l, 'label')}（${num(l.value, 2)}）`), pick(l, 'description') ? `${t('pay.colon')}${pick(l, 'description')}` : '')));
}
