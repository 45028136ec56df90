// 审计: re-hash the audit chain and read the log in words: who (the person, not the login), what (event names),
// when (the company's time zone, to the minute), before/after by field label; filtered by person, action, object
// and days, 50 to a page.
import { get } from '../api.js';
import { el } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { num, yuan } from '../format.js';
import { listing } from '../listing.js';

const PAGE = 50;
const FILTERS = ['actor', 'action', 'entity', 'since', 'until'];
const MAX_FIELDS = 8;

function word(key, fallback) {
  const s = t(key);
  return s === key ? t(fallback) : s;
}

// The first dictionary entry among `prefixes` + v, else v as it is (a name or a note someone typed).
function first(prefixes, v) {
  for (const p of prefixes) if (t(p + v) !== p + v) return t(p + v);
  return CODE_LIKE.test(String(v)) ? null : String(v);
}

// The company's time zone by its name in the page's language ("中国标准时间"), not its IANA code.
function zoneName(tz) {
  try {
    const parts = new Intl.DateTimeFormat(getLang() === 'zh' ? 'zh-CN' : 'en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(new Date());
    return parts.find((p) => p.type === 'timeZoneName')?.value || tz;
  } catch { return tz; }
}

export const actionWord = (a) => word('audit.action.' + a, 'audit.action.other');
export const entityWord = (e) => word('audit.entity.' + e, 'audit.entity.other');

// A stored UTC stamp in the company's time zone, to the minute ("2026年11月18日 10:00").
export function stamp(iso, tz) {
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + 'Z');
  if (Number.isNaN(d.getTime())) return '—';
  try {
    return d.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: tz });
  } catch { return d.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { dateStyle: 'medium', timeStyle: 'short' }); }
}

// A field's value in words: money in yuan, yes/no, statuses and roles by name, indicator weights by indicator name.
function value(key, v, names) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
  if (key.endsWith('_fen') && typeof v === 'number') return yuan(v);
  if (typeof v === 'number') return num(v, 2);
  if (key === 'status') return first(['status.', 'pools.status.', 'cy.status.'], v);
  if (key === 'role') return t('role.' + v);
  if (key === 'stage') return first(['cy.stage.', 'stage.'], v);
  if (key === 'campaign') return first(['campaign.'], v);
  if (key === 'language') return first(['value.language.'], v);
  if (key === 'provider') return first(['value.provider.'], v);
  if (Array.isArray(v)) return t('audit.nested', { n: num(v.length, 0) });
  if (typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length && entries.every(([k, x]) => typeof x === 'number' && names.has(k))) {
      return entries.map(([k, x]) => `${names.get(k)} ${num(x, 2)}`).join(t('list.sep'));
    }
    return t('audit.nested', { n: num(entries.length, 0) });
  }
  if (v === 'system') return t('audit.system');
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return day(v);
  if (/^\d{4}-\d{2}$/.test(v)) return month(v);
  if (CODE_LIKE.test(v)) return null; // a machine word with no name: counted, never shown as it is
  return el('span', { 'data-literal': '' }, String(v)); // a name or a note someone typed, in their words
}

const CODE_LIKE = /^[a-z][a-z0-9]*(?:[_:.-][a-z0-9]+)*$/;
// A field in the other language (explanation_en on a Chinese page) is the same words again: not shown.
const otherLanguage = (k) => k.endsWith(getLang() === 'zh' ? '_en' : '_zh');

// "2026-12-01" and "2026-12" as the reader writes them.
const locale = () => (getLang() === 'zh' ? 'zh-CN' : 'en-US');
function day(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(locale(), { dateStyle: 'medium' });
}
function month(code) {
  const [y, m] = code.split('-').map(Number);
  return new Date(y, m - 1, 1).toLocaleDateString(locale(), { year: 'numeric', month: 'long' });
}

const known = (key) => t('field.' + key) !== 'field.' + key;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Before/after in words: what changed (label: old → new), or the labelled fields of what was created or removed;
// fields without a label are counted, never shown by their code.
export function describe(before, after, names) {
  const lines = [];
  let hidden = 0;
  if (before && after) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (same(before[k], after[k])) continue;
      if (otherLanguage(k)) continue;
      const [was, now] = [value(k, before[k], names), value(k, after[k], names)];
      if (!known(k) || was === null || now === null) { hidden += 1; continue; }
      lines.push([`${t('field.' + k)}${t('pay.colon')}`, was, ' → ', now]);
    }
    if (!lines.length && !hidden) lines.push(t('audit.noChange'));
  } else {
    const one = after || before || {};
    for (const [k, v] of Object.entries(one)) {
      if (otherLanguage(k)) continue;
      const shown = known(k) && v !== null && v !== '' ? value(k, v, names) : null;
      if (shown === null || lines.length >= MAX_FIELDS) { hidden += 1; continue; }
      lines.push([`${t('field.' + k)}${t('pay.colon')}`, shown]);
    }
  }
  const head = before && after ? t('audit.changed') : after ? t('audit.created') : before ? t('audit.removed') : '';
  if (!lines.length && !hidden) return '—';
  return el('details', { class: 'audit-detail' }, el('summary', {}, head || t('audit.details')),
    el('ul', {}, lines.map((l) => el('li', {}, l)), hidden ? el('li', { class: 'muted' }, t('audit.more', { n: num(hidden, 0) })) : null));
}

function actorName(e, people) {
  if (getLang() === 'zh' ? e.actor_name_zh : e.actor_name_en) return getLang() === 'zh' ? e.actor_name_zh : e.actor_name_en;
  if (e.actor_name_zh) return e.actor_name_zh;
  if (e.actor === 'system') return t('audit.system');
  const p = people.get(e.actor);
  return (p && pick(p, 'name')) || e.actor;
}

function filterForm(facets, params) {
  const people = new Map(facets.actors.map((a) => [a.actor, a]));
  const personOf = (a) => (a.actor === 'system' ? t('audit.system') : pick(a, 'name') || a.actor);
  const select = (id, label, options) => el('div', { class: 'field' }, el('label', { for: `au-${id}` }, label),
    el('select', { id: `au-${id}`, name: id }, el('option', { value: '' }, t('audit.any')),
      options.map(([v, text]) => el('option', { value: v, selected: params.get(id) === v }, text))));
  const dayField = (id, label) => el('div', { class: 'field' }, el('label', { for: `au-${id}` }, label),
    el('input', { id: `au-${id}`, name: id, type: 'date', value: params.get(id) || '' }));
  const form = el('form', { class: 'card row', id: 'audit-filters', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
    location.hash = `#/audit${q.toString() ? '?' + q : ''}`;
  } },
  select('actor', t('audit.actor'), facets.actors.map((a) => [a.actor, personOf(a)]).sort((x, y) => x[1].localeCompare(y[1], 'zh-CN'))),
  select('action', t('audit.action'), facets.actions.map((a) => [a, actionWord(a)])),
  select('entity', t('audit.entity'), facets.entities.map((e) => [e, entityWord(e)])),
  dayField('since', t('audit.since')), dayField('until', t('audit.until')),
  el('button', { type: 'submit', id: 'audit-apply' }, t('audit.apply')),
  el('a', { href: '#/audit', id: 'audit-reset' }, t('audit.reset')));
  return { form, people };
}

function pager(params, count, offset) {
  const go = (to) => {
    const q = new URLSearchParams(params);
    if (to) q.set('offset', String(to)); else q.delete('offset');
    location.hash = `#/audit?${q}`;
  };
  return el('div', { class: 'row', id: 'audit-pager' },
    el('button', { type: 'button', class: 'secondary', id: 'audit-prev', disabled: offset <= 0, onclick: () => go(Math.max(0, offset - PAGE)) }, t('audit.prev')),
    el('span', { id: 'audit-range' }, count ? t('audit.range', { from: num(offset + 1, 0), to: num(Math.min(offset + PAGE, count), 0), total: num(count, 0) }) : ''),
    el('button', { type: 'button', class: 'secondary', id: 'audit-next', disabled: offset + PAGE >= count, onclick: () => go(offset + PAGE) }, t('audit.next')));
}

export async function render({ params }) {
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
  const [check, events, facets, inds] = await Promise.all([get('/audit-events/verify'), get(`/audit-events?${q}`), get('/audit-events/facets'),
    get('/indicators?limit=200')]);
  const names = new Map(inds.data.map((i) => [i.code, pick(i, 'name')]));
  const verdict = check.ok
    ? el('p', { class: 'ok', id: 'audit-verdict' }, t('audit.ok', { n: num(check.checked, 0) }), check.signed ? ` ${t('audit.signed')}` : '')
    : el('div', { class: 'bad', id: 'audit-verdict', role: 'alert' }, t('audit.bad'), el('ul', {}, check.problems.map((p) => el('li', {}, p))));
  const { form, people } = filterForm(facets, params);
  const headers = [t('audit.when'), t('audit.actor'), t('audit.action'), t('audit.entity'), t('audit.details')];
  const rows = events.data.map((e) => [el('span', { 'data-sort': e.at, 'data-event': e.id }, stamp(e.at, facets.timezone)), actorName(e, people),
    el('span', { 'data-action': e.action }, actionWord(e.action)), el('span', { 'data-entity': e.entity }, entityWord(e.entity), /^\d+$/.test(e.entity_id) ? ` #${e.entity_id}` : ''),
    describe(e.before, e.after, names)]);
  return el('section', {}, el('h1', {}, t('audit.title')), el('div', { class: 'card' }, verdict),
    el('h2', {}, t('audit.filters')), form,
    el('h2', {}, t('audit.latest')), el('p', { class: 'muted' }, t('audit.tz', { tz: zoneName(facets.timezone) })),
    rows.length ? listing(headers, rows, { stack: true, id: 'audit-list', skip: [4] }) : el('p', { class: 'muted', id: 'audit-empty' }, t('audit.none')),
    pager(params, events.count, offset));
}
