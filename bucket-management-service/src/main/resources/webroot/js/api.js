// The BMS API from the browser: the token lives in sessionStorage (this tab only), is sent as a bearer header and
// never put in a URL.
const KEY = 'tokenplane.token';

export const token = () => sessionStorage.getItem(KEY);
export const setToken = t => sessionStorage.setItem(KEY, t);
export const clearToken = () => sessionStorage.removeItem(KEY);

/** An error answer: the HTTP status and the API's {error, message}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || ('HTTP ' + status));
    this.status = status;
    this.code = code;
  }
}

/** Calls the API; resolves to {data, headers}, rejects with an ApiError. */
export async function api(method, path, body, extraHeaders = {}) {
  const headers = {...extraHeaders};
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await r.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = {message: text}; }
  }
  if (!r.ok) {
    if (r.status === 401) window.dispatchEvent(new Event('tokenplane:unauthorized'));
    throw new ApiError(r.status, data && data.error, data && data.message);
  }
  return {data, headers: r.headers};
}

export const get = async path => (await api('GET', path)).data;

/** A path segment (bucket key, rule id, pool), percent-encoded. */
export const seg = s => encodeURIComponent(s);

/** Builds an element: h('td', {class: 'x'}, 'text', child...). Text is never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A table of rows (arrays of cells: text or elements). */
export function table(headers, rows, attrs = {}) {
  return h('table', attrs, h('thead', {}, h('tr', {}, headers.map(x => h('th', {}, x)))),
      h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c))))));
}

export const time = ms => ms ? new Date(ms).toLocaleString() : '-';
export const ago = ms => Math.max(0, Math.round((Date.now() - ms) / 1000)) + ' s ago';
export const round = (x, d = 1) => x === null || x === undefined ? '-' : Number(x).toFixed(d);

/** Every agent, following the pages of GET /v1/agents. */
export async function allAgents() {
  const all = [];
  let cursor = null;
  do {
    const page = await get('/v1/agents?limit=1000' + (cursor ? '&cursor=' + seg(cursor) : ''));
    all.push(...page.agents);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** The pools named by the rules, sorted. */
export async function poolNames() {
  const rules = (await get('/v1/rules')).rules;
  return [...new Set(rules.filter(r => r.transfer && r.transfer.pool).map(r => r.transfer.pool))].sort();
}
