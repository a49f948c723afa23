// Organization members: user, roles, AI add-on; add/remove members and edit roles.

import { get, post, put, del, qs, enc } from '../api.js';
import { h, replace } from '../dom.js';
import { urlState, stateUrl } from '../query.js';
import {
  pageHeader, loading, errorBox, pagination, tableWrap, userCell, roleChips, showAISeatColumn,
  aiSeatHeader, aiSeatCell, emptyRow, confirmDialog, rolesDialog, setFlash, takeFlash, showActionError, filterForm
} from '../widgets.js';

const MANAGER_ROLES = ['organization-admin', 'organization-user-admin'];

export async function membersPage(ctx) {
  const orgParam = ctx.params[0];
  const { filter, page, size } = urlState();
  let org;
  let mine;
  try {
    [org, mine] = await Promise.all([
      get(`/organizations/${enc(orgParam)}`),
      get(`/organizations/${enc(orgParam)}/members/me`).catch(() => null),
    ]);
  } catch (e) {
    if (ctx.alive()) replace(ctx.main, pageHeader('Members', null), errorBox(e, 'The organization could not be loaded.'));
    return;
  }
  if (!ctx.alive()) return;
  const canManage = ctx.hasSiteRole('owner', 'user-admin')
    || (!!mine && (mine.roles || []).some((r) => MANAGER_ROLES.includes(r.name)));
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }));
  const results = h('div', { class: 'results' }, loading('Loading members…'));
  replace(ctx.main,
    pageHeader('Members', `Members of the organization ${org.display_name || org.name}.`, orgSwitcher(ctx, org)),
    takeFlash(),
    canManage ? addMemberForm(ctx, org) : null,
    membersFilter(filter, go),
    results);

  let data;
  let ent;
  try {
    [data, ent] = await Promise.all([
      get(`/organizations/${enc(org.name)}/paginated-members${qs({ limit: size, offset: (page - 1) * size, q: filter })}`),
      get('/entitlements').catch(() => ctx.session.entitlements),
    ]);
  } catch (e) {
    if (ctx.alive()) replace(results, errorBox(e, 'An error occurred while loading members.'));
    return;
  }
  if (!ctx.alive()) return;
  const members = (data && data.members) || [];
  const showAI = showAISeatColumn(ent);
  const cols = 2 + (showAI ? 1 : 0) + (canManage ? 1 : 0);
  const table = h('table', { class: 'table members-table', id: 'members-table' },
    h('caption', { class: 'sr-only', text: 'Organization members' }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', text: 'User' }),
      h('th', { scope: 'col', text: 'Roles' }),
      showAI ? aiSeatHeader() : null,
      canManage ? h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'sr-only', text: 'Actions' })) : null)),
    h('tbody', null, members.length
      ? members.map((m) => memberRow(ctx, org, m, showAI, canManage))
      : emptyRow(cols, page > 1 ? 'No members on this page' : 'No members found')));
  replace(results,
    pagination({ page, pageSize: size, count: data.count || 0, shown: members.length, unit: 'members', hrefFor: (n) => stateUrl({ filter, page: n }) }),
    tableWrap(table));
}

function orgSwitcher(ctx, org) {
  const orgs = ctx.session.orgs;
  if (orgs.length < 2) return null;
  const el = h('select', { id: 'org-switcher', class: 'select', 'aria-label': 'Organization' },
    orgs.map((o) => h('option', { value: o.name, selected: o.id === org.id, text: o.display_name || o.name })));
  el.addEventListener('change', () => ctx.navigate(`/organizations/${enc(el.value)}/members`));
  return el;
}

function membersFilter(filter, go) {
  const text = h('input', { type: 'search', id: 'members-filter', class: 'input filter-text', value: filter,
    placeholder: 'Search members…', 'aria-label': 'Search members', autocomplete: 'off', spellcheck: 'false' });
  return filterForm('Members filter', text, [], filter, go);
}

function addMemberForm(ctx, org) {
  const list = h('datalist', { id: 'member-add-users' });
  const input = h('input', { type: 'text', id: 'member-add', class: 'input', list: 'member-add-users', required: true,
    placeholder: 'Username or email', 'aria-label': 'User to add', autocomplete: 'off' });
  const form = h('form', { class: 'add-member', 'aria-label': 'Add member' },
    input, list, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add member' }));
  let timer = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const data = await get(`/users${qs({ q: input.value.trim(), limit: 10 })}`);
        replace(list, ((data && data.users) || []).map((u) => h('option', { value: u.username, text: u.email })));
      } catch {
        // Suggestions are a convenience; the add itself reports errors.
      }
    }, 250);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const who = input.value.trim();
    if (!who) return;
    await act(ctx, () => post(`/organizations/${enc(org.name)}/members/${enc(who)}`, {}), `${who} was added to ${org.display_name || org.name}.`);
  });
  return form;
}

function memberRow(ctx, org, m, showAI, canManage) {
  const self = ctx.session.me && ctx.session.me.id === m.user_id;
  return h('tr', { dataset: { username: m.username, id: m.user_id } },
    userCell(m),
    h('td', null, roleChips(m.roles, m.global_roles)),
    showAI ? aiSeatCell(!!m.has_ai_seat) : null,
    canManage ? h('td', { class: 'col-actions' }, h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'btn btn-small', disabled: self, title: self ? 'You cannot change your own organization roles.' : null,
        'aria-label': `Edit roles of ${m.username}`, onclick: () => editRoles(ctx, org, m), text: 'Edit roles' }),
      h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', disabled: self, title: self ? 'You cannot remove yourself.' : null,
        'aria-label': `Remove ${m.username}`, onclick: () => remove(ctx, org, m), text: 'Remove' }))) : null);
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

async function remove(ctx, org, m) {
  const ok = await confirmDialog('Remove member',
    `Remove ${m.username} from ${org.display_name || org.name}? They lose the organization's roles and group memberships.`, 'Remove', true);
  if (!ok) return;
  await act(ctx, () => del(`/organizations/${enc(org.name)}/members/${enc(m.user_id)}`), `${m.username} was removed.`);
}

async function editRoles(ctx, org, m) {
  let available;
  try {
    available = await get(`/organizations/${enc(org.name)}/members/roles`);
  } catch (e) {
    showActionError(ctx, errorBox(e, 'Roles could not be loaded.'));
    return;
  }
  const chosen = await rolesDialog(`Organization roles of ${m.username}`, available || [], (m.roles || []).map((r) => r.name));
  if (!chosen) return;
  await act(ctx, () => put(`/organizations/${enc(org.name)}/members/${enc(m.user_id)}/roles`, { roles: chosen }), `Roles of ${m.username} were updated.`);
}
