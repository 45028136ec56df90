// Every text the app shows, in Chinese (the default) and English. Pages call t('key', {name: value}).
import { zh } from './i18n-zh.js';
import { en } from './i18n-en.js';

const DICTS = { zh, en };

export function getLang() {
  const saved = localStorage.getItem('kpilot.lang');
  return saved === 'en' || saved === 'zh' ? saved : 'zh';
}

export function setLang(lang) { localStorage.setItem('kpilot.lang', lang); }

export function t(key, vars = {}) {
  const text = DICTS[getLang()][key] ?? DICTS.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));
}

// A record's own bilingual field: name_zh / name_en, title_zh / title_en, explanation_zh / explanation_en.
export function pick(obj, base) {
  if (!obj) return '';
  return obj[`${base}_${getLang()}`] ?? obj[`${base}_zh`] ?? obj[base] ?? '';
}
