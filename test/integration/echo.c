/* SPDX-License-Identifier: MIT */
/*
 * Edge-triggered receive (MEMIF_RX_MODE_INTERRUPT_EDGE) for the
 * integration tests: RX queue 0 waited on only with an EPOLLET epoll and
 * drained until memif_rx_burst returns 0, and the echoer a worker runs
 * with it (WORKER_ECHO).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "harness.h"

bool edge_open(struct edge_rx *e, struct memif *m, char *err)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int ret;

	memset(e, 0, sizeof(*e));
	e->m = m;
	e->ep = -1;
	ret = memif_get_queue_interrupt_fd(m, 0, &e->qfd);
	if (ret != MEMIF_OK)
		return failf(err, "memif_get_queue_interrupt_fd: %s",
			     memif_strerror(ret));
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	if (e->ep < 0)
		return failf(err, "epoll_create1: %s", strerror(errno));
	ev.data.fd = e->qfd;
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, e->qfd, &ev) < 0)
		return failf(err, "epoll_ctl: %s", strerror(errno));
	return true;
}

void edge_close(struct edge_rx *e)
{
	if (e->ep >= 0)
		close(e->ep);
	e->ep = -1;
}

int edge_wait(struct edge_rx *e, int ms, char *err)
{
	struct epoll_event ev;
	int r;

	do
		r = epoll_wait(e->ep, &ev, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		failf(err, "epoll_wait: %s", strerror(errno));
		return -1;
	}
	if (r == 1)
		e->wakes++;
	return r;
}

unsigned edge_probe(struct edge_rx *e)
{
	struct memif_rx_pkt rp[RX_BURST];
	unsigned total = 0;
	uint16_t n;

	while (memif_rx_burst(e->m, 0, rp, RX_BURST, &n) == MEMIF_OK && n)
		total += n;
	return total;
}

/* The eventfd counter, taken once without blocking (0 when the fd is not
 * readable, UINT64_MAX when the read fails).  Only the tests read a queue
 * fd, and only at the end. */
uint64_t efd_take(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return 0;
	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return UINT64_MAX;
	return v;
}

/* The echoer: drain RX queue 0 until memif_rx_burst returns 0, sending
 * every packet back on TX queue 0 as it came. */
static bool echo_drain(struct edge_rx *e, unsigned *echoed, bool *empty,
		       char *err)
{
	struct memif_rx_pkt rp[RX_BURST];
	struct memif_tx_pkt tp[RX_BURST];
	uint16_t n, i, done, ns;
	int ret;

	*empty = true;
	for (;;) {
		uint64_t end = test_now_ms() + WAKE_MS;

		ret = memif_rx_burst(e->m, 0, rp, RX_BURST, &n);
		if (ret != MEMIF_OK)
			return failf(err, "echo: memif_rx_burst: %s",
				     memif_strerror(ret));
		if (!n)
			return true;
		*empty = false;
		for (i = 0; i < n; i++)
			tp[i] = (struct memif_tx_pkt){ rp[i].data, rp[i].len };
		for (done = 0; done < n; done = (uint16_t)(done + ns)) {
			ret = memif_tx_burst(e->m, 0, tp + done,
					     (uint16_t)(n - done), &ns);
			if (ret != MEMIF_OK)
				return failf(err, "echo: memif_tx_burst: %s",
					     memif_strerror(ret));
			if (ns)
				continue;
			if (test_now_ms() > end)
				return failf(err,
					     "echo: TX ring full for %d ms",
					     WAKE_MS);
			sched_yield();
		}
		*echoed += n;
	}
}

/* Echo @total packets, waiting edge-triggered only, with random small
 * pauses between a drain and the next wait (the window in which the
 * sender's signal must still wake us). */
bool echo_run(struct memif *m, unsigned total, struct echo_stats *st,
		     char *err)
{
	struct edge_rx e;
	uint32_t rnd = 0x2545f491u;
	bool empty, ok = false;
	int r;

	if (!edge_open(&e, m, err))
		goto out;
	/* The documented start: drain once before the first wait. */
	if (!echo_drain(&e, &st->echoed, &empty, err))
		goto out;
	while (st->echoed < total) {
		if ((xorshift(&rnd) & 7) == 0)
			sleep_us((rnd >> 8) & 63);
		r = edge_wait(&e, ECHO_WAIT_MS, err);
		if (r < 0)
			goto out;
		if (r == 0) {
			failf(err,
			      "echo: no wake-up for %d ms after %u of %u "
			      "packets (%u waiting in the ring)",
			      ECHO_WAIT_MS, st->echoed, total, edge_probe(&e));
			goto out;
		}
		if (!echo_drain(&e, &st->echoed, &empty, err))
			goto out;
		if (empty)
			e.empty_wakes++;
	}
	ok = true;
out:
	st->wakes = e.wakes;
	st->empty_wakes = e.empty_wakes;
	edge_close(&e);
	return ok;
}

