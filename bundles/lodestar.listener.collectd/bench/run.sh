#!/bin/sh
# Builds the generator and runs bench.py (see ../BENCHMARKS.md). From the repository root:
#   bundles/lodestar.listener.collectd/bench/run.sh [--steps 5] [--peers collectd,lodestar] [--secs 10]
set -e
here=$(cd "$(dirname "$0")" && pwd)
mod=$(dirname "$here")
mkdir -p "$mod/target/bench"
gcc -O2 -Wall -I "$mod/../../benchmarks/native" -o "$mod/target/bench/blast" "$here/blast.c"
[ -f "$mod/target/test-classes/lodestar/listener/collectd/internal/BenchMain.class" ] || \
  (cd "$mod/../.." && mvn -B -o -q install -pl bundles/lodestar.listener.collectd -DskipTests)
command -v collectd >/dev/null || [ -x /usr/sbin/collectd ] || echo "collectd not found: apt-get install collectd-core (or --peers lodestar)"
PATH="$PATH:/usr/sbin" exec python3 "$here/bench.py" "$@"
