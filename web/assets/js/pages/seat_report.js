// The seat report under the seat card: who holds an AI seat, through which source, first and
// last use (GET /api/v2/coderlite/seats). URL state: ?filter= (q), &page=, &size=, &sort=,
// &order=. Sortable headers, a has-seat/source filter, paging and a CSV download link.

import { get, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { capitalize, parseTime, relative } from '../format.js';
import { urlState, stateUrl, getKey, setKey } from '../query.js';
import { loading, errorBox, pagination, tableWrap, emptyRow, filterForm } from '../widgets.js';

const SOURCE_LABELS = { ai_gateway: 'AI Gateway', ai_task: 'AI task' };

function sortState() {
  const p = new URLSearchParams(location.search);
  const sort = ['username', 'first_used_at', 'last_used_at'].includes(p.get('sort')) ? p.get('sort') : 'username';
  return { sort, order: p.get('order') === 'desc' ? 'desc' : 'asc' };
}

function withSort(url, sort, order) {
  const u = new URL(url, location.origin);
  if (sort === 'username' && order === 'asc') {
    u.searchParams.delete('sort');
    u.searchParams.delete('order');
  } else {
    u.searchParams.set('sort', sort);
    u.searchParams.set('order', order);
  }
  return u.pathname + u.search;
}

export function seatReport(ctx) {
  const { filter, page, size } = urlState();
  const { sort, order } = sortState();
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }));
  const results = h('div', { class: 'results' }, loading('Loading the seat report…'));
  const params = { q: filter, sort, order };
  const csv = `/api/v2/coderlite/seats/export${qs({ ...params, format: 'csv' })}`;
  const section = h('section', { class: 'card', id: 'seat-report', 'aria-labelledby': 'seat-report-title' },
    h('h2', { id: 'seat-report-title', text: 'Seat report' }),
    reportFilter(filter, go),
    h('p', null, h('a', { id: 'seat-report-csv', class: 'btn btn-ghost', href: csv, download: 'seat-report.csv', text: 'Download CSV' })),
    results);
  load(ctx, results, params, { filter, page, size, sort, order });
  return section;
}

async function load(ctx, results, params, st) {
  let data;
  try {
    data = await get(`/coderlite/seats${qs({ ...params, limit: st.size, offset: (st.page - 1) * st.size })}`);
  } catch (e) {
    if (ctx.alive()) replace(results, errorBox(e, 'The seat report could not be loaded.'));
    return;
  }
  if (!ctx.alive()) return;
  const rows = data.users || [];
  const header = (key, label) => {
    const active = st.sort === key;
    const next = active && st.order === 'asc' ? 'desc' : 'asc';
    const href = withSort(stateUrl({ filter: st.filter, page: 1 }), key, next);
    return h('th', { scope: 'col', 'aria-sort': active ? (st.order === 'asc' ? 'ascending' : 'descending') : 'none' },
      h('a', { href, class: 'sort-link', dataset: { sort: key }, text: label + (active ? (st.order === 'asc' ? ' ▲' : ' ▼') : '') }));
  };
  const table = h('table', { class: 'table seat-report-table', id: 'seat-report-table' },
    h('caption', { class: 'sr-only', text: 'Seat report' }),
    h('thead', null, h('tr', null,
      header('username', 'User'),
      h('th', { scope: 'col', text: 'Status' }),
      h('th', { scope: 'col', text: 'Seat' }),
      h('th', { scope: 'col', text: 'Sources' }),
      header('first_used_at', 'First use'),
      header('last_used_at', 'Last use'))),
    h('tbody', null, rows.length ? rows.map(row) : emptyRow(6, st.page > 1 ? 'No users on this page' : 'No users found')));
  replace(results,
    pagination({ page: st.page, pageSize: st.size, count: data.count || 0, shown: rows.length, unit: 'users',
      hrefFor: (n) => withSort(stateUrl({ filter: st.filter, page: n }), st.sort, st.order) }),
    tableWrap(table));
}

function when(s) {
  const d = parseTime(s);
  return d ? h('td', { title: d.toString(), dataset: { time: s }, text: relative(d) }) : h('td', { class: 'muted', text: '—' });
}

function row(u) {
  return h('tr', { dataset: { username: u.username, seat: String(u.has_seat) } },
    h('td', null, h('span', { class: 'username', text: u.username }), h('span', { class: 'muted small', text: ` ${u.email}` })),
    h('td', { text: capitalize(u.status) }),
    h('td', { class: 'col-seat', text: u.has_seat ? 'Yes' : 'No' }),
    h('td', { class: 'col-sources', text: (u.sources || []).map((s) => SOURCE_LABELS[s] || s).join(', ') || '—' }),
    when(u.first_used_at),
    when(u.last_used_at));
}

function reportFilter(filter, go) {
  const text = h('input', { type: 'search', id: 'seat-report-filter', class: 'input filter-text', value: filter,
    placeholder: 'Search… e.g. alice has_seat:true source:ai_task', 'aria-label': 'Search the seat report', autocomplete: 'off', spellcheck: 'false' });
  const seat = getKey(filter, 'has_seat');
  const seatSel = h('select', { id: 'seat-report-has-seat', class: 'select', 'aria-label': 'Seat' },
    h('option', { value: '', text: 'All users' }),
    h('option', { value: 'true', selected: seat === 'true', text: 'Seat holders' }),
    h('option', { value: 'false', selected: seat === 'false', text: 'No seat' }));
  seatSel.addEventListener('change', () => go(setKey(text.value, 'has_seat', seatSel.value)));
  const source = getKey(filter, 'source');
  const sourceSel = h('select', { id: 'seat-report-source', class: 'select', 'aria-label': 'Source' },
    h('option', { value: '', text: 'Any source' }),
    Object.entries(SOURCE_LABELS).map(([v, l]) => h('option', { value: v, selected: v === source, text: l })));
  sourceSel.addEventListener('change', () => go(setKey(text.value, 'source', sourceSel.value)));
  return filterForm('Seat report filter', text, [seatSel, sourceSel], filter, go);
}
