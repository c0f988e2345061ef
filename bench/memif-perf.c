/* SPDX-License-Identifier: MIT */
/*
 * memif-perf: traffic generator (tx), sink (rx), reflector (echo) and
 * round-trip latency meter (ping) for any memif peer: itself, DPDK's
 * net_memif (testpmd), VPP.  One thread per queue; every generated packet
 * carries a per-queue sequence number and a checksum (perf-pkt.h), and
 * every receiver counts loss, reordering and corruption.
 *
 *   memif-perf --master --socket @perf rx &
 *   memif-perf --slave --socket @perf tx --size 1500 --duration 5
 *   memif-perf --master --socket @perf echo --interrupt &
 *   memif-perf --slave --socket @perf ping --interrupt --count 100000
 *   memif-perf --master --socket @iut echo --duration 0   (serve mode)
 *   memif-perf                   (no arguments: the demo, both ends itself)
 *
 * Serve mode (echo, --duration 0, no --count): a reflector for test tools
 * that connect, test and disconnect again and again, in either role.  It
 * keeps the interface and serves one connection after another, each with
 * the queues that connection has, until SIGINT/SIGTERM; the summary adds
 * them up.  Everything else runs one connection.
 *
 * Threads: the library's event thread runs the callbacks; one worker per
 * queue owns that queue's data path; the main thread waits for the
 * connection, prints progress once a second and the summary at the end.
 *
 * Queues: the slave decides the shared memory.  A slave asks for --queues
 * pairs and a master may grant fewer; a master takes whatever the slave asks
 * and ignores --queues.  The workers follow the connection's counts (see
 * plan_workers()), and --count is split over them.
 *
 * This file runs the connection: the callbacks, one session after another,
 * the main thread's watch over the workers, and main().  The rest is in
 * perf-opts.c, perf-worker.c, perf-report.c and perf-demo.c (memif-perf.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#include "memif-perf.h"

#define DRAIN_WAIT_NS 1000000000ull /* before close: let the peer read */

static struct perf *volatile g_perf; /* for the signal handler */

static void request_stop(struct perf *p, int level)
{
	int cur = atomic_load(&p->stop);

	while (cur < level &&
	       !atomic_compare_exchange_weak(&p->stop, &cur, level))
		;
	kick(p->stop_fd);
	kick(p->main_fd);
}

static void on_signal(int sig)
{
	struct perf *p = g_perf;

	(void)sig;
	/* Second Ctrl-C: give up at once.  So does the first one once the
	 * run is stopping anyway, except in serve mode, where a session's
	 * stop is only its peer leaving. */
	if (!p || atomic_exchange(&p->signalled, 1) ||
	    (!p->serve && atomic_load(&p->stop) >= STOP_SOFT))
		_exit(130);
	request_stop(p, STOP_SOFT);
}

/* ---- control: callbacks, connection, progress --------------------------- */

/* The negotiated queue counts, ring size and buffer size are known from
 * here on.  A session waiting for a connection (sess_gen 0) takes this one;
 * otherwise the main thread takes it up when it starts the next session
 * (serve mode), or never: outside serve mode a run serves one. */
static int on_connect(struct memif *m, void *ctx)
{
	struct perf *p = ctx;
	const struct memif_queue_details *q;
	bool take;

	pthread_mutex_lock(&p->lock);
	p->gen++;
	p->link_up = true;
	memset(&p->link_neg, 0, sizeof(p->link_neg));
	if (memif_get_details(m, p->dtmp) == MEMIF_OK) {
		p->link_neg.rx_queues = p->dtmp->num_rx_queues;
		p->link_neg.tx_queues = p->dtmp->num_tx_queues;
		q = p->dtmp->num_rx_queues ? &p->dtmp->rx_queues[0] :
					     &p->dtmp->tx_queues[0];
		p->link_neg.ring_size = q->ring_size;
		p->link_neg.buffer_size = q->buffer_size;
	}
	take = !p->sess_gen;
	if (take) {
		p->sess_gen = p->gen;
		p->neg = p->link_neg;
	}
	pthread_mutex_unlock(&p->lock);
	if (take) {
		atomic_store(&p->connected, 1);
		kick(p->main_fd);
	}
	return 0;
}

/* Keep the library's counters: the details hold the queues (and their
 * counters) only while the link is up, so the main thread takes one every
 * second and once more at the end if the link is still there.  @live (the
 * main thread): only while the session's connection has not reached
 * on_disconnect, which sets disconnected under this lock; until then no
 * other connection can come, so the details are still the session's. */
static void snap_details(struct perf *p, struct memif *m, bool final, bool live)
{
	pthread_mutex_lock(&p->lock);
	if (live && atomic_load(&p->disconnected)) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	if (memif_get_details(m, p->dtmp) == MEMIF_OK &&
	    (p->dtmp->num_rx_queues || p->dtmp->num_tx_queues)) {
		memcpy(p->det, p->dtmp, sizeof(*p->det));
		p->det_valid = true;
		p->det_final = final;
	}
	pthread_mutex_unlock(&p->lock);
}

/* The views and queue fds die when this returns: stop the workers first
 * and wait until they have left the data path. */
static int on_disconnect(struct memif *m, void *ctx)
{
	struct perf *p = ctx;
	bool mine, started;

	pthread_mutex_lock(&p->lock);
	p->link_up = false;
	/* The callbacks alternate: the connection going is the latest one.
	 * Not the session's: no worker uses it, nothing to stop. */
	mine = p->sess_gen == p->gen;
	if (mine)
		atomic_store(&p->disconnected, 1);
	started = p->started;
	pthread_mutex_unlock(&p->lock);
	if (!mine)
		return 0;
	request_stop(p, STOP_HARD);
	if (started) {
		while (atomic_load(&p->done) < p->nq) {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
		}
	}
	if (!atomic_load(&p->closing))
		snap_details(p, m, true, false);
	atomic_store(&p->disconnect_done, 1);
	kick(p->main_fd);
	return 0;
}

static void drain_fd(int fd)
{
	uint64_t v;
	ssize_t r;

	r = read(fd, &v, sizeof(v));
	(void)r;
}

/* Wait for on_connect; report handshake errors as they come.  @first: the
 * run's first wait, the only one --wait-timeout limits (serve mode waits
 * for the next peer as long as it takes). */
static int wait_connected(struct perf *p, bool first)
{
	const struct opts *o = p->o;
	uint64_t deadline = 0, now;
	struct pollfd pfd[2];
	int efd = -1, code, last = 0, timeout;

	if (first && o->wait_timeout > 0)
		deadline = now_ns() + (uint64_t)(o->wait_timeout * 1e9);
	if (memif_get_interrupt_error_fd(p->m, &efd) != MEMIF_OK)
		efd = -1;
	if (first && !o->silent)
		fprintf(stderr, "memif-perf: %s %s on %s id %u: waiting for "
			"the peer...\n", role_name(o), mode_names[o->mode],
			o->socket ? o->socket : MEMIF_DEFAULT_SOCKET, o->id);
	while (!atomic_load(&p->connected)) {
		if (stopping(p))
			return -1;
		timeout = -1;
		if (deadline) {
			now = now_ns();
			if (now >= deadline)
				return -1;
			timeout = (int)((deadline - now) / 1000000) + 1;
		}
		pfd[0] = (struct pollfd){ .fd = p->main_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = efd, .events = POLLIN };
		if (poll(pfd, efd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
			return -1;
		if (pfd[0].revents)
			drain_fd(p->main_fd);
		if (efd >= 0 && pfd[1].revents) {
			while (memif_read_interrupt_error(p->m, &code) ==
			       MEMIF_OK) {
				/* A slave retries every 100 ms: say each
				 * distinct failure once.  After a session,
				 * how its peer left is no failed attempt. */
				if (code == last ||
				    (!first &&
				     (code == MEMIF_ERR_DISCONNECT ||
				      code == MEMIF_ERR_DISCONNECTED)))
					continue;
				last = code;
				if (!o->silent)
					fprintf(stderr, "memif-perf: "
						"connection attempt failed: "
						"%s (%d)\n",
						memif_strerror(code), code);
			}
		}
	}
	return 0;
}

/* Return: 0 started, 1 the link went first (none started), -1 no thread. */
static int start_workers(struct perf *p)
{
	unsigned int i, j;
	int rc;

	pthread_mutex_lock(&p->lock);
	if (atomic_load(&p->disconnected)) {
		pthread_mutex_unlock(&p->lock);
		return 1;
	}
	for (i = 0; i < p->nq; i++) {
		if (p->o->interrupt && p->w[i].has_rx) {
			rc = memif_get_queue_interrupt_fd(
				p->m, p->w[i].qid, &p->w[i].qfd);
			if (rc != MEMIF_OK)
				p->w[i].qfd = -1;
		}
	}
	for (i = 0; i < p->nq; i++) {
		rc = pthread_create(&p->w[i].th, NULL, worker_main, &p->w[i]);
		if (rc) {
			/* Stop the ones started; count the rest as done. */
			request_stop(p, STOP_HARD);
			for (j = 0; j < i; j++)
				pthread_join(p->w[j].th, NULL);
			pthread_mutex_unlock(&p->lock);
			fprintf(stderr, "memif-perf: pthread_create: %s\n",
				strerror(rc));
			return -1;
		}
	}
	p->started = true;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Has the peer taken everything we published?  Slave TX (S2M): the master
 * releases by moving tail up to head.  Master TX (M2S): the slave hands
 * every buffer back, head - tail == ring size. */
static bool tx_drained(const struct perf *p, const struct memif_details *d)
{
	unsigned int i;

	for (i = 0; i < d->num_tx_queues && i < p->nq; i++) {
		const struct memif_queue_details *q = &d->tx_queues[i];

		if (p->o->master) {
			if ((uint16_t)(q->head - q->tail) != q->ring_size)
				return false;
		} else if (q->head != q->tail) {
			return false;
		}
	}
	return true;
}

/* Before closing after transmitting: give the peer up to a second to read
 * what is still in the rings, so a receiver counting to --count sees it. */
static void wait_tx_drained(struct perf *p)
{
	uint64_t deadline = now_ns() + DRAIN_WAIT_NS;
	struct timespec ts = { 0, 1000000 };
	bool ok;

	while (!atomic_load(&p->disconnected) && now_ns() < deadline) {
		pthread_mutex_lock(&p->lock);
		ok = memif_get_details(p->m, p->dtmp) == MEMIF_OK &&
		     p->dtmp->has_link && !tx_drained(p, p->dtmp);
		pthread_mutex_unlock(&p->lock);
		if (!ok)
			return;
		nanosleep(&ts, NULL);
	}
}

/* ---- one run ------------------------------------------------------------ */

/* Serve mode, after the session's workers: wait until the session's peer
 * has gone (on_disconnect done), or a signal ends the run.  The workers
 * end early only on a library error, or when the connection has no queue
 * to serve; the link stays up until the peer leaves. */
static void wait_gone(struct perf *p)
{
	struct pollfd pfd;

	while (!atomic_load(&p->disconnect_done) &&
	       !atomic_load(&p->signalled)) {
		pfd = (struct pollfd){ .fd = p->main_fd, .events = POLLIN };
		if (poll(&pfd, 1, 100) > 0)
			drain_fd(p->main_fd);
	}
}

/* Plan, set up and start the connection's workers.  Return: 0 started; 1
 * none to start and the session is over (serve mode: its peer gone); -1
 * the run ends (*@code or res->exit_code set). */
static int start_session(struct perf *p, struct result *res, int *code)
{
	const struct opts *o = p->o;
	unsigned int nq;
	int rc;

	/* The workers follow the connection, not --queues. */
	nq = plan_workers(p);
	if (!nq) {
		if (!o->silent)
			fprintf(stderr,
				"memif-perf: the connection has no "
				"queue for %s (%u rx / %u tx)\n",
				mode_names[o->mode], p->neg.rx_queues,
				p->neg.tx_queues);
		if (!p->serve) {
			*code = 2;
			return -1;
		}
		wait_gone(p);
		return 1;
	}
	if (setup_workers(p, nq)) {
		fprintf(stderr, "memif-perf: out of memory\n");
		*code = 2;
		return -1;
	}
	rc = start_workers(p);
	if (rc && (rc < 0 || !p->serve)) {
		res->exit_code = 2;
		return -1;
	}
	if (rc) {
		/* Serve mode: the peer left before the workers started. */
		wait_gone(p);
		return 1;
	}
	return 0;
}

/* Until every worker is done: stop them at --duration, print the progress
 * line and snapshot the library's counters once a second; then join them. */
static void watch_workers(struct perf *p)
{
	const struct opts *o = p->o;
	bool tty = isatty(STDERR_FILENO);
	uint64_t t_start, deadline = 0, next_tick, now;
	struct snap s0, s1;
	struct pollfd pfd;
	unsigned int i;
	int timeout;

	t_start = now_ns();
	if (o->duration > 0)
		deadline = t_start + (uint64_t)(o->duration * 1e9);
	next_tick = t_start + NSEC;
	take_snap(p, &s0);
	while (atomic_load(&p->done) < p->nq) {
		now = now_ns();
		if (deadline && now >= deadline && !stopping(p))
			request_stop(p, STOP_SOFT);
		if (now >= next_tick) {
			take_snap(p, &s1);
			if (!o->quiet && !o->silent)
				progress(p, &s0, &s1, t_start, tty);
			snap_details(p, p->m, false, true);
			s0 = s1;
			next_tick += NSEC;
			continue;
		}
		timeout = (int)((next_tick - now) / 1000000) + 1;
		if (deadline && !stopping(p) && deadline > now &&
		    (int)((deadline - now) / 1000000) + 1 < timeout)
			timeout = (int)((deadline - now) / 1000000) + 1;
		pfd = (struct pollfd){ .fd = p->main_fd, .events = POLLIN };
		if (poll(&pfd, 1, timeout) > 0)
			drain_fd(p->main_fd);
	}
	if (!o->quiet && !o->silent && tty)
		fputc('\n', stderr);
	for (i = 0; i < p->nq; i++)
		pthread_join(p->w[i].th, NULL);
}

/* Say what ended a worker early; any such error fails the run (*@code). */
static void worker_errors(const struct perf *p, int *code)
{
	const struct worker *w;
	unsigned int i;

	for (i = 0; i < p->nq; i++) {
		w = &p->w[i];
		if (w->err && !p->o->silent) {
			fprintf(stderr, "memif-perf: queue %u: %s (%d)\n", i,
				memif_strerror(w->err), w->err);
			if (w->err == MEMIF_ERR_PKT_LEN && w->slot_cap)
				fprintf(stderr, "memif-perf: the in-place "
					"path needs --size <= the slot size "
					"(%u here); use --tx-path copy for "
					"chained packets\n", w->slot_cap);
		}
		if (w->err)
			*code = 1;
	}
}

/* The workers are joined: let the peer read what they sent, take the
 * final snapshot, and (serve mode) wait for the peer to leave. */
static void end_session(struct perf *p)
{
	bool linger = false;
	unsigned int i;

	for (i = 0; i < p->nq; i++)
		linger |= p->w[i].tx_pkts > 0;
	if (linger)
		wait_tx_drained(p);
	snap_details(p, p->m, true, true);
	if (p->serve)
		wait_gone(p);
	/* The workers can see the link go before on_disconnect runs: let it
	 * finish before memif_close, which would run it a second time. */
	if (atomic_load(&p->disconnected)) {
		uint64_t until = now_ns() + NSEC;
		struct timespec ts = { 0, 1000000 };

		while (!atomic_load(&p->disconnect_done) && now_ns() < until)
			nanosleep(&ts, NULL);
	}
}

/*
 * One connection: plan and start its workers, watch them, stop.  Return: 0
 * the session is over (its peer gone if p->disconnect_done), -1 the run
 * ends at once (setup failed: *@code or res->exit_code set).
 */
static int run_session(struct perf *p, struct result *res, int *code)
{
	int rc;

	rc = start_session(p, res, code);
	if (rc)
		return rc < 0 ? -1 : 0;
	watch_workers(p);
	worker_errors(p, code);
	end_session(p);
	return 0;
}

/*
 * Serve mode: the session's peer is gone.  Fold the session into the
 * totals and reset it for the next connection.  Race-free because
 * nothing else touches the session now: its workers are joined, its
 * on_disconnect has returned (disconnect_done), and until sess_gen changes
 * below, on_disconnect leaves the session alone (another connection is not
 * the session's) and on_connect does not take a connection for it (sess_gen
 * is not 0).  The lock orders the hand-over with both callbacks: a
 * connection that came meanwhile (link_up) is taken up here, any later one
 * by on_connect.
 */
static void next_session(struct perf *p)
{
	uint64_t rx = 0, tx = 0;
	unsigned int i;

	for (i = 0; i < p->nq; i++) {
		rx += p->w[i].rx_pkts;
		tx += p->w[i].tx_pkts;
	}
	if (!p->o->silent)
		fprintf(stderr, "memif-perf: peer gone after %" PRIu64
			" packets (%" PRIu64 " echoed); waiting for the "
			"next connection\n", rx, tx);
	fold_workers(p);
	fold_lib(p);
	free_workers(p);
	/* No stop kick may outlive the session: the next session's workers
	 * sleep on stop_fd. */
	drain_fd(p->stop_fd);
	atomic_store(&p->stop, 0);
	atomic_store(&p->done, 0);
	atomic_store(&p->disconnected, 0);
	atomic_store(&p->disconnect_done, 0);
	pthread_mutex_lock(&p->lock);
	p->started = false;
	p->sess_gen = p->link_up ? p->gen : 0;
	if (p->link_up)
		p->neg = p->link_neg;
	atomic_store(&p->connected, p->link_up);
	pthread_mutex_unlock(&p->lock);
	/* A signal since the check in run_sessions(): its request_stop may have found
	 * the old STOP_HARD and been lost in the reset.  Both sides are
	 * seq_cst (store stop, load signalled here; store signalled, load
	 * stop in the handler), so one of them sees the other. */
	if (atomic_load(&p->signalled))
		request_stop(p, STOP_SOFT);
}

/* The run's own resources: eventfds, the details snapshots, the totals.
 * Return: 0, or -1 (said on stderr; perf_free() frees what was made). */
static int perf_init(struct perf *p, const struct opts *o)
{
	p->o = o;
	p->serve = o->mode == MODE_ECHO && o->duration == 0 && !o->count;
	pthread_mutex_init(&p->lock, NULL);
	p->main_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->det = calloc(1, sizeof(*p->det));
	p->dtmp = calloc(1, sizeof(*p->dtmp));
	p->hist = malloc(sizeof(*p->hist));
	p->qs = calloc(MEMIF_MAX_QUEUES + 1, sizeof(*p->qs));
	if (p->main_fd < 0 || p->stop_fd < 0 || !p->det || !p->dtmp ||
	    !p->hist || !p->qs) {
		fprintf(stderr, "memif-perf: out of memory or fds\n");
		return -1;
	}
	perf_hist_reset(p->hist);
	return 0;
}

static void perf_free(struct perf *p)
{
	free_workers(p);
	free(p->qs);
	free(p->hist);
	free(p->det);
	free(p->dtmp);
	if (p->main_fd >= 0)
		close(p->main_fd);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	pthread_mutex_destroy(&p->lock);
}

/* Pin the main thread first so the library's event thread, which it
 * creates, shares the first worker's core and not the peer's. */
static void pin_main(const struct opts *o)
{
	cpu_set_t set;

	if (!o->ncpus)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu_for(o, 0), &set);
	if (sched_setaffinity(0, sizeof(set), &set) && !o->silent)
		fprintf(stderr, "memif-perf: cannot pin to cpu %d: %s\n",
			cpu_for(o, 0), strerror(errno));
}

static void lib_error(const char *call, int rc)
{
	fprintf(stderr, "memif-perf: %s: %s (%d)%s%s\n", call,
		memif_strerror(rc), rc, rc == MEMIF_ERR_SYSCALL ? ": " : "",
		rc == MEMIF_ERR_SYSCALL ? strerror(memif_errno()) : "");
}

/* --zero-copy: the slave's pool, a slice per queue it asks for: each
 * worker lends a ring's worth and keeps a ring's worth and two bursts to
 * send from; buffers of a power of two that holds a frame whole. */
static int create_pool(struct perf *p)
{
	const struct opts *o = p->o;
	struct memif_pool_config pc = { 0 };
	struct memif_pool_info pi;
	uint64_t total;
	int rc;

	p->zc_bs = 2048;
	while (p->zc_bs < o->size)
		p->zc_bs <<= 1;
	p->zc_per_q = 2 * (1u << o->ring_log2) + 2 * MAX_BURST;
	total = (uint64_t)p->zc_per_q * o->queues;
	if (total * p->zc_bs > (1ull << 32)) {
		fprintf(stderr, "memif-perf: --zero-copy: a pool of %" PRIu64
			" buffers of %u bytes is over 4 GiB (fewer queues or a "
			"smaller ring)\n", total, p->zc_bs);
		return MEMIF_ERR_INVAL_ARG;
	}
	p->zc_total = (uint32_t)total;
	pc.n_buffers = p->zc_total;
	pc.buffer_size = p->zc_bs;
	pc.hugepages = o->hugepages ? MEMIF_HUGEPAGES_REQUIRE :
				      MEMIF_HUGEPAGES_NO;
	rc = memif_pool_create(&pc, &p->pool);
	if (rc) {
		lib_error("memif_pool_create", rc);
		return rc;
	}
	rc = memif_pool_get_info(p->pool, &pi);
	if (rc) {
		lib_error("memif_pool_get_info", rc);
		return rc;
	}
	p->zc_base = pi.base;
	return MEMIF_OK;
}

/* The interface the options describe, with the callbacks above. */
static int create_interface(struct perf *p)
{
	const struct opts *o = p->o;
	struct memif_config cfg = { 0 };
	struct memif_callbacks cb = { 0 };
	int rc;

	cfg.if_name = "memif-perf";
	cfg.instance_name = "memif-perf";
	cfg.conn_id = o->id;
	cfg.socket_filename = o->socket;
	cfg.secret = o->secret;
	cfg.is_master = o->master;
	cfg.mode = MEMIF_IF_MODE_ETHERNET;
	cfg.num_rx_queues = (uint8_t)o->queues;
	cfg.num_tx_queues = (uint8_t)o->queues;
	cfg.buffer_size = (uint16_t)o->buffer_size;
	cfg.log2_ring_size = (uint8_t)o->ring_log2;
	cfg.rx_mode = !o->interrupt ? MEMIF_RX_MODE_POLLING :
		      o->edge	  ? MEMIF_RX_MODE_INTERRUPT_EDGE :
				    MEMIF_RX_MODE_INTERRUPT;
	cfg.reconnect_interval_ms = 100; /* a benchmark: start soon */
	cfg.allow_unsealed_regions = o->allow_unsealed;
	cfg.hugepages = o->hugepages ? MEMIF_HUGEPAGES_REQUIRE :
				       MEMIF_HUGEPAGES_NO;
	cb.on_connect = on_connect;
	cb.on_disconnect = on_disconnect;
	cb.ctx = p;
	if (o->zero_copy) {
		rc = create_pool(p);
		if (rc)
			return rc;
		cfg.pools = &p->pool;
		cfg.n_pools = 1;
		cfg.zero_copy_rx = true;
	}
	rc = memif_create_interface(&cfg, &cb, &p->m);
	if (rc)
		lib_error("memif_create_interface", rc);
	return rc;
}

/* Connections, one session each: one, or in serve mode one after another
 * until a signal.  Sets res->connected once one came, res->exit_code 3 if
 * none did, 2 on a setup failure; *@code 1 or 2 for what failed in a
 * session. */
static void run_sessions(struct perf *p, struct result *res, int *code)
{
	const struct opts *o = p->o;
	bool first;

	for (first = true;; first = false) {
		if (wait_connected(p, first)) {
			if (!first)
				return; /* serve mode: a signal between peers */
			if (!o->silent)
				fprintf(stderr, "memif-perf: %s\n",
					stopping(p) ? "interrupted" :
						      "no connection within "
						      "--wait-timeout");
			res->exit_code = 3;
			return;
		}
		res->connected = true;
		p->sessions++;
		if (run_session(p, res, code))
			return;
		if (!p->serve || atomic_load(&p->signalled) ||
		    !atomic_load(&p->disconnect_done))
			return;
		next_session(p);
	}
}

/* The exit status of a run that connected, starting from @code (the
 * sessions' failures). */
static int verdict(const struct perf *p, const struct result *r, int code)
{
	const struct opts *o = p->o;

	/* A reflector serving foreign peers reports corrupt frames (their
	 * payload, not its own fault) but does not fail. */
	if (r->corrupt && !p->serve)
		code = 1;
	if (o->count) {
		if (r->loss)
			code = 1;
		if ((o->mode == MODE_RX || o->mode == MODE_ECHO) &&
		    r->rx_pkts < o->count)
			code = 1;
		if ((o->mode == MODE_TX || o->mode == MODE_PING) &&
		    r->tx_pkts < o->count)
			code = 1;
	}
	return code;
}

int run(const struct opts *o, struct result *res)
{
	struct perf perf = { 0 }, *p = &perf;
	int rc, code = 0;

	memset(res, 0, sizeof(*res));
	if (perf_init(p, o)) {
		res->exit_code = 2;
		goto out_free;
	}
	pin_main(o);
	if (o->verbose)
		memif_set_log_level(o->verbose > 1 ? MEMIF_LOG_DEBUG :
						     MEMIF_LOG_INFO);
	rc = memif_init("memif-perf");
	if (rc) {
		lib_error("memif_init", rc);
		res->exit_code = 2;
		goto out_free;
	}
	if (create_interface(p)) {
		res->exit_code = 2;
		goto out_cleanup;
	}
	if (!o->silent) {
		g_perf = p;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	run_sessions(p, res, &code);
	atomic_store(&p->closing, true);
	rc = memif_close(p->m);
	if (rc && !o->silent)
		fprintf(stderr, "memif-perf: memif_close: %s\n",
			memif_strerror(rc));
out_cleanup:
	memif_pool_destroy(p->pool);
	p->pool = NULL;
	rc = memif_cleanup();
	if (rc && !o->silent)
		fprintf(stderr, "memif-perf: memif_cleanup: %s\n",
			memif_strerror(rc));
	g_perf = NULL;
	if (res->connected) {
		collect(p, res);
		res->exit_code = verdict(p, res, code);
		if (!o->silent) {
			print_summary(o->json ? stderr : stdout, p, res);
			if (o->json)
				print_json(stdout, p, res);
		}
	}
out_free:
	perf_free(p);
	return res->exit_code;
}

int main(int argc, char **argv)
{
	struct result res;
	struct opts o;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 1)
		return demo();
	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	return run(&o, &res);
}
