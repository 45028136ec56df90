// The page linter's two checks, evaluated in the page by tests/web/test_page_linter.py (issue 27).
// LINT: every visible text node and reader-facing attribute, with the element it sits in.
export const LINT = ([lang, allowed]) => {
  const ok = new Set(allowed);
  // Chinese product and column names an English page quotes as they appear on the user's screen.
  const cjkOk = new Set(['工号', '生意参谋', '京东商智', '抖店']);
  const out = [];
  const named = (n) => n.closest('[data-name], [data-literal], [lang|="zh"]:not(html), .name, .who, [lang="en"][id="lang"], #lang, script, style, noscript');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || !n.textContent.trim()) continue;
    if (p.closest('script, style, noscript, .skip')) continue;
    const hidden = p.closest('[hidden]') || (!p.checkVisibility?.() && !p.closest('details:not([open]), option, select'));
    if (hidden) continue;
    texts.push([n.textContent, p]);
  }
  // Attributes a reader meets: titles on hover, placeholders, labels read aloud.
  for (const e of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
    if (e.closest('[hidden], svg title')) continue;
    for (const a of ['title', 'placeholder', 'aria-label']) if (e.getAttribute(a)) texts.push([e.getAttribute(a), e]);
  }
  for (const [text, p] of texts) {
    const where = (p.id ? '#' + p.id : p.tagName.toLowerCase()) + (p.className && typeof p.className === 'string' ? '.' + p.className.split(' ')[0] : '');
    const found = {};
    const bad = (why, m) => { (found[why] ||= new Set()).add(m); };
    for (const m of text.matchAll(/\b(null|undefined|NaN|None|Infinity)\b/g)) bad('machine value', m[0]);
    for (const m of text.matchAll(/\d(?:\.\d+)?e[-+]?\d+/gi)) bad('scientific notation', m[0]);
    for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g)) bad('ISO time stamp', m[0]);
    for (const m of text.matchAll(/(?<![\d-])\d{4}-(?:0[1-9]|1[0-2])(?![\d-])/g)) bad('period code', m[0]);
    if (!named(p)) {
      for (const m of text.matchAll(/\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b/g)) bad('snake_case', m[0]);
      for (const m of text.matchAll(/\b[a-z_]{2,}:[a-z_.]{2,}\b/g)) bad('code:detail', m[0]);
      if (lang === 'zh') {
        for (const m of text.matchAll(/[A-Za-z][A-Za-z'’]+/g)) if (!ok.has(m[0].toLowerCase())) bad('Latin words', m[0]);
      } else {
        for (const m of text.matchAll(/[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+/g)) if (!cjkOk.has(m[0])) bad('Chinese', m[0]);
      }
    }
    for (const [why, ms] of Object.entries(found)) out.push(`${why} [${[...ms].join(', ')}] in ${where}: "${text.trim().slice(0, 100)}"`);
  }
  return out;
};

// OVERFLOW: at phone width, a text element wider than its box (outside a deliberate scroll container), a name or
// label squeezed narrower than two characters, or the page itself scrolling sideways.
export const OVERFLOW = () => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px > ${vw} px`);
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg, script, style, [hidden], option, select')) continue;
    const own = [...e.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    if (!own) continue;
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || !e.checkVisibility()) continue;
    const what = `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${own.slice(0, 60)}"`;
    if (cs.display !== 'inline' && !['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX) && e.scrollWidth > e.clientWidth + 1) {
      out.push(`overflows its box (${e.scrollWidth} > ${e.clientWidth} px): ${what}`);
    }
    const r = e.getBoundingClientRect();
    const fs = parseFloat(cs.fontSize);
    if (cs.display !== 'inline' && own.replace(/\s/g, '').length >= 2 && r.width > 0 && r.width < 1.9 * fs && r.height > 2.5 * fs) {
      out.push(`squeezed to one character per line (${Math.round(r.width)} px wide): ${what}`);
    }
    if (r.right > vw + 1 && !e.closest('.table-wrap, .scroll')) out.push(`runs off the screen (${Math.round(r.right)} px): ${what}`);
  }
  return out;
};
