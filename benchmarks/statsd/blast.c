/* StatsD load generator for the listener benchmark: sendmmsg over UDP loopback (benchmarks/native/udpblast.h).
 * blast -p PORT -r LINES_PER_SEC (0 = as fast as possible) -d SECONDS -l LINES_PER_PACKET -k NAMES
 * Name j has type mix[j % 4] = c, ms, g, s ("bench.c<j>:1|c", "bench.t<j>:<0..999>|ms", "bench.g<j>:<0..99>|g",
 * "bench.s<j>:<0..99>|s"). Prints one JSON line: packets, lines, counters (= expected counter total). */
#include "udpblast.h"

struct gen {
    int lpp, names;
    unsigned long long seq, lines, counters;
    unsigned int rnd;
};

static size_t fill(void *ctx, int i, char *b, size_t cap) {
    struct gen *g = ctx;
    size_t len = 0;
    (void)i;
    for (int l = 0; l < g->lpp; l++) {
        unsigned int j = g->seq++ % g->names;
        g->rnd = g->rnd * 1103515245 + 12345;
        unsigned int v = g->rnd >> 8;
        if (l) b[len++] = '\n';
        switch (j % 4) {
        case 0: len += snprintf(b + len, cap - len, "bench.c%u:1|c", j); g->counters++; break;
        case 1: len += snprintf(b + len, cap - len, "bench.t%u:%u|ms", j, v % 1000); break;
        case 2: len += snprintf(b + len, cap - len, "bench.g%u:%u|g", j, v % 100); break;
        default: len += snprintf(b + len, cap - len, "bench.s%u:%u|s", j, v % 100); break;
        }
    }
    g->lines += g->lpp;
    return len;
}

static void unsent(void *ctx, int i) {
    struct gen *g = ctx;
    (void)i;
    for (int l = 0; l < g->lpp; l++) {
        g->seq--;
        if ((g->seq % g->names) % 4 == 0) g->counters--;
    }
    g->lines -= g->lpp;
}

int main(int argc, char **argv) {
    struct udpblast_options o = {8125, 10000, 10, 1, 10000};
    if (!udpblast_parse(argc, argv, &o, "usage: blast -p port -r lines/s -d secs -l lines/packet -k names\n")) return 2;
    struct gen g = {o.per_datagram, o.names, 0, 0, 0, 12345};
    unsigned long long packets;
    double took;
    if (udpblast_send(&o, fill, unsent, &g, &packets, &took) < 0) return 1;
    printf("{\"packets\": %llu, \"lines\": %llu, \"counters\": %llu, \"seconds\": %.3f, \"sent_lps\": %.0f}\n",
           packets, g.lines, g.counters, took, g.lines / took);
    return 0;
}
