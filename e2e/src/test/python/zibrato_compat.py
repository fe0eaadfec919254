"""A Zibrato publisher as Zibrato documents it: Zibrato(host, port) connects a PUB socket to the broker's lower
port; @count_me / Count_me (value: the increment, default 1), @time_me / Time_me and gauge() publish one single-frame text message per measurement,
level|mtype|name|value|timestamp|source (timers in seconds, microsecond resolution; source default not_specified).
Written for Lodestar's wire-compatibility test from Zibrato's documented usage; Debian's python3-zmq only."""
import functools
import time

import zmq


class Zibrato(object):
    def __init__(self, host='127.0.0.1', port=5550, context=None):
        self.context = context or zmq.Context.instance()
        self.socket = self.context.socket(zmq.PUB)
        self.socket.connect('tcp://%s:%d' % (host, port))
        self.sent = []  # what went out, for the test's bookkeeping (not part of Zibrato)

    def send(self, level, mtype, name, value, source='not_specified'):
        msg = '%s|%s|%s|%s|%d|%s' % (level, mtype, name, value, int(time.time()), source)
        self.socket.send_string(msg)
        self.sent.append(msg)

    # counters
    def count_me(self, level='debug', name='counter', value=1, source='not_specified'):
        def decorator(f):
            @functools.wraps(f)
            def wrapper(*args, **kwargs):
                self.send(level, 'Counter', name, value, source)
                return f(*args, **kwargs)
            return wrapper
        return decorator

    def Count_me(self, level='debug', name='counter', value=1, source='not_specified'):
        return _Counting(self, level, name, value, source)

    # timers
    def time_me(self, level='debug', name='timer', source='not_specified'):
        def decorator(f):
            @functools.wraps(f)
            def wrapper(*args, **kwargs):
                with self.Time_me(level=level, name=name, source=source):
                    return f(*args, **kwargs)
            return wrapper
        return decorator

    def Time_me(self, level='debug', name='timer', source='not_specified'):
        return _Timing(self, level, name, source)

    # gauges
    def gauge(self, level='debug', name='gauge', value=0, source='not_specified'):
        self.send(level, 'Gauge', name, value, source)

    def close(self):
        self.socket.close(linger=2000)


class _Counting(object):
    def __init__(self, z, level, name, value, source):
        self.z, self.level, self.name, self.value, self.source = z, level, name, value, source

    def __enter__(self):
        self.z.send(self.level, 'Counter', self.name, self.value, self.source)
        return self

    def __exit__(self, *exc):
        return False


class _Timing(object):
    def __init__(self, z, level, name, source):
        self.z, self.level, self.name, self.source = z, level, name, source

    def __enter__(self):
        self.start = time.time()
        return self

    def __exit__(self, *exc):
        self.z.send(self.level, 'Timer', self.name, '%f' % (time.time() - self.start), self.source)
        return False
