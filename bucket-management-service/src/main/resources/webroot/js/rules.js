// Rules: the list, one rule's form (the API's validation message next to its field, a 409 explained), and a whole
// rule set applied after a dry-run diff.
import {api, get, h, table, seg} from './api.js';

const FIELDS = ['match', 'capacity', 'refillPerSecond', 'refill', 'minCapacity', 'maxCapacity', 'algorithm',
  'idleTtlSeconds', 'shadow', 'adaptive', 'transfer'];
const NUMBERS = ['capacity', 'refillPerSecond', 'minCapacity', 'maxCapacity', 'idleTtlSeconds'];
const OBJECTS = ['refill', 'adaptive', 'transfer'];

export async function ruleList(main, ctx) {
  const rules = (await get('/v1/rules')).rules;
  main.append(h('h1', {}, 'Rules'),
      h('p', {}, h('a', {href: '#/rule', id: 'new-rule', class: 'write'}, 'New rule')),
      table(['id', 'match', 'capacity', 'refill/s', 'min..max', 'algorithm', 'shadow', 'pool', 'version'],
          rules.map(r => [h('a', {href: '#/rule/' + seg(r.id)}, r.id), r.match, r.capacity, r.refillPerSecond,
            r.minCapacity + '..' + r.maxCapacity, r.algorithm, r.shadow ? 'yes' : '', r.transfer ? r.transfer.pool : '',
            r.version]), {id: 'rules-table'}),
      bulkApply(rules));
}

export async function ruleEdit(main, ctx) {
  const id = ctx.params[0];
  let rule = null;
  if (id) rule = await get('/v1/rules/' + seg(id));
  const inputs = {};
  const errors = {};
  const idInput = h('input', {id: 'f-id', type: 'text', value: id || '', disabled: !!id});
  const form = h('form', {id: 'rule-form', class: 'edit'}, h('label', {}, 'id'), idInput,
      h('div', {class: 'field-error', id: 'e-id'}));
  for (const f of FIELDS) {
    let input;
    if (f === 'algorithm') {
      input = h('select', {id: 'f-' + f}, ['TOKEN_BUCKET', 'LEAKY_BUCKET'].map(a => h('option', {value: a}, a)));
    } else if (f === 'shadow') {
      input = h('input', {id: 'f-' + f, type: 'checkbox'});
    } else if (OBJECTS.includes(f)) {
      input = h('textarea', {id: 'f-' + f, rows: 3, placeholder: 'JSON object, or empty'});
    } else {
      input = h('input', {id: 'f-' + f, type: 'text'});
    }
    if (f === 'minCapacity' || f === 'maxCapacity') input.placeholder = 'empty: the same as capacity';
    if (f === 'refill') input.placeholder = '{"tokens": 5, "period": "1m"} instead of refillPerSecond, or empty';
    // A bound equal to the capacity is left empty (the API's default), so that changing the capacity alone works;
    // so is the rate of a refill written per period, so that the period is what one edits.
    const asDefault = ((f === 'minCapacity' || f === 'maxCapacity') && rule && rule[f] === rule.capacity)
        || (f === 'refillPerSecond' && rule && rule.refill);
    if (rule && rule[f] !== undefined && rule[f] !== null && !asDefault) {
      if (f === 'shadow') input.checked = rule[f];
      else input.value = OBJECTS.includes(f) ? JSON.stringify(rule[f]) : rule[f];
    }
    inputs[f] = input;
    errors[f] = h('div', {class: 'field-error', id: 'e-' + f});
    form.append(h('label', {for: 'f-' + f}, f), input, errors[f]);
  }
  const general = h('div', {id: 'rule-error', class: 'error'});
  const conflict = h('div', {id: 'rule-conflict', class: 'notice', hidden: true});
  form.append(h('p', {}, h('button', {id: 'rule-save', type: 'submit', class: 'write'}, 'Save')), general, conflict);
  main.append(h('h1', {}, id ? 'Rule ' + id : 'New rule'), form,
      h('p', {class: 'muted'}, rule ? 'version ' + rule.version : ''));

  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    Object.values(errors).forEach(e => e.textContent = '');
    general.textContent = '';
    conflict.hidden = true;
    const ruleId = idInput.value.trim();
    let body;
    try {
      body = bodyOf(inputs);
    } catch (e) {
      errors[e.field].textContent = e.message;
      return;
    }
    try {
      const headers = rule ? {'If-Match': '"' + rule.version + '"'} : {};
      const saved = (await api('PUT', '/v1/rules/' + seg(ruleId || ' '), body, headers)).data;
      location.hash = '#/rule/' + seg(saved.id);
      if (rule) window.dispatchEvent(new Event('hashchange'));
    } catch (e) {
      if (e.status === 409) {
        conflict.hidden = false;
        conflict.textContent = 'Not saved: someone changed this rule after you opened it (' + e.message + '). '
            + 'Reload the page to see their version, then make your change again.';
      } else if (e.status === 400) {
        const field = fieldOf(e.message);
        const target = field === 'ruleId' || field === 'id' ? document.getElementById('e-id') : errors[field];
        (target || general).textContent = e.message;
      } else {
        general.textContent = e.message;
      }
    }
  });
}

/** The request body from the form; empty fields are left out, so the API names what is missing. */
function bodyOf(inputs) {
  const body = {};
  for (const f of FIELDS) {
    const input = inputs[f];
    if (f === 'shadow') {
      body.shadow = input.checked;
    } else if (input.value.trim() !== '') {
      const v = input.value.trim();
      if (OBJECTS.includes(f)) {
        try {
          body[f] = JSON.parse(v);
        } catch (e) {
          throw Object.assign(new Error('not valid JSON: ' + e.message), {field: f});
        }
      } else {
        body[f] = NUMBERS.includes(f) && !isNaN(Number(v)) ? Number(v) : v;
      }
    }
  }
  return body;
}

/** The field an API validation message is about: "capacity must be ...", "field 'x' has ...", "adaptive.x ...". */
function fieldOf(message) {
  const quoted = /field '([A-Za-z]+)/.exec(message || '');
  if (quoted) return quoted[1];
  const first = /^([A-Za-z]+)/.exec(message || '');
  if (first && FIELDS.includes(first[1])) return first[1];
  return first ? first[1] : null;
}

/** The whole rule set as JSON, a dry-run diff, then apply (optionally pruning). */
function bulkApply(rules) {
  const text = h('textarea', {id: 'bulk-rules', rows: 12},
      JSON.stringify({rules: rules.map(({version, updatedAt, ...r}) => r)}, null, 2));
  const prune = h('input', {id: 'bulk-prune', type: 'checkbox'});
  const diffEl = h('div', {id: 'bulk-diff', class: 'diff'});
  const apply = h('button', {id: 'bulk-apply', disabled: true}, 'Apply');
  const preview = h('button', {id: 'bulk-preview'}, 'Preview diff');
  let body = null;
  async function send(dryRun) {
    diffEl.replaceChildren();
    try {
      body = JSON.parse(text.value);
    } catch (e) {
      diffEl.append(h('p', {class: 'error'}, 'not valid JSON: ' + e.message));
      return;
    }
    try {
      const r = (await api('PUT', '/v1/rules?dryRun=' + dryRun + '&prune=' + prune.checked, body)).data;
      diffEl.append(...diffLines(r));
      apply.disabled = !dryRun || (r.added.length + r.changed.length + (r.prune ? r.removed.length : 0)) === 0;
    } catch (e) {
      diffEl.append(h('p', {class: 'error', id: 'bulk-error'}, e.status === 409
          ? 'Nothing applied: a rule changed while the set was applied (' + e.message + '). Preview again.'
          : e.message));
      apply.disabled = true;
    }
  }
  preview.addEventListener('click', () => send(true));
  apply.addEventListener('click', () => send(false));
  text.addEventListener('input', () => apply.disabled = true);
  prune.addEventListener('change', () => apply.disabled = true);
  return h('section', {class: 'write'}, h('h2', {}, 'Apply a whole rule set'),
      h('p', {class: 'muted'}, 'Edit the set, preview what changes, then apply: all or nothing.'), text,
      h('p', {}, h('label', {}, prune, ' delete rules that are not in the set (prune)'), ' ', preview, ' ', apply),
      diffEl);
}

function diffLines(r) {
  const lines = [];
  r.added.forEach(id => lines.push(h('div', {class: 'added'}, '+ ' + id)));
  r.changed.forEach(id => lines.push(h('div', {class: 'changed'}, '~ ' + id + '  ' + Object.entries(r.changes[id] || {})
      .map(([f, c]) => f + ': ' + JSON.stringify(c.from) + ' → ' + JSON.stringify(c.to)).join(', '))));
  r.removed.forEach(id => lines.push(h('div', {class: 'removed'}, '- ' + id + (r.prune ? '' : '  (kept: not pruned)'))));
  lines.push(h('div', {class: 'muted'}, r.unchanged.length + ' unchanged; '
      + (r.dryRun ? 'dry run: nothing written' : r.applied ? 'applied' : 'nothing to apply')));
  return lines;
}
