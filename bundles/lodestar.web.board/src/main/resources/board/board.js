/*
 * Lodestar status board. Live by server-sent events (/board/events): "snapshot" draws the whole board, "tile"
 * replaces one tile, "ping" is the heartbeat. Everything the server sends is inserted as text (textContent),
 * never as markup. When the stream breaks (a platform restart), a banner says since when, and the page
 * reconnects by itself, without reloading.
 */
(function () {
  'use strict';

  var RECONNECT_MS = 2000;
  var silenceMs = 35000; // 3.5 heartbeats without any event: the connection is dead even if no error came

  var hooks = window.lodestarBoard = {
    snapshots: 0, tiles: 0, pings: 0, connected: false, reconnects: 0, disconnectedSince: null
  };
  var nodes = {};        // tile id -> element
  var tiles = {};        // tile id -> last tile data
  var offset = 0;        // server time - local time
  var source = null;
  var lastMessage = 0;
  var reconnectTimer = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function serverNow() { return Date.now() + offset; }

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) { return s + 's'; }
    var m = Math.floor(s / 60); s %= 60;
    if (m < 60) { return m + 'm ' + s + 's'; }
    var h = Math.floor(m / 60); m %= 60;
    if (h < 48) { return h + 'h ' + m + 'm'; }
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  function time(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  var STATUSES = ['ok', 'warning', 'critical', 'unknown'];
  function statusClass(s) { return STATUSES.indexOf(s) >= 0 ? s : 'unknown'; }

  function strip(history) {
    var box = el('div', 'strip');
    (history || []).forEach(function (seg) {
      var c = el('span', 'cell ' + statusClass(seg.s));
      var span = seg.to - seg.from;
      c.title = String(seg.s).toUpperCase() + ' at ' + time(seg.from) +
        (seg.n > 1 ? ', ' + seg.n + ' results over ' + duration(span) : '');
      box.appendChild(c);
    });
    return box;
  }

  function tileNode(t) {
    var a = el('a', 'tile ' + (t.kind === 'component' ? 'component ' : '') + statusClass(t.status));
    a.dataset.id = t.id;
    a.dataset.status = statusClass(t.status);
    if (typeof t.link === 'string' && t.link.indexOf('/explore#') === 0) {
      a.href = t.link;
      a.title = 'Chart in the explorer';
    }
    var top = el('div', 'top');
    top.appendChild(el('span', 'name', t.name));
    top.appendChild(el('span', 'label', t.label));
    a.appendChild(top);
    a.appendChild(el('div', 'value', t.value));
    a.appendChild(el('div', 'message', t.message));
    var foot = el('div', 'foot');
    var since = el('span', 'since');
    since.dataset.since = t.since;
    foot.appendChild(since);
    foot.appendChild(strip(t.history));
    a.appendChild(foot);
    return a;
  }

  function tickSince() {
    var now = serverNow();
    var list = document.querySelectorAll('.since');
    for (var i = 0; i < list.length; i++) {
      var s = Number(list[i].dataset.since);
      list[i].textContent = s > 0 ? 'for ' + duration(now - s) : '';
    }
    document.getElementById('clock').textContent = time(Date.now());
    if (hooks.disconnectedSince !== null) { showBanner(); }
  }

  function summary() {
    var counts = { ok: 0, warning: 0, critical: 0, unknown: 0 };
    Object.keys(tiles).forEach(function (id) { counts[statusClass(tiles[id].status)]++; });
    var box = document.getElementById('summary');
    box.textContent = '';
    STATUSES.forEach(function (s) {
      box.appendChild(el('span', 'count ' + s, counts[s] + ' ' + s));
    });
  }

  function onSnapshot(data) {
    offset = data.now - Date.now();
    if (data.heartbeat > 0) { silenceMs = Math.max(5000, data.heartbeat * 3.5); }
    var title = String(data.title || 'Lodestar');
    document.getElementById('title').textContent = title;
    document.title = title;
    var main = document.getElementById('groups');
    main.textContent = '';
    nodes = {};
    tiles = {};
    (data.groups || []).forEach(function (g) {
      var section = el('section', 'group');
      section.appendChild(el('h2', null, g.name));
      var grid = el('div', 'tiles');
      g.tiles.forEach(function (t) {
        var n = tileNode(t);
        nodes[t.id] = n;
        tiles[t.id] = t;
        grid.appendChild(n);
      });
      section.appendChild(grid);
      main.appendChild(section);
    });
    if (!data.groups || data.groups.length === 0) {
      main.appendChild(el('p', 'empty', 'No checks and no running parts yet.'));
    }
    hooks.snapshots++;
    summary();
    tickSince();
  }

  function onTile(data) {
    offset = data.now - Date.now();
    var t = data.tile;
    var old = nodes[t.id];
    if (!old) { return; } // a new tile comes with a snapshot
    var n = tileNode(t);
    if (old.dataset.status !== n.dataset.status) { n.classList.add('changed'); }
    old.parentNode.replaceChild(n, old);
    nodes[t.id] = n;
    tiles[t.id] = t;
    hooks.tiles++;
    summary();
    tickSince();
  }

  function showBanner() {
    var b = document.getElementById('banner');
    b.textContent = 'Disconnected since ' + time(hooks.disconnectedSince) + ' (' +
      duration(Date.now() - hooks.disconnectedSince) + '): reconnecting\u2026';
    b.hidden = false;
  }

  function connected() {
    hooks.connected = true;
    hooks.disconnectedSince = null;
    document.getElementById('banner').hidden = true;
  }

  function disconnected() {
    hooks.connected = false;
    if (hooks.disconnectedSince === null) { hooks.disconnectedSince = Date.now(); }
    showBanner();
    if (source) { source.close(); source = null; }
    if (reconnectTimer === null) {
      reconnectTimer = setTimeout(function () { reconnectTimer = null; hooks.reconnects++; connect(); }, RECONNECT_MS);
    }
  }

  function handler(fn) {
    return function (e) {
      lastMessage = Date.now();
      var data;
      try { data = JSON.parse(e.data); } catch (x) { return; }
      fn(data);
    };
  }

  function connect() {
    lastMessage = Date.now();
    source = new EventSource('/board/events');
    source.addEventListener('snapshot', handler(function (d) { onSnapshot(d); connected(); }));
    source.addEventListener('tile', handler(onTile));
    source.addEventListener('ping', handler(function (d) { offset = d.now - Date.now(); hooks.pings++; }));
    source.onerror = function () { disconnected(); };
  }

  setInterval(function () {
    tickSince();
    if (source && Date.now() - lastMessage > silenceMs) { disconnected(); }
  }, 1000);

  connect();
}());
