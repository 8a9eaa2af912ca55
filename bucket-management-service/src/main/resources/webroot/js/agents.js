// Agents: each server's CPU, memory, network and disk from its recent reports, stale ones marked. Each agent's card
// and charts are built once and updated in place on every refresh.
import {h, ago, allAgents} from './api.js';
import {LiveChart, GREEN, RED, BLUE, AMBER} from './charts.js';

const CHARTS = [
  ['cpu', ['cpu'], [RED], ['cpu']],
  ['memory', ['memory'], [BLUE], ['memory']],
  ['network B/s', ['rx', 'tx'], [GREEN, AMBER], ['netRxBytesPerSec', 'netTxBytesPerSec']],
  ['disk B/s', ['read', 'write'], [GREEN, AMBER], ['diskReadBytesPerSec', 'diskWriteBytesPerSec']],
];

export async function agents(main, ctx) {
  const list = h('div', {id: 'agent-list', class: 'agents'});
  const none = h('p', {class: 'muted'}, 'No agent has reported yet.');
  main.append(h('h1', {}, 'Agents'), list);
  const cards = new Map();
  ctx.every(1000, async () => {
    const all = await allAgents();
    const seen = new Set(all.map(a => a.serverId));
    for (const [id, c] of cards) {
      if (!seen.has(id)) {
        c.charts.forEach(chart => chart.destroy());
        c.el.remove();
        cards.delete(id);
      }
    }
    for (const a of all) {
      if (!cards.has(a.serverId)) {
        const c = card(ctx, a);
        cards.set(a.serverId, c);
        list.append(c.el);
      }
      update(cards.get(a.serverId), a);
    }
    if (all.length === 0) list.replaceChildren(none); else none.remove();
  });
}

function card(ctx, a) {
  const badge = h('span', {class: 'badge', id: 'agent-state-' + a.serverId});
  const info = h('p', {class: 'muted'});
  const row = h('div', {class: 'cards'});
  const charts = CHARTS.map(([title, labels, colors]) => {
    const el = h('div');
    row.append(el);
    return new LiveChart(ctx, el, title, labels, colors, 240, 110);
  });
  const el = h('section', {class: 'card agent', id: 'agent-' + a.serverId}, h('h2', {}, a.serverId, ' ', badge),
      info, row);
  return {el, badge, info, charts};
}

function update(c, a) {
  const state = a.stale ? 'stale' : 'fresh';
  c.badge.textContent = state;
  c.badge.className = 'badge ' + state;
  c.el.classList.toggle('stale-agent', a.stale);
  c.info.textContent = 'region ' + (a.region || '-') + ', pool ' + (a.pool || '-') + ', last report '
      + ago(a.lastReportAt);
  const reports = (a.reports && a.reports.length ? a.reports : [a.latest]).filter(r => r);
  if (reports.length === 0) return;
  // Reports carry their own time when the agent sent one; else they are spread back from the last report.
  const xs = reports.map((r, i) => (r.timestamp || a.lastReportAt - 1000 * (reports.length - 1 - i)) / 1000);
  CHARTS.forEach(([, , , fields], i) => c.charts[i].update(xs, fields.map(f => reports.map(r => r[f] ?? null))));
}
