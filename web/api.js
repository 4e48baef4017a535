// The dashboard's only way to the manager: fetch() on the /v1 API with the
// bearer token from session storage, plus the small DOM and format helpers
// every view shares. Text from the server only ever enters the page as text.

const TOKEN_KEY = 'drover.token';

/// A refused call: HTTP status and the API's {error, detail, errors?} body.
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === 'object' ? `${body.error}: ${body.detail}` : String(body);
    super(`HTTP ${status} ${detail}`);
    this.status = status;
    this.body = body && typeof body === 'object' ? body : {error: 'http', detail: String(body)};
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let unauthorized = () => {};
/// `f` runs on every 401, so the page can show the login field.
export function onUnauthorized(f) { unauthorized = f; }

/// Calls the API; resolves to the parsed JSON, rejects with ApiError.
/// A body that is a string is sent as is with `type` (YAML for the rules).
export async function api(method, path, body, type = 'application/json') {
  const headers = {Accept: 'application/json'};
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = type;
  if (body !== undefined && typeof body !== 'string') body = JSON.stringify(body);
  // A bounded wait: a hung manager must not freeze the 1 s polling.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 8000);
  let res;
  try {
    res = await fetch(path, {method, headers, body, cache: 'no-store', signal: abort.signal});
  } catch (e) {
    throw new ApiError(0, {error: 'unreachable', detail: e.name === 'AbortError'
      ? 'no answer within 8 s' : 'the manager cannot be reached'});
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text();
  let data = text;
  try { data = JSON.parse(text); } catch { /* not JSON: keep the text */ }
  if (res.status === 401) unauthorized();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// -- DOM -------------------------------------------------------------------------

/// h('td', {class: 'num'}, 'text', child): an element; strings become text
/// nodes (never HTML); attributes starting with "on" are listeners.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/// A progress bar with its percentage; `fraction` in 0..1.
export function bar(fraction, label, cls = '') {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const fill = h('span', {class: `fill ${cls}`});
  fill.style.width = `${(f * 100).toFixed(1)}%`; // CSSOM: allowed by the page's CSP
  return h('span', {class: 'bar'}, h('span', {class: 'track'}, fill), h('span', {class: 'pct'}, label));
}

/// Percent rounded down, so "100 %" means every task is done.
export const percent = (done, total) => (total > 0 ? Math.floor((done * 100) / total) : 0);

/// Replaces `el`'s children, but only when `key` (the data shown) changed:
/// untouched rows keep hover and focus between polls.
export function render(el, key, build) {
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren(...[build()].flat().filter((c) => c !== null && c !== undefined));
}

// -- formats ---------------------------------------------------------------------

export const NA = 'n/a';
/// Task states in lifecycle order (the API's JSON objects come sorted by name).
export const STATES = ['PENDING', 'ASSIGNED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

export function fmtTime(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], {hour12: false}) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  const day = (x) => x.toLocaleDateString('sv'); // YYYY-MM-DD
  return day(d) === day(new Date()) ? time : `${day(d)} ${time}`;
}

export function fmtDuration(s) {
  if (s === Infinity) return 'stalled';
  if (!Number.isFinite(s) || s < 0) return '—';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function fmtRate(r) {
  if (!r) return '—';
  return r >= 1000 ? `${(r / 1000).toFixed(1)} k/s` : `${r.toFixed(1)} /s`;
}

export function fmtNum(n) { return Number(n || 0).toLocaleString('en-US'); }

/// A job's one-word state from its counts, for the list and the job page.
export function jobState(j) {
  const c = j.counts || {};
  if (j.finished) {
    if (c.CANCELLED > 0) return 'cancelled';
    if (c.FAILED > 0 || c.TIMED_OUT > 0) return 'failed';
    return 'succeeded';
  }
  if (c.CANCELLED > 0 && j.done === j.total) return 'cancelled';
  if (j.push === 'incomplete') return 'push-incomplete';
  return j.started_ms ? 'running' : 'pending';
}

/// "push incomplete: producer p1 gone, last list 12 s ago" for a job whose
/// producer vanished mid-push with no successor; null otherwise.
export function pushNote(j) {
  if (j.push !== 'incomplete') return null;
  return `push incomplete: producer ${j.producer || '?'} gone, last list ${fmtDuration((j.push_age_ms || 0) / 1000)} ago`;
}

/// Seconds until the job is done at its recent rate (the manager's last
/// 30 s; the average since the start until it has that); NaN if unknown,
/// Infinity when nothing finished in the last 30 s.
export function eta(j) {
  if (j.finished) return NaN;
  const r = j.recent_rate ?? j.rate;
  if (r === 0 && j.recent_rate === 0 && j.done < j.total) return Infinity;
  if (!r) return NaN;
  return (j.total - j.done) / r;
}
