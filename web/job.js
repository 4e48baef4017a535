// The job page (progress, tasks by state, why tasks wait, the tasks with
// their results and errors a page at a time, cancel) and the task page (its
// fields and lifecycle, cancel). app.js refreshes both every second.
import {api, h, bar, render, percent, fmtTime, fmtDuration, fmtRate, fmtNum, jobState, pushNote, eta,
  STATES} from '/web/api.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

const row = (k, v) => h('tr', {}, h('th', {}, k), h('td', {}, v));

const TASKS_SHOWN = 50;

export function jobView(root, ctx, id) {
  const data = h('div');
  const tasks = h('div', {id: 'job-tasks'});
  // GET /v1/jobs/{id}/tasks pages through a job (it may hold a million):
  // a state filter and offset chosen here, 50 tasks a page.
  const list = {state: '', offset: 0, q: ''};
  const filter = h('select', {id: 'task-state', onchange: () => {
    list.state = filter.value;
    list.offset = 0;
    refreshTasks().catch(ctx.fail);
  }}, h('option', {value: ''}, 'all states'), STATES.map((s) => h('option', {value: s}, s)));
  // Search by id (the external one or its number) or by key (GET ...?q=).
  const search = h('form', {class: 'search', onsubmit: (e) => {
    e.preventDefault();
    list.q = search.querySelector('input').value.trim();
    list.offset = 0;
    refreshTasks().catch(ctx.fail);
  }}, h('input', {name: 'q', id: 'task-search', placeholder: 'task id or key'}),
  h('button', {type: 'submit', class: 'small'}, 'Search'));
  let total = 0; // of the page shown: `next` stops at the last page
  const pager = (delta, label) => h('button', {class: 'small', onclick: () => {
    const next = list.offset + delta;
    if (next < 0 || next >= total) return;
    list.offset = next;
    refreshTasks().catch(ctx.fail);
  }}, label);
  // A task is also opened by the id that POST /v1/jobs answered, or its plain number.
  const lookup = h('form', {class: 'lookup', onsubmit: (e) => {
    e.preventDefault();
    const v = lookup.querySelector('input').value.trim();
    if (v) location.hash = `#/tasks/${encodeURIComponent(v)}`;
  }}, h('label', {}, 'Open a task of this job: ',
        h('input', {name: 'task', placeholder: 'task id, e.g. m1_1712000000000_42 or 42'})),
     h('button', {type: 'submit'}, 'Open'));
  root.replaceChildren(h('p', {}, h('a', {href: '#/'}, '← overview')),
                       h('section', {class: 'card'}, data),
                       h('section', {class: 'card'}, h('h2', {}, 'Tasks ', filter, search), tasks,
                         h('div', {class: 'actions'}, pager(-TASKS_SHOWN, '← previous'),
                           pager(TASKS_SHOWN, 'next →'))),
                       h('section', {class: 'card'}, lookup));

  async function refreshTasks() {
    const q = `offset=${list.offset}&limit=${TASKS_SHOWN}${list.state ? `&state=${list.state}` : ''}`
      + (list.q ? `&q=${encodeURIComponent(list.q)}` : '');
    const page = await api('GET', `/v1/jobs/${encodeURIComponent(id)}/tasks?${q}`);
    total = page.total;
    render(tasks, JSON.stringify(page), () => taskTable(page));
  }
  async function refresh() {
    const j = await api('GET', `/v1/jobs/${encodeURIComponent(id)}`);
    render(data, JSON.stringify(j), () => jobBody(j));
    await refreshTasks();
  }
  return {refresh};
}

/// One page of the job's tasks: id (opens the task), state, attempt, and
/// the result or error as the API gives it (cut at 1 KiB, marked).
function taskTable(p) {
  const rows = p.tasks.map((t) => {
    const text = t.error ?? t.result ?? t.last_error ?? '';
    return h('tr', {'data-task': t.id},
      h('td', {}, h('a', {href: `#/tasks/${encodeURIComponent(t.id)}`}, t.id)),
      h('td', {}, h('span', {class: `state ${t.state.toLowerCase()}`}, t.state)),
      h('td', {class: 'num'}, `${t.attempt}/${t.max_attempts}`),
      h('td', {}, t.consumer ? h('a', {href: `#/nodes/${encodeURIComponent(t.consumer)}`}, t.consumer) : '—'),
      h('td', {}, t.key || ''),
      h('td', {class: t.error !== undefined ? 'error-text' : ''},
        h('code', {}, text + (t.truncated ? ' …' : ''))));
  });
  if (!rows.length) rows.push(h('tr', {}, h('td', {colspan: 6, class: 'muted'},
    p.q ? `no task of this job has the id or key '${p.q}'` : 'no tasks here')));
  const last = Math.min(p.total, p.offset + p.tasks.length);
  return [h('table', {class: 'tasks'},
    h('thead', {}, h('tr', {}, ['task', 'state', 'attempt', 'consumer', 'key', 'result / error'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)),
    h('p', {class: 'muted'}, `${p.tasks.length ? p.offset + 1 : 0}–${last} of ${fmtNum(p.total)}${p.state ? ` ${p.state}` : ''}`)];
}

/// Why tasks wait: one line per reason, e.g. "3 tasks: no live consumer
/// runs type 'resize'".
function waitingList(j) {
  if (!j.waiting || !j.waiting.length) return null;
  return h('ul', {class: 'waiting'}, j.waiting.map((w) =>
    h('li', {'data-why': w.why}, h('b', {}, `${fmtNum(w.tasks)} ${w.tasks === 1 ? 'task waits' : 'tasks wait'}`),
      `: ${w.reason}`)));
}

function jobBody(j) {
  const state = jobState(j);
  const pct = percent(j.done, j.total);
  const stack = h('div', {class: 'stack', title: 'tasks by state'});
  for (const s of STATES) {
    const n = j.counts[s] || 0;
    if (!n) continue;
    const seg = h('span', {class: `seg ${s.toLowerCase()}`, title: `${s}: ${n}`});
    seg.style.width = `${(n * 100) / Math.max(1, j.total)}%`;
    stack.append(seg);
  }
  return [
    h('h2', {}, `Job ${j.id} · ${j.name} `, h('span', {class: `state ${state}`}, state),
      j.push === 'incomplete' ? h('button', {'data-action': 'seal-job', 'data-id': j.id}, 'Seal job') : null,
      j.finished ? null : h('button', {class: 'danger', 'data-action': 'cancel-job', 'data-id': j.id}, 'Cancel job')),
    pushNote(j) ? h('p', {class: 'state push-incomplete'}, pushNote(j)) : null,
    h('div', {class: 'job-progress', 'data-job': j.id}, bar(j.total ? j.done / j.total : 0, `${pct} %`, state)),
    waitingList(j),
    h('div', {class: 'cols'},
      h('table', {class: 'kv'}, h('tbody', {},
        row('done', `${fmtNum(j.done)} of ${fmtNum(j.total)}${j.sealed ? '' : ' (more lists coming)'}`),
        row('rate, last 30 s', fmtRate(j.recent_rate ?? j.rate)), row('rate, since the start', fmtRate(j.rate)),
        row('ETA', fmtDuration(eta(j))),
        row('group', j.group || 'default'), row('unassignable', fmtNum(j.unassignable)),
        row('created', fmtTime(j.created_ms)), row('started', fmtTime(j.started_ms)),
        row('finished', fmtTime(j.finished_ms)))),
      h('div', {}, h('h3', {}, 'tasks by state'), stack,
        h('table', {class: 'kv states'}, h('tbody', {}, STATES.map((s) =>
          h('tr', {'data-state': s}, h('th', {}, h('span', {class: `state ${s.toLowerCase()}`}, s)),
            h('td', {class: 'num'}, fmtNum(j.counts[s]))))))))];
}

export function taskView(root, ctx, id) {
  const data = h('div');
  root.replaceChildren(h('p', {}, h('a', {href: '#/'}, '← overview')), h('section', {class: 'card'}, data));
  async function refresh() {
    const t = await api('GET', `/v1/tasks/${encodeURIComponent(id)}`);
    render(data, JSON.stringify(t), () => taskBody(t));
  }
  return {refresh};
}

function taskBody(t) {
  const open = !TERMINAL.has(t.state);
  const start = t.history.length ? t.history[0].at_ms : 0;
  const steps = t.history.map((e) => h('li', {class: `event ${e.event}`},
    h('time', {}, fmtTime(e.at_ms)), h('span', {class: 'since'}, start ? `+${e.at_ms - start} ms` : ''),
    h('b', {}, e.event), e.detail ? ` ${e.detail}` : '', e.version ? h('span', {class: 'muted'}, ` v${e.version}`) : ''));
  return [
    h('h2', {}, `Task ${t.id} `, h('span', {class: `state ${t.state.toLowerCase()}`}, t.state),
      open ? h('button', {class: 'danger', 'data-action': 'cancel-task', 'data-id': t.id}, 'Cancel task') : null),
    h('div', {class: 'cols'},
      h('table', {class: 'kv'}, h('tbody', {},
        row('job', h('a', {href: `#/jobs/${t.job_id}`}, `job ${t.job_id}`)), row('type', t.type),
        row('payload', h('code', {}, t.payload)), row('priority', t.priority), row('key', t.key || '—'),
        row('tags', t.tags.join(', ') || '—'), row('attempt', `${t.attempt} of ${t.max_attempts}`),
        row('version', t.version), row('consumer', t.consumer || '—'),
        row('timeout', t.timeout_ms ? `${t.timeout_ms} ms` : 'none'), row('result', h('code', {}, t.result || '—')))),
      h('div', {}, h('h3', {}, 'lifecycle'), h('ol', {class: 'timeline'}, steps)))];
}
