/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's data path: one worker thread per queue, generating (tx),
 * sinking (rx), reflecting (echo) or timing round trips (ping), and
 * verifying every frame it receives.  Their setup is in perf-plan.c.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <memif/memif.h>

#include "memif-perf.h"

#define PING_TIMEOUT_NS 1000000000ull
#define RETURN_IDLE_NS 200000000ull /* tx mode: wait for reflected packets */

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
/* Packet @i of the burst in pieces: its pieces into w->vdata/w->vlen. */
static enum perf_verdict verify_pieces(struct worker *w, uint16_t i, bool raw,
				       struct perf_info *info)
{
	const struct memif_pkt_sg *pk = &w->rsg[i];
	uint16_t j;

	for (j = 0; j < pk->n_segs; j++) {
		w->vdata[j] = pk->segs[j].data;
		w->vlen[j] = pk->segs[j].len;
	}
	return perf_verify_pieces(w->vdata, w->vlen, pk->n_segs, pk->len, raw,
				  info);
}

static void rx_account(struct worker *w, const struct memif_rx_pkt *pk,
		       uint16_t n)
{
	bool pieces = w->p->o->rx_pieces || w->p->o->zero_copy;
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
		__builtin_prefetch((pieces ? w->rsg[i].segs[0].data :
					     pk[i].data) +
				   (raw ? 0 : PERF_L2L4_LEN));
	for (i = 0; i < n; i++) {
		if (pieces) {
			bytes += w->rsg[i].len;
			v = verify_pieces(w, i, raw, &info);
		} else {
			bytes += pk[i].len;
			v = perf_verify(pk[i].data, pk[i].len, raw, &info);
		}
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

/* --zero-copy: sent buffers the master is done with are ours again. */
static int zc_complete(struct worker *w, uint8_t txq)
{
	uint16_t n, k;
	int rc;

	do {
		rc = memif_tx_complete(w->p->m, txq, w->zb, MAX_BURST, &n);
		if (rc)
			return rc;
		for (k = 0; k < n; k++)
			w->zfree[w->zn++] = w->zb[k].data;
	} while (n == MAX_BURST);
	return MEMIF_OK;
}

/* --zero-copy: lend free buffers to the RX ring, keeping a burst's worth
 * to send from (tx mode). */
static int zc_refill(struct worker *w)
{
	struct memif_buf lend[MAX_BURST];
	uint32_t keep = w->p->o->mode == MODE_TX ? w->p->o->burst : 0;
	uint16_t n = 0, k, done;
	int rc;

	while (n < MAX_BURST && w->zn > keep) {
		lend[n].data = w->zfree[--w->zn];
		lend[n].len = w->p->zc_bs;
		lend[n].flags = 0;
		n++;
	}
	rc = memif_rx_refill(w->p->m, w->qid, lend, n, &done);
	for (k = done; k < n; k++)
		w->zfree[w->zn++] = lend[k].data;
	return rc;
}

/* --zero-copy receive: refill, then take the filled buffers (w->zrx) as
 * packets of pieces, for rx_account.  Echo keeps them to send back; the
 * other modes free them at once.  Return: packets, or the error. */
static int zc_rx(struct worker *w, uint16_t *n_pkts)
{
	uint16_t nb = 0, k, s0 = 0, n = 0;
	int rc;

	rc = zc_refill(w);
	if (rc)
		return rc;
	rc = memif_rx_burst_zc(w->p->m, w->qid, w->zrx,
			       (uint16_t)w->p->o->burst, &nb);
	if (rc)
		return rc;
	for (k = 0; k < nb; k++) {
		w->segs[k].data = w->zrx[k].data;
		w->segs[k].len = w->zrx[k].len;
		if (w->zrx[k].flags & MEMIF_BUF_FLAG_NEXT)
			continue;
		w->rsg[n].segs = &w->segs[s0];
		w->rsg[n].n_segs = (uint16_t)(k + 1 - s0);
		w->rsg[n].len = 0;
		for (; s0 <= k; s0++)
			w->rsg[n].len += w->segs[s0].len;
		n++;
	}
	w->zrx_n = nb;
	*n_pkts = n;
	return MEMIF_OK;
}

/* The received buffers that are not sent back: free again. */
static void zc_rx_free(struct worker *w)
{
	uint16_t k;

	for (k = 0; k < w->zrx_n; k++)
		w->zfree[w->zn++] = w->zrx[k].data;
	w->zrx_n = 0;
}

/* One non-blocking receive; returns the number of packets or -1 when the
 * worker must end (error recorded). */
static int rx_once(struct worker *w)
{
	uint16_t n = 0;
	int rc;

	if (w->p->o->zero_copy)
		rc = zc_rx(w, &n);
	else if (w->p->o->rx_pieces)
		rc = memif_rx_burst_sg(w->p->m, w->qid, w->rsg,
				       (uint16_t)w->p->o->burst, w->segs,
				       MAX_PIECES, &n);
	else
		rc = memif_rx_burst(w->p->m, w->qid, w->rxp,
				    (uint16_t)w->p->o->burst, &n);
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
	if (w->p->o->zero_copy && w->p->o->mode != MODE_ECHO)
		zc_rx_free(w);
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

/* How many packets the next burst may have: --burst, or what is left of
 * the queue's share of --count. */
static uint16_t tx_want(const struct worker *w)
{
	uint16_t n = (uint16_t)w->p->o->burst;

	if (w->tx_target - w->tx_pkts < n)
		n = (uint16_t)(w->tx_target - w->tx_pkts);
	return n;
}

/* In-place path: build the burst in the ring's own slots.  Return: the
 * packets sent (0: the ring is full), or -1 when sending is over (count
 * reached, or an error recorded). */
static int tx_inplace(struct worker *w)
{
	struct memif *m = w->p->m;
	uint32_t size = w->p->o->size;
	uint16_t n, got, k = 0, i;
	int rc;

	n = tx_want(w);
	if (!n)
		return -1;
	rc = memif_tx_alloc(m, w->qid, w->txb, n, &got);
	if (tx_failed(w, rc))
		return -1;
	if (got && w->txb[0].len < size) {
		w->slot_cap = w->txb[0].len;
		w->err = MEMIF_ERR_PKT_LEN;
		return -1;
	}
	for (i = 0; i < got; i++) {
		perf_build(&w->tmpl, w->txb[i].data, w->tx_seq + i, 0, 0);
		w->txb[i].len = size;
	}
	if (got) {
		rc = memif_tx_commit(m, w->qid, w->txb, got, &k);
		if (tx_failed(w, rc))
			return -1;
	}
	w->tx_seq += k;
	return k;
}

/* --zero-copy: build the burst in free pool buffers and send them as they
 * are; what did not go is free again and its numbers are sent next time.
 * Return: as tx_inplace(). */
static int tx_zc(struct worker *w)
{
	uint16_t n, k = 0, i;
	int rc;

	rc = zc_complete(w, w->qid);
	if (tx_failed(w, rc))
		return -1;
	n = tx_want(w);
	if (!n)
		return -1;
	/* With an RX ring (a reflector may answer), half a ring's worth
	 * stays to lend to it: sending all would starve the replies, and
	 * the replies hold up the completions. */
	if (w->has_rx && w->zn <= w->p->neg.ring_size / 2)
		return 0;
	if (w->has_rx && n > w->zn - w->p->neg.ring_size / 2)
		n = (uint16_t)(w->zn - w->p->neg.ring_size / 2);
	if (n > w->zn)
		n = (uint16_t)w->zn;
	for (i = 0; i < n; i++) {
		uint8_t *b = w->zfree[--w->zn];

		perf_build(&w->tmpl, b, w->tx_seq + i, 0, 0);
		w->zb[i].data = b;
		w->zb[i].len = w->p->o->size;
		w->zb[i].flags = 0;
	}
	if (n) {
		rc = memif_tx_burst_zc(w->p->m, w->qid, w->zb, n, &k);
		for (i = k; i < n; i++)
			w->zfree[w->zn++] = w->zb[i].data;
		if (tx_failed(w, rc))
			return -1;
	}
	w->tx_seq += k;
	return k;
}

/* Copy path: build a burst in the staging buffers, then hand it to
 * memif_tx_burst until all of it has gone (*@off, *@left: the part still
 * staged).  Return: as tx_inplace(). */
static int tx_copy(struct worker *w, uint16_t *off, uint16_t *left)
{
	uint16_t n, k = 0, i;
	int rc;

	if (!*left) {
		n = tx_want(w);
		if (!n)
			return -1;
		for (i = 0; i < n; i++)
			perf_build(&w->tmpl, w->stage + i * w->stride,
				   w->tx_seq + i, 0, 0);
		w->tx_seq += n;
		*off = 0;
		*left = n;
	}
	rc = memif_tx_burst(w->p->m, w->qid, w->txp + *off, *left, &k);
	if (tx_failed(w, rc))
		return -1;
	*off += k;
	*left -= k;
	return k;
}

/* After sending, if something reflects our packets: wait for the ones in
 * flight.  Keep the ring drained while other queues still send, too: a
 * reflector with fewer TX queues than we have sends theirs back here, and
 * stalls them when this ring is full. */
static void tx_wait_returns(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	uint64_t idle_since = w->tx_t1;
	unsigned int idle = 0;
	bool others;
	int r;

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
}

/* tx: generate; also verify whatever comes back (a reflector). */
static void run_tx(struct worker *w)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	uint16_t pend_off = 0, pend_n = 0;
	/* Look for reflected packets now and then, not after every burst:
	 * a reflector's ring holds 1024 slots, 8 bursts are 256. */
	unsigned int iter = 0, rx_every = o->interrupt ? 64 : 8, idle = 0;
	int k;

	w->tx_t0 = now_ns();
	while (!stopping(p)) {
		k = o->zero_copy ? tx_zc(w) :
		    o->inplace	 ? tx_inplace(w) :
				   tx_copy(w, &pend_off, &pend_n);
		if (k < 0)
			break;
		if (k) {
			w->tx_pkts += (uint64_t)k;
			w->tx_bytes += (uint64_t)k * o->size;
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
	tx_wait_returns(w);
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

/* --zero-copy echo: the received buffers themselves go back, chains as
 * they came; each is free again once the master has read it. */
static bool echo_send_zc(struct worker *w)
{
	struct perf *p = w->p;
	uint16_t off = 0, sent, k;
	int rc;

	while (off < w->zrx_n) {
		rc = zc_complete(w, w->txq);
		if (tx_failed(w, rc))
			break;
		sent = 0;
		rc = memif_tx_burst_zc(p->m, w->txq, w->zrx + off,
				       (uint16_t)(w->zrx_n - off), &sent);
		if (tx_failed(w, rc))
			break;
		for (k = off; k < off + sent; k++) {
			w->tx_bytes += w->zrx[k].len;
			if (!(w->zrx[k].flags & MEMIF_BUF_FLAG_NEXT))
				w->tx_pkts++;
		}
		off += sent;
		if (!sent) {
			w->ring_full++;
			if (stopping(p))
				break;
		}
	}
	/* What could not go is free again. */
	for (k = off; k < w->zrx_n; k++)
		w->zfree[w->zn++] = w->zrx[k].data;
	w->zrx_n = 0;
	return off == k;
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

	if (p->o->zero_copy)
		return echo_send_zc(w);
	for (k = 0; k < n; k++) {
		w->etx[k].data = w->rxp[k].data;
		w->etx[k].len = w->rxp[k].len;
	}
	while (off < n) {
		if (stopping(p) == STOP_HARD)
			return false;
		sent = 0;
		if (p->o->rx_pieces) {
			rc = memif_tx_burst_sg(m, txq, w->rsg + off,
					       (uint16_t)(n - off), &sent);
			if (tx_failed(w, rc))
				return false;
		} else if (p->o->inplace &&
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
				w->tx_bytes += p->o->rx_pieces ? w->rsg[k].len :
								 w->rxp[k].len;
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

/* Send ping @seq stamped @t0, retrying while the ring is full.  Return:
 * false when the worker must end (error recorded, or the link gone). */
static bool ping_send(struct worker *w, uint32_t seq, uint64_t t0)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	struct memif *m = p->m;
	uint16_t k, got;
	int rc;

	for (;;) {
		k = 0;
		if (o->inplace) {
			rc = memif_tx_alloc(m, w->qid, w->txb, 1, &got);
			if (tx_failed(w, rc))
				return false;
			if (got && w->txb[0].len < o->size) {
				w->slot_cap = w->txb[0].len;
				w->err = MEMIF_ERR_PKT_LEN;
				return false;
			}
			if (got) {
				perf_build(&w->tmpl, w->txb[0].data, seq, t0,
					   PERF_F_PING);
				w->txb[0].len = o->size;
				rc = memif_tx_commit(m, w->qid, w->txb, 1, &k);
				if (tx_failed(w, rc))
					return false;
			}
		} else {
			perf_build(&w->tmpl, w->stage, seq, t0, PERF_F_PING);
			rc = memif_tx_burst(m, w->qid, w->txp, 1, &k);
			if (tx_failed(w, rc))
				return false;
		}
		if (k)
			return true;
		w->ring_full++;
		if (stopping(p) == STOP_HARD)
			return false;
	}
}

/* Verify and count the @n packets just received at @t1.  Return: true if
 * the reply to ping @seq is among them (its round trip recorded). */
static bool ping_replies(struct worker *w, uint16_t n, uint32_t seq,
			 uint64_t t1)
{
	struct perf_info info;
	enum perf_verdict v;
	bool answered = false;
	uint16_t i;

	w->rx_nonempty++;
	if (!w->rx_t0)
		w->rx_t0 = t1;
	w->rx_t1 = t1;
	for (i = 0; i < n; i++) {
		w->rx_pkts++;
		w->rx_bytes += w->rxp[i].len;
		v = perf_verify(w->rxp[i].data, w->rxp[i].len, w->p->o->raw,
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
		if (ping_seq(w, info.seq, seq) && (info.flags & PERF_F_PING)) {
			perf_hist_add(&w->hist, t1 - info.tstamp);
			answered = true;
		}
	}
	return answered;
}

/* Wait for the reply to ping @seq, sent at @t0, for PING_TIMEOUT_NS at
 * most.  Return: 1 answered, 0 timed out, -1 the worker must end. */
static int ping_wait(struct worker *w, uint32_t seq, uint64_t t0)
{
	struct perf *p = w->p;
	const struct opts *o = p->o;
	uint64_t deadline = t0 + PING_TIMEOUT_NS, now;
	unsigned int spins = 0;
	uint16_t n;
	int rc;

	for (;;) {
		n = 0;
		rc = memif_rx_burst(p->m, w->qid, w->rxp, (uint16_t)o->burst,
				    &n);
		w->rx_calls++;
		if (rc && rc != MEMIF_ERR_AGAIN) {
			if (rc != MEMIF_ERR_DISCONNECTED)
				w->err = rc;
			return -1;
		}
		if (n) {
			if (ping_replies(w, n, seq, now_ns()))
				return 1;
			continue;
		}
		if (stopping(p) == STOP_HARD)
			return -1;
		if (o->interrupt) {
			now = now_ns();
			if (now >= deadline)
				return 0;
			wait_rx(w, (int)((deadline - now) / 1000000 + 1));
		} else if ((++spins & 1023) == 0 && now_ns() >= deadline) {
			return 0;
		}
	}
}

/* ping: one packet in flight per queue; RTT from the timestamp it
 * carries. */
static void run_ping(struct worker *w)
{
	struct perf *p = w->p;
	uint64_t t0;
	uint32_t seq;
	int r;

	w->tx_t0 = now_ns();
	while (!stopping(p)) {
		if (w->tx_pkts >= w->tx_target)
			break;
		seq = w->tx_seq++;
		t0 = now_ns();
		if (!ping_send(w, seq, t0))
			break;
		w->tx_pkts++;
		w->tx_bytes += p->o->size;
		r = ping_wait(w, seq, t0);
		if (r < 0)
			break;
		if (!r) {
			w->timeouts++;
			w->loss++;
		}
		atomic_store_explicit(&w->pub.rtt_n, w->hist.n,
				      memory_order_relaxed);
		atomic_store_explicit(&w->pub.rtt_sum, w->hist.sum,
				      memory_order_relaxed);
		publish(w);
	}
	w->tx_t1 = now_ns();
	publish(w);
}

void *worker_main(void *arg)
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
	if (w->rx_pkts && stopping(p) != STOP_HARD && !p->o->zero_copy) {
		rc = memif_rx_release(p->m, w->qid);
		(void)rc; /* the link may be going: nothing to do about it */
	}
	atomic_fetch_add(&p->done, 1);
	kick(p->main_fd);
	return NULL;
}
