// Shared pieces: headers, states (loading/empty/error), avatars, the AI add-on cell and
// header, filter menus, day-grouped and expandable table rows, pagination and dialogs.

import { get, qs } from './api.js';
import { h, icon, ICONS } from './dom.js';
import { number, enumLabel, parseTime, dayLabel } from './format.js';

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', null, h('h1', { text: title }), subtitle ? h('p', { class: 'muted', text: subtitle }) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status', text });
}

// An API error in words: its message, detail and validations.
export function errorBox(err, prefix) {
  const msg = (err && err.message) || String(err);
  const box = h('div', { class: 'alert alert-error', role: 'alert' },
    prefix ? h('strong', { text: prefix }) : null,
    h('p', { class: 'alert-message', text: msg }));
  if (err && err.detail) box.append(h('p', { class: 'alert-detail', text: err.detail }));
  if (err && err.validations && err.validations.length) {
    box.append(h('ul', { class: 'alert-validations' },
      err.validations.map((v) => h('li', null, h('code', { text: v.field }), ': ', v.detail))));
  }
  return box;
}

export function notice(text, kind = 'info') {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status', text });
}

export function emptyRow(colspan, text) {
  return h('tr', { class: 'empty' }, h('td', { colspan, text }));
}

export function tableWrap(table) {
  return h('div', { class: 'table-wrap' }, table);
}

export function avatar(user, size = 'md') {
  if (!user) {
    return h('span', { class: `avatar avatar-${size} avatar-system`, role: 'img', 'aria-label': 'System' }, icon(ICONS.network));
  }
  const label = user.name || user.username || '?';
  if (user.avatar_url && /^https:\/\//i.test(user.avatar_url)) {
    return h('img', { class: `avatar avatar-${size}`, src: user.avatar_url, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' });
  }
  return h('span', { class: `avatar avatar-${size}`, 'aria-hidden': 'true', text: label.slice(0, 1).toUpperCase() });
}

// User cell: avatar, name (or username), username and email.
export function userCell(u) {
  return h('td', { class: 'user-cell' },
    h('div', { class: 'user-box' },
      avatar(u),
      h('div', { class: 'user-text' },
        h('span', { class: 'user-name', text: u.name || u.username }),
        u.name ? h('span', { class: 'muted user-username', text: `@${u.username}` }) : null,
        h('span', { class: 'muted user-email', text: u.email || (u.is_service_account ? 'Service Account' : '') }))));
}

export function roleChips(roles, inherited = []) {
  const chips = [];
  for (const r of roles || []) chips.push(h('span', { class: 'chip', text: r.display_name || r.name }));
  for (const r of inherited || []) {
    chips.push(h('span', { class: 'chip chip-muted', title: 'Site-wide role', text: r.display_name || r.name }));
  }
  if (!chips.length) chips.push(h('span', { class: 'chip chip-muted', text: 'Member' }));
  return h('div', { class: 'chips' }, chips);
}

export function statusPill(code) {
  const kind = code >= 500 ? 'error' : code >= 400 ? 'warning' : 'success';
  return h('span', { class: `pill pill-${kind}`, title: `HTTP status ${code}`, text: String(code) });
}

// ---- AI add-on column ----

export const AI_HELP = 'Users with access to AI features like AI Bridge, Boundary, or Tasks who are actively consuming a seat.';

// Shown while the add-on is entitled or in its grace period (not only while under the
// limit: admins must see who consumes seats while fixing an overage).
export function showAISeatColumn(entitlements) {
  const f = entitlements && entitlements.features && entitlements.features.ai_governance_user_limit;
  return !!f && (f.entitlement === 'entitled' || f.entitlement === 'grace_period');
}

let tipSeq = 0;
export function helpTip(label, title, text) {
  const id = `tip-${++tipSeq}`;
  return h('span', { class: 'help' },
    h('button', { type: 'button', class: 'help-button', 'aria-label': label, 'aria-describedby': id }, icon(ICONS.help)),
    h('span', { class: 'tooltip', role: 'tooltip', id },
      h('strong', { class: 'tooltip-title', text: title }), h('span', { class: 'tooltip-text', text })));
}

export function aiSeatHeader() {
  return h('th', { scope: 'col', class: 'col-ai' },
    h('span', { class: 'th-help' }, 'AI add-on', helpTip('About the AI add-on column', 'What is the AI add-on?', AI_HELP)));
}

export function aiSeatCell(has) {
  return h('td', { class: 'col-ai' }, has
    ? h('span', { class: 'ai-seat ai-seat-yes', role: 'img', 'aria-label': 'Consuming AI seat', title: 'Consuming AI seat' }, icon(ICONS.check))
    : h('span', { class: 'ai-seat ai-seat-no', role: 'img', 'aria-label': 'Not consuming AI seat', title: 'Not consuming AI seat' }, icon(ICONS.dash)));
}

// ---- filters ----

// A page's search form: the text input, the page's own controls, Search, and Clear while a
// filter is set; submitting calls go(text).
export function filterForm(label, text, controls, filter, go) {
  const form = h('form', { class: 'filter', role: 'search', 'aria-label': label },
    h('div', { class: 'filter-row' }, text, ...controls,
      h('button', { type: 'submit', class: 'btn btn-primary', text: 'Search' }),
      filter ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => go(''), text: 'Clear' }) : null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(text.value);
  });
  return form;
}

// A labelled menu of a filter: a placeholder option for "any", then `options` (strings are
// labelled by enumLabel), keeping a current value that is not among them; a change calls
// onChange(value).
export function filterSelect(id, label, placeholder, options, current, onChange) {
  const values = options.map((o) => (typeof o === 'string' ? { value: o, label: enumLabel(o) } : o));
  if (current && !values.some((o) => o.value === current)) values.push({ value: current, label: current });
  const el = h('select', { id, class: 'select', 'aria-label': label },
    h('option', { value: '', text: placeholder }),
    values.map((o) => h('option', { value: o.value, selected: o.value === current, text: o.label })));
  el.addEventListener('change', () => onChange(el.value));
  return h('div', { class: 'filter-menu' }, h('label', { class: 'filter-label', for: id, text: label }), el);
}

// The organizations of the session as menu options (name, shown by display name).
export function orgOptions(orgs) {
  return orgs.map((o) => ({ value: o.name, label: o.display_name || o.name }));
}

// A filter menu of users for `key` (username:, workspace_owner:): the first 100 users by
// username; other names can be typed in the text box as key:NAME.
export function userFilterSelect(ctx, id, label, placeholder, current, key, onChange) {
  const box = filterSelect(id, label, placeholder, [], current, onChange);
  fillUserMenu(ctx, box.querySelector('select'), current, key);
  return box;
}

async function fillUserMenu(ctx, el, current, key) {
  try {
    const data = await get(`/users${qs({ limit: 100 })}`);
    if (!ctx.alive()) return;
    for (const u of (data && data.users) || []) {
      if (u.username === current) continue;
      el.append(h('option', { value: u.username, text: u.name ? `${u.username} (${u.name})` : u.username }));
    }
  } catch {
    el.title = `Users could not be listed; type ${key}:NAME in the search box.`;
  }
}

// ---- table rows ----

// Rows with a header row before each calendar day (Coder's Timeline): timeOf(item) is the
// item's time string, rowsOf(item, date) its rows.
export function dayRows(items, timeOf, colspan, rowsOf) {
  const out = [];
  let day = null;
  for (const item of items) {
    const t = parseTime(timeOf(item));
    const d = t ? t.toDateString() : '';
    if (d !== day) {
      day = d;
      out.push(h('tr', { class: 'day-row' }, h('th', { colspan, scope: 'colgroup', text: t ? dayLabel(t) : 'Unknown date' })));
    }
    out.push(...rowsOf(item, t));
  }
  return out;
}

// Makes `row` open and close `detail` (the hidden row after it) on a click on the row or on
// the returned toggle button (labelled `show` / `hide`).
export function expandable(row, detail, show, hide) {
  const toggle = h('button', { type: 'button', class: 'btn-icon expand', 'aria-expanded': 'false', 'aria-label': show }, icon(ICONS.chevron));
  const flip = () => {
    const open = detail.hidden;
    detail.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-label', open ? hide : show);
    row.classList.toggle('open', open);
  };
  toggle.addEventListener('click', (e) => {
    e.stopPropagation();
    flip();
  });
  row.addEventListener('click', (e) => {
    if (!e.target.closest('a, button')) flip();
  });
  row.classList.add('expandable');
  return toggle;
}

// ---- pagination ----

// "Showing X to Y of Z unit" and numbered page links. With a capped count (count > cap)
// the total reads "2,000+" and the user may page on while pages come back full.
export function pagination({ page, pageSize, count, countCap = 0, shown, unit, hrefFor }) {
  const capped = countCap > 0 && count > countCap;
  const first = shown ? (page - 1) * pageSize + 1 : 0;
  const last = (page - 1) * pageSize + shown;
  const total = capped ? `${number(countCap)}+` : number(count);
  const lastPage = capped ? Math.max(page + (shown === pageSize ? 1 : 0), Math.ceil(countCap / pageSize))
    : Math.max(1, Math.ceil(count / pageSize));
  const status = h('p', { class: 'pagination-status muted', role: 'status' },
    shown ? `Showing ${number(first)} to ${number(last)} of ${total} ${unit}` : `No ${unit} on this page`);
  const nav = h('nav', { class: 'pagination', 'aria-label': 'Pagination' });
  const link = (n, text, label, current = false) => (n < 1 || n > lastPage || current
    ? h('span', { class: current ? 'page page-current' : 'page page-disabled', 'aria-current': current ? 'page' : null, 'aria-label': label, text })
    : h('a', { class: 'page', href: hrefFor(n), 'aria-label': label, text }));
  nav.append(link(page - 1, '‹ Previous', 'Previous page'));
  for (const n of pageNumbers(page, lastPage)) {
    nav.append(n === null ? h('span', { class: 'page page-gap', text: '…' }) : link(n, String(n), `Page ${n}`, n === page));
  }
  nav.append(link(page + 1, 'Next ›', 'Next page'));
  return h('div', { class: 'pagination-bar' }, status, lastPage > 1 || page > 1 ? nav : null);
}

function pageNumbers(page, lastPage) {
  const set = new Set([1, lastPage, page - 1, page, page + 1]);
  if (page <= 3) [2, 3, 4].forEach((n) => set.add(n));
  if (page >= lastPage - 2) [lastPage - 1, lastPage - 2, lastPage - 3].forEach((n) => set.add(n));
  const list = [...set].filter((n) => n >= 1 && n <= lastPage).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < list.length; i++) {
    if (i && list[i] - list[i - 1] > 1) out.push(null);
    out.push(list[i]);
  }
  return out;
}

// ---- dialogs ----

// A modal dialog with a body and buttons; resolves with the chosen value (null on cancel).
export function dialog(title, body, buttons) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' });
    const done = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(null);
    });
    dlg.append(
      h('h2', { id: 'dialog-title', text: title }),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => done(null), text: 'Cancel' }),
        buttons.map((b) => h('button', { type: 'button', class: `btn ${b.class || 'btn-primary'}`, onclick: async () => {
          const v = b.value ? await b.value() : true;
          if (v !== undefined) done(v);
        }, text: b.label }))));
    document.body.append(dlg);
    dlg.showModal();
  });
}

export function confirmDialog(title, text, label, danger = false) {
  return dialog(title, h('p', { text }), [{ label, class: danger ? 'btn-danger' : 'btn-primary' }]);
}

// Checkbox list of assignable roles; resolves with the chosen role names, or null.
export function rolesDialog(title, available, current) {
  const boxes = available.map((r) => {
    const id = `role-${r.name}`;
    return h('label', { class: 'check', for: id },
      h('input', { type: 'checkbox', id, value: r.name, checked: current.includes(r.name), disabled: r.assignable === false && !current.includes(r.name) }),
      h('span', null, h('strong', { text: r.display_name || r.name }), ' ', h('code', { class: 'muted', text: r.name })));
  });
  const body = h('fieldset', { class: 'roles-fieldset' }, h('legend', { text: 'Roles' }),
    boxes.length ? boxes : h('p', { class: 'muted', text: 'No roles can be assigned here.' }));
  return dialog(title, body, [{
    label: 'Save roles',
    value: () => boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
  }]);
}

// ---- one-shot messages shown after an action re-renders the page ----

let flashMessage = null;
export function setFlash(text, kind = 'success') {
  flashMessage = { text, kind };
}
export function takeFlash() {
  const f = flashMessage;
  flashMessage = null;
  return f ? notice(f.text, f.kind) : null;
}

// One error slot at the top of the page for failed actions (replaced, never stacked).
export function showActionError(ctx, box) {
  const old = ctx.main.querySelector('.action-error');
  if (old) old.remove();
  box.classList.add('action-error');
  ctx.main.prepend(box);
  box.scrollIntoView({ block: 'nearest' });
}
