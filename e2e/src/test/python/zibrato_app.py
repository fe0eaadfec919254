"""An application instrumented for Zibrato, unchanged but for the broker's port: decorators, context managers
and gauges at several levels and sources. Prints, as JSON, what it sent: counter totals, timer counts, the last
gauge values (per 'name;level=..;source=..' series key), and the info messages it published (hex, in order)."""
import json
import sys
import time

from zibrato_compat import Zibrato

port = int(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 50
z = Zibrato(port=port)
time.sleep(1.0)  # ZeroMQ's slow joiner: the PUB connection and the broker's subscription


@z.count_me(level='info', name='orders', source='shop')
def order():
    pass


@z.count_me(level='warning', name='orders.failed')
def failed_order():
    pass


@z.time_me(level='debug', name='checkout', source='shop')
def checkout():
    sum(range(1000))


for i in range(rounds):
    order()
    if i % 5 == 0:
        failed_order()
    checkout()
    with z.Time_me(level='info', name='render', source='web1'):
        time.sleep(0.001)
    with z.Count_me(level='critical', name='retries', value=3, source='web2'):
        pass
    z.gauge(level='info', name='queue.depth', value=i, source='shop')
    z.gauge(level='critical', name='disk.free', value=1000.5 - i)
    time.sleep(0.01)

expected = {'counters': {}, 'timers': {}, 'gauges': {}, 'info': []}
for m in z.sent:
    level, mtype, name, value, ts, source = m.split('|')
    key = '%s;level=%s;source=%s' % (name, level, source)
    if mtype == 'Counter':
        expected['counters'][key] = expected['counters'].get(key, 0) + int(value)
    elif mtype == 'Timer':
        expected['timers'][key] = expected['timers'].get(key, 0) + 1
    else:
        expected['gauges'][key] = float(value)
    if level == 'info':
        expected['info'].append(m.encode('utf-8').hex())
z.close()
print(json.dumps(expected))
