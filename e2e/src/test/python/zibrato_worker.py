"""A Zibrato-style level worker: SUB connected to the broker's upper port, subscribed to one level (ZeroMQ prefix
subscription, as Zibrato's workers do). Prints 'ready' once connected, then each message received as hex, one a
line, until it has been idle for the given seconds after the first one (or 30 s without any)."""
import sys
import time

import zmq

port, level, idle = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
ctx = zmq.Context.instance()
s = ctx.socket(zmq.SUB)
s.setsockopt(zmq.SUBSCRIBE, level.encode('utf-8'))
s.connect('tcp://127.0.0.1:%d' % port)
time.sleep(1.0)  # the subscription reaches the broker
print('ready', flush=True)
deadline = time.time() + 60
first = time.time() + 30
last = None
while time.time() < deadline and (time.time() < first if last is None else time.time() - last < idle):
    if s.poll(200):
        print(s.recv().hex(), flush=True)
        last = time.time()
s.close(linger=0)
