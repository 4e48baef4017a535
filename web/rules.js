// The rules page: the set in force (version, hash, last swap), an editor to
// apply a new one, and a refused set's errors shown at their line and column.
import {api, h, render, ApiError, fmtTime} from '/web/api.js';

/// "<rest>:4:15: unknown strategy" -> {line: 4, col: 15, what: "unknown strategy"}.
export function parseProblem(text) {
  const m = /^[^\n]*?:(\d+):(\d+):\s*([\s\S]*)$/.exec(text);
  return m ? {line: +m[1], col: +m[2], what: m[3], text} : {line: 0, col: 0, what: text, text};
}

export function rulesView(root, ctx) {
  const meta = h('div');
  const gutter = h('div', {class: 'gutter', 'aria-hidden': 'true'});
  const editor = h('textarea', {id: 'rules-text', spellcheck: 'false', wrap: 'off',
                                'aria-label': 'rule set (YAML)'});
  const result = h('div', {id: 'rules-result', 'aria-live': 'polite'});
  let current = null;  // the last GET /v1/rules answer
  let dirty = false;   // the editor holds the user's text: polling must not overwrite it
  let marks = new Map(); // line -> message of a refused set

  const lines = () => editor.value.split('\n');
  function drawGutter() {
    gutter.replaceChildren(...lines().map((_, i) => {
      const msg = marks.get(i + 1);
      return h('div', {class: msg ? 'err' : '', title: msg}, i + 1);
    }));
    gutter.scrollTop = editor.scrollTop;
  }
  function goTo(line, col) {
    const all = lines();
    let at = 0;
    for (let i = 0; i < Math.min(line - 1, all.length); ++i) at += all[i].length + 1;
    at += Math.max(0, col - 1);
    editor.focus();
    editor.setSelectionRange(at, Math.min(editor.value.length, at + 1));
  }
  function load(text) {
    editor.value = text;
    dirty = false;
    marks = new Map();
    drawGutter();
  }

  async function apply() {
    result.replaceChildren(h('p', {class: 'muted'}, 'applying…'));
    try {
      const r = await api('PUT', '/v1/rules', editor.value, 'application/yaml');
      marks = new Map();
      drawGutter();
      dirty = false;
      result.replaceChildren(h('p', {class: 'ok'}, `applied: version ${r.version}, hash ${r.hash}`));
      await refresh();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showProblems(e);
    }
  }
  function showProblems(e) {
    const problems = (e.body.errors && e.body.errors.length ? e.body.errors : [e.body.detail]).map(parseProblem);
    marks = new Map(problems.filter((p) => p.line).map((p) => [p.line, p.what]));
    drawGutter();
    const src = lines();
    result.replaceChildren(
      h('p', {class: 'error'}, e.status === 422 ? 'Refused; the rules in force did not change:' : e.message),
      h('ul', {class: 'problems'}, problems.map((p) => h('li', {class: 'problem', 'data-line': p.line},
        p.line ? h('a', {href: '#', onclick: (ev) => { ev.preventDefault(); goTo(p.line, p.col); }},
                   `line ${p.line}, column ${p.col}`) : null, p.line ? ': ' : '', p.what,
        p.line ? h('pre', {class: 'excerpt'}, `${String(p.line).padStart(4)} | ${src[p.line - 1] ?? ''}\n`
                   + `${' '.repeat(7 + Math.max(0, p.col - 1))}^`) : null))));
    if (problems[0] && problems[0].line) goTo(problems[0].line, problems[0].col);
  }

  editor.addEventListener('input', () => { dirty = true; drawGutter(); });
  editor.addEventListener('scroll', () => { gutter.scrollTop = editor.scrollTop; });
  root.replaceChildren(h('section', {class: 'card'}, h('h2', {}, 'Rules in force'), meta),
    h('section', {class: 'card'}, h('h2', {}, 'Apply a new rule set'),
      h('div', {class: 'editor'}, gutter, editor),
      h('p', {class: 'actions'},
        h('button', {id: 'rules-apply', onclick: () => apply().catch(ctx.fail)}, 'Apply'), ' ',
        h('button', {class: 'link', onclick: () => current && load(current.text)}, 'Reset to the rules in force')),
      result));

  async function refresh() {
    const r = await api('GET', '/v1/rules');
    if (!current || (!dirty && r.hash !== current.hash)) load(r.text);
    current = r;
    render(meta, JSON.stringify({...r, text: ''}), () => h('table', {class: 'kv'}, h('tbody', {},
      [['version', r.version], ['hash', h('code', {}, r.hash)], ['source', r.source],
       ['rules', `${r.rules} besides the defaults`], ['last swap', r.since_ms ? fmtTime(r.since_ms) : '—']]
        .map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))))));
  }
  return {refresh};
}
