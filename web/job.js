// The job page (progress, tasks by state, cancel) and the task page (its
// fields and lifecycle, cancel). app.js refreshes both every second.
import {api, h, bar, render, percent, fmtTime, fmtDuration, fmtRate, fmtNum, jobState, pushNote, eta,
  STATES} from '/web/api.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

const row = (k, v) => h('tr', {}, h('th', {}, k), h('td', {}, v));

export function jobView(root, ctx, id) {
  const data = h('div');
  // The API lists no tasks of a job (a job may hold a million): a task is
  // opened by the id that POST /v1/jobs answered, or its plain number.
  const lookup = h('form', {class: 'lookup', onsubmit: (e) => {
    e.preventDefault();
    const v = lookup.querySelector('input').value.trim();
    if (v) location.hash = `#/tasks/${encodeURIComponent(v)}`;
  }}, h('label', {}, 'Open a task of this job: ',
        h('input', {name: 'task', placeholder: 'task id, e.g. m1_1712000000000_42 or 42'})),
     h('button', {type: 'submit'}, 'Open'));
  root.replaceChildren(h('p', {}, h('a', {href: '#/'}, '← overview')),
                       h('section', {class: 'card'}, data), h('section', {class: 'card'}, lookup));

  async function refresh() {
    const j = await api('GET', `/v1/jobs/${encodeURIComponent(id)}`);
    render(data, JSON.stringify(j), () => jobBody(j));
  }
  return {refresh};
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
    h('div', {class: 'cols'},
      h('table', {class: 'kv'}, h('tbody', {},
        row('done', `${fmtNum(j.done)} of ${fmtNum(j.total)}${j.sealed ? '' : ' (more lists coming)'}`),
        row('rate', fmtRate(j.rate)), row('ETA', fmtDuration(eta(j))),
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
