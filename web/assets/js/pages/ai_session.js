// One AI Gateway session (/ai-gateway/sessions/{id}): its summary and its threads, oldest
// first, 20 at a time ("Load more threads" continues with after_id, as Coder's page does).
// Each thread shows its prompt, model, time and tokens, and its agentic actions: thinking and
// tool calls with their input.

import { get, qs } from '../api.js';
import { h, replace } from '../dom.js';
import { number, parseTime, dayLabel, timeLabel } from '../format.js';
import { pageHeader, loading, errorBox, avatar, notice } from '../widgets.js';
import { tokens } from './ai_sessions.js';

const THREADS_PAGE = 20;

function when(s) {
  const d = parseTime(s);
  return d ? `${dayLabel(d)} ${timeLabel(d)}` : '—';
}

function tokenLine(t) {
  return h('span', { class: 'tokens', title: `cache read ${number(t.cache_read_input_tokens)}, cache write ${number(t.cache_write_input_tokens)}` },
    `${tokens(t)} tokens`);
}

function summary(s) {
  const t = s.token_usage_summary;
  const item = (label, value) => h('div', { class: 'summary-item' }, h('dt', { text: label }), h('dd', null, value));
  return h('section', { class: 'card', id: 'ai-session-summary', 'aria-label': 'Session summary' },
    h('dl', { class: 'summary' },
      item('Initiator', h('span', { class: 'user-box' }, avatar(s.initiator, 'sm'), h('span', { text: s.initiator.username }))),
      item('Client', s.client || 'Unknown'),
      item('Providers', s.providers.join(', ')),
      item('Models', s.models.join(', ')),
      item('Started', when(s.started_at)),
      item('Ended', when(s.ended_at)),
      item('Input tokens', number(t.input_tokens)),
      item('Output tokens', number(t.output_tokens)),
      item('Cache read', number(t.cache_read_input_tokens)),
      item('Cache write', number(t.cache_write_input_tokens))));
}

function toolCall(c) {
  return h('li', { class: 'tool-call', 'data-tool': c.tool },
    h('div', { class: 'tool-head' },
      h('code', { class: 'tool-name', text: c.tool }),
      c.injected ? h('span', { class: 'chip', title: 'Injected by the AI Gateway (MCP)', text: 'injected' }) : null,
      c.server_url ? h('span', { class: 'muted', text: c.server_url }) : null,
      h('span', { class: 'muted', text: timeLabel(parseTime(c.created_at) || new Date(0)) })),
    c.input ? h('pre', { class: 'tool-input', text: c.input }) : null);
}

function action(a) {
  return h('li', { class: 'action' },
    h('div', { class: 'action-head' }, h('span', { class: 'chip', text: a.model }), tokenLine(a.token_usage)),
    a.thinking.length ? h('div', { class: 'thinking' }, a.thinking.map((t) => h('blockquote', { text: t.text }))) : null,
    h('ul', { class: 'tool-calls' }, a.tool_calls.map(toolCall)));
}

function thread(t) {
  return h('article', { class: 'card thread', 'data-thread': t.id },
    h('header', { class: 'thread-head' },
      h('h3', { class: 'thread-prompt', text: t.prompt || 'No prompt recorded' }),
      h('div', { class: 'thread-meta muted' },
        h('span', { text: `${t.provider} · ${t.model}` }),
        h('span', { text: when(t.started_at) }),
        tokenLine(t.token_usage),
        t.credential_hint ? h('span', { title: t.credential_kind, text: `key ${t.credential_hint}` }) : null)),
    t.error_type ? notice(`${t.error_type}${t.error_message ? `: ${t.error_message}` : ''}`, 'error') : null,
    t.agentic_actions.length
      ? h('ol', { class: 'actions', 'aria-label': 'Agentic actions' }, t.agentic_actions.map(action))
      : h('p', { class: 'muted', text: 'No tool calls.' }));
}

export async function aiSessionPage(ctx) {
  const id = ctx.params[0];
  const list = h('div', { class: 'threads', id: 'ai-session-threads' });
  const more = h('p', { class: 'load-more' });
  const body = h('div', { class: 'results' }, loading('Loading the session…'));
  replace(ctx.main,
    h('p', null, h('a', { href: '/ai-gateway/sessions', text: '‹ All sessions' })),
    pageHeader('AI session', id),
    body);
  const load = async (after) => {
    const data = await get(`/ai-gateway/sessions/${encodeURIComponent(id)}${qs({ limit: THREADS_PAGE, after_id: after })}`);
    if (!ctx.alive()) return null;
    list.append(...data.threads.map(thread));
    const last = data.threads[data.threads.length - 1];
    replace(more, data.threads.length === THREADS_PAGE && last
      ? h('button', { type: 'button', class: 'btn', id: 'ai-session-more', text: 'Load more threads', onclick: () => next(last.id) })
      : null);
    return data;
  };
  const next = async (after) => {
    try {
      await load(after);
    } catch (e) {
      if (ctx.alive()) replace(more, errorBox(e, 'More threads could not be loaded.'));
    }
  };
  let first;
  try {
    first = await load('');
  } catch (e) {
    if (ctx.alive()) replace(body, errorBox(e, 'The session could not be loaded.'));
    return;
  }
  if (!first) return;
  replace(body, summary(first), h('h2', { text: 'Threads' }),
    first.threads.length ? null : h('p', { class: 'muted', text: 'This session has no threads.' }), list, more);
}
