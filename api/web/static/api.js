// The one way pages talk to the server: the JSON API under /api/v1, with the session cookie and its CSRF token.
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// A refusal in the reader's language when the API gave one (a coded error carries detail_zh and detail_en).
function localized(problem) {
  if (!problem) return null;
  const own = localStorage.getItem('kpilot.lang') === 'en' ? problem.detail_en : problem.detail_zh;
  return own || problem.detail || problem.title;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(localized(problem) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

// What went wrong, for the user: the API's own sentence and, when it names fields, each field's message.
// On a Chinese page the API's Chinese sentence (`detail_zh`) when it sent one.
export function problemText(e) {
  const zh = document.documentElement.lang === 'zh-CN' && e && e.problem && e.problem.detail_zh;
  const head = zh || String(e.message);
  // Field messages in the page's language: a Chinese page shows only those the API localized (msg_zh).
  const errs = (e && e.problem && Array.isArray(e.problem.errors))
    ? e.problem.errors.map((x) => (zh ? x.msg_zh : (x.msg_en || x.msg))).filter(Boolean) : [];
  const extra = [...new Set(errs)].filter((m) => !head.includes(m));
  return extra.length ? `${head} (${extra.join(zh ? '；' : '; ')})` : head;
}

// One import row error in the page's language: `msg_zh` / `msg_en` (they say where and what), else `msg`.
export function rowMessage(r, lang) {
  return (lang === 'en' ? r.msg_en : r.msg_zh) || r.msg || '';
}

// A refusal's headline in the page's language (a background job's stored report carries detail_zh / detail_en).
export function problemHead(e, lang) {
  const p = (e && e.problem) || {};
  return (lang === 'en' ? p.detail_en : p.detail_zh) || String(e.message);
}

function cookie(name) {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : '';
}

export function hasSession() { return cookie('kpilot_csrf') !== ''; }

let onExpired = () => {};
export function whenExpired(fn) { onExpired = fn; }

// fetch a path under /api/v1; `json` is sent as the body, `form` as FormData; returns {data, etag, status}.
export async function call(path, { method = 'GET', json, form, etag, headers = {}, raw = false } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': localStorage.getItem('kpilot.lang') === 'en' ? 'en' : 'zh-CN', ...headers };
  if (UNSAFE.has(method)) h['X-CSRF-Token'] = cookie('kpilot_csrf');
  if (etag) h['If-Match'] = etag;
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  const res = await fetch('/api/v1' + path, { method, headers: h, body, credentials: 'same-origin' });
  if (res.status === 401 && !path.startsWith('/auth/')) { onExpired(); throw new ApiError(401, { detail: 'expired' }); }
  if (raw) return res;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!res.ok) throw new ApiError(res.status, data);
  return { data, etag: res.headers.get('ETag'), status: res.status };
}

export async function get(path) { return (await call(path)).data; }

// Every row of a paged list ({data, count}), 200 at a time.
export async function getAll(path) {
  const sep = path.includes('?') ? '&' : '?';
  const rows = [];
  for (;;) {
    const pg = await get(`${path}${sep}limit=200&offset=${rows.length}`);
    rows.push(...pg.data);
    if (!pg.data.length || rows.length >= pg.count) return rows;
  }
}

export async function login(username, password) {
  const form = new URLSearchParams({ username, password });
  const res = await fetch('/api/v1/auth/session', {
    method: 'POST', body: form, credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export async function logout() {
  await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': cookie('kpilot_csrf') } });
}
