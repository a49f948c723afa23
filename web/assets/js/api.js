// The only way the UI talks to the server: the public /api/v2 API, same origin, with the
// session cookie set by POST /api/v2/users/login.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `Request failed with status ${status}.`);
    this.status = status;
    this.detail = (body && body.detail) || '';
    this.validations = (body && Array.isArray(body.validations) && body.validations) || [];
  }
}

let unauthorizedHandler = null;
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

export async function api(method, path, body, { quiet401 = false } = {}) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/v2' + path, opts);
  } catch (e) {
    throw new ApiError(0, { message: 'Cannot reach the server.', detail: String((e && e.message) || e) });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler();
    throw new ApiError(res.status, data || { message: `Request failed: ${res.status} ${res.statusText}` });
  }
  return data;
}

export const get = (path, o) => api('GET', path, undefined, o);
export const post = (path, body, o) => api('POST', path, body, o);
export const put = (path, body, o) => api('PUT', path, body, o);
export const del = (path, o) => api('DELETE', path, undefined, o);

// Query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== '' && v !== null && v !== undefined) u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

export const enc = encodeURIComponent;
