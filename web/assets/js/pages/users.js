// Users: search and status filter building `q`, 25 a page, roles, AI add-on, status with
// last seen; suspend/activate and role changes for those allowed.

import { get, put, qs, enc } from '../api.js';
import { h, replace } from '../dom.js';
import { capitalize, parseTime, relative } from '../format.js';
import { urlState, stateUrl, getKey, setKey } from '../query.js';
import {
  pageHeader, loading, errorBox, pagination, tableWrap, userCell, roleChips, showAISeatColumn,
  aiSeatHeader, aiSeatCell, emptyRow, confirmDialog, rolesDialog, setFlash, takeFlash, showActionError, filterForm
} from '../widgets.js';

export async function usersPage(ctx) {
  const { filter, page, size } = urlState();
  const canEdit = ctx.hasSiteRole('owner', 'user-admin');
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }));
  const results = h('div', { class: 'results' }, loading('Loading users…'));
  replace(ctx.main,
    pageHeader('Users', 'Manage user accounts and permissions.'),
    takeFlash(),
    usersFilter(filter, go),
    results);

  let data;
  let ent;
  try {
    [data, ent] = await Promise.all([
      get(`/users${qs({ q: filter, limit: size, offset: (page - 1) * size })}`),
      get('/entitlements').catch(() => ctx.session.entitlements),
    ]);
  } catch (e) {
    if (ctx.alive()) replace(results, errorBox(e, 'An error occurred while loading users.'));
    return;
  }
  if (!ctx.alive()) return;
  const users = (data && data.users) || [];
  const showAI = showAISeatColumn(ent);
  const cols = 3 + (showAI ? 1 : 0) + (canEdit ? 1 : 0);
  const table = h('table', { class: 'table users-table', id: 'users-table' },
    h('caption', { class: 'sr-only', text: 'Users' }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', text: 'User' }),
      h('th', { scope: 'col', text: 'Roles' }),
      showAI ? aiSeatHeader() : null,
      h('th', { scope: 'col', text: 'Status' }),
      canEdit ? h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'sr-only', text: 'Actions' })) : null)),
    h('tbody', null, users.length
      ? users.map((u) => userRow(ctx, u, showAI, canEdit))
      : emptyRow(cols, page > 1 ? 'No users on this page' : 'No users found')));
  replace(results,
    pagination({ page, pageSize: size, count: data.count || 0, shown: users.length, unit: 'users', hrefFor: (n) => stateUrl({ filter, page: n }) }),
    tableWrap(table));
}

function usersFilter(filter, go) {
  const text = h('input', { type: 'search', id: 'users-filter', class: 'input filter-text', value: filter,
    placeholder: 'Search users… e.g. alice status:active', 'aria-label': 'Search users', autocomplete: 'off', spellcheck: 'false' });
  const current = getKey(filter, 'status');
  const status = h('select', { id: 'users-status', class: 'select', 'aria-label': 'Status' },
    h('option', { value: '', text: 'All statuses' }),
    ['active', 'dormant', 'suspended'].map((s) => h('option', { value: s, selected: s === current, text: capitalize(s) })));
  status.addEventListener('change', () => go(setKey(text.value, 'status', status.value)));
  return filterForm('Users filter', text, [status], filter, go);
}

function statusCell(u) {
  const seen = parseTime(u.last_seen_at);
  return h('td', { class: `col-status-text status-${u.status}` },
    h('span', { class: 'status-name', text: capitalize(u.status) }),
    u.status !== 'suspended' ? h('span', { class: 'muted last-seen', title: seen ? seen.toString() : '', text: `Last seen ${relative(seen).replace(/^Never$/, 'never')}` }) : null);
}

function userRow(ctx, u, showAI, canEdit) {
  const self = ctx.session.me && ctx.session.me.id === u.id;
  return h('tr', { dataset: { username: u.username, id: u.id } },
    userCell(u),
    h('td', null, roleChips(u.roles)),
    showAI ? aiSeatCell(!!u.has_ai_seat) : null,
    statusCell(u),
    canEdit ? h('td', { class: 'col-actions' }, h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'btn btn-small', disabled: self, title: self ? 'You cannot change your own roles.' : null,
        'aria-label': `Edit roles of ${u.username}`, onclick: () => editRoles(ctx, u), text: 'Edit roles' }),
      u.status === 'suspended'
        ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Activate ${u.username}`, onclick: () => setStatus(ctx, u, 'activate'), text: 'Activate' })
        : h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', disabled: self, title: self ? 'You cannot suspend yourself.' : null,
          'aria-label': `Suspend ${u.username}`, onclick: () => setStatus(ctx, u, 'suspend'), text: 'Suspend' }))) : null);
}

async function act(ctx, fn, okText) {
  try {
    await fn();
    setFlash(okText);
  } catch (e) {
    showActionError(ctx, errorBox(e, 'The change was not made.'));
    return;
  }
  ctx.rerender();
}

async function setStatus(ctx, u, verb) {
  const ok = verb === 'suspend'
    ? await confirmDialog('Suspend user', `Suspend ${u.username}? They will not be able to sign in or use the API until activated.`, 'Suspend', true)
    : await confirmDialog('Activate user', `Activate ${u.username}?`, 'Activate');
  if (!ok) return;
  await act(ctx, () => put(`/users/${enc(u.id)}/status/${verb}`), `${u.username} was ${verb === 'suspend' ? 'suspended' : 'activated'}.`);
}

async function editRoles(ctx, u) {
  let available;
  try {
    available = await get('/users/roles');
  } catch (e) {
    showActionError(ctx, errorBox(e, 'Roles could not be loaded.'));
    return;
  }
  const chosen = await rolesDialog(`Roles of ${u.username}`, available || [], (u.roles || []).map((r) => r.name));
  if (!chosen) return;
  await act(ctx, () => put(`/users/${enc(u.id)}/roles`, { roles: chosen }), `Roles of ${u.username} were updated.`);
}
