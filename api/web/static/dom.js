// Small DOM helpers: every text goes through textContent (never innerHTML with data).
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

// `stack: true` lays each row out as a card at phone width (CSS), every cell labelled with its header.
export function table(headers, rows, { caption, numeric = [], stack = false } = {}) {
  const t = el('table', { class: stack ? 'stack' : null }, caption ? el('caption', { class: 'muted' }, caption) : null,
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: numeric.includes(i) ? 'num' : null }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : null, 'data-label': stack ? headers[i] : null }, c))))));
  return el('div', { class: 'table-wrap' }, t);
}

export function spinner(label) { return el('span', { role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }), ' ', label); }
