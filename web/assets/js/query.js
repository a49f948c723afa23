// URL state (?filter=...&page=N&size=S; a page may name its filter parameter otherwise, as
// the connection log's ?q=) and editing of `q` search strings (key:value terms).

// Rows a page, as Coder's tables show them; `?size=` picks another of PAGE_SIZES.
export const PAGE_SIZE = 25;
export const PAGE_SIZES = [10, 25, 50, 100];

export function urlState(key = 'filter') {
  const p = new URLSearchParams(location.search);
  const page = parseInt(p.get('page') || '1', 10);
  const size = parseInt(p.get('size') || '', 10);
  return {
    filter: p.get(key) || '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
    size: PAGE_SIZES.includes(size) ? size : PAGE_SIZE,
  };
}

// The URL for the current path with a new filter/page (page 1 is left out).
export function stateUrl({ filter, page }, key = 'filter') {
  const p = new URLSearchParams(location.search);
  if (filter) p.set(key, filter);
  else p.delete(key);
  if (page && page > 1) p.set('page', String(page));
  else p.delete('page');
  const s = p.toString();
  return location.pathname + (s ? '?' + s : '');
}

// Splits a query into terms, keeping "quoted strings" together.
export function terms(q) {
  return q.match(/(?:[^\s"]+|"[^"]*")+/g) || [];
}

export function getKey(q, key) {
  for (const t of terms(q)) {
    const i = t.indexOf(':');
    if (i > 0 && t.slice(0, i).toLowerCase() === key) return unquote(t.slice(i + 1));
  }
  return '';
}

// Replaces every `key:` term with `key:value` (or removes it when value is empty).
export function setKey(q, key, value) {
  const kept = terms(q).filter((t) => {
    const i = t.indexOf(':');
    return !(i > 0 && t.slice(0, i).toLowerCase() === key);
  });
  if (value) kept.push(`${key}:${/\s/.test(value) ? `"${value}"` : value}`);
  return kept.join(' ');
}

function unquote(v) {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}
