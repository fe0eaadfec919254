#!/usr/bin/env python3
"""collectd ingest benchmark: Lodestar's collectd listener against collectd 5.12's own network server, in one
run, on UDP loopback, ~50 GAUGE values per packet (blast.c). For each peer it searches (geometric
bisection) for the highest rate with < 0.1 % loss AND no backlog (the peer has written everything within
--maxlag seconds after the blast), then runs once at 2x that rate. Every run is bounded (10 s blast + at most
20 s to settle) and appended to benchmarks/results/<date>-collectd[-<run>].jsonl.

  benchmarks/run collectd [--steps 5] [--peers collectd,lodestar] [--secs 10] [--run NAME]

collectd: network plugin as server, csv plugin writing to stdout (DataDir "stdout"), read and counted by this
script and otherwise discarded. Lodestar: the listener's Engine outside OSGi with a counting pipeline (BenchMain).
Loss = values sent - values written (collectd) / emitted (Lodestar).
Needs gcc, python3, Java 17 and Maven (the benchmarks module is built when stale), collectd-core. README.md here.
"""
import argparse, os, re, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))
# shared with the other listener benchmarks
from benchutil import (Results, blast, build_c, collectd_program, free_port, lodestar_classpath, proc_stat,  # noqa: E402
                       stop, work_dir)
WORK = work_dir('collectd')
NAMES = 10000
VPP = 50


class Peer:
    def __init__(self, kind, port, rcvbuf):
        os.makedirs(WORK, exist_ok=True)
        self.kind, self.count, self.info = kind, 0, ''
        self.log = open(os.path.join(WORK, kind + '.log'), 'w')
        if kind == 'collectd':
            conf = os.path.join(WORK, 'collectd.conf')
            open(conf, 'w').write('''Hostname "benchpeer"
FQDNLookup false
Interval 1
BaseDir "%s"
PIDFile "%s/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "%s/collectd-daemon.log"
</Plugin>
LoadPlugin network
<Plugin network>
  Listen "127.0.0.1" "%d"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "stdout"
  StoreRates false
</Plugin>
''' % (WORK, WORK, WORK, port))
            self.p = subprocess.Popen([collectd_program(), '-f', '-C', conf], stdout=subprocess.PIPE, stderr=self.log)
            threading.Thread(target=self.count_csv, daemon=True).start()
        else:
            self.p = subprocess.Popen(['java', '-Xmx256m', '-cp', CLASSPATH, 'lodestar.listener.collectd.internal.BenchMain',
                                       str(port), str(rcvbuf)], stdout=subprocess.PIPE, stderr=self.log, text=True)
            threading.Thread(target=self.read_lodestar, daemon=True).start()
        t0 = time.time()
        while time.time() - t0 < 10 and not self.ready():
            time.sleep(0.1)
        time.sleep(0.5)

    def ready(self):
        if self.kind == 'lodestar':
            return self.info != ''
        return os.path.exists(os.path.join(WORK, 'collectd.pid'))

    def count_csv(self):
        # "PUTVAL benchpeer-or-benchhost/bench/gauge-b123 interval=1.000 <time>:<value>" per value written
        out = self.p.stdout
        tail = b''
        while True:
            d = out.read1(1 << 20) if hasattr(out, 'read1') else out.read(1 << 16)
            if not d:
                return
            d = tail + d
            cut = d.rfind(b'\n') + 1
            self.count += d[:cut].count(b'/bench/gauge-')
            tail = d[cut:]

    def read_lodestar(self):
        for l in self.p.stdout:
            m = re.match(r'count values=(\d+)', l)
            if m:
                self.count = int(m.group(1))
                self.info = l.strip()
            elif l.startswith('ready'):
                self.info = l.strip()

    def stop(self):
        stop(self.p)
        if self.kind == 'collectd':
            try:
                os.unlink(os.path.join(WORK, 'collectd.pid'))
            except OSError:
                pass


def rcvbuf_errors():
    for l in open('/proc/net/snmp'):
        if l.startswith('Udp:') and 'RcvbufErrors' not in l:
            return int(l.split()[5])
    return 0


def run(kind, rate, secs, rcvbuf, maxlag):
    port = free_port()
    peer = Peer(kind, port, rcvbuf)
    cpu0 = proc_stat(peer.p.pid)[0]
    kd0 = rcvbuf_errors()
    sent = blast(os.path.join(WORK, 'blast'), port, rate, secs, VPP, NAMES)
    t_end = time.time()
    cpu1, rss_end_blast, _ = proc_stat(peer.p.pid)
    at_end = peer.count
    last, stable, settled = -1, 0, None
    while time.time() - t_end < 20:
        time.sleep(0.25)
        cur = peer.count
        if cur != last:
            settled = time.time() - t_end
            stable = 0
        else:
            stable += 1
        last = cur
        if cur >= sent['values'] or stable >= 8:
            break
    _, rss, hwm = proc_stat(peer.p.pid)
    res = {'peer': kind, 'rate': rate, 'sent_vps': sent['sent_vps'], 'values_sent': sent['values'],
           'values_out': last, 'loss_pct': round(100.0 * (sent['values'] - last) / max(1, sent['values']), 4),
           'behind_at_end_pct': round(100.0 * (sent['values'] - at_end) / max(1, sent['values']), 2),
           'settled_after_s': round(settled or 0, 2), 'peer_cpu_pct': round(100 * (cpu1 - cpu0) / secs, 1),
           'rss_mb': round(rss, 1), 'rss_peak_mb': round(hwm, 1), 'udp_rcvbuf_errors': rcvbuf_errors() - kd0}
    if kind == 'lodestar':
        res['lodestar'] = peer.info
    peer.stop()
    res['ok'] = res['loss_pct'] < 0.1 and res['settled_after_s'] <= maxlag
    RESULTS.add(res)
    return res


RESULTS = None
CLASSPATH = None
RANGES = {'collectd': (40000, 600000), 'lodestar': (200000, 3000000)}


def search(kind, steps, secs, rcvbuf, maxlag):
    lo, hi = RANGES[kind]
    best = None
    for _ in range(steps):
        rate = int((lo * hi) ** 0.5)
        r = run(kind, rate, secs, rcvbuf, maxlag)
        if r['ok']:
            lo, best = rate, r
        else:
            hi = rate
    over = run(kind, 2 * best['rate'], secs, rcvbuf, maxlag) if best else None
    return best, over


def prepare(peers):
    """Builds the generator, and what the asked peers need: Lodestar's classes, collectd."""
    global CLASSPATH
    build_c(os.path.join(HERE, 'blast.c'), os.path.join(WORK, 'blast'))
    if 'lodestar' in peers:
        CLASSPATH = lodestar_classpath()
    if 'collectd' in peers:
        collectd_program()


def main():
    global RESULTS
    a = argparse.ArgumentParser()
    a.add_argument('--peers', default='collectd,lodestar')
    a.add_argument('--steps', type=int, default=5)
    a.add_argument('--secs', type=int, default=10)
    a.add_argument('--maxlag', type=float, default=2.0, help='seconds after the blast by which everything must be out')
    a.add_argument('--rcvbuf', default='8MB', help='SO_RCVBUF asked by Lodestar (collectd uses the default)')
    a.add_argument('--run', default='', help='names the results file: benchmarks/results/<date>-collectd-<run>.jsonl')
    o = a.parse_args()
    RESULTS = Results('collectd', o.run)
    prepare(o.peers.split(','))
    table = []
    for kind in o.peers.split(','):
        table.append((kind,) + search(kind, o.steps, o.secs, o.rcvbuf, o.maxlag))
    print('\n| peer | highest rate < 0.1 % loss, no backlog (values/s) | loss | settled after | CPU (% of 1 core) | RSS (peak) | at 2x: loss, settled after, RSS peak |')
    print('|---|---|---|---|---|---|---|')
    for kind, b, over in table:
        if b:
            o2 = '%.3f %%, %.1f s, %.0f MB' % (over['loss_pct'], over['settled_after_s'], over['rss_peak_mb']) if over else ''
            print('| %s | %d | %.4f %% | %.1f s | %.0f | %.0f MB (%.0f MB) | %s |' % (kind, b['sent_vps'], b['loss_pct'], b['settled_after_s'],
                                                                           b['peer_cpu_pct'], b['rss_mb'], b['rss_peak_mb'], o2))
        else:
            print('| %s | none in range | | | | | |' % kind)
    d = {k: b for k, b, _ in table if b}
    if 'collectd' in d and 'lodestar' in d:
        print('\nLodestar / collectd = %.2f' % (d['lodestar']['sent_vps'] / d['collectd']['sent_vps']))


if __name__ == '__main__':
    main()
