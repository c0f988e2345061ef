/* SPDX-License-Identifier: MIT */
/*
 * raw-data: the Go adapter's raw-data example in C.  Every 3 s each side
 * sends 3 text packets "Packet #i in burst number N" on each of its 3 TX
 * queues and prints, per queue, what arrives on its 3 RX queues.  Shows
 * memif_tx_burst, memif_rx_burst views, memif_get_queue_interrupt_fd polled
 * by one thread per queue, and the on_connect/on_disconnect contract (the
 * threads are started in on_connect and joined before on_disconnect
 * returns).
 *
 * Two instances, started in any order:
 *   raw-data                      # master on /tmp/raw-data-example
 *   raw-data --slave              # slave
 *   raw-data --socket @raw --count 2 --duration 30   # unattended, abstract
 *
 * Against VPP (as root; VPP is the slave):
 *   create memif socket id 1 filename /tmp/raw-data-example
 *   create interface memif id 1 socket-id 1 slave secret secret
 *     rx-queues 3 tx-queues 3 no-zero-copy       (one line in the CLI)
 *   set int state memif1/1 up
 *   show interface memif1/1; show memif memif1/1
 * (VPP drops the text frames; its counters and "trace add memif-input 10"
 * show them arriving.)  Without no-zero-copy (VPP's default, zero-copy),
 * run raw-data with --allow-unsealed: VPP's buffer regions are not sealed.
 * The slave decides the queue counts: as master, raw-data serves as many
 * as VPP's slave asks for (its rx-queues are our TX queues).
 *
 * --count N: stop once N bursts were sent on every TX queue and 3*N packets
 * received on every RX queue; exit status 1 if --duration ends first.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define PKTS_PER_BURST 3u
#define RX_BURST 10

struct app {
	struct ex_common c;
	double interval;
	bool quiet;
	struct ex_workers ws;
	int done;
	/* per queue, kept across reconnects; each written by one worker */
	unsigned long bursts[MEMIF_MAX_QUEUES];
	unsigned long received[MEMIF_MAX_QUEUES];
};

static bool is_text(const uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return false;
	return true;
}

/* Whether --count is satisfied on every queue; kicks main once it is. */
static void check_done(struct app *a, const struct ex_worker *w)
{
	unsigned i;

	if (!a->c.count || __atomic_load_n(&a->done, __ATOMIC_RELAXED))
		return;
	for (i = 0; i < w->num_tx; i++)
		if (__atomic_load_n(&a->bursts[i], __ATOMIC_RELAXED) <
		    a->c.count)
			return;
	for (i = 0; i < w->num_rx; i++)
		if (__atomic_load_n(&a->received[i], __ATOMIC_RELAXED) <
		    a->c.count * PKTS_PER_BURST)
			return;
	ex_done(&a->done);
}

static void receive(struct ex_worker *w, struct app *a)
{
	struct memif_rx_pkt pkts[RX_BURST];
	uint8_t q = w->idx;
	uint16_t n, i;
	int err;

	/* level-triggered: drain until empty, then the fd is clear */
	do {
		err = memif_rx_burst(w->m, q, pkts, RX_BURST, &n);
		if (err) {
			ex_perror("memif_rx_burst", err);
			/* disconnected: on_disconnect will stop us */
			ex_worker_pause(w, ex_backoff_ms(err));
			return;
		}
		pthread_mutex_lock(&ex_print_lock);
		for (i = 0; i < n; i++) {
			if (a->quiet)
				continue;
			if (is_text(pkts[i].data, pkts[i].len)) {
				printf("q%u: received \"%.*s\" (%u bytes)\n", q,
				       (int)pkts[i].len,
				       (const char *)pkts[i].data, pkts[i].len);
			} else {
				printf("q%u: received %u bytes\n", q,
				       pkts[i].len);
				ex_hexdump(stdout, pkts[i].data, pkts[i].len,
					   64);
			}
		}
		pthread_mutex_unlock(&ex_print_lock);
		__atomic_add_fetch(&a->received[q], n, __ATOMIC_RELAXED);
	} while (n);
}

static void send_burst(struct ex_worker *w, struct app *a)
{
	char text[PKTS_PER_BURST][64];
	struct memif_tx_pkt pkts[PKTS_PER_BURST];
	uint8_t q = w->idx;
	unsigned long burst = a->bursts[q] + 1;
	unsigned i, sent;
	int err;

	for (i = 0; i < PKTS_PER_BURST; i++) {
		int len = snprintf(text[i], sizeof(text[i]),
				   "Packet #%u in burst number %lu", i, burst);

		pkts[i] = (struct memif_tx_pkt){ text[i], (uint32_t)len };
	}
	sent = ex_tx_all(w, q, pkts, PKTS_PER_BURST, 1000, &err);
	pthread_mutex_lock(&ex_print_lock);
	if (err)
		printf("q%u: burst %lu: sent %u of %u: %s (%d)\n", q, burst,
		       sent, PKTS_PER_BURST, memif_strerror(err), err);
	else if (!a->quiet)
		printf("q%u: sent burst %lu (%u packets)\n", q, burst, sent);
	pthread_mutex_unlock(&ex_print_lock);
	/* a burst that failed is counted too, as in Go: it gives up on it */
	__atomic_store_n(&a->bursts[q], burst, __ATOMIC_RELAXED);
}

static void *queue_thread(void *arg)
{
	struct ex_worker *w = arg;
	struct app *a = w->app;
	uint8_t q = w->idx;
	double next = ex_now() + a->interval;

	for (;;) {
		bool sender = q < w->num_tx &&
			      (!a->c.count || a->bursts[q] < a->c.count);
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
			send_burst(w, a);
			next += a->interval;
			if (next < ex_now())
				next = ex_now() + a->interval;
		}
		check_done(a, w);
	}
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
	struct memif_details *d;

	/* views and queue fds die when we return: stop the threads first */
	ex_workers_stop(&a->ws);
	d = malloc(sizeof(*d));
	if (d && memif_get_details(m, d) == MEMIF_OK)
		printf("%s: disconnected (%s)\n", d->if_name,
		       d->remote_disconnect_reason[0] ?
			       d->remote_disconnect_reason :
			       d->local_disconnect_reason);
	else
		printf("disconnected\n");
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	static struct app a = { .interval = 3.0 };
	const struct ex_opt opts[] = {
		EX_COMMON_OPTS(&a.c),
		{ "interval", EX_OPT_DOUBLE, &a.interval, "SECONDS",
		  "time between bursts (default 3)" },
		{ "quiet", EX_OPT_FLAG, &a.quiet, NULL,
		  "do not print every packet" },
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

	a.c.socket = "/tmp/raw-data-example";
	ex_parse_args(argc, argv,
		      "Sends 3 text packets per queue every 3 s and prints "
		      "what the peer sends.\n--count N stops after N bursts "
		      "each way on every queue.",
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
	cfg.app_name = a.c.slave ? "Raw-Data-slave" : "Raw-Data";

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
	for (i = 0; i < nq; i++)
		printf("queue %u: sent %lu bursts, received %lu packets\n", i,
		       a.bursts[i], a.received[i]);
	return status;
}
