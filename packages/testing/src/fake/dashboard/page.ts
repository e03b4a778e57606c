// The dashboard page, embedded as strings so that dist holds it without a copy step. Plain DOM, no CDN.

export const PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fake IICS</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_fake/app.css">
<script src="/_fake/app.js" defer></script>
</head>
<body>
<header><h1>Fake IICS</h1><span id="clock">connecting…</span><span id="live" class="off">offline</span></header>
<section id="filters">
<label>Task <select id="filter-task"><option value="">all</option></select></label>
<label>Status <select id="filter-status"><option value="">all</option><option>QUEUED</option><option>INITIALIZED</option><option>RUNNING</option><option>STOPPING</option><option>SUCCESS</option><option>WARNING</option><option>FAILED</option><option value="error">requests 4xx/5xx</option></select></label>
</section>
<section id="faults-panel"><h2>Faults</h2>
<form id="fault-fail"><label>Fail the next <input id="fault-count" type="number" min="1" value="1"> requests of <select id="fault-route"></select> with <input id="fault-status" type="number" min="400" max="599" value="503"></label> <button id="fault-fail-button" type="submit">Fail next</button></form>
<button id="fault-expire" type="button">Expire sessions</button>
<label>Duplicate callbacks <input id="fault-extra" type="number" min="0" value="1"></label><button id="fault-duplicate" type="button">Duplicate</button>
<button id="fault-reset" type="button">Reset faults</button>
<p id="fault-message" role="status"></p><pre id="fault-pending"></pre>
</section>
<section><h2>Runs <small id="runs-count"></small></h2>
<table id="runs"><thead><tr><th>Task</th><th>Run</th><th>State</th><th>Start</th><th>End</th><th>Rows (src/tgt ok, failed)</th><th>Timeline</th><th>Callback attempts</th></tr></thead><tbody></tbody></table></section>
<section><h2>Requests <small id="requests-count"></small></h2>
<table id="requests"><thead><tr><th>#</th><th>Time</th><th>Method</th><th>Path</th><th>Status</th><th>Latency</th><th>Violations</th></tr></thead><tbody></tbody></table>
<pre id="request-detail" hidden></pre></section>
<section><h2>Violations</h2><ul id="violations"></ul></section>
</body>
</html>
`;

export const PAGE_CSS: string = `body{font:13px/1.4 system-ui,sans-serif;margin:0 16px 32px;color:#1d2430;background:#fafbfc}
header{display:flex;gap:16px;align-items:baseline}h1{font-size:20px}h2{font-size:15px;margin:18px 0 6px}
#live{padding:1px 8px;border-radius:8px;background:#2e7d32;color:#fff}#live.off{background:#999}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef1f4}tr.req{cursor:pointer}tr.req:hover{background:#f2f6ff}
.state-SUCCESS,.ok{color:#2e7d32}.state-WARNING{color:#b26a00}.state-FAILED,.bad{color:#c62828}.state-RUNNING,.state-QUEUED,.state-INITIALIZED,.state-STOPPING{color:#1565c0}
.timeline{position:relative;height:10px;width:240px;background:#eef1f4;border-radius:3px}.bar{position:absolute;top:0;height:10px;border-radius:3px;background:#1565c0}
.bar.SUCCESS{background:#2e7d32}.bar.WARNING{background:#f9a825}.bar.FAILED{background:#c62828}
ul.attempts{margin:0;padding-left:16px}#request-detail{background:#fff;border:1px solid #ccd;padding:8px;max-height:320px;overflow:auto}
#faults-panel form,#faults-panel button,#faults-panel label{margin-right:10px}input[type=number]{width:56px}
`;

export const PAGE_JS: string = `'use strict';
(function () {
  var state = null;
  var selected = null;
  var $ = function (id) { return document.getElementById(id); };
  var ROUTES = ['*','loginV2','loginV3','logout','job','stop','activityMonitor','activityLog','sessionLog','errorLog','lookup','objects'];
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function time(ms) { return ms === undefined ? '' : new Date(ms).toISOString().slice(11, 23); }
  function setOptions(select, values) {
    var keep = select.value;
    var have = Array.prototype.map.call(select.options, function (o) { return o.value; }).join('|');
    if (have === [''].concat(values).join('|')) return;
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (v) { select.appendChild(el('option', { value: v, text: v })); });
    select.value = keep;
  }
  function render() {
    if (!state) return;
    $('clock').textContent = 'fake clock ' + new Date(state.now).toISOString();
    setOptions($('filter-task'), state.tasks.map(function (t) { return t.name; }));
    var task = $('filter-task').value, status = $('filter-status').value;
    var runs = state.runs.filter(function (r) { return (!task || r.taskName === task) && (!status || status === 'error' || r.state === status); });
    $('runs-count').textContent = runs.length + ' shown of ' + state.totalRuns;
    var first = Math.min.apply(null, state.runs.map(function (r) { return r.startedAt; }).concat([state.now]));
    var span = Math.max(1, state.now - first);
    var body = $('runs').tBodies[0];
    body.replaceChildren.apply(body, runs.slice().reverse().map(function (r) {
      var end = r.endedAt === undefined ? state.now : r.endedAt;
      var bar = el('div', { 'class': 'bar ' + r.state });
      bar.style.left = ((r.startedAt - first) / span * 100).toFixed(2) + '%';
      bar.style.width = Math.max(0.5, (end - r.startedAt) / span * 100).toFixed(2) + '%';
      var attempts = el('ul', { 'class': 'attempts' }, r.attempts.map(function (a) {
        var what = a.status !== undefined ? 'HTTP ' + a.status : 'error ' + a.error;
        return el('li', { 'class': a.status === 200 ? 'ok attempt' : 'bad attempt', text: time(a.at) + ' #' + a.delivery + ' ' + what });
      }));
      if (r.nextRetryAt !== undefined) attempts.appendChild(el('li', { 'class': 'next-retry', text: 'next retry ' + time(r.nextRetryAt) }));
      if (!r.callbackURL) attempts.appendChild(el('li', { text: 'no callback' }));
      else if (r.callbackDelivered !== undefined) attempts.appendChild(el('li', { 'class': r.callbackDelivered ? 'ok' : 'bad', text: r.callbackDelivered ? 'delivered' : 'not delivered' }));
      var rows = r.rows.successSourceRows + '/' + r.rows.successTargetRows + ', ' + r.rows.failedSourceRows + '/' + r.rows.failedTargetRows;
      return el('tr', { 'class': 'run', 'data-task': r.taskName, 'data-run': String(r.runId), 'data-state': r.state }, [
        el('td', { text: r.taskName }), el('td', { text: String(r.runId) }), el('td', { 'class': 'state state-' + r.state, text: r.state }),
        el('td', { text: time(r.startedAt) }), el('td', { text: time(r.endedAt) }), el('td', { text: r.endedAt === undefined ? '' : rows }),
        el('td', {}, [el('div', { 'class': 'timeline' }, [bar])]), el('td', {}, [attempts])]);
    }));
    var taskIds = state.tasks.filter(function (t) { return t.name === task; }).map(function (t) { return t.id; });
    var requests = state.requests.filter(function (q) {
      if (status === 'error' && !(q.status >= 400 || q.outcome !== 'answered')) return false;
      if (!task) return true;
      var text = JSON.stringify([q.body, q.query, q.path]);
      return text.indexOf(task) >= 0 || taskIds.some(function (id) { return text.indexOf(id) >= 0; });
    });
    $('requests-count').textContent = requests.length + ' shown of ' + state.totalRequests;
    var rbody = $('requests').tBodies[0];
    rbody.replaceChildren.apply(rbody, requests.slice().reverse().map(function (q) {
      var tr = el('tr', { 'class': 'req', 'data-index': String(q.index), 'data-status': String(q.status === undefined ? q.outcome : q.status) }, [
        el('td', { text: String(q.index + 1) }), el('td', { text: time(q.at) }), el('td', { text: q.method }), el('td', { text: q.path }),
        el('td', { 'class': q.status >= 400 || q.outcome !== 'answered' ? 'bad status' : 'ok status', text: q.status === undefined ? q.outcome : String(q.status) }),
        el('td', { text: q.latencyMs === undefined ? '' : q.latencyMs + ' ms' }), el('td', { 'class': 'bad', text: q.violations.join('; ') })]);
      tr.addEventListener('click', function () { selected = q.index; showDetail(); });
      return tr;
    }));
    showDetail();
    $('violations').replaceChildren.apply($('violations'), state.violations.map(function (v) { return el('li', { 'class': 'bad', text: v }); }));
    $('fault-pending').textContent = JSON.stringify(state.faults);
  }
  function showDetail() {
    var q = selected === null ? null : state.requests.filter(function (r) { return r.index === selected; })[0];
    $('request-detail').hidden = !q;
    if (q) $('request-detail').textContent = q.method + ' ' + q.path + '\\nquery: ' + JSON.stringify(q.query, null, 2) + '\\nbody: ' + JSON.stringify(q.body, null, 2);
  }
  function post(path, body) {
    return fetch('/_fake/api/faults/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (res) { return res.json().then(function (j) { $('fault-message').textContent = res.ok ? path + ': set' : j.error.field + ': ' + j.error.message; }); });
  }
  document.addEventListener('DOMContentLoaded', function () {
    setOptions($('fault-route'), ROUTES);
    $('fault-route').value = '*';
    $('filter-task').addEventListener('change', render);
    $('filter-status').addEventListener('change', render);
    $('fault-fail').addEventListener('submit', function (e) {
      e.preventDefault();
      post('fail-next', { route: $('fault-route').value, count: Number($('fault-count').value), status: Number($('fault-status').value) });
    });
    $('fault-expire').addEventListener('click', function () { post('expire-sessions'); });
    $('fault-duplicate').addEventListener('click', function () { post('duplicate-callbacks', { extra: Number($('fault-extra').value) }); });
    $('fault-reset').addEventListener('click', function () { post('reset'); });
    var source = new EventSource('/_fake/api/events');
    source.addEventListener('state', function (e) { state = JSON.parse(e.data); render(); });
    source.onopen = function () { $('live').textContent = 'live'; $('live').className = ''; };
    source.onerror = function () { $('live').textContent = 'offline'; $('live').className = 'off'; };
  });
})();
`;
