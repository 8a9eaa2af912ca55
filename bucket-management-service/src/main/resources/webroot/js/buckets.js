// Buckets: search by prefix, page by page; one bucket with its resize history and an override form.
import {api, get, h, table, seg, time} from './api.js';
import {LiveChart, BLUE} from './charts.js';

const PAGE = 50;

export async function bucketList(main, ctx) {
  const prefix = h('input', {id: 'prefix', type: 'text', placeholder: 'key prefix, e.g. tenant-a:',
    value: ctx.query.get('prefix') || ''});
  const results = h('div', {id: 'bucket-results'});
  const next = h('button', {id: 'next-page', hidden: true}, 'Next page');
  const info = h('p', {id: 'search-info', class: 'muted'});
  let cursor = null;
  let latest = 0; // the newest search: an older one answering later (the page's first, unfiltered) is dropped

  async function search(fromStart) {
    if (fromStart) cursor = null;
    const mine = ++latest;
    const started = performance.now();
    const page = await get('/v1/buckets?limit=' + PAGE + '&prefix=' + seg(prefix.value)
        + (cursor ? '&cursor=' + seg(cursor) : ''));
    if (mine !== latest) return;
    results.replaceChildren(table(['key', 'rule', 'capacity', 'tokens', 'refill/s'], page.buckets.map(b => [
      h('a', {href: '#/bucket/' + seg(b.key)}, b.key), b.ruleId || '-', b.capacity, b.tokens, b.refillPerSecond]),
    {id: 'bucket-table'}));
    info.textContent = page.buckets.length + ' buckets in ' + Math.round(performance.now() - started) + ' ms';
    cursor = page.nextCursor;
    next.hidden = !cursor;
  }

  const form = h('form', {id: 'search-form'}, prefix, h('button', {id: 'search', type: 'submit'}, 'Search'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    search(true).catch(e => ctx.status(e.message));
  });
  next.addEventListener('click', () => search(false).catch(e => ctx.status(e.message)));
  main.append(h('h1', {}, 'Buckets'), form, info, results, next);
  await search(true);
}

export async function bucketPage(main, ctx) {
  const key = ctx.params.join('/');
  const head = h('div', {id: 'bucket-figures'});
  const overrideEl = h('div', {id: 'bucket-override'});
  const chartEl = h('div', {id: 'resize-chart'});
  const historyEl = h('div', {id: 'resize-history'});
  main.append(h('h1', {}, 'Bucket ', h('code', {}, key)), head, h('h2', {}, 'Override'), overrideEl,
      overrideForm(key, ctx), h('h2', {}, 'Resizes'), chartEl, historyEl);

  const chart = new LiveChart(ctx, chartEl, 'capacity after each resize', ['capacity'], [BLUE], 520, 180);
  ctx.every(3000, async () => {
    let b;
    try {
      b = await get('/v1/buckets/' + seg(key));
    } catch (e) {
      if (e.status !== 404) throw e;
      head.replaceChildren(h('p', {class: 'muted'}, 'No such bucket yet: it is created by its first acquire.'));
      return;
    }
    head.replaceChildren(table(['rule', 'capacity', 'tokens', 'refill/s', 'min..max', 'algorithm', 'pool'], [[
      b.ruleId || '-', h('span', {id: 'bucket-capacity'}, b.capacity), b.tokens, b.refillPerSecond,
      (b.minCapacity ?? '-') + '..' + (b.maxCapacity ?? '-'), b.algorithm, b.pool || '-']]));
    overrideEl.replaceChildren(b.override
        ? h('p', {id: 'override-state'}, 'Pinned at capacity ' + b.override.capacity + ', refill '
            + b.override.refillPerSecond + '/s, ' + (b.override.expiresAt ? 'until ' + time(b.override.expiresAt)
            : 'until cleared') + ' ', h('button', {id: 'clear-override', class: 'write', onclick: () => clear(key, ctx)},
            'Clear'))
        : h('p', {id: 'override-state', class: 'muted'}, 'No override: the rule (and the sizing loop) decide.'));
    const hist = b.history || [];
    historyEl.replaceChildren(hist.length === 0 ? h('p', {class: 'muted'}, 'no resizes yet')
        : table(['at', 'capacity', 'refill/s', 'reason'], hist.slice().reverse().map(r => [time(r.at), r.capacity,
          r.refillPerSecond, r.reason]), {id: 'resize-table'}));
    if (hist.length > 0) chart.update(hist.map(r => r.at / 1000), [hist.map(r => r.capacity)]);
  });
}

function overrideForm(key, ctx) {
  const capacity = h('input', {id: 'ov-capacity', type: 'number', min: 1, required: true});
  const refill = h('input', {id: 'ov-refill', type: 'number', min: 0.000001, step: 'any', required: true});
  const minutes = h('input', {id: 'ov-minutes', type: 'number', min: 1, value: 10});
  const message = h('span', {id: 'ov-message', class: 'field-error'});
  const form = h('form', {id: 'override-form', class: 'edit write'},
      h('label', {}, 'Capacity'), capacity, h('label', {}, 'Refill per second'), refill,
      h('label', {}, 'Expires after (minutes; empty for never)'), minutes, h('p', {},
          h('button', {id: 'ov-save', type: 'submit'}, 'Pin this bucket'), ' ', message));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = {capacity: Number(capacity.value), refillPerSecond: Number(refill.value)};
    if (minutes.value) body.ttlSeconds = Math.round(Number(minutes.value) * 60);
    try {
      await api('PUT', '/v1/buckets/' + seg(key) + '/override', body);
      message.textContent = '';
      window.dispatchEvent(new Event('hashchange'));
    } catch (e) {
      message.textContent = e.message;
    }
  });
  return form;
}

async function clear(key, ctx) {
  try {
    await api('DELETE', '/v1/buckets/' + seg(key) + '/override');
    window.dispatchEvent(new Event('hashchange'));
  } catch (e) {
    ctx.status(e.message);
  }
}
