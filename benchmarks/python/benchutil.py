"""What the listener benchmarks (benchmarks/statsd/bench.py, benchmarks/collectd/bench.py) share: their folders,
the dated results file, building their C tools and finding Lodestar's classes, running a load generator, a free
loopback port, a process's CPU time and memory from /proc, and stopping a peer."""
import json, os, re, shutil, signal, socket, subprocess, time

BENCHMARKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCHMARKS)
RESULTS = os.path.join(BENCHMARKS, 'results')


def work_dir(what):
    """benchmarks/target/<what>: a harness's built tools, its peers' configurations and logs (mvn clean empties it)."""
    d = os.path.join(BENCHMARKS, 'target', what)
    os.makedirs(d, exist_ok=True)
    return d


class Results:
    """benchmarks/results/<date>-<what>[-<run>].jsonl, dated when the harness starts (a run that goes past midnight
    stays in one file): every run is printed and appended as one JSON line when it ends, pass or fail."""

    def __init__(self, what, run=''):
        if run and not re.fullmatch(r'[A-Za-z0-9_.-]+', run):
            raise SystemExit('--run: letters, digits, "_", "." and "-" only, got %r' % run)
        os.makedirs(RESULTS, exist_ok=True)
        self.path = os.path.join(RESULTS, time.strftime('%Y-%m-%d') + '-' + what + ('-' + run if run else '') + '.jsonl')

    def add(self, res):
        print(json.dumps(res), flush=True)
        with open(self.path, 'a') as f:
            f.write(json.dumps(res) + '\n')


def build_c(src, exe):
    """Compiles one C tool of a harness, with benchmarks/native (the generators' shared loop) on the include path."""
    subprocess.run(['gcc', '-O2', '-Wall', '-I', os.path.join(BENCHMARKS, 'native'), '-o', exe, src], check=True)
    return exe


def lodestar_classpath():
    """The benchmarks module's class path (the bundles and the bench drivers), built first when stale."""
    return subprocess.run([os.path.join(BENCHMARKS, 'run'), 'classpath'], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def collectd_program():
    """collectd (Debian's collectd-core puts it in /usr/sbin, often not on a user's PATH), or an exit saying how
    to get it."""
    found = shutil.which('collectd') or shutil.which('collectd', path='/usr/sbin')
    if not found:
        raise SystemExit('collectd not found: apt-get install --no-install-recommends collectd-core '
                         '(or leave the collectd peer out with --peers)')
    return found


def blast(exe, port, rate, secs, per_datagram, names):
    """Runs a load generator (they share their options: native/udpblast.h); returns the JSON line it prints."""
    b = subprocess.run([exe, '-p', str(port), '-r', str(rate), '-d', str(secs), '-l', str(per_datagram),
                        '-k', str(names)], capture_output=True, text=True)
    return json.loads(b.stdout)


def free_port(kind=socket.SOCK_DGRAM):
    """A port on 127.0.0.1 that is free now (UDP by default)."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_stat(pid):
    """(CPU seconds user+system, RSS MB, peak RSS MB) of a running process; zeros once it is gone."""
    try:
        f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
        cpu = (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
        st = open('/proc/%d/status' % pid).read()
        rss = int(re.search(r'VmRSS:\s+(\d+)', st).group(1)) / 1024
        hwm = int(re.search(r'VmHWM:\s+(\d+)', st).group(1)) / 1024
        return cpu, rss, hwm
    except (OSError, AttributeError):
        return 0.0, 0.0, 0.0


def stop(p):
    """SIGTERM, then SIGKILL when the process has not ended 10 s later."""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
