// Lists of people sort, filter and search: sortable column headers and a search box over a rendered table (or
// several, e.g. one per department), with a sort menu for phones, where stacked tables hide their headers.
// A cell sorts by its `data-sort` (or a descendant's), else an input's value, else its text; numbers as numbers.
import { el, table } from './dom.js';
import { getLang, t } from './i18n.js';

function keyOf(td) {
  if (!td) return '';
  const hold = td.hasAttribute('data-sort') ? td : td.querySelector('[data-sort]');
  if (hold) return hold.getAttribute('data-sort');
  const input = td.querySelector('input, select');
  return input ? input.value : td.textContent.trim();
}

// "1,234.50 元", "¥200", "×1.2", "85%" read as numbers; anything else compares as text in the page's language.
function asNumber(s) {
  const m = /^\s*[¥×#]?\s*(-?[\d,]*\.?\d+)\s*(%|元|分|人|天)?\s*$/.exec(String(s));
  return m ? Number(m[1].replace(/,/g, '')) : NaN;
}

export function compare(a, b) {
  const x = asNumber(a), y = asNumber(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (a === '' || a === '—') return 1; // blanks last
  if (b === '' || b === '—') return -1;
  return String(a).localeCompare(String(b), getLang() === 'zh' ? 'zh-CN' : 'en');
}

const headerCells = (tbl) => [...tbl.tHead.rows[0].cells];

// Sort a table's body by column `i` ('ascending' or 'descending'); the headers say which (aria-sort, ▲/▼).
export function sortBy(tbl, i, dir) {
  const body = tbl.tBodies[0];
  const rows = [...body.rows];
  rows.sort((r1, r2) => compare(keyOf(r1.cells[i]), keyOf(r2.cells[i])) * (dir === 'descending' ? -1 : 1));
  body.append(...rows);
  headerCells(tbl).forEach((th, j) => {
    if (!th.querySelector('button.sort')) return;
    th.setAttribute('aria-sort', j === i ? dir : 'none');
    const mark = th.querySelector('.sort-mark');
    if (mark) mark.textContent = j === i ? (dir === 'ascending' ? ' ▲' : ' ▼') : '';
  });
}

// Turn a table's header labels into sort buttons (columns in `skip` and empty headers stay as they are).
// `together`: the tables sorted as one list (e.g. one per department), all by the same column.
export function sortable(tbl, { skip = [], together = () => [tbl] } = {}) {
  headerCells(tbl).forEach((th, i) => {
    const label = th.textContent.trim();
    if (!label || skip.includes(i)) return;
    th.setAttribute('aria-sort', 'none');
    th.replaceChildren(el('button', { type: 'button', class: 'sort', 'data-col': i, title: t('list.sortBy', { col: label }),
      onclick: () => {
        const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        for (const one of together()) sortBy(one, i, dir);
      } },
    label, el('span', { class: 'sort-mark', 'aria-hidden': 'true' })));
  });
  return tbl;
}

// What a row says: its text, a select's chosen option only (not every choice it offers) and inputs' values.
function rowText(row) {
  const parts = [];
  const walk = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest('select, textarea')) parts.push(n.nodeValue);
  for (const sel of row.querySelectorAll('select')) parts.push(...[...sel.selectedOptions].map((o) => o.textContent));
  for (const inp of row.querySelectorAll('input:not([type=hidden]), textarea')) parts.push(inp.value);
  return parts.join(' ');
}

// A search box that hides the rows of `tables` not containing every typed word; `onChange(shown, total)`.
export function searchBox(tables, { id, label = t('list.search'), onChange } = {}) {
  const input = el('input', { type: 'search', id, class: 'list-search', placeholder: label, 'aria-label': label, autocomplete: 'off' });
  const apply = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0, total = 0;
    for (const tbl of tables()) {
      for (const r of tbl.tBodies[0].rows) {
        const text = (rowText(r) + ' ' + [...r.querySelectorAll('[data-search]')].map((n) => n.getAttribute('data-search')).join(' ')).toLowerCase();
        const hit = words.every((w) => text.includes(w));
        r.hidden = !hit;
        total += 1;
        shown += hit ? 1 : 0;
      }
    }
    if (onChange) onChange(shown, total, input.value.trim());
  };
  input.addEventListener('input', apply);
  input.apply = apply;
  return input;
}

// The sort menu (phones: a stacked table hides its header row): "姓名 ▲", "姓名 ▼", ... over `tables`.
function sortMenu(tables, headers, skip, id) {
  const cols = headers.map((h, i) => [h, i]).filter(([h, i]) => h && !skip.includes(i));
  return el('select', { class: 'sort-phone', id: id ? `${id}-sort` : null, 'aria-label': t('list.sort'),
    onchange: (ev) => {
      if (!ev.target.value) return;
      const [i, dir] = ev.target.value.split(':');
      for (const tbl of tables()) sortBy(tbl, Number(i), dir);
    } },
  el('option', { value: '' }, t('list.sort')),
  cols.flatMap(([h, i]) => [el('option', { value: `${i}:ascending` }, `${h} ▲`), el('option', { value: `${i}:descending` }, `${h} ▼`)]));
}

// A toolbar (search, "showing n of m", sort menu) over the tables found in `root`, whose headers become sort buttons.
export function listTools(root, headers, { id, skip = [], label, onFilter } = {}) {
  const tables = () => [...root.querySelectorAll('table')].filter((tbl) => !tbl.parentElement.closest('td')); // not tables inside cells
  for (const tbl of tables()) sortable(tbl, { skip, together: tables });
  const status = el('span', { class: 'muted list-count', 'aria-live': 'polite', id: id ? `${id}-count` : null });
  const box = searchBox(tables, { id: id ? `${id}-search` : null, label,
    onChange: (shown, total, q) => { status.textContent = q ? t('list.showing', { n: shown, total }) : ''; if (onFilter) onFilter(q); } });
  return el('div', { class: 'row list-tools' }, box, sortMenu(tables, headers, skip, id), status);
}

// A searchable, sortable table: dom.table's arguments (headers, rows, {caption, numeric, stack}) plus `id` for the
// search box and `skip` for columns that do not sort. Other pages adopt it by replacing `table(...)` with it.
export function listing(headers, rows, opts = {}) {
  const wrap = table(headers, rows, opts);
  return el('div', { class: 'listing', id: opts.id || null }, listTools(wrap, headers, opts), wrap);
}
