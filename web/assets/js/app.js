// App shell: session, navigation bar, site banner and a small history-API router.

import { get, post, onUnauthorized, ApiError } from './api.js';
import { h, replace, clear } from './dom.js';
import { errorBox, loading, showAISeatColumn } from './widgets.js';
import { number } from './format.js';
import { loginPage, setupPage } from './pages/login.js';
import { auditPage } from './pages/audit.js';
import { usersPage } from './pages/users.js';
import { membersPage } from './pages/members.js';
import { licensesPage } from './pages/licenses.js';
import { aiSessionsPage } from './pages/ai_sessions.js';
import { aiSessionPage } from './pages/ai_session.js';
import { connectionLogPage } from './pages/connection_log.js';

const ROUTES = [
  { re: /^\/login$/, page: loginPage, public: true, title: 'Sign in' },
  { re: /^\/setup$/, page: setupPage, public: true, title: 'Set up' },
  { re: /^\/audit$/, page: auditPage, title: 'Audit', nav: 'audit' },
  { re: /^\/connectionlog$/, page: connectionLogPage, title: 'Connection log', nav: 'connection-log' },
  { re: /^\/users$/, page: usersPage, title: 'Users', nav: 'users' },
  { re: /^\/organizations\/([^/]+)\/members$/, page: membersPage, title: 'Members', nav: 'members' },
  { re: /^\/deployment\/licenses$/, page: licensesPage, title: 'Licenses', nav: 'licenses' },
  { re: /^\/ai-gateway\/sessions$/, page: aiSessionsPage, title: 'AI sessions', nav: 'ai-sessions' },
  { re: /^\/ai-gateway\/sessions\/([^/]+)$/, page: aiSessionPage, title: 'AI session', nav: 'ai-sessions' },
  // Coder's older paths.
  { re: /^\/aibridge\/sessions(\/[^/]+)?$/, page: (ctx) => ctx.redirect(location.pathname.replace(/^\/aibridge/, '/ai-gateway') + location.search), title: 'AI sessions' },
  { re: /^\/$/, page: homePage, title: 'coderlite' },
];

// What the navigation asks the server, as Coder's UI does (site/src/modules/permissions).
const PERMISSION_CHECKS = {
  viewAnyConnectionLog: { object: { resource_type: 'connection_log', any_org: true }, action: 'read' },
};

const session = { me: null, entitlements: null, orgs: [], permissions: {}, loaded: false };
let renderSeq = 0;

export function navigate(url, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

export async function refreshSession() {
  try {
    session.me = await get('/users/me', { quiet401: true });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 400)) session.me = null;
    else throw e;
  }
  session.entitlements = null;
  session.orgs = [];
  session.permissions = {};
  if (session.me) {
    const [ent, orgs, perms] = await Promise.all([
      get('/entitlements').catch(() => null),
      get('/organizations').catch(() => []),
      post('/authcheck', { checks: PERMISSION_CHECKS }).catch(() => ({})),
    ]);
    session.entitlements = ent;
    session.orgs = Array.isArray(orgs) ? orgs : [];
    session.permissions = perms || {};
  }
  session.loaded = true;
}

export function hasSiteRole(...names) {
  return !!session.me && (session.me.roles || []).some((r) => names.includes(r.name));
}

export function defaultOrgName() {
  const d = session.orgs.find((o) => o.is_default) || session.orgs[0];
  return d ? d.name : 'default';
}

function homePage(ctx) {
  ctx.redirect(hasSiteRole('owner', 'auditor') ? '/audit' : '/users');
}

async function render() {
  const seq = ++renderSeq;
  const main = document.getElementById('main');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const route = ROUTES.find((r) => r.re.test(path));
  try {
    if (!session.loaded) await refreshSession();
  } catch (e) {
    replace(main, errorBox(e, 'Could not load your session.'));
    return;
  }
  if (seq !== renderSeq) return;
  if (!route) {
    drawChrome(null);
    document.title = 'Not found · coderlite';
    replace(main, h('h1', { text: 'Page not found' }), h('p', null, h('a', { href: '/', text: 'Go home' })));
    return;
  }
  if (!route.public && !session.me) {
    let first = true;
    try {
      await get('/users/first', { quiet401: true });
    } catch (e) {
      first = !(e instanceof ApiError && e.status === 404);
    }
    if (seq !== renderSeq) return;
    const target = first ? `/login?redirect=${encodeURIComponent(location.pathname + location.search)}` : '/setup';
    navigate(target, { replace: true });
    return;
  }
  drawChrome(route);
  document.title = `${route.title} · coderlite`;
  replace(main, loading());
  const ctx = {
    session,
    params: path.match(route.re).slice(1).map(decodeURIComponent),
    alive: () => seq === renderSeq,
    redirect: (url) => navigate(url, { replace: true }),
    navigate,
    rerender: render,
    refreshSession,
    hasSiteRole,
    defaultOrgName,
    main,
  };
  try {
    await route.page(ctx);
  } catch (e) {
    if (ctx.alive()) replace(main, errorBox(e, 'Something went wrong.'));
  }
}

function drawChrome(route) {
  const bar = document.getElementById('topbar');
  const banner = document.getElementById('banner');
  if (!session.me || (route && route.public)) {
    bar.hidden = true;
    clear(bar);
    clear(banner);
    return;
  }
  bar.hidden = false;
  const link = (key, href, text) => h('a', { href, class: 'nav-link', 'aria-current': route && route.nav === key ? 'page' : null, text });
  replace(bar,
    h('a', { href: '/', class: 'brand', 'aria-label': 'coderlite home' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true', text: '</>' }), 'coderlite'),
    h('nav', { class: 'nav', 'aria-label': 'Main' },
      link('audit', '/audit', 'Audit'),
      session.permissions.viewAnyConnectionLog ? link('connection-log', '/connectionlog', 'Connection log') : null,
      link('users', '/users', 'Users'),
      link('members', `/organizations/${encodeURIComponent(defaultOrgName())}/members`, 'Members'),
      link('licenses', '/deployment/licenses', 'Seats'),
      hasSiteRole('owner', 'auditor') ? link('ai-sessions', '/ai-gateway/sessions', 'AI sessions') : null),
    h('div', { class: 'nav-user' },
      h('span', { class: 'nav-username', title: session.me.email, text: session.me.username }),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: signOut, text: 'Sign out' })));
  replace(banner, hasSiteRole('owner', 'auditor', 'user-admin') ? licenseBanner(session.entitlements) : null);
}

// The server's entitlement warnings (seat usage at ≥90% or over the limit) as a site banner;
// computed from the seat numbers when the server sent none.
function licenseBanner(ent) {
  const warnings = (ent && Array.isArray(ent.warnings) && ent.warnings) || [];
  if (!warnings.length) return seatBanner(ent);
  const over = showAISeatColumn(ent) && Number(ent.features.ai_governance_user_limit.actual || 0) > Number(ent.features.ai_governance_user_limit.limit || 0);
  return h('div', { class: `banner ${over ? 'banner-error' : 'banner-warning'}`, role: 'status' },
    warnings.map((w) => h('p', { class: 'banner-line', text: w })),
    h('a', { href: '/deployment/licenses', text: 'See seat usage' }));
}

// Site banner at ≥90% of AI Governance seats and when over the limit.
export function seatBanner(ent) {
  if (!showAISeatColumn(ent)) return null;
  const f = ent.features.ai_governance_user_limit;
  const limit = Number(f.limit || 0);
  const actual = Number(f.actual || 0);
  if (limit <= 0 || actual <= 0) return null;
  if (actual > limit) {
    const over = Math.round(((actual - limit) * 100) / limit);
    return h('div', { class: 'banner banner-error', role: 'status' },
      `Your organization is using ${number(actual)} / ${number(limit)} AI Governance user seats (${over}% over the limit). `,
      h('a', { href: '/deployment/licenses', text: 'See seat usage' }));
  }
  if (actual * 10 >= limit * 9) {
    const pct = Math.floor((actual * 100) / limit);
    return h('div', { class: 'banner banner-warning', role: 'status' },
      `Your organization is using ${number(actual)} / ${number(limit)} AI Governance user seats (${pct}% of the limit). `,
      h('a', { href: '/deployment/licenses', text: 'See seat usage' }));
  }
  return null;
}

async function signOut() {
  try {
    await post('/users/logout', undefined, { quiet401: true });
  } catch {
    // Signed out already or the key is gone: either way the session is over.
  }
  session.me = null;
  session.permissions = {};
  session.loaded = true;
  navigate('/login');
}

// Same-origin links navigate inside the app; downloads and new tabs are left alone.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.hasAttribute('download') || a.target || a.origin !== location.origin) return;
  if (a.pathname.startsWith('/api/') || a.pathname.startsWith('/assets/')) return;
  if (a.getAttribute('href').startsWith('#')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});

window.addEventListener('popstate', render);

onUnauthorized(() => {
  if (!session.me) return;
  session.me = null;
  navigate(`/login?redirect=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});

render();
