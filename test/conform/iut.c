/* SPDX-License-Identifier: MIT */
/*
 * memif-conform-iut: this library as an implementation under test.  It
 * creates one interface (two with --id2) in the requested role, reflects
 * every packet it receives back on the same queue, prints its pid and runs
 * until SIGTERM, then closes everything so that LeakSanitizer can speak.
 *
 *   memif-conform-iut --role master --socket @conform --id 0 --queues 2
 *
 * As a master it serves whatever queue counts the slave asks for (the slave
 * decides); --queues is what a slave asks for.
 *
 * For the tests of memif-conform's --iut, it can misbehave on purpose:
 * --once makes a slave that connects only once (as DPDK's client does), and
 * MEMIF_CONFORM_IUT_FAULT=crash:LEN or hang:LEN crashes (SIGSEGV) or
 * wedges its data path on the first received packet of LEN bytes, and
 * leak:N keeps N fds open for good at every disconnect (an fd leak that
 * memif-conform's baseline must catch).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memif/memif.h>

#define BURST 64
#define MAX_PORTS 2

struct port {
	struct memif *m;
	int gone; /* --once: the first connection ended */
	int up; /* on_connect ran; the data path may run */
	int busy; /* the data path is inside a burst */
	unsigned n_rxq, n_txq;
};

static struct port ports[MAX_PORTS];
static volatile sig_atomic_t stop;
static bool once;
static enum { FAULT_NONE, FAULT_CRASH, FAULT_HANG, FAULT_LEAK } fault;
static uint32_t fault_len;

static void parse_fault(void)
{
	const char *f = getenv("MEMIF_CONFORM_IUT_FAULT");
	char *end;

	if (!f || !*f)
		return;
	if (!strncmp(f, "crash:", 6))
		fault = FAULT_CRASH;
	else if (!strncmp(f, "hang:", 5))
		fault = FAULT_HANG;
	else if (!strncmp(f, "leak:", 5))
		fault = FAULT_LEAK;
	fault_len = (uint32_t)strtoul(strchr(f, ':') ? strchr(f, ':') + 1 : f,
				      &end, 0);
	if (fault == FAULT_NONE || *end) {
		fprintf(stderr, "MEMIF_CONFORM_IUT_FAULT: crash:LEN, "
				"hang:LEN or leak:N, not \"%s\"\n", f);
		exit(2);
	}
}

/* The planted faults.  Said on stderr first, so the report can quote it. */
static void misbehave(uint32_t len)
{
	if ((fault != FAULT_CRASH && fault != FAULT_HANG) || len != fault_len)
		return;
	fprintf(stderr, "memif-conform-iut: planted %s on a %u-byte packet\n",
		fault == FAULT_CRASH ? "crash" : "hang", len);
	fflush(stderr);
	if (fault == FAULT_CRASH)
		raise(SIGSEGV);
	/* Wedged with the data path marked busy: on_disconnect waits for
	 * it forever, and so does the library's event thread. */
	for (;;)
		sleep(1);
}

static void on_signal(int sig)
{
	stop = 1;
}

static int on_connect(struct memif *m, void *ctx)
{
	struct port *pt = ctx;
	struct memif_details *d = malloc(sizeof(*d));

	if (!d)
		return -1;
	if (memif_get_details(m, d) == MEMIF_OK) {
		pt->n_rxq = d->num_rx_queues;
		pt->n_txq = d->num_tx_queues;
	}
	free(d);
	__atomic_store_n(&pt->up, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int on_disconnect(struct memif *m, void *ctx)
{
	struct port *pt = ctx;

	/* Views stay valid until we return: wait for the data path. */
	__atomic_store_n(&pt->up, 0, __ATOMIC_SEQ_CST);
	if (once)
		__atomic_store_n(&pt->gone, 1, __ATOMIC_SEQ_CST);
	/* The planted leak: fds nobody will close. */
	for (uint32_t i = 0; fault == FAULT_LEAK && i < fault_len; i++)
		if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0)
			break;
	while (__atomic_load_n(&pt->busy, __ATOMIC_SEQ_CST))
		sched_yield();
	return 0;
}

/* Reflect what queue @q received; keep trying while the TX ring is full
 * (backpressure, not loss).  Returns the packets received. */
static unsigned echo_queue(struct port *pt, unsigned q)
{
	struct memif_rx_pkt rx[BURST];
	struct memif_tx_pkt tx[BURST];
	uint16_t n = 0, sent = 0, i;
	unsigned txq;

	if (memif_rx_burst(pt->m, (uint8_t)q, rx, BURST, &n) != MEMIF_OK || !n)
		return 0;
	for (i = 0; i < n; i++) {
		misbehave(rx[i].len);
		tx[i].data = rx[i].data;
		tx[i].len = rx[i].len;
	}
	txq = q < pt->n_txq ? q : q % (pt->n_txq ? pt->n_txq : 1);
	while (sent < n && !stop &&
	       __atomic_load_n(&pt->up, __ATOMIC_SEQ_CST)) {
		uint16_t k = 0;
		int ret = memif_tx_burst(pt->m, (uint8_t)txq, tx + sent,
					 (uint16_t)(n - sent), &k);

		sent = (uint16_t)(sent + k);
		if (ret == MEMIF_ERR_PKT_LEN) {
			sent++; /* cannot ever fit: skip it */
			continue;
		}
		if (ret != MEMIF_OK)
			break;
		if (!k)
			usleep(20);
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: memif-conform-iut --role master|slave --socket S "
		"[--id N] [--id2 N]\n"
		"       [--secret S] [--queues N] [--log2 N] [--buffer-size N]\n"
		"       [--interrupt] [--reconnect-ms N] [--handshake-ms N]\n"
		"       [--allow-unsealed] [--once]\n"
		"  --allow-unsealed  accept the peer's unsealed regions "
		"(VPP/DPDK zero-copy slaves); trusts the peer not to shrink "
		"them\n"
		"  --once            as a slave, connect only once (then stay "
		"idle until SIGTERM)\n"
		"  MEMIF_CONFORM_IUT_FAULT=crash:LEN|hang:LEN  crash or hang on "
		"the first packet of LEN bytes\n"
		"  MEMIF_CONFORM_IUT_FAULT=leak:N  leak N fds at every "
		"disconnect\n");
	exit(2);
}

/* The options into @cfg; the second interface's id into *@id2 (-1:
 * none).  Exits through usage() on an error. */
static void parse_args(int argc, char **argv, struct memif_config *cfg,
		       long *id2)
{
	static const struct option lo[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },
		{ "id2", required_argument, NULL, 'I' },
		{ "secret", required_argument, NULL, 'S' },
		{ "queues", required_argument, NULL, 'q' },
		{ "log2", required_argument, NULL, 'l' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "interrupt", no_argument, NULL, 'n' },
		{ "reconnect-ms", required_argument, NULL, 'R' },
		{ "handshake-ms", required_argument, NULL, 'H' },
		{ "allow-unsealed", no_argument, NULL, 'U' },
		{ "once", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	bool interrupt = false;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, "master") && strcmp(optarg, "slave"))
				usage();
			cfg->is_master = !strcmp(optarg, "master");
			break;
		case 's':
			cfg->socket_filename = optarg;
			break;
		case 'i':
			cfg->conn_id = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'I':
			*id2 = strtol(optarg, NULL, 0);
			break;
		case 'S':
			cfg->secret = optarg;
			break;
		case 'q':
			cfg->num_rx_queues = (uint8_t)atoi(optarg);
			cfg->num_tx_queues = cfg->num_rx_queues;
			break;
		case 'l':
			cfg->log2_ring_size = (uint8_t)atoi(optarg);
			break;
		case 'b':
			cfg->buffer_size = (uint16_t)atoi(optarg);
			break;
		case 'n':
			interrupt = true;
			break;
		case 'R':
			cfg->reconnect_interval_ms = (uint32_t)atoi(optarg);
			break;
		case 'H':
			cfg->handshake_timeout_ms = (uint32_t)atoi(optarg);
			break;
		case 'U':
			cfg->allow_unsealed_regions = true;
			break;
		case 'O':
			once = true;
			break;
		default:
			usage();
		}
	}
	if (!cfg->socket_filename || optind != argc)
		usage();
	cfg->rx_mode = interrupt ? MEMIF_RX_MODE_INTERRUPT :
				   MEMIF_RX_MODE_POLLING;
	once = once && !cfg->is_master;
}

/* One port's turn: echo each RX queue once; in interrupt mode, each
 * queue's interrupt fd into @pf.  Returns the packets echoed. */
static unsigned serve_port(struct port *pt, enum memif_rx_mode rx_mode,
			   struct pollfd *pf, unsigned *n_pf)
{
	unsigned did = 0, q;

	/* --once: never again (memif_close from the thread that owns the
	 * interface, outside any callback). */
	if (pt->m && __atomic_load_n(&pt->gone, __ATOMIC_SEQ_CST)) {
		if (memif_close(pt->m) != MEMIF_OK)
			fprintf(stderr, "memif_close failed\n");
		pt->m = NULL;
	}
	if (!pt->m)
		return 0;
	__atomic_store_n(&pt->busy, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pt->up, __ATOMIC_SEQ_CST)) {
		for (q = 0; q < pt->n_rxq; q++) {
			int fd;

			did += echo_queue(pt, q);
			if (rx_mode == MEMIF_RX_MODE_INTERRUPT &&
			    memif_get_queue_interrupt_fd(pt->m, (uint8_t)q,
							 &fd) == MEMIF_OK)
				pf[(*n_pf)++] =
					(struct pollfd){ fd, POLLIN, 0 };
		}
	}
	__atomic_store_n(&pt->busy, 0, __ATOMIC_SEQ_CST);
	return did;
}

/* Echo on every port until SIGTERM; sleep on the interrupt fds, or
 * briefly, when a round moved nothing. */
static void serve(unsigned n_ports, enum memif_rx_mode rx_mode)
{
	unsigned i;

	while (!stop) {
		struct pollfd pf[2 * 255];
		unsigned did = 0, n_pf = 0;

		for (i = 0; i < n_ports; i++)
			did += serve_port(&ports[i], rx_mode, pf, &n_pf);
		if (did)
			continue;
		if (n_pf)
			/* Level-triggered; a closed fd just ends the wait. */
			poll(pf, n_pf, 10);
		else
			usleep(50);
	}
}

int main(int argc, char **argv)
{
	struct memif_config cfg = { .if_name = "iut" };
	struct memif_callbacks cb[MAX_PORTS];
	unsigned n_ports = 1, i;
	long id2 = -1;
	int ret;

	parse_args(argc, argv, &cfg, &id2);
	parse_fault();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	ret = memif_init("memif-conform-iut");
	if (ret != MEMIF_OK) {
		fprintf(stderr, "memif_init: %s\n", memif_strerror(ret));
		return 1;
	}
	if (id2 >= 0)
		n_ports = 2;
	for (i = 0; i < n_ports; i++) {
		struct memif_config pc = cfg;

		if (i)
			pc.conn_id = (uint32_t)id2;
		cb[i] = (struct memif_callbacks){ on_connect, on_disconnect,
						  &ports[i] };
		ret = memif_create_interface(&pc, &cb[i], &ports[i].m);
		if (ret != MEMIF_OK) {
			fprintf(stderr, "memif_create_interface: %s\n",
				memif_strerror(ret));
			return 1;
		}
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	serve(n_ports, cfg.rx_mode);
	for (i = 0; i < n_ports; i++)
		if (ports[i].m && memif_close(ports[i].m) != MEMIF_OK)
			fprintf(stderr, "memif_close failed\n");
	ret = memif_cleanup();
	return ret == MEMIF_OK ? 0 : 1;
}
