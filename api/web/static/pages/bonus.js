// 我的奖金: the caller's own lines in approved allocations, each with the inputs of its amount.
import { get } from '../api.js';
import { el } from '../dom.js';
import { pick, t } from '../i18n.js';
import { periodName, yuan } from '../format.js';
import { traceTable } from '../pay.js';

export async function render() {
  const [lines, depts] = await Promise.all([get('/pay/me/bonuses'), get('/departments?limit=200')]);
  const deptName = (code) => pick(depts.data.find((d) => d.code === code), 'name') || code;
  const cards = lines.map((b) => el('div', { class: 'card', 'data-bonus': b.allocation_id },
    el('h2', {}, periodName(b.period_code), ' · ', el('span', { class: 'amount' }, yuan(b.amount_fen))),
    el('p', {}, t('col.grade'), t('pay.colon'), t('grade.' + b.grade), b.coaching_plan ? el('span', { class: 'notice' }, ' ', t('bonus.coaching')) : null),
    el('h3', {}, t('bonus.how')),
    traceTable(b.trace, { deptName })));
  return el('section', {}, el('h1', {}, t('bonus.title')),
    el('p', { class: 'muted' }, t('bonus.note')),
    cards.length ? el('div', { id: 'my-bonuses' }, cards) : el('p', { class: 'muted', id: 'no-bonus' }, t('bonus.none')));
}
