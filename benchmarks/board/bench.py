#!/usr/bin/env python3
"""The status board's server-sent events fan-out: N open boards (SSE clients of /board/events) on the exported
platform, while command checks produce results. For every tile event each client receives it records two delays:
result -> client (the check's result timestamp to arrival: includes waiting for the board's next poll) and
event -> client (the poller's send time to arrival: the fan-out alone). Also the platform's CPU (share of one
core, compared with the same platform and no board open) and its heap after a full GC (jcmd) and RSS.

    python3 benchmarks/board/bench.py [--clients 50] [--checks 10] [--interval 500ms] [--seconds 60] [--idle 20]

Needs run/target/lodestar.jar (mvn install -pl run -am -DskipTests). Everything on 127.0.0.1; the platform runs
with the launcher's JVM options (256 MB heap) in a temporary home under benchmarks/target/board.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'python'))
import benchutil  # noqa: E402

JVM = ['-Xms16m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k']


def now_ms():
    return time.time() * 1000.0


class Client(threading.Thread):
    """One open board: reads the event stream and records the delays of tile events."""

    def __init__(self, port, record):
        super().__init__(daemon=True)
        self.port, self.record = port, record
        self.result_delays, self.fanout_delays = [], []
        self.snapshots = self.tiles = 0
        self.error = None

    def run(self):
        try:
            s = socket.create_connection(('127.0.0.1', self.port), timeout=30)
            s.sendall(b'GET /board/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n')
            f = s.makefile('rb')
            status = f.readline()
            if b' 200 ' not in status:
                raise RuntimeError('HTTP %r' % status)
            while f.readline() not in (b'\r\n', b''):
                pass  # headers
            chunked, event, data = True, None, []
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.rstrip(b'\r\n')
                # chunked transfer: size lines are hex only; the events never are
                if chunked and line and all(c in b'0123456789abcdefABCDEF' for c in line) and event is None and not data:
                    continue
                if line.startswith(b'event: '):
                    event = line[7:].decode()
                elif line.startswith(b'data: '):
                    data.append(line[6:].decode())
                elif line == b'' and event is not None:
                    arrived = now_ms()
                    if event == 'tile' and self.record.is_set():
                        d = json.loads(''.join(data))
                        self.result_delays.append(arrived - d['tile']['at'])
                        self.fanout_delays.append(arrived - d['now'])
                        self.tiles += 1
                    elif event == 'snapshot':
                        self.snapshots += 1
                    event, data = None, []
        except Exception as e:  # noqa: BLE001 - reported in the results
            self.error = repr(e)


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(len(v) * p / 100))], 1)


def heap_mb(pid):
    jcmd = shutil.which('jcmd') or os.path.join(os.path.dirname(os.path.realpath(shutil.which('java'))), 'jcmd')
    subprocess.run([jcmd, str(pid), 'GC.run'], capture_output=True, text=True)
    out = subprocess.run([jcmd, str(pid), 'GC.heap_info'], capture_output=True, text=True).stdout
    used = 0
    for line in out.splitlines():
        parts = line.split()
        # serial GC: "def new generation   total 4928K, used 1024K ..." and "tenured generation   total ..., used ..."
        if 'generation' in parts and 'used' in parts:
            i = parts.index('used')
            used += int(parts[i + 1].rstrip('K,')) if parts[i + 1].rstrip(',').endswith('K') else 0
    return round(used / 1024, 1)


def main():
    a = argparse.ArgumentParser()
    a.add_argument('--clients', type=int, default=50)
    a.add_argument('--checks', type=int, default=10)
    a.add_argument('--interval', default='500ms')
    a.add_argument('--seconds', type=int, default=60)
    a.add_argument('--idle', type=int, default=20, help='seconds measured with no board open, first')
    a.add_argument('--run', default='')
    o = a.parse_args()

    jar = os.path.join(benchutil.ROOT, 'run', 'target', 'lodestar.jar')
    if not os.path.isfile(jar):
        raise SystemExit('no %s: mvn -B install -pl run -am -DskipTests' % jar)
    home = benchutil.work_dir('board')
    shutil.rmtree(home)
    os.makedirs(os.path.join(home, 'conf'))
    for i in range(o.checks):
        with open(os.path.join(home, 'conf', 'lodestar.beacon.command-c%d.cfg' % i), 'w') as f:
            f.write('command=true\ninterval=%s\nname=c%d\n' % (o.interval, i))
    with open(os.path.join(home, 'conf', 'lodestar.web.board.cfg'), 'w') as f:
        f.write('maxClients=%d\n' % max(64, o.clients + 1))
    port = benchutil.free_port(socket.SOCK_STREAM)
    log = open(os.path.join(home, 'lodestar.out'), 'w')
    p = subprocess.Popen(['java'] + JVM + ['-Dlodestar.home=' + home, '-Dorg.osgi.service.http.port=%d' % port,
                                           '-Dorg.apache.felix.http.port=%d' % port, '-jar', jar],
                         cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        end = time.time() + 60
        while time.time() < end:
            try:
                c = socket.create_connection(('127.0.0.1', port), timeout=2)
                c.sendall(b'GET /board/state.json HTTP/1.0\r\n\r\n')
                if b' 200 ' in c.recv(100) and open(os.path.join(home, 'lodestar.out')).read().count('command check c') >= o.checks:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        time.sleep(5)  # settle: every check has run
        cpu0, _, _ = benchutil.proc_stat(p.pid)
        time.sleep(o.idle)
        cpu1, rss_idle, _ = benchutil.proc_stat(p.pid)
        idle_cpu = (cpu1 - cpu0) / o.idle * 100

        record = threading.Event()
        clients = [Client(port, record) for _ in range(o.clients)]
        for c in clients:
            c.start()
        time.sleep(5)  # warm up: every client has its snapshot
        record.set()
        cpu0, _, _ = benchutil.proc_stat(p.pid)
        t0 = time.time()
        time.sleep(o.seconds)
        cpu1, rss, hwm = benchutil.proc_stat(p.pid)
        wall = time.time() - t0
        record.clear()
        heap = heap_mb(p.pid)
        result = [d for c in clients for d in c.result_delays]
        fanout = [d for c in clients for d in c.fanout_delays]
        per_client = [c.tiles for c in clients]
        res = {
            'what': 'board-sse', 'time': time.strftime('%Y-%m-%dT%H:%M:%S'), 'clients': o.clients,
            'checks': o.checks, 'interval': o.interval, 'seconds': o.seconds,
            'loadavg': os.getloadavg()[0],
            'events_received': len(result), 'events_per_client_min': min(per_client), 'events_per_client_max': max(per_client),
            'client_errors': [c.error for c in clients if c.error], 'snapshots': sum(c.snapshots for c in clients),
            'result_to_client_ms': {'median': round(statistics.median(result), 1) if result else None,
                                    'p99': pct(result, 99), 'max': pct(result, 100)},
            'event_to_client_ms': {'median': round(statistics.median(fanout), 1) if fanout else None,
                                   'p99': pct(fanout, 99), 'max': pct(fanout, 100)},
            'cpu_pct_of_one_core': round((cpu1 - cpu0) / wall * 100, 1), 'cpu_pct_no_board': round(idle_cpu, 1),
            'heap_after_gc_mb': heap, 'rss_mb': round(rss, 1), 'rss_no_board_mb': round(rss_idle, 1),
        }
        benchutil.Results('board', o.run).add(res)
    finally:
        benchutil.stop(p)


if __name__ == '__main__':
    main()
