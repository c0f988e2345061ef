/* SPDX-License-Identifier: MIT */
/*
 * jumbo-frames: the Go adapter's jumbo-frames example in C, with payload
 * checks.  Every 3 s each side sends, on each of its 3 TX queues, packets of
 * 128*m, 256*m and 512*m bytes (m = burst % 100 + 1, up to 51,200 bytes:
 * 25 chained 2 KiB slots), and checks every byte of what arrives.  Shows
 * chained (multi-slot) packets through memif_tx_burst and reassembly by
 * memif_rx_burst.
 *
 * Each packet carries its per-queue sequence number s in its first 4 bytes
 * (big endian); byte i >= 4 is (s + i) & 0xff, and its length follows from
 * s.  The receiver prints every length with OK or CORRUPT, and MISSING for a
 * gap in the sequence.
 *
 * Two instances, started in any order:
 *   jumbo-frames                  # master on /tmp/jumbo-frames-example
 *   jumbo-frames --slave          # slave
 *   jumbo-frames --socket @jf --interval 0.02 --count 100 --duration 30
 *                                 # all 100 sizes, unattended
 *
 * Against VPP (as root; VPP is the slave and drops the frames):
 *   create memif socket id 1 filename /tmp/jumbo-frames-example
 *   create interface memif id 1 socket-id 1 slave secret secret
 *     rx-queues 3 tx-queues 3 no-zero-copy       (one line in the CLI)
 *   set int state memif1/1 up
 *   show interface memif1/1; show memif memif1/1
 * Without no-zero-copy (VPP's default, zero-copy), run jumbo-frames with
 * --allow-unsealed: VPP's buffer regions are not sealed.  The slave decides
 * the queue counts; the summary lists the queues the connection had.
 *
 * --count N: stop once N bursts were sent on every TX queue and 3*N packets
 * received on every RX queue.  The exit status is 1 if any packet was
 * CORRUPT or MISSING, or, with --count, if fewer than 3*N arrived per queue.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define PKTS_PER_BURST 3u
#define RX_BURST 10
#define MAX_LEN (512 * 100)

struct queue_stats {
	unsigned long bursts; /* TX: bursts sent */
	unsigned long tx_seq; /* TX: next sequence number */
	unsigned long rx_seq; /* RX: next expected sequence number */
	unsigned long ok, corrupt, missing;
};

struct app {
	struct ex_common c;
	double interval;
	bool quiet;
	struct ex_workers ws;
	int done;
	struct queue_stats q[MEMIF_MAX_QUEUES];
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Length of the packet with sequence number @s (three per burst). */
static uint32_t seq_len(unsigned long s)
{
	unsigned long m = (s / PKTS_PER_BURST + 1) % 100 + 1;

	return (128u << (s % PKTS_PER_BURST)) * (uint32_t)m;
}

static void fill(uint8_t *p, unsigned long s, uint32_t len)
{
	uint32_t i;

	p[0] = (uint8_t)(s >> 24);
	p[1] = (uint8_t)(s >> 16);
	p[2] = (uint8_t)(s >> 8);
	p[3] = (uint8_t)s;
	for (i = 4; i < len; i++)
		p[i] = (uint8_t)(s + i);
}

/* Offset of the first wrong byte, or -1 when the packet is intact. */
static long verify(const uint8_t *p, uint32_t len, uint32_t *seq)
{
	uint32_t s, i;

	if (len < 4)
		return 0;
	s = get32(p);
	*seq = s;
	if (len != seq_len(s))
		return len;
	for (i = 4; i < len; i++)
		if (p[i] != (uint8_t)(s + i))
			return i;
	return -1;
}

static void check_done(struct app *a, const struct ex_worker *w)
{
	unsigned i;

	if (!a->c.count || __atomic_load_n(&a->done, __ATOMIC_RELAXED))
		return;
	for (i = 0; i < w->num_tx; i++)
		if (__atomic_load_n(&a->q[i].bursts, __ATOMIC_RELAXED) <
		    a->c.count)
			return;
	for (i = 0; i < w->num_rx; i++)
		if (__atomic_load_n(&a->q[i].rx_seq, __ATOMIC_RELAXED) <
		    a->c.count * PKTS_PER_BURST)
			return;
	ex_done(&a->done);
}

static void receive(struct ex_worker *w, struct app *a)
{
	struct memif_rx_pkt pkts[RX_BURST];
	struct queue_stats *st = &a->q[w->idx];
	uint8_t q = w->idx;
	uint16_t n, i;
	int err;

	do {
		err = memif_rx_burst(w->m, q, pkts, RX_BURST, &n);
		if (err) {
			ex_perror("memif_rx_burst", err);
			ex_worker_pause(w, ex_backoff_ms(err));
			return;
		}
		for (i = 0; i < n; i++) {
			uint32_t s = 0;
			long bad = verify(pkts[i].data, pkts[i].len, &s);

			pthread_mutex_lock(&ex_print_lock);
			if (bad < 0 && s > st->rx_seq) {
				printf("q%u: MISSING seq %lu..%u\n", q,
				       st->rx_seq, s - 1);
				st->missing += s - st->rx_seq;
			} else if (bad < 0 && s < st->rx_seq) {
				printf("q%u: sequence restarted at %u (peer "
				       "restarted?)\n",
				       q, s);
			}
			if (bad < 0) {
				st->ok++;
				if (!a->quiet)
					printf("q%u: %u bytes OK (seq %u)\n", q,
					       pkts[i].len, s);
				__atomic_store_n(&st->rx_seq, s + 1ul,
						 __ATOMIC_RELAXED);
			} else {
				st->corrupt++;
				printf("q%u: %u bytes CORRUPT at byte %ld "
				       "(seq %u, expected %lu)\n",
				       q, pkts[i].len, bad, s, st->rx_seq);
				ex_hexdump(stdout, pkts[i].data, pkts[i].len,
					   64);
				/* count it as received all the same */
				__atomic_add_fetch(&st->rx_seq, 1,
						   __ATOMIC_RELAXED);
			}
			pthread_mutex_unlock(&ex_print_lock);
		}
	} while (n);
}

static void send_burst(struct ex_worker *w, struct app *a, uint8_t *buf)
{
	struct memif_tx_pkt pkts[PKTS_PER_BURST];
	struct queue_stats *st = &a->q[w->idx];
	uint8_t q = w->idx;
	unsigned i, sent;
	int err;

	for (i = 0; i < PKTS_PER_BURST; i++) {
		unsigned long s = st->tx_seq + i;
		uint8_t *p = buf + (size_t)i * MAX_LEN;

		pkts[i] = (struct memif_tx_pkt){ p, seq_len(s) };
		fill(p, s, seq_len(s));
	}
	sent = ex_tx_all(w, q, pkts, PKTS_PER_BURST, 1000, &err);
	pthread_mutex_lock(&ex_print_lock);
	if (err)
		printf("q%u: burst %lu: sent %u of %u: %s (%d)\n", q,
		       st->bursts + 1, sent, PKTS_PER_BURST,
		       memif_strerror(err), err);
	else if (!a->quiet)
		printf("q%u: sent %u, %u and %u bytes (burst %lu)\n", q,
		       pkts[0].len, pkts[1].len, pkts[2].len, st->bursts + 1);
	pthread_mutex_unlock(&ex_print_lock);
	/* unsent packets keep their numbers: the receiver reports them */
	st->tx_seq += PKTS_PER_BURST;
	__atomic_add_fetch(&st->bursts, 1, __ATOMIC_RELAXED);
}

static void *queue_thread(void *arg)
{
	struct ex_worker *w = arg;
	struct app *a = w->app;
	uint8_t q = w->idx;
	double next = ex_now() + a->interval;
	uint8_t *buf = NULL;

	if (q < w->num_tx) {
		buf = malloc((size_t)PKTS_PER_BURST * MAX_LEN);
		if (!buf) {
			fprintf(stderr, "q%u: out of memory\n", q);
			return NULL;
		}
	}
	for (;;) {
		bool sender = buf &&
			      (!a->c.count || a->q[q].bursts < a->c.count);
		int timeout = -1, r;

		if (sender) {
			double left = next - ex_now();

			timeout = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		r = ex_worker_wait(w, timeout);
		if (r < 0)
			break;
		if (r > 0)
			receive(w, a);
		if (sender && ex_now() >= next) {
			send_burst(w, a, buf);
			next += a->interval;
			if (next < ex_now())
				next = ex_now() + a->interval;
		}
		check_done(a, w);
	}
	free(buf);
	return NULL;
}

static int on_connect(struct memif *m, void *ctx)
{
	struct app *a = ctx;

	ex_print_details(m, &a->c);
	return ex_workers_start(&a->ws, m, a, queue_thread, EX_Q_ANY);
}

static int on_disconnect(struct memif *m, void *ctx)
{
	struct app *a = ctx;

	ex_workers_stop(&a->ws);
	printf("%s: disconnected\n", EX_IF_NAME);
	return 0;
}

/* The recipe itself, top to bottom (options, config, init, interface,
 * run, cleanup): long, but kept whole so that it reads as one. */
int main(int argc, char **argv)
{
	static struct app a = { .interval = 3.0 };
	const struct ex_opt opts[] = {
		EX_COMMON_OPTS(&a.c),
		{ "interval", EX_OPT_DOUBLE, &a.interval, "SECONDS",
		  "time between bursts (default 3)" },
		{ "quiet", EX_OPT_FLAG, &a.quiet, NULL,
		  "print only problems and the summary" },
	};
	struct memif_config cfg = {
		.if_name = EX_IF_NAME,
		.conn_id = EX_CONN_ID,
		.secret = EX_SECRET,
		.mode = MEMIF_IF_MODE_ETHERNET,
		.num_rx_queues = EX_QUEUES,
		.num_tx_queues = EX_QUEUES,
		.buffer_size = EX_BUFFER_SIZE,
		.log2_ring_size = EX_LOG2_RING,
	};
	struct memif_callbacks cb = { on_connect, on_disconnect, &a };
	struct memif *m;
	int err, status;
	unsigned i, nq;

	a.c.socket = "/tmp/jumbo-frames-example";
	ex_parse_args(argc, argv,
		      "Sends 3 growing packets (up to 51,200 bytes) per queue "
		      "every 3 s and checks\nevery byte of what the peer "
		      "sends.  --count N stops after N bursts each way\non "
		      "every queue.",
		      opts, sizeof(opts) / sizeof(opts[0]));
	if (a.interval <= 0) {
		fprintf(stderr, "--interval must be > 0\n");
		return 2;
	}
	if (!ex_setup() || !ex_workers_init(&a.ws)) {
		perror("setup");
		return 1;
	}
	ex_apply_common(&a.c, &cfg);
	cfg.app_name = a.c.slave ? "jumbo-frames-slave" : "jumbo-frames";

	err = memif_init(cfg.app_name);
	if (err) {
		ex_perror("memif_init", err);
		return 1;
	}
	err = memif_create_interface(&cfg, &cb, &m);
	if (err) {
		ex_perror("memif_create_interface", err);
		if (memif_cleanup())
			fprintf(stderr, "memif_cleanup failed\n");
		return 1;
	}
	printf("%s: %s on %s, waiting for the peer (Ctrl-C to stop)\n",
	       cfg.app_name, a.c.slave ? "slave" : "master", a.c.socket);

	status = ex_run(m, &a.c, &a.done, &a.ws);

	err = memif_close(m);
	if (err)
		ex_perror("memif_close", err);
	err = memif_cleanup();
	if (err)
		ex_perror("memif_cleanup", err);
	ex_workers_destroy(&a.ws);

	/* the queues of the last connection, which the slave decided */
	nq = a.ws.num_rx > a.ws.num_tx ? a.ws.num_rx : a.ws.num_tx;
	for (i = 0; i < nq; i++) {
		struct queue_stats *st = &a.q[i];

		printf("queue %u: sent %lu packets; received %lu OK, %lu "
		       "CORRUPT, %lu MISSING\n",
		       i, st->tx_seq, st->ok, st->corrupt, st->missing);
		if (st->corrupt || st->missing)
			status = 1;
		if (a.c.count && i < a.ws.num_rx &&
		    st->rx_seq < a.c.count * PKTS_PER_BURST) {
			printf("queue %u: expected %lu packets\n", i,
			       a.c.count * PKTS_PER_BURST);
			status = 1;
		}
	}
	printf("%s\n", status ? "FAILED" : "all packets intact");
	return status;
}
