/* collectd binary-protocol load generator for the listener benchmark: sendmmsg over UDP loopback
 * (benchmarks/native/udpblast.h).
 * blast -p PORT -r VALUES_PER_SEC (0 = as fast as possible) -d SECONDS -l VALUES_PER_PACKET -k NAMES
 * Each packet: HOST "benchhost", TIME_HR (now), INTERVAL_HR 1 s, PLUGIN "bench", TYPE "gauge",
 * then per value a TYPE_INSTANCE "b<j>" part and a VALUES part with one GAUGE (little-endian double j % 100).
 * Prints one JSON line: packets, values, seconds, sent_vps. */
#include "udpblast.h"

#include <endian.h>
#include <stdint.h>

#define PKT 1452 /* collectd's default MaxPacketSize */

static size_t put16(char *b, size_t at, unsigned v) {
    b[at] = (char)(v >> 8);
    b[at + 1] = (char)v;
    return at + 2;
}

static size_t putstr(char *b, size_t at, unsigned type, const char *s) {
    size_t l = strlen(s) + 1;
    at = put16(b, at, type);
    at = put16(b, at, 4 + l);
    memcpy(b + at, s, l);
    return at + l;
}

static size_t put64(char *b, size_t at, unsigned type, uint64_t v) {
    uint64_t be = htobe64(v);
    at = put16(b, at, type);
    at = put16(b, at, 12);
    memcpy(b + at, &be, 8);
    return at + 8;
}

struct gen {
    int vpp, names;
    unsigned long long seq, values;
    int nvals[UDPBLAST_BATCH];
};

static size_t fill(void *ctx, int i, char *b, size_t cap) {
    struct gen *g = ctx;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    uint64_t cdtime = ((uint64_t)rt.tv_sec << 30) + (((uint64_t)rt.tv_nsec << 30) / 1000000000ULL);
    if (cap > PKT) cap = PKT;
    size_t at = putstr(b, 0, 0x0000, "benchhost");
    at = put64(b, at, 0x0008, cdtime);
    at = put64(b, at, 0x0009, (uint64_t)1 << 30);
    at = putstr(b, at, 0x0002, "bench");
    at = putstr(b, at, 0x0004, "gauge");
    int k = 0;
    for (; k < g->vpp; k++) {
        char ti[32];
        unsigned j = (unsigned)(g->seq % g->names);
        snprintf(ti, sizeof ti, "b%u", j);
        if (at + 4 + strlen(ti) + 1 + 15 > cap) break;
        at = putstr(b, at, 0x0005, ti);
        at = put16(b, at, 0x0006);
        at = put16(b, at, 15);
        at = put16(b, at, 1);
        b[at++] = 1; /* GAUGE */
        double v = (double)(j % 100);
        memcpy(b + at, &v, 8); /* little-endian on x86, as collectd sends GAUGE */
        at += 8;
        g->seq++;
    }
    g->nvals[i] = k;
    g->values += k;
    return at;
}

static void unsent(void *ctx, int i) {
    struct gen *g = ctx;
    g->seq -= g->nvals[i];
    g->values -= g->nvals[i];
}

int main(int argc, char **argv) {
    struct udpblast_options o = {25826, 10000, 10, 50, 10000};
    if (!udpblast_parse(argc, argv, &o, "usage: blast -p port -r values/s -d secs -l values/packet -k names\n")) return 2;
    struct gen g;
    memset(&g, 0, sizeof g);
    g.vpp = o.per_datagram;
    g.names = o.names;
    unsigned long long packets;
    double took;
    if (udpblast_send(&o, fill, unsent, &g, &packets, &took) < 0) return 1;
    printf("{\"packets\": %llu, \"values\": %llu, \"seconds\": %.3f, \"sent_vps\": %.0f}\n", packets, g.values, took,
           g.values / took);
    return 0;
}
