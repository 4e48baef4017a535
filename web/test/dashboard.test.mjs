// End-to-end test of the dashboard in a real browser: a real `drover run` on
// loopback with a token, driven in headless Chromium (Debian's
// /usr/bin/chromium) through playwright-core. Usage (run.sh does this):
//   node dashboard.test.mjs --bin=PATH/drover [--shots=DIR]
// It saves one screenshot per page in DIR (dashboard-*.png). A second
// consumer process joins and is killed with SIGKILL: the page must show it
// lost, with why, in the alerts and the events. Every wait is bounded; only
// the drover processes started here are killed.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium} from 'playwright-core';

const arg = (name, fallback) =>
  (process.argv.find((a) => a.startsWith(`--${name}=`)) || '').slice(name.length + 3) || fallback;
const BIN = arg('bin', process.env.DROVER_BIN);
const SHOTS = arg('shots', process.env.DROVER_SHOTS || '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = 'dashboard-s3cret';
const TEST_BUDGET_MS = 210_000;

let passed = 0;
let failed = 0;
const ok = (what) => { passed += 1; console.log(`ok ${passed} - ${what}`); };

async function until(what, f, ms = 15_000, every = 100) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try { if ((last = await f())) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
}

// -- the drover process ----------------------------------------------------------

function startDrover(args = ['--listen=127.0.0.1:0', '--http=127.0.0.1:0', '--store=memory', '--node=dash',
  '--capacity=2', `--token=${TOKEN}`, '--grace=1000']) {
  const dir = mkdtempSync(join(tmpdir(), 'drover-dash-'));
  // cwd: an empty dir, so no config/rules.yaml of the checkout is picked up.
  // fd 3 is a pipe: drover writes its readiness JSON there once every role
  // is up (--ready-fd), then closes it.
  const child = spawn(BIN, ['run', ...args, '--ready-fd=3'],
                      {cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe']});
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 20 s:\n${log}`)), 20_000);
    let ready = '';
    child.stdio[3].on('data', (chunk) => { ready += chunk; });
    child.stdio[3].on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(ready).ports);
      } catch (e) {
        reject(new Error(`the ready fd held no JSON (${e.message}): '${ready}'\n${log}`));
      }
    });
    child.on('exit', (code) => reject(new Error(`drover exited with ${code} before it was ready:\n${log}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(dir, {recursive: true, force: true});
  };
  const kill = () => { child.kill('SIGKILL'); }; // what a crash looks like to the manager
  return {port: port.then((p) => p.http), ports: port, stop, kill, log: () => log};
}

function restClient(base) {
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method, signal: AbortSignal.timeout(5000),
      headers: {Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body)});
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

// -- the test --------------------------------------------------------------------

async function run(drover, browser) {
  const base = `http://127.0.0.1:${await drover.port}`;
  const rest = restClient(base);
  await until('a consumer that is up', async () =>
    (await rest('GET', '/v1/nodes')).nodes.some((n) => n.role === 'consumer' && n.state === 'up'));

  const page = await browser.newPage({viewport: {width: 1360, height: 900}});
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => d.accept()); // the cancel buttons ask first
  page.setDefaultTimeout(15_000);

  await page.goto(base + '/');
  await page.locator('#login').waitFor({state: 'visible'});
  ok('with a token set, the page loads and asks for it');
  await page.fill('#token', TOKEN);
  await page.click('#login button[type=submit]');
  await page.locator('#cluster tr[data-node="dash"]').first().waitFor();
  const roles = await page.locator('#cluster tbody td:nth-child(2)').allTextContents();
  for (const role of ['producer', 'consumer']) // the manager is no member of itself
    if (!roles.includes(role)) throw new Error(`no ${role} among the members shown: ${roles}`);
  ok(`the members are shown: ${roles.join(', ')}`);
  const token = await page.evaluate(() => sessionStorage.getItem('drover.token'));
  if (token !== TOKEN) throw new Error('the token is not in session storage');
  ok('the token is kept in session storage');

  await page.locator('#manager-card tr[data-field="store"] td', {hasText: 'memory'}).waitFor();
  await page.locator('#manager-card tr[data-field="version"] td', {hasText: 'drover '}).waitFor();
  await page.locator('#events li[data-type="member_joined"]', {hasText: 'dash'}).first().waitFor();
  ok('the manager card (store, version) and the events feed (members joined) are shown');

  // A finished job for the list, then the job that runs while we watch:
  // 400 tasks of 20 ms on 2 slots take about 4 s plus the round trips, so
  // the page (polling at 1 s) sees it part-way.
  await rest('POST', '/v1/jobs', {name: 'warm-up', tasks: [{type: 'noop', count: 500}]});
  const job = await rest('POST', '/v1/jobs', {name: 'thumbnails',
                                              tasks: [{type: 'sleep', payload: '20', count: 400}]});
  const row = page.locator(`#jobs tr[data-job="${job.job_id}"]`);
  const pct = async () => Number((await row.locator('.pct').textContent()).replace(/[^0-9]/g, ''));
  await until('the running job to show progress', async () => { const p = await pct(); return p > 0 && p < 90; },
              20_000, 50);
  await until('a recent rate for the running job', async () =>
    (await rest('GET', `/v1/jobs/${job.job_id}`)).recent_rate > 0, 20_000, 200);
  const etaText = await row.locator('td:nth-child(6)').textContent();
  if (etaText === '—') throw new Error('no ETA shown for a running job with a recent rate');
  await page.locator('#graphs figure[data-graph="throughput"] path.line.ok[d*="L"]').waitFor();
  await shot(page, 'overview');
  ok(`the running job has a recent rate and an ETA (${etaText}); the throughput graph has a line`);
  await until('the job to reach 100 %', async () => (await pct()) === 100, 60_000, 200);
  await row.locator('.state', {hasText: 'succeeded'}).waitFor();
  ok(`job ${job.job_id} advanced to 100 % on the page`);

  // The job page and one task's lifecycle.
  await page.goto(`${base}/#/jobs/${job.job_id}`);
  await page.locator('tr[data-state="SUCCEEDED"] td', {hasText: '400'}).waitFor();
  await page.fill('form.lookup input', job.task_ids[0]);
  await page.click('form.lookup button');
  await page.locator('.timeline li.succeeded').waitFor();
  await shot(page, 'task');
  ok('the job page counts 400 SUCCEEDED, the task page shows its lifecycle');
  await page.goto(`${base}/#/jobs/${job.job_id}`);
  await page.locator('#job-tasks tr[data-task] .state', {hasText: 'SUCCEEDED'}).first().waitFor();
  await page.selectOption('#task-state', 'FAILED');
  await page.locator('#job-tasks td.muted', {hasText: 'no tasks here'}).waitFor();
  ok('the job page lists its tasks, filtered by state');

  // Search a job's tasks by key and by id; each row opens its task page.
  const keyed = await rest('POST', '/v1/jobs', {name: 'keyed', tasks: [
    {type: 'echo', payload: 'a', key: 'user-7', count: 3}, {type: 'echo', payload: 'b', key: 'user-8', count: 5}]});
  await until('the keyed job to finish', async () => (await rest('GET', `/v1/jobs/${keyed.job_id}`)).finished);
  await page.goto(`${base}/#/jobs/${keyed.job_id}`);
  await page.locator('#job-tasks tr[data-task]').nth(7).waitFor();
  await page.fill('#task-search', 'user-7');
  await page.click('form.search button');
  await until('3 tasks with key user-7', async () =>
    (await page.locator('#job-tasks tr[data-task]').count()) === 3
    && (await page.locator('#job-tasks tbody td:nth-child(5)').allTextContents()).every((k) => k === 'user-7'));
  await page.fill('#task-search', keyed.task_ids[6]);
  await page.click('form.search button');
  await page.locator(`#job-tasks tr[data-task="${keyed.task_ids[6]}"]`).waitFor();
  await until('one task found by id', async () => (await page.locator('#job-tasks tr[data-task]').count()) === 1);
  await shot(page, 'job');
  await page.click(`#job-tasks tr[data-task="${keyed.task_ids[6]}"] a`);
  await page.locator('.timeline li.succeeded').waitFor();
  ok('a job\'s tasks are found by key (3 of 8) and by id, and a row opens the task page');

  // The failed view: every job's failed tasks with their error text.
  const failing = await rest('POST', '/v1/jobs', {name: 'failing', tasks: [{type: 'fail', payload: '5', count: 3}]});
  await until('the failing job to finish', async () => (await rest('GET', `/v1/jobs/${failing.job_id}`)).finished);
  await page.click('[data-nav=failed]');
  await page.locator(`#failed-tasks tr[data-task="${failing.task_ids[2]}"] td.error-text`).waitFor();
  const errors = await page.locator('#failed-tasks td.error-text').allTextContents();
  if (errors.length !== 3 || !errors.every((e) => e.length > 0))
    throw new Error(`the failed view shows ${errors.length} tasks: ${errors}`);
  await shot(page, 'failed');
  ok(`the failed view lists the 3 failed tasks across jobs with their error: ${errors[0]}`);

  // A type no consumer runs: the job page and the overview say why it waits.
  const stuck = await rest('POST', '/v1/jobs', {name: 'stuck', tasks: [{type: 'resize', count: 3}]});
  await page.goto(`${base}/#/jobs/${stuck.job_id}`);
  await page.locator('.waiting li[data-why="no_type"]', {hasText: "no live consumer runs type 'resize'"}).waitFor();
  await page.goto(`${base}/#/`);
  await page.locator('#unassignable li[data-why="no_type"]', {hasText: '3'}).waitFor();
  await rest('POST', `/v1/jobs/${stuck.job_id}/cancel`);
  ok('tasks of a type no consumer runs show why they wait, on the job page and the overview');

  // Cancel a long job from the page; the API must agree.
  const long = await rest('POST', '/v1/jobs', {name: 'long', tasks: [{type: 'sleep', payload: '60000', count: 4}]});
  await page.goto(`${base}/#/`);
  const cancel = page.locator(`#jobs tr[data-job="${long.job_id}"] button[data-action=cancel-job]`);
  await cancel.click();
  await until('the job to be cancelled', async () => {
    const j = await rest('GET', `/v1/jobs/${long.job_id}`);
    return j.finished && j.counts.CANCELLED === 4;
  }, 10_000);
  await page.locator(`#jobs tr[data-job="${long.job_id}"] .state`, {hasText: 'cancelled'}).waitFor();
  ok(`job ${long.job_id} cancelled from the page: the API reports 4 CANCELLED`);

  // An invalid rule set: its errors appear at their line; the old set stays.
  const before = await rest('GET', '/v1/rules');
  await page.click('[data-nav=rules]');
  await page.locator('#rules-text').waitFor();
  await page.fill('#rules-text', 'version: 3\nrules:\n  - name: x\n    strategy: fastestt\n    colour: red\n');
  await page.click('#rules-apply');
  const problem = page.locator('#rules-result .problem[data-line="4"]');
  await problem.waitFor();
  const text = await problem.textContent();
  if (!/line 4, column 15/.test(text) || !/fastestt/.test(text))
    throw new Error(`the error is not positioned: ${text}`);
  await page.locator('.gutter .err', {hasText: '4'}).first().waitFor();
  await shot(page, 'rules');
  const after = await rest('GET', '/v1/rules');
  if (after.hash !== before.hash) throw new Error('an invalid rule set replaced the rules in force');
  ok(`an invalid rule set shows its error in place: ${text.replace(/\s+\d+ \|[\s\S]*/, '')}`);

  // No built-in task type makes a supervisor give up, so the alerts panel
  // gets its one answer from a stub here; it must show it as text, not HTML.
  await page.route('**/v1/alerts', (r) => r.fulfill({json: {alerts: [
    {at_ms: Date.now(), node: 'w9', text: 'consumer w9 crashed 6 times <b>x</b>'}]}}));
  await page.click('[data-nav=overview]');
  await page.locator('#alerts li', {hasText: 'crashed 6 times <b>x</b>'}).waitFor();
  await page.unroute('**/v1/alerts');
  ok('the alerts panel shows what GET /v1/alerts answers, as text');

  await killedConsumer(page, base, rest);

  if (pageErrors.length) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
  ok('no script errors on the page');
}

/// A second consumer joins; its node page sleeps and wakes it (confirmed
/// in the page); it holds tasks and is killed with SIGKILL: the overview
/// shows it lost with why, an alert and an event say so, its work moves;
/// an operator forgets it on its node page.
async function killedConsumer(page, base, rest) {
  const registry = (await mainPorts).registry;
  const victim = startDrover(['--role=consumer', `--registry=127.0.0.1:${registry}`, '--node=victim',
                              '--capacity=4', '--threads=1']);
  extra.push(victim);
  await victim.ports;
  await until('victim to be up', async () =>
    (await rest('GET', '/v1/nodes')).nodes.some((n) => n.node === 'victim' && n.state === 'up'));
  await page.goto(`${base}/#/nodes/victim`);
  await page.locator('#node-roles tr[data-role="consumer"][data-state="up"]').waitFor();
  await page.click('button[data-command="sleep"]');
  await until('victim asleep', async () =>
    (await rest('GET', '/v1/nodes/victim')).roles[0].mode === 'asleep');
  await page.locator('#node-commands tr[data-command="sleep"]').waitFor();
  await page.click('button[data-command="wake"]');
  await until('victim awake', async () =>
    (await rest('GET', '/v1/nodes/victim')).roles[0].mode === 'awake');
  ok('the node page sleeps and wakes a consumer through its buttons');

  const held = await rest('POST', '/v1/jobs', {name: 'held', tasks: [{type: 'sleep', payload: '60000', count: 12}]});
  await until('victim to hold tasks', async () => (await rest('GET', '/v1/nodes/victim')).held_total > 0);
  await page.locator('#node-held tr[data-task]').first().waitFor();
  await until('a status report of victim', async () =>
    (await rest('GET', '/v1/nodes/victim/status')).reports.length > 1, 15_000, 250);
  await page.locator('#node-history figure[data-graph="CPU and memory"]').waitFor();
  await shot(page, 'node');
  const holds = (await rest('GET', '/v1/nodes/victim')).held_total;
  ok(`victim's node page lists the ${holds} tasks it holds and its status history`);

  victim.kill();
  await page.goto(`${base}/#/`);
  const lostRow = page.locator('#cluster tr[data-node="victim"][data-state="lost"]');
  await lostRow.waitFor();
  const why = await lostRow.locator('td.why').textContent();
  if (!/down|heartbeat/.test(why)) throw new Error(`the lost row does not say why: '${why}'`);
  await page.locator('#alerts li[data-kind="member_lost"]', {hasText: 'victim'}).waitFor();
  await page.locator('#events li[data-type="member_lost"]', {hasText: 'victim'}).waitFor();
  await page.locator('#alerts li[data-kind="reassigned"]', {hasText: 'victim'}).waitFor();
  await page.locator('#events li[data-type="reassigned"]', {hasText: `${holds} tasks of victim`}).waitFor();
  await shot(page, 'overview-lost');
  ok(`a SIGKILLed consumer stays listed as lost (${why}), with an alert and events; its ${holds} tasks moved`);

  await page.goto(`${base}/#/nodes/victim`);
  await page.locator('#node-roles tr[data-state="lost"]').waitFor();
  await page.click('button[data-action="forget-node"]');
  await until('victim forgotten', async () =>
    !(await rest('GET', '/v1/nodes')).nodes.some((n) => n.node === 'victim'));
  await page.locator('#cluster tr[data-node="dash"]').first().waitFor();
  if (await page.locator('#cluster tr[data-node="victim"]').count())
    throw new Error('a forgotten member is still listed');
  await rest('POST', `/v1/jobs/${held.job_id}/cancel`);
  ok('an operator forgets the lost member on its node page; it leaves the list');
}

const extra = []; // drover processes started by a step, stopped at the end
let mainPorts;

async function shot(page, name) {
  if (!SHOTS) return;
  const path = join(SHOTS, `dashboard-${name}.png`);
  await page.waitForTimeout(300); // one more poll: the page as a user sees it settle
  await page.screenshot({path, fullPage: true});
  console.log(`# screenshot ${path}`);
}

async function main() {
  if (!BIN) throw new Error('usage: node dashboard.test.mjs --bin=PATH/drover [--shots=DIR]');
  const budget = setTimeout(() => { console.error(`FAIL: over the ${TEST_BUDGET_MS} ms budget`); process.exit(1); },
                            TEST_BUDGET_MS);
  const drover = startDrover();
  mainPorts = drover.ports;
  let browser;
  try {
    browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
                                     args: ['--no-sandbox', '--disable-dev-shm-usage']});
    await run(drover, browser);
  } catch (e) {
    failed += 1;
    console.error(`not ok - ${e.stack || e}\n--- drover log (tail) ---\n${drover.log().slice(-3000)}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const d of extra) await d.stop();
    await drover.stop();
    clearTimeout(budget);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
