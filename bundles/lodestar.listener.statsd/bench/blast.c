/* StatsD load generator for the listener benchmark: sendmmsg over UDP loopback (benchmarks/native/udpblast.h).
 * blast -p PORT -r LINES_PER_SEC (0 = as fast as possible) -d SECONDS -l LINES_PER_PACKET -k NAMES
 * Name j has type mix[j % 4] = c, ms, g, s ("bench.c<j>:1|c", "bench.t<j>:<0..999>|ms", "bench.g<j>:<0..99>|g",
 * "bench.s<j>:<0..99>|s"). Prints one JSON line: packets, lines, counters (= expected counter total). */
#include "udpblast.h"

#include <stdlib.h>
#include <unistd.h>

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
    int port = 8125;
    double rate = 10000, secs = 10;
    struct gen g = {1, 10000, 0, 0, 0, 12345};
    int o;
    while ((o = getopt(argc, argv, "p:r:d:l:k:")) != -1) {
        switch (o) {
        case 'p': port = atoi(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'd': secs = atof(optarg); break;
        case 'l': g.lpp = atoi(optarg); break;
        case 'k': g.names = atoi(optarg); break;
        default: fprintf(stderr, "usage: blast -p port -r rate -d secs -l lines/packet -k names\n"); return 2;
        }
    }
    int fd = udpblast_connect(port);
    if (fd < 0) return 1;
    double took;
    unsigned long long packets = udpblast_run(fd, rate > 0 ? rate / g.lpp : 0, secs, fill, unsent, &g, &took);
    printf("{\"packets\": %llu, \"lines\": %llu, \"counters\": %llu, \"seconds\": %.3f, \"sent_lps\": %.0f}\n",
           packets, g.lines, g.counters, took, g.lines / took);
    return 0;
}
