// Connection log (/connectionlog, Coder's ConnectionLogPage): a q filter with Type, Status,
// Workspace owner and Organization menus, 25 rows a page grouped by day with expandable
// details, and CSV / NDJSON export of the current q. URL state: ?q= (Coder's ?filter= is
// taken too), &page=, &size=. The server's validation errors for q are shown under the filter.

import { get, qs, ApiError } from '../api.js';
import { h, icon, ICONS, replace } from '../dom.js';
import { urlState, stateUrl, getKey, setKey } from '../query.js';
import { pageHeader, loading, errorBox, pagination, tableWrap, emptyRow, filterForm, filterSelect, orgOptions, userFilterSelect } from '../widgets.js';
import { connectionRows, COLS, TYPE_LABELS } from './connection_log_row.js';

// The URL parameter of the filter (Coder's own clients send the same text as `q`).
const KEY = 'q';

const STATUSES = [{ value: 'ongoing', label: 'Ongoing' }, { value: 'completed', label: 'Completed' }];

export async function connectionLogPage(ctx) {
  // Coder's links carry the filter as ?filter=.
  const params = new URLSearchParams(location.search);
  if (params.has('filter') && !params.has(KEY)) {
    params.set(KEY, params.get('filter'));
    params.delete('filter');
    ctx.redirect(`${location.pathname}?${params}`);
    return;
  }
  const { filter, page, size } = urlState(KEY);
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }, KEY));
  const results = h('div', { class: 'results' }, loading('Loading connection logs…'));
  const { form, text, errors } = connectionFilter(ctx, filter, go);
  replace(ctx.main,
    pageHeader('Connection log', 'View connections to workspaces: SSH and IDE sessions, web terminals, apps, port forwarding and tunnels.',
      ...exportLinks(filter)),
    form,
    results);

  let data;
  try {
    data = await get(`/connectionlog${qs({ limit: size, offset: (page - 1) * size, q: filter })}`);
  } catch (e) {
    if (!ctx.alive()) return;
    if (e instanceof ApiError && e.status === 400) {
      replace(errors, errorBox(e, 'Check the filter.'));
      text.setAttribute('aria-invalid', 'true');
      replace(results);
    } else {
      replace(results, errorBox(e, 'An error occurred while loading connection logs.'));
    }
    return;
  }
  if (!ctx.alive()) return;
  const logs = data.connection_logs || [];
  const table = h('table', { class: 'table connection-table', id: 'connection-log-table' },
    h('caption', { class: 'sr-only', text: 'Connection log' }),
    h('thead', null, h('tr', null,
      ['Time', 'Type', 'Workspace', 'User', 'Status', 'IP'].map((t) => h('th', { scope: 'col', class: `col-${t.toLowerCase()}`, text: t })),
      h('th', { scope: 'col', class: 'col-expand' }, h('span', { class: 'sr-only', text: 'Details' })))),
    h('tbody', null, logs.length
      ? connectionRows(logs, new Date())
      : emptyRow(COLS, page > 1 ? 'No connection logs available on this page' : 'No connection logs available')));
  replace(results,
    pagination({ page, pageSize: size, count: data.count || 0, countCap: data.count_cap || 0, shown: logs.length, unit: 'logs',
      hrefFor: (n) => stateUrl({ filter, page: n }, KEY) }),
    tableWrap(table));
}

// Download links for every row matching the current q.
function exportLinks(filter) {
  return [['csv', 'Export CSV'], ['ndjson', 'Export NDJSON']].map(([format, label]) =>
    h('a', { class: 'btn', id: `connection-log-export-${format}`, href: `/api/v2/connectionlog/export${qs({ format, q: filter })}`, download: true },
      icon(ICONS.download), label));
}

function connectionFilter(ctx, filter, go) {
  const errors = h('div', { id: 'connection-log-filter-errors', class: 'filter-errors', 'aria-live': 'polite' });
  const text = h('input', { type: 'search', id: 'connection-log-filter', class: 'input filter-text', name: KEY, value: filter,
    placeholder: 'Search… e.g. type:ssh status:ongoing workspace_owner:me', 'aria-label': 'Filter connection logs',
    'aria-describedby': errors.id, autocomplete: 'off', spellcheck: 'false' });
  const apply = (key) => (value) => go(setKey(text.value, key, value));
  const types = Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label }));
  const form = filterForm('Connection log filter', text, [], filter, go);
  form.append(errors, h('div', { class: 'filter-menus' },
    filterSelect('connection-log-type', 'Type', 'All types', types, getKey(filter, 'type'), apply('type')),
    filterSelect('connection-log-status', 'Status', 'All statuses', STATUSES, getKey(filter, 'status'), apply('status')),
    userFilterSelect(ctx, 'connection-log-owner', 'Workspace owner', 'All owners', getKey(filter, 'workspace_owner'),
      'workspace_owner', apply('workspace_owner')),
    filterSelect('connection-log-organization', 'Organization', 'All organizations', orgOptions(ctx.session.orgs),
      getKey(filter, 'organization'), apply('organization'))));
  return { form, text, errors };
}
