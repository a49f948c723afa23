// One audit-log row: avatar, description with linked target, meta (IP, OS, browser), time,
// status pill, and an expandable old/new diff with secret fields masked.

import { h } from '../dom.js';
import { timeLabel, parseUserAgent } from '../format.js';
import { avatar, statusPill, dayRows, expandable } from '../widgets.js';

const COLS = 5;

// Rows with a header row before each calendar day.
export function auditRows(logs, opts) {
  return dayRows(logs, (log) => log.time, COLS, (log, t) => auditRow(log, t, opts));
}

function auditRow(log, t, { multiOrg }) {
  const diffKeys = Object.keys(log.diff || {}).sort();
  const diffRow = diffKeys.length
    ? h('tr', { class: 'diff-row', hidden: true }, h('td', { colspan: COLS }, diffTable(log.diff, diffKeys)))
    : null;
  const expandCell = h('td', { class: 'col-expand' });
  const row = h('tr', { class: 'audit-row', dataset: { id: log.id } },
    h('td', { class: 'col-avatar' }, avatar(log.user)),
    h('td', { class: 'col-event' }, description(log), meta(log, multiOrg)),
    h('td', { class: 'col-time' }, t ? h('time', { datetime: log.time, title: t.toString(), text: timeLabel(t) }) : ''),
    h('td', { class: 'col-status' }, statusPill(log.status_code)),
    expandCell);
  if (!diffRow) return [row];
  expandCell.append(expandable(row, diffRow, 'Show changes', 'Hide changes'));
  return [row, diffRow];
}

// The server's template with {user} and {target} filled in; the target links to
// resource_link unless the resource is deleted.
function description(log) {
  const el = h('div', { class: 'audit-desc' });
  for (const part of String(log.description || '').split(/(\{user\}|\{target\})/)) {
    if (part === '{user}') el.append(h('strong', { class: 'actor', text: log.user ? log.user.username : 'System' }));
    else if (part === '{target}') el.append(target(log));
    else if (part) el.append(part);
  }
  if (log.is_deleted) el.append(' ', h('span', { class: 'deleted', text: '(deleted)' }));
  return el;
}

function target(log) {
  const name = String(log.resource_target || '').trim();
  if (!name) return '';
  const strong = h('strong', { class: 'target', text: name });
  return log.resource_link && !log.is_deleted ? h('a', { class: 'target-link', href: log.resource_link }, strong) : strong;
}

function meta(log, multiOrg) {
  const { browser, os } = parseUserAgent(log.user_agent);
  const items = [];
  if (log.ip) items.push(['IP', log.ip]);
  if (os) items.push(['OS', os]);
  if (browser) items.push(['Browser', browser]);
  if (multiOrg && log.organization && log.organization.name) {
    items.push(['Organization', log.organization.display_name || log.organization.name]);
  }
  if (!items.length) return null;
  return h('div', { class: 'audit-meta muted' },
    items.map(([k, v]) => h('span', { class: 'meta-item' }, `${k}: `, h('span', { class: 'meta-value', text: v }))));
}

function show(field, side) {
  if (field.secret) return '••••••••';
  const v = field[side];
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(v);
}

function diffTable(diff, keys) {
  return h('table', { class: 'diff' },
    h('caption', { class: 'sr-only', text: 'Changes' }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', text: 'Field' }), h('th', { scope: 'col', text: 'Old' }), h('th', { scope: 'col', text: 'New' }))),
    h('tbody', null, keys.map((k) => {
      const f = diff[k] || {};
      return h('tr', { dataset: { field: k } },
        h('th', { scope: 'row' }, h('code', { text: k })),
        h('td', { class: `diff-old${f.secret ? ' secret' : ''}` }, h('span', { class: 'sign', 'aria-hidden': 'true', text: '−' }), h('code', { text: show(f, 'old') })),
        h('td', { class: `diff-new${f.secret ? ' secret' : ''}` }, h('span', { class: 'sign', 'aria-hidden': 'true', text: '+' }), h('code', { text: show(f, 'new') })));
    })));
}
