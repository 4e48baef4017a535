// A node's page (#/nodes/NAME): where each of its roles stands and why, the
// attempts it ran, the tasks it holds now, the types it runs, its status
// history as graphs, its commands; buttons to drain, sleep, wake or
// restart it (app.js asks first), or to forget it once it is gone.
import {api, h, render, fmtTime, fmtDuration, fmtNum} from '/web/api.js';
import {lineChart} from '/web/charts.js';

const row = (k, v) => h('tr', {}, h('th', {}, k), h('td', {}, v));
const COMMANDS = [['drain', 'Drain'], ['sleep', 'Sleep'], ['wake', 'Wake'], ['restart', 'Restart']];

export function nodeView(root, ctx, name) {
  const head = h('div');
  const roles = h('div');
  const history = h('div');
  const held = h('div');
  const commands = h('div');
  root.replaceChildren(h('p', {}, h('a', {href: '#/'}, '← overview')),
    h('section', {class: 'card', id: 'node-head'}, head),
    h('section', {class: 'card', id: 'node-roles'}, h('h2', {}, 'Roles'), roles),
    h('section', {class: 'card', id: 'node-history'}, h('h2', {}, 'Status history',
      h('span', {class: 'sub'}, 'its last 150 reports')), history),
    h('div', {class: 'grid'},
      h('section', {class: 'card', id: 'node-held'}, h('h2', {}, 'Tasks it holds now'), held),
      h('section', {class: 'card', id: 'node-commands'}, h('h2', {}, 'Commands'), commands)));
  const path = `/v1/nodes/${encodeURIComponent(name)}`;

  async function refresh() {
    const [detail, status, cmds] = await Promise.allSettled([
      api('GET', path), api('GET', `${path}/status`), api('GET', `${path}/commands`)]);
    if (detail.status === 'rejected') {
      render(head, 'err', () => [h('h2', {}, `Node ${name}`), h('p', {class: 'error'}, detail.reason.message)]);
      for (const el of [roles, history, held, commands]) render(el, 'none', () => null);
      if (detail.reason.status === 404) return; // forgotten, or never known: nothing to poll
      throw detail.reason;
    }
    const d = detail.value;
    const now = Math.floor(Date.now() / 1000);
    render(head, JSON.stringify(d.roles) + now, () => nodeHead(d));
    render(roles, JSON.stringify(d.roles) + now, () => roleTable(d.roles));
    render(held, JSON.stringify([d.held, d.held_total]), () => heldTable(d));
    render(history, status.status === 'fulfilled' ? String(status.value.reports.at(-1)?.at_ms) : 'none',
      () => (status.status === 'fulfilled' && status.value.reports.length ? statusGraphs(status.value.reports)
        : h('p', {class: 'muted'}, 'no status reports from this node')));
    render(commands, cmds.status === 'fulfilled' ? JSON.stringify(cmds.value) : 'none',
      () => (cmds.status === 'fulfilled' ? commandTable(cmds.value.commands)
        : h('p', {class: 'muted'}, 'no commands: this node takes none')));
  }
  return {refresh};
}

function nodeHead(d) {
  const worst = d.roles.find((r) => r.state !== 'up') || d.roles[0];
  const runsTasks = d.roles.some((r) => r.role === 'consumer' && r.state === 'up');
  const gone = d.roles.every((r) => r.state !== 'up');
  const buttons = runsTasks ? COMMANDS.map(([c, label]) => h('button', {class: c === 'restart' ? 'danger' : '',
    'data-action': 'node-command', 'data-node': d.node, 'data-command': c}, label)) : [];
  const types = [...new Set(d.roles.flatMap((r) => r.types || []))];
  return [h('h2', {}, `Node ${d.node} `, h('span', {class: `state ${worst.state}`}, worst.state),
    h('span', {class: 'actions'}, buttons,
      gone ? h('button', {class: 'danger', 'data-action': 'forget-node', 'data-node': d.node}, 'Forget') : null)),
  h('div', {class: 'cols'}, h('table', {class: 'kv'}, h('tbody', {},
    row('attempts run', fmtNum(d.executed)), row('attempts failed', fmtNum(d.failed)),
    row('holds now', fmtNum(d.held_total)), row('runs types', types.join(', ') || '—'))))];
}

function roleTable(rs) {
  const now = Date.now();
  return h('table', {class: 'roles'}, h('thead', {}, h('tr', {}, ['role', 'state', 'since', 'why', 'mode',
    'capacity', 'in flight', 'heartbeat age', 'address'].map((t) => h('th', {}, t)))),
  h('tbody', {}, rs.map((r) => h('tr', {'data-role': r.role, 'data-state': r.state},
    h('td', {}, r.role), h('td', {}, h('span', {class: `state ${r.state}`}, r.state)),
    h('td', {}, r.since_ms ? `${fmtTime(r.since_ms)} (${fmtDuration((now - r.since_ms) / 1000)} ago)` : '—'),
    h('td', {class: 'why'}, r.reason || '—'),
    h('td', {}, r.mode ? h('span', {title: r.mode_reason || ''}, r.mode) : '—'),
    h('td', {class: 'num'}, r.role === 'producer' ? '—' : fmtNum(r.capacity)),
    h('td', {class: 'num'}, fmtNum(r.inflight)),
    h('td', {class: 'num'}, r.state === 'up' && r.last_heartbeat_ms
      ? fmtDuration(Math.max(0, now - r.last_heartbeat_ms) / 1000) : '—'),
    h('td', {}, r.address || '—')))));
}

function heldTable(d) {
  if (!d.held.length) return h('p', {class: 'muted'}, 'none');
  return [h('table', {class: 'tasks'}, h('thead', {}, h('tr', {}, ['task', 'job', 'type', 'state', 'attempt'].map((t) => h('th', {}, t)))),
    h('tbody', {}, d.held.map((t) => h('tr', {'data-task': t.id},
      h('td', {}, h('a', {href: `#/tasks/${encodeURIComponent(t.id)}`}, t.id)),
      h('td', {}, h('a', {href: `#/jobs/${t.job_id}`}, `job ${t.job_id}`)), h('td', {}, t.type),
      h('td', {}, h('span', {class: `state ${t.state.toLowerCase()}`}, t.state)), h('td', {class: 'num'}, t.attempt))))),
  d.held_total > d.held.length ? h('p', {class: 'muted'}, `the first ${d.held.length} of ${fmtNum(d.held_total)}`) : null];
}

function statusGraphs(reports) {
  const t = reports.map((r) => r.at_ms);
  const spanMs = Math.max(60_000, t[t.length - 1] - t[0]);
  const pct = (v) => `${Math.round(v)} %`;
  return h('div', {class: 'graphs'},
    lineChart({title: 'CPU and memory', unit: '%', times: t, fmt: pct, spanMs, lines: [
      {name: 'CPU', values: reports.map((r) => r.cpu_percent), cls: 'c0'},
      {name: 'memory', values: reports.map((r) => r.memory_percent), cls: 'c1'}]}),
    lineChart({title: 'backlogs', unit: 'tasks', times: t, spanMs, lines: [
      {name: 'task backlog', values: reports.map((r) => r.task_backlog), cls: 'c2'},
      {name: 'user backlog', values: reports.map((r) => r.user_backlog), cls: 'c3'}]}));
}

function commandTable(cs) {
  if (!cs.length) return h('p', {class: 'muted'}, 'no commands sent yet');
  return h('table', {}, h('thead', {}, h('tr', {}, ['#', 'command', 'state', 'by', 'queued', 'finished', 'reason'].map((t) => h('th', {}, t)))),
    h('tbody', {}, [...cs].reverse().map((c) => h('tr', {'data-command': c.command},
      h('td', {class: 'num'}, c.id), h('td', {}, c.command), h('td', {}, h('span', {class: `state ${c.state}`}, c.state)),
      h('td', {}, c.by), h('td', {}, fmtTime(c.created_ms)), h('td', {}, fmtTime(c.finished_ms)), h('td', {}, c.reason || '')))));
}
