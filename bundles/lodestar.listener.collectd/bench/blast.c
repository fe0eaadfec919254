/* collectd binary-protocol load generator for the listener benchmark: sendmmsg over UDP loopback.
 * blast -p PORT -r VALUES_PER_SEC (0 = as fast as possible) -d SECONDS -l VALUES_PER_PACKET -k NAMES
 * Each packet: HOST "benchhost", TIME_HR (now, per batch), INTERVAL_HR 1 s, PLUGIN "bench", TYPE "gauge",
 * then per value a TYPE_INSTANCE "b<j>" part and a VALUES part with one GAUGE (little-endian double j % 100).
 * Prints one JSON line: packets, values, seconds, sent_vps. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PKT 1452 /* collectd's default MaxPacketSize */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

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

int main(int argc, char **argv) {
    int port = 25826, vpp = 50, names = 10000;
    double rate = 10000, secs = 10;
    int o;
    while ((o = getopt(argc, argv, "p:r:d:l:k:")) != -1) {
        switch (o) {
        case 'p': port = atoi(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'd': secs = atof(optarg); break;
        case 'l': vpp = atoi(optarg); break;
        case 'k': names = atoi(optarg); break;
        default: fprintf(stderr, "usage: blast -p port -r values/s -d secs -l values/packet -k names\n"); return 2;
        }
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }
    static char buf[BATCH][PKT];
    static int nvals[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    memset(msgs, 0, sizeof msgs);
    unsigned long long seq = 0, packets = 0, values = 0;
    double start = now(), end = start + secs;
    double pps = rate > 0 ? rate / vpp : 0;
    while (1) {
        double t = now();
        if (t >= end) break;
        if (pps > 0) {
            double due = (t - start) * pps - packets;
            if (due < 1) {
                struct timespec s = {0, (long)((1 - due) / pps * 1e9)};
                if (s.tv_nsec > 1000000) s.tv_nsec = 1000000;
                nanosleep(&s, NULL);
                continue;
            }
        }
        int n = BATCH;
        if (pps > 0) {
            double due = (t - start) * pps - packets;
            if (due < n) n = (int)due;
            if (n < 1) n = 1;
        }
        struct timespec rt;
        clock_gettime(CLOCK_REALTIME, &rt);
        uint64_t cdtime = ((uint64_t)rt.tv_sec << 30) + (((uint64_t)rt.tv_nsec << 30) / 1000000000ULL);
        for (int i = 0; i < n; i++) {
            char *b = buf[i];
            size_t at = putstr(b, 0, 0x0000, "benchhost");
            at = put64(b, at, 0x0008, cdtime);
            at = put64(b, at, 0x0009, (uint64_t)1 << 30);
            at = putstr(b, at, 0x0002, "bench");
            at = putstr(b, at, 0x0004, "gauge");
            int k = 0;
            for (; k < vpp; k++) {
                char ti[32];
                unsigned j = (unsigned)(seq % names);
                snprintf(ti, sizeof ti, "b%u", j);
                if (at + 4 + strlen(ti) + 1 + 15 > PKT) break;
                at = putstr(b, at, 0x0005, ti);
                at = put16(b, at, 0x0006);
                at = put16(b, at, 15);
                at = put16(b, at, 1);
                b[at++] = 1; /* GAUGE */
                double v = (double)(j % 100);
                memcpy(b + at, &v, 8); /* little-endian on x86, as collectd sends GAUGE */
                at += 8;
                seq++;
            }
            nvals[i] = k;
            iov[i].iov_base = b;
            iov[i].iov_len = at;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int sent = sendmmsg(fd, msgs, n, 0);
        if (sent < 0) { perror("sendmmsg"); sent = 0; }
        for (int i = 0; i < sent; i++) values += nvals[i];
        for (int i = sent; i < n; i++) seq -= nvals[i]; /* unsent values are not counted */
        packets += sent;
    }
    double took = now() - start;
    printf("{\"packets\": %llu, \"values\": %llu, \"seconds\": %.3f, \"sent_vps\": %.0f}\n", packets, values, took, values / took);
    return 0;
}
