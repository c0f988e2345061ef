/* SPDX-License-Identifier: MIT */
/*
 * icmp-responder: the Go adapter's icmp-responder example in C.  Answers ARP
 * requests for its address and ICMP echo requests to it (192.168.1.1,
 * aa:aa:aa:aa:aa:aa by default) on the queue they arrived on, as master or
 * as slave.  Ethernet, ARP, IPv4 and ICMP are parsed and checksummed by hand
 * (ex_respond() in common.c): lengths, version, IHL and both checksums of a
 * request are checked, and anything that is not for us is ignored and
 * reported once per kind.  One thread per queue polls
 * memif_get_queue_interrupt_fd, drains memif_rx_burst and sends the replies
 * with memif_tx_burst.
 *
 * Two instances cannot ping each other; use VPP or the test peer
 * (examples/tests/vpp-peer):
 *   icmp-responder                       # master on /tmp/icmp-responder-example
 *   vpp-peer --slave --socket /tmp/icmp-responder-example
 *
 * Against VPP (as root, to reach the socket; VPP is the slave):
 *   create memif socket id 1 filename /tmp/icmp-responder-example
 *   create interface memif id 1 socket-id 1 slave secret secret no-zero-copy
 *   set int state memif1/1 up
 *   set int ip address memif1/1 192.168.1.2/24
 *   ping 192.168.1.1
 * The first ping is lost to ARP.  With "icmp-responder --slave", create the
 * VPP interface with "master" instead of "slave".  Without no-zero-copy
 * (VPP's default, zero-copy), run icmp-responder with --allow-unsealed:
 * VPP's buffer regions are not sealed.  One thread per RX queue the
 * connection has (the slave decides how many); replies go out on the same
 * queue, or that modulo the TX count.
 *
 * Unlike the Go example it does not exit on the first asynchronous error
 * (a slave waiting for its master gets one every retry); it prints them.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define RX_BURST 32
#define MAX_FRAME 65536

struct app {
	struct ex_common c;
	struct ex_responder_opts ro;
	struct ex_responder r;
	struct ex_workers ws;
	int done;
	/* a TX queue is shared when there are more RX than TX queues */
	pthread_mutex_t tx_lock[MEMIF_MAX_QUEUES];
};

static void *queue_thread(void *arg)
{
	struct ex_worker *w = arg;
	struct app *a = w->app;
	struct memif_rx_pkt in[RX_BURST];
	struct memif_tx_pkt out[RX_BURST];
	uint8_t q = w->idx, txq;
	uint8_t *buf;

	if (q >= w->num_rx || !w->num_tx)
		return NULL;
	txq = q % w->num_tx;
	buf = malloc((size_t)RX_BURST * MAX_FRAME);
	if (!buf) {
		fprintf(stderr, "q%u: out of memory\n", q);
		return NULL;
	}
	while (ex_worker_wait(w, -1) > 0) {
		uint16_t n, i;
		unsigned nout = 0, sent;
		int err;

		err = memif_rx_burst(w->m, q, in, RX_BURST, &n);
		if (err) {
			ex_perror("memif_rx_burst", err);
			/* disconnected: on_disconnect will stop us */
			if (ex_worker_pause(w, ex_backoff_ms(err)) < 0)
				break;
			continue;
		}
		/* n == 0: the fd was cleared; poll again */
		for (i = 0; i < n; i++) {
			uint8_t *o = buf + (size_t)nout * MAX_FRAME;
			uint32_t len = ex_respond(&a->r, q, in[i].data,
						  in[i].len, o, MAX_FRAME);

			if (len)
				out[nout++] = (struct memif_tx_pkt){ o, len };
		}
		if (!nout)
			continue;
		pthread_mutex_lock(&a->tx_lock[txq]);
		sent = ex_tx_all(w, txq, out, nout, 1000, &err);
		pthread_mutex_unlock(&a->tx_lock[txq]);
		if (err) {
			pthread_mutex_lock(&ex_print_lock);
			printf("q%u: sent %u of %u replies: %s (%d)\n", txq,
			       sent, nout, memif_strerror(err), err);
			pthread_mutex_unlock(&ex_print_lock);
		}
		if (a->c.count && ex_responder_replies(&a->r) >= a->c.count)
			ex_done(&a->done);
	}
	free(buf);
	return NULL;
}

static int on_connect(struct memif *m, void *ctx)
{
	struct app *a = ctx;

	ex_print_details(m, &a->c);
	/* a thread per RX queue; replies go out on q % the TX count */
	return ex_workers_start(&a->ws, m, a, queue_thread, EX_Q_RX);
}

static int on_disconnect(struct memif *m, void *ctx)
{
	struct app *a = ctx;

	ex_workers_stop(&a->ws);
	printf("%s: disconnected\n", EX_IF_NAME);
	return 0;
}

int main(int argc, char **argv)
{
	static struct app a = { .ro = EX_RESPONDER_DEFAULTS };
	const struct ex_opt opts[] = {
		EX_COMMON_OPTS(&a.c),
		EX_RESPONDER_OPTS(&a.ro),
		{ "dump", EX_OPT_FLAG, &a.r.dump, NULL,
		  "hex-dump every received frame" },
	};
	struct memif_config cfg = {
		.if_name = EX_IF_NAME,
		.conn_id = EX_CONN_ID,
		.secret = EX_SECRET,
		.mode = MEMIF_IF_MODE_ETHERNET,
		.buffer_size = EX_BUFFER_SIZE,
		.log2_ring_size = EX_LOG2_RING,
	};
	struct memif_callbacks cb = { on_connect, on_disconnect, &a };
	struct memif *m;
	int err, status, i;

	a.c.socket = "/tmp/icmp-responder-example";
	ex_parse_args(argc, argv,
		      "Answers ARP and ICMP echo requests for its address on "
		      "the queue they arrive on.\n--count N stops after N "
		      "replies (ARP and ICMP together).",
		      opts, sizeof(opts) / sizeof(opts[0]));
	if (!ex_responder_apply(&a.ro, &a.r, &cfg))
		return 2;
	if (!ex_setup() || !ex_workers_init(&a.ws)) {
		perror("setup");
		return 1;
	}
	for (i = 0; i < MEMIF_MAX_QUEUES; i++)
		pthread_mutex_init(&a.tx_lock[i], NULL);
	cfg.app_name = a.c.slave ? "ICMP-Responder-slave" : "ICMP-Responder";
	ex_apply_common(&a.c, &cfg);

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
	printf("%s: %s on %s, answering for %s (%s) (Ctrl-C to stop)\n",
	       cfg.app_name, a.c.slave ? "slave" : "master", a.c.socket,
	       a.ro.ip, a.ro.mac);

	status = ex_run(m, &a.c, &a.done, &a.ws);

	err = memif_close(m);
	if (err)
		ex_perror("memif_close", err);
	err = memif_cleanup();
	if (err)
		ex_perror("memif_cleanup", err);
	ex_workers_destroy(&a.ws);
	ex_responder_stats(&a.r);
	return status;
}
