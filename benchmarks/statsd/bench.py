#!/usr/bin/env python3
"""StatsD ingest benchmark: Lodestar's listener against Etsy statsd, collectd's statsd plugin and a minimal C
recvmmsg receiver, in one run, on UDP loopback. For each peer and lines-per-packet it searches (geometric
bisection) for the highest rate with < 0.1 % loss. Loss: counters flushed vs counters sent (C receiver:
lines counted vs lines sent). Every run starts the peer afresh, sends a warm-up at the same rate (default
5 s, not measured: JIT, first GCs and creating the 10k keys happen there, for every peer alike), waits until
the peer's output is stable, then measures one 10 s blast; every phase is bounded (at most 15 s to settle).
--warmup 0 measures from a cold start instead. Every run is appended to benchmarks/results/<date>-statsd[-<run>].jsonl.

  benchmarks/run statsd [--steps 5] [--peers sink,lodestar,etsy,collectd] [--lpp 1,20] [--warmup 5] [--run NAME]

Needs gcc, java 17 and Maven (the benchmarks module is built when stale), node + npm for Etsy statsd (installed into
benchmarks/target/statsd-ref, or STATSD_REF names its folder), collectd-core. README.md in this folder.
"""
import argparse, json, os, re, socket, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))
# shared with the other listener benchmarks
from benchutil import (ROOT, Results, blast, build_c, collectd_program, free_port, lodestar_classpath,  # noqa: E402
                       proc_stat, stop, work_dir)
WORK = work_dir('statsd')
NAMES = 10000
ETSY_VERSION = '0.9.0'


class Capture(threading.Thread):
    """Graphite plaintext capture: per name the sum of values and the last value."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.sums, self.last, self.lock = {}, {}, threading.Lock()
        self.start()

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.conn, args=(c,), daemon=True).start()

    def conn(self, c):
        buf = b''
        while True:
            d = c.recv(1 << 16)
            if not d:
                break
            buf += d
            *lines, buf = buf.split(b'\n')
            with self.lock:
                for l in lines:
                    f = l.split()
                    if len(f) >= 2:
                        n = f[0].decode(errors='replace')
                        try:
                            v = float(f[1])
                        except ValueError:
                            continue
                        self.sums[n] = self.sums.get(n, 0.0) + v
                        self.last[n] = v
        c.close()

    def close(self):
        self.sock.close()


def total_cpu(pid):
    """CPU seconds of the process and its children that are still running (node, java)."""
    return proc_stat(pid)[0]


def start_peer(peer, port, cap, rcvbuf):
    os.makedirs(WORK, exist_ok=True)
    log = open(os.path.join(WORK, peer + '.log'), 'w')
    lines = []
    if peer == 'sink':
        p = subprocess.Popen([os.path.join(WORK, 'sink'), '-p', str(port), '-b', str(rcvbuf), '-i', '3'],
                             stdout=subprocess.PIPE, stderr=log, text=True)

        def reader():
            for l in p.stdout:
                lines.append(l.strip())
        threading.Thread(target=reader, daemon=True).start()
    elif peer == 'lodestar':
        p = subprocess.Popen(['java'] + LODESTAR_OPTS.split() + ['-cp', CLASSPATH, 'lodestar.listener.statsd.internal.BenchMain', str(port),
                              str(rcvbuf)], stdout=subprocess.PIPE, stderr=log, text=True)

        def reader():
            for l in p.stdout:
                lines.append(l.strip())
        threading.Thread(target=reader, daemon=True).start()
        for _ in range(100):
            if any(l.startswith('ready') for l in lines):
                break
            time.sleep(0.1)
    elif peer == 'etsy':
        conf = os.path.join(WORK, 'statsd-config.js')
        open(conf, 'w').write('{ port: %d, address: "127.0.0.1", mgmt_address: "127.0.0.1", mgmt_port: %d, '
                              'graphiteHost: "127.0.0.1", graphitePort: %d, flushInterval: 1000, '
                              'backends: ["./backends/graphite"] }\n' % (port, free_port(socket.SOCK_STREAM), cap.port))
        p = subprocess.Popen(['node', 'stats.js', conf], cwd=ETSY, stdout=log, stderr=log)
    elif peer == 'collectd':
        conf = os.path.join(WORK, 'collectd.conf')
        open(conf, 'w').write('''Hostname "bench"
FQDNLookup false
Interval 1
BaseDir "%s"
PIDFile "%s/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin statsd
LoadPlugin write_graphite
<Plugin statsd>
  Host "127.0.0.1"
  Port "%d"
  DeleteCounters false
  DeleteTimers false
  DeleteGauges false
  DeleteSets false
</Plugin>
<Plugin write_graphite>
  <Node "cap">
    Host "127.0.0.1"
    Port "%d"
    Protocol "tcp"
    StoreRates false
  </Node>
</Plugin>
''' % (WORK, WORK, port, cap.port))
        p = subprocess.Popen([collectd_program(), '-f', '-C', conf], stdout=log, stderr=log)
    else:
        raise SystemExit('unknown peer ' + peer)
    time.sleep(2.0)
    return p, lines


def received(peer, p, lines, cap):
    """What the peer has delivered so far, in the unit blast's counters (C receiver: lines) are counted in."""
    if peer == 'sink':
        for l in reversed(lines):
            if l.startswith('{'):
                return float(json.loads(l)['lines'])
        return 0.0
    if peer == 'lodestar':
        for l in reversed(lines):
            m = re.match(r'flush counters=(\d+)', l)
            if m:
                return float(m.group(1))
        return 0.0
    with cap.lock:
        if peer == 'etsy':
            return sum(v for n, v in cap.sums.items() if n.startswith('stats_counts.bench.c'))
        if peer == 'collectd':
            # collectd's counters are cumulative (DeleteCounters false): the last value per counter is its total
            return sum(v for n, v in cap.last.items() if re.search(r'derive-bench[._]c\d+$', n))
    return 0.0


def send(port, rate, secs, lpp):
    return blast(os.path.join(WORK, 'blast'), port, rate, secs, lpp, NAMES)


def settle(peer, p, lines, cap):
    """Waits until what the peer delivered stopped changing (2 s; at most 15 s); returns it and the wait."""
    last, stable, t0 = -1, 0, time.time()
    while time.time() - t0 < 15:
        time.sleep(0.5)
        cur = received(peer, p, lines, cap)
        stable = stable + 1 if cur == last and cur > 0 else 0
        last = cur
        # the C receiver prints its totals 200 ms after traffic stops; the others flush every second
        if stable >= (2 if peer == 'sink' else 4):
            break
    return last, round(time.time() - t0, 1)


def run(peer, lpp, rate, secs, rcvbuf, warmup):
    """One run: optionally a warm-up at the same rate (not measured), then the measured blast. Loss is counted
    over the measured blast only: delivered after it minus delivered before it, against what it sent."""
    cap = Capture()
    port = free_port(socket.SOCK_DGRAM)
    p, lines = start_peer(peer, port, cap, rcvbuf)
    base = 0.0
    if warmup > 0:
        send(port, rate, warmup, lpp)
        base, _ = settle(peer, p, lines, cap)
    cpu0 = total_cpu(p.pid)
    sent = send(port, rate, secs, lpp)
    cpu1, rss, hwm = proc_stat(p.pid)
    res = {'peer': peer, 'lpp': lpp, 'rate': rate, 'warmup_s': warmup, 'sent_lps': sent['sent_lps'],
           'peer_cpu_pct': round(100 * (cpu1 - cpu0) / secs, 1), 'rss_mb': round(rss, 1), 'rss_peak_mb': round(hwm, 1)}
    last, res['settled_s'] = settle(peer, p, lines, cap)
    want = sent['lines'] if peer == 'sink' else sent['counters']
    res['loss_pct'] = 100.0 * (want - (last - base)) / max(1, want)
    if peer == 'lodestar':
        kd = [l for l in lines if l.startswith('flush')]
        res['lodestar'] = kd[-1] if kd else ''
    stop(p)
    cap.close()
    res['loss_pct'] = round(res['loss_pct'], 4)
    res['load1'] = os.getloadavg()[0]
    res.update(TAG)
    RESULTS.add(res)
    return res


TAG = {}
RESULTS = None
CLASSPATH = None
ETSY = os.environ.get('STATSD_REF') or os.path.join(ROOT, 'benchmarks', 'target', 'statsd-ref', 'node_modules', 'statsd')


def launcher_opts():
    """The JVM options the platform's launcher (./lodestar) runs with by default, so the benchmark measures
    the listener as it is deployed."""
    src = open(os.path.join(ROOT, 'lodestar')).read()
    m = re.search(r'default_opts="([^"]*)"', src)
    return ' '.join(m.group(1).replace('\\\n', ' ').split())


LODESTAR_OPTS = launcher_opts()
RANGES = {('sink', 1): (50000, 1600000), ('sink', 20): (500000, 20000000),
          ('lodestar', 1): (20000, 800000), ('lodestar', 20): (100000, 4000000),
          ('etsy', 1): (1000, 40000), ('etsy', 20): (5000, 400000),
          ('collectd', 1): (2000, 40000), ('collectd', 20): (5000, 400000)}


def search(peer, lpp, steps, secs, rcvbuf, warmup):
    lo, hi = RANGES[(peer, lpp)]
    best = None
    for _ in range(steps):
        rate = int((lo * hi) ** 0.5)
        r = run(peer, lpp, rate, secs, rcvbuf, warmup)
        if r['loss_pct'] < 0.1:
            lo = rate
            # the generator may not reach a high asked rate: the best is what was actually sent
            if best is None or r['sent_lps'] > best['sent_lps']:
                best = r
        else:
            hi = rate
    return best


def prepare(peers):
    """Builds the C tools, and what the asked peers need: Lodestar's classes, Etsy statsd."""
    global CLASSPATH
    build_c(os.path.join(HERE, 'blast.c'), os.path.join(WORK, 'blast'))
    build_c(os.path.join(HERE, 'sink.c'), os.path.join(WORK, 'sink'))
    if 'lodestar' in peers:
        CLASSPATH = lodestar_classpath()
    if 'etsy' in peers and not os.path.isfile(os.path.join(ETSY, 'stats.js')):
        if os.environ.get('STATSD_REF'):
            raise SystemExit('STATSD_REF=%s: no stats.js there' % ETSY)
        subprocess.run(['npm', 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix',
                        os.path.dirname(os.path.dirname(ETSY)), 'statsd@' + ETSY_VERSION], check=True)
    if 'collectd' in peers:
        collectd_program()


def main():
    global LODESTAR_OPTS, RESULTS
    a = argparse.ArgumentParser()
    a.add_argument('--peers', default='sink,lodestar,etsy,collectd')
    a.add_argument('--lpp', default='1,20')
    a.add_argument('--steps', type=int, default=5)
    a.add_argument('--secs', type=int, default=10)
    a.add_argument('--warmup', type=int, default=5, help='seconds of unmeasured traffic at the same rate first (0: cold)')
    a.add_argument('--lodestar-opts', default=LODESTAR_OPTS,
                   help='JVM options of the Lodestar peer (default: the launcher\'s, ' + LODESTAR_OPTS + ')')
    a.add_argument('--tag', default='', help='key=value[,key=value] added to every result line')
    a.add_argument('--run', default='', help='names the results file: benchmarks/results/<date>-statsd-<run>.jsonl')
    a.add_argument('--no-goal', action='store_true', help='skip the run of Lodestar at half the C receiver\'s rate')
    a.add_argument('--rcvbuf', type=int, default=8 << 20, help='SO_RCVBUF asked by Lodestar and the C receiver')
    o = a.parse_args()
    TAG.update(kv.split('=', 1) for kv in o.tag.split(',') if '=' in kv)
    LODESTAR_OPTS = o.lodestar_opts
    RESULTS = Results('statsd', o.run)
    prepare(o.peers.split(','))
    table = []
    goals = []
    for lpp in [int(x) for x in o.lpp.split(',')]:
        for peer in o.peers.split(','):
            b = search(peer, lpp, o.steps, o.secs, o.rcvbuf, o.warmup)
            table.append((peer, lpp, b))
        # the goal, tested directly: Lodestar at half the rate the C receiver reached in this run
        c = next((t[2] for t in table if t[0] == 'sink' and t[1] == lpp), None)
        if c and 'lodestar' in o.peers.split(',') and not o.no_goal:
            r = run('lodestar', lpp, int(c['sent_lps'] / 2), o.secs, o.rcvbuf, o.warmup)
            goals.append((lpp, c['sent_lps'], r))
    print('\n| peer | lines/pkt | highest rate < 0.1 % loss (lines/s) | loss there | peer CPU (% of 1 core) | RSS at that rate (peak) |')
    print('|---|---|---|---|---|---|')
    for peer, lpp, b in table:
        if b:
            print('| %s | %d | %d | %.4f %% | %.0f | %.0f MB (%.0f MB) |' % (peer, lpp, b['sent_lps'], b['loss_pct'],
                                                                        b['peer_cpu_pct'], b['rss_mb'], b['rss_peak_mb']))
        else:
            print('| %s | %d | none in range | | | |' % (peer, lpp))
    for lpp, c, r in goals:
        print('goal, lpp %d: Lodestar at half the C receiver\'s %d lines/s: %d lines/s, loss %.4f %% -> %s'
              % (lpp, c, r['sent_lps'], r['loss_pct'], 'met' if r['loss_pct'] < 0.1 else 'NOT met'))
    print('\nratios (Lodestar / peer, same lines per packet):')
    for lpp in sorted({t[1] for t in table}):
        lod = next((t[2] for t in table if t[0] == 'lodestar' and t[1] == lpp), None)
        for peer, l, b in table:
            if l == lpp and peer != 'lodestar' and lod and b:
                print('  lpp %d: lodestar / %s = %.2f' % (lpp, peer, lod['sent_lps'] / b['sent_lps']))


if __name__ == '__main__':
    main()
