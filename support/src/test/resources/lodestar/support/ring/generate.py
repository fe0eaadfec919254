#!/usr/bin/python3
"""Regenerates the ring golden files the unit tests compare HashRing with: where the real carbon-c-relay
(`carbon-c-relay -t`, Debian's carbon-c-relay 3.7.3) and carbon's own python (Debian's graphite-carbon,
carbon.hashing.ConsistentHashRing) place each of a few thousand metric names.
carbon-c-relay -t hashes a tagged name whole; the running relay's dispatcher ends the key at the first ';', so a
sink hashes only the part before the tags (lodestar.sink.graphite's Router; e2e GraphiteRelayIT checks the running
relay). For HashRing, a pure function of the key, the tagged names here are just more keys.
Run from this folder: /usr/bin/python3 generate.py (needs carbon-c-relay and graphite-carbon installed)."""
import random, subprocess, tempfile, os, sys

random.seed(16)
WORDS = ["sys", "cpu", "load", "web", "db", "api", "requests", "latency", "p99", "eu-west", "host_1", "disk",
         "mem", "free", "used", "net", "rx", "tx", "errors", "jvm", "gc", "heap", "queue", "depth", "Aa", "zZ9"]

def names(n):
    out = set()
    while len(out) < n:
        parts = [random.choice(WORDS) if random.random() < 0.7 else "n%d" % random.randint(0, 99999)
                 for _ in range(random.randint(1, 6))]
        name = ".".join(parts)
        r = random.random()
        if r < 0.15:
            name += ";host=h%d;dc=%s" % (random.randint(0, 500), random.choice(["ams", "fra", "nyc"]))
        elif r < 0.18:
            name += ".caf\u00e9.\u00fcber"   # non-ASCII bytes: carbon-c-relay hashes them as signed chars
        out.add(name)
    return sorted(out)

# (file, cluster line); the servers are written as the sink's destinations= are
CASES = [
    ("carbon_ch-r1-instances", "carbon_ch replication 1", ["127.0.0.1:2103=a", "127.0.0.1:2203=b", "127.0.0.1:2303=c"]),
    ("carbon_ch-r2-instances", "carbon_ch replication 2", ["127.0.0.1:2103=a", "127.0.0.1:2203=b", "127.0.0.1:2303=c"]),
    ("carbon_ch-r1-hosts", "carbon_ch replication 1", ["10.0.0.1:2003", "10.0.0.2:2003", "10.0.0.3:2003", "10.0.0.4:2003"]),
    ("carbon_ch-r3-five", "carbon_ch replication 3", ["cache1:2003=1", "cache2:2003=2", "cache3:2003=3", "cache4:2003=4", "cache5:2003=5"]),
    ("fnv1a_ch-r1-instances", "fnv1a_ch replication 1", ["127.0.0.1:2103=a", "127.0.0.1:2203=b", "127.0.0.1:2303=c"]),
    ("fnv1a_ch-r2-hosts", "fnv1a_ch replication 2", ["127.0.0.1:2103", "127.0.0.1:2203", "127.0.0.1:2303", "127.0.0.2:2003"]),
    ("jump_fnv1a_ch-r1-instances", "jump_fnv1a_ch replication 1", ["127.0.0.1:2103=a", "127.0.0.1:2203=b", "127.0.0.1:2303=c"]),
    ("jump_fnv1a_ch-r2-mixed", "jump_fnv1a_ch replication 2", ["127.0.0.1:2303", "127.0.0.1:2103=10", "127.0.0.1:2203=9", "127.0.0.1:2403", "127.0.0.1:2503=2"]),
]

def relay(cluster, servers, metrics):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("cluster c %s %s;\nmatch * send to c stop;\n" % (cluster, " ".join(servers)))
        conf = f.name
    try:
        data = "".join("%s 1 1700000000\n" % m for m in metrics).encode("utf-8")
        out = subprocess.run(["carbon-c-relay", "-t", "-f", conf], input=data, capture_output=True, timeout=120).stdout
    finally:
        os.unlink(conf)
    byport = {}
    for s in servers:
        hostport = s.split("=")[0]
        byport[hostport] = s
    placed, name, dests = [], None, None
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("    * -> "):
            name, dests = line[len("    * -> "):], []
        elif name is not None and line.startswith("        ") and not line.strip().endswith(")"):
            dests.append(byport[line.strip()])
        elif name is not None and line.strip() == "stop":
            placed.append((name, dests))
            name = None
    return placed

def main():
    metrics = names(3000)
    for fname, cluster, servers in CASES:
        placed = relay(cluster, servers, metrics)
        if len(placed) != len(metrics):
            sys.exit("%s: carbon-c-relay placed %d of %d" % (fname, len(placed), len(metrics)))
        with open(fname + ".tsv", "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("# carbon-c-relay 3.7.3 -t: cluster c %s %s\n" % (cluster, " ".join(servers)))
            for name, dests in placed:
                f.write("%s\t%s\n" % (name, ",".join(dests)))
    # carbon's python ring, as carbon-relay (RELAY_METHOD=consistent-hashing) places: nodes are (server, instance)
    from carbon.hashing import ConsistentHashRing
    for fname, rep, nodes in [("python-carbon_ch-r1-instances", 1, [("127.0.0.1", "a"), ("127.0.0.1", "b"), ("127.0.0.1", "c")]),
                              ("python-carbon_ch-r2-instances", 2, [("127.0.0.1", "a"), ("127.0.0.1", "b"), ("127.0.0.1", "c")]),
                              ("python-carbon_ch-r1-hosts", 1, [("10.0.0.1", None), ("10.0.0.2", None), ("10.0.0.3", None), ("10.0.0.4", None)])]:
        ring = ConsistentHashRing(nodes)
        with open(fname + ".tsv", "w", encoding="utf-8") as f:
            f.write("# graphite-carbon 1.1.7 carbon.hashing.ConsistentHashRing(%r).get_nodes, first %d\n" % (nodes, rep))
            for m in metrics:
                got = []
                for n in ring.get_nodes(m):
                    got.append(n)
                    if len(got) == rep:
                        break
                f.write("%s\t%s\n" % (m, ",".join("%s=%s" % (h, i) if i else h for h, i in got)))

main()
