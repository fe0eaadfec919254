/* Minimal recvmmsg receiver: counts datagrams and non-empty lines, nothing else (the machine's ceiling).
 * sink -p PORT [-b RCVBUF_BYTES] [-i IDLE_SECONDS]: exits IDLE seconds after the last datagram (after the
 * first one) and prints one JSON line. Whenever traffic pauses (no datagram for 200 ms) it prints the running
 * totals as a "mark" line, so that a benchmark can measure a phase after a warm-up. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VLEN 64

int main(int argc, char **argv) {
    int port = 8125, rcvbuf = 0;
    double idle = 2;
    int o;
    while ((o = getopt(argc, argv, "p:b:i:")) != -1) {
        switch (o) {
        case 'p': port = atoi(optarg); break;
        case 'b': rcvbuf = atoi(optarg); break;
        case 'i': idle = atof(optarg); break;
        default: return 2;
        }
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static char bufs[VLEN][65536];
    struct mmsghdr msgs[VLEN];
    struct iovec iov[VLEN];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < VLEN; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = sizeof bufs[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long long packets = 0, lines = 0;
    time_t last = 0;
    unsigned long long marked = 0;
    fprintf(stderr, "ready\n");
    while (1) {
        int n = recvmmsg(fd, msgs, VLEN, 0, NULL);
        time_t t = time(NULL);
        if (n <= 0) {
            if (packets > marked) {
                printf("{\"mark\": true, \"packets\": %llu, \"lines\": %llu}\n", packets, lines);
                fflush(stdout);
                marked = packets;
            }
            if (packets > 0 && t - last >= idle) break;
            continue;
        }
        last = t;
        for (int i = 0; i < n; i++) {
            char *p = bufs[i];
            unsigned int len = msgs[i].msg_len, start = 0;
            for (unsigned int k = 0; k < len; k++) {
                if (p[k] == '\n') {
                    if (k > start) lines++;
                    start = k + 1;
                }
            }
            if (len > start) lines++;
        }
        packets += n;
    }
    int got = 0;
    socklen_t sl = sizeof got;
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &sl);
    printf("{\"packets\": %llu, \"lines\": %llu, \"rcvbuf\": %d}\n", packets, lines, got);
    return 0;
}
