/* SPDX-License-Identifier: MIT */
/*
 * Traffic for the integration tests: numbered, pseudo-random payloads on
 * every queue in both directions, every byte verified on receipt, then the
 * per-queue counters and ring flags of memif_get_details() checked.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "memif_proto.h"

#include "harness.h"

/* ---- payloads ------------------------------------------------------------ */

/*
 * Packet @seq of queue @qid sent with @tag: a 16-byte header (tag, qid, seq,
 * len) over a xorshift stream seeded by all four, so a packet delivered on
 * the wrong queue, interface or direction, out of order, shifted or torn
 * differs somewhere.
 */
void pkt_fill(uint8_t *p, uint32_t len, uint32_t tag, uint32_t qid,
	      uint32_t seq)
{
	uint32_t x = (seq * 2654435761u) ^ (qid << 24) ^ (tag << 8) ^ len ^
		     0x9e3779b9u;
	uint32_t hdr[4] = { tag, qid, seq, len };
	uint32_t i;

	if (!x)
		x = 1;
	for (i = 0; i + 4 <= len; i += 4) {
		xorshift(&x);
		memcpy(p + i, &x, 4);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(x >> (8 * (i & 3)));
	memcpy(p, hdr, len < sizeof(hdr) ? len : sizeof(hdr));
}

const uint32_t small_lens[8] = { 64, 60, 1500, 128, 1, 2048, 1000, 333 };

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

/* ---- one side's traffic ------------------------------------------------- */

bool flow_init(struct flow *f, struct memif *m, const struct traffic *t,
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

void flow_free(struct flow *f)
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
bool flows_run(struct flow **fs, unsigned n_fs, int timeout_ms, char *err)
{
	uint64_t end = test_now_ms() + (uint64_t)timeout_ms;
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
		if (test_now_ms() > end) {
			struct flow *f = fs[0];

			return failf(
				err,
				"traffic timed out: q0 sent %u rcvd %u of %u (%s)",
				f->sent[0], f->rcvd[0], f->t.count,
				f->irq ? "interrupt" : "polling");
		}
	}
}

/* Whether queue @q of direction @dir counted @count packets of @bytes in
 * all between @b and @a; if not, why in @err. */
static bool queue_counted(const char *dir, unsigned q,
			  const struct memif_queue_details *b,
			  const struct memif_queue_details *a, unsigned count,
			  uint64_t bytes, char *err)
{
	if (a->packets - b->packets == count && a->bytes - b->bytes == bytes)
		return true;
	return failf(err,
		     "%s q%u counted %llu pkts %llu bytes, expected %u / %llu",
		     dir, q, (unsigned long long)(a->packets - b->packets),
		     (unsigned long long)(a->bytes - b->bytes), count,
		     (unsigned long long)bytes);
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
		if (!queue_counted("rx", q, rb, ra, f->t.count, bytes, err) ||
		    !queue_counted("tx", q, tb, ta, f->t.count, bytes, err))
			return false;
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
bool run_traffic(struct side *s, const struct traffic *t, bool is_master,
		 uint32_t iface_tag, unsigned nq, bool polling, char *err)
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
