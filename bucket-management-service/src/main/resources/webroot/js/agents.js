// Agents: each server's CPU, memory, network and disk from its recent reports, stale ones marked.
import {get, h, ago} from './api.js';
import {lineChart, GREEN, RED, BLUE, AMBER} from './charts.js';

export async function agents(main, ctx) {
  const list = h('div', {id: 'agent-list', class: 'agents'});
  main.append(h('h1', {}, 'Agents'), list);
  ctx.every(1000, async () => {
    const all = (await get('/v1/agents')).agents;
    if (all.length === 0) {
      list.replaceChildren(h('p', {class: 'muted'}, 'No agent has reported yet.'));
      return;
    }
    list.replaceChildren(...all.map(card));
  });
}

function card(a) {
  const state = a.stale ? 'stale' : 'fresh';
  const reports = (a.reports && a.reports.length ? a.reports : [a.latest]).filter(r => r);
  const xs = reports.map((r, i) => (r.timestamp || a.lastReportAt - (reports.length - 1 - i)) / 1000);
  const series = f => reports.map(r => r[f] ?? null);
  const charts = h('div', {class: 'cards'});
  const small = (title, labels, colors, fields) => {
    const el = h('div');
    charts.append(el);
    lineChart(el, title, labels, colors, xs, fields.map(series), 240, 110);
  };
  const el = h('section', {class: 'card agent' + (a.stale ? ' stale-agent' : ''), id: 'agent-' + a.serverId},
      h('h2', {}, a.serverId, ' ', h('span', {class: 'badge ' + state, id: 'agent-state-' + a.serverId}, state)),
      h('p', {class: 'muted'}, 'region ' + (a.region || '-') + ', pool ' + (a.pool || '-') + ', last report '
          + ago(a.lastReportAt)), charts);
  if (reports.length > 0) {
    small('cpu', ['cpu'], [RED], ['cpu']);
    small('memory', ['memory'], [BLUE], ['memory']);
    small('network B/s', ['rx', 'tx'], [GREEN, AMBER], ['netRxBytesPerSec', 'netTxBytesPerSec']);
    small('disk B/s', ['read', 'write'], [GREEN, AMBER], ['diskReadBytesPerSec', 'diskWriteBytesPerSec']);
  }
  return el;
}
