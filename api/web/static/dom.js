// Small DOM helpers: every text goes through textContent (never innerHTML with data).
import { t } from './i18n.js';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) { node.replaceChildren(); return node; }

// Numbers read the same on every page: the one formatter lives in format.js.
export { fmt } from './format.js';

// Work tables lay each row out as a card at phone width (CSS), every cell labelled with its header; `stack: false`
// keeps a small table as a table.
export function table(headers, rows, { caption, numeric = [], stack = true } = {}) {
  const label = (h) => (h instanceof Node ? h.textContent.replace(/\s*ⓘ\s*$/, '') : String(h ?? ''));
  const t = el('table', { class: stack ? 'stack' : null }, caption ? el('caption', { class: 'muted' }, caption) : null,
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : null, 'data-label': stack ? label(headers[i]) : null }, c))))));
  return el('div', { class: 'table-wrap' }, t);
}

// A word readers may not know (MASE, 覆盖率, p 值 ...) with its plain explanation: on hover (title) and on tap or
// keyboard (the explanation opens under the word).
export function explain(word, text) {
  const note = el('span', { class: 'explain', hidden: true, role: 'note' }, text);
  const toggle = () => { note.hidden = !note.hidden; };
  return el('span', { class: 'jargon' }, el('abbr', { title: text, tabindex: '0', role: 'button', 'aria-label': `${word}: ${text}`,
    onclick: toggle, onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } } }, word, ' ', el('span', { class: 'info', 'aria-hidden': 'true' }, 'ⓘ')), note);
}

// A chart that fits the screen and opens full size on a tap (the image itself, or the SVG in a dialog).
export function zoomable(chart, label) {
  if (chart instanceof HTMLImageElement) return el('a', { href: chart.src, target: '_blank', rel: 'noopener', class: 'zoom', title: label }, chart);
  const dialog = el('dialog', { class: 'zoom-dialog' });
  const open = () => { clear(dialog).append(chart.cloneNode(true), el('form', { method: 'dialog' }, el('button', { type: 'submit', 'aria-label': t('chart.close') }, '×'))); dialog.showModal(); };
  return el('div', { class: 'zoom' }, el('button', { type: 'button', class: 'chart-open', title: label, 'aria-label': label, onclick: open }, chart), dialog);
}

export function spinner(label) { return el('span', { role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', label); }
