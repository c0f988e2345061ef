/* SPDX-License-Identifier: MIT */
/*
 * Edge-triggered receive (MEMIF_RX_MODE_INTERRUPT_EDGE): no lost wake-up
 * in a long echo run, the eventfd never read by the library, level mode
 * as the contrast, and switching modes on a live connection.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "memif_proto.h"

#include "harness.h"

#define EDGE_WINDOW 256 /* packets in flight in the burst phase */
#define EDGE_BURST 32 /* largest burst the sender sends */

/* The sender's side of the echo run. */
struct edge_sender {
	struct edge_rx e;
	uint32_t sent, rcvd;
	unsigned ring_full; /* bursts cut short by a full ring */
	uint8_t *slab; /* EDGE_BURST packets being sent */
	uint8_t *exp;
};

static uint32_t edge_len(uint32_t seq)
{
	return small_lens[seq % (sizeof(small_lens) / sizeof(small_lens[0]))];
}

/* Send packets sent..sent+k-1 (tag 'E') in one burst; a full ring may cut
 * it short. */
static bool edge_send(struct edge_sender *es, uint16_t k, char *err)
{
	struct memif_tx_pkt pk[EDGE_BURST] = { { NULL, 0 } };
	uint16_t i, ns = 0;
	int ret;

	for (i = 0; i < k; i++) {
		uint32_t seq = es->sent + i, len = edge_len(seq);
		uint8_t *p = es->slab + (size_t)i * 2048;

		pkt_fill(p, len, 'E', 0, seq);
		pk[i] = (struct memif_tx_pkt){ p, len };
	}
	ret = memif_tx_burst(es->e.m, 0, pk, k, &ns);
	if (ret != MEMIF_OK)
		return failf(err, "memif_tx_burst(%u) at %u: %s", k, es->sent,
			     memif_strerror(ret));
	if (ns < k)
		es->ring_full++;
	es->sent += ns;
	return true;
}

/* Drain the echoes until memif_rx_burst returns 0; each must be the next
 * packet sent, byte for byte. */
static bool edge_drain(struct edge_sender *es, char *err)
{
	struct memif_rx_pkt rp[RX_BURST];
	bool empty = true;
	uint16_t n, i;
	int ret;

	for (;;) {
		ret = memif_rx_burst(es->e.m, 0, rp, RX_BURST, &n);
		if (ret != MEMIF_OK)
			return failf(err, "memif_rx_burst: %s",
				     memif_strerror(ret));
		if (!n)
			break;
		empty = false;
		for (i = 0; i < n; i++) {
			uint32_t seq = es->rcvd, len = edge_len(seq);

			if (seq >= es->sent)
				return failf(err, "echo %u before it was sent",
					     seq);
			pkt_fill(es->exp, len, 'E', 0, seq);
			if (rp[i].len != len ||
			    memcmp(rp[i].data, es->exp, len))
				return failf(
					err,
					"echo %u: %u bytes, not the %u sent",
					seq, rp[i].len, len);
			es->rcvd++;
		}
	}
	if (empty)
		es->e.empty_wakes++;
	return true;
}

/* A wait with packets outstanding that timed out is a lost wake-up. */
static bool edge_lost(struct edge_sender *es, const char *phase, char *err)
{
	return failf(err,
		     "%s: no wake-up within %d ms with %u echo(es) outstanding "
		     "(%u of them waiting in the ring): a lost wake-up",
		     phase, WAKE_MS, es->sent - es->rcvd, edge_probe(&es->e));
}

/*
 * @pings round trips of one packet each (send, wait for the echo), then
 * @bursts packets in random bursts of 1..EDGE_BURST with random small
 * pauses, at most EDGE_WINDOW in flight.  Waits only with epoll_wait
 * (EPOLLET), drains until memif_rx_burst returns 0 after every wake-up.
 */
static bool edge_send_run(struct memif *m, unsigned pings, unsigned bursts,
			  struct edge_sender *es, char *err)
{
	uint32_t rnd = 0x9e3779b9u, total = pings + bursts;
	bool ok = false;
	int r;

	memset(es, 0, sizeof(*es));
	es->e.ep = -1;
	es->slab = malloc((size_t)EDGE_BURST * 2048);
	es->exp = malloc(2048);
	if (!es->slab || !es->exp) {
		failf(err, "malloc");
		goto out;
	}
	if (!edge_open(&es->e, m, err))
		goto out;
	while (es->sent < pings) {
		if (!edge_send(es, 1, err))
			goto out;
		if (es->sent != es->rcvd + 1) {
			failf(err, "ping %u: not sent (ring full?)", es->rcvd);
			goto out;
		}
		while (es->rcvd < es->sent) {
			r = edge_wait(&es->e, WAKE_MS, err);
			if (r < 0)
				goto out;
			if (r == 0) {
				edge_lost(es, "ping-pong", err);
				goto out;
			}
			if (!edge_drain(es, err))
				goto out;
		}
	}
	while (es->rcvd < total) {
		int ms = WAKE_MS;

		if (es->sent < total && es->sent - es->rcvd < EDGE_WINDOW) {
			uint32_t k = 1 + xorshift(&rnd) % EDGE_BURST;

			if (k > total - es->sent)
				k = total - es->sent;
			if (k > EDGE_WINDOW - (es->sent - es->rcvd))
				k = EDGE_WINDOW - (es->sent - es->rcvd);
			if (!edge_send(es, (uint16_t)k, err))
				goto out;
			if ((xorshift(&rnd) & 3) == 0)
				sleep_us((rnd >> 8) & 127);
			ms = 0; /* collect an edge if there is one, send on */
		}
		r = edge_wait(&es->e, ms, err);
		if (r < 0)
			goto out;
		if (r == 0) {
			if (ms) {
				edge_lost(es, "bursts", err);
				goto out;
			}
			continue;
		}
		if (!edge_drain(es, err))
			goto out;
	}
	ok = true;
out:
	edge_close(&es->e);
	free(es->slab);
	free(es->exp);
	es->slab = es->exp = NULL;
	return ok;
}

/* ---- TCase edge: MEMIF_RX_MODE_INTERRUPT_EDGE ----------------------------- */

/* What one echo run left behind, on both sides. */
struct edge_result {
	uint64_t our_tx_irq, our_rx_irq, our_counter;
	uint64_t peer_tx_irq, peer_rx_irq, peer_counter;
};

/*
 * The worker (slave) echoes; this process (master) sends @pings round trips
 * and then @bursts packets in random bursts (edge_send_run).  Both receive
 * in @mode and wait only with epoll_wait on EPOLLIN | EPOLLET.  At the end
 * each side takes its queue's eventfd counter once, after the other side's
 * last signal.
 */
static void echo_case(enum memif_rx_mode mode, unsigned pings, unsigned bursts,
		      struct edge_result *res)
{
	const struct traffic t = { pings + bursts, small_lens, 8 };
	struct memif_details *d = details_new();
	struct edge_sender *es = calloc(1, sizeof(*es));
	unsigned long long ptx, prx, pctr;
	unsigned pwakes, pempty;
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	char err[ERRSZ], text[ERRSZ];
	uint64_t t0;
	int qfd;

	ck_assert_ptr_nonnull(es);
	master_with_slave(&s, &w, &pc, test_socket_name("edge"), mode, &t);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->rx_queues[0].flags & MEMIF_RING_FLAG_MASK_INT, 0);
	worker_send(&w, WORKER_ECHO, 0);
	t0 = test_now_ms();
	if (!edge_send_run(s.m, pings, bursts, es, err)) {
		struct pollfd p = { .fd = w.evt, .events = POLLIN };

		/* A failing echoer says why first. */
		if (poll(&p, 1, 100) == 1)
			worker_expect(&w, WORKER_ECHO, text, 1000);
		ck_abort_msg("%s", err);
	}
	/* Sent after the echoer's last memif_tx_burst returned, so after its
	 * last eventfd write. */
	worker_expect(&w, WORKER_ECHO, text, REPLY_MS);
	ck_assert_int_eq(sscanf(text, "%llu %llu %u %u", &ptx, &prx, &pwakes,
				&pempty),
			 4);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(s.m, 0, &qfd), MEMIF_OK);
	res->our_counter = efd_take(qfd);
	worker_do(&w, WORKER_TAKE_COUNTER, 0, text);
	ck_assert_int_eq(sscanf(text, "%llu", &pctr), 1);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->rx_queues[0].packets, pings + bursts);
	ck_assert_uint_eq(d->tx_queues[0].packets, pings + bursts);
	ck_assert_uint_eq(d->rx_queues[0].drops_bad_desc, 0);
	res->our_tx_irq = d->tx_queues[0].interrupts;
	res->our_rx_irq = d->rx_queues[0].interrupts;
	res->peer_tx_irq = ptx;
	res->peer_rx_irq = prx;
	res->peer_counter = pctr;
	fprintf(stderr,
		"%s: %u round trips + %u burst packets in %llu ms; wake-ups "
		"here %u (%u empty), echoer %u (%u empty); signals sent here "
		"%llu (counter there %llu), by the echoer %llu (counter here "
		"%llu); rx signals consumed here %llu, echoer %llu; ring full "
		"%u\n",
		mode == MEMIF_RX_MODE_INTERRUPT_EDGE ? "edge" : "level", pings,
		bursts, (unsigned long long)(test_now_ms() - t0), es->e.wakes,
		es->e.empty_wakes, pwakes, pempty,
		(unsigned long long)res->our_tx_irq, pctr, ptx,
		(unsigned long long)res->our_counter,
		(unsigned long long)res->our_rx_irq, prx, es->ring_full);
	worker_finish(&w);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(es);
	free(d);
}

/*
 * No lost wake-up in edge mode: 20,000 one-packet round trips, then 100,000
 * packets in random bursts with random small pauses on both sides, both
 * waiting only edge-triggered and never reading their queue fd.  A wait
 * that times out (2 s) with an echo outstanding fails the run.  And the
 * library never read either eventfd: each counter holds exactly the
 * signals the other side sent, and neither RX side consumed one.
 */
START_TEST(integration_edge_mode_loses_no_wakeup_and_never_reads_eventfd)
{
	struct edge_result r;

	echo_case(MEMIF_RX_MODE_INTERRUPT_EDGE, 20000, 100000, &r);
	ck_assert_uint_ge(r.peer_tx_irq, 20000);
	ck_assert_uint_eq(r.our_counter, r.peer_tx_irq);
	ck_assert_uint_ge(r.our_tx_irq, 20000);
	ck_assert_uint_eq(r.peer_counter, r.our_tx_irq);
	ck_assert_uint_eq(r.our_rx_irq, 0);
	ck_assert_uint_eq(r.peer_rx_irq, 0);
}
END_TEST

/*
 * The contrast, showing that the counter check above can fail: the same
 * run in level interrupt mode.  memif_rx_burst cleared the eventfd on
 * empty drains, so what is left is far below the signals sent, and both
 * RX sides counted consumed signals.
 */
START_TEST(integration_level_mode_clears_eventfd_contrast)
{
	struct edge_result r;

	echo_case(MEMIF_RX_MODE_INTERRUPT, 2000, 10000, &r);
	ck_assert_uint_ge(r.peer_tx_irq, 2000);
	ck_assert_uint_ge(r.our_tx_irq, 2000);
	ck_assert_uint_ne(r.our_counter, UINT64_MAX);
	ck_assert_uint_ne(r.peer_counter, UINT64_MAX);
	ck_assert_uint_lt(r.our_counter * 10, r.peer_tx_irq);
	ck_assert_uint_lt(r.peer_counter * 10, r.our_tx_irq);
	ck_assert_uint_gt(r.our_rx_irq, 0);
	ck_assert_uint_gt(r.peer_rx_irq, 0);
}
END_TEST

/* Signals the worker has sent so far on its TX queue @q. */
static uint64_t worker_signals(struct worker *w, uint8_t q)
{
	unsigned long long v = 0;
	char text[ERRSZ];

	worker_do(w, WORKER_SIGNALS, q, text);
	ck_assert_int_eq(sscanf(text, "%llu", &v), 1);
	return v;
}

static bool fd_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Packets one memif_rx_burst returns on @q (-1 on an error). */
static int rx_count(struct memif *m, uint8_t q)
{
	struct memif_rx_pkt pk[4];
	uint16_t n = 0;

	return memif_rx_burst(m, q, pk, 4, &n) == MEMIF_OK ? n : -1;
}

/* MASK_INT on RX queue 0 as @q0_masked says; queue 1 stays in
 * cfg.rx_mode (polling) throughout. */
static void expect_mask(struct memif *m, bool q0_masked)
{
	struct memif_details *d = details_new();

	ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
	ck_assert_uint_eq(!!(d->rx_queues[0].flags & MEMIF_RING_FLAG_MASK_INT),
			  q0_masked);
	ck_assert(d->rx_queues[1].flags & MEMIF_RING_FLAG_MASK_INT);
	free(d);
}

static uint64_t rx_consumed(struct memif *m, uint8_t q)
{
	struct memif_details *d = details_new();
	uint64_t v;

	ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
	v = d->rx_queues[q].interrupts;
	free(d);
	return v;
}

static long cpu_ms(void)
{
	struct rusage ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L;
}

/*
 * Queue 0 in edge mode: three packets, each waking an EPOLLET wait exactly
 * once although the fd stays readable, none of them consumed by the
 * library.  The per-interface dispatch (io_uring multishot poll) still
 * reports the queue, and does not spin on the always-readable eventfd.
 */
static void edge_phase(struct worker *w, struct memif *m, int qfd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	uint64_t sig = worker_signals(w, 0), consumed = rx_consumed(m, 0);
	long cpu;
	uint8_t qid;
	int ep = epoll_create1(EPOLL_CLOEXEC), i;

	ck_assert_int_ge(ep, 0);
	ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_ADD, qfd, &ev), 0);
	/* The documented start after a switch: drain once. */
	ck_assert_int_eq(rx_count(m, 0), 0);
	while (memif_read_interrupt(m, &qid) == MEMIF_OK)
		;
	for (i = 0; i < 3; i++) {
		worker_do(w, WORKER_SEND_ONE, 0, NULL);
		ck_assert_int_eq(epoll_wait(ep, &ev, 1, WAKE_MS), 1);
		drain_one(m, 0);
		ck_assert_int_eq(epoll_wait(ep, &ev, 1, 0), 0);
		ck_assert(fd_readable(qfd, 0));
	}
	ck_assert_uint_eq(worker_signals(w, 0), sig + 3);
	ck_assert_uint_eq(rx_consumed(m, 0), consumed);
	WAIT_OK(memif_read_interrupt(m, &qid) == MEMIF_OK, WAKE_MS);
	ck_assert_uint_eq(qid, 0);
	cpu = cpu_ms();
	sleep_ms(300);
	cpu = cpu_ms() - cpu;
	ck_assert_msg(cpu < 150, "%ld ms of CPU in 300 ms idle in edge mode",
		      cpu);
	close(ep);
}

/*
 * Modes: unknown values refused at create and at runtime; polling -> edge
 * -> level -> edge on a live connection keeps packets flowing and sets
 * MASK_INT only while polling; from edge to level the first empty burst
 * clears the count edge mode left; queue 1 is never touched.  One
 * connection through four modes, in order: long.
 */
START_TEST(integration_rx_mode_switches_polling_edge_level_edge)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	uint64_t sig, consumed;
	int ifd, qfd, i;

	cfg = master_for_slave(&s, &w, &pc, test_socket_name("modes"), 2,
			       MEMIF_RX_MODE_INTERRUPT, NULL);
	cfg.rx_mode = (enum memif_rx_mode)3;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_ERR_INVAL_ARG);
	cfg.rx_mode = (enum memif_rx_mode)(-1);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_ERR_INVAL_ARG);
	cfg.rx_mode = MEMIF_RX_MODE_POLLING;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_set_rx_mode(s.m, 0, (enum memif_rx_mode)3),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_set_rx_mode(s.m, 0, (enum memif_rx_mode)(-1)),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_set_rx_mode(s.m, 2,
					   MEMIF_RX_MODE_INTERRUPT_EDGE),
			 MEMIF_ERR_QID);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(s.m, 0, &qfd), MEMIF_OK);

	/* Polling (cfg.rx_mode): masked, never signalled, found by polling. */
	expect_mask(s.m, true);
	sig = worker_signals(&w, 0);
	for (i = 0; i < 3; i++) {
		worker_do(&w, WORKER_SEND_ONE, 0, NULL);
		WAIT_OK(rx_count(s.m, 0) == 1, WAKE_MS);
	}
	ck_assert_uint_eq(worker_signals(&w, 0), sig);
	ck_assert(!fd_readable(qfd, 0));
	ck_assert_uint_eq(rx_consumed(s.m, 0), 0);

	ck_assert_int_eq(memif_set_rx_mode(s.m, 0,
					   MEMIF_RX_MODE_INTERRUPT_EDGE),
			 MEMIF_OK);
	expect_mask(s.m, false);
	edge_phase(&w, s.m, qfd);

	/* Level: the three signals edge mode left make the fd readable at
	 * once; the next empty burst clears them. */
	ck_assert_int_eq(memif_set_rx_mode(s.m, 0, MEMIF_RX_MODE_INTERRUPT),
			 MEMIF_OK);
	expect_mask(s.m, false);
	consumed = rx_consumed(s.m, 0);
	ck_assert(fd_readable(qfd, 0));
	ck_assert_int_eq(rx_count(s.m, 0), 0);
	ck_assert(!fd_readable(qfd, 0));
	ck_assert_uint_eq(rx_consumed(s.m, 0), consumed + 1);
	sig = worker_signals(&w, 0);
	for (i = 0; i < 3; i++) {
		worker_do(&w, WORKER_SEND_ONE, 0, NULL);
		ck_assert(fd_readable(qfd, WAKE_MS));
		drain_one(s.m, 0);
		ck_assert(!fd_readable(qfd, 0));
	}
	ck_assert_uint_eq(worker_signals(&w, 0), sig + 3);
	ck_assert_uint_eq(rx_consumed(s.m, 0), consumed + 4);

	/* Edge again, from a cleared counter: exactly the new signals stay. */
	ck_assert_int_eq(memif_set_rx_mode(s.m, 0,
					   MEMIF_RX_MODE_INTERRUPT_EDGE),
			 MEMIF_OK);
	expect_mask(s.m, false);
	edge_phase(&w, s.m, qfd);
	ck_assert_uint_eq(efd_take(qfd), 3);

	/* Queue 1 polled throughout: its packet arrives unsignalled. */
	sig = worker_signals(&w, 1);
	worker_do(&w, WORKER_SEND_ONE, 1, NULL);
	WAIT_OK(rx_count(s.m, 1) == 1, WAKE_MS);
	ck_assert_uint_eq(worker_signals(&w, 1), sig);

	side_close_finish(&s, &w);
}
END_TEST

TEST_SUITE(
	integration_edge_suite, "integration-edge",
	TEST_CASE("edge", 300, NULL, NULL,
		  integration_edge_mode_loses_no_wakeup_and_never_reads_eventfd,
		  integration_level_mode_clears_eventfd_contrast,
		  integration_rx_mode_switches_polling_edge_level_edge))

MEMIF_TEST_MAIN(integration_edge_suite)
