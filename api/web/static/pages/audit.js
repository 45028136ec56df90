// 审计: re-hash the audit chain and show the latest events.
import { get } from '../api.js';
import { el, table } from '../dom.js';
import { t } from '../i18n.js';

export async function render() {
  const [check, events] = await Promise.all([get('/audit-events/verify'), get('/audit-events?limit=30')]);
  const verdict = check.ok
    ? el('p', { class: 'ok', id: 'audit-verdict' }, t('audit.ok', { n: check.checked }), check.signed ? ` ${t('audit.signed')}` : '')
    : el('div', { class: 'bad', id: 'audit-verdict', role: 'alert' }, t('audit.bad'), el('ul', {}, check.problems.map((p) => el('li', {}, p))));
  const cols = events.data.length ? Object.keys(events.data[0]).filter((k) => ['id', 'at', 'created_at', 'actor', 'actor_name', 'action', 'entity', 'entity_id', 'subject'].includes(k)) : [];
  return el('section', {}, el('h1', {}, t('audit.title')), el('div', { class: 'card' }, verdict),
    el('h2', {}, t('audit.latest')),
    table(cols, events.data.map((e) => cols.map((c) => (typeof e[c] === 'object' ? JSON.stringify(e[c]) : e[c])))));
}
