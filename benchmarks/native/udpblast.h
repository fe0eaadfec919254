/* What the listener benchmarks' load generators (StatsD, collectd) share: their command line, and the paced
 * sendmmsg loop. A generator supplies how to fill one datagram and how to take back a filled datagram the kernel
 * did not accept; this sends batches of up to UDPBLAST_BATCH datagrams over a connected UDP socket to 127.0.0.1,
 * paced so that by any time t about t * packets_per_sec datagrams have gone out (0: as fast as possible).
 * Header only. */
#ifndef UDPBLAST_H
#define UDPBLAST_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define UDPBLAST_BATCH 64
#define UDPBLAST_MAX 1452 /* bytes per datagram at most: collectd's default MaxPacketSize */

/* Writes datagram number i of the current batch into buf (at most cap bytes), counts what it put in, and
 * returns its length. */
typedef size_t (*udpblast_fill)(void *ctx, int i, char *buf, size_t cap);
/* Datagram i of the batch was filled but not sent: take back what fill counted. Called last one first. */
typedef void (*udpblast_unsent)(void *ctx, int i);

static double udpblast_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* A UDP socket connected to 127.0.0.1:port, or -1 (with the reason on stderr). */
static int udpblast_connect(int port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("connect");
        return -1;
    }
    return fd;
}

/* Sends for secs seconds; returns the datagrams sent and stores the seconds taken in *took. */
static unsigned long long udpblast_run(int fd, double packets_per_sec, double secs, udpblast_fill fill,
                                       udpblast_unsent unsent, void *ctx, double *took) {
    static char buf[UDPBLAST_BATCH][UDPBLAST_MAX];
    struct mmsghdr msgs[UDPBLAST_BATCH];
    struct iovec iov[UDPBLAST_BATCH];
    memset(msgs, 0, sizeof msgs);
    unsigned long long packets = 0;
    double start = udpblast_now(), end = start + secs;
    while (1) {
        double t = udpblast_now();
        if (t >= end) break;
        int n = UDPBLAST_BATCH;
        if (packets_per_sec > 0) {
            double due = (t - start) * packets_per_sec - packets; /* datagrams that should have gone by now */
            if (due < 1) {
                struct timespec s = {0, (long)((1 - due) / packets_per_sec * 1e9)};
                if (s.tv_nsec > 1000000) s.tv_nsec = 1000000;
                nanosleep(&s, NULL);
                continue;
            }
            if (due < n) n = (int)due;
        }
        for (int i = 0; i < n; i++) {
            iov[i].iov_base = buf[i];
            iov[i].iov_len = fill(ctx, i, buf[i], UDPBLAST_MAX);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int sent = sendmmsg(fd, msgs, n, 0);
        if (sent < 0) { perror("sendmmsg"); sent = 0; }
        for (int i = n - 1; i >= sent; i--) unsent(ctx, i);
        packets += sent;
    }
    *took = udpblast_now() - start;
    return packets;
}

/* Every generator's command line: -p PORT -r UNITS_PER_SEC (0 = as fast as possible) -d SECONDS
 * -l UNITS_PER_DATAGRAM -k NAMES, where a unit is what the generator counts (a StatsD line, a collectd value). */
struct udpblast_options {
    int port;
    double rate, secs;
    int per_datagram, names;
};

/* Parses argv into *o, which holds the generator's defaults; prints usage and returns 0 on an unknown option. */
static int udpblast_parse(int argc, char **argv, struct udpblast_options *o, const char *usage) {
    int c;
    while ((c = getopt(argc, argv, "p:r:d:l:k:")) != -1) {
        switch (c) {
        case 'p': o->port = atoi(optarg); break;
        case 'r': o->rate = atof(optarg); break;
        case 'd': o->secs = atof(optarg); break;
        case 'l': o->per_datagram = atoi(optarg); break;
        case 'k': o->names = atoi(optarg); break;
        default: fputs(usage, stderr); return 0;
        }
    }
    return 1;
}

/* Sends to 127.0.0.1:o->port for o->secs seconds at o->rate units a second, counting o->per_datagram units a
 * datagram for the pacing; stores the datagrams sent and the seconds taken. -1 when the socket cannot be had. */
static int udpblast_send(const struct udpblast_options *o, udpblast_fill fill, udpblast_unsent unsent, void *ctx,
                         unsigned long long *packets, double *took) {
    int fd = udpblast_connect(o->port);
    if (fd < 0) return -1;
    *packets = udpblast_run(fd, o->rate > 0 ? o->rate / o->per_datagram : 0, o->secs, fill, unsent, ctx, took);
    return 0;
}

#endif
