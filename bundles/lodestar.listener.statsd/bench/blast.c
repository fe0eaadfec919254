/* StatsD load generator for the listener benchmark: sendmmsg over UDP loopback.
 * blast -p PORT -r LINES_PER_SEC (0 = as fast as possible) -d SECONDS -l LINES_PER_PACKET -k NAMES
 * Name j has type mix[j % 4] = c, ms, g, s ("bench.c<j>:1|c", "bench.t<j>:<0..999>|ms", "bench.g<j>:<0..99>|g",
 * "bench.s<j>:<0..99>|s"). Prints one JSON line: packets, lines, counters (= expected counter total). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PKT 1400

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int port = 8125, lpp = 1, names = 10000;
    double rate = 10000, secs = 10;
    int o;
    while ((o = getopt(argc, argv, "p:r:d:l:k:")) != -1) {
        switch (o) {
        case 'p': port = atoi(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'd': secs = atof(optarg); break;
        case 'l': lpp = atoi(optarg); break;
        case 'k': names = atoi(optarg); break;
        default: fprintf(stderr, "usage: blast -p port -r rate -d secs -l lines/packet -k names\n"); return 2;
        }
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }
    static char buf[BATCH][PKT];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    memset(msgs, 0, sizeof msgs);
    unsigned long long seq = 0, packets = 0, lines = 0, counters = 0;
    unsigned int rnd = 12345;
    double start = now(), end = start + secs;
    double pps = rate > 0 ? rate / lpp : 0;
    while (1) {
        double t = now();
        if (t >= end) break;
        if (pps > 0) {
            double due = (t - start) * pps - packets; /* packets we should have sent by now */
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
        for (int i = 0; i < n; i++) {
            int len = 0;
            for (int l = 0; l < lpp; l++) {
                unsigned int j = seq++ % names;
                rnd = rnd * 1103515245 + 12345;
                unsigned int v = (rnd >> 8);
                if (l) buf[i][len++] = '\n';
                switch (j % 4) {
                case 0: len += snprintf(buf[i] + len, PKT - len, "bench.c%u:1|c", j); counters++; break;
                case 1: len += snprintf(buf[i] + len, PKT - len, "bench.t%u:%u|ms", j, v % 1000); break;
                case 2: len += snprintf(buf[i] + len, PKT - len, "bench.g%u:%u|g", j, v % 100); break;
                default: len += snprintf(buf[i] + len, PKT - len, "bench.s%u:%u|s", j, v % 100); break;
                }
            }
            iov[i].iov_base = buf[i];
            iov[i].iov_len = len;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            lines += lpp;
        }
        int sent = sendmmsg(fd, msgs, n, 0);
        if (sent < 0) { perror("sendmmsg"); sent = 0; }
        if (sent < n) { /* unsent lines are not counted */
            for (int i = sent; i < n; i++) {
                for (int l = 0; l < lpp; l++) {
                    seq--;
                    if ((seq % names) % 4 == 0) counters--;
                }
                lines -= lpp;
            }
        }
        packets += sent;
    }
    double took = now() - start;
    printf("{\"packets\": %llu, \"lines\": %llu, \"counters\": %llu, \"seconds\": %.3f, \"sent_lps\": %.0f}\n",
           packets, lines, counters, took, lines / took);
    return 0;
}
