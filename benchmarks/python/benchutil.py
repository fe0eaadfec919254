"""What the listener benchmarks' drivers (bundles/lodestar.listener.*/bench/bench.py) share: a free loopback
port and a process's CPU time and memory from /proc."""
import os, re, socket


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
