// 首页: what needs me, per role (GET /home). HR and admin see the approvals, review cycles, bonus pools, imports
// and anomaly flags waiting; a manager the people at risk and drafts to finish; everyone their own KPIs and their
// part of an open review cycle. Every entry links to the page where it is handled.
import { get } from '../api.js';
import { el, fmt, spinner, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { dateTime, yuan } from '../format.js';
import { flagTitle, severityWord } from './anomalies.js';

// A plain date ("2026-11-30") as the reader writes it, without a time-zone shift.
export function day(iso) {
  if (!iso) return '—';
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { dateStyle: 'medium' });
}

const link = (href, text, attrs = {}) => el('a', { href, ...attrs }, text);

function section(id, title, items, empty, count = items.length) {
  return el('section', { class: 'card home-section', id, 'data-count': count },
    el('h2', {}, title, ' ', el('span', { class: `badge ${count ? 'warn' : 'ok'}` }, fmt(count, 0))),
    items.length ? el('ul', { class: 'home-list' }, items) : el('p', { class: 'muted' }, empty));
}

function weights(h) {
  return section('home-weights', t('home.weights'), h.weights.map((w) => el('li', { 'data-proposal': w.proposal_id },
    link(`#/weights?id=${w.proposal_id}`, t('home.weightsItem', { dept: pick(w.department, 'name'), from: day(w.effective_from) })))),
  t('home.weightsNone'));
}

function cycles(h) {
  return section('home-cycles', t('home.cycles'), h.cycles.map((c) => el('li', { 'data-cycle': c.cycle_id },
    link('#/cycles', t('home.cycleItem', { period: pick(c.period, 'name'), stage: t('cy.stage.' + c.stage), n: fmt(c.people, 0) })),
    el('br'),
    c.late.length ? el('span', { class: 'late' }, t('home.late', { n: fmt(c.late.length, 0) }), ' ', c.late.slice(0, 12).map((p) => pick(p, 'name')).join(t('list.sep')),
      c.late.length > 12 ? t('home.andMore', { n: fmt(c.late.length - 12, 0) }) : '') : el('span', { class: 'muted' }, t('cy.nobodyLate')),
    c.open_appeals ? el('span', {}, ' · ', t('cy.appeals', { n: fmt(c.open_appeals, 0) })) : null)),
  t('home.cyclesNone'));
}

function pools(h) {
  return section('home-pools', t('home.pools'), h.pools.map((p) => el('li', { 'data-pool': p.pool_id },
    link(`#/pools?id=${p.pool_id}`, t('home.poolItem', { period: pick(p.period, 'name'), amount: yuan(p.amount_fen) })),
    p.waiting_for_reviews.length ? el('span', {}, ' · ', t('home.poolWaits', { n: fmt(p.waiting_for_reviews.length, 0) }), ' ',
      p.waiting_for_reviews.map((id, i) => [i ? t('list.sep') : '', link(`#/reviews?id=${id}`, t('pay.reviewItem', { id }))]))
      : el('span', { class: 'muted' }, ' · ', t('home.poolReady')))),
  t('home.poolsNone'));
}

function imports(h) {
  return section('home-imports', t('home.imports'), h.imports.map((j) => el('li', { 'data-job': j.job_id },
    link('#/imports', t('home.importItem', { file: j.filename, at: dateTime(j.created_at) })),
    j.bad_rows ? ` · ${t('home.badRows', { n: fmt(j.bad_rows, 0) })}` : '')),
  t('home.importsNone'));
}

// The flags arrive after the rest (the checks take a moment): a placeholder first, filled in place (the card may
// not be on the page yet when they arrive, so its content changes, not the card).
function anomalies(pending, onCount) {
  const box = el('section', { class: 'card home-section', id: 'home-anomalies', 'data-count': 0 },
    el('h2', {}, t('home.anomalies')), spinner(t('loading')));
  const fill = (done) => {
    box.replaceChildren(...done.childNodes);
    box.dataset.count = done.dataset.count;
    box.dataset.ready = '1';
  };
  pending.then((a) => {
    const q = a.period ? `?period=${a.period.id}` : '';
    const title = a.period ? t('home.anomaliesOf', { period: pick(a.period, 'name') }) : t('home.anomalies');
    fill(section('home-anomalies', title, a.flags.map((f) => el('li', {},
      link(`#/anomalies${q}`, `${pick(f.subject, 'name')} · ${flagTitle(f.code)}`),
      ' ', el('span', { class: 'badge warn' }, severityWord(f.severity)))),
    t('home.anomaliesNone')));
    onCount(a.flags.length);
  }).catch(() => fill(section('home-anomalies', t('home.anomalies'), [], t('home.anomaliesFailed'))));
  return box;
}

const RISK_SHOWN = 15;

function atRisk(h) {
  const more = h.at_risk.length - RISK_SHOWN;
  return section('home-risk', t('home.atRisk'), h.at_risk.slice(0, RISK_SHOWN).map((r) => el('li', { 'data-employee': r.person.id },
    link('#/team', pick(r.person, 'name')), ' · ',
    r.behind ? t('home.behind', { n: fmt(r.behind, 0) }) : '',
    r.behind && r.lowest_probability_pct !== null ? t('list.sep') : '',
    r.lowest_probability_pct !== null ? t('home.chance', { pct: fmt(r.lowest_probability_pct, 0) }) : ''))
    .concat(more > 0 ? [el('li', { class: 'more' }, link('#/team', t('home.moreAtRisk', { n: fmt(more, 0) })))] : []),
  t('home.atRiskNone'), h.at_risk.length);
}

function drafts(h) {
  return section('home-drafts', t('home.drafts'), h.drafts.map((d) => el('li', { 'data-draft': d.draft_id },
    link(`#/drafts?id=${d.draft_id}`, t('home.draftItem', { dept: pick(d.department, 'name'), period: pick(d.period, 'name') })),
    d.updated_at ? el('span', { class: 'muted' }, ` · ${t('home.lastEdited', { at: dateTime(d.updated_at) })}`) : null)),
  t('home.draftsNone'));
}

function withUnit(v, unit) {
  if (v === null || v === undefined) return '—';
  if (unit === '%') return `${fmt(v)}%`;
  const word = t('home.unit.' + unit);
  return word === 'home.unit.' + unit ? fmt(v) : `${fmt(v)} ${word}`;
}

function plan(h) {
  if (!h.plan_period) return null;
  const rows = h.kpis.map((k) => [el('a', { href: '#/plan', 'data-code': k.code }, k.name), withUnit(k.target, k.unit), withUnit(k.actual, k.unit),
    k.pace ? el('span', {}, el('span', { class: `badge ${k.pace.status}` }, t('pace.' + k.pace.status)), ' ', el('span', { class: 'muted' }, k.pace.explanation)) : '—']);
  return el('section', { class: 'card home-section', id: 'home-plan', 'data-count': rows.length },
    el('h2', {}, t('home.plan', { period: pick(h.plan_period, 'name') })),
    rows.length ? table([t('col.kpi'), t('col.target'), t('col.actual'), t('col.pace')], rows, { numeric: [1, 2], stack: true })
      : el('p', { class: 'muted' }, t('plan.noKpis')),
    el('p', {}, link('#/plan', t('home.toPlan'))));
}

function cycleTasks(h) {
  return section('home-review', t('home.review'), h.cycle_tasks.map((c) => el('li', { 'data-item': c.item_id },
    link('#/review', c.mine ? t('home.task.' + c.stage, { period: pick(c.period, 'name') })
      : t('home.task.review', { name: pick(c.person, 'name'), period: pick(c.period, 'name') })),
    el('span', { class: 'muted' }, ` · ${t('home.due', { day: day(c.due) })}`))),
  t('home.reviewNone'));
}

export async function render({ me, lang }) {
  const staff = me.role === 'hr' || me.role === 'admin';
  const flags = staff ? get('/home/anomalies') : null;
  if (flags) flags.catch(() => {}); // shown in its card when it fails
  const h = await get(`/home?lang=${lang}`);
  // My own KPIs behind pace count as things waiting for me too.
  const behind = h.kpis.filter((k) => k.pace && k.pace.status === 'behind').length;
  const summary = el('p', { id: 'home-summary' });
  const say = (n) => {
    summary.className = n ? 'notice' : 'ok';
    summary.textContent = n ? t('home.waiting', { n: fmt(n, 0), today: day(h.today) }) : t('home.allClear', { today: day(h.today) });
  };
  const parts = staff ? [weights(h), pools(h), cycles(h), imports(h)] : [];
  if (me.role === 'manager') parts.push(atRisk(h), drafts(h));
  if (!staff) parts.push(plan(h), cycleTasks(h));
  else if (h.cycle_tasks.length) parts.push(cycleTasks(h));
  const open = parts.filter(Boolean).reduce((n, s) => n + (s.id === 'home-plan' ? behind : Number(s.dataset.count || 0)), 0);
  if (staff) parts.push(anomalies(flags, (n) => say(open + n)));
  say(open);
  return el('section', { id: 'home' }, el('h1', {}, t('home.title')), summary, el('div', { class: 'home-grid' }, parts.filter(Boolean)));
}
