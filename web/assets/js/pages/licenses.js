// Seat usage: the ai_governance_user_limit entitlement (used / limit, 90% and over-limit
// warnings), the seat report (owner, auditor) and the deployment's entitlements.

import { get } from '../api.js';
import { h, icon, ICONS, replace } from '../dom.js';
import { enumLabel, number } from '../format.js';
import { pageHeader, errorBox, notice, showAISeatColumn, tableWrap } from '../widgets.js';
import { seatReport } from './seat_report.js';

export async function licensesPage(ctx) {
  let ent;
  try {
    ent = await get('/entitlements');
  } catch (e) {
    if (ctx.alive()) replace(ctx.main, pageHeader('Licenses', null), errorBox(e, 'Entitlements could not be loaded.'));
    return;
  }
  if (!ctx.alive()) return;
  ctx.session.entitlements = ent;
  replace(ctx.main,
    pageHeader('Licenses', 'Seat usage and entitlements of this deployment.'),
    seatCard(ent),
    ctx.hasSiteRole('owner', 'auditor') ? seatReport(ctx) : null,
    errors(ent),
    featuresTable(ent));
}

function seatCard(ent) {
  const card = h('section', { class: 'card', id: 'seat-usage', 'aria-labelledby': 'seat-title' },
    h('h2', { id: 'seat-title', text: 'AI Governance seats' }));
  if (!showAISeatColumn(ent)) {
    card.append(h('p', { class: 'muted', text: 'The AI Governance add-on is not enabled on this deployment.' }));
    return card;
  }
  const f = ent.features.ai_governance_user_limit;
  const limit = Number(f.limit || 0);
  const actual = Number(f.actual || 0);
  card.append(h('p', { class: 'seat-count' },
    h('span', { class: 'seat-used', text: number(actual) }), ' / ', h('span', { class: 'seat-limit', text: limit > 0 ? number(limit) : 'unlimited' }),
    h('span', { class: 'muted', text: ' seats used' })));
  if (limit > 0) {
    const pct = Math.min(100, (actual * 100) / limit);
    const fill = h('div', { class: `seat-bar-fill${actual > limit ? ' error' : actual * 10 >= limit * 9 ? ' warning' : ''}` });
    fill.style.width = `${pct}%`; // CSSOM, allowed by the CSP (no inline style attribute)
    card.append(h('div', { class: 'seat-bar', role: 'progressbar', 'aria-label': 'AI Governance seats used',
      'aria-valuemin': 0, 'aria-valuemax': limit, 'aria-valuenow': actual }, fill));
    if (actual > limit) {
      const over = Math.round(((actual - limit) * 100) / limit);
      card.append(h('div', { class: 'alert alert-error', role: 'alert', id: 'seat-warning' }, icon(ICONS.warn),
        `Over the limit: ${number(actual)} users consume AI seats but the license allows ${number(limit)} (${number(actual - limit)} over, ${over}% over the limit).`));
    } else if (actual * 10 >= limit * 9) {
      card.append(h('div', { class: 'alert alert-warning', role: 'status', id: 'seat-warning' }, icon(ICONS.warn),
        `${Math.floor((actual * 100) / limit)}% of the AI Governance seats are in use.`));
    }
  }
  if (f.entitlement === 'grace_period') {
    card.append(notice('The license for AI Governance has expired and is in its grace period.', 'warning'));
  }
  card.append(h('p', { class: 'muted small', text: 'A user consumes a seat once they use an AI feature (AI Bridge interceptions or AI tasks).' }));
  return card;
}

// Entitlement errors (warnings are in the site banner).
function errors(ent) {
  const items = ent.errors || [];
  return items.length ? h('div', { class: 'messages' }, items.map((t) => notice(t, 'error'))) : null;
}

function featuresTable(ent) {
  const names = Object.keys(ent.features || {}).sort();
  if (!names.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'features-title' },
    h('h2', { id: 'features-title', text: 'Features' }),
    tableWrap(h('table', { class: 'table features-table' },
      h('thead', null, h('tr', null, ['Feature', 'Entitlement', 'Enabled', 'Limit', 'Actual'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', null, names.map((n) => {
        const f = ent.features[n] || {};
        return h('tr', null,
          h('th', { scope: 'row' }, h('code', { text: n })),
          h('td', { text: enumLabel(String(f.entitlement || '')) }),
          h('td', { text: f.enabled ? 'Yes' : 'No' }),
          h('td', { text: f.limit === undefined || f.limit === null ? '—' : number(f.limit) }),
          h('td', { text: f.actual === undefined || f.actual === null ? '—' : number(f.actual) }));
      })))));
}
