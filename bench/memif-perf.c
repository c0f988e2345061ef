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
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#include "memif-perf.h"

#define PING_TIMEOUT_NS 1000000000ull
#define RETURN_IDLE_NS 200000000ull /* tx mode: wait for reflected packets */
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

/* ---- per-queue data path ------------------------------------------------ */

static void publish(struct worker *w)
{
	struct qpub *q = &w->pub;

	atomic_store_explicit(&q->tx_pkts, w->tx_pkts, memory_order_relaxed);
	atomic_store_explicit(&q->tx_bytes, w->tx_bytes, memory_order_relaxed);
	atomic_store_explicit(&q->rx_pkts, w->rx_pkts, memory_order_relaxed);
	atomic_store_explicit(&q->rx_bytes, w->rx_bytes, memory_order_relaxed);
	atomic_store_explicit(&q->loss, w->loss, memory_order_relaxed);
	atomic_store_explicit(&q->reorder, w->reorder, memory_order_relaxed);
	atomic_store_explicit(&q->corrupt, w->corrupt, memory_order_relaxed);
}

/*
 * Sleep until the peer signals the queue or the stop fd is readable.
 * Interrupt mode: poll() the eventfd, level-triggered; the library's
 * memif_rx_burst clears it when it finds the ring empty, so a wake-up is
 * the poll plus that read.  Edge mode: epoll_wait() with the eventfd
 * registered EPOLLET; the library never reads it, so a wake-up is this one
 * syscall.
 */
static void wait_rx(struct worker *w, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = w->qfd, .events = POLLIN },
		{ .fd = w->p->stop_fd, .events = POLLIN },
	};
	struct epoll_event ev[2];

	if (w->epfd >= 0)
		(void)epoll_wait(w->epfd, ev, 2, timeout_ms);
	else
		(void)poll(pfd, 2, timeout_ms);
}

/* Edge mode: the worker's epoll set.  Without it the worker could only
 * poll() an eventfd that nobody clears, which would spin: on failure it
 * reports the error and does not run. */
static void edge_setup(struct worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

	w->epfd = -1;
	if (!w->p->o->edge || w->qfd < 0)
		return;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		goto fail;
	ev.data.fd = w->qfd;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->qfd, &ev))
		goto fail;
	ev.events = EPOLLIN;
	ev.data.fd = w->p->stop_fd;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->p->stop_fd, &ev))
		goto fail;
	return;
fail:
	fprintf(stderr, "memif-perf: queue %u: epoll: %s\n", w->qid,
		strerror(errno));
	if (w->epfd >= 0)
		close(w->epfd);
	w->epfd = -1;
	w->err = MEMIF_ERR_SYSCALL;
}

/*
 * A polling loop that found nothing to do (ring empty, or full for the
 * sender) waits a little before it looks again, doubling up to 2^6 PAUSEs
 * while it stays idle (how long a PAUSE takes depends on the cpu).  Each look at an index the peer
 * is about to move pulls its cache line over and makes the peer's next
 * store wait for it; on a shared physical core a tight reload loop also
 * takes issue slots from the sibling.  Reset to 0 on progress.
 */
static inline void idle_backoff(unsigned int *level)
{
	unsigned int i, n = 1u << *level;

	for (i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield" ::: "memory");
#else
		atomic_signal_fence(memory_order_seq_cst);
#endif
	}
	if (*level < 6)
		(*level)++;
}

/* Coarse receive window: called every few hundred bursts and before
 * sleeping, never per packet. */
static void rx_clock(struct worker *w)
{
	if (w->rx_pkts != w->rx_seen) {
		w->rx_t1 = now_ns();
		w->rx_seen = w->rx_pkts;
	}
}

/* Verify a burst and account loss/reorder by sequence number.  Counters
 * live in locals so the compiler keeps them in registers. */
static void rx_account(struct worker *w, const struct memif_rx_pkt *pk,
		       uint16_t n)
{
	uint64_t bytes = 0, expect = w->expect, loss = w->loss;
	uint64_t reorder = w->reorder, corrupt = w->corrupt;
	uint64_t foreign = w->foreign, misq = w->misqueued;
	bool raw = w->p->o->raw;
	struct perf_info info;
	enum perf_verdict v;
	int32_t d;
	uint16_t i;

	/* The data was written by the other core: start every miss of the
	 * burst at once instead of taking them one by one. */
	for (i = 0; i < n; i++)
		__builtin_prefetch(pk[i].data + (raw ? 0 : PERF_L2L4_LEN));
	for (i = 0; i < n; i++) {
		bytes += pk[i].len;
		v = perf_verify(pk[i].data, pk[i].len, raw, &info);
		if (v == PERF_PKT_FOREIGN) {
			foreign++;
			continue;
		}
		if (v == PERF_PKT_CORRUPT) {
			corrupt++;
			continue;
		}
		if (info.qid != w->qid) {
			misq++;
			continue;
		}
		d = (int32_t)(info.seq - (uint32_t)expect);
		if (d == 0) {
			expect++;
		} else if (d > 0) {
			loss += (uint64_t)d; /* provisional: may arrive late */
			expect += (uint64_t)d + 1;
		} else {
			reorder++;
			if (loss)
				loss--;
		}
	}
	w->rx_pkts += n;
	w->rx_bytes += bytes;
	w->expect = expect;
	w->loss = loss;
	w->reorder = reorder;
	w->corrupt = corrupt;
	w->foreign = foreign;
	w->misqueued = misq;
}

/* One non-blocking receive; returns the number of packets or -1 when the
 * worker must end (error recorded). */
static int rx_once(struct worker *w)
{
	uint16_t n = 0;
	int rc;

	rc = memif_rx_burst(w->p->m, w->qid, w->rxp, (uint16_t)w->p->o->burst,
			    &n);
	w->rx_calls++;
	if (rc == MEMIF_ERR_AGAIN)
		return 0;
	if (rc) {
		if (rc != MEMIF_ERR_DISCONNECTED)
			w->err = rc;
		return -1;
	}
	if (n) {
		if (!w->rx_t0)
			w->rx_t0 = now_ns();
		w->rx_nonempty++;
		rx_account(w, w->rxp, n);
	}
	return n;
}

static bool tx_failed(struct worker *w, int rc)
{
	if (rc == MEMIF_OK || rc == MEMIF_ERR_AGAIN)
		return false;
	if (rc != MEMIF_ERR_DISCONNECTED)
		w->err = rc;
	return true;
}

/* tx: generate; also verify whatever comes back (a reflector). */
static void run_tx(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	struct memif *m = p->m;
	uint32_t size = o->size;
	uint16_t n, k, got, pend_off = 0, pend_n = 0;
	/* Look for reflected packets now and then, not after every burst:
	 * a reflector's ring holds 1024 slots, 8 bursts are 256. */
	unsigned int iter = 0, rx_every = o->interrupt ? 64 : 8, idle = 0;
	uint64_t idle_since;
	bool others;
	int rc, r;
	uint16_t i;

	w->tx_t0 = now_ns();
	while (!stopping(p)) {
		if (o->inplace) {
			n = (uint16_t)o->burst;
			if (w->tx_target - w->tx_pkts < n)
				n = (uint16_t)(w->tx_target - w->tx_pkts);
			if (!n)
				break;
			rc = memif_tx_alloc(m, w->qid, w->txb, n, &got);
			if (tx_failed(w, rc))
				break;
			if (got && w->txb[0].len < size) {
				w->slot_cap = w->txb[0].len;
				w->err = MEMIF_ERR_PKT_LEN;
				break;
			}
			for (i = 0; i < got; i++) {
				perf_build(&w->tmpl, w->txb[i].data,
					   w->tx_seq + i, 0, 0);
				w->txb[i].len = size;
			}
			k = 0;
			if (got) {
				rc = memif_tx_commit(m, w->qid, w->txb, got,
						     &k);
				if (tx_failed(w, rc))
					break;
			}
			w->tx_seq += k;
		} else {
			if (!pend_n) {
				n = (uint16_t)o->burst;
				if (w->tx_target - w->tx_pkts < n)
					n = (uint16_t)(w->tx_target -
						       w->tx_pkts);
				if (!n)
					break;
				for (i = 0; i < n; i++)
					perf_build(&w->tmpl,
						   w->stage + i * w->stride,
						   w->tx_seq + i, 0, 0);
				w->tx_seq += n;
				pend_off = 0;
				pend_n = n;
			}
			k = 0;
			rc = memif_tx_burst(m, w->qid, w->txp + pend_off,
					    pend_n, &k);
			if (tx_failed(w, rc))
				break;
			pend_off += k;
			pend_n -= k;
		}
		if (k) {
			w->tx_pkts += k;
			w->tx_bytes += (uint64_t)k * size;
			idle = 0;
		} else {
			w->ring_full++;
			if (!o->spin)
				idle_backoff(&idle);
		}
		if (++iter % rx_every == 0 && w->has_rx && rx_once(w) < 0)
			break;
		if ((iter & 255) == 0)
			rx_clock(w);
		publish(w);
	}
	w->tx_t1 = now_ns();
	atomic_fetch_sub(&p->sending, 1);
	if (w->rx_pkts)
		atomic_store(&p->reflected, true);
	/* Something reflects our packets: wait for the ones in flight.  Keep
	 * the ring drained while other queues still send, too: a reflector
	 * with fewer TX queues than we have sends theirs back here, and
	 * stalls them when this ring is full. */
	idle_since = w->tx_t1;
	idle = 0;
	while (w->has_rx && !w->err && stopping(p) != STOP_HARD) {
		others = atomic_load(&p->sending) && atomic_load(&p->reflected);
		if (!others && !(w->rx_pkts && w->rx_pkts < w->tx_pkts))
			break;
		r = rx_once(w);
		if (r < 0)
			break;
		if (r > 0) {
			idle_since = now_ns();
			idle = 0;
		} else if (!others && now_ns() - idle_since > RETURN_IDLE_NS) {
			break;
		} else if (o->interrupt) {
			wait_rx(w, 10);
		} else if (!o->spin) {
			idle_backoff(&idle);
		}
	}
	rx_clock(w);
	publish(w);
}

/* rx: sink and verify. */
static void run_rx(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	unsigned int iter = 0, idle = 0;
	int r;

	while (!stopping(p) && w->rx_pkts < w->rx_target) {
		r = rx_once(w);
		if (r < 0)
			break;
		if (r > 0) {
			publish(w);
			idle = 0;
		} else if (o->interrupt) {
			rx_clock(w);
			wait_rx(w, 1000);
		} else if (!o->spin) {
			idle_backoff(&idle);
		}
		if ((++iter & 255) == 0)
			rx_clock(w);
	}
	rx_clock(w);
	publish(w);
}

/* Send back the @n packets just received, in order, on TX queue w->txq:
 * the same queue, or that modulo the TX count when the peer asked for
 * fewer TX than RX queues. */
static bool echo_send(struct worker *w, uint16_t n)
{
	struct perf *p = w->p;
	struct memif *m = p->m;
	uint16_t off = 0, got, k, sent;
	uint8_t txq = w->txq;
	int rc;

	for (k = 0; k < n; k++) {
		w->etx[k].data = w->rxp[k].data;
		w->etx[k].len = w->rxp[k].len;
	}
	while (off < n) {
		if (stopping(p) == STOP_HARD)
			return false;
		sent = 0;
		if (p->o->inplace &&
		    (!w->slot_cap || w->rxp[off].len <= w->slot_cap)) {
			rc = memif_tx_alloc(m, txq, w->txb, (uint16_t)(n - off),
					    &got);
			if (tx_failed(w, rc))
				return false;
			if (got)
				w->slot_cap = w->txb[0].len;
			for (k = 0; k < got; k++) {
				if (w->rxp[off + k].len > w->txb[k].len)
					break;
				memcpy(w->txb[k].data, w->rxp[off + k].data,
				       w->rxp[off + k].len);
				w->txb[k].len = w->rxp[off + k].len;
			}
			/* k == 0 with got > 0 drops the reservation; the
			 * packet then goes by copy (chained) below. */
			if (got) {
				rc = memif_tx_commit(m, txq, w->txb, k, &sent);
				if (tx_failed(w, rc))
					return false;
			}
			if (got && !k) {
				rc = memif_tx_burst(m, txq, w->etx + off, 1,
						    &sent);
				if (tx_failed(w, rc))
					return false;
			}
		} else {
			rc = memif_tx_burst(m, txq, w->etx + off,
					    (uint16_t)(n - off), &sent);
			if (tx_failed(w, rc))
				return false;
		}
		if (sent) {
			for (k = off; k < off + sent; k++)
				w->tx_bytes += w->rxp[k].len;
			w->tx_pkts += sent;
			off += sent;
		} else {
			w->ring_full++;
			/* Nobody may read that ring any more: once asked
			 * to stop, do not wait for it. */
			if (stopping(p))
				return false;
		}
	}
	return true;
}

/* echo: reflect what arrives, verifying it on the way. */
static void run_echo(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	unsigned int iter = 0;
	bool ok;
	int r;

	w->tx_t0 = now_ns();
	while (!stopping(p)) {
		r = rx_once(w);
		if (r < 0)
			break;
		if (r > 0) {
			/* A shared TX queue: one thread between alloc and
			 * commit, or the second alloc replaces the first's
			 * reservation. */
			if (w->txlock)
				pthread_mutex_lock(w->txlock);
			ok = echo_send(w, (uint16_t)r);
			if (w->txlock)
				pthread_mutex_unlock(w->txlock);
			if (!ok)
				break;
			publish(w);
		} else if (o->interrupt) {
			rx_clock(w);
			wait_rx(w, 1000);
		}
		if ((++iter & 255) == 0)
			rx_clock(w);
	}
	w->tx_t1 = now_ns();
	rx_clock(w);
	publish(w);
}

/* Account one ping reply's sequence number; true if it is the awaited
 * one. */
static bool ping_seq(struct worker *w, uint32_t seq, uint32_t want)
{
	int32_t d = (int32_t)(seq - (uint32_t)w->expect);

	if (d >= 0) {
		w->expect += (uint64_t)d + 1;
	} else {
		w->reorder++; /* a reply that came after its timeout */
	}
	return seq == want;
}

/* ping: one packet in flight per queue; RTT from the timestamp it
 * carries. */
static void run_ping(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	struct memif *m = p->m;
	struct perf_info info;
	enum perf_verdict v;
	uint64_t t0, t1, deadline, now;
	uint16_t n, k, i, got;
	unsigned int spins;
	bool answered;
	uint32_t seq;
	int rc;

	w->tx_t0 = now_ns();
	while (!stopping(p)) {
		if (w->tx_pkts >= w->tx_target)
			break;
		seq = w->tx_seq++;
		t0 = now_ns();
		for (;;) {
			k = 0;
			if (o->inplace) {
				rc = memif_tx_alloc(m, w->qid, w->txb, 1, &got);
				if (tx_failed(w, rc))
					goto out;
				if (got && w->txb[0].len < o->size) {
					w->slot_cap = w->txb[0].len;
					w->err = MEMIF_ERR_PKT_LEN;
					goto out;
				}
				if (got) {
					perf_build(&w->tmpl, w->txb[0].data,
						   seq, t0, PERF_F_PING);
					w->txb[0].len = o->size;
					rc = memif_tx_commit(m, w->qid, w->txb,
							     1, &k);
					if (tx_failed(w, rc))
						goto out;
				}
			} else {
				perf_build(&w->tmpl, w->stage, seq, t0,
					   PERF_F_PING);
				rc = memif_tx_burst(m, w->qid, w->txp, 1, &k);
				if (tx_failed(w, rc))
					goto out;
			}
			if (k)
				break;
			w->ring_full++;
			if (stopping(p) == STOP_HARD)
				goto out;
		}
		w->tx_pkts++;
		w->tx_bytes += o->size;

		answered = false;
		deadline = t0 + PING_TIMEOUT_NS;
		spins = 0;
		while (!answered) {
			n = 0;
			rc = memif_rx_burst(m, w->qid, w->rxp,
					    (uint16_t)o->burst, &n);
			w->rx_calls++;
			if (rc && rc != MEMIF_ERR_AGAIN) {
				if (rc != MEMIF_ERR_DISCONNECTED)
					w->err = rc;
				goto out;
			}
			if (n) {
				t1 = now_ns();
				w->rx_nonempty++;
				if (!w->rx_t0)
					w->rx_t0 = t1;
				w->rx_t1 = t1;
				for (i = 0; i < n; i++) {
					w->rx_pkts++;
					w->rx_bytes += w->rxp[i].len;
					v = perf_verify(w->rxp[i].data,
							w->rxp[i].len, o->raw,
							&info);
					if (v == PERF_PKT_FOREIGN) {
						w->foreign++;
						continue;
					}
					if (v == PERF_PKT_CORRUPT) {
						w->corrupt++;
						continue;
					}
					if (info.qid != w->qid) {
						w->misqueued++;
						continue;
					}
					if (ping_seq(w, info.seq, seq) &&
					    (info.flags & PERF_F_PING)) {
						perf_hist_add(&w->hist,
							      t1 - info.tstamp);
						answered = true;
					}
				}
				continue;
			}
			if (stopping(p) == STOP_HARD)
				goto out;
			if (o->interrupt) {
				now = now_ns();
				if (now >= deadline)
					break;
				wait_rx(w, (int)((deadline - now) / 1000000 +
						 1));
			} else if ((++spins & 1023) == 0 &&
				   now_ns() >= deadline) {
				break;
			}
		}
		if (!answered) {
			w->timeouts++;
			w->loss++;
		}
		atomic_store_explicit(&w->pub.rtt_n, w->hist.n,
				      memory_order_relaxed);
		atomic_store_explicit(&w->pub.rtt_sum, w->hist.sum,
				      memory_order_relaxed);
		publish(w);
	}
out:
	w->tx_t1 = now_ns();
	publish(w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct perf *p = w->p;
	cpu_set_t set;
	int rc;

	if (w->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) && !p->o->silent)
			fprintf(stderr, "memif-perf: queue %u: cannot pin to "
				"cpu %d: %s\n", w->qid, w->cpu,
				strerror(errno));
	}
	edge_setup(w);
	switch (w->err ? MODE_NONE : p->o->mode) {
	case MODE_NONE:
		break;
	case MODE_TX:
		run_tx(w);
		break;
	case MODE_RX:
		run_rx(w);
		break;
	case MODE_ECHO:
		run_echo(w);
		break;
	case MODE_PING:
		run_ping(w);
		break;
	}
	if (w->epfd >= 0)
		close(w->epfd);
	w->epfd = -1;
	/* Hand the last burst's slots back before leaving the data path. */
	if (w->rx_pkts && stopping(p) != STOP_HARD) {
		rc = memif_rx_release(p->m, w->qid);
		(void)rc; /* the link may be going: nothing to do about it */
	}
	atomic_fetch_add(&p->done, 1);
	kick(p->main_fd);
	return NULL;
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

/* The session's workers are folded: free them. */
static void free_workers(struct perf *p)
{
	unsigned int i;

	if (p->w) {
		for (i = 0; i < p->nq; i++)
			free(p->w[i].stage);
	}
	free(p->w);
	p->w = NULL;
	p->nq = 0;
	for (i = 0; i < p->ntxlock; i++)
		pthread_mutex_destroy(&p->txlock[i]);
	free(p->txlock);
	p->txlock = NULL;
	p->ntxlock = 0;
}

/* ---- one run ------------------------------------------------------------ */

static int cpu_for(const struct opts *o, unsigned int i)
{
	long n;

	if (!o->ncpus)
		return -1;
	if (o->ncpus > 1)
		return o->cpus[i % o->ncpus];
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return (int)((o->cpus[0] + (int)i) % n);
}

/*
 * How many workers the connection gets: one per queue that exists in the
 * direction the mode needs.  tx needs TX queues, rx and echo RX queues
 * (echo sends back on the same index modulo the TX count), ping both (a
 * reply comes back on the queue its request went out on).  A slave asked
 * for --queues each way and may have been granted fewer; a master serves
 * whatever the slave asked for and ignores --queues.  Queues asked for and
 * not granted are reported, not a failure.
 */
static unsigned int plan_workers(const struct perf *p)
{
	const struct opts *o = p->o;
	unsigned int rx = p->neg.rx_queues, tx = p->neg.tx_queues, n;

	switch (o->mode) {
	case MODE_TX:
		n = tx;
		break;
	case MODE_PING:
		n = rx < tx ? rx : tx;
		break;
	default:
		n = rx;
		break;
	}
	if (!o->master && n > o->queues)
		n = o->queues;
	if (o->silent)
		return n;
	if (!o->master && (rx < o->queues || tx < o->queues))
		fprintf(stderr,
			"memif-perf: asked for %u queue pair%s, the "
			"peer granted %u rx / %u tx\n",
			o->queues, o->queues > 1 ? "s" : "", rx, tx);
	if (o->master && (rx != o->queues || tx != o->queues))
		fprintf(stderr,
			"memif-perf: the slave asked for %u rx / %u "
			"tx queues (a master follows the slave; --queues %u "
			"is not used)\n",
			rx, tx, o->queues);
	if (n != o->queues)
		fprintf(stderr, "memif-perf: %u %s worker%s\n", n,
			mode_names[o->mode], n == 1 ? "" : "s");
	if (o->mode == MODE_ECHO && tx && n > tx)
		fprintf(stderr,
			"memif-perf: %u rx queues reflect on %u tx "
			"queue%s: queue i replies on i mod %u\n",
			n, tx, tx == 1 ? "" : "s", tx);
	return n;
}

/* One worker per planned queue; p->nq is set once p->w exists. */
static int setup_workers(struct perf *p, unsigned int nq)
{
	const struct opts *o = p->o;
	unsigned int i, j, ntx = p->neg.tx_queues;
	uint64_t share;

	if (o->mode == MODE_ECHO && ntx && nq > ntx) {
		p->txlock = calloc(ntx, sizeof(*p->txlock));
		if (!p->txlock)
			return -1;
		for (i = 0; i < ntx; i++)
			pthread_mutex_init(&p->txlock[i], NULL);
		p->ntxlock = ntx;
	}
	p->w = aligned_alloc(64, sizeof(*p->w) * nq);
	if (!p->w)
		return -1;
	memset(p->w, 0, sizeof(*p->w) * nq);
	p->nq = nq;
	for (i = 0; i < nq; i++) {
		struct worker *w = &p->w[i];

		w->p = p;
		w->qid = (uint8_t)i;
		w->has_rx = i < p->neg.rx_queues;
		w->txq = (uint8_t)(o->mode == MODE_ECHO && ntx ? i % ntx : i);
		w->txlock = p->txlock ? &p->txlock[w->txq] : NULL;
		if (o->mode == MODE_TX)
			atomic_fetch_add(&p->sending, 1);
		w->cpu = cpu_for(o, i);
		w->qfd = -1;
		w->epfd = -1;
		/* --count is split over the queues; a queue whose share is
		 * 0 does nothing. */
		share = o->count / nq + (i < o->count % nq ? 1 : 0);
		w->tx_target = o->count ? share : UINT64_MAX;
		w->rx_target = o->count ? share : UINT64_MAX;
		perf_hist_reset(&w->hist);
		perf_tmpl_init(&w->tmpl, o->size, o->raw, o->full, w->qid,
			       o->master);
		w->stride = ((size_t)o->size + 63) & ~(size_t)63;
		w->stage = aligned_alloc(64, w->stride * o->burst);
		if (!w->stage)
			return -1;
		memset(w->stage, 0, w->stride * o->burst);
		for (j = 0; j < o->burst; j++) {
			w->txp[j].data = w->stage + j * w->stride;
			w->txp[j].len = o->size;
			perf_build(&w->tmpl, w->stage + j * w->stride, 0, 0, 0);
		}
	}
	return 0;
}

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

/*
 * One connection: plan and start its workers, watch them, stop.  Return: 0
 * the session is over (its peer gone if p->disconnect_done), -1 the run
 * ends at once (setup failed: *@code or res->exit_code set).
 */
static int run_session(struct perf *p, struct result *res, int *code)
{
	const struct opts *o = p->o;
	struct snap s0, s1;
	uint64_t t_start, deadline = 0, next_tick, now;
	bool tty = isatty(STDERR_FILENO), linger = false;
	struct pollfd pfd;
	unsigned int i, nq;
	int rc, timeout;

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
		return 0;
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
		return 0;
	}

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
	for (i = 0; i < p->nq; i++) {
		if (p->w[i].err && !o->silent) {
			fprintf(stderr, "memif-perf: queue %u: %s (%d)\n", i,
				memif_strerror(p->w[i].err), p->w[i].err);
			if (p->w[i].err == MEMIF_ERR_PKT_LEN && p->w[i].slot_cap)
				fprintf(stderr, "memif-perf: the in-place "
					"path needs --size <= the slot size "
					"(%u here); use --tx-path copy for "
					"chained packets\n", p->w[i].slot_cap);
		}
		if (p->w[i].err)
			*code = 1;
	}
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
	/* A signal since the check in run(): its request_stop may have found
	 * the old STOP_HARD and been lost in the reset.  Both sides are
	 * seq_cst (store stop, load signalled here; store signalled, load
	 * stop in the handler), so one of them sees the other. */
	if (atomic_load(&p->signalled))
		request_stop(p, STOP_SOFT);
}

int run(const struct opts *o, struct result *res)
{
	struct memif_config cfg = { 0 };
	struct memif_callbacks cb = { 0 };
	struct perf perf = { 0 }, *p = &perf;
	cpu_set_t set;
	bool first;
	int rc, code = 0;

	memset(res, 0, sizeof(*res));
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
		res->exit_code = 2;
		goto out_free;
	}
	perf_hist_reset(p->hist);
	/* Pin the main thread first so the library's event thread, which it
	 * creates, shares the first worker's core and not the peer's. */
	if (o->ncpus) {
		CPU_ZERO(&set);
		CPU_SET(cpu_for(o, 0), &set);
		if (sched_setaffinity(0, sizeof(set), &set) && !o->silent)
			fprintf(stderr, "memif-perf: cannot pin to cpu %d: "
				"%s\n", cpu_for(o, 0), strerror(errno));
	}
	if (o->verbose)
		memif_set_log_level(o->verbose > 1 ? MEMIF_LOG_DEBUG :
						     MEMIF_LOG_INFO);
	rc = memif_init("memif-perf");
	if (rc) {
		fprintf(stderr, "memif-perf: memif_init: %s (%d)%s%s\n",
			memif_strerror(rc), rc,
			rc == MEMIF_ERR_SYSCALL ? ": " : "",
			rc == MEMIF_ERR_SYSCALL ? strerror(memif_errno()) : "");
		res->exit_code = 2;
		goto out_free;
	}

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
	cb.on_connect = on_connect;
	cb.on_disconnect = on_disconnect;
	cb.ctx = p;
	rc = memif_create_interface(&cfg, &cb, &p->m);
	if (rc) {
		fprintf(stderr, "memif-perf: memif_create_interface: %s (%d)"
			"%s%s\n", memif_strerror(rc), rc,
			rc == MEMIF_ERR_SYSCALL ? ": " : "",
			rc == MEMIF_ERR_SYSCALL ? strerror(memif_errno()) : "");
		res->exit_code = 2;
		goto out_cleanup;
	}

	if (!o->silent) {
		g_perf = p;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	for (first = true;; first = false) {
		if (wait_connected(p, first)) {
			if (!first)
				break; /* serve mode: a signal between peers */
			if (!o->silent)
				fprintf(stderr, "memif-perf: %s\n",
					stopping(p) ? "interrupted" :
						      "no connection within "
						      "--wait-timeout");
			res->exit_code = 3;
			goto out_close;
		}
		res->connected = true;
		p->sessions++;
		if (run_session(p, res, &code))
			goto out_close;
		if (!p->serve || atomic_load(&p->signalled) ||
		    !atomic_load(&p->disconnect_done))
			break;
		next_session(p);
	}

out_close:
	atomic_store(&p->closing, true);
	rc = memif_close(p->m);
	if (rc && !o->silent)
		fprintf(stderr, "memif-perf: memif_close: %s\n",
			memif_strerror(rc));
out_cleanup:
	rc = memif_cleanup();
	if (rc && !o->silent)
		fprintf(stderr, "memif-perf: memif_cleanup: %s\n",
			memif_strerror(rc));
	g_perf = NULL;
	if (res->connected) {
		collect(p, res);
		/* A reflector serving foreign peers reports corrupt frames
		 * (their payload, not its own fault) but does not fail. */
		if (res->corrupt && !p->serve)
			code = 1;
		if (o->count) {
			if (res->loss)
				code = 1;
			if ((o->mode == MODE_RX || o->mode == MODE_ECHO) &&
			    res->rx_pkts < o->count)
				code = 1;
			if ((o->mode == MODE_TX || o->mode == MODE_PING) &&
			    res->tx_pkts < o->count)
				code = 1;
		}
		res->exit_code = code;
		if (!o->silent) {
			print_summary(o->json ? stderr : stdout, p, res);
			if (o->json)
				print_json(stdout, p, res);
		}
	}
out_free:
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
	return res->exit_code;
}

/* ---- the demo ----------------------------------------------------------- */

static void demo_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->queues = 1;
	o->ring_log2 = 10;
	o->buffer_size = 2048;
	o->burst = 32;
	o->size = 64;
	o->wait_timeout = 5;
	o->silent = true;
	o->quiet = true;
}

/* Both ends in two processes (master here, slave in a child), each pinned
 * to its own core when there are two; slave->master then master->slave at
 * 64 and 1,500 bytes.  About 10 s. */
static int demo(void)
{
	static const struct {
		bool s2m;
		unsigned int size;
	} cases[] = { { true, 64 }, { true, 1500 }, { false, 64 },
		      { false, 1500 } };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char sock[64];
	struct result mres, sres, *rx, *tx;
	struct opts mo, so;
	unsigned int c;
	int fds[2], st, bad = 0;
	pid_t pid;
	ssize_t r;

	printf("memif-perf demo: a master and a slave in two processes over "
	       "an abstract socket,\n"
	       "1 queue, polling, copy path, headers-only fill, burst 32, "
	       "2 s per run%s\n\n",
	       ncpu >= 2 ? "; master on cpu 0, slave on cpu 1" :
			   " (one cpu: both share it)");
	printf("%-17s %6s %10s %10s %10s %8s\n", "direction", "bytes",
	       "Mpps", "Gbps", "lost", "corrupt");
	fflush(stdout);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		snprintf(sock, sizeof(sock), "@memif-perf-demo-%ld-%u",
			 (long)getpid(), c);
		demo_defaults(&mo);
		demo_defaults(&so);
		mo.master = true;
		mo.socket = so.socket = sock;
		mo.size = so.size = cases[c].size;
		if (ncpu >= 2) {
			mo.cpus[0] = 0;
			so.cpus[0] = 1;
			mo.ncpus = so.ncpus = 1;
		}
		/* The sender stops after 2 s; the receiver stops when the
		 * sender closes. */
		mo.mode = cases[c].s2m ? MODE_RX : MODE_TX;
		so.mode = cases[c].s2m ? MODE_TX : MODE_RX;
		(cases[c].s2m ? &so : &mo)->duration = 2;
		(cases[c].s2m ? &mo : &so)->duration = 10;
		if (pipe(fds)) {
			perror("memif-perf: pipe");
			return 2;
		}
		pid = fork();
		if (pid < 0) {
			perror("memif-perf: fork");
			return 2;
		}
		if (pid == 0) {
			close(fds[0]);
			run(&so, &sres);
			r = write(fds[1], &sres, sizeof(sres));
			_exit(r == (ssize_t)sizeof(sres) ? 0 : 1);
		}
		close(fds[1]);
		run(&mo, &mres);
		memset(&sres, 0, sizeof(sres));
		r = read(fds[0], &sres, sizeof(sres));
		close(fds[0]);
		waitpid(pid, &st, 0);
		rx = cases[c].s2m ? &mres : &sres;
		tx = cases[c].s2m ? &sres : &mres;
		if (r != (ssize_t)sizeof(sres) || !mres.connected ||
		    !sres.connected) {
			printf("%-17s %6u   failed (no connection or child "
			       "died)\n", cases[c].s2m ? "slave -> master" :
							 "master -> slave",
			       cases[c].size);
			bad = 1;
			continue;
		}
		printf("%-17s %6u %10.2f %10.2f %10" PRIu64 " %8" PRIu64 "\n",
		       cases[c].s2m ? "slave -> master" : "master -> slave",
		       cases[c].size, mpps(rx->rx_pkts, rx->rx_secs),
		       gbps(rx->rx_bytes, rx->rx_secs),
		       tx->tx_pkts > rx->rx_pkts ? tx->tx_pkts - rx->rx_pkts :
						   0,
		       rx->corrupt);
		fflush(stdout);
		if (rx->corrupt || rx->loss || tx->tx_pkts != rx->rx_pkts ||
		    !rx->rx_pkts)
			bad = 1;
	}
	printf("\nMpps and Gbps measured by the receiver (frame bytes, no "
	       "preamble/IFG).\nThe tool: memif-perf --help\n");
	return bad;
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
