// One connection-log row (Coder's ConnectionLogRow): time, type with its icon, workspace
// owner / workspace / agent, the user of web events, status (Ongoing or Completed with the
// duration for agent sessions, the HTTP status for web events) and IP; a click expands the
// details (ssh_info or web_info, user agent, organization, ids).

import { h, icon, ICONS } from '../dom.js';
import { parseTime, timeLabel, duration, enumLabel, parseUserAgent } from '../format.js';
import { avatar, statusPill, dayRows, expandable } from '../widgets.js';

export const COLS = 7;

// Coder's connectionTypeToFriendlyName, plus tunnels.
export const TYPE_LABELS = {
  ssh: 'SSH',
  vscode: 'VS Code',
  jetbrains: 'JetBrains',
  reconnecting_pty: 'Web Terminal',
  workspace_app: 'Workspace App',
  port_forwarding: 'Port Forwarding',
  tunnel: 'Tunnel',
};

const TYPE_ICONS = {
  ssh: ICONS.terminal,
  reconnecting_pty: ICONS.terminal,
  vscode: ICONS.code,
  jetbrains: ICONS.code,
  workspace_app: ICONS.globe,
  port_forwarding: ICONS.arrow,
  tunnel: ICONS.network,
};

export function typeLabel(type) {
  return TYPE_LABELS[type] || enumLabel(type || 'unknown');
}

// Rows with a header row before each calendar day; `now` ends ongoing sessions' durations.
export function connectionRows(logs, now) {
  return dayRows(logs, (log) => log.connect_time, COLS, (log, t) => connectionRow(log, t, now));
}

function connectionRow(log, t, now) {
  const detail = h('tr', { class: 'detail-row', hidden: true }, h('td', { colspan: COLS }, details(log, t, now)));
  const expandCell = h('td', { class: 'col-expand' });
  const row = h('tr', { class: 'connection-row', dataset: { id: log.id, type: log.type } },
    h('td', { class: 'col-time' }, t ? h('time', { datetime: log.connect_time, title: t.toString(), text: timeLabel(t) }) : ''),
    h('td', { class: 'col-type' },
      h('span', { class: 'type-label' }, icon(TYPE_ICONS[log.type] || ICONS.network), typeLabel(log.type))),
    h('td', { class: 'col-workspace' },
      h('span', { class: 'workspace-ref' }, h('strong', { text: log.workspace_owner_username }), '/', log.workspace_name),
      h('span', { class: 'muted small agent-name', text: ` · ${log.agent_name}` })),
    h('td', { class: 'col-user' }, webUser(log.web_info)),
    h('td', { class: 'col-status' }, status(log, t, now)),
    h('td', { class: 'col-ip mono', text: log.ip || '—' }),
    expandCell);
  expandCell.append(expandable(row, detail, 'Show details', 'Hide details'));
  return [row, detail];
}

// Agent sessions do not say who connected; web events name the user (or none).
function webUser(web) {
  if (!web) return h('span', { class: 'muted', text: '—' });
  if (!web.user) return h('span', { class: 'muted', text: 'Unknown user' });
  return h('span', { class: 'web-user' }, avatar(web.user, 'sm'), h('span', { class: 'web-username', text: web.user.username }));
}

// How long an agent session has been (or was) open; null for web events.
function session(log, t, now) {
  if (!log.ssh_info || !t) return null;
  const end = parseTime(log.ssh_info.disconnect_time);
  return { length: duration((end || now) - t), ongoing: !end };
}

function status(log, t, now) {
  if (log.web_info) return statusPill(log.web_info.status_code);
  const s = session(log, t, now);
  if (!s) return '';
  return h('span', { class: 'conn-status', title: `Connected for ${s.length}` },
    h('span', { class: s.ongoing ? 'conn-ongoing' : 'conn-completed', text: s.ongoing ? 'Ongoing' : 'Completed' }),
    ' ', h('span', { class: 'muted small conn-duration', text: s.length }));
}

function when(s) {
  const d = parseTime(s);
  return d ? h('time', { datetime: s, text: d.toLocaleString() }) : '—';
}

// The details of a row as label/value pairs; every pair carries data-field for lookups.
function details(log, t, now) {
  const items = [
    ['connect_time', 'Connected', when(log.connect_time)],
    ['organization', 'Organization', (log.organization && (log.organization.display_name || log.organization.name)) || '—'],
    ['workspace', 'Workspace', `${log.workspace_owner_username}/${log.workspace_name}`],
    ['workspace_id', 'Workspace ID', h('code', { text: log.workspace_id })],
    ['agent', 'Agent', log.agent_name],
    ['ip', 'IP', log.ip || '—'],
  ];
  const ssh = log.ssh_info;
  if (ssh) {
    const s = session(log, t, now);
    items.push(
      ['connection_id', 'Connection ID', h('code', { text: ssh.connection_id })],
      ['disconnect_time', 'Disconnected', ssh.disconnect_time ? when(ssh.disconnect_time) : 'Still connected'],
      ['duration', s && s.ongoing ? 'Connected for (so far)' : 'Connected for', s ? s.length : '—'],
      ['disconnect_reason', 'Disconnect reason', ssh.disconnect_reason || '—'],
      ['exit_code', 'Exit code', ssh.exit_code === undefined || ssh.exit_code === null ? '—' : String(ssh.exit_code)]);
  }
  const web = log.web_info;
  if (web) {
    const { browser, os } = parseUserAgent(web.user_agent);
    items.push(
      ['user', 'User', web.user ? `${web.user.username}${web.user.email ? ` (${web.user.email})` : ''}` : 'Unknown user'],
      ['slug_or_port', log.type === 'port_forwarding' ? 'Port' : 'App', web.slug_or_port || '—'],
      ['status_code', 'HTTP status', String(web.status_code)],
      ['user_agent', 'User agent', web.user_agent ? h('code', { text: web.user_agent }) : '—'],
      ['browser', 'Client', [browser, os].filter(Boolean).join(' on ') || '—']);
  }
  items.push(['id', 'Log ID', h('code', { text: log.id })]);
  return h('dl', { class: 'summary connection-details' },
    items.map(([field, label, value]) => h('div', { dataset: { field } }, h('dt', { text: label }), h('dd', null, value))));
}
