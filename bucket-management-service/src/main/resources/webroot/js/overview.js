// Overview: members, decisions per second (live), top denied keys, agents fresh/stale, pools and their breakers.
import {get, h, table, seg, poolNames, allAgents} from './api.js';
import {LiveChart, GREEN, RED, AMBER} from './charts.js';

export async function overview(main, ctx) {
  const cards = h('div', {class: 'cards', id: 'overview-cards'});
  const ruleSelect = h('select', {id: 'stats-rule'}, h('option', {value: ''}, 'all rules'));
  const chartEl = h('div', {id: 'decisions-chart'});
  const rulesEl = h('div', {id: 'rule-stats'});
  const topEl = h('div', {id: 'top-denied'});
  const poolsEl = h('div', {id: 'overview-pools'});
  main.append(h('h1', {}, 'Overview'), cards,
      h('h2', {}, 'Decisions per second, last 60 s '), ruleSelect, chartEl, rulesEl,
      h('h2', {}, 'Most denied keys'), topEl, h('h2', {}, 'Pools'), poolsEl);
  for (const r of (await get('/v1/rules')).rules) ruleSelect.append(h('option', {value: r.id}, r.id));
  const chart = new LiveChart(ctx, chartEl, 'decisions/s', ['granted', 'denied', 'shadow-denied'], [GREEN, RED, AMBER],
      640, 220);

  ctx.every(2000, async () => {
    const rule = ruleSelect.value;
    const stats = await get('/v1/stats?seconds=60&top=10' + (rule ? '&rule=' + seg(rule) : ''));
    const xs = Array.from({length: stats.windowSeconds}, (_, i) => stats.to - stats.windowSeconds + 1 + i);
    const sum = field => xs.map((_, i) => stats.rules.reduce((s, r) => s + r.perSecond[field][i], 0));
    chart.update(xs, [sum('granted'), sum('denied'), sum('shadowDenied')]);
    rulesEl.replaceChildren(table(['rule', 'granted', 'denied', 'shadow-denied'],
        stats.rules.map(r => [r.ruleId, r.granted, r.denied, r.shadowDenied]), {id: 'rule-stats-table'}));
    topEl.replaceChildren(stats.topDeniedKeys.length === 0 ? h('p', {class: 'muted'}, 'no denials in the window')
        : table(['key', 'rule', 'denials', 'at least'], stats.topDeniedKeys.map(k => [
          h('a', {href: '#/bucket/' + seg(k.key)}, k.key), k.ruleId || '-', k.denials, k.lowerBound]),
        {id: 'top-denied-table'}));

    const [ready, agents] = await Promise.all([get('/health/ready'), allAgents()]);
    const stale = agents.filter(a => a.stale).length;
    cards.replaceChildren(
        card('members', ready.members, ready.status, 'card-members'),
        card('agents fresh', agents.length - stale, '', 'card-agents-fresh'),
        card('agents stale', stale, stale ? 'see Agents' : '', 'card-agents-stale'),
        card('members answering stats', stats.membersAnswered + ' / ' + stats.members, '', 'card-stats'));
  });
  ctx.every(5000, async () => {
    const names = await poolNames();
    const views = await Promise.all(names.map(p => get('/v1/pools/' + seg(p))));
    poolsEl.replaceChildren(names.length === 0 ? h('p', {class: 'muted'}, 'no rule names a pool')
        : table(['pool', 'breaker', 'members', 'lent', 'borrowed'], views.map(v => [
          h('a', {href: '#/pools'}, v.pool), h('span', {class: 'badge ' + v.breaker}, v.breaker), v.members.length,
          v.lent.toFixed(1), v.borrowed.toFixed(1)])));
  });
}

function card(title, value, note, id) {
  return h('div', {class: 'card', id}, h('div', {class: 'muted'}, title), h('div', {class: 'big'}, value),
      h('div', {class: 'muted'}, note));
}
