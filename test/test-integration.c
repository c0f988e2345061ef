/* SPDX-License-Identifier: MIT */
/*
 * Integration over real sockets: master and slave in two processes (a
 * forked worker plays one side, the test process the other), abstract
 * socket names only, results back through a pipe and the exit status.
 *
 * Workers are forked before the test process calls memif_init (a process
 * that inherits a running library cannot init again), and idle until the
 * test tells them to start, so a test can "restart" a peer by killing one
 * worker and waking the next.
 *
 * Every traffic check sends numbered, pseudo-random payloads on every queue
 * in both directions and verifies each byte, then checks the per-queue
 * counters and ring flags in memif_get_details().
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memif/memif.h"
#include "memif_proto.h"

#include "common.h"

#define ERRSZ 512
#define MAXQ 8
#define TX_BURST 16
#define RX_BURST 32
#define CONNECT_MS 10000
#define FLOW_MS 90000
#define REPLY_MS 100000
#define TX_IN_CB 4

/* ---- small utilities ----------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Evaluate @cond every millisecond until it holds or @ms pass. */
#define WAIT_UNTIL(cond, ms)                                     \
	({                                                       \
		uint64_t wu_end_ = now_ms() + (ms);              \
		bool wu_ok_;                                     \
		while (!(wu_ok_ = (cond)) && now_ms() < wu_end_) \
			sleep_ms(1);                             \
		wu_ok_;                                          \
	})

/* ... and fail the test, naming the condition as written, when it does
 * not come true. */
#define WAIT_OK(cond, ms)                                                      \
	ck_assert_msg(WAIT_UNTIL(cond, ms), "not within %d ms: %s", (int)(ms), \
		      #cond)

static bool failf(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool failf(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERRSZ, fmt, ap);
	va_end(ap);
	return false;
}

static struct memif_details *details_new(void)
{
	struct memif_details *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	return d;
}

/* ---- interface state shared with the callbacks -------------------------- */

struct side {
	struct memif *m; /* written by memif_create_interface, which may
			    return after the first callback: callbacks use
			    their own argument */
	atomic_int up; /* on_connect calls */
	atomic_int down; /* on_disconnect calls */
	atomic_int bad_order; /* on_disconnect without an on_connect owed */
	atomic_int bad_ptr; /* on_disconnect got another handle */
	_Atomic(struct memif *) cb_m; /* the handle on_connect saw */
	/* calls made from inside on_connect */
	bool close_in_cb;
	bool cleanup_in_cb;
	unsigned tx_in_cb; /* queues to send TX_IN_CB packets on, each */
	atomic_int tx_in_cb_bad; /* a send from on_connect failed */
	atomic_int close_ret;
	atomic_int cleanup_ret;
};

/* Plain function calls, so that Check's messages stay readable. */
static int ld(atomic_int *p)
{
	return atomic_load(p);
}

static struct memif *ldp(struct memif *_Atomic *p)
{
	return atomic_load(p);
}

static int cb_up(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	atomic_store(&s->cb_m, m);
	if (s->close_in_cb)
		atomic_store(&s->close_ret, memif_close(m));
	if (s->cleanup_in_cb)
		atomic_store(&s->cleanup_ret, memif_cleanup());
	if (s->tx_in_cb) {
		static const uint8_t pkt[64];
		struct memif_tx_pkt p[TX_IN_CB];
		unsigned q, i;

		for (i = 0; i < TX_IN_CB; i++)
			p[i] = (struct memif_tx_pkt){ pkt, sizeof(pkt) };
		for (q = 0; q < s->tx_in_cb; q++) {
			uint16_t n = 0;

			if (memif_tx_burst(m, (uint8_t)q, p, TX_IN_CB, &n) !=
				    MEMIF_OK ||
			    n != TX_IN_CB)
				atomic_store(&s->tx_in_cb_bad, 1);
		}
	}
	atomic_fetch_add(&s->up, 1);
	return 0;
}

static int cb_down(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	if (ld(&s->down) >= ld(&s->up))
		atomic_store(&s->bad_order, 1);
	if (ldp(&s->cb_m) != m)
		atomic_store(&s->bad_ptr, 1);
	atomic_fetch_add(&s->down, 1);
	return 0;
}

static void side_reset(struct side *s)
{
	memset(s, 0, sizeof(*s));
	atomic_init(&s->up, 0);
	atomic_init(&s->down, 0);
	atomic_init(&s->bad_order, 0);
	atomic_init(&s->bad_ptr, 0);
	atomic_init(&s->cb_m, NULL);
	atomic_init(&s->tx_in_cb_bad, 0);
	atomic_init(&s->close_ret, -1000);
	atomic_init(&s->cleanup_ret, -1000);
}

static int side_create(struct side *s, const struct memif_config *cfg)
{
	struct memif_callbacks cb = { .on_connect = cb_up,
				      .on_disconnect = cb_down,
				      .ctx = s };

	s->m = NULL;
	return memif_create_interface(cfg, &cb, &s->m);
}

static bool side_linked(struct side *s)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	bool up;

	if (!d)
		return false;
	up = memif_get_details(s->m, d) == MEMIF_OK && d->has_link;
	free(d);
	return up;
}

/* Connected now, as the callbacks and the details both see it, and the
 * callbacks saw our handle. */
static bool side_connected(struct side *s)
{
	return ld(&s->up) > ld(&s->down) && side_linked(s) &&
	       ldp(&s->cb_m) == s->m;
}

/* Drain the interrupt-error queue into @codes; returns how many. */
static int read_errors(struct memif *m, int *codes, int max)
{
	int n = 0, code;

	while (memif_read_interrupt_error(m, &code) == MEMIF_OK) {
		if (n < max)
			codes[n] = code;
		n++;
	}
	return n;
}

/* ---- payloads ------------------------------------------------------------ */

/*
 * Packet @seq of queue @qid sent with @tag: a 16-byte header (tag, qid, seq,
 * len) over a xorshift stream seeded by all four, so a packet delivered on
 * the wrong queue, interface or direction, out of order, shifted or torn
 * differs somewhere.
 */
static void pkt_fill(uint8_t *p, uint32_t len, uint32_t tag, uint32_t qid,
		     uint32_t seq)
{
	uint32_t x = (seq * 2654435761u) ^ (qid << 24) ^ (tag << 8) ^ len ^
		     0x9e3779b9u;
	uint32_t hdr[4] = { tag, qid, seq, len };
	uint32_t i;

	if (!x)
		x = 1;
	for (i = 0; i + 4 <= len; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(p + i, &x, 4);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(x >> (8 * (i & 3)));
	memcpy(p, hdr, len < sizeof(hdr) ? len : sizeof(hdr));
}

static const uint32_t small_lens[] = { 64, 60, 1500, 128, 1, 2048, 1000, 333 };

struct traffic {
	unsigned count; /* packets per queue and direction */
	const uint32_t *lens; /* packet seq of queue q: lens[(seq+q)%n_lens] */
	unsigned n_lens;
};

static uint32_t pkt_len(const struct traffic *t, unsigned qid, uint32_t seq)
{
	return t->lens[(seq + qid) % t->n_lens];
}

static uint64_t queue_bytes(const struct traffic *t, unsigned qid)
{
	uint64_t b = 0;
	uint32_t s;

	for (s = 0; s < t->count; s++)
		b += pkt_len(t, qid, s);
	return b;
}

/* ---- one side's traffic ---------------------------------------------------- */

struct flow {
	struct memif *m;
	struct traffic t;
	uint32_t tx_tag, rx_tag;
	unsigned nq; /* queues each way */
	bool irq; /* receive only when poll() reports the queue's fd */
	uint32_t sent[MAXQ], gen[MAXQ], rcvd[MAXQ];
	int qfd[MAXQ];
	uint8_t *slab[MAXQ]; /* TX_BURST packets being sent */
	uint32_t max_len;
	uint8_t *exp;
	bool failed;
	char err[ERRSZ];
};

static bool flow_init(struct flow *f, struct memif *m, const struct traffic *t,
		      uint32_t tx_tag, uint32_t rx_tag, unsigned nq, bool irq)
{
	unsigned i, q;

	memset(f, 0, sizeof(*f));
	f->m = m;
	f->t = *t;
	f->tx_tag = tx_tag;
	f->rx_tag = rx_tag;
	f->nq = nq;
	f->irq = irq;
	for (i = 0; i < t->n_lens; i++)
		if (t->lens[i] > f->max_len)
			f->max_len = t->lens[i];
	f->exp = malloc(f->max_len);
	if (!f->exp)
		return failf(f->err, "malloc");
	for (q = 0; q < nq; q++) {
		int ret;

		f->slab[q] = malloc((size_t)TX_BURST * f->max_len);
		if (!f->slab[q])
			return failf(f->err, "malloc");
		f->qfd[q] = -1;
		if (irq) {
			ret = memif_get_queue_interrupt_fd(m, (uint8_t)q,
							   &f->qfd[q]);
			if (ret != MEMIF_OK || f->qfd[q] < 0)
				return failf(
					f->err,
					"memif_get_queue_interrupt_fd(%u): %s",
					q, memif_strerror(ret));
		}
	}
	return true;
}

static void flow_free(struct flow *f)
{
	unsigned q;

	for (q = 0; q < MAXQ; q++)
		free(f->slab[q]);
	free(f->exp);
	f->exp = NULL;
	memset(f->slab, 0, sizeof(f->slab));
}

static bool flow_done(const struct flow *f)
{
	unsigned q;

	for (q = 0; q < f->nq; q++)
		if (f->sent[q] < f->t.count || f->rcvd[q] < f->t.count)
			return false;
	return true;
}

static bool flow_tx_pending(const struct flow *f)
{
	unsigned q;

	for (q = 0; q < f->nq; q++)
		if (f->sent[q] < f->t.count)
			return true;
	return false;
}

static bool flow_tx(struct flow *f, unsigned q)
{
	struct memif_tx_pkt pk[TX_BURST];
	uint32_t end = f->sent[q] + TX_BURST, s;
	uint16_t n, ns = 0, i;
	int ret;

	if (end > f->t.count)
		end = f->t.count;
	n = (uint16_t)(end - f->sent[q]);
	if (!n)
		return true;
	/* Slot s % TX_BURST held seq s - TX_BURST, which has been sent. */
	for (s = f->gen[q] > f->sent[q] ? f->gen[q] : f->sent[q]; s < end; s++)
		pkt_fill(f->slab[q] + (size_t)(s % TX_BURST) * f->max_len,
			 pkt_len(&f->t, q, s), f->tx_tag, q, s);
	if (end > f->gen[q])
		f->gen[q] = end;
	for (i = 0; i < n; i++) {
		s = f->sent[q] + i;
		pk[i].data = f->slab[q] + (size_t)(s % TX_BURST) * f->max_len;
		pk[i].len = pkt_len(&f->t, q, s);
	}
	ret = memif_tx_burst(f->m, (uint8_t)q, pk, n, &ns);
	if (ret != MEMIF_OK)
		return failf(f->err,
			     "memif_tx_burst(q%u, %u pkts): %s (%d), %u sent",
			     q, n, memif_strerror(ret), ret, ns);
	if (ns > n)
		return failf(f->err, "memif_tx_burst(q%u): %u sent of %u", q,
			     ns, n);
	f->sent[q] += ns;
	return true;
}

static bool flow_check_pkt(struct flow *f, unsigned q,
			   const struct memif_rx_pkt *p)
{
	uint32_t seq = f->rcvd[q], len, i;

	if (seq >= f->t.count)
		return failf(f->err, "q%u: extra packet (len %u) after %u", q,
			     p->len, f->t.count);
	len = pkt_len(&f->t, q, seq);
	if (p->len != len)
		return failf(f->err, "q%u seq %u: length %u, expected %u", q,
			     seq, p->len, len);
	if (!p->data)
		return failf(f->err, "q%u seq %u: NULL data", q, seq);
	pkt_fill(f->exp, len, f->rx_tag, q, seq);
	if (memcmp(p->data, f->exp, len)) {
		for (i = 0; i < len && p->data[i] == f->exp[i]; i++)
			;
		return failf(
			f->err,
			"q%u seq %u len %u: byte %u is 0x%02x, expected 0x%02x",
			q, seq, len, i, p->data[i], f->exp[i]);
	}
	f->rcvd[q]++;
	return true;
}

/* memif_rx_burst until it returns 0 packets. */
static bool flow_rx(struct flow *f, unsigned q)
{
	struct memif_rx_pkt pk[RX_BURST];
	uint16_t n, i;
	int ret;

	for (;;) {
		n = 0;
		ret = memif_rx_burst(f->m, (uint8_t)q, pk, RX_BURST, &n);
		if (ret != MEMIF_OK)
			return failf(f->err, "memif_rx_burst(q%u): %s (%d)", q,
				     memif_strerror(ret), ret);
		if (n > RX_BURST)
			return failf(f->err, "memif_rx_burst(q%u): %u > %u", q,
				     n, RX_BURST);
		if (!n)
			return true;
		for (i = 0; i < n; i++)
			if (!flow_check_pkt(f, q, &pk[i]))
				return false;
	}
}

/* Run several flows (one per interface in this process) to completion. */
static bool flows_run(struct flow **fs, unsigned n_fs, int timeout_ms,
		      char *err)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	struct pollfd pfd[4 * MAXQ];
	unsigned owner[4 * MAXQ], qof[4 * MAXQ];
	unsigned i, q;

	for (;;) {
		bool all = true, tx_left = false;
		unsigned np = 0;

		for (i = 0; i < n_fs; i++) {
			struct flow *f = fs[i];

			for (q = 0; q < f->nq; q++)
				if (!flow_tx(f, q))
					return failf(err, "%s", f->err);
			tx_left |= flow_tx_pending(f);
		}
		for (i = 0; i < n_fs; i++) {
			struct flow *f = fs[i];

			for (q = 0; q < f->nq; q++) {
				if (!f->irq) {
					if (!flow_rx(f, q))
						return failf(err, "%s", f->err);
					continue;
				}
				pfd[np].fd = f->qfd[q];
				pfd[np].events = POLLIN;
				pfd[np].revents = 0;
				owner[np] = i;
				qof[np] = q;
				np++;
			}
		}
		if (np) {
			int r = poll(pfd, np, tx_left ? 1 : 20);

			if (r < 0 && errno != EINTR)
				return failf(err, "poll: %s", strerror(errno));
			for (i = 0; r > 0 && i < np; i++) {
				struct flow *f = fs[owner[i]];

				if (pfd[i].revents & (POLLERR | POLLNVAL))
					return failf(
						err,
						"queue fd q%u: revents 0x%x",
						qof[i], pfd[i].revents);
				if ((pfd[i].revents & POLLIN) &&
				    !flow_rx(f, qof[i]))
					return failf(err, "%s", f->err);
			}
		}
		for (i = 0; i < n_fs; i++)
			all &= flow_done(fs[i]);
		if (all)
			return true;
		if (now_ms() > end) {
			struct flow *f = fs[0];

			return failf(
				err,
				"traffic timed out: q0 sent %u rcvd %u of %u (%s)",
				f->sent[0], f->rcvd[0], f->t.count,
				f->irq ? "interrupt" : "polling");
		}
	}
}

/*
 * The counters and flags after a flow: every packet and byte counted on
 * every queue, nothing dropped; in polling mode MASK_INT is set on our RX
 * rings and (the peer polls too) our TX side never signalled; in interrupt
 * mode MASK_INT is clear and signals were both sent and consumed.
 */
static bool flow_check_counters(const struct flow *f,
				const struct memif_details *b,
				const struct memif_details *a, bool polling,
				char *err)
{
	unsigned q;

	if (!a->has_link)
		return failf(err, "link down after traffic");
	if (a->num_rx_queues != f->nq || a->num_tx_queues != f->nq)
		return failf(err, "queues: %u rx, %u tx, expected %u",
			     a->num_rx_queues, a->num_tx_queues, f->nq);
	for (q = 0; q < f->nq; q++) {
		const struct memif_queue_details *rb = &b->rx_queues[q],
						 *ra = &a->rx_queues[q],
						 *tb = &b->tx_queues[q],
						 *ta = &a->tx_queues[q];
		uint64_t bytes = queue_bytes(&f->t, q);

		if (ra->queue_id != q || ta->queue_id != q)
			return failf(err, "queue ids %u/%u at %u", ra->queue_id,
				     ta->queue_id, q);
		if (ra->packets - rb->packets != f->t.count ||
		    ra->bytes - rb->bytes != bytes)
			return failf(
				err,
				"rx q%u counted %llu pkts %llu bytes, expected %u / %llu",
				q,
				(unsigned long long)(ra->packets - rb->packets),
				(unsigned long long)(ra->bytes - rb->bytes),
				f->t.count, (unsigned long long)bytes);
		if (ta->packets - tb->packets != f->t.count ||
		    ta->bytes - tb->bytes != bytes)
			return failf(
				err,
				"tx q%u counted %llu pkts %llu bytes, expected %u / %llu",
				q,
				(unsigned long long)(ta->packets - tb->packets),
				(unsigned long long)(ta->bytes - tb->bytes),
				f->t.count, (unsigned long long)bytes);
		if (ra->drops_bad_desc || ra->drops_too_long)
			return failf(err,
				     "rx q%u drops: %llu bad, %llu too long", q,
				     (unsigned long long)ra->drops_bad_desc,
				     (unsigned long long)ra->drops_too_long);
		if (polling) {
			if (!(ra->flags & MEMIF_RING_FLAG_MASK_INT))
				return failf(
					err,
					"polling rx q%u: flags 0x%x without MASK_INT",
					q, ra->flags);
			if (ta->interrupts != 0)
				return failf(
					err,
					"tx q%u signalled a polling peer %llu times",
					q, (unsigned long long)ta->interrupts);
			if (ra->interrupts != 0)
				return failf(
					err,
					"polling rx q%u consumed %llu signals",
					q, (unsigned long long)ra->interrupts);
		} else {
			if (ra->flags & MEMIF_RING_FLAG_MASK_INT)
				return failf(
					err,
					"interrupt rx q%u: MASK_INT set (0x%x)",
					q, ra->flags);
			if (ta->interrupts <= tb->interrupts)
				return failf(err,
					     "interrupt tx q%u: no signal sent",
					     q);
			if (ra->interrupts <= rb->interrupts)
				return failf(
					err,
					"interrupt rx q%u: no signal consumed",
					q);
		}
	}
	return true;
}

/* One side's part of an exchange: wait for the link, run, check. */
static bool run_traffic(struct side *s, const struct traffic *t, bool is_master,
			uint32_t iface_tag, unsigned nq, bool polling,
			char *err)
{
	struct memif_details *b = calloc(1, sizeof(*b)),
			     *a = calloc(1, sizeof(*a));
	struct flow *f = calloc(1, sizeof(*f));
	bool ok = false;
	int ret;

	if (!a || !b || !f) {
		failf(err, "calloc");
		goto out;
	}
	if (!WAIT_UNTIL(side_connected(s), CONNECT_MS)) {
		failf(err, "not connected (up %d down %d)", ld(&s->up),
		      ld(&s->down));
		goto out;
	}
	ret = memif_get_details(s->m, b);
	if (ret != MEMIF_OK) {
		failf(err, "details: %s", memif_strerror(ret));
		goto out;
	}
	if (b->num_rx_queues != nq || b->num_tx_queues != nq) {
		failf(err, "negotiated %u rx / %u tx queues, expected %u",
		      b->num_rx_queues, b->num_tx_queues, nq);
		goto out;
	}
	if (!flow_init(f, s->m, t, (is_master ? 'M' : 'S') << 8 | iface_tag,
		       (is_master ? 'S' : 'M') << 8 | iface_tag, nq,
		       !polling)) {
		failf(err, "%s", f->err);
		goto out;
	}
	if (!flows_run(&f, 1, FLOW_MS, err))
		goto out;
	ret = memif_get_details(s->m, a);
	if (ret != MEMIF_OK) {
		failf(err, "details: %s", memif_strerror(ret));
		goto out;
	}
	ok = flow_check_counters(f, b, a, polling, err);
out:
	flow_free(f);
	free(f);
	free(a);
	free(b);
	return ok;
}

/* ---- edge-triggered waits (MEMIF_RX_MODE_INTERRUPT_EDGE) ----------------- */

#define WAKE_MS 2000 /* a wait this long with a packet outstanding: lost */
#define ECHO_WAIT_MS 10000 /* the echoer's guard against a stalled sender */
#define EDGE_WINDOW 256 /* packets in flight in the burst phase */
#define EDGE_BURST 32 /* largest burst the sender sends */

static void sleep_us(unsigned us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * RX queue 0 of an interface, waited on only with epoll_wait on an
 * EPOLLIN | EPOLLET registration of its queue fd, and drained with
 * memif_rx_burst until it returns 0 after every wake-up.  Nothing here
 * reads the queue fd.
 */
struct edge_rx {
	struct memif *m;
	int qfd;
	int ep;
	unsigned wakes; /* epoll_wait calls that reported the queue */
	unsigned empty_wakes; /* ... whose drain found nothing (stale edge) */
};

static bool edge_open(struct edge_rx *e, struct memif *m, char *err)
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

static void edge_close(struct edge_rx *e)
{
	if (e->ep >= 0)
		close(e->ep);
	e->ep = -1;
}

/* One epoll_wait: 1 when the queue was reported, 0 on timeout, -1 on an
 * error (in @err). */
static int edge_wait(struct edge_rx *e, int ms, char *err)
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

/* After a timed-out wait: how many packets sat in the ring without a
 * wake-up (they are consumed; the run has failed anyway). */
static unsigned edge_probe(struct edge_rx *e)
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
static uint64_t efd_take(int fd)
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
		uint64_t end = now_ms() + WAKE_MS;

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
			if (now_ms() > end)
				return failf(err,
					     "echo: TX ring full for %d ms",
					     WAKE_MS);
			sched_yield();
		}
		*echoed += n;
	}
}

struct echo_stats {
	unsigned echoed;
	unsigned wakes;
	unsigned empty_wakes;
};

/* Echo @total packets, waiting edge-triggered only, with random small
 * pauses between a drain and the next wait (the window in which the
 * sender's signal must still wake us). */
static bool echo_run(struct memif *m, unsigned total, struct echo_stats *st,
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

/* ---- workers: the other process ------------------------------------------ */

#define MAX_WORKERS 8

struct wio {
	int cmd; /* commands from the test process */
	int evt; /* replies to it */
};

struct peer_cfg {
	const char *app;
	unsigned n_ifs;
	struct memif_config cfg[2];
	struct traffic tr[2];
	unsigned nq[2];
	char sock[2][64];
	char name[2][32];
};

struct worker {
	pid_t pid;
	int cmd; /* we write */
	int evt; /* we read */
	const char *name;
};

static int worker_fds[2 * MAX_WORKERS];
static int n_worker_fds;

static void w_reply(struct wio *io, char tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void w_reply(struct wio *io, char tok, const char *fmt, ...)
{
	char buf[ERRSZ + 8];
	va_list ap;
	int n;

	buf[0] = tok;
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof(buf) - 3)
		n = (int)sizeof(buf) - 3;
	buf[1 + n] = '\n';
	if (write(io->evt, buf, (size_t)n + 2) < 0)
		_exit(3);
}

/* Report a failure to the test process and die. */
#define W_CHECK(io, cond, ...)                           \
	do {                                             \
		if (!(cond)) {                           \
			w_reply((io), 'F', __VA_ARGS__); \
			_exit(1);                        \
		}                                        \
	} while (0)

static void copy_cfg_strings(struct peer_cfg *pc)
{
	unsigned i;

	for (i = 0; i < pc->n_ifs; i++) {
		pc->cfg[i].socket_filename = pc->sock[i];
		pc->cfg[i].if_name = pc->name[i];
	}
}

static int peer_main(struct wio *io, struct peer_cfg *pc)
{
	struct side sides[2];
	char err[ERRSZ];
	unsigned i;
	int ret;

	for (i = 0; i < 2; i++)
		side_reset(&sides[i]);
	for (;;) {
		unsigned char c[2];
		struct side *s;
		ssize_t r = read(io->cmd, c, 2);

		if (r != 2)
			return 2; /* the test process is gone */
		s = &sides[c[1] < 2 ? c[1] : 0];
		switch (c[0]) {
		case 'I': /* init and create the interfaces */
			ret = memif_init(pc->app);
			W_CHECK(io, ret == MEMIF_OK, "memif_init: %s",
				memif_strerror(ret));
			{
				unsigned busy = 0;
				uint64_t end = now_ms() + 3000;

				for (i = 0; i < pc->n_ifs; i++) {
					/* A master that replaces a killed one:
					 * the kernel drops the dead process's
					 * io_uring (and the listener it holds)
					 * asynchronously, so the name can be
					 * in use for a moment. */
					while ((ret = side_create(
							&sides[i],
							&pc->cfg[i])) ==
						       MEMIF_ERR_SYSCALL &&
					       memif_errno() == EADDRINUSE &&
					       now_ms() < end) {
						busy++;
						sleep_ms(1);
					}
					W_CHECK(io, ret == MEMIF_OK,
						"create %u: %s (errno %d)", i,
						memif_strerror(ret),
						ret == MEMIF_ERR_SYSCALL ?
							memif_errno() :
							0);
				}
				w_reply(io, 'i', "%u", busy);
			}
			break;
		case 'C': /* wait until interface c[1] is connected */
			W_CHECK(io, WAIT_UNTIL(side_connected(s), CONNECT_MS),
				"%s: not connected (up %d down %d)", pc->app,
				ld(&s->up), ld(&s->down));
			w_reply(io, 'c', "%s", "");
			break;
		case 'T': /* traffic on interface c[1] */
			W_CHECK(io,
				run_traffic(s, &pc->tr[c[1]],
					    pc->cfg[c[1]].is_master, c[1],
					    pc->nq[c[1]],
					    pc->cfg[c[1]].rx_mode ==
						    MEMIF_RX_MODE_POLLING,
					    err),
				"%s traffic: %s", pc->app, err);
			w_reply(io, 't', "%s", "");
			break;
		case 'W': /* wait until interface 0 went down c[1] times */
			s = &sides[0];
			W_CHECK(io,
				WAIT_UNTIL(ld(&s->down) >= c[1], CONNECT_MS),
				"%s: on_disconnect ran %d times, expected %u",
				pc->app, ld(&s->down), c[1]);
			{
				struct memif_details *d = calloc(1, sizeof(*d));

				W_CHECK(io,
					d && memif_get_details(s->m, d) ==
							MEMIF_OK,
					"details");
				w_reply(io, 'w', "%s",
					d->remote_disconnect_reason);
				free(d);
			}
			break;
		case 'L': { /* wait until interface 0 lost its link with a reason */
			struct memif_details *d = calloc(1, sizeof(*d));

			s = &sides[0];
			W_CHECK(io, d, "calloc");
			W_CHECK(io,
				WAIT_UNTIL(
					memif_get_details(s->m, d) ==
							MEMIF_OK &&
						!d->has_link &&
						d->remote_disconnect_reason[0] &&
						ld(&s->up) == ld(&s->down),
					CONNECT_MS),
				"%s: link %d, reason \"%s\", up %d down %d",
				pc->app, d->has_link,
				d->remote_disconnect_reason, ld(&s->up),
				ld(&s->down));
			w_reply(io, 'l', "%s|connects=%u",
				d->remote_disconnect_reason, d->connects);
			free(d);
			break;
		}
		case 'F': { /* the last refusal of interface c[1] */
			struct memif_details *d = calloc(1, sizeof(*d));

			W_CHECK(io,
				d && memif_get_details(sides[c[1]].m, d) ==
						MEMIF_OK,
				"details");
			w_reply(io, 'f', "%s|%s", d->last_refusal_reason,
				d->last_refusal_peer);
			free(d);
			break;
		}
		case 'S': /* state of interface c[1] */
			W_CHECK(io, !ld(&s->bad_order),
				"on_disconnect without on_connect");
			W_CHECK(io, !ld(&s->bad_ptr),
				"callback with a foreign handle");
			w_reply(io, 's', "up=%d down=%d", ld(&s->up),
				ld(&s->down));
			break;
		case 'R': /* create interface c[1] again after 'X' */
			W_CHECK(io, !s->m, "R: interface %u is open", c[1]);
			side_reset(s);
			ret = side_create(s, &pc->cfg[c[1]]);
			W_CHECK(io, ret == MEMIF_OK, "create again: %s",
				memif_strerror(ret));
			w_reply(io, 'r', "%s", "");
			break;
		case 'X': /* close interface c[1] */
			ret = memif_close(s->m);
			W_CHECK(io, ret == MEMIF_OK, "close: %s",
				memif_strerror(ret));
			s->m = NULL;
			w_reply(io, 'x', "%s", "");
			break;
		case 'q': { /* one packet on TX queue c[1] of interface 0 */
			uint8_t buf[100];
			struct memif_tx_pkt p = { buf, sizeof(buf) };
			uint16_t ns = 0;

			pkt_fill(buf, sizeof(buf), 'Q', c[1], 0);
			ret = memif_tx_burst(sides[0].m, c[1], &p, 1, &ns);
			W_CHECK(io, ret == MEMIF_OK && ns == 1,
				"tx q%u: %s, %u sent", c[1],
				memif_strerror(ret), ns);
			w_reply(io, 'k', "%s", "");
			break;
		}
		case 'E': { /* echo pc->tr[0].count packets on interface 0 */
			struct echo_stats st = { 0 };
			struct memif_details *d = calloc(1, sizeof(*d));

			W_CHECK(io, d, "calloc");
			W_CHECK(io,
				echo_run(sides[0].m, pc->tr[0].count, &st, err),
				"%s: %s", pc->app, err);
			W_CHECK(io,
				memif_get_details(sides[0].m, d) == MEMIF_OK,
				"details");
			w_reply(io, 'e', "%llu %llu %u %u",
				(unsigned long long)d->tx_queues[0].interrupts,
				(unsigned long long)d->rx_queues[0].interrupts,
				st.wakes, st.empty_wakes);
			free(d);
			break;
		}
		case 'N': { /* take RX queue 0's eventfd counter, once */
			int fd = -1;

			ret = memif_get_queue_interrupt_fd(sides[0].m, 0, &fd);
			W_CHECK(io, ret == MEMIF_OK, "queue fd: %s",
				memif_strerror(ret));
			w_reply(io, 'n', "%llu",
				(unsigned long long)efd_take(fd));
			break;
		}
		case 'G': { /* signals sent so far on TX queue c[1] */
			struct memif_details *d = calloc(1, sizeof(*d));

			W_CHECK(io,
				d && memif_get_details(sides[0].m, d) ==
						MEMIF_OK,
				"details");
			w_reply(io, 'g', "%llu",
				(unsigned long long)d->tx_queues[c[1]]
					.interrupts);
			free(d);
			break;
		}
		case 'Q': /* close everything and leave */
			for (i = 0; i < pc->n_ifs; i++) {
				if (!sides[i].m)
					continue;
				W_CHECK(io, !ld(&sides[i].bad_order),
					"on_disconnect without on_connect");
				ret = memif_close(sides[i].m);
				W_CHECK(io, ret == MEMIF_OK, "close: %s",
					memif_strerror(ret));
				W_CHECK(io,
					ld(&sides[i].up) == ld(&sides[i].down),
					"close: up %d down %d",
					ld(&sides[i].up), ld(&sides[i].down));
			}
			ret = memif_cleanup();
			W_CHECK(io, ret == MEMIF_OK, "cleanup: %s",
				memif_strerror(ret));
			w_reply(io, 'q', "%s", "");
			return 0;
		default:
			W_CHECK(io, false, "unknown command %c", c[0]);
		}
	}
}

/* Fork a worker that idles until its first command.  Call before
 * memif_init in this process. */
static void worker_start(struct worker *w, const char *name,
			 struct peer_cfg *pc)
{
	int cmd[2], evt[2], i;
	pid_t parent = getpid();

	ck_assert_int_lt(n_worker_fds + 2, 2 * MAX_WORKERS + 1);
	ck_assert_int_eq(pipe2(cmd, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(evt, O_CLOEXEC), 0);
	copy_cfg_strings(pc);
	w->name = name;
	w->pid = fork();
	ck_assert_int_ge(w->pid, 0);
	if (w->pid == 0) {
		struct wio io = { .cmd = cmd[0], .evt = evt[1] };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(2);
		/* Only our own ends: the other workers see EOF when the
		 * test process is gone. */
		for (i = 0; i < n_worker_fds; i++)
			close(worker_fds[i]);
		close(cmd[1]);
		close(evt[0]);
		/* exit(), not _exit(), after an orderly 'Q': LeakSanitizer
		 * checks the worker too.  Failures leave with _exit(). */
		if (peer_main(&io, pc) == 0)
			exit(0);
		_exit(2);
	}
	close(cmd[0]);
	close(evt[1]);
	w->cmd = cmd[1];
	w->evt = evt[0];
	worker_fds[n_worker_fds++] = w->cmd;
	worker_fds[n_worker_fds++] = w->evt;
}

static void worker_cmd(struct worker *w, char op, unsigned char arg)
{
	char c[2] = { op, (char)arg };

	ck_assert_msg(write(w->cmd, c, 2) == 2, "%s: command %c: %s", w->name,
		      op, strerror(errno));
}

static const char *status_str(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

/* Read the worker's next reply line; it must start with @tok.  The rest
 * of the line goes to @text (may be NULL). */
static void worker_expect(struct worker *w, char tok, char *text, int ms)
{
	char line[ERRSZ + 8];
	size_t n = 0;
	uint64_t end = now_ms() + (uint64_t)ms;

	for (;;) {
		struct pollfd p = { .fd = w->evt, .events = POLLIN };
		int64_t left = (int64_t)(end - now_ms());
		ssize_t r;
		char ch;

		if ((int64_t)end - (int64_t)now_ms() <= 0)
			ck_abort_msg("%s: no reply '%c' within %d ms", w->name,
				     tok, ms);
		if (poll(&p, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;
		r = read(w->evt, &ch, 1);
		if (r <= 0) {
			int st = 0;

			waitpid(w->pid, &st, 0);
			w->pid = -1;
			ck_abort_msg("%s died waiting for '%c': %s", w->name,
				     tok, status_str(st));
		}
		if (ch == '\n')
			break;
		if (n < sizeof(line) - 1)
			line[n++] = ch;
	}
	line[n] = 0;
	if (line[0] == 'F')
		ck_abort_msg("%s failed: %s", w->name, line + 1);
	ck_assert_msg(line[0] == tok, "%s: reply '%s', expected '%c'", w->name,
		      line, tok);
	if (text)
		snprintf(text, ERRSZ, "%.*s", ERRSZ - 1, line + 1);
}

static void worker_do(struct worker *w, char op, unsigned char arg, char *text)
{
	worker_cmd(w, op, arg);
	worker_expect(w, op == 'q' ? 'k' : (char)(op | 0x20), text, REPLY_MS);
}

static void worker_close_fds(struct worker *w)
{
	int i, j;

	for (i = 0; i < n_worker_fds; i++)
		if (worker_fds[i] == w->cmd || worker_fds[i] == w->evt) {
			for (j = i; j + 1 < n_worker_fds; j++)
				worker_fds[j] = worker_fds[j + 1];
			n_worker_fds--;
			i--;
		}
	close(w->cmd);
	close(w->evt);
}

/* Orderly end: close, cleanup, exit 0. */
static void worker_finish(struct worker *w)
{
	int st = 0;

	worker_do(w, 'Q', 0, NULL);
	ck_assert_int_eq(waitpid(w->pid, &st, 0), w->pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", w->name,
		      status_str(st));
	w->pid = -1;
	worker_close_fds(w);
}

/* A crash: SIGKILL, no goodbye on the control channel. */
static void worker_kill(struct worker *w)
{
	int st = 0;

	ck_assert_int_eq(kill(w->pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(w->pid, &st, 0), w->pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	w->pid = -1;
	worker_close_fds(w);
}

/* ---- configurations ------------------------------------------------------ */

static void peer_one(struct peer_cfg *pc, const char *app, const char *sock,
		     bool is_master, unsigned nq, enum memif_rx_mode rx_mode,
		     const struct traffic *t)
{
	memset(pc, 0, sizeof(*pc));
	pc->app = app;
	pc->n_ifs = 1;
	snprintf(pc->sock[0], sizeof(pc->sock[0]), "%s", sock);
	snprintf(pc->name[0], sizeof(pc->name[0]), "%s-if",
		 is_master ? "master" : "slave");
	pc->cfg[0].conn_id = 7;
	pc->cfg[0].is_master = is_master;
	pc->cfg[0].num_rx_queues = (uint8_t)nq;
	pc->cfg[0].num_tx_queues = (uint8_t)nq;
	pc->cfg[0].rx_mode = rx_mode;
	pc->cfg[0].reconnect_interval_ms = 100;
	pc->nq[0] = nq;
	if (t)
		pc->tr[0] = *t;
	copy_cfg_strings(pc);
}

/* The config the test process uses for its own interface. */
static struct memif_config local_cfg(const struct peer_cfg *peer,
				     const char *if_name)
{
	struct memif_config c = peer->cfg[0];

	c.is_master = !peer->cfg[0].is_master;
	c.if_name = if_name;
	return c;
}

/* A one-queue slave worker on @sock and this process as its master, started
 * in that order and connected: the opening several tests share. */
static void master_with_slave(struct side *s, struct worker *w,
			      struct peer_cfg *pc, const char *sock,
			      enum memif_rx_mode mode, const struct traffic *t)
{
	struct memif_config cfg;

	side_reset(s);
	peer_one(pc, "integ-slave", sock, false, 1, mode, t);
	worker_start(w, "slave", pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(pc, "master-if");
	ck_assert_int_eq(side_create(s, &cfg), MEMIF_OK);
	worker_do(w, 'I', 0, NULL);
	worker_do(w, 'C', 0, NULL);
	WAIT_OK(side_connected(s), CONNECT_MS);
}

/* ---- TCase order: master first, slave first ------------------------------ */

START_TEST(integration_master_first_connects_c41)
{
	static const struct traffic t = { 500, small_lens, 8 };
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	char err[ERRSZ];

	master_with_slave(&s, &w, &pc, test_socket_name("mfirst"),
			  MEMIF_RX_MODE_INTERRUPT, &t);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(d->is_master);
	ck_assert_str_eq(d->remote_if_name, "slave-if");
	ck_assert_str_eq(d->remote_instance_name, "integ-slave");
	ck_assert_uint_eq(d->connects, 1);
	ck_assert_uint_eq(d->num_rx_queues, 1);
	ck_assert_uint_eq(d->num_tx_queues, 1);
	/* The slave's ring geometry: 2^10 slots each. */
	ck_assert_uint_eq(d->rx_queues[0].ring_size, 1024);
	ck_assert_uint_eq(d->tx_queues[0].ring_size, 1024);
	worker_cmd(&w, 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, true, 0, 1, false, err), "%s", err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	worker_finish(&w);
	/* The slave closed: DISCONNECT "interface deleted", then our
	 * on_disconnect. */
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(!d->has_link);
	ck_assert_str_eq(d->remote_disconnect_reason, "interface deleted");
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(ld(&s.bad_ptr), 0);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.down), 1);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

START_TEST(integration_slave_first_retries_c47)
{
	static const struct traffic t = { 500, small_lens, 8 };
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ], text[ERRSZ];
	uint64_t t0, dt;

	side_reset(&s);
	/* The worker is the slave and starts first. */
	peer_one(&pc, "integ-slave", test_socket_name("sfirst"), false, 1,
		 MEMIF_RX_MODE_INTERRUPT, &t);
	worker_start(&w, "slave", &pc);
	worker_do(&w, 'I', 0, NULL);
	/* A few reconnect periods with no master: still no link. */
	sleep_ms(350);
	worker_do(&w, 'S', 0, text);
	ck_assert_str_eq(text, "up=0 down=0");
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	t0 = now_ms();
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	dt = now_ms() - t0;
	fprintf(stderr,
		"slave-first: connected %llu ms after the master came up\n",
		(unsigned long long)dt);
	/* Retried on its 100 ms period, not the 2 s default (which would
	 * leave ~1,650 ms to wait here). */
	ck_assert_uint_lt(dt, 800);
	worker_do(&w, 'C', 0, NULL);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_if_name, "slave-if");
	worker_cmd(&w, 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, true, 0, 1, false, err), "%s", err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	worker_finish(&w);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.down), 1);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* The slave refused while nothing listens: the error queue says so once,
 * and a slave in this process connects when the worker master appears. */
START_TEST(integration_slave_first_in_test_process_c47)
{
	static const struct traffic t = { 300, small_lens, 8 };
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ];
	int codes[64], n, efd;
	struct pollfd p;

	side_reset(&s);
	peer_one(&pc, "integ-master", test_socket_name("sfirst2"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, &t);
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	cfg = local_cfg(&pc, "slave-if");
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s.m, &efd), MEMIF_OK);
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	sleep_ms(350);
	n = read_errors(s.m, codes, 64);
	/* Reported once per distinct error, not every retry. */
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_CONNREFUSED);
	p.revents = 0;
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert(!side_linked(&s));
	worker_do(&w, 'I', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
	worker_cmd(&w, 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, false, 0, 1, false, err), "%s", err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.down), 1);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase queues: 1 and 8 queues, interrupt and polling ------------------ */

static void traffic_case(unsigned nq, enum memif_rx_mode mode,
			 const struct traffic *t, bool worker_is_master,
			 uint8_t log2)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ];
	bool polling = mode == MEMIF_RX_MODE_POLLING;
	unsigned q;

	side_reset(&s);
	peer_one(&pc, worker_is_master ? "integ-master" : "integ-slave",
		 test_socket_name("traffic"), worker_is_master, nq, mode, t);
	pc.cfg[0].log2_ring_size = log2;
	worker_start(&w, worker_is_master ? "master" : "slave", &pc);
	ck_assert_int_eq(memif_init(worker_is_master ? "integ-slave" :
						       "integ-master"),
			 MEMIF_OK);
	cfg = local_cfg(&pc, worker_is_master ? "slave-if" : "master-if");
	if (worker_is_master)
		worker_do(&w, 'I', 0, NULL);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	if (!worker_is_master)
		worker_do(&w, 'I', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->num_rx_queues, nq);
	ck_assert_uint_eq(d->num_tx_queues, nq);
	for (q = 0; q < nq; q++) {
		ck_assert_uint_eq(d->rx_queues[q].ring_size,
				  1u << (log2 ? log2 : 10));
		ck_assert_uint_eq(!!(d->rx_queues[q].flags &
				     MEMIF_RING_FLAG_MASK_INT),
				  polling);
	}
	if (!polling) {
		int fd;

		ck_assert_int_eq(memif_get_queue_interrupt_fd(s.m, (uint8_t)nq,
							      &fd),
				 MEMIF_ERR_QID);
	}
	worker_cmd(&w, 'T', 0);
	ck_assert_msg(run_traffic(&s, t, !worker_is_master, 0, nq, polling,
				  err),
		      "%s", err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	worker_finish(&w);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}

START_TEST(integration_one_queue_interrupt_c63)
{
	static const struct traffic t = { 3000, small_lens, 8 };

	traffic_case(1, MEMIF_RX_MODE_INTERRUPT, &t, false, 0);
}
END_TEST

START_TEST(integration_eight_queues_interrupt_c63)
{
	static const struct traffic t = { 3000, small_lens, 8 };

	traffic_case(8, MEMIF_RX_MODE_INTERRUPT, &t, true, 0);
}
END_TEST

START_TEST(integration_one_queue_polling_c62)
{
	static const struct traffic t = { 3000, small_lens, 8 };

	traffic_case(1, MEMIF_RX_MODE_POLLING, &t, true, 0);
}
END_TEST

START_TEST(integration_eight_queues_polling_c62)
{
	static const struct traffic t = { 3000, small_lens, 8 };

	traffic_case(8, MEMIF_RX_MODE_POLLING, &t, false, 0);
}
END_TEST

/* Small rings: many index wraps with 8 queues. */
START_TEST(integration_eight_queues_small_rings)
{
	static const struct traffic t = { 2000, small_lens, 8 };

	traffic_case(8, MEMIF_RX_MODE_INTERRUPT, &t, false, 6);
}
END_TEST

/*
 * A master may send from its on_connect (the slave lends its M2S buffers
 * before CONNECT).  A polling slave must have masked those rings by then:
 * the master's TX never signals it (C62, C63: MASK_INT is set at connect
 * on every ring the receiver polls).  The master's on_connect races with
 * the slave's handling of CONNECTED, so 50 connections give the race many
 * chances.
 */
START_TEST(integration_polling_slave_never_signalled_from_on_connect_c63)
{
	struct memif_details *d = details_new();
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	unsigned q, signalled = 0, first = 0;
	int i;

	peer_one(&pc, "integ-slave", test_socket_name("pollcb"), false, 2,
		 MEMIF_RX_MODE_POLLING, NULL);
	worker_start(&w, "slave", &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	side_reset(&s);
	s.tx_in_cb = 2;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	for (i = 0; i < 50; i++) {
		worker_do(&w, 'C', 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		ck_assert_int_eq(ld(&s.tx_in_cb_bad), 0);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		for (q = 0; q < 2; q++) {
			ck_assert_uint_eq(d->tx_queues[q].packets, TX_IN_CB);
			if (d->tx_queues[q].interrupts && !signalled++)
				first = (unsigned)i;
		}
		worker_do(&w, 'X', 0, NULL);
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		worker_do(&w, 'R', 0, NULL);
	}
	fprintf(stderr,
		"polling slave: signalled by on_connect TX on %u of 100 "
		"queue connections\n",
		signalled);
	ck_assert_msg(signalled == 0,
		      "the master's TX from on_connect signalled the polling "
		      "slave on %u of 100 queue connections (first in "
		      "connection %u): MASK_INT was not yet set",
		      signalled, first);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* ---- TCase large: chained packets ---------------------------------------- */

START_TEST(integration_9000_byte_packets_c55)
{
	static const uint32_t lens[] = { 9000 };
	/* 5 slots each: 15,000 slots, the 1,024-slot ring wraps ~15 times. */
	static const struct traffic t = { 3000, lens, 1 };

	traffic_case(1, MEMIF_RX_MODE_INTERRUPT, &t, false, 0);
}
END_TEST

START_TEST(integration_65535_byte_packets_c52_c55)
{
	static const uint32_t lens[] = { 65535 };
	/* 32 slots each: 67,200 slots, past the u16 index wrap. */
	static const struct traffic t = { 2100, lens, 1 };

	traffic_case(1, MEMIF_RX_MODE_INTERRUPT, &t, true, 0);
}
END_TEST

/* Lengths on and around the 2,048-byte slot boundary, mixed with the
 * largest, so chains start at every ring position. */
START_TEST(integration_chain_boundaries_c55)
{
	static const uint32_t lens[] = { 2047, 2048, 2049, 4096, 4097, 65535,
					 1,    9000, 6143, 6144, 6145 };
	static const struct traffic t = { 1500, lens, 11 };

	traffic_case(1, MEMIF_RX_MODE_POLLING, &t, false, 0);
}
END_TEST

/* ---- TCase restart ------------------------------------------------------- */

START_TEST(integration_slave_reconnects_after_master_restart_c51)
{
	static const struct traffic t = { 500, small_lens, 8 };
	struct memif_details *d = details_new();
	struct worker w[3];
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ], text[ERRSZ];
	int codes[64], n, i;

	side_reset(&s);
	peer_one(&pc, "integ-master", test_socket_name("mrestart"), true, 2,
		 MEMIF_RX_MODE_INTERRUPT, &t);
	for (i = 0; i < 3; i++)
		worker_start(&w[i],
			     i == 0 ? "master#1" :
			     i == 1 ? "master#2" :
				      "master#3",
			     &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	cfg = local_cfg(&pc, "slave-if");
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);

	/* master#1: connect, traffic, crash (SIGKILL). */
	worker_do(&w[0], 'I', 0, NULL);
	worker_do(&w[0], 'C', 0, NULL);
	worker_cmd(&w[0], 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, false, 0, 2, false, err), "%s", err);
	worker_expect(&w[0], 't', NULL, REPLY_MS);
	(void)read_errors(s.m, codes, 64);
	worker_kill(&w[0]);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(!d->has_link);
	n = read_errors(s.m, codes, 64);
	ck_assert_int_ge(n, 1);
	/* EOF on the control channel, no DISCONNECT: "peer closed". */
	ck_assert_int_eq(codes[0], MEMIF_ERR_DISCONNECTED);
	/* The data path of the dead connection is refused. */
	{
		struct memif_rx_pkt pk[1];
		uint16_t nr = 9;

		ck_assert_int_eq(memif_rx_burst(s.m, 0, pk, 1, &nr),
				 MEMIF_ERR_DISCONNECTED);
		ck_assert_uint_eq(nr, 0);
	}

	/* master#2: the slave finds it on its own, traffic flows again. */
	worker_do(&w[1], 'I', 0, text);
	fprintf(stderr, "master#2 after a crash: %s ms with the name in use\n",
		text);
	worker_do(&w[1], 'C', 0, NULL);
	WAIT_OK(ld(&s.up) == 2, CONNECT_MS);
	worker_cmd(&w[1], 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, false, 0, 2, false, err), "%s", err);
	worker_expect(&w[1], 't', NULL, REPLY_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->connects, 2);
	/* An orderly exit this time: DISCONNECT with its reason. */
	worker_finish(&w[1]);
	WAIT_OK(ld(&s.down) == 2, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_disconnect_reason, "interface deleted");
	n = read_errors(s.m, codes, 64);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_DISCONNECT);

	/* master#3. */
	worker_do(&w[2], 'I', 0, NULL);
	worker_do(&w[2], 'C', 0, NULL);
	WAIT_OK(ld(&s.up) == 3, CONNECT_MS);
	worker_cmd(&w[2], 'T', 0);
	ck_assert_msg(run_traffic(&s, &t, false, 0, 2, false, err), "%s", err);
	worker_expect(&w[2], 't', NULL, REPLY_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->connects, 3);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 3);
	ck_assert_int_eq(ld(&s.down), 3);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	worker_finish(&w[2]);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

START_TEST(integration_master_accepts_restarted_slave_c38)
{
	static const struct traffic t = { 500, small_lens, 8 };
	struct memif_details *d = details_new();
	struct worker w[3];
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ];
	int i;

	side_reset(&s);
	peer_one(&pc, "integ-slave", test_socket_name("srestart"), false, 2,
		 MEMIF_RX_MODE_INTERRUPT, &t);
	for (i = 0; i < 3; i++)
		worker_start(&w[i],
			     i == 0 ? "slave#1" :
			     i == 1 ? "slave#2" :
				      "slave#3",
			     &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);

	for (i = 0; i < 3; i++) {
		worker_do(&w[i], 'I', 0, NULL);
		worker_do(&w[i], 'C', 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		worker_cmd(&w[i], 'T', 0);
		ck_assert_msg(run_traffic(&s, &t, true, 0, 2, false, err), "%s",
			      err);
		worker_expect(&w[i], 't', NULL, REPLY_MS);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		ck_assert_uint_eq(d->connects, (unsigned)i + 1);
		if (i == 0) {
			worker_kill(&w[i]); /* crash */
		} else if (i == 1) {
			worker_finish(&w[i]); /* orderly */
		} else {
			break;
		}
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		ck_assert(!d->has_link);
		if (i == 1)
			ck_assert_str_eq(d->remote_disconnect_reason,
					 "interface deleted");
	}
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 3);
	ck_assert_int_eq(ld(&s.down), 3);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	/* The slave saw our DISCONNECT. */
	{
		char text[ERRSZ];

		worker_do(&w[2], 'W', 1, text);
		ck_assert_str_eq(text, "interface deleted");
	}
	worker_finish(&w[2]);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* ---- TCase refused: DISCONNECT reasons ----------------------------------- */

/*
 * The worker is the master; the test process is a slave that the master
 * must refuse with @reason, again on every retry.  The slave sees the
 * reason in its details and the error @code it stands for on its error fd,
 * never a link or a callback.  The master's interface (when the slave
 * named one that exists) records the refusal and the slave's name.
 */
static void refused_case(const char *tag, const char *master_secret,
			 const char *slave_secret, uint32_t slave_id,
			 enum memif_if_mode slave_mode, const char *reason,
			 int code)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char text[ERRSZ];
	int codes[64], n = 0, i, efd;
	struct pollfd p;

	side_reset(&s);
	peer_one(&pc, "integ-master", test_socket_name(tag), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	pc.cfg[0].secret = master_secret;
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	cfg = local_cfg(&pc, "slave-if");
	cfg.secret = slave_secret;
	cfg.conn_id = slave_id;
	cfg.mode = slave_mode;
	cfg.reconnect_interval_ms = 50;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s.m, &efd), MEMIF_OK);
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, CONNECT_MS), 1);
	/* Refused at least twice: the slave retries after a DISCONNECT. */
	{
		uint64_t end = now_ms() + CONNECT_MS;

		while (n < 2 && now_ms() < end) {
			int k = read_errors(s.m, codes + n, 64 - n);

			n += k < 64 - n ? k : 64 - n;
			sleep_ms(5);
		}
	}
	ck_assert_int_ge(n, 2);
	for (i = 0; i < n; i++)
		ck_assert_msg(codes[i] == code, "error %d is %d (%s), expected %d",
			      i, codes[i], memif_strerror(codes[i]), code);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_disconnect_reason, reason);
	ck_assert(!d->has_link);
	ck_assert_uint_eq(d->connects, 0);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	/* No on_connect, so no on_disconnect either. */
	ck_assert_int_eq(ld(&s.up), 0);
	ck_assert_int_eq(ld(&s.down), 0);
	worker_do(&w, 'S', 0, text);
	ck_assert_str_eq(text, "up=0 down=0");
	worker_do(&w, 'F', 0, text);
	if (code == MEMIF_ERR_ID) {
		ck_assert_str_eq(text, "|"); /* no interface was named */
	} else {
		char want[ERRSZ];

		snprintf(want, sizeof(want), "%s|integ-slave", reason);
		ck_assert_str_eq(text, want);
	}
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}

START_TEST(integration_wrong_secret_refused_c20)
{
	refused_case("secret", "abc", "abd", 7, MEMIF_IF_MODE_ETHERNET,
		     "incorrect secret", MEMIF_ERR_SECRET);
}
END_TEST

START_TEST(integration_missing_secret_refused_c20)
{
	refused_case("nosecret", "abc", NULL, 7, MEMIF_IF_MODE_ETHERNET,
		     "secret required", MEMIF_ERR_NOSECRET);
}
END_TEST

START_TEST(integration_unknown_id_refused_c17)
{
	refused_case("id", NULL, NULL, 8, MEMIF_IF_MODE_ETHERNET,
		     "unmatched interface id", MEMIF_ERR_ID);
}
END_TEST

START_TEST(integration_mode_mismatch_refused_c19)
{
	refused_case("mode", NULL, NULL, 7, MEMIF_IF_MODE_IP, "mode mismatch",
		     MEMIF_ERR_MODE);
}
END_TEST

/* The positive side of C20/C21: the right secret connects, and a secret
 * offered to a master without one is accepted. */
START_TEST(integration_secret_accepted_c20_c21)
{
	static const struct traffic t = { 200, small_lens, 8 };
	static const char *const ms[2] = { "abc", NULL };
	static const char *const ss[2] = { "abc", "xyz" };
	struct worker w[2];
	struct peer_cfg pc[2];
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ];
	int i;

	for (i = 0; i < 2; i++) {
		peer_one(&pc[i], "integ-master", test_socket_name("secretok"),
			 true, 1, MEMIF_RX_MODE_INTERRUPT, &t);
		pc[i].cfg[0].secret = ms[i];
		worker_start(&w[i], "master", &pc[i]);
	}
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	for (i = 0; i < 2; i++) {
		side_reset(&s);
		worker_do(&w[i], 'I', 0, NULL);
		cfg = local_cfg(&pc[i], "slave-if");
		cfg.secret = ss[i];
		ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
		worker_do(&w[i], 'C', 0, NULL);
		worker_cmd(&w[i], 'T', 0);
		ck_assert_msg(run_traffic(&s, &t, false, 0, 1, false, err),
			      "case %d: %s", i, err);
		worker_expect(&w[i], 't', NULL, REPLY_MS);
		ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
		ck_assert_int_eq(ld(&s.down), 1);
		worker_finish(&w[i]);
	}
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase sharing: two interfaces on one socket -------------------------- */

START_TEST(integration_two_interfaces_one_socket_c40)
{
	static const struct traffic t0 = { 1500, small_lens, 8 };
	static const uint32_t l1[] = { 9000, 100, 3000 };
	static const struct traffic t1 = { 700, l1, 3 };
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s[2];
	struct memif_config cfg;
	struct flow *f[2];
	char err[ERRSZ], text[ERRSZ];
	const char *sock = test_socket_name("shared");
	int i;

	memset(&pc, 0, sizeof(pc));
	pc.app = "integ-master";
	pc.n_ifs = 2;
	for (i = 0; i < 2; i++) {
		snprintf(pc.sock[i], sizeof(pc.sock[i]), "%s", sock);
		snprintf(pc.name[i], sizeof(pc.name[i]), "master-if%d", i);
		pc.cfg[i].conn_id = 100 + (uint32_t)i;
		pc.cfg[i].is_master = true;
		pc.nq[i] = (unsigned)i + 2; /* 2 and 3 queues */
		pc.cfg[i].num_rx_queues = (uint8_t)pc.nq[i];
		pc.cfg[i].num_tx_queues = (uint8_t)pc.nq[i];
		pc.tr[i] = i ? t1 : t0;
	}
	worker_start(&w, "masters", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	for (i = 0; i < 2; i++) {
		char name[32];

		side_reset(&s[i]);
		snprintf(name, sizeof(name), "slave-if%d", i);
		cfg = pc.cfg[i];
		cfg.is_master = false;
		cfg.if_name = name;
		cfg.reconnect_interval_ms = 100;
		ck_assert_int_eq(side_create(&s[i], &cfg), MEMIF_OK);
	}
	for (i = 0; i < 2; i++) {
		worker_do(&w, 'C', (unsigned char)i, NULL);
		WAIT_OK(side_connected(&s[i]), CONNECT_MS);
		ck_assert_int_eq(memif_get_details(s[i].m, d), MEMIF_OK);
		ck_assert_uint_eq(d->num_rx_queues, pc.nq[i]);
		ck_assert_uint_eq(d->num_tx_queues, pc.nq[i]);
		snprintf(text, sizeof(text), "master-if%d", i);
		ck_assert_str_eq(d->remote_if_name, text);
	}
	/* Both at once: the worker runs interface 0, then 1; we run both
	 * concurrently in one loop.  Interface tags differ, so a packet
	 * crossing over fails the payload check. */
	f[0] = calloc(1, sizeof(**f));
	f[1] = calloc(1, sizeof(**f));
	ck_assert(f[0] && f[1]);
	for (i = 0; i < 2; i++)
		ck_assert_msg(flow_init(f[i], s[i].m, i ? &t1 : &t0,
					'S' << 8 | (uint32_t)i,
					'M' << 8 | (uint32_t)i, pc.nq[i], true),
			      "%s", f[i]->err);
	worker_cmd(&w, 'T', 0);
	worker_cmd(&w, 'T', 1);
	ck_assert_msg(flows_run(f, 2, FLOW_MS, err), "%s", err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	worker_expect(&w, 't', NULL, REPLY_MS);
	for (i = 0; i < 2; i++) {
		flow_free(f[i]);
		free(f[i]);
	}
	/* Close slave 0: only master 0 goes down; 1 keeps passing traffic. */
	ck_assert_int_eq(memif_close(s[0].m), MEMIF_OK);
	s[0].m = NULL;
	worker_do(&w, 'W', 1, text);
	ck_assert_str_eq(text, "interface deleted");
	worker_do(&w, 'S', 1, text);
	ck_assert_str_eq(text, "up=1 down=0");
	ck_assert(side_connected(&s[1]));
	worker_cmd(&w, 'T', 1);
	ck_assert_msg(run_traffic(&s[1], &t1, false, 1, 3, false, err), "%s",
		      err);
	worker_expect(&w, 't', NULL, REPLY_MS);
	ck_assert_int_eq(ld(&s[1].down), 0);
	ck_assert_int_eq(memif_close(s[1].m), MEMIF_OK);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* ---- TCase cycles: 1,000 connects without fd growth ----------------------- */

/* One packet each way on queue 0, both interfaces in this thread. */
static bool ping_pair(struct memif *a, struct memif *b, char *err)
{
	static const uint32_t lens[] = { 200 };
	static const struct traffic t = { 1, lens, 1 };
	struct flow *f[2];
	bool ok;

	f[0] = calloc(1, sizeof(**f));
	f[1] = calloc(1, sizeof(**f));
	ok = f[0] && f[1] && flow_init(f[0], a, &t, 'A', 'B', 1, false) &&
	     flow_init(f[1], b, &t, 'B', 'A', 1, false);
	if (!ok)
		failf(err, "flow_init");
	else
		ok = flows_run(f, 2, 10000, err);
	if (f[0])
		flow_free(f[0]);
	if (f[1])
		flow_free(f[1]);
	free(f[0]);
	free(f[1]);
	return ok;
}

/* Connections are freed when their cancelled recv completes: give the
 * event thread a moment to reach the baseline before comparing. */
static int settle_fds(int want)
{
	int n = test_count_fds();

	WAIT_UNTIL((n = test_count_fds()) == want, 2000);
	return n;
}

START_TEST(integration_1000_cycles_no_fd_growth_c68)
{
	struct memif_config mc = { .if_name = "cyc-master",
				   .is_master = true,
				   .conn_id = 3 };
	struct memif_config sc = { .if_name = "cyc-slave",
				   .conn_id = 3,
				   .reconnect_interval_ms = 1,
				   .log2_ring_size = 6 };
	struct side ms, ss;
	char err[ERRSZ];
	char sock[64];
	int fds0, fds_init, fds_a, fds_b, fds_end, i;
	uint64_t t0 = now_ms();

	snprintf(sock, sizeof(sock), "%s", test_socket_name("cycles"));
	mc.socket_filename = sock;
	sc.socket_filename = sock;
	mc.log2_ring_size = 6;
	fds0 = test_count_fds();
	ck_assert_int_eq(memif_init("integ-cycles"), MEMIF_OK);
	fds_init = test_count_fds();

	/* 500 cycles: the slave closes and is created again. */
	side_reset(&ms);
	ck_assert_int_eq(side_create(&ms, &mc), MEMIF_OK);
	for (i = 0; i < 500; i++) {
		side_reset(&ss);
		ck_assert_int_eq(side_create(&ss, &sc), MEMIF_OK);
		ck_assert_msg(WAIT_UNTIL(side_connected(&ss) &&
						 ld(&ms.up) == i + 1,
					 CONNECT_MS),
			      "cycle %d: slave up %d, master up %d", i,
			      ld(&ss.up), ld(&ms.up));
		ck_assert_msg(ping_pair(ms.m, ss.m, err), "cycle %d: %s", i,
			      err);
		ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
		ck_assert_int_eq(ld(&ss.down), 1);
		ck_assert_msg(WAIT_UNTIL(ld(&ms.down) == i + 1, CONNECT_MS),
			      "cycle %d: master down %d", i, ld(&ms.down));
	}
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	ck_assert_int_eq(ld(&ms.bad_order), 0);
	fds_a = settle_fds(fds_init);

	/* 500 cycles: the master closes and is created again; one slave
	 * reconnects every time. */
	side_reset(&ss);
	ck_assert_int_eq(side_create(&ss, &sc), MEMIF_OK);
	for (i = 0; i < 500; i++) {
		int ret;

		side_reset(&ms);
		ret = side_create(&ms, &mc);
		ck_assert_msg(ret == MEMIF_OK,
			      "cycle %d: master create: %s (errno %d)", i,
			      memif_strerror(ret), memif_errno());
		ck_assert_msg(WAIT_UNTIL(side_connected(&ms) &&
						 ld(&ss.up) == i + 1,
					 CONNECT_MS),
			      "cycle %d: master up %d, slave up %d", i,
			      ld(&ms.up), ld(&ss.up));
		ck_assert_msg(ping_pair(ms.m, ss.m, err), "cycle %d: %s", i,
			      err);
		ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
		ck_assert_int_eq(ld(&ms.down), 1);
		ck_assert_msg(WAIT_UNTIL(ld(&ss.down) == i + 1, CONNECT_MS),
			      "cycle %d: slave down %d", i, ld(&ss.down));
	}
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(ld(&ss.bad_order), 0);
	fds_b = settle_fds(fds_init);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	fds_end = test_count_fds();
	fprintf(stderr,
		"1000 cycles in %llu ms: fds before=%d after=%d (library up: "
		"before=%d, after 500 slave cycles=%d, after 500 master "
		"cycles=%d)\n",
		(unsigned long long)(now_ms() - t0), fds0, fds_end, fds_init,
		fds_a, fds_b);
	ck_assert_int_eq(fds_a, fds_init);
	ck_assert_int_eq(fds_b, fds_init);
	ck_assert_int_eq(fds_end, fds0);
}
END_TEST

/* The same across processes: a worker slave comes and goes 100 times, and
 * the master's fds return to the same number each time. */
START_TEST(integration_worker_cycles_no_fd_growth_c68)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	int fds_idle, fds_up = -1, i;

	peer_one(&pc, "integ-slave", test_socket_name("wcycles"), false, 2,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "slave", &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	side_reset(&s);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	fds_idle = test_count_fds();
	worker_do(&w, 'I', 0, NULL);
	for (i = 0; i < 100; i++) {
		int n;

		worker_do(&w, 'C', 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		n = test_count_fds();
		if (fds_up < 0)
			fds_up = n;
		ck_assert_msg(n == fds_up,
			      "cycle %d: %d fds connected, first %d", i, n,
			      fds_up);
		worker_do(&w, 'X', 0, NULL);
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		n = settle_fds(fds_idle);
		ck_assert_msg(n == fds_idle, "cycle %d: %d fds idle, first %d",
			      i, n, fds_idle);
		worker_do(&w, 'R', 0, NULL);
	}
	fprintf(stderr, "worker cycles: master fds idle=%d connected=%d\n",
		fds_idle, fds_up);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase interrupts: the per-interface interrupt fd --------------------- */

static void expect_interrupts(struct memif *m, int ifd, uint64_t want)
{
	uint64_t got = 0;
	uint64_t end = now_ms() + 5000;
	uint8_t qid;

	while (got != want && now_ms() < end) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		while (memif_read_interrupt(m, &qid) == MEMIF_OK) {
			ck_assert_msg(
				!(got & (1ull << qid)) &&
					(want & (1ull << qid)),
				"interrupt for queue %u (want 0x%llx, got 0x%llx)",
				qid, (unsigned long long)want,
				(unsigned long long)got);
			got |= 1ull << qid;
		}
	}
	ck_assert_msg(got == want, "interrupts 0x%llx, expected 0x%llx",
		      (unsigned long long)got, (unsigned long long)want);
	/* Nothing more, and the fd is no longer readable. */
	ck_assert_int_eq(memif_read_interrupt(m, &qid), MEMIF_ERR_AGAIN);
	{
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		ck_assert_int_eq(poll(&p, 1, 0), 0);
	}
}

static void drain_one(struct memif *m, uint8_t qid)
{
	struct memif_rx_pkt pk[4];
	uint8_t exp[100];
	uint16_t n = 0;

	ck_assert_int_eq(memif_rx_burst(m, qid, pk, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(pk[0].len, sizeof(exp));
	pkt_fill(exp, sizeof(exp), 'Q', qid, 0);
	ck_assert(!memcmp(pk[0].data, exp, sizeof(exp)));
	ck_assert_int_eq(memif_rx_burst(m, qid, pk, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 0);
}

START_TEST(integration_interrupt_fd_reports_queue_ids)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	int ifd, ifd2;
	uint8_t qid;
	struct pollfd p;

	peer_one(&pc, "integ-slave", test_socket_name("intfd"), false, 4,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "slave", &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	side_reset(&s);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	/* Before the connection: the fd is stable for the interface's life. */
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd), MEMIF_OK);
	ck_assert_int_ge(ifd, 0);
	ck_assert_int_eq(memif_read_interrupt(s.m, &qid), MEMIF_ERR_AGAIN);
	worker_do(&w, 'I', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd2), MEMIF_OK);
	ck_assert_int_eq(ifd2, ifd);
	p = (struct pollfd){ .fd = ifd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 100), 0);

	worker_do(&w, 'q', 2, NULL);
	expect_interrupts(s.m, ifd, 1u << 2);
	drain_one(s.m, 2);

	worker_do(&w, 'q', 0, NULL);
	worker_do(&w, 'q', 3, NULL);
	expect_interrupts(s.m, ifd, 1u << 0 | 1u << 3);
	drain_one(s.m, 0);
	drain_one(s.m, 3);

	/* Queue 1 was never signalled and has nothing. */
	{
		struct memif_rx_pkt pk[1];
		uint16_t n = 9;

		ck_assert_int_eq(memif_rx_burst(s.m, 1, pk, 1, &n), MEMIF_OK);
		ck_assert_uint_eq(n, 0);
	}
	/* Still dispatched after a reconnect, through the same fd. */
	worker_do(&w, 'X', 0, NULL);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	worker_do(&w, 'R', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd2), MEMIF_OK);
	ck_assert_int_eq(ifd2, ifd);
	worker_do(&w, 'q', 1, NULL);
	expect_interrupts(s.m, ifd, 1u << 1);
	drain_one(s.m, 1);

	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

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
	worker_cmd(&w, 'E', 0);
	t0 = now_ms();
	if (!edge_send_run(s.m, pings, bursts, es, err)) {
		struct pollfd p = { .fd = w.evt, .events = POLLIN };

		/* A failing echoer says why first. */
		if (poll(&p, 1, 100) == 1)
			worker_expect(&w, 'e', text, 1000);
		ck_abort_msg("%s", err);
	}
	/* Sent after the echoer's last memif_tx_burst returned, so after its
	 * last eventfd write. */
	worker_expect(&w, 'e', text, REPLY_MS);
	ck_assert_int_eq(sscanf(text, "%llu %llu %u %u", &ptx, &prx, &pwakes,
				&pempty),
			 4);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(s.m, 0, &qfd), MEMIF_OK);
	res->our_counter = efd_take(qfd);
	worker_do(&w, 'N', 0, text);
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
		bursts, (unsigned long long)(now_ms() - t0), es->e.wakes,
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

	worker_do(w, 'G', q, text);
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
		worker_do(w, 'q', 0, NULL);
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
 * clears the count edge mode left; queue 1 is never touched.
 */
START_TEST(integration_rx_mode_switches_polling_edge_level_edge)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	uint64_t sig, consumed;
	int ifd, qfd, i;

	peer_one(&pc, "integ-slave", test_socket_name("modes"), false, 2,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "slave", &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	side_reset(&s);
	cfg.rx_mode = (enum memif_rx_mode)3;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_ERR_INVAL_ARG);
	cfg.rx_mode = (enum memif_rx_mode)(-1);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_ERR_INVAL_ARG);
	cfg.rx_mode = MEMIF_RX_MODE_POLLING;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
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
		worker_do(&w, 'q', 0, NULL);
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
		worker_do(&w, 'q', 0, NULL);
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
	worker_do(&w, 'q', 1, NULL);
	WAIT_OK(rx_count(s.m, 1) == 1, WAKE_MS);
	ck_assert_uint_eq(worker_signals(&w, 1), sig);

	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase callbacks ------------------------------------------------------ */

START_TEST(integration_close_in_on_connect_is_deferred)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	char text[ERRSZ];

	peer_one(&pc, "integ-master", test_socket_name("selfclose"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	cfg = local_cfg(&pc, "slave-if");
	side_reset(&s);
	s.close_in_cb = true;
	s.cleanup_in_cb = true;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	/* on_connect closes its own interface (deferred until it returns)
	 * and tries memif_cleanup, which must refuse. */
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.close_ret), MEMIF_OK);
	ck_assert_int_eq(ld(&s.cleanup_ret), MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(ld(&s.bad_ptr), 0);
	ck_assert_ptr_eq(ldp(&s.cb_m), s.m);
	/* The master got our DISCONNECT.  Its own callbacks are paired but
	 * may not have run at all: the link can come and go before its loop
	 * gets to on_connect. */
	worker_do(&w, 'L', 0, text);
	ck_assert_str_eq(text, "interface deleted|connects=1");
	worker_do(&w, 'S', 0, text);
	fprintf(stderr, "self-close: master callbacks %s\n", text);
	ck_assert_msg(!strcmp(text, "up=1 down=1") ||
			      !strcmp(text, "up=0 down=0"),
		      "master callbacks: %s", text);
	/* The handle is gone: nothing reconnects, nothing more fires. */
	sleep_ms(300);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.down), 1);
	{
		char again[ERRSZ];

		worker_do(&w, 'S', 0, again);
		ck_assert_str_eq(again, text);
		worker_do(&w, 'L', 0, again);
		ck_assert_str_eq(again, "interface deleted|connects=1");
	}
	/* The library is still usable, and cleanup works from here. */
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

START_TEST(integration_cleanup_in_callback_would_deadlock)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;

	peer_one(&pc, "integ-slave", test_socket_name("cbclean"), false, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "slave", &pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	cfg = local_cfg(&pc, "master-if");
	side_reset(&s);
	s.cleanup_in_cb = true;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	worker_do(&w, 'I', 0, NULL);
	worker_do(&w, 'C', 0, NULL);
	WAIT_OK(ld(&s.up) == 1, CONNECT_MS);
	ck_assert_int_eq(ld(&s.cleanup_ret), MEMIF_ERR_WOULD_DEADLOCK);
	/* Nothing was torn down by the refused call. */
	ck_assert(side_connected(&s));
	worker_do(&w, 'S', 0, NULL);
	worker_finish(&w);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

START_TEST(integration_no_disconnect_without_connect)
{
	struct memif_config cfg = { .if_name = "lonely",
				    .conn_id = 1,
				    .reconnect_interval_ms = 20 };
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	char sock[64];
	int codes[64], n;

	/* 1: the master never exists. */
	snprintf(sock, sizeof(sock), "%s", test_socket_name("nomaster"));
	cfg.socket_filename = sock;
	/* 2: a master that refuses every attempt mid-handshake. */
	peer_one(&pc, "integ-master", test_socket_name("refuser"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	pc.cfg[0].secret = "right";
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	side_reset(&s);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	sleep_ms(300);
	n = read_errors(s.m, codes, 64);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_CONNREFUSED);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 0);
	ck_assert_int_eq(ld(&s.down), 0);

	worker_do(&w, 'I', 0, NULL);
	side_reset(&s);
	cfg = local_cfg(&pc, "slave-if");
	cfg.secret = "wrong";
	cfg.reconnect_interval_ms = 20;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	WAIT_OK(read_errors(s.m, codes, 64) > 0, CONNECT_MS);
	sleep_ms(200);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.up), 0);
	ck_assert_int_eq(ld(&s.down), 0);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

static Suite *integration_suite(void)
{
	Suite *s = suite_create("integration");
	TCase *tc;

	tc = tcase_create("order");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, integration_master_first_connects_c41);
	tcase_add_test(tc, integration_slave_first_retries_c47);
	tcase_add_test(tc, integration_slave_first_in_test_process_c47);
	suite_add_tcase(s, tc);

	tc = tcase_create("queues");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, integration_one_queue_interrupt_c63);
	tcase_add_test(tc, integration_eight_queues_interrupt_c63);
	tcase_add_test(tc, integration_one_queue_polling_c62);
	tcase_add_test(tc, integration_eight_queues_polling_c62);
	tcase_add_test(tc, integration_eight_queues_small_rings);
	tcase_add_test(
		tc,
		integration_polling_slave_never_signalled_from_on_connect_c63);
	suite_add_tcase(s, tc);

	tc = tcase_create("large");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, integration_9000_byte_packets_c55);
	tcase_add_test(tc, integration_65535_byte_packets_c52_c55);
	tcase_add_test(tc, integration_chain_boundaries_c55);
	suite_add_tcase(s, tc);

	tc = tcase_create("restart");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc,
		       integration_slave_reconnects_after_master_restart_c51);
	tcase_add_test(tc, integration_master_accepts_restarted_slave_c38);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, integration_wrong_secret_refused_c20);
	tcase_add_test(tc, integration_missing_secret_refused_c20);
	tcase_add_test(tc, integration_unknown_id_refused_c17);
	tcase_add_test(tc, integration_mode_mismatch_refused_c19);
	tcase_add_test(tc, integration_secret_accepted_c20_c21);
	suite_add_tcase(s, tc);

	tc = tcase_create("sharing");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, integration_two_interfaces_one_socket_c40);
	suite_add_tcase(s, tc);

	tc = tcase_create("cycles");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, integration_1000_cycles_no_fd_growth_c68);
	tcase_add_test(tc, integration_worker_cycles_no_fd_growth_c68);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, integration_interrupt_fd_reports_queue_ids);
	suite_add_tcase(s, tc);

	tc = tcase_create("edge");
	tcase_set_timeout(tc, 300);
	tcase_add_test(
		tc,
		integration_edge_mode_loses_no_wakeup_and_never_reads_eventfd);
	tcase_add_test(tc, integration_level_mode_clears_eventfd_contrast);
	tcase_add_test(tc,
		       integration_rx_mode_switches_polling_edge_level_edge);
	suite_add_tcase(s, tc);

	tc = tcase_create("callbacks");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, integration_close_in_on_connect_is_deferred);
	tcase_add_test(tc, integration_cleanup_in_callback_would_deadlock);
	tcase_add_test(tc, integration_no_disconnect_without_connect);
	suite_add_tcase(s, tc);

	return s;
}

MEMIF_TEST_MAIN(integration_suite)
