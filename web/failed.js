// The failed view (#/failed): every job's tasks that ended badly (FAILED,
// TIMED_OUT or CANCELLED) with their error text, a page at a time in id
// order as GET /v1/tasks?state= pages them; the newest are one click away
// on the last page.
import {api, h, render, fmtTime, fmtNum} from '/web/api.js';

const SHOWN = 50;
const BAD = ['FAILED', 'TIMED_OUT', 'CANCELLED'];

export function failedView(root, ctx) {
  const list = {state: 'FAILED', offset: 0};
  let total = 0;
  const body = h('div', {id: 'failed-tasks'});
  const go = (offset) => {
    list.offset = Math.max(0, Math.min(offset, Math.max(0, total - 1)));
    refresh().catch(ctx.fail);
  };
  const select = h('select', {id: 'failed-state', onchange: () => { list.state = select.value; go(0); }},
    BAD.map((s) => h('option', {value: s}, s)));
  root.replaceChildren(h('section', {class: 'card'},
    h('h2', {}, 'Tasks that ended badly, every job ', select),
    body,
    h('div', {class: 'actions'},
      h('button', {class: 'small', onclick: () => go(0)}, '« first'),
      h('button', {class: 'small', onclick: () => go(list.offset - SHOWN)}, '← previous'),
      h('button', {class: 'small', onclick: () => go(list.offset + SHOWN)}, 'next →'),
      h('button', {class: 'small', onclick: () => go(Math.floor(Math.max(0, total - 1) / SHOWN) * SHOWN)}, 'last »'))));

  async function refresh() {
    const p = await api('GET', `/v1/tasks?state=${list.state}&offset=${list.offset}&limit=${SHOWN}`);
    total = p.total;
    render(body, JSON.stringify(p), () => table(p));
  }
  return {refresh};
}

function table(p) {
  const rows = p.tasks.map((t) => h('tr', {'data-task': t.id},
    h('td', {}, h('a', {href: `#/tasks/${encodeURIComponent(t.id)}`}, t.id)),
    h('td', {}, h('a', {href: `#/jobs/${t.job_id}`}, `job ${t.job_id}`)),
    h('td', {}, t.type), h('td', {class: 'num'}, `${t.attempt}/${t.max_attempts}`),
    h('td', {}, t.consumer ? h('a', {href: `#/nodes/${encodeURIComponent(t.consumer)}`}, t.consumer) : '—'),
    h('td', {}, fmtTime(t.finished_ms)),
    h('td', {class: 'error-text'}, h('code', {}, (t.error ?? '') + (t.truncated ? ' …' : '')))));
  if (!rows.length) rows.push(h('tr', {}, h('td', {colspan: 7, class: 'muted'}, `no ${p.state} tasks`)));
  const last = Math.min(p.total, p.offset + p.tasks.length);
  return [h('table', {class: 'tasks'},
    h('thead', {}, h('tr', {}, ['task', 'job', 'type', 'attempt', 'consumer', 'ended', 'error'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)),
  h('p', {class: 'muted'}, `${p.tasks.length ? p.offset + 1 : 0}–${last} of ${fmtNum(p.total)} ${p.state}`)];
}
