// AI Gateway sessions (/ai-gateway/sessions): Coder's filters (initiator, provider, model,
// client, start window, or a q typed by hand), 25 sessions a page with their initiator,
// client, models, threads, tokens and last prompt; a row opens the session's threads.

import { get, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { number, parseTime, relative } from '../format.js';
import { urlState, stateUrl, getKey, setKey } from '../query.js';
import { pageHeader, loading, errorBox, pagination, tableWrap, emptyRow, avatar, filterForm } from '../widgets.js';

export async function aiSessionsPage(ctx) {
  const { filter, page, size } = urlState();
  const go = (q) => ctx.navigate(stateUrl({ filter: q.trim(), page: 1 }));
  const results = h('div', { class: 'results' }, loading('Loading AI sessions…'));
  replace(ctx.main,
    pageHeader('AI sessions', 'Sessions of AI agents through the AI Gateway: their threads, tool calls and token usage.'),
    sessionFilter(ctx, filter, go),
    results);
  let data;
  try {
    data = await get(`/ai-gateway/sessions${qs({ limit: size, offset: (page - 1) * size, q: filter })}`);
  } catch (e) {
    if (ctx.alive()) replace(results, errorBox(e, 'An error occurred while loading AI sessions.'));
    return;
  }
  if (!ctx.alive()) return;
  const sessions = data.sessions || [];
  const table = h('table', { class: 'table', id: 'ai-sessions-table' },
    h('caption', { class: 'sr-only', text: 'AI Gateway sessions' }),
    h('thead', null, h('tr', null,
      ['Session', 'Initiator', 'Client', 'Models', 'Threads', 'Tokens (in / out)', 'Last prompt', 'Last active']
        .map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', null, sessions.length
      ? sessions.map(sessionRow)
      : emptyRow(8, page > 1 ? 'No sessions on this page' : 'No AI sessions match this filter')));
  replace(results,
    pagination({ page, pageSize: size, count: data.count || 0, shown: sessions.length, unit: 'sessions', hrefFor: (n) => stateUrl({ filter, page: n }) }),
    tableWrap(table));
}

export function sessionHref(id) {
  return `/ai-gateway/sessions/${encodeURIComponent(id)}`;
}

export function tokens(t) {
  return `${number(t.input_tokens)} / ${number(t.output_tokens)}`;
}

function sessionRow(s) {
  const last = parseTime(s.last_active_at);
  return h('tr', { 'data-session': s.id, 'data-initiator': s.initiator.username },
    h('td', null, h('a', { href: sessionHref(s.id), class: 'mono', title: s.id, text: s.id.length > 18 ? `${s.id.slice(0, 18)}…` : s.id })),
    h('td', { class: 'user-cell' }, h('div', { class: 'user-box' }, avatar(s.initiator, 'sm'), h('span', { text: s.initiator.username }))),
    h('td', { text: s.client || 'Unknown' }),
    h('td', null, h('div', { class: 'chips' }, s.models.map((m) => h('span', { class: 'chip', text: m })))),
    h('td', { class: 'num', text: number(s.threads) }),
    h('td', { class: 'num', title: `cache read ${number(s.token_usage_summary.cache_read_input_tokens)}, cache write ${number(s.token_usage_summary.cache_write_input_tokens)}`, text: tokens(s.token_usage_summary) }),
    h('td', { class: 'prompt-cell', title: s.last_prompt || '', text: s.last_prompt || '—' }),
    h('td', { title: last ? last.toISOString() : '', text: relative(last) }));
}

// An RFC 3339 midnight (UTC) from a date input, and back.
function dayToTime(day) {
  return day ? `${day}T00:00:00Z` : '';
}
function timeToDay(t) {
  const m = /^(\d{4}-\d{2}-\d{2})T/.exec(t || '');
  return m ? m[1] : '';
}

function menu(id, label, placeholder, current, onChange) {
  const el = h('select', { id, class: 'select', 'aria-label': label }, h('option', { value: '', text: placeholder }));
  if (current) el.append(h('option', { value: current, selected: true, text: current }));
  el.addEventListener('change', () => onChange(el.value));
  return { el, box: h('div', { class: 'filter-menu' }, h('label', { class: 'filter-label', for: id, text: label }), el) };
}

function dateInput(id, label, current, onChange) {
  const el = h('input', { type: 'date', id, class: 'input', value: timeToDay(current) });
  el.addEventListener('change', () => onChange(dayToTime(el.value)));
  return h('div', { class: 'filter-menu' }, h('label', { class: 'filter-label', for: id, text: label }), el);
}

function sessionFilter(ctx, filter, go) {
  const text = h('input', { type: 'search', id: 'ai-sessions-filter', class: 'input filter-text', name: 'filter', value: filter,
    placeholder: 'Search… e.g. initiator:me model:gpt-5 client:"Claude Code"', 'aria-label': 'Filter AI sessions',
    autocomplete: 'off', spellcheck: 'false' });
  const apply = (key) => (value) => go(setKey(text.value, key, value));
  const initiator = menu('ai-sessions-initiator', 'Initiator', 'All users', getKey(filter, 'initiator'), apply('initiator'));
  const provider = menu('ai-sessions-provider', 'Provider', 'All providers', getKey(filter, 'provider_name'), apply('provider_name'));
  const model = menu('ai-sessions-model', 'Model', 'All models', getKey(filter, 'model'), apply('model'));
  const client = menu('ai-sessions-client', 'Client', 'All clients', getKey(filter, 'client'), apply('client'));
  const form = filterForm('AI sessions filter', text, [], filter, go);
  form.append(h('div', { class: 'filter-menus' }, initiator.box, provider.box, model.box, client.box,
    dateInput('ai-sessions-after', 'Started after', getKey(filter, 'started_after'), apply('started_after')),
    dateInput('ai-sessions-before', 'Started before', getKey(filter, 'started_before'), apply('started_before'))));
  fill(ctx, initiator.el, '/users?limit=100', (d) => (d.users || []).map((u) => u.username));
  fill(ctx, provider.el, '/ai-gateway/providers', (d) => (d || []).map((p) => ({ value: p.name, label: p.display_name || p.name })));
  fill(ctx, model.el, '/ai-gateway/models?limit=100', (d) => d || []);
  fill(ctx, client.el, '/ai-gateway/clients?limit=100', (d) => d || []);
  return form;
}

// Fills a filter menu from a pick-list; a list the caller may not read leaves it as it is.
async function fill(ctx, el, path, values) {
  let data;
  try {
    data = await get(path);
  } catch {
    return;
  }
  if (!ctx.alive()) return;
  for (const v of values(data)) {
    const o = typeof v === 'string' ? { value: v, label: v } : v;
    if (o.value === el.value) continue;
    el.append(h('option', { value: o.value, text: o.label }));
  }
}
