/* SPDX-License-Identifier: MIT */
/*
 * memif-conform's data path, in either role: a small copy-mode sender and
 * receiver over the shared rings that trusts nothing the IUT wrote, the
 * packets it sends (deterministic, self-checking) and the echo runs.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"

#include "conform.h"

static void viol(struct cf_peer *p, const char *what)
{
	if (!p->viol++)
		snprintf(p->viol_ex, sizeof(p->viol_ex), "%s", what);
}

/* ---- data path ------------------------------------------------------------- */

struct cf_ring *cf_tx_ring(struct cf_peer *p, unsigned q)
{
	return p->we_master ? &p->m2s[q] : &p->s2m[q];
}

struct cf_ring *cf_rx_ring(struct cf_peer *p, unsigned q)
{
	return p->we_master ? &p->s2m[q] : &p->m2s[q];
}

uint16_t *cf_tx_index(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_tx_ring(p, q);

	return p->we_master ? &t->ring->tail : &t->ring->head;
}

uint16_t *cf_rx_index(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_rx_ring(p, q);

	return p->we_master ? &t->ring->head : &t->ring->tail;
}

/* Free TX slots beyond what is staged; false when the IUT's index is out
 * of range. */
static bool tx_space(struct cf_peer *p, struct cf_ring *t, uint16_t *space)
{
	uint16_t n;

	if (p->we_master) {
		/* M2S: the slave lent [tail, head). */
		n = (uint16_t)(cf_load_acquire(&t->ring->head) - t->cursor);
		if (n > t->size) {
			viol(p, "M2S head - tail exceeds the ring size");
			return false;
		}
	} else {
		uint16_t used =
			(uint16_t)(t->cursor - cf_load_acquire(&t->ring->tail));

		if (used > t->size) {
			viol(p, "S2M tail moved beyond head");
			return false;
		}
		n = (uint16_t)(t->size - used);
	}
	*space = n > t->staged ? (uint16_t)(n - t->staged) : 0;
	return true;
}

/* Where the data of TX slot @slot goes; NULL when the IUT lent a buffer
 * outside its region. */
static uint8_t *tx_slot(struct cf_peer *p, struct cf_ring *t, unsigned q,
			uint16_t slot, uint32_t *cap)
{
	struct memif_desc d;

	if (!p->we_master) {
		*cap = p->buf_size;
		return p->reg[0].base +
		       memif__layout_buffer_offset(&p->lay, MEMIF_RING_S2M, q,
						   slot);
	}
	d = t->ring->desc[slot];
	if (d.region >= p->n_reg || d.length == 0 ||
	    (uint64_t)d.offset + d.length > p->reg[d.region].size)
		return NULL;
	*cap = d.length;
	return p->reg[d.region].base + d.offset;
}

int cf_tx_stage(struct cf_peer *p, unsigned q, const uint8_t *data,
		uint32_t len, uint16_t extra_flags)
{
	struct cf_ring *t = cf_tx_ring(p, q);
	uint32_t left, cap = 0;
	uint16_t space, k, i;

	if (!tx_space(p, t, &space))
		return -ERANGE;
	for (left = len, k = 0; left; k++) {
		if (k >= space)
			return -EAGAIN;
		if (!tx_slot(p, t, q,
			     (uint16_t)(t->cursor + t->staged + k) & t->mask,
			     &cap))
			return -EINVAL;
		left -= left < cap ? left : cap;
	}
	for (left = len, i = 0; i < k; i++) {
		uint16_t slot = (uint16_t)(t->cursor + t->staged + i) & t->mask;
		struct memif_desc *d = &t->ring->desc[slot];
		uint8_t *dst = tx_slot(p, t, q, slot, &cap);
		uint32_t part;

		if (!dst)
			return -EINVAL;
		part = left < cap ? left : cap;
		memcpy(dst, data, part);
		data += part;
		left -= part;
		if (!p->we_master) {
			d->region = 0;
			d->offset = (uint32_t)(dst - p->reg[0].base);
		}
		d->length = part;
		d->flags = (uint16_t)((left ? MEMIF_DESC_FLAG_NEXT : 0) |
				      extra_flags);
	}
	t->staged = (uint16_t)(t->staged + k);
	return 0;
}

void cf_tx_publish(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_tx_ring(p, q);

	if (!t->staged)
		return;
	t->cursor = (uint16_t)(t->cursor + t->staged);
	t->staged = 0;
	if (p->we_master)
		cf_store_release(&t->ring->tail, t->cursor);
	else
		cf_store_release(&t->ring->head, t->cursor);
}

void cf_tx_kick(struct cf_peer *p, unsigned q, bool force)
{
	struct cf_ring *t = cf_tx_ring(p, q);
	uint64_t one = 1;

	/* The index store must be ordered before the flags load. */
	cf_fence();
	if (force ||
	    !(cf_read_once(&t->ring->flags) & MEMIF_RING_FLAG_MASK_INT))
		if (write(t->efd, &one, sizeof(one)) < 0)
			(void)0; /* EAGAIN: already signalled */
}

void cf_rx_release(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_rx_ring(p, q);

	if (p->we_master) {
		t->released = t->cursor;
		cf_store_release(&t->ring->tail, t->released);
	} else {
		cf_slave_lend(p, q, t->size);
	}
}

int cf_rx_one(struct cf_peer *p, unsigned q, uint8_t *buf, uint32_t cap,
	      uint32_t *len)
{
	struct cf_ring *t = cf_rx_ring(p, q);
	uint16_t prod, avail, limit, k = 0;
	uint32_t total = 0;
	bool next, bad = false;

	prod = cf_load_acquire(cf_rx_index(p, q));
	/* The slots the IUT may fill: we master, those we released; we
	 * slave, those we lent. */
	limit = p->we_master ? (uint16_t)(t->size -
					  (uint16_t)(t->cursor - t->released)) :
			       (uint16_t)(t->lent - t->cursor);
	avail = (uint16_t)(prod - t->cursor);
	if (avail > limit) {
		viol(p, p->we_master ? "S2M head - tail exceeds the ring size" :
				       "M2S tail moved beyond head");
		return -ERANGE;
	}
	if (!avail)
		return 0;
	do {
		uint16_t slot = (uint16_t)(t->cursor + k) & t->mask;
		struct memif_desc d = t->ring->desc[slot];

		next = d.flags & MEMIF_DESC_FLAG_NEXT;
		k++;
		if (!p->we_master &&
		    (d.region != 0 ||
		     d.offset != (uint32_t)memif__layout_buffer_offset(
					 &p->lay, MEMIF_RING_M2S, q, slot)))
			viol(p, "the IUT master changed region/offset of an "
				"M2S descriptor");
		if (d.region >= p->n_reg || d.length == 0 ||
		    (uint64_t)d.offset + d.length > p->reg[d.region].size ||
		    (!p->we_master && d.length > p->buf_size) ||
		    total + d.length > cap) {
			bad = true;
			continue;
		}
		if (!bad)
			memcpy(buf + total, p->reg[d.region].base + d.offset,
			       d.length);
		total += d.length;
	} while (next && k < avail);
	if (next) {
		if (avail == t->size) {
			viol(p, "a chain fills the whole ring");
			return -ERANGE;
		}
		return 0; /* incomplete chain: wait for the rest */
	}
	t->cursor = (uint16_t)(t->cursor + k);
	if (!t->hold)
		cf_rx_release(p, q);
	if (bad) {
		p->rx_bad++;
		return -EINVAL;
	}
	*len = total;
	return 1;
}

void cf_rx_drain(struct cf_peer *p)
{
	uint8_t buf[2048];
	uint64_t end = cf_now_ms() + 50;
	uint32_t len;

	while (cf_now_ms() < end)
		if (cf_rx_one(p, 0, buf, sizeof(buf), &len) <= 0)
			cf_sleep_ms(1);
}

/* ---- packets and echo -------------------------------------------------------- */

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void cf_pkt_fill(uint8_t *buf, uint32_t len, uint32_t seq)
{
	uint32_t i, h = mix(seq);

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(h + i * 131u + (i >> 8));
	if (len >= 12) {
		memcpy(buf, "MCF1", 4);
		memcpy(buf + 4, &seq, 4);
		memcpy(buf + 8, &len, 4);
	}
}

bool cf_pkt_check(const uint8_t *buf, uint32_t len, uint32_t *seq)
{
	uint32_t s, l, i, h;

	if (len < 12 || memcmp(buf, "MCF1", 4) != 0)
		return false;
	memcpy(&s, buf + 4, 4);
	memcpy(&l, buf + 8, 4);
	*seq = s;
	if (l != len)
		return false;
	h = mix(s);
	for (i = 12; i < len; i++)
		if (buf[i] != (uint8_t)(h + i * 131u + (i >> 8)))
			return false;
	return true;
}

static bool is_probe(const uint8_t *buf, uint32_t len)
{
	return len >= 4 && memcmp(buf, "MCFP", 4) == 0;
}

int cf_warmup(struct cf_run *r, struct cf_peer *p)
{
	uint64_t end = cf_now_ms() + (uint64_t)r->o->timeout_ms, t;
	uint8_t pkt[64], rbuf[2048];
	unsigned sent = 0;

	if (p->warm)
		return 0;
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, "MCFP", 4);
	while (!p->warm && cf_now_ms() < end) {
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) == 0) {
			cf_tx_publish(p, 0);
			cf_tx_kick(p, 0, false);
			sent++;
		}
		for (t = cf_now_ms() + 200; cf_now_ms() < t;) {
			uint32_t len = 0;
			int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

			if (e < 0) {
				cf_note(r, "RX: %s", p->viol_ex);
				return -1;
			}
			if (e == 1) {
				p->warm = true;
				break;
			}
			cf_sleep_ms(1);
		}
	}
	if (!p->warm) {
		cf_note(r, "none of %u probe packets came back", sent);
		return -1;
	}
	if (sent > 1)
		cf_note(r, "the first echo came back for probe %u", sent);
	return 0;
}

static uint32_t pkt_len(const struct cf_traffic *t, uint32_t slot, uint32_t seq)
{
	uint32_t x = mix(seq ^ 0x9e3779b9u), lo = t->min_len, hi = t->max_len;

	if (hi > slot && (x % 100) < t->chain_pct)
		lo = slot + 1;
	else if (hi > slot)
		hi = slot;
	if (lo > hi)
		lo = hi;
	return lo + (mix(x) % (hi - lo + 1));
}

/* One echo run: per queue, what was sent and what must come back next. */
struct echo {
	struct cf_traffic t; /* max_len bounded by the rings */
	unsigned nq, per_q, window;
	uint32_t slot;
	unsigned sent[CF_MAX_RINGS], got[CF_MAX_RINGS];
	uint32_t next_seq[CF_MAX_RINGS], exp_seq[CF_MAX_RINGS][64];
	unsigned exp_head[CF_MAX_RINGS];
	unsigned total_sent, total_got;
	uint8_t *buf, *rbuf;
};

/* Queues, largest packet and packets in flight for @t on @p; false when
 * there is no queue pair (noted). */
static bool echo_plan(struct cf_run *r, struct cf_peer *p,
		      const struct cf_traffic *t, struct echo *e)
{
	unsigned nq = p->we_master ? p->n_m2s : p->n_s2m, rs, per_pkt;
	uint32_t max_len = t->max_len, slot;

	if (p->we_master) {
		if ((unsigned)(p->n_s2m) < nq)
			nq = p->n_s2m;
	} else if (p->n_m2s < nq) {
		nq = p->n_m2s;
	}
	if (t->queues && t->queues < nq)
		nq = t->queues;
	if (!nq) {
		cf_note(r, "no queue pair");
		return false;
	}
	/* The smallest slot and ring on either path bound chains and the
	 * number of packets in flight. */
	slot = p->buf_size ? p->buf_size : 2048;
	rs = cf_tx_ring(p, 0)->size;
	if (cf_rx_ring(p, 0)->size < rs)
		rs = cf_rx_ring(p, 0)->size;
	if (max_len > slot * (rs / 2 ? rs / 2 : 1))
		max_len = slot * (rs / 2 ? rs / 2 : 1);
	if (max_len < t->min_len)
		max_len = t->min_len;
	per_pkt = (max_len + slot - 1) / slot;
	e->window = t->window ? t->window : rs / (2 * per_pkt);
	if (e->window > 64)
		e->window = 64;
	if (!e->window)
		e->window = 1;
	e->t = *t;
	e->t.max_len = max_len;
	e->nq = nq;
	e->slot = slot;
	return true;
}

/* Stage queue @q's next packets up to the window, publish and signal;
 * -1 (noted) when the IUT's ring is unusable. */
static int echo_send(struct cf_run *r, struct cf_peer *p, struct echo *e,
		     unsigned q)
{
	unsigned n = 0;

	while (e->sent[q] < e->per_q && e->sent[q] - e->got[q] < e->window) {
		uint32_t s = e->next_seq[q], len = pkt_len(&e->t, e->slot, s);
		int ret;

		cf_pkt_fill(e->buf, len, s);
		ret = cf_tx_stage(p, q, e->buf, len, e->t.extra_flags);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			cf_note(r, "queue %u TX: %s", q,
				ret == -EINVAL ? "the IUT lent a buffer "
						 "outside its region" :
						 p->viol_ex);
			return -1;
		}
		e->exp_seq[q][(e->sent[q]) % 64] = s;
		e->next_seq[q]++;
		e->sent[q]++;
		e->total_sent++;
		n++;
	}
	if (n) {
		cf_tx_publish(p, q);
		cf_tx_kick(p, q, e->t.kick);
	}
	return 0;
}

/* Take what came back on queue @q, each packet the next one expected;
 * -1 (noted) on anything else.  @progress is set when something came. */
static int echo_receive(struct cf_run *r, struct cf_peer *p, struct echo *e,
			unsigned q, bool *progress)
{
	uint32_t *exp = e->exp_seq[q];

	for (;;) {
		uint32_t len = 0, s;
		int ret = cf_rx_one(p, q, e->rbuf, e->t.max_len + 65536, &len);

		if (ret == 0)
			return 0;
		if (ret < 0) {
			cf_note(r, "queue %u RX: %s", q,
				ret == -EINVAL ? "bad descriptor from the IUT" :
						 p->viol_ex);
			return -1;
		}
		if (is_probe(e->rbuf, len))
			continue; /* a late warm-up echo */
		if (!cf_pkt_check(e->rbuf, len, &s)) {
			cf_note(r,
				"queue %u: echo %u (%u bytes) corrupted or "
				"foreign",
				q, e->got[q], len);
			return -1;
		}
		if (e->got[q] >= e->sent[q] || s != exp[e->exp_head[q] % 64]) {
			cf_note(r,
				"queue %u: got packet %u, expected %u (loss "
				"or reordering)",
				q, s, exp[e->exp_head[q] % 64]);
			return -1;
		}
		e->exp_head[q]++;
		e->got[q]++;
		e->total_got++;
		*progress = true;
	}
}

/* Send and receive on every queue until all came back; -1 (noted) on a
 * fault or when nothing came back for the timeout. */
static int echo_loop(struct cf_run *r, struct cf_peer *p, struct echo *e)
{
	uint64_t last = cf_now_ms();
	unsigned q;

	for (;;) {
		bool progress = false;

		for (q = 0; q < e->nq; q++)
			if (echo_send(r, p, e, q) < 0)
				return -1;
		for (q = 0; q < e->nq; q++)
			if (echo_receive(r, p, e, q, &progress) < 0)
				return -1;
		if (p->viol) {
			cf_note(r, "%s", p->viol_ex);
			return -1;
		}
		if (e->total_got >= e->per_q * e->nq)
			return 0;
		if (progress) {
			last = cf_now_ms();
			continue;
		}
		if (cf_now_ms() - last > (uint64_t)r->o->timeout_ms) {
			cf_note(r,
				"no echo for %d ms: sent %u, got back %u (S2M "
				"head %u tail %u, M2S head %u tail %u)",
				r->o->timeout_ms, e->total_sent, e->total_got,
				cf_read_once(&p->s2m[0].ring->head),
				cf_read_once(&p->s2m[0].ring->tail),
				cf_read_once(&p->m2s[0].ring->head),
				cf_read_once(&p->m2s[0].ring->tail));
			return -1;
		}
		sched_yield();
	}
}

int cf_echo(struct cf_run *r, struct cf_peer *p, const struct cf_traffic *t)
{
	uint64_t t0 = cf_now_ms();
	struct echo *e = calloc(1, sizeof(*e));
	unsigned q;
	int ret = -1;

	if (!e)
		return -1;
	if (!echo_plan(r, p, t, e) || cf_warmup(r, p) < 0)
		goto out_free;
	e->per_q = (t->packets + e->nq - 1) / e->nq;
	for (q = 0; q < e->nq; q++)
		e->next_seq[q] = p->seq + q * e->per_q;
	e->buf = malloc(e->t.max_len);
	e->rbuf = malloc(e->t.max_len + 65536);
	if (e->buf && e->rbuf)
		ret = echo_loop(r, p, e);
	if (ret == 0)
		cf_note(r,
			"%u packets echoed intact over %u queue(s) in %llu ms",
			e->total_got, e->nq,
			(unsigned long long)(cf_now_ms() - t0));
	/* The next run's packets must not look like this one's. */
	for (q = 0; q < e->nq; q++)
		if (e->next_seq[q] > p->seq)
			p->seq = e->next_seq[q];
	p->seq += e->per_q * e->nq;
	free(e->buf);
	free(e->rbuf);
out_free:
	free(e);
	return ret;
}

int cf_echo_one(struct cf_run *r, struct cf_peer *p, uint32_t len)
{
	struct cf_traffic t = {
		.packets = 1, .min_len = len, .max_len = len, .queues = 1
	};

	return cf_echo(r, p, &t);
}
