package lodestar.dashboard.internal;

/**
 * The fixed parts of the status board page: its style and the script that polls the JSON every
 * {@link StatusBoard#REFRESH_MILLIS} and redraws both tables. Plain JavaScript, no library and nothing
 * loaded from elsewhere; every text goes in through {@code textContent}, never as markup. Neither part
 * may contain a dollar sign followed by a brace or a backslash: the web console's output filter would
 * rewrite them (see {@link Html#text(StringBuilder, String)}).
 */
final class Page {

    private Page() {
    }

    static final String STYLE = """
            <style>
            #ls-board .ls-h { font-size: 11pt; margin: 1.2em 0 0.4em 0; }
            #ls-board .ls-table { width: 100%; }
            #ls-board .ls-table td { vertical-align: top; }
            #ls-board .ls-badge { display: inline-block; min-width: 5em; padding: 1px 8px; border-radius: 9px;
                color: #fff; font-weight: bold; text-align: center; }
            #ls-board .ls-ok { background: #2e7d32; }
            #ls-board .ls-warn { background: #f2b705; color: #222; }
            #ls-board .ls-bad { background: #c62828; }
            #ls-board .ls-off { background: #8a8a8a; }
            #ls-board .ls-name { font-weight: bold; }
            #ls-board .ls-num { text-align: right; white-space: nowrap; }
            #ls-board .ls-counter { white-space: nowrap; margin-right: 0.8em; }
            #ls-board .ls-text { white-space: pre-wrap; word-break: break-word; }
            #ls-board .ls-empty { color: #777; font-style: italic; }
            #ls-board .ls-problem { color: #fff; background: #c62828; padding: 4px 8px; font-weight: bold; }
            #ls-board .ls-stale { color: #c62828; font-weight: bold; }
            </style>
            """;

    static final String SCRIPT = """
            <script>
            (function () {
              'use strict';
              var board = document.getElementById('ls-board');
              if (!board || !window.fetch || !window.URL) { return; }
              // absolute and without user:password: fetch refuses URLs with credentials, and a relative URL
              // inherits them from a page opened as http://user:pw@host/...; the browser still authenticates
              var url = new URL(board.getAttribute('data-status-url'), window.location.href);
              url.username = '';
              url.password = '';
              url = url.href;
              var every = parseInt(board.getAttribute('data-refresh'), 10) || 2000;
              var badges = ['ok', 'warn', 'bad', 'off'];
              var lastOk = null;

              function el(tag, cls, text) {
                var e = document.createElement(tag);
                if (cls) { e.className = cls; }
                if (text !== undefined && text !== null) { e.textContent = String(text); }
                return e;
              }
              function badge(kind, text) {
                return el('span', 'ls-badge ls-' + (badges.indexOf(kind) >= 0 ? kind : 'warn'), text);
              }
              function cell(tr, cls, content) {
                var td = el('td', cls);
                if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content == null ? '' : String(content); }
                tr.appendChild(td);
                return td;
              }
              function fill(table, rows, empty, render) {
                var old = table.tBodies[0];
                var body = el('tbody');
                if (!rows || rows.length === 0) {
                  var tr = el('tr');
                  cell(tr, 'ls-empty', empty).colSpan = 5;
                  body.appendChild(tr);
                } else {
                  rows.forEach(function (r) { body.appendChild(render(r)); });
                }
                table.replaceChild(body, old);
              }
              function component(c) {
                var tr = el('tr');
                cell(tr, '', c.type);
                cell(tr, 'ls-name', c.name);
                cell(tr, '', badge(c.badge, c.detail && c.detail !== c.state ? c.state + ' (' + c.detail + ')' : c.state));
                var counters = el('td', 'ls-counters');
                var keys = Object.keys(c.counters || {});
                if (keys.length === 0) { counters.textContent = '-'; }
                keys.forEach(function (k) {
                  var span = el('span', 'ls-counter', k + '=');
                  span.appendChild(el('b', '', c.counters[k]));
                  counters.appendChild(span);
                  counters.appendChild(document.createTextNode(' '));
                });
                tr.appendChild(counters);
                cell(tr, 'ls-text', c.lastError);
                return tr;
              }
              function check(c) {
                var tr = el('tr');
                cell(tr, 'ls-name', c.name);
                cell(tr, '', badge(c.badge, c.status));
                cell(tr, 'ls-num', c['for']);
                cell(tr, 'ls-num', c.value == null ? '-' : c.value);
                cell(tr, 'ls-text', c.message);
                return tr;
              }
              function line(text, stale) {
                var p = document.getElementById('ls-line');
                p.textContent = text;
                p.className = stale ? 'statline ls-stale' : 'statline';
              }
              function show(d) {
                var problem = document.getElementById('ls-problem');
                problem.textContent = d.problem || '';
                problem.hidden = !d.problem;
                fill(document.getElementById('ls-components'), d.components, 'no beacons or sinks are running', component);
                fill(document.getElementById('ls-checks'), d.checks, 'no checks are running', check);
                lastOk = new Date();
                line(d.components.length + ' components, ' + d.checks.length + ' checks; updated '
                    + lastOk.toLocaleTimeString() + ', refreshing every ' + Math.round(every / 1000) + ' s', false);
              }
              function tick() {
                fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'application/json' } })
                  .then(function (r) {
                    if (!r.ok) { throw new Error('HTTP ' + r.status); }
                    return r.json();
                  })
                  .then(show)
                  .catch(function (e) {
                    line('not updated' + (lastOk ? ' since ' + lastOk.toLocaleTimeString() : '') + ': ' + e.message, true);
                  })
                  .then(function () { setTimeout(tick, every); });
              }
              setTimeout(tick, every);
            })();
            </script>
            """;
}
