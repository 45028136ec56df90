// 评分标准 (HR): the rubric of a qualitative KPI — its levels, each a value with a name and a description in Chinese
// and English. Employees propose a level in their self-assessment and reviewers set one; both see these descriptions.
// A rubric is saved whole (If-Match on its version once it exists); levels go from the lowest value to the highest.
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { num } from '../format.js';

function said(e) {
  return getLang() === 'zh' && e.problem && e.problem.detail_zh ? e.problem.detail_zh : problemText(e);
}

const BLANK = { value: '', label_zh: '', label_en: '', description_zh: '', description_en: '' };
const FIELDS = [['value', 'rb.value'], ['label_zh', 'rb.labelZh'], ['label_en', 'rb.labelEn'], ['description_zh', 'rb.descZh'], ['description_en', 'rb.descEn']];

// One level's inputs (value, names, descriptions) and a remove button.
function levelRow(level, i, onRemove) {
  return el('fieldset', { class: 'card', 'data-level': i }, el('legend', {}, t('rb.level', { n: i + 1 })),
    FIELDS.map(([key, label]) => el('div', { class: 'field' }, el('label', { for: `rb-${key}-${i}` }, t(label)),
      key.startsWith('description')
        ? el('textarea', { id: `rb-${key}-${i}`, rows: 2, maxlength: 1000 }, level[key] || '')
        : el('input', { id: `rb-${key}-${i}`, value: level[key] ?? '', maxlength: 100, type: key === 'value' ? 'number' : 'text', min: key === 'value' ? 0 : null, step: key === 'value' ? 'any' : null }))),
    el('button', { type: 'button', class: 'secondary', id: `rb-remove-${i}`, onclick: onRemove }, t('rb.remove')));
}

function readLevels(n) {
  const out = [];
  for (let i = 0; i < n; i += 1) {
    const v = (k) => document.getElementById(`rb-${k}-${i}`).value.trim();
    out.push({ value: v('value') === '' ? null : Number(v('value')), label_zh: v('label_zh'), label_en: v('label_en'), description_zh: v('description_zh'), description_en: v('description_en') });
  }
  return out;
}

// What the page can say before asking the server: every level named in both languages and valued, values rising.
function problems(levels) {
  if (levels.length < 2) return t('rb.needTwo');
  if (levels.some((l) => l.value === null || Number.isNaN(l.value) || !l.label_zh || !l.label_en)) return t('rb.needFields');
  if (levels.some((l, i) => i > 0 && l.value <= levels[i - 1].value)) return t('rb.rising');
  return null;
}

function editor(indicator, rubric, reload) {
  let levels = rubric.levels.length ? rubric.levels.map((l) => ({ ...l })) : [{ ...BLANK }, { ...BLANK }];
  const list = el('div', { id: 'rb-levels' });
  const msg = el('div', { 'aria-live': 'polite', id: 'rb-msg' });
  const draw = () => {
    clear(list).append(...levels.map((l, i) => levelRow(l, i, () => { levels = readLevels(levels.length); levels.splice(i, 1); draw(); })));
  };
  draw();
  const save = async (ev) => {
    ev.preventDefault();
    clear(msg);
    const body = readLevels(levels.length);
    const wrong = problems(body);
    if (wrong) { msg.append(el('p', { class: 'error', role: 'alert' }, wrong)); return; }
    try {
      await call(`/indicators/${indicator.id}/rubric`, { method: 'PUT', json: { levels: body }, etag: rubric.version ? `"${rubric.version}"` : undefined });
      reload(indicator.id, t('rb.saved', { name: pick(indicator, 'name') }));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
  };
  return el('form', { id: 'rb-form', onsubmit: save },
    el('h2', {}, pick(indicator, 'name'), ' ', el('span', { class: 'badge' }, rubric.id ? t('rb.defined', { n: rubric.levels.length }) : t('rb.new'))),
    pick(indicator, 'definition') ? el('p', { class: 'muted' }, pick(indicator, 'definition')) : null,
    list,
    el('p', {}, el('button', { type: 'button', class: 'secondary', id: 'rb-add', onclick: () => { levels = [...readLevels(levels.length), { ...BLANK }]; draw(); } }, t('rb.add')), ' ',
      el('button', { type: 'submit', id: 'rb-save' }, t('rb.save'))),
    msg);
}

// The levels as everyone reads them (also shown on the review page beside the level choice).
function preview(rubric) {
  if (!rubric.levels.length) return null;
  return el('div', { class: 'card', id: 'rb-preview' }, el('h3', {}, t('rb.preview')),
    el('ul', {}, rubric.levels.map((l) => el('li', {}, el('strong', {}, `${pick(l, 'label')}（${num(l.value, 2)}）`), pick(l, 'description') ? `${t('pay.colon')}${pick(l, 'description')}` : ''))));
}

export async function render(ctx) {
  const [indicators, rubrics] = await Promise.all([getAll('/indicators'), get('/rubrics')]);
  const has = new Map(rubrics.map((r) => [r.indicator_id, r]));
  const reload = (id, text) => { location.hash = `#/rubrics?indicator=${id}&saved=${encodeURIComponent(text)}&t=${Date.now()}`; };
  const root = el('section', { id: 'rubrics-page' }, el('h1', {}, t('rb.title')), el('p', { class: 'muted' }, t('rb.intro')));
  if (ctx.params.get('saved')) root.append(el('p', { class: 'ok', role: 'status', id: 'flash' }, ctx.params.get('saved')));
  // Indicators with a rubric first, then the catalogue; each says whether it has one.
  const ordered = [...indicators].sort((a, b) => Number(has.has(b.id)) - Number(has.has(a.id)) || pick(a, 'name').localeCompare(pick(b, 'name')));
  const chosen = Number(ctx.params.get('indicator')) || null;
  const select = el('select', { id: 'rb-indicator' }, el('option', { value: '' }, t('rb.choose')),
    ordered.map((i) => el('option', { value: i.id, selected: i.id === chosen }, has.has(i.id) ? `${pick(i, 'name')} · ${t('rb.defined', { n: has.get(i.id).levels.length })}` : pick(i, 'name'))));
  const body = el('div', { id: 'rb-body' });
  const show = async (id) => {
    clear(body);
    const indicator = indicators.find((i) => i.id === id);
    if (!indicator) return;
    const rubric = await get(`/indicators/${id}/rubric`);
    body.append(editor(indicator, rubric, reload), preview(rubric));
  };
  select.addEventListener('change', () => show(Number(select.value)));
  root.append(el('div', { class: 'field' }, el('label', { for: 'rb-indicator' }, t('rb.indicator')), select), body);
  if (chosen) await show(chosen);
  return root;
}
