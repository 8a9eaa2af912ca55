// The dashboard's shell: log in once per tab, find out whether the token may write, route between the pages.
import {get, token, setToken, clearToken} from './api.js';
import {overview} from './overview.js';
import {bucketList, bucketPage} from './buckets.js';
import {ruleList, ruleEdit} from './rules.js';
import {pools} from './pools.js';
import {agents} from './agents.js';

const PAGES = {'': overview, buckets: bucketList, bucket: bucketPage, rules: ruleList, rule: ruleEdit, pools, agents};
const main = document.getElementById('main');
let timers = [];
let cleanups = [];
let readOnly = false;

/** Whether the token may only read (GET /v1/whoami): write controls are then hidden. */
async function detectReadOnly() {
  return !(await get('/v1/whoami')).canWrite;
}

function showLogin(message) {
  clearToken();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  main.replaceChildren();
  document.getElementById('login').hidden = false;
  document.getElementById('login-error').textContent = message || '';
  document.getElementById('token').focus();
}

async function login(candidate) {
  setToken(candidate);
  try {
    await get('/v1/rules');
  } catch (e) {
    showLogin(e.status === 401 ? 'That token was refused.' : 'Cannot reach the BMS: ' + e.message);
    return;
  }
  readOnly = await detectReadOnly();
  document.body.classList.toggle('readonly', readOnly);
  document.getElementById('who').textContent = readOnly ? 'read-only token: no changes' : 'admin token';
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  route();
}

async function route() {
  timers.forEach(clearInterval);
  timers = [];
  cleanups.forEach(fn => fn());
  cleanups = [];
  if (!token()) {
    showLogin();
    return;
  }
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  const page = PAGES[name] || overview;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active',
      a.dataset.page === (name === '' ? 'overview' : name === 'bucket' ? 'buckets' : name === 'rule' ? 'rules' : name)));
  main.replaceChildren();
  const ctx = {
    params: rest.map(decodeURIComponent),
    query: new URLSearchParams(query || ''),
    readOnly,
    // Runs fn now and every ms while the page is shown; a failed refresh shows on the page, not in the console.
    every(ms, fn) {
      const run = () => fn().catch(e => ctx.status('refresh failed: ' + e.message));
      run();
      timers.push(setInterval(run, ms));
    },
    // Runs fn when the page is left (charts free their listeners).
    onLeave(fn) {
      cleanups.push(fn);
    },
    status(text) {
      let s = document.getElementById('page-status');
      if (!s) main.append(s = Object.assign(document.createElement('p'), {id: 'page-status', className: 'error'}));
      s.textContent = text;
    },
  };
  try {
    await page(main, ctx);
  } catch (e) {
    ctx.status(e.message);
  }
}

document.getElementById('login-form').addEventListener('submit', ev => {
  ev.preventDefault();
  const t = document.getElementById('token').value.trim();
  document.getElementById('token').value = '';
  if (t) login(t);
});
document.getElementById('logout').addEventListener('click', () => showLogin());
window.addEventListener('tokenplane:unauthorized', () => showLogin('The token was refused; log in again.'));
window.addEventListener('hashchange', route);
if (token()) login(token()); else showLogin();
