/* SPDX-License-Identifier: MIT */
/*
 * Receive bursts in both roles: whole packets (memif_rx_burst, a chain
 * reassembled into the queue's buffer), packets as pieces
 * (memif_rx_burst_sg, nothing copied), and memif_rx_release.  What a burst
 * hands out stays lent until the next receive on the queue, which gives
 * the slots back: a master by advancing tail, a slave by refilling the
 * descriptors with its own buffers (never trusting what the master left).
 */
#include <string.h>

#include "queue.h"

#define DROP_BAD 1u
#define DROP_TOO_LONG 2u

/* Give the slots lent out by the previous burst back to the peer. */
static inline void rx_give_back(struct memif__queue *q)
{
	uint16_t i;

	if (!q->held)
		return;
	if (q->is_master) {
		q->released = q->cursor;
		/* R2: A2 in tx.c tx_space */
		memif__store_release(&q->ring->tail, q->released);
	} else {
		/* Refill with our own buffers; never trust what the master
		 * left in region/offset. */
		for (i = 0; i < q->held; i++) {
			uint16_t slot = (uint16_t)(q->released + i) & q->mask;
			struct memif_desc *d = &q->ring->desc[slot];

			d->flags = 0;
			d->region = 0;
			d->length = q->buf_size;
			d->offset = (uint32_t)(q->buf_base_off +
					       (uint64_t)slot * q->buf_size);
		}
		q->released = (uint16_t)(q->released + q->held);
		/* R1: A1 in tx.c tx_space */
		memif__store_release(&q->ring->head, q->released);
	}
	q->held = 0;
}

/* Producer index and how much it published beyond our cursor; false when
 * the peer's index is out of range. */
static inline bool rx_avail(struct memif__queue *q, uint16_t *avail)
{
	uint16_t prod, n, limit;

	if (q->is_master) {
		/* A1: R1 in tx.c tx_publish */
		prod = memif__load_acquire(&q->ring->head);
		limit = (uint16_t)(q->size -
				   (uint16_t)(q->cursor - q->released));
	} else {
		/* A2: R2 in tx.c tx_publish */
		prod = memif__load_acquire(&q->ring->tail);
		limit = (uint16_t)(q->released - q->cursor);
	}
	n = (uint16_t)(prod - q->cursor);
	if (n > limit)
		return false;
	*avail = n;
	return true;
}

/*
 * A receive's start: the previous burst's slots go back, then how many
 * slots the peer published (*@avail), their descriptors asked for.  False
 * when the peer's index is out of range.
 */
static inline bool rx_begin(struct memif__queue *q, uint16_t max_pkts,
			    uint16_t *avail)
{
	rx_give_back(q);
	if (memif__unlikely(!rx_avail(q, avail)))
		return false;
	if (memif__rx_level_clear(q, *avail) &&
	    memif__unlikely(!rx_avail(q, avail)))
		return false;
	/* A slave refills these descriptors when it gives them back. */
	memif__prefetch_descs(q, q->cursor,
			      *avail < max_pkts ? *avail : max_pkts,
			      !q->is_master);
	return true;
}

/* What a receive has taken and delivered so far. */
struct rx_tally {
	uint16_t used; /* slots, lent to the caller until the next receive */
	uint16_t n; /* packets delivered */
	uint64_t bytes, bad, too_long;
};

/* A walked packet of @k slots and @total bytes, dropped for @drop (0: not
 * dropped) is counted; true when it is to be delivered. */
static inline bool rx_count(struct rx_tally *t, uint16_t k, uint32_t total,
			    unsigned drop)
{
	t->used = (uint16_t)(t->used + k);
	if (drop == DROP_BAD) {
		t->bad++;
		return false;
	}
	if (drop == DROP_TOO_LONG) {
		t->too_long++;
		return false;
	}
	t->bytes += total;
	return true;
}

/* A receive's way in: queue @qid entered, the previous burst's slots
 * given back and *@avail slots published beyond the cursor. */
static inline int rx_open(struct memif *m, uint8_t qid, uint16_t max_pkts,
			  struct memif__queue **q, uint16_t *avail)
{
	int ret;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (memif__unlikely(m->dp.zc_rx)) /* its buffers: memif_rx_burst_zc */
		return MEMIF_ERR_UNSUPPORTED;
	ret = memif__q_enter(m, qid, true, q);
	if (ret)
		return ret;
	if (memif__unlikely(!rx_begin(*q, max_pkts, avail)))
		return memif__q_fail(*q);
	return MEMIF_OK;
}

/* Where a chain's pieces go: copied into @buf, which has @room bytes left
 * in this call, or recorded as views in @segs, which has @room entries
 * left; a packet never has more than @max_segs pieces. */
struct rx_sink {
	uint8_t *buf;
	struct memif_seg *segs;
	uint32_t room;
	uint32_t max_segs;
};

enum rx_walk {
	RX_WALK_DONE, /* walked: kept, or dropped whole (*drop says why) */
	RX_WALK_LATER, /* it fits a call of its own: leave it */
	RX_WALK_WAIT, /* incomplete chain: wait for the rest */
	RX_WALK_FAULT, /* incomplete, and it fills the ring: it never can be */
	RX_WALK_DROPPED, /* rx_take: walked, dropped whole and counted */
};

/*
 * The packet whose first slot is @used slots past the cursor, walked once:
 * each descriptor is snapshotted and checked, and its bytes copied or
 * recorded in @to.  *@k is the slots it takes, *@total its bytes, *@drop
 * why it is dropped (0: kept).  A packet with a bad descriptor, longer than
 * max_packet_size or with more than @to->max_segs pieces is dropped whole.
 */
static inline enum rx_walk rx_walk(struct memif__queue *q, uint16_t used,
				   uint16_t avail, const struct rx_sink *to,
				   uint16_t *k, uint32_t *total,
				   unsigned *drop)
{
	bool next;

	*k = 0;
	*total = 0;
	*drop = 0;
	do {
		uint16_t slot = (uint16_t)(q->cursor + used + *k) & q->mask;
		struct memif_desc d = q->ring->desc[slot]; /* one snapshot */
		const uint8_t *p;

		next = d.flags & MEMIF_DESC_FLAG_NEXT;
		(*k)++;
		if (*drop)
			continue;
		if (memif__desc_check(&d, q->regions, q->n_regions,
				      q->max_frag)) {
			*drop = DROP_BAD;
			continue;
		}
		if (*total + d.length > q->reasm_cap || *k > to->max_segs) {
			*drop = DROP_TOO_LONG;
			continue;
		}
		if (to->buf ? *total + d.length > to->room : *k > to->room)
			return RX_WALK_LATER;
		p = q->regions[d.region].base + d.offset;
		if (to->buf) {
			memcpy(to->buf + *total, p, d.length);
		} else {
			to->segs[*k - 1].data = p;
			to->segs[*k - 1].len = d.length;
		}
		*total += d.length;
	} while (next && used + *k < avail);
	if (!next)
		return RX_WALK_DONE;
	return avail == q->size && used == 0 ? RX_WALK_FAULT : RX_WALK_WAIT;
}

/* A chain walked (rx_walk) and counted in @t: RX_WALK_DONE when it is to
 * be delivered, RX_WALK_DROPPED when it is not, or what stopped the walk. */
static inline enum rx_walk rx_take(struct memif__queue *q, struct rx_tally *t,
				   uint16_t avail, const struct rx_sink *to,
				   uint16_t *k, uint32_t *total)
{
	unsigned drop;
	enum rx_walk w = rx_walk(q, t->used, avail, to, k, total, &drop);

	if (w == RX_WALK_DONE && !rx_count(t, *k, *total, drop))
		return RX_WALK_DROPPED;
	return w;
}

/* A receive's end, after walking stopped at @w: what @t took is lent out,
 * what it counted is added, *@n_rx delivered; or, when the peer broke the
 * ring, the fault.  What the burst returns. */
static inline int rx_end(struct memif__queue *q, const struct rx_tally *t,
			 enum rx_walk w, uint16_t *n_rx)
{
	if (memif__unlikely(w == RX_WALK_FAULT))
		return memif__q_fail(q);
	q->cursor = (uint16_t)(q->cursor + t->used);
	q->held = t->used;
	memif__stat_add(&q->st.packets, t->n);
	memif__stat_add(&q->st.bytes, t->bytes);
	memif__stat_add(&q->st.drops_bad_desc, t->bad);
	memif__stat_add(&q->st.drops_too_long, t->too_long);
	memif__q_leave(q);
	*n_rx = t->n;
	return MEMIF_OK;
}

int memif_rx_burst(struct memif *m, uint8_t qid, struct memif_rx_pkt *pkts,
		   uint16_t max_pkts, uint16_t *n_rx)
{
	struct memif__queue *q;
	struct rx_tally t = { 0 };
	enum rx_walk w = RX_WALK_DONE;
	uint16_t avail;
	uint32_t reasm_used = 0;
	int ret;

	if (!memif__burst_args(pkts, max_pkts, n_rx))
		return MEMIF_ERR_INVAL_ARG;
	ret = rx_open(m, qid, max_pkts, &q, &avail);
	if (ret)
		return ret;
	while (t.n < max_pkts && t.used < avail) {
		uint16_t slot = (uint16_t)(q->cursor + t.used) & q->mask;
		struct memif_desc d = q->ring->desc[slot]; /* one snapshot */
		struct rx_sink to;
		uint32_t total;
		uint16_t k;
		unsigned drop;

		if (!(d.flags & MEMIF_DESC_FLAG_NEXT)) {
			drop = memif__desc_check(&d, q->regions, q->n_regions,
						 q->max_frag) ?
				       DROP_BAD :
				       0;
			if (rx_count(&t, 1, d.length, drop)) {
				pkts[t.n].data =
					q->regions[d.region].base + d.offset;
				pkts[t.n].len = d.length;
				/* The application reads its headers next. */
				__builtin_prefetch(pkts[t.n].data, 0);
				t.n++;
			}
			continue;
		}
		/* A chain: reassembled while it is walked. */
		to = (struct rx_sink){ .buf = q->reasm + reasm_used,
				       .room = q->reasm_cap - reasm_used,
				       .max_segs = UINT32_MAX };
		w = rx_take(q, &t, avail, &to, &k, &total);
		if (w == RX_WALK_DROPPED)
			continue;
		if (w != RX_WALK_DONE)
			break;
		pkts[t.n].data = q->reasm + reasm_used;
		pkts[t.n].len = total;
		reasm_used += total;
		t.n++;
	}
	return rx_end(q, &t, w, n_rx);
}

/*
 * Receive as pieces: a chain's slots become views one by one, nothing is
 * copied.  Each descriptor is checked as memif_rx_burst checks it; a chain
 * with a bad descriptor, longer than max_packet_size or with more pieces
 * than @max_segs can ever hold is dropped whole and counted.
 */
int memif_rx_burst_sg(struct memif *m, uint8_t qid, struct memif_pkt_sg *pkts,
		      uint16_t max_pkts, struct memif_seg *segs,
		      uint16_t max_segs, uint16_t *n_rx)
{
	struct memif__queue *q;
	struct rx_tally t = { 0 };
	enum rx_walk w = RX_WALK_DONE;
	uint16_t avail, s = 0;
	int ret;

	if (!n_rx || (max_pkts && (!pkts || !segs || !max_segs)))
		return MEMIF_ERR_INVAL_ARG;
	*n_rx = 0;
	ret = rx_open(m, qid, max_pkts, &q, &avail);
	if (ret)
		return ret;
	while (t.n < max_pkts && t.used < avail) {
		struct rx_sink to = { .segs = &segs[s],
				      .room = (uint32_t)(max_segs - s),
				      .max_segs = max_segs };
		uint32_t total;
		uint16_t k;

		w = rx_take(q, &t, avail, &to, &k, &total);
		if (w == RX_WALK_DROPPED)
			continue;
		if (w != RX_WALK_DONE)
			break;
		/* The application reads its headers next. */
		__builtin_prefetch(segs[s].data, 0);
		pkts[t.n].segs = &segs[s];
		pkts[t.n].n_segs = k;
		pkts[t.n].len = total;
		s = (uint16_t)(s + k);
		t.n++;
	}
	return rx_end(q, &t, w, n_rx);
}

int memif_rx_release(struct memif *m, uint8_t qid)
{
	struct memif__queue *q;
	int ret;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (memif__unlikely(m->dp.zc_rx)) /* its buffers: memif_rx_burst_zc */
		return MEMIF_ERR_UNSUPPORTED;
	ret = memif__q_enter(m, qid, true, &q);
	if (ret)
		return ret;
	rx_give_back(q);
	memif__q_leave(q);
	return MEMIF_OK;
}
