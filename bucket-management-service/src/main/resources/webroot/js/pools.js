// Pools: each pool a rule names, its breaker, lenders and borrowers, and its transfers over time (sampled here).
import {get, h, table, seg, round} from './api.js';
import {LiveChart, GREEN, RED, AMBER, BLUE} from './charts.js';

const OUTCOMES = ['ok', 'partial', 'failed', 'breaker_open'];

export async function pools(main, ctx) {
  main.append(h('h1', {}, 'Pools'));
  const list = h('div', {id: 'pool-list'});
  main.append(list);
  const samples = {}; // pool -> [{t, transfers}]
  const charts = {};
  ctx.every(2000, async () => {
    const names = [...new Set([...(await get('/v1/rules')).rules.filter(r => r.transfer && r.transfer.pool)
        .map(r => r.transfer.pool)])].sort();
    if (names.length === 0) {
      list.replaceChildren(h('p', {class: 'muted'}, 'No rule names a pool.'));
      return;
    }
    const views = await Promise.all(names.map(p => get('/v1/pools/' + seg(p))));
    const now = Date.now() / 1000;
    for (const v of views) {
      let section = document.getElementById('pool-' + v.pool);
      if (!section) {
        section = h('section', {id: 'pool-' + v.pool, class: 'card'});
        list.append(section);
        charts[v.pool] = new LiveChart(ctx, h('div'), 'transfers per 2 s', OUTCOMES, [GREEN, BLUE, RED, AMBER], 460, 150);
      }
      const s = samples[v.pool] = (samples[v.pool] || []).concat([{t: now, transfers: v.transfers || {}}]).slice(-60);
      const lenders = v.members.filter(m => m.canLend);
      const borrowers = v.members.filter(m => m.canBorrow);
      section.replaceChildren(
          h('h2', {}, v.pool, ' ', h('span', {class: 'badge ' + v.breaker, id: 'breaker-' + v.pool}, v.breaker)),
          table(['spare', 'lent', 'borrowed', 'transfers'], [[round(v.spare), round(v.lent), round(v.borrowed),
            Object.entries(v.transfers || {}).map(([k, n]) => k + ' ' + n).join(', ') || 'none']]),
          h('h3', {}, 'Lenders'), members(lenders), h('h3', {}, 'Borrowers'), members(borrowers),
          charts[v.pool].el);
      if (s.length > 2) { // two intervals at least: one point makes no time axis
        const xs = s.slice(1).map(x => x.t);
        charts[v.pool].update(xs, OUTCOMES.map(o => s.slice(1).map((x, i) =>
            Math.max(0, (x.transfers[o] || 0) - (s[i].transfers[o] || 0)))));
      }
    }
  });
}

function members(list) {
  return list.length === 0 ? h('p', {class: 'muted'}, 'none')
      : table(['bucket', 'region', 'weight', 'tokens', 'spare', 'lent', 'borrowed'], list.map(m => [
        h('a', {href: '#/bucket/' + seg(m.key)}, m.key), m.region || '-', m.weight, round(m.tokens), round(m.spare),
        round(m.lent), round(m.borrowed)]));
}
