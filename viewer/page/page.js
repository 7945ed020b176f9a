// The raftbed trace viewer page. Plain browser JS, no dependencies. The model (viewer/model.ts)
// is precomputed; this script only indexes it per node and draws what is in the viewport.
(function () {
  'use strict';
  var M = JSON.parse(document.getElementById('trace-data').textContent);
  var S = M.strings, N = M.nodes.length;
  var GUTTER = 84, AXIS_H = 30, LANE_H = 74, MAX_ARROWS = 5000, BAND_H = 18, CLIENT_H = 15, CLIENT_GAP = 12;
  var ROLE_COLOR = { Follower: '#d5dde7', PreCandidate: '#f7e7a6', Candidate: '#f3b562', Leader: '#5cb884' };
  var KNOWN_TYPE_COLOR = {
    AppendEntriesRequest: '#2f6fca', AppendEntriesResponse: '#86aee6', RequestVoteRequest: '#d9682b', RequestVoteResponse: '#efaa7f',
    PreVoteRequest: '#9a5bb8', PreVoteResponse: '#caa6dc', InstallSnapshotRequest: '#1f8f82', InstallSnapshotResponse: '#7cc7bd', TimeoutNow: '#c0392b',
  };
  var EXTRA = ['#6d7f16', '#a3762a', '#3c8dbc', '#8e44ad', '#16a085', '#7f8c8d'];
  var OUTCOME_COLOR = { ok: '#5cb884', unknown: '#f0a04b' };

  // ---- indexes ----
  var st = M.steps, ms = M.msgs;
  var stepsOf = []; // per node: step indexes in time order
  for (var n = 0; n < N; n++) stepsOf.push([]);
  for (var k = 0; k < st.i.length; k++) if (st.node[k] >= 0) stepsOf[st.node[k]].push(k);
  var stepByEvent = new Map();
  for (k = 0; k < st.i.length; k++) stepByEvent.set(st.i[k], k);
  // Role/term bands and commit steps, merged where nothing changes.
  var bands = [], commits = [], maxCommit = 1;
  for (n = 0; n < N; n++) {
    var b = [], c = [], list = stepsOf[n];
    for (var j = 0; j < list.length; j++) {
      var s = list[j], last = b[b.length - 1];
      if (!last || last.role !== st.role[s] || last.term !== st.term[s]) {
        if (last) last.t1 = st.t[s];
        b.push({ t0: st.t[s], t1: M.t1, role: st.role[s], term: st.term[s] });
      }
      var lc = c[c.length - 1];
      if (!lc || lc.v !== st.commit[s]) c.push({ t: st.t[s], v: st.commit[s] });
      if (st.commit[s] > maxCommit) maxCommit = st.commit[s];
    }
    bands.push(b);
    commits.push(c);
  }
  var typeColor = [], typeIds = [];
  (function () {
    var seen = {}, extra = 0;
    for (var q = 0; q < ms.type.length; q++) if (!seen[ms.type[q]]) { seen[ms.type[q]] = 1; typeIds.push(ms.type[q]); }
    typeIds.sort(function (a, b) { return S[a] < S[b] ? -1 : 1; });
    typeIds.forEach(function (id) { typeColor[id] = KNOWN_TYPE_COLOR[S[id]] || EXTRA[extra++ % EXTRA.length]; });
  })();
  // Messages by send time (they already are, in trace order); the longest span bounds the search.
  var maxSpan = 0;
  for (k = 0; k < ms.sendT.length; k++) { var e = ms.endI[k] < 0 ? M.t1 : ms.endT[k]; if (e - ms.sendT[k] > maxSpan) maxSpan = e - ms.sendT[k]; }
  var clientRows = M.clients.length;

  // ---- view state ----
  var view = { a: M.t0, b: M.t1 + (M.t1 - M.t0) * 0.01 };
  var nodeOn = M.nodes.map(function () { return true; });
  var typeOn = {};
  typeIds.forEach(function (id) { typeOn[id] = true; });
  var selected = -1; // step index
  var canvas = document.getElementById('canvas'), ctx = canvas.getContext('2d');
  var timeline = document.getElementById('timeline'), overlay = document.getElementById('overlay');
  var W = 0, H = 0, dpr = window.devicePixelRatio || 1, firstRender = true, frameQueued = false;

  function laneOrder() { var out = []; for (var q = 0; q < N; q++) if (nodeOn[q]) out.push(q); return out; }
  var laneY = []; // node -> top y, or -1 when hidden
  function layout() {
    var y = AXIS_H, order = laneOrder();
    // Lanes share the height left after the axis and the client rows, within readable bounds.
    LANE_H = Math.max(46, Math.min(80, Math.floor((H - AXIS_H - CLIENT_GAP * 2 - clientRows * CLIENT_H) / Math.max(1, order.length))));
    for (var q = 0; q < N; q++) laneY[q] = -1;
    order.forEach(function (q) { laneY[q] = y; y += LANE_H; });
    return y;
  }
  function x(t) { return GUTTER + (t - view.a) / (view.b - view.a) * (W - GUTTER); }
  function tAt(px) { return view.a + (px - GUTTER) / (W - GUTTER) * (view.b - view.a); }
  function mid(q) { return laneY[q] + BAND_H + (LANE_H - BAND_H) / 2 - 4; }
  function lowerBound(arr, v) { var lo = 0, hi = arr.length; while (lo < hi) { var m = (lo + hi) >> 1; if (arr[m] < v) lo = m + 1; else hi = m; } return lo; }
  var stepTimesOf = stepsOf.map(function (l) { return l.map(function (s) { return st.t[s]; }); });

  // ---- chrome: title, filters, legend, lane labels ----
  document.getElementById('title').textContent = M.title;
  document.getElementById('meta').textContent = M.eventCount.toLocaleString('en') + ' events, ' + fmtMs(M.t1 - M.t0) + ', ' + ms.sendT.length.toLocaleString('en') + ' messages' + (M.header.commit ? ', commit ' + M.header.commit.slice(0, 8) : '');
  function fmtMs(v) { return (Math.abs(v) >= 10000 ? (v / 1000).toFixed(2) + ' s' : (+v.toFixed(3)) + ' ms'); }
  function checkbox(parent, label, color, on, change, data) {
    var l = document.createElement('label'), cb = document.createElement('input');
    cb.type = 'checkbox'; cb.checked = on; cb.addEventListener('change', function () { change(cb.checked); });
    for (var d in data) cb.dataset[d] = data[d];
    l.appendChild(cb);
    if (color) { var sw = document.createElement('span'); sw.className = 'sw'; sw.style.background = color; l.appendChild(sw); }
    l.appendChild(document.createTextNode(label));
    parent.appendChild(l);
  }
  M.nodes.forEach(function (name, q) { checkbox(document.getElementById('node-filter'), name, null, true, function (v) { nodeOn[q] = v; relabel(); draw(); }, { node: name }); });
  typeIds.forEach(function (id) { checkbox(document.getElementById('type-filter'), S[id], typeColor[id], true, function (v) { typeOn[id] = v; draw(); }, { type: S[id] }); });
  var fromIn = document.getElementById('range-from'), toIn = document.getElementById('range-to');
  document.getElementById('range-apply').addEventListener('click', function () { setRange(+fromIn.value, +toIn.value); });
  document.getElementById('range-reset').addEventListener('click', function () { setRange(M.t0, M.t1 + (M.t1 - M.t0) * 0.01); });
  (function legend() {
    var L = document.getElementById('legend');
    var items = [['Follower', ROLE_COLOR.Follower], ['PreCandidate', ROLE_COLOR.PreCandidate], ['Candidate', ROLE_COLOR.Candidate], ['Leader (band: role, number: term)', ROLE_COLOR.Leader],
      ['crashed (gap)', 'repeating-linear-gradient(45deg,#9aa5b1 0 2px,#eef1f4 2px 5px)'], ['paused', 'repeating-linear-gradient(-45deg,#b8a9d6 0 2px,#f4f1fa 2px 5px)'],
      ['partitioned away', 'rgba(66,133,244,.16)'], ['clogged', 'rgba(240,160,75,.25)'], ['commit index', 'linear-gradient(#1d2733,#1d2733) 0 50%/100% 2px no-repeat'],
      ['clock step \u25BC', '#8e44ad'], ['\u2716 dropped', '#d32f2f'], ['\u25CB duplicate copy', '#7b3fa0'], ['- - in flight at the end', '#7f8c8d'], ['·· lost in a crash', '#5b6878'], ['client op ok', OUTCOME_COLOR.ok], ['client op unknown', OUTCOME_COLOR.unknown], ['client op pending', '#c5ccd5']];
    items.forEach(function (it) { var s = document.createElement('span'), i = document.createElement('i'); i.style.background = it[1]; s.appendChild(i); s.appendChild(document.createTextNode(it[0])); L.appendChild(s); });
    var marks = document.getElementById('marks');
    if (M.violation) addMark(marks, '\u2716 violation: ' + M.violation.property + ' at ' + fmtMs(M.violation.t) + ' (event ' + M.violation.i + '): ' + M.violation.detail, '', M.violation.t);
    if (M.tla) addMark(marks, '\u25C6 TLC trace validation: first unmatched event ' + M.tla.i + ' at ' + fmtMs(M.tla.t) + (M.tla.fields.length ? ' (disagreeing: ' + M.tla.fields.join(', ') + ')' : ''), 'tla', M.tla.t);
  })();
  function addMark(parent, text, cls, t) {
    var a = document.createElement('a'); a.textContent = text; a.className = cls;
    a.addEventListener('click', function () { var w = Math.max(5, (view.b - view.a) / 20); setRange(t - w, t + w); });
    parent.appendChild(a);
  }
  var labels = document.getElementById('lane-labels');
  function relabel() {
    var bottom = layout();
    labels.innerHTML = '';
    M.nodes.forEach(function (name, q) {
      if (laneY[q] < 0) return;
      var d = document.createElement('div'); d.className = 'lane-label'; d.dataset.node = name;
      d.style.top = laneY[q] + 'px'; d.style.height = LANE_H + 'px';
      d.innerHTML = name + '<small>role &middot; term</small><small>commit</small>';
      labels.appendChild(d);
    });
    M.clients.forEach(function (c, r) {
      var d = document.createElement('div'); d.className = 'lane-label client'; d.dataset.client = c;
      d.style.top = (bottom + CLIENT_GAP + r * CLIENT_H) + 'px'; d.style.height = CLIENT_H + 'px'; d.textContent = 'client ' + c;
      labels.appendChild(d);
    });
    timeline.dataset.lanes = String(laneOrder().length);
  }

  // ---- drawing ----
  function resize() {
    W = timeline.clientWidth; H = timeline.clientHeight;
    canvas.width = W * dpr; canvas.height = H * dpr; canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
  }
  function niceStep(span, px) {
    var raw = span / Math.max(1, px / 90), p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }
  function hatch(x0, y0, w, h, color, dir) {
    ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip(); ctx.strokeStyle = color; ctx.lineWidth = 1.2; ctx.beginPath();
    for (var p = x0 - h; p < x0 + w + h; p += 5) { ctx.moveTo(p, y0 + (dir > 0 ? h : 0)); ctx.lineTo(p + h, y0 + (dir > 0 ? 0 : h)); }
    ctx.stroke(); ctx.restore();
  }
  function clampX(v) { return Math.max(GUTTER - 2, Math.min(W + 2, v)); }
  function draw() {
    if (frameQueued) return;
    frameQueued = true;
    requestAnimationFrame(paint);
  }
  function paint() {
    frameQueued = false;
    var started = performance.now();
    var bottom = layout();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = '#fff'; ctx.fillRect(GUTTER, AXIS_H, W - GUTTER, bottom - AXIS_H);
    ctx.fillStyle = '#fbfcfd'; ctx.fillRect(GUTTER, bottom, W - GUTTER, H - bottom);
    var order = laneOrder(), q, k, i;
    // axis
    var step = niceStep(view.b - view.a, W - GUTTER), first = Math.ceil(view.a / step) * step;
    ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle'; ctx.textAlign = 'center';
    for (var tt = first; tt <= view.b; tt += step) {
      var xx = Math.round(x(tt)) + 0.5;
      ctx.strokeStyle = '#edf0f4'; ctx.beginPath(); ctx.moveTo(xx, AXIS_H); ctx.lineTo(xx, H); ctx.stroke();
      ctx.strokeStyle = '#8a96a5'; ctx.beginPath(); ctx.moveTo(xx, AXIS_H - 6); ctx.lineTo(xx, AXIS_H); ctx.stroke();
      ctx.fillStyle = '#3a4654'; ctx.fillText((+tt.toFixed(6)) + (step >= 1 ? '' : '') + ' ms', xx, AXIS_H - 15);
    }
    ctx.strokeStyle = '#8a96a5'; ctx.beginPath(); ctx.moveTo(GUTTER, AXIS_H + 0.5); ctx.lineTo(W, AXIS_H + 0.5); ctx.stroke();
    // partitions and clogs: lane shading
    M.partitions.forEach(function (p) {
      if (p[1] < view.a || p[0] > view.b) return;
      var x0 = clampX(x(p[0])), x1 = clampX(x(p[1]));
      p[3].forEach(function (nq) { if (laneY[nq] >= 0) { ctx.fillStyle = 'rgba(66,133,244,.16)'; ctx.fillRect(x0, laneY[nq], x1 - x0, LANE_H); } });
      ctx.fillStyle = 'rgba(66,133,244,.9)'; ctx.textAlign = 'left'; ctx.font = '10px system-ui, sans-serif';
      var ly = p[3].length && laneY[p[3][0]] >= 0 ? laneY[p[3][0]] + LANE_H - 6 : bottom - 6;
      if (x1 - x0 > 60) { ctx.save(); ctx.beginPath(); ctx.rect(x0, ly - 8, x1 - x0, 12); ctx.clip(); ctx.fillText(S[p[2]], x0 + 3, ly); ctx.restore(); }
    });
    M.clogs.forEach(function (c) {
      if (laneY[c[0]] < 0 || c[2] < view.a || c[1] > view.b) return;
      var x0 = clampX(x(c[1])), x1 = clampX(x(c[2]));
      ctx.fillStyle = 'rgba(240,160,75,.25)'; ctx.fillRect(x0, laneY[c[0]] + BAND_H, Math.max(1, x1 - x0), LANE_H - BAND_H);
    });
    // Too many arrows to read: a thinned, faint layer under the bands (zoom in for all of them).
    var drawn = null;
    if (visibleArrows().length > MAX_ARROWS) drawn = drawArrows();
    // role/term bands
    ctx.textAlign = 'center'; ctx.font = '600 11px system-ui, sans-serif';
    order.forEach(function (nq) {
      var y0 = laneY[nq];
      bands[nq].forEach(function (bd) {
        if (bd.t1 < view.a || bd.t0 > view.b) return;
        var x0 = clampX(x(bd.t0)), x1 = clampX(x(bd.t1));
        ctx.fillStyle = ROLE_COLOR[S[bd.role]] || '#ccc'; ctx.fillRect(x0, y0 + 2, Math.max(1, x1 - x0), BAND_H - 2);
        if (x1 - x0 > 18) { ctx.fillStyle = '#1d2733'; ctx.fillText(String(bd.term), (Math.max(x0, GUTTER) + Math.min(x1, W)) / 2, y0 + 2 + (BAND_H - 2) / 2); }
      });
      ctx.strokeStyle = '#d8dee6'; ctx.beginPath(); ctx.moveTo(GUTTER, y0 + LANE_H - 0.5); ctx.lineTo(W, y0 + LANE_H - 0.5); ctx.stroke();
    });
    // commit index: a step line in the lower part of each lane
    order.forEach(function (nq) {
      var base = laneY[nq] + LANE_H - 5, h = LANE_H - BAND_H - 14, c = commits[nq];
      if (!c.length) return;
      ctx.strokeStyle = '#1d2733'; ctx.lineWidth = 1.5; ctx.beginPath();
      var started2 = false, prevY = base;
      for (var j = 0; j < c.length; j++) {
        var cx = clampX(x(c[j].t)), cy = base - c[j].v / maxCommit * h;
        if (c[j].t > view.b) break;
        if (!started2) { ctx.moveTo(cx, cy); started2 = true; } else { ctx.lineTo(cx, prevY); ctx.lineTo(cx, cy); }
        prevY = cy;
      }
      ctx.lineTo(W, prevY); ctx.stroke(); ctx.lineWidth = 1;
      // the commit value at the right edge of the view
      var atEnd = lowerBound(c.map(function (z) { return z.t; }), view.b + 1e-9) - 1;
      if (atEnd >= 0) { ctx.fillStyle = '#1d2733'; ctx.font = '10px system-ui, sans-serif'; ctx.textAlign = 'right'; ctx.fillText('commit ' + c[atEnd].v, W - 6, laneY[nq] + LANE_H - 10); }
    });
    // crashes (gaps) and pauses
    M.down.forEach(function (d) {
      if (laneY[d[0]] < 0 || d[2] < view.a || d[1] > view.b) return;
      var x0 = clampX(x(d[1])), x1 = clampX(x(d[2])), y0 = laneY[d[0]];
      ctx.fillStyle = '#eef1f4'; ctx.fillRect(x0, y0 + 1, Math.max(2, x1 - x0), LANE_H - 2);
      hatch(x0, y0 + 1, Math.max(2, x1 - x0), LANE_H - 2, '#9aa5b1', 1);
      if (x1 - x0 > 50) { ctx.fillStyle = '#3a4654'; ctx.font = '600 10px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.fillText('crashed', x0 + 4, y0 + LANE_H / 2); }
    });
    M.pauses.forEach(function (p) {
      if (laneY[p[0]] < 0 || p[2] < view.a || p[1] > view.b) return;
      var x0 = clampX(x(p[1])), x1 = clampX(x(p[2]));
      hatch(x0, laneY[p[0]] + 1, Math.max(2, x1 - x0), LANE_H - 2, 'rgba(123,63,160,.45)', -1);
    });
    // step ticks, when there is room for them
    ctx.fillStyle = 'rgba(29,39,51,.55)';
    order.forEach(function (nq) {
      var times = stepTimesOf[nq], lo = lowerBound(times, view.a), hi = lowerBound(times, view.b);
      if (hi - lo > (W - GUTTER) * 1.5) return;
      var y0 = mid(nq);
      for (var j = lo; j < hi; j++) { var sx = x(times[j]); ctx.fillRect(sx - 0.5, y0 - 4, 1, 8); }
    });
    // clock steps
    M.clockSteps.forEach(function (c) {
      if (laneY[c[0]] < 0 || c[1] < view.a || c[1] > view.b) return;
      var cx = x(c[1]), y0 = laneY[c[0]] + BAND_H + 1;
      ctx.fillStyle = '#8e44ad'; ctx.beginPath(); ctx.moveTo(cx - 5, y0); ctx.lineTo(cx + 5, y0); ctx.lineTo(cx, y0 + 7); ctx.fill();
      ctx.font = '10px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.fillText((c[2] > 0 ? '+' : '') + c[2] + 'ms', cx + 6, y0 + 6);
    });
    // messages
    if (drawn === null) drawn = drawArrows();
    // client operations
    ctx.textAlign = 'left'; ctx.font = '9px system-ui, sans-serif';
    var opsDrawn = 0;
    M.clientOps.forEach(function (op) {
      var end = op[5] < 0 ? M.t1 : op[5];
      if (end < view.a || op[4] > view.b) return;
      var y0 = bottom + CLIENT_GAP + op[0] * CLIENT_H + 2, x0 = clampX(x(op[4])), x1 = clampX(x(end));
      ctx.fillStyle = op[6] < 0 ? '#c5ccd5' : OUTCOME_COLOR[S[op[6]]] || '#c5ccd5';
      ctx.fillRect(x0, y0, Math.max(1.5, x1 - x0 - 1), CLIENT_H - 4);
      opsDrawn++;
      if (x1 - x0 > 40) { ctx.fillStyle = '#1d2733'; ctx.fillText(S[op[2]] + ' ' + S[op[3]], x0 + 2, y0 + (CLIENT_H - 4) / 2 + 1); }
    });
    // selection
    if (selected >= 0 && laneY[st.node[selected]] >= 0) {
      var sx = x(st.t[selected]), sy = mid(st.node[selected]);
      ctx.strokeStyle = '#d32f2f'; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(sx, sy, 6, 0, Math.PI * 2); ctx.stroke(); ctx.lineWidth = 1;
    }
    placeMarkers(bottom);
    timeline.dataset.arrowsDrawn = String(drawn.arrows);
    timeline.dataset.dropsDrawn = String(drawn.drops);
    timeline.dataset.arrowsVisible = String(drawn.visible);
    document.getElementById('thinned').textContent = drawn.stride > 1 ? 'showing 1 in ' + drawn.stride + ' of ' + drawn.visible.toLocaleString('en') + ' messages: zoom in for every arrow' : drawn.visible.toLocaleString('en') + ' messages in view';
    timeline.dataset.opsDrawn = String(opsDrawn);
    timeline.dataset.viewFrom = String(view.a);
    timeline.dataset.viewTo = String(view.b);
    timeline.dataset.paintMs = (performance.now() - started).toFixed(1);
    fromIn.value = String(+view.a.toFixed(3)); toIn.value = String(+view.b.toFixed(3));
    if (firstRender) {
      firstRender = false;
      timeline.dataset.firstRenderMs = performance.now().toFixed(1);
      timeline.dataset.rendered = '1';
    }
  }
  var visibleCache = null;
  function visibleArrows() {
    var key = view.a + ',' + view.b + ',' + laneY.join(',') + ',' + JSON.stringify(typeOn);
    if (visibleCache && visibleCache.key === key) return visibleCache.list;
    var lo = lowerBound(ms.sendT, view.a - maxSpan), hi = lowerBound(ms.sendT, view.b + 1e-9), list = [];
    for (var k = lo; k < hi; k++) {
      var from = ms.from[k], to = ms.to[k];
      if (from < 0 || to < 0 || laneY[from] < 0 || laneY[to] < 0 || !typeOn[ms.type[k]]) continue;
      var endT = ms.status[k] === 2 ? M.t1 : ms.endT[k];
      if (endT < view.a) continue;
      list.push(k);
    }
    visibleCache = { key: key, list: list };
    return list;
  }
  function drawArrows() {
    var pending = visibleArrows(), count = 0, drops = 0, dense = pending.length > MAX_ARROWS;
    var stride = dense ? Math.ceil(pending.length / MAX_ARROWS) : 1, k;
    ctx.lineWidth = dense ? 0.6 : 1.1;
    for (var p = 0; p < pending.length; p += stride) {
      k = pending[p];
      var x0 = x(ms.sendT[k]), y0 = mid(ms.from[k]), x1, y1, status = ms.status[k];
      ctx.strokeStyle = typeColor[ms.type[k]]; ctx.fillStyle = typeColor[ms.type[k]];
      ctx.globalAlpha = dense ? 0.18 : 0.9;
      if (status === 0) { x1 = x(ms.endT[k]); y1 = mid(ms.to[k]); }
      else if (status === 1) {
        // a drop: the arrow stops part-way at the drop time (at send time: a short stub)
        var yt = mid(ms.to[k]);
        x1 = x(ms.endT[k]);
        var frac = ms.endT[k] === ms.sendT[k] ? 0.3 : 0.6;
        if (ms.endT[k] === ms.sendT[k]) x1 = x0 + 8;
        y1 = y0 + (yt - y0) * frac;
      } else if (status === 3) { x1 = x(ms.endT[k]); y1 = mid(ms.to[k]); ctx.setLineDash([2, 3]); ctx.strokeStyle = '#5b6878'; }
      else { x1 = x(M.t1); y1 = mid(ms.to[k]); ctx.setLineDash([4, 3]); ctx.strokeStyle = '#7f8c8d'; }
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
      ctx.setLineDash([]);
      if (status === 0 && !dense) arrowHead(x0, y0, x1, y1);
      if (status === 1) { drops++; if (!dense) { ctx.globalAlpha = 1; cross(x1, y1); } }
      if (ms.dup[k] && !dense) { ctx.globalAlpha = 1; ctx.strokeStyle = '#7b3fa0'; ctx.beginPath(); ctx.arc(x0, y0, 3.5, 0, Math.PI * 2); ctx.stroke(); }
      count++;
    }
    ctx.globalAlpha = 1; ctx.lineWidth = 1;
    if (dense) {
      // Thinned arrows would hide most drops: every drop still gets a red tick on its sender's lane.
      ctx.fillStyle = '#d32f2f'; drops = 0;
      for (p = 0; p < pending.length; p++) {
        k = pending[p];
        if (ms.status[k] === 1) { ctx.fillRect(x(ms.sendT[k]) - 0.5, laneY[ms.from[k]] + BAND_H + 2, 1.5, 6); drops++; }
      }
    }
    return { arrows: count, drops: drops, visible: pending.length, stride: stride };
  }
  function arrowHead(x0, y0, x1, y1) {
    var a = Math.atan2(y1 - y0, x1 - x0), L = 7;
    ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - L * Math.cos(a - 0.4), y1 - L * Math.sin(a - 0.4));
    ctx.lineTo(x1 - L * Math.cos(a + 0.4), y1 - L * Math.sin(a + 0.4)); ctx.closePath(); ctx.fill();
  }
  function cross(cx, cy) {
    ctx.strokeStyle = '#d32f2f'; ctx.lineWidth = 2; ctx.beginPath();
    ctx.moveTo(cx - 4, cy - 4); ctx.lineTo(cx + 4, cy + 4); ctx.moveTo(cx + 4, cy - 4); ctx.lineTo(cx - 4, cy + 4); ctx.stroke(); ctx.lineWidth = 1.1;
  }
  function placeMarkers(bottom) {
    overlay.innerHTML = '';
    function marker(id, cls, t, i, text, title) {
      var xx = x(t);
      var d = document.createElement('div'); d.id = id; d.className = 'marker ' + cls; d.dataset.eventIndex = String(i); d.dataset.t = String(t);
      d.style.left = xx + 'px'; d.style.top = AXIS_H + 'px'; d.style.height = (bottom - AXIS_H) + 'px'; d.title = title;
      d.hidden = xx < GUTTER || xx > W;
      var s = document.createElement('span'); s.textContent = text; d.appendChild(s);
      if (xx > W - 220) { s.style.left = 'auto'; s.style.right = '4px'; }
      overlay.appendChild(d);
    }
    if (M.violation) marker('violation-marker', '', M.violation.t, M.violation.i, '\u2716 ' + M.violation.property + ' (event ' + M.violation.i + ')', M.violation.detail);
    if (M.tla) marker('tla-marker', 'tla', M.tla.t, M.tla.i, '\u25C6 TLC: first unmatched (event ' + M.tla.i + ')', M.tla.fields.join(', '));
  }

  // ---- interaction ----
  function setRange(a, b) {
    if (!(b > a)) return;
    view.a = a; view.b = b; draw();
  }
  function laneAt(py) { for (var q = 0; q < N; q++) if (laneY[q] >= 0 && py >= laneY[q] && py < laneY[q] + LANE_H) return q; return -1; }
  function nearestStep(q, px) {
    var times = stepTimesOf[q], t = tAt(px), j = lowerBound(times, t), best = -1, bestD = 9;
    for (var c = Math.max(0, j - 1); c <= Math.min(times.length - 1, j); c++) { var d = Math.abs(x(times[c]) - px); if (d < bestD) { bestD = d; best = stepsOf[q][c]; } }
    return best;
  }
  var drag = null;
  timeline.addEventListener('mousedown', function (ev) { drag = { x: ev.clientX, a: view.a, b: view.b, moved: false }; });
  window.addEventListener('mousemove', function (ev) {
    var r = timeline.getBoundingClientRect();
    if (drag) {
      var dx = ev.clientX - drag.x;
      if (Math.abs(dx) > 3) { drag.moved = true; timeline.classList.add('dragging'); }
      if (drag.moved) { var dt = dx / (W - GUTTER) * (drag.b - drag.a); view.a = drag.a - dt; view.b = drag.b - dt; draw(); }
      return;
    }
    hover(ev.clientX - r.left, ev.clientY - r.top);
  });
  window.addEventListener('mouseup', function (ev) {
    if (drag && !drag.moved) {
      var r = timeline.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top, q = laneAt(py);
      if (q >= 0 && px > GUTTER) { var s = nearestStep(q, px); if (s >= 0) select(s); }
    }
    drag = null; timeline.classList.remove('dragging');
  });
  timeline.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = timeline.getBoundingClientRect(), px = ev.clientX - r.left;
    if (ev.shiftKey) { var dt = ev.deltaY / (W - GUTTER) * (view.b - view.a); setRange(view.a + dt, view.b + dt); return; }
    var f = Math.exp(ev.deltaY * 0.0015), t = tAt(Math.max(GUTTER, px));
    setRange(t - (t - view.a) * f, t + (view.b - t) * f);
  }, { passive: false });
  var tip = document.getElementById('tooltip');
  timeline.addEventListener('mouseleave', function () { tip.hidden = true; });
  function hover(px, py) {
    var q = laneAt(py);
    if (q < 0 || px < GUTTER) { tip.hidden = true; return; }
    var s = nearestStep(q, px);
    if (s < 0) { tip.hidden = true; return; }
    tip.textContent = describeStep(s) + '\nclick for the node state';
    tip.hidden = false; tip.style.left = Math.min(px + 12, W - 380) + 'px'; tip.style.top = (py + 14) + 'px';
  }
  function describeStep(s) {
    var txt = M.nodes[st.node[s]] + ' event ' + st.i[s] + ' at ' + fmtMs(st.t[s]) + ': ' + S[st.input[s]] + (st.msgType[s] >= 0 ? ' ' + S[st.msgType[s]] : '');
    if (S[st.actions[s]]) txt += '\nactions: ' + S[st.actions[s]];
    return txt + '\n' + S[st.role[s]] + ', term ' + st.term[s] + ', commit ' + st.commit[s];
  }

  // ---- the state panel: the clicked node's state at that event ----
  function foldLog(q, upto) {
    // Persist records and crashes of node q up to event `upto`, in trace order; a crash loses the
    // node's last lostRecords records (they were never durable).
    var recs = [], p = 0, d = 0, P = M.persists, D = M.down;
    while (true) {
      while (p < P.length && (P[p][1] !== q)) p++;
      while (d < D.length && (D[d][0] !== q)) d++;
      var pi = p < P.length && P[p][0] <= upto ? P[p][0] : Infinity, di = d < D.length && D[d][3] <= upto ? D[d][3] : Infinity;
      if (pi === Infinity && di === Infinity) break;
      if (pi < di) { recs.push(P[p]); p++; } else { recs.splice(Math.max(0, recs.length - D[d][5]), D[d][5]); d++; }
    }
    var log = [], snapIndex = 0, snapTerm = 0, term = 0, vote = null;
    recs.forEach(function (r) {
      if (r[7] >= 0) term = r[7];
      if (r[8] !== -2) vote = r[8] < 0 ? null : M.nodes[r[8]];
      if (r[5] >= 0) { var keep = r[5] - snapIndex; log = keep < log.length ? log.slice(keep) : []; snapIndex = r[5]; snapTerm = r[6]; }
      if (r[2] >= 0) log.length = Math.max(0, Math.min(log.length, r[2] - 1 - snapIndex));
      if (r[3] >= 0) { log.length = Math.max(0, Math.min(log.length, r[3] - 1 - snapIndex)); for (var z = 0; z < r[4].length; z++) log.push(r[4][z]); }
    });
    return { terms: log, snapIndex: snapIndex, snapTerm: snapTerm, term: term, vote: vote, records: recs.length };
  }
  function heldFor(q, i) {
    var out = [];
    for (var k = 0; k < ms.sendI.length && ms.sendI[k] <= i; k++) {
      if (ms.to[k] !== q) continue;
      if (ms.endI[k] < 0 || ms.endI[k] > i) out.push(k);
    }
    return out;
  }
  function termColor(t) { var h = (t * 47) % 360; return 'hsl(' + h + ',60%,82%)'; }
  function el(tag, attrs, text) { var e = document.createElement(tag); for (var a in attrs) e.setAttribute(a, attrs[a]); if (text !== undefined) e.textContent = text; return e; }
  function select(s) {
    selected = s;
    var q = st.node[s], i = st.i[s], panel = document.getElementById('state-panel'), body = document.getElementById('state-body');
    body.innerHTML = '';
    panel.dataset.node = M.nodes[q]; panel.dataset.eventIndex = String(i);
    body.appendChild(el('h2', {}, M.nodes[q] + ' after event ' + i));
    body.appendChild(el('div', { class: 'meta' }, 'at ' + fmtMs(st.t[s]) + ': ' + S[st.input[s]] + (st.msgType[s] >= 0 ? ' ' + S[st.msgType[s]] : '')));
    if (S[st.actions[s]]) body.appendChild(el('div', { class: 'mono' }, S[st.actions[s]]));
    body.appendChild(el('h3', {}, 'state'));
    var tb = el('table', { id: 'state-table' });
    [['role', S[st.role[s]]], ['term', st.term[s]], ['vote', st.vote[s] < 0 ? 'none' : M.nodes[st.vote[s]]], ['commit', st.commit[s]],
      ['last index', st.lastIndex[s] + ' (term ' + st.lastTerm[s] + ')'], ['snapshot index', st.snapshotIndex[s]]].forEach(function (row) {
      var tr = el('tr', { 'data-field': row[0] }); tr.appendChild(el('td', {}, row[0])); tr.appendChild(el('td', { class: 'mono' }, String(row[1]))); tb.appendChild(tr);
    });
    body.appendChild(tb);
    var log = foldLog(q, i);
    body.appendChild(el('h3', {}, 'durable log terms (' + (log.snapIndex + log.terms.length) + ' entries, from ' + log.records + ' persist records)'));
    var cells = el('div', { class: 'log-cells', id: 'log-terms', 'data-terms': log.terms.join(','), 'data-snapshot-index': String(log.snapIndex) });
    if (log.snapIndex > 0) cells.appendChild(el('span', { class: 'cell snap', title: 'snapshot' }, '\u2264' + log.snapIndex + ':t' + log.snapTerm));
    // Runs of one term collapse into one cell (index range, term, count); short runs stay per entry.
    for (var z = 0; z < log.terms.length;) {
      var run = z; while (run < log.terms.length && log.terms[run] === log.terms[z]) run++;
      var first = log.snapIndex + z + 1, last = log.snapIndex + run, len = run - z;
      var pieces = len > 3 ? [[first, last]] : [];
      if (len <= 3) for (var w = first; w <= last; w++) pieces.push([w, w]);
      pieces.forEach(function (pc) {
        var committed = pc[1] <= st.commit[s], label = pc[0] === pc[1] ? String(log.terms[z]) : 't' + log.terms[z] + ' \u00D7' + (pc[1] - pc[0] + 1);
        var c = el('span', { class: 'cell' + (committed ? ' committed' : ''), title: 'index ' + pc[0] + (pc[1] > pc[0] ? '..' + pc[1] : '') + ', term ' + log.terms[z] }, label);
        c.style.background = termColor(log.terms[z]); cells.appendChild(c);
      });
      z = run;
    }
    body.appendChild(cells);
    body.appendChild(el('div', { class: 'meta' }, 'outlined: wholly committed (index \u2264 ' + st.commit[s] + '); hover a cell for its indexes; durable term ' + log.term + ', vote ' + (log.vote || 'none')));
    var held = heldFor(q, i);
    body.appendChild(el('h3', {}, 'held for ' + M.nodes[q] + ': ' + held.length + ' message' + (held.length === 1 ? '' : 's') + ' in flight'));
    var ul = el('ul', { class: 'held', id: 'held-list', 'data-count': String(held.length) });
    held.slice(0, 40).forEach(function (k) {
      ul.appendChild(el('li', {}, S[ms.type[k]] + ' from ' + M.nodes[ms.from[k]] + (ms.term[k] >= 0 ? ' term ' + ms.term[k] : '') + ', sent ' + fmtMs(ms.sendT[k]) + (ms.dup[k] ? ' (dup)' : '') + (ms.status[k] === 2 ? ' (never delivered)' : ms.status[k] === 3 ? ' (lost in the crash)' : '')));
    });
    if (held.length > 40) ul.appendChild(el('li', {}, '\u2026 ' + (held.length - 40) + ' more'));
    body.appendChild(ul);
    panel.hidden = false;
    resize(); draw();
  }
  // ---- view.html#event-N: the linearizability report links an operation's trace events here ----
  // Selects event N's node step, zooms the timeline to it (its lane shown) and opens the state
  // panel. An event that is not a node step (a client's invocation or completion) shows the next
  // node step after it, and the panel says so.
  function showEvent(i) {
    var s = stepByEvent.get(i);
    if (s === undefined) { s = lowerBound(st.i, i); if (s >= st.i.length) return false; }
    var q = st.node[s];
    if (!nodeOn[q]) { nodeOn[q] = true; var cb = document.querySelector('#node-filter input[data-node="' + M.nodes[q] + '"]'); if (cb) cb.checked = true; relabel(); }
    var w = Math.max(5, (M.t1 - M.t0) / 200);
    view.a = st.t[s] - w; view.b = st.t[s] + w;
    select(s);
    var panel = document.getElementById('state-panel');
    panel.dataset.requestedEvent = String(i);
    if (st.i[s] !== i) document.getElementById('state-body').insertBefore(el('div', { class: 'meta', id: 'event-note' }, 'event ' + i + ' is not a node step; the next node step is event ' + st.i[s]), document.getElementById('state-body').firstChild);
    timeline.scrollIntoView({ block: 'nearest' });
    panel.scrollTop = 0;
    return true;
  }
  function showEventFromHash() {
    var m = /^#event-(\d+)$/.exec(window.location.hash);
    if (m) showEvent(Number(m[1]));
  }
  window.addEventListener('hashchange', showEventFromHash);

  document.getElementById('state-close').addEventListener('click', function () { document.getElementById('state-panel').hidden = true; selected = -1; resize(); draw(); });
  window.addEventListener('resize', function () { resize(); relabel(); draw(); });

  // For tests and scripting: where an event is drawn, and selecting one without a mouse.
  window.raftbedViewer = {
    model: M,
    setRange: setRange,
    selectEvent: function (i) { var s = stepByEvent.get(i); if (s !== undefined) select(s); return s !== undefined; },
    showEvent: showEvent,
    view: function () { return { a: view.a, b: view.b }; },
    eventPoint: function (i) {
      var s = stepByEvent.get(i); if (s === undefined || laneY[st.node[s]] < 0) return null;
      var r = timeline.getBoundingClientRect(); return { x: r.left + x(st.t[s]), y: r.top + mid(st.node[s]) };
    },
  };
  resize(); relabel(); draw();
  showEventFromHash();
})();
