/*
 * Lodestar metric explorer. State lives in the URL fragment, exactly
 *   #target=<url-encoded target>&target=...&range=1h
 * so a link (and the status board's tiles) open the same view. Data comes from the Graphite read API of the same
 * origin: /metrics/find?query=<glob> to search, /render?target=...&from=-1h&format=json to draw. Everything a
 * series name brings in is shown with textContent: a name with <script> is text.
 */
(function () {
  'use strict';

  var body = document.body;
  var MAX_SERIES = parseInt(body.getAttribute('data-max-series'), 10) || 12;
  var REFRESH_MS = parseInt(body.getAttribute('data-refresh-ms'), 10) || 5000;
  var API = body.getAttribute('data-api') || '';
  var MAX_TARGETS = MAX_SERIES;   // one target can match several series; neither list grows past the bound
  var MAX_TARGET_LENGTH = 500;
  var MAX_RESULTS = 200;

  var RANGES = [
    { key: '15m', from: '-15min', label: '15 min' },
    { key: '1h', from: '-1h', label: '1 h' },
    { key: '6h', from: '-6h', label: '6 h' },
    { key: '24h', from: '-24h', label: '24 h' },
    { key: '7d', from: '-7d', label: '7 d' }
  ];
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2',
                '#7f7f7f', '#bcbd22'];

  var state = { targets: [], range: '1h' };
  var chart = null;
  var chartKey = '';
  var timer = null;
  var generation = 0;   // a newer view makes an older answer stale
  var inFlight = -1;    // the generation whose render request is under way

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function rangeOf(key) {
    for (var i = 0; i < RANGES.length; i++) {
      if (RANGES[i].key === key) { return RANGES[i]; }
    }
    return null;
  }

  // ---- the fragment -------------------------------------------------------------------------------------------

  function parseFragment(hash) {
    var s = { targets: [], range: '1h' };
    var h = (hash || '').replace(/^#/, '');
    if (!h) { return s; }
    h.split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      if (eq < 0) { return; }
      var k = part.substring(0, eq);
      var v;
      try { v = decodeURIComponent(part.substring(eq + 1).replace(/\+/g, ' ')); } catch (e) { return; }
      if (k === 'target' && v && v.length <= MAX_TARGET_LENGTH && s.targets.length < MAX_TARGETS
          && s.targets.indexOf(v) < 0) {
        s.targets.push(v);
      } else if (k === 'range' && rangeOf(v)) {
        s.range = v;
      }
    });
    return s;
  }

  function fragment(s) {
    var parts = s.targets.map(function (t) { return 'target=' + encodeURIComponent(t); });
    parts.push('range=' + s.range);
    return '#' + parts.join('&');
  }

  function setState(s) {
    var hash = fragment(s);
    if (location.hash !== hash) {
      location.hash = hash;    // hashchange draws it
    } else {
      show();
    }
  }

  // ---- helpers for names and numbers -------------------------------------------------------------------------

  /** "name;k=v;k2=v2" -> { name, tags: [[k, v], ...] } */
  function splitKey(key) {
    var parts = String(key).split(';');
    var tags = [];
    for (var i = 1; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      tags.push(eq < 0 ? [parts[i], ''] : [parts[i].substring(0, eq), parts[i].substring(eq + 1)]);
    }
    return { name: parts[0], tags: tags };
  }

  function tagsOf(series) {
    var fromKey = splitKey(series.target).tags;
    if (fromKey.length || !series.tags) { return fromKey; }
    var t = [];
    Object.keys(series.tags).sort().forEach(function (k) {
      if (k !== 'name') { t.push([k, String(series.tags[k])]); }
    });
    return t;
  }

  function si(v) {
    if (v === null || v === undefined || isNaN(v)) { return '--'; }
    var a = Math.abs(v);
    var units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0]) { return trim(v / units[i][0]) + units[i][1]; }
    }
    return trim(v);
  }

  function trim(v) {
    var a = Math.abs(v);
    var s = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
    return s.indexOf('.') >= 0 && s.indexOf('e') < 0 ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  }

  function api(path, params) {
    var q = params.map(function (p) { return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]); }).join('&');
    return fetch(API + path + '?' + q, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) {
          return r.text().then(function (t) {
            throw new Error('HTTP ' + r.status + (t ? ': ' + t.substring(0, 200) : ''));
          });
        }
        return r.json();
      });
  }

  function status(text, bad) {
    var s = document.getElementById('status');
    s.textContent = text;
    s.className = bad ? 'bad' : '';
  }

  // ---- search --------------------------------------------------------------------------------------------------

  function search(query) {
    var results = document.getElementById('results');
    var note = document.getElementById('results-note');
    clear(results);
    note.textContent = 'searching...';
    api('/metrics/find', [['query', query]]).then(function (nodes) {
      clear(results);
      if (!Array.isArray(nodes)) { nodes = []; }
      nodes.slice(0, MAX_RESULTS).forEach(function (n) {
        var li = el('li', n.leaf ? 'leaf' : 'branch');
        var parsed = splitKey(n.id);
        var b = el('button', null, n.leaf ? parsed.name : parsed.name + '.*');
        b.type = 'button';
        b.title = n.leaf ? 'plot it' : 'look inside';
        b.addEventListener('click', function () {
          if (n.leaf) {
            addTarget(n.id);
          } else {
            document.getElementById('query').value = n.id + '.*';
            search(n.id + '.*');
          }
        });
        li.appendChild(b);
        parsed.tags.forEach(function (t) { li.appendChild(el('span', 'tag', t[0] + '=' + t[1])); });
        results.appendChild(li);
      });
      note.textContent = nodes.length === 0 ? 'nothing matches ' + query
        : nodes.length > MAX_RESULTS ? 'the first ' + MAX_RESULTS + ' of ' + nodes.length : nodes.length + ' found';
    }).catch(function (e) {
      note.textContent = 'search failed: ' + e.message;
    });
  }

  function addTarget(t) {
    t = String(t).trim();
    if (!t || t.length > MAX_TARGET_LENGTH) { return; }
    var s = { targets: state.targets.slice(), range: state.range };
    if (s.targets.indexOf(t) >= 0) { return; }
    if (s.targets.length >= MAX_TARGETS) {
      document.getElementById('note').textContent = 'at most ' + MAX_TARGETS + ' targets: remove one first';
      return;
    }
    s.targets.push(t);
    setState(s);
  }

  function removeTarget(t) {
    setState({ targets: state.targets.filter(function (x) { return x !== t; }), range: state.range });
  }

  // ---- the view ------------------------------------------------------------------------------------------------

  function drawRanges() {
    var nav = document.getElementById('ranges');
    clear(nav);
    RANGES.forEach(function (r) {
      var b = el('button', r.key === state.range ? 'active' : null, r.label);
      b.type = 'button';
      b.setAttribute('data-range', r.key);
      b.addEventListener('click', function () {
        setState({ targets: state.targets.slice(), range: r.key });
      });
      nav.appendChild(b);
    });
  }

  function drawTargets() {
    var ul = document.getElementById('targets');
    clear(ul);
    state.targets.forEach(function (t) {
      var li = el('li', null);
      li.appendChild(el('code', null, t));
      var x = el('button', 'remove', '\u00d7');
      x.type = 'button';
      x.title = 'remove';
      x.addEventListener('click', function () { removeTarget(t); });
      li.appendChild(x);
      ul.appendChild(li);
    });
    var share = document.getElementById('share');
    var link = location.origin + '/explore' + fragment(state);
    share.href = link;
    share.textContent = link;
  }

  function show() {
    state = parseFragment(location.hash);
    generation++;
    drawRanges();
    drawTargets();
    if (timer) { clearInterval(timer); timer = null; }
    if (state.targets.length === 0) {
      destroyChart();
      clear(document.querySelector('#series tbody'));
      document.getElementById('note').textContent = 'search for a series and pick it, or open a link /explore#target=...';
      status('', false);
      return;
    }
    refresh();
    timer = setInterval(refresh, REFRESH_MS);
  }

  function refresh() {
    // one render request at a time: on a slow answer the next poll is skipped, not queued behind it
    if (inFlight === generation) { return; }
    var mine = generation;
    inFlight = mine;
    var range = rangeOf(state.range);
    var width = Math.max(200, document.getElementById('chart').clientWidth || 800);
    var params = state.targets.map(function (t) { return ['target', t]; });
    params.push(['from', range.from], ['until', 'now'], ['format', 'json'], ['maxDataPoints', String(width)]);
    api('/render', params).then(function (list) {
      if (inFlight === mine) { inFlight = -1; }
      if (mine !== generation) { return; }
      if (!Array.isArray(list)) { throw new Error('not a render answer'); }
      draw(list);
      status('updated ' + new Date().toLocaleTimeString(), false);
    }).catch(function (e) {
      if (inFlight === mine) { inFlight = -1; }
      if (mine !== generation) { return; }
      status('no data: ' + e.message, true);
    });
  }

  /** [from, to] of the chosen range in epoch seconds, ending now. */
  function windowNow() {
    var now = Date.now() / 1000;
    return [now - rangeSeconds(state.range), now];
  }

  function rangeSeconds(key) {
    var m = /^(\d+)(m|h|d)$/.exec(key);
    return parseInt(m[1], 10) * (m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 86400);
  }

  function destroyChart() {
    if (chart) { chart.destroy(); chart = null; chartKey = ''; }
  }

  function draw(list) {
    var note = document.getElementById('note');
    var shown = list.slice(0, MAX_SERIES);
    note.textContent = list.length > MAX_SERIES ? 'showing ' + MAX_SERIES + ' of ' + list.length + ' series'
      : list.length === 0 ? 'no series matches' : '';

    // align every series on one time axis (Graphite gives [value, seconds] pairs)
    var times = {};
    shown.forEach(function (s) {
      (s.datapoints || []).forEach(function (p) { times[p[1]] = true; });
    });
    var xs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    xs.forEach(function (t, i) { index[t] = i; });
    var data = [xs];
    shown.forEach(function (s) {
      data.push(values(s.datapoints || [], xs, index));
    });

    var key = shown.map(function (s) { return s.target; }).join('\n');
    var el0 = document.getElementById('chart');
    var width = Math.max(200, el0.clientWidth || 800);
    if (chart && key === chartKey) {
      chart.setData(data);
    } else {
      destroyChart();
      var series = [{}];
      shown.forEach(function (s, i) {
        series.push({
          label: String(s.target),
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: false,
          value: function (u, v) { return si(v); }
        });
      });
      chart = new uPlot({
        width: width,
        height: 380,
        series: series,
        // the chosen window, not the span of the data: a series that began five minutes ago shows as such
        scales: { x: { time: true, range: function () { return windowNow(); } } },
        axes: [{}, { values: function (u, vals) { return vals.map(si); }, size: 60 }],
        cursor: { drag: { x: false, y: false } },
        legend: { live: true }
      }, data, el0);
      chartKey = key;
    }
    drawTable(shown);
  }

  /**
   * One series' values on the shared time axis. An empty bucket (a null from Graphite) between two points is
   * usually jitter of the collection times against the step: left undefined, which uPlot draws across. Only a
   * silence longer than three of the series' usual intervals (a platform that was down) is a gap: null there.
   */
  function values(points, xs, index) {
    var ys = new Array(xs.length);
    var real = points.filter(function (p) { return typeof p[0] === 'number'; });
    var deltas = [];
    for (var i = 1; i < real.length; i++) { deltas.push(real[i][1] - real[i - 1][1]); }
    deltas.sort(function (a, b) { return a - b; });
    var usual = deltas.length ? deltas[Math.floor(deltas.length / 2)] : 0;
    var prev = null;
    real.forEach(function (p) {
      if (prev !== null && usual > 0 && p[1] - prev > 3 * usual) {
        var after = index[prev] + 1;
        if (after < xs.length && xs[after] < p[1]) { ys[after] = null; }
      }
      ys[index[p[1]]] = p[0];
      prev = p[1];
    });
    return ys;
  }

  function drawTable(shown) {
    var tbody = document.querySelector('#series tbody');
    clear(tbody);
    shown.forEach(function (s, i) {
      var last = null;
      var pts = s.datapoints || [];
      for (var j = pts.length - 1; j >= 0; j--) {
        if (pts[j][0] !== null) { last = pts[j]; break; }
      }
      var tr = el('tr');
      var swatch = el('td');
      var dot = el('span', 'swatch');
      dot.style.background = COLORS[i % COLORS.length];
      swatch.appendChild(dot);
      tr.appendChild(swatch);
      tr.appendChild(el('td', 'name', splitKey(s.target).name));
      var tags = el('td');
      tagsOf(s).forEach(function (t) { tags.appendChild(el('span', 'tag', t[0] + '=' + t[1])); });
      tr.appendChild(tags);
      tr.appendChild(el('td', 'num', last ? si(last[0]) : '--'));
      tr.appendChild(el('td', null, last ? new Date(last[1] * 1000).toLocaleTimeString() : ''));
      tbody.appendChild(tr);
    });
  }

  // ---- wiring --------------------------------------------------------------------------------------------------

  document.getElementById('find').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = document.getElementById('query').value.trim();
    if (q) { search(q); }
  });
  document.getElementById('plot-glob').addEventListener('click', function () {
    addTarget(document.getElementById('query').value);
  });
  window.addEventListener('hashchange', show);
  window.addEventListener('resize', function () {
    if (chart) { chart.setSize({ width: Math.max(200, document.getElementById('chart').clientWidth), height: 380 }); }
  });
  // read-only view for tests and for a curious operator's browser console
  window.lodestarExplorer = {
    state: function () { return { targets: state.targets.slice(), range: state.range }; },
    xRange: function () { return chart ? [chart.scales.x.min, chart.scales.x.max] : null; },
    seriesLabels: function () { return chart ? chart.series.slice(1).map(function (s) { return s.label; }) : []; }
  };
  show();
  // the search starts beside what the link plots (its siblings), or at the top
  var first = state.targets.length ? splitKey(state.targets[0]).name : '';
  var start = first.lastIndexOf('.') > 0 && !/[(){},]/.test(first) ? first.substring(0, first.lastIndexOf('.')) + '.*' : '*';
  document.getElementById('query').value = start;
  search(start);
}());
