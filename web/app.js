// Entry point of the dashboard: routes #/, #/failed, #/rules, #/jobs/ID,
// #/tasks/ID, #/nodes/NAME to a view, refreshes it every second (polling,
// one request batch at a time), shows the login field on a 401, and runs
// the buttons of every view (cancel, seal, node commands, forget), each
// after a confirmation.
import {api, token, onUnauthorized} from '/web/api.js';
import {overviewView} from '/web/overview.js';
import {jobView, taskView} from '/web/job.js';
import {rulesView} from '/web/rules.js';
import {nodeView} from '/web/node.js';
import {failedView} from '/web/failed.js';

const POLL_MS = 1000;
const $ = (sel) => document.querySelector(sel);
let view = null;    // {refresh} of the page shown
let timer = null;
// Bumps with every tick: only the newest may show its outcome and schedule
// the next one, so a cancel or a navigation never starts a second poll loop.
let loop = 0;

function flash(text, kind = 'ok') {
  const el = $('#flash');
  el.className = `flash ${kind}`;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

function setStatus(ok, text) {
  const el = $('#status');
  el.className = `status ${ok ? 'live' : 'down'}`;
  el.textContent = text;
}

const ctx = {fail: (e) => flash(e.message, 'error')};

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const root = $('#view');
  let m;
  let nav = 'overview';
  if ((m = /^\/jobs\/([^/]+)$/.exec(hash))) view = jobView(root, ctx, decodeURIComponent(m[1]));
  else if ((m = /^\/tasks\/([^/]+)$/.exec(hash))) view = taskView(root, ctx, decodeURIComponent(m[1]));
  else if ((m = /^\/nodes\/([^/]+)$/.exec(hash))) view = nodeView(root, ctx, decodeURIComponent(m[1]));
  else if (hash === '/failed') { view = failedView(root, ctx); nav = 'failed'; }
  else if (hash === '/rules') { view = rulesView(root, ctx); nav = 'rules'; }
  else view = overviewView(root, ctx);
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('active', a.dataset.nav === nav);
  tick();
}

async function tick() {
  clearTimeout(timer);
  const mine = ++loop;
  try {
    await view.refresh();
    if (mine === loop) setStatus(true, `live · ${new Date().toLocaleTimeString([], {hour12: false})}`);
  } catch (e) {
    if (mine === loop) setStatus(false, e.status === 401 ? 'sign in needed' : e.message);
    if (e.status === 401) return; // polling resumes when the login form is sent
  }
  // Poll again a second after this batch ended, so a slow manager never
  // gets overlapping requests from one tab.
  if (mine === loop) timer = setTimeout(tick, POLL_MS);
}

async function cancel(kind, id) {
  const what = kind === 'job' ? `job ${id} (its unfinished tasks end CANCELLED)` : `task ${id}`;
  if (!window.confirm(`Cancel ${what}?`)) return;
  try {
    const r = await api('POST', `/v1/${kind}s/${encodeURIComponent(id)}/cancel`);
    flash(kind === 'job' ? `job ${r.job_id}: ${r.cancelled} tasks cancelled` : `task ${r.id}: ${r.state}`);
  } catch (e) {
    flash(e.message, 'error');
  }
  tick();
}

async function seal(id) {
  if (!window.confirm(`Seal job ${id}? It takes no more task lists and finishes with the tasks it has.`)) return;
  try {
    const r = await api('POST', `/v1/jobs/${encodeURIComponent(id)}/seal`);
    flash(`job ${r.id} sealed with ${r.total} tasks`);
  } catch (e) {
    flash(e.message, 'error');
  }
  tick();
}

const WHAT = {
  drain: 'it finishes the tasks it holds and takes no new ones',
  sleep: 'it takes no new tasks until woken',
  wake: 'it takes tasks again',
  restart: 'its process restarts; the tasks it holds move to other consumers',
};

async function nodeCommand(node, command) {
  if (!window.confirm(`${command} ${node}? ${WHAT[command] || ''}`)) return;
  try {
    const c = await api('POST', `/v1/nodes/${encodeURIComponent(node)}/commands`, {command});
    flash(`${node}: ${c.command} ${c.state}`);
  } catch (e) {
    flash(e.message, 'error');
  }
  tick();
}

async function forget(node) {
  if (!window.confirm(`Forget ${node}? It leaves the lists until it registers again.`)) return;
  try {
    const r = await api('DELETE', `/v1/nodes/${encodeURIComponent(node)}`);
    flash(`${r.node} forgotten (${r.forgotten.map((n) => n.role).join(', ')})`);
    location.hash = '#/';
  } catch (e) {
    flash(e.message, 'error');
    tick();
  }
}

function showLogin(visible, message) {
  $('#login').hidden = !visible;
  $('#view').hidden = visible;
  $('#signout').hidden = visible || !token.get();
  const err = $('#login-error');
  err.hidden = !message;
  err.textContent = message || '';
  if (visible) $('#token').focus();
}

onUnauthorized(() => showLogin(true, token.get() ? 'The token was refused; try again.' : ''));

$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('#token').value.trim());
  $('#token').value = '';
  showLogin(false);
  tick();
});
$('#signout').addEventListener('click', () => { token.clear(); showLogin(true); });

// One listener for every cancel button: views redraw their rows each
// second, and a listener on the page outlives them.
$('#view').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  if (b.dataset.action === 'cancel-job') cancel('job', b.dataset.id);
  if (b.dataset.action === 'seal-job') seal(b.dataset.id);
  if (b.dataset.action === 'cancel-task') cancel('task', b.dataset.id);
  if (b.dataset.action === 'node-command') nodeCommand(b.dataset.node, b.dataset.command);
  if (b.dataset.action === 'forget-node') forget(b.dataset.node);
});

window.addEventListener('hashchange', route);
showLogin(false);
route();
