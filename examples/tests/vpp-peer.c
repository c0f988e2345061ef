/* SPDX-License-Identifier: MIT */
/*
 * vpp-peer: test peer for icmp-responder and packet-handle that plays VPP's
 * side of the VPP recipe (192.168.1.2, 02:fe:00:00:00:02).  It sends an ARP
 * request for 192.168.1.1, frames the responder must ignore (other
 * addresses, bad checksums, fragments, UDP, IPv6, ...), then five ICMP echo
 * requests of 0..1472 bytes of data on different queues, and checks every
 * field and checksum of each reply, that it came back on the queue the
 * request went out on, and that nothing else ever arrives.  Its packet code
 * is written independently of examples/common.c on purpose.
 *
 *   vpp-peer [--slave] [--socket PATH] [--queues 1..3] [--timeout SECONDS]
 * Exit status 0 when every check passed.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#define NQ 3
#define MAXF 4096

static const uint8_t our_mac[6] = { 0x02, 0xfe, 0, 0, 0, 0x02 };
static const uint8_t our_ip[4] = { 192, 168, 1, 2 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t their_mac[6] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t their_ip[4] = { 192, 168, 1, 1 };
static const uint8_t other_ip[4] = { 192, 168, 1, 3 };

/* The data path runs on the main thread; dp_lock keeps on_disconnect from
 * returning while main uses the queues. */
static pthread_mutex_t dp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct memif *mif;
static int link_up;
static int qfd[NQ];
static int nrx, ntx;
static int wake_fd;
static int failures;

struct frame {
	int q;
	uint32_t len;
	uint8_t d[MAXF];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

#define CHECK_EQ(what, got, want)                                    \
	do {                                                         \
		long g_ = (long)(got), w_ = (long)(want);            \
		if (g_ != w_)                                        \
			fail("%s: got %ld, want %ld", what, g_, w_); \
	} while (0)

#define CHECK_MEM(what, got, want, n)             \
	do {                                      \
		if (memcmp(got, want, n))         \
			fail("%s differs", what); \
	} while (0)

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void p16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One's-complement sum, not complemented: 0xffff over a valid header. */
static uint16_t sum16(const uint8_t *p, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static int on_connect(struct memif *m, void *ctx)
{
	struct memif_details *d = malloc(sizeof(*d));
	uint64_t one = 1;
	int i, err;

	if (!d || memif_get_details(m, d)) {
		free(d);
		return MEMIF_ERR_NOMEM;
	}
	pthread_mutex_lock(&dp_lock);
	nrx = d->num_rx_queues < NQ ? d->num_rx_queues : NQ;
	ntx = d->num_tx_queues < NQ ? d->num_tx_queues : NQ;
	for (i = 0; i < nrx; i++) {
		err = memif_get_queue_interrupt_fd(m, i, &qfd[i]);
		if (err)
			printf("FAIL: queue %d fd: %s\n", i,
			       memif_strerror(err));
	}
	link_up = 1;
	pthread_mutex_unlock(&dp_lock);
	printf("connected to %s/%s, %d rx and %d tx queues\n",
	       d->remote_instance_name, d->remote_if_name, d->num_rx_queues,
	       d->num_tx_queues);
	free(d);
	if (write(wake_fd, &one, sizeof(one)) < 0)
		perror("eventfd");
	return 0;
}

static int on_disconnect(struct memif *m, void *ctx)
{
	uint64_t one = 1;

	pthread_mutex_lock(&dp_lock);
	link_up = 0;
	pthread_mutex_unlock(&dp_lock);
	if (write(wake_fd, &one, sizeof(one)) < 0)
		perror("eventfd");
	return 0;
}

static bool send_frame(int q, const uint8_t *f, uint32_t len)
{
	struct memif_tx_pkt p = { f, len };
	uint16_t sent = 0;
	int err = MEMIF_ERR_DISCONNECTED, tries;

	/* A full ring (OK, 0 sent) is "retry later": right after connect a
	 * master sees one until the slave has handed over its slots. */
	for (tries = 0; tries < 1000; tries++) {
		pthread_mutex_lock(&dp_lock);
		if (link_up)
			err = memif_tx_burst(mif, (uint8_t)q, &p, 1, &sent);
		pthread_mutex_unlock(&dp_lock);
		if (err || sent)
			break;
		usleep(1000);
	}
	if (tries)
		printf("note: q%d was full, the frame went after %d retries\n",
		       q, tries);
	if (err || sent != 1) {
		printf("FAIL: tx on q%d: %s (sent %u)\n", q,
		       memif_strerror(err), sent);
		failures++;
		return false;
	}
	return true;
}

/*
 * Collect every frame that arrives within @ms into @out (up to @max);
 * returns as soon as one frame arrived when @first is set.
 */
static int collect(struct frame *out, int max, int ms, bool first)
{
	double end = now() + ms / 1000.0;
	int n = 0;

	while (now() < end) {
		struct pollfd p[NQ];
		int i, r;

		pthread_mutex_lock(&dp_lock);
		if (!link_up) {
			pthread_mutex_unlock(&dp_lock);
			printf("FAIL: link went down\n");
			failures++;
			return n;
		}
		for (i = 0; i < nrx; i++)
			p[i] = (struct pollfd){ .fd = qfd[i],
						.events = POLLIN };
		r = poll(p, nrx, 20);
		for (i = 0; r > 0 && i < nrx; i++) {
			struct memif_rx_pkt pk[8];
			uint16_t k, j;
			int err;

			if (!p[i].revents)
				continue;
			do {
				err = memif_rx_burst(mif, i, pk, 8, &k);
				if (err) {
					printf("FAIL: rx_burst: %s\n",
					       memif_strerror(err));
					failures++;
					break;
				}
				for (j = 0; j < k; j++) {
					if (n >= max) {
						printf("FAIL: too many frames\n");
						failures++;
						continue;
					}
					out[n].q = i;
					out[n].len = pk[j].len;
					memcpy(out[n].d, pk[j].data,
					       pk[j].len < MAXF ? pk[j].len :
								  MAXF);
					n++;
				}
			} while (k);
		}
		pthread_mutex_unlock(&dp_lock);
		if (first && n)
			break;
	}
	return n;
}

static uint32_t build_eth(uint8_t *f, const uint8_t *dst, unsigned type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, our_mac, 6);
	p16(f + 12, type);
	return 14;
}

static uint32_t build_arp(uint8_t *f, unsigned op, const uint8_t *tpa)
{
	uint32_t o = build_eth(f, bcast, 0x0806);

	p16(f + o, 1);
	p16(f + o + 2, 0x0800);
	f[o + 4] = 6;
	f[o + 5] = 4;
	p16(f + o + 6, op);
	memcpy(f + o + 8, our_mac, 6);
	memcpy(f + o + 14, our_ip, 4);
	memset(f + o + 18, 0, 6);
	memcpy(f + o + 24, tpa, 4);
	return o + 28;
}

static uint8_t pay(unsigned seq, unsigned i)
{
	return (uint8_t)(i * 7 + seq * 13 + 1);
}

/* IPv4 (proto @proto) carrying an ICMP echo request of @plen bytes of data,
 * or for other protocols @plen + 8 bytes of pattern. */
static uint32_t build_ip(uint8_t *f, const uint8_t *dmac, const uint8_t *dip,
			 unsigned proto, unsigned type, unsigned seq,
			 unsigned plen, unsigned frag)
{
	uint32_t o = build_eth(f, dmac, 0x0800), i;
	uint8_t *ip = f + o, *l4 = ip + 20;

	ip[0] = 0x45;
	ip[1] = 0;
	p16(ip + 2, 20 + 8 + plen);
	p16(ip + 4, 0x1000 + seq);
	p16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	p16(ip + 10, 0);
	memcpy(ip + 12, our_ip, 4);
	memcpy(ip + 16, dip, 4);
	p16(ip + 10, (uint16_t)~sum16(ip, 20));
	l4[0] = (uint8_t)type;
	l4[1] = 0;
	p16(l4 + 2, 0);
	p16(l4 + 4, 0x4242);
	p16(l4 + 6, seq);
	for (i = 0; i < plen; i++)
		l4[8 + i] = pay(seq, i);
	p16(l4 + 2, (uint16_t)~sum16(l4, 8 + plen));
	return o + 20 + 8 + plen;
}

static void check_arp_reply(const struct frame *r, int q)
{
	const uint8_t *a = r->d + 14;

	CHECK_EQ("ARP reply queue", r->q, q);
	if (r->len < 42) {
		CHECK_EQ("ARP reply length", r->len, 42);
		return;
	}
	CHECK_MEM("ARP reply eth dst", r->d, our_mac, 6);
	CHECK_MEM("ARP reply eth src", r->d + 6, their_mac, 6);
	CHECK_EQ("ARP reply ethertype", g16(r->d + 12), 0x0806);
	CHECK_EQ("ARP htype", g16(a), 1);
	CHECK_EQ("ARP ptype", g16(a + 2), 0x0800);
	CHECK_EQ("ARP hlen", a[4], 6);
	CHECK_EQ("ARP plen", a[5], 4);
	CHECK_EQ("ARP oper", g16(a + 6), 2);
	CHECK_MEM("ARP sha", a + 8, their_mac, 6);
	CHECK_MEM("ARP spa", a + 14, their_ip, 4);
	CHECK_MEM("ARP tha", a + 18, our_mac, 6);
	CHECK_MEM("ARP tpa", a + 24, our_ip, 4);
}

static void check_echo_reply(const struct frame *r, int q, unsigned seq,
			     unsigned plen)
{
	const uint8_t *ip = r->d + 14, *ic;
	unsigned hl, i, bad = 0;

	CHECK_EQ("echo reply queue", r->q, q);
	if (r->len < 14 + 20 + 8) {
		CHECK_EQ("echo reply length", r->len, 14 + 28 + plen);
		return;
	}
	CHECK_MEM("echo eth dst", r->d, our_mac, 6);
	CHECK_MEM("echo eth src", r->d + 6, their_mac, 6);
	CHECK_EQ("echo ethertype", g16(r->d + 12), 0x0800);
	CHECK_EQ("IP version", ip[0] >> 4, 4);
	hl = (ip[0] & 15) * 4u;
	if (hl < 20 || r->len < 14 + hl + 8) {
		CHECK_EQ("IP header length", hl, 20);
		return;
	}
	CHECK_EQ("frame length", r->len, 14 + hl + 8 + plen);
	CHECK_EQ("IP total length", g16(ip + 2), hl + 8 + plen);
	CHECK_EQ("IP header checksum", sum16(ip, hl), 0xffff);
	CHECK_EQ("IP fragment bits", g16(ip + 6) & 0x3fff, 0);
	if (ip[8] == 0)
		CHECK_EQ("IP TTL", ip[8], 255);
	CHECK_EQ("IP protocol", ip[9], 1);
	CHECK_MEM("IP src", ip + 12, their_ip, 4);
	CHECK_MEM("IP dst", ip + 16, our_ip, 4);
	if (r->len != 14 + hl + 8 + plen)
		return;
	ic = ip + hl;
	CHECK_EQ("ICMP type", ic[0], 0);
	CHECK_EQ("ICMP code", ic[1], 0);
	CHECK_EQ("ICMP checksum", sum16(ic, 8 + plen), 0xffff);
	CHECK_EQ("ICMP id", g16(ic + 4), 0x4242);
	CHECK_EQ("ICMP seq", g16(ic + 6), seq);
	for (i = 0; i < plen; i++)
		bad += ic[8 + i] != pay(seq, i);
	CHECK_EQ("ICMP payload bytes differing", bad, 0);
}

static bool wait_link(double secs)
{
	double end = now() + secs;

	for (;;) {
		struct pollfd p = { .fd = wake_fd, .events = POLLIN };
		uint64_t v;
		int up;

		pthread_mutex_lock(&dp_lock);
		up = link_up;
		pthread_mutex_unlock(&dp_lock);
		if (up)
			return true;
		if (now() >= end)
			return false;
		if (poll(&p, 1, 100) > 0 && read(wake_fd, &v, sizeof(v)) < 0)
			perror("eventfd");
	}
}

/* Frames received and the frame being built, shared by the steps. */
static struct frame got[16];
static uint8_t f[MAXF];

/* 1. ARP request for the responder's address on queue 0 */
static void step_arp(void)
{
	int n, before = failures;
	uint32_t len;

	len = build_arp(f, 1, their_ip);
	send_frame(0, f, len);
	n = collect(got, 16, 3000, true);
	n += collect(got + n, 16 - n, 100, false);
	if (n != 1) {
		CHECK_EQ("frames after ARP request", n, 1);
	} else {
		check_arp_reply(&got[0], 0);
		memcpy(their_mac, got[0].d + 6, 6);
		printf("%s: ARP reply on q%d, %u bytes\n",
		       failures == before ? "ok" : "BAD", got[0].q, got[0].len);
	}
}

/* 2. frames that must get no reply */
static void step_not_for_us(void)
{
	uint32_t len;
	int n, i;

	len = build_arp(f, 1, other_ip); /* ARP for another address */
	send_frame(1 % ntx, f, len);
	len = build_arp(f, 2, their_ip); /* an ARP reply */
	send_frame(2 % ntx, f, len);
	len = build_ip(f, their_mac, other_ip, 1, 8, 90, 32, 0);
	send_frame(0, f, len); /* echo for another IP */
	len = build_ip(f, (const uint8_t *)"\x02\0\0\0\0\x99", their_ip, 1, 8,
		       91, 32, 0);
	send_frame(1 % ntx, f, len); /* echo to another MAC */
	len = build_ip(f, their_mac, their_ip, 1, 8, 92, 32, 0);
	f[14 + 10] ^= 0x55; /* bad IP header checksum */
	send_frame(2 % ntx, f, len);
	len = build_ip(f, their_mac, their_ip, 1, 8, 93, 32, 0);
	f[14 + 20 + 2] ^= 0x55; /* bad ICMP checksum */
	send_frame(0, f, len);
	len = build_ip(f, their_mac, their_ip, 17, 0, 94, 32, 0);
	send_frame(1 % ntx, f, len); /* UDP */
	len = build_ip(f, their_mac, their_ip, 1, 0, 95, 32, 0);
	send_frame(2 % ntx, f, len); /* an echo reply */
	len = build_ip(f, their_mac, their_ip, 1, 8, 96, 32, 0x2000);
	send_frame(0, f, len); /* first fragment (MF) */
	len = build_ip(f, their_mac, their_ip, 1, 8, 97, 32, 0);
	p16(f + 14 + 2, 20 + 8 + 32 + 100); /* total length past the frame */
	p16(f + 14 + 10, 0);
	p16(f + 14 + 10, (uint16_t)~sum16(f + 14, 20));
	send_frame(1 % ntx, f, len);
	len = build_ip(f, their_mac, their_ip, 1, 8, 98, 32, 0);
	f[14] = 0x44; /* IHL 4 */
	send_frame(2 % ntx, f, len);
	len = build_eth(f, their_mac, 0x86dd); /* IPv6 */
	memset(f + len, 0x60, 40);
	send_frame(0, f, len + 40);
	send_frame(1 % ntx, f, 10); /* runt */
	n = collect(got, 16, 500, false);
	if (n) {
		for (i = 0; i < n; i++)
			printf("FAIL: reply (%u bytes on q%d) to a frame that "
			       "is not for 192.168.1.1\n",
			       got[i].len, got[i].q);
		failures++;
	} else {
		printf("ok: no reply to 13 frames not for us\n");
	}
}

/* 3. five echo requests of different sizes on different queues */
static void step_echoes(void)
{
	static const unsigned sizes[5] = { 0, 56, 200, 1000, 1472 };
	uint32_t len;
	int n, i, before;

	for (i = 0; i < 5; i++) {
		int q = i % ntx;

		before = failures;
		len = build_ip(f, their_mac, their_ip, 1, 8, i + 1, sizes[i],
			       0x4000);
		send_frame(q, f, len);
		n = collect(got, 16, 3000, true);
		n += collect(got + n, 16 - n, 50, false);
		if (n != 1) {
			CHECK_EQ("frames after echo request", n, 1);
			continue;
		}
		check_echo_reply(&got[0], q, i + 1, sizes[i]);
		printf("%s: echo reply seq %d, %u bytes of data, on q%d\n",
		       failures == before ? "ok" : "BAD", i + 1, sizes[i],
		       got[0].q);
	}
}

static int run(void)
{
	int n;

	step_arp();
	step_not_for_us();
	step_echoes();
	/* 4. nothing late */
	n = collect(got, 16, 300, false);
	if (n) {
		printf("FAIL: %d unexpected frames at the end\n", n);
		failures++;
	}
	return failures;
}

int main(int argc, char **argv)
{
	struct memif_config cfg = {
		.if_name = "memif1",
		.conn_id = 1,
		.secret = "secret",
		.is_master = true,
		.app_name = "vpp-peer",
		.num_rx_queues = NQ,
		.num_tx_queues = NQ,
		.buffer_size = 2048,
		.log2_ring_size = 10,
	};
	struct memif_callbacks cb = { on_connect, on_disconnect, NULL };
	double timeout = 20;
	int i, q, err;

	cfg.socket_filename = "/tmp/icmp-responder-example";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--slave")) {
			cfg.is_master = false;
			cfg.app_name = "vpp-peer-slave";
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			cfg.socket_filename = argv[++i];
		} else if (!strcmp(argv[i], "--queues") && i + 1 < argc) {
			/* VPP's default is one queue each way */
			q = atoi(argv[++i]);
			if (q < 1 || q > NQ)
				q = NQ;
			cfg.num_rx_queues = cfg.num_tx_queues = (uint8_t)q;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = atof(argv[++i]);
		} else {
			fprintf(stderr,
				"usage: %s [--slave] [--socket PATH] "
				"[--queues 1..3] [--timeout SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wake_fd < 0)
		return 1;
	err = memif_init(cfg.app_name);
	if (err) {
		printf("FAIL: memif_init: %s\n", memif_strerror(err));
		return 1;
	}
	err = memif_create_interface(&cfg, &cb, &mif);
	if (err) {
		printf("FAIL: memif_create_interface: %s\n",
		       memif_strerror(err));
		return 1;
	}
	if (!wait_link(timeout)) {
		printf("FAIL: no connection within %.0f s\n", timeout);
		failures++;
	} else {
		run();
	}
	err = memif_close(mif);
	if (err)
		printf("FAIL: memif_close: %s\n", memif_strerror(err));
	err = memif_cleanup();
	if (err)
		printf("FAIL: memif_cleanup: %s\n", memif_strerror(err));
	printf("%s (%d failures)\n", failures ? "FAILED" : "PASSED", failures);
	return failures ? 1 : 0;
}
