#!/bin/sh
# Builds the benchmark tools and runs bench.py (see BENCHMARKS.md). From the repository root:
#   bundles/lodestar.listener.statsd/bench/run.sh [--steps 4] [--peers sink,lodestar,etsy,collectd] [--lpp 1,20]
set -e
here=$(cd "$(dirname "$0")" && pwd)
mod=$(dirname "$here")
mkdir -p "$mod/target/bench"
gcc -O2 -Wall -I "$mod/../../benchmarks/native" -o "$mod/target/bench/blast" "$here/blast.c"
gcc -O2 -Wall -o "$mod/target/bench/sink" "$here/sink.c"
[ -f "$mod/target/test-classes/lodestar/listener/statsd/internal/BenchMain.class" ] || \
  (cd "$mod/.." && mvn -B -o -q install -pl lodestar.listener.statsd -DskipTests)
[ -f "$mod/target/statsd-ref/node_modules/statsd/stats.js" ] || \
  npm install --no-audit --no-fund --ignore-scripts --prefix "$mod/target/statsd-ref" statsd@0.9.0
command -v collectd >/dev/null || echo "collectd not found: apt-get install collectd-core (or --peers without collectd)"
exec python3 "$here/bench.py" "$@"
