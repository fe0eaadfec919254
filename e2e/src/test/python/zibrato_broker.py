"""Zibrato's broker design in plain pyzmq (its backend.py): SUB bound on the lower port (subscribed to everything),
PUB bound on the port above, zmq.proxy between them. Debian's python3-zmq. Used by e2e ZibratoWorkerIT (Lodestar
as a worker of Zibrato's broker) and by the broker benchmark (benchmarks/run zeromq) as the reference.
Usage: forwarder.py <lower port>; prints 'ready' once both are bound."""
import sys

import zmq

port = int(sys.argv[1])
ctx = zmq.Context()
sub = ctx.socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, b'')
sub.setsockopt(zmq.RCVHWM, 1000000)
sub.bind('tcp://127.0.0.1:%d' % port)
pub = ctx.socket(zmq.PUB)
pub.setsockopt(zmq.SNDHWM, 1000000)
pub.bind('tcp://127.0.0.1:%d' % (port + 1))
print('ready', flush=True)
zmq.proxy(sub, pub)
