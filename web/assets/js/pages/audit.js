// Audit log: filter bar (q text + menus), 25 rows a page grouped by day, expandable diffs,
// CSV export of the current filter.

import { get, qs } from '../api.js';
import { h, icon, ICONS, replace } from '../dom.js';
import { urlState, stateUrl, getKey, setKey } from '../query.js';
import { pageHeader, loading, errorBox, pagination, tableWrap, filterForm, filterSelect, orgOptions, userFilterSelect } from '../widgets.js';
import { auditRows } from './audit_row.js';

const ACTIONS = ['create', 'write', 'delete', 'start', 'stop', 'login', 'logout', 'register',
  'request_password_reset', 'connect', 'disconnect', 'open', 'close'];

const RESOURCE_TYPES = ['api_key', 'convert_login', 'custom_role', 'git_ssh_key', 'group', 'license',
  'notification_template', 'oauth2_provider_app', 'oauth2_provider_app_secret', 'organization',
  'organization_member', 'template', 'template_version', 'user', 'workspace', 'workspace_build',
  'workspace_proxy', 'ai_seat', 'health_settings', 'notifications_settings', 'idp_sync_settings_organization',
  'idp_sync_settings_group', 'idp_sync_settings_role'];

export async function auditPage(ctx) {
  const { filter, page, size } = urlState();
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }));
  const exportHref = `/api/v2/audit/export${qs({ format: 'csv', q: filter })}`;
  const exportLink = h('a', { class: 'btn', id: 'audit-export', href: exportHref, download: 'audit-logs.csv' },
    icon(ICONS.download), 'Export CSV');
  const results = h('div', { class: 'results' }, loading('Loading audit logs…'));
  replace(ctx.main,
    pageHeader('Audit', 'View events in your audit log.', exportLink),
    filterBar(ctx, filter, go),
    results);

  let data;
  try {
    data = await get(`/audit${qs({ limit: size, offset: (page - 1) * size, q: filter })}`);
  } catch (e) {
    if (ctx.alive()) replace(results, errorBox(e, 'An error occurred while loading audit logs.'));
    return;
  }
  if (!ctx.alive()) return;
  const logs = (data && data.audit_logs) || [];
  const multiOrg = ctx.session.orgs.length > 1;
  const table = h('table', { class: 'table audit-table', id: 'audit-table' },
    h('caption', { class: 'sr-only', text: 'Audit log' }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'col-avatar' }, h('span', { class: 'sr-only', text: 'User' })),
      h('th', { scope: 'col', text: 'Event' }),
      h('th', { scope: 'col', class: 'col-time', text: 'Time' }),
      h('th', { scope: 'col', class: 'col-status', text: 'Status' }),
      h('th', { scope: 'col', class: 'col-expand' }, h('span', { class: 'sr-only', text: 'Changes' })))),
    h('tbody', null, logs.length
      ? auditRows(logs, { multiOrg })
      : h('tr', { class: 'empty' }, h('td', { colspan: 5, text: page > 1 ? 'No audit logs available on this page' : 'No audit logs available' }))));
  replace(results,
    pagination({ page, pageSize: size, count: data.count || 0, countCap: data.count_cap || 0, shown: logs.length, unit: 'logs', hrefFor: (n) => stateUrl({ filter, page: n }) }),
    tableWrap(table));
}

function dateInput(id, label, current, onChange) {
  const el = h('input', { type: 'date', id, class: 'input', value: /^\d{4}-\d{2}-\d{2}$/.test(current) ? current : '' });
  el.addEventListener('change', () => onChange(el.value));
  return h('div', { class: 'filter-menu' }, h('label', { class: 'filter-label', for: id, text: label }), el);
}

function filterBar(ctx, filter, go) {
  const text = h('input', { type: 'search', id: 'audit-filter', class: 'input filter-text', name: 'filter', value: filter,
    placeholder: 'Search… e.g. action:create resource_type:user username:me', 'aria-label': 'Filter audit logs',
    autocomplete: 'off', spellcheck: 'false' });
  const apply = (key) => (value) => go(setKey(text.value, key, value));
  const form = filterForm('Audit log filter', text, [], filter, go);
  form.append(h('div', { class: 'filter-menus' },
    filterSelect('audit-action', 'Action', 'All actions', ACTIONS, getKey(filter, 'action'), apply('action')),
    filterSelect('audit-resource-type', 'Resource type', 'All resource types', RESOURCE_TYPES, getKey(filter, 'resource_type'), apply('resource_type')),
    userFilterSelect(ctx, 'audit-user', 'User', 'All users', getKey(filter, 'username'), 'username', apply('username')),
    filterSelect('audit-organization', 'Organization', 'All organizations', orgOptions(ctx.session.orgs), getKey(filter, 'organization'), apply('organization')),
    dateInput('audit-date-from', 'From', getKey(filter, 'date_from'), apply('date_from')),
    dateInput('audit-date-to', 'To', getKey(filter, 'date_to'), apply('date_to'))));
  return form;
}
