// The overview page: members (the gone ones too, with why), the manager's
// card, graphs of the last 15 minutes, queues, alerts, events and jobs,
// refreshed every second by app.js. What drover does not report (a node
// without a status report, producers' mode, the standby queue) is shown as
// n/a, never made up.
import {api, h, bar, render, percent, NA, fmtTime, fmtDuration, fmtRate, fmtNum, jobState, pushNote, eta,
  STATES} from '/web/api.js';
import {pollSeries, graphs} from '/web/series.js';
import {pollEvents, eventList} from '/web/events.js';
import {managerCard} from '/web/manager.js';

const JOBS_SHOWN = 20;
const ROLE_ORDER = {manager: 0, producer: 1, consumer: 2, worker: 3};
const na = () => h('td', {class: 'na', title: 'not reported by drover yet'}, NA);

function section(title, id, extra) {
  return h('section', {class: 'card', id},
           h('h2', {}, title, extra ? h('span', {class: 'sub'}, extra) : null),
           h('div', {class: 'body'}));
}

export function overviewView(root, ctx) {
  root.replaceChildren(h('div', {class: 'grid'},
    section('Cluster', 'cluster'), section('Last 15 minutes', 'graphs', 'sampled every second by the manager'),
    section('Queues and tasks', 'queues'), section('Manager', 'manager'),
    section('Alerts', 'alerts', 'lost members, moved work, supervisor escalations'),
    section('Events', 'events', 'newest first'), section('Jobs', 'jobs')));
  const body = (id) => root.querySelector(`#${id} .body`);
  let jobsTotal = 0; // newest jobs are the last page of GET /v1/jobs (oldest first)

  async function jobPage() {
    const page = (off) => api('GET', `/v1/jobs?offset=${off}&limit=${JOBS_SHOWN}`);
    let p = await page(Math.max(0, jobsTotal - JOBS_SHOWN));
    if (p.total > p.offset + p.jobs.length || (p.jobs.length === 0 && p.total > 0))
      p = await page(Math.max(0, p.total - JOBS_SHOWN)); // more jobs since the last poll
    jobsTotal = p.total;
    return p;
  }

  async function refresh() {
    const calls = await Promise.allSettled([
      api('GET', '/v1/nodes'), api('GET', '/v1/overview'), jobPage(), api('GET', '/v1/alerts'),
      pollSeries(), pollEvents(), api('GET', '/v1/manager')]);
    const [nodes, overview, jobs, alerts, series, events, manager] = calls;
    const failed = calls.find((r) => r.status === 'rejected');
    // Heartbeat ages move with the clock; the role counts come from the overview.
    show(body('cluster'), nodes, (v) => members(v.nodes, overview.value),
         `${Math.floor(Date.now() / 1000)}${JSON.stringify(overview.value?.members)}`);
    show(body('queues'), overview, queues);
    show(body('jobs'), jobs, jobsTable);
    show(body('alerts'), alerts, (v) => alertList(v.alerts));
    show(body('graphs'), series, graphs, String(series.value?.at_ms.length ? series.value.at_ms.at(-1) : 0));
    show(body('events'), events, (v) => eventList(v), String(events.value?.last));
    show(body('manager'), manager, managerCard, `${Math.floor(Date.now() / 1000)}`);
    if (failed) throw failed.reason; // app.js shows it in the status line
  }
  return {refresh};
}

/// Renders a settled call: its value through `build`, or its error in place.
/// `extra` joins the key when the view shows more than the data (the clock).
function show(el, settled, build, extra = '') {
  if (settled.status === 'rejected')
    return render(el, 'err:' + settled.reason.message, () => h('p', {class: 'error'}, settled.reason.message));
  // The series and events buffers only grow: their newest point or seq is the key.
  const big = settled.value && (settled.value.at_ms || settled.value.events);
  render(el, (big ? '' : JSON.stringify(settled.value)) + extra, () => build(settled.value));
}

function members(nodes, overview) {
  const byRole = overview ? overview.members : null;
  const chips = h('p', {class: 'chips'}, ['manager', 'producer', 'consumer'].map((r) =>
    h('span', {class: 'chip'}, `${r}s `, h('b', {}, byRole ? byRole[r] : NA))));
  // The gone last, newest loss first; the rest by role and name.
  const sorted = [...nodes].sort((a, b) => (a.state !== 'up') - (b.state !== 'up')
    || (a.state !== 'up' ? b.since_ms - a.since_ms : 0)
    || (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.node.localeCompare(b.node));
  const now = Date.now();
  const rows = sorted.map((n) => h('tr', {'data-node': n.node, 'data-state': n.state, class: `member ${n.state}`},
    h('td', {}, h('a', {href: `#/nodes/${encodeURIComponent(n.node)}`}, n.node), n.types && n.types.length
      ? h('div', {class: 'types muted', title: 'task types it runs'}, n.types.join(', ')) : null),
    h('td', {}, n.role), h('td', {}, h('span', {class: `state ${n.state}`}, n.state),
      n.since_ms ? h('div', {class: 'muted since-when', title: fmtTime(n.since_ms)},
        `for ${fmtDuration(Math.max(0, now - n.since_ms) / 1000)}`) : null),
    h('td', {class: 'why'}, n.state === 'up' && n.mode && n.mode !== 'awake' && n.mode_reason
      ? n.mode_reason : (n.reason || '—')),
    h('td', {}, n.role === 'consumer' || n.role === 'worker' // workers: remote, over HTTP
      ? bar(n.load, `${n.inflight}/${n.capacity}${n.prefetch ? `+${n.prefetch}` : ''}`) : h('span', {class: 'muted'}, '—')),
    h('td', {class: 'num'}, n.state !== 'up' ? '—'
      : n.last_heartbeat_ms ? fmtDuration(Math.max(0, now - n.last_heartbeat_ms) / 1000) : 'never'),
    ...nodeCells(n)));
  if (!rows.length) rows.push(h('tr', {}, h('td', {colspan: 10, class: 'muted'}, 'no members yet')));
  const gone = nodes.filter((n) => n.state !== 'up').length;
  return [chips, h('table', {class: 'members'},
    h('thead', {}, h('tr', {}, ['node', 'role', 'state', 'why', 'load', 'heartbeat age', 'mode',
                               'CPU', 'mem', 'net'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)),
    gone ? h('p', {class: 'muted'}, `${gone} gone: listed until they come back or are forgotten on their node page`) : null];
}

/// Mode and the latest status report; n/a where none arrived (a node that never reported).
function nodeCells(n) {
  const s = n.status;
  const pct = (v) => h('td', {class: 'num'}, `${Math.round(v)} %`);
  const kbs = (v) => `${fmtNum(Math.round(v / 1024))} KiB/s`;
  return [n.mode ? h('td', {}, h('span', {class: `state ${n.mode}`}, n.mode)) : na(),
    ...(s && n.state === 'up' ? [pct(s.cpu_percent), pct(s.memory_percent),
             h('td', {class: 'num'}, `in ${kbs(s.net_in_bytes_per_s)} / out ${kbs(s.net_out_bytes_per_s)}`)]
          : [na(), na(), na()])];
}

function queues(o) {
  const q = o.queue_depth;
  const depth = h('table', {class: 'kv'}, h('tbody', {},
    ['high', 'normal', 'low'].map((p) => h('tr', {'data-queue': p}, h('th', {}, `pending ${p}`),
                                           h('td', {class: 'num'}, fmtNum(q[p])))),
    h('tr', {}, h('th', {}, 'retry (backoff)'), h('td', {class: 'num'}, fmtNum(o.retry_queue))),
    h('tr', {}, h('th', {}, 'standby'), na())));
  const states = h('table', {class: 'kv'}, h('tbody', {}, STATES.map((s) =>
    h('tr', {}, h('th', {}, h('span', {class: `state ${s.toLowerCase()}`}, s)), h('td', {class: 'num'}, fmtNum(o.tasks[s]))))));
  const waiting = (o.waiting || []).length
    ? h('ul', {class: 'waiting'}, o.waiting.map((w) =>
      h('li', {'data-why': w.why}, h('b', {}, `${fmtNum(w.tasks)}`), ` ${w.reason}`)))
    : h('p', {class: 'muted'}, 'none: every pending task has a consumer that can take it');
  const lat = o.ack_latency.count ? `${((o.ack_latency.sum_s / o.ack_latency.count) * 1000).toFixed(2)} ms` : '—';
  const counters = h('table', {class: 'kv'}, h('tbody', {},
    [['assignments', o.assignments], ['ACKs', o.acks], ['retries', o.retries],
     ['reassignments', o.reassignments], ['stale updates rejected', o.stale_rejected]].map(([k, v]) =>
      h('tr', {}, h('th', {}, k), h('td', {class: 'num'}, fmtNum(v)))),
    h('tr', {}, h('th', {}, 'mean ACK latency'), h('td', {class: 'num'}, lat))));
  return [h('div', {class: 'cols'}, h('div', {}, h('h3', {}, 'queue depth'), depth),
            h('div', {}, h('h3', {}, 'tasks by state'), states), h('div', {}, h('h3', {}, 'since start'), counters)),
          h('div', {id: 'unassignable'}, h('h3', {}, 'waiting: no live consumer can take them'), waiting)];
}

function jobsTable(p) {
  const rows = [...p.jobs].reverse().map((j) => {
    const state = jobState(j);
    const pct = percent(j.done, j.total);
    return h('tr', {'data-job': j.id, class: `job ${state}`},
      h('td', {class: 'num'}, h('a', {href: `#/jobs/${j.id}`}, j.id)),
      h('td', {}, h('a', {href: `#/jobs/${j.id}`}, j.name)),
      h('td', {class: 'progress'}, bar(j.total ? j.done / j.total : 0, `${pct} %`, state)),
      h('td', {class: 'num'}, `${fmtNum(j.done)}/${fmtNum(j.total)}`),
      h('td', {class: 'num', title: `average since the start: ${fmtRate(j.rate)}`}, fmtRate(j.recent_rate ?? j.rate)),
      h('td', {class: 'num'}, fmtDuration(eta(j))),
      h('td', {}, h('span', {class: `state ${state}`, title: pushNote(j) || ''}, state)),
      h('td', {}, j.finished ? null
        : h('button', {class: 'danger small', 'data-action': 'cancel-job', 'data-id': j.id}, 'Cancel')));
  });
  if (!rows.length) rows.push(h('tr', {}, h('td', {colspan: 8, class: 'muted'}, 'no jobs yet')));
  const note = p.total > p.jobs.length ? h('p', {class: 'muted'}, `latest ${p.jobs.length} of ${p.total} jobs`) : null;
  return [h('table', {class: 'jobs'},
    h('thead', {}, h('tr', {}, ['#', 'name', 'progress', 'done', 'rate', 'ETA', 'state', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)), note];
}

function alertList(alerts) {
  if (!alerts.length) return h('p', {class: 'muted'}, 'no alerts: no member lost, no supervisor gave up');
  return h('ul', {class: 'alerts'}, [...alerts].reverse().map((a) =>
    h('li', {'data-kind': a.kind || 'supervisor'}, h('time', {}, fmtTime(a.at_ms)), ' ',
      h('a', {href: `#/nodes/${encodeURIComponent(a.node)}`}, h('b', {}, a.node)), ' ', a.text)));
}
