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
		memif__store_release(&q->ring->tail, q->released); /* R2 */
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
		memif__store_release(&q->ring->head, q->released); /* R1 */
	}
	q->held = 0;
}

/* Producer index and how much it published beyond our cursor; false when
 * the peer's index is out of range. */
static inline bool rx_avail(struct memif__queue *q, uint16_t *avail)
{
	uint16_t prod, n, limit;

	if (q->is_master) {
		prod = memif__load_acquire(&q->ring->head); /* A1 */
		limit = (uint16_t)(q->size -
				   (uint16_t)(q->cursor - q->released));
	} else {
		prod = memif__load_acquire(&q->ring->tail); /* A2 */
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
	if (*avail == 0 && __atomic_load_n(&q->rx_mode, __ATOMIC_RELAXED) ==
				   MEMIF_RX_MODE_INTERRUPT) {
		/* Level interrupt mode only.  Clear first, then look again: a
		 * signal that lands between the two is never consumed without
		 * its data being seen.  Edge mode never reads the eventfd: its
		 * waiter is woken by every write, read or not (ring.h,
		 * tag-ring-wakeup). */
		if (memif__os_eventfd_clear(q->efd) > 0)
			memif__stat_add(&q->st.interrupts, 1);
		if (memif__unlikely(!rx_avail(q, avail)))
			return false;
	}
	/* A slave refills these descriptors when it gives them back. */
	memif__prefetch_descs(q, q->cursor, *avail < max_pkts ? *avail : max_pkts,
		       !q->is_master);
	return true;
}

/* A receive's end: @used slots taken (lent to the caller until the next
 * receive), @n packets of @bytes delivered, @bad and @too_long dropped. */
static inline void rx_end(struct memif__queue *q, uint16_t used, uint16_t n,
			  uint64_t bytes, uint64_t bad, uint64_t too_long)
{
	q->cursor = (uint16_t)(q->cursor + used);
	q->held = used;
	memif__stat_add(&q->st.packets, n);
	memif__stat_add(&q->st.bytes, bytes);
	memif__stat_add(&q->st.drops_bad_desc, bad);
	memif__stat_add(&q->st.drops_too_long, too_long);
	memif__q_leave(q);
}

/* The peer broke the ring: the queue is faulted (the connection goes). */
static int rx_fail(struct memif__queue *q)
{
	memif__stat_add(&q->st.drops_bad_desc, 1);
	memif__q_fault(q);
	memif__q_leave(q);
	return MEMIF_ERR_DISCONNECTED;
}

int memif_rx_burst(struct memif *m, uint8_t qid, struct memif_rx_pkt *pkts,
		   uint16_t max_pkts, uint16_t *n_rx)
{
	struct memif__queue *q;
	uint16_t avail, n = 0, used = 0;
	uint64_t bytes = 0, bad = 0, too_long = 0;
	uint32_t reasm_used = 0;
	int ret;

	if (!n_rx || (!pkts && max_pkts))
		return MEMIF_ERR_INVAL_ARG;
	*n_rx = 0;
	if (!m)
		return MEMIF_ERR_NOCONN;
	ret = memif__q_enter(m, qid, true, &q);
	if (ret)
		return ret;
	if (memif__unlikely(!rx_begin(q, max_pkts, &avail)))
		goto out_fault;
	while (n < max_pkts && used < avail) {
		uint16_t slot = (uint16_t)(q->cursor + used) & q->mask;
		struct memif_desc d = q->ring->desc[slot]; /* one snapshot */
		uint32_t total = 0, k = 0;
		unsigned drop = 0;
		bool next;

		if (!(d.flags & MEMIF_DESC_FLAG_NEXT)) {
			if (memif__desc_check(&d, q->regions, q->n_regions,
					      q->max_frag)) {
				bad++;
			} else {
				pkts[n].data =
					q->regions[d.region].base + d.offset;
				pkts[n].len = d.length;
				/* The application reads its headers next. */
				__builtin_prefetch(pkts[n].data, 0);
				bytes += d.length;
				n++;
			}
			used++;
			continue;
		}
		/* A chain: reassemble while walking it once. */
		do {
			if (k) {
				slot = (uint16_t)(q->cursor + used + k) &
				       q->mask;
				d = q->ring->desc[slot];
			}
			next = d.flags & MEMIF_DESC_FLAG_NEXT;
			k++;
			if (drop)
				continue;
			if (memif__desc_check(&d, q->regions, q->n_regions,
					      q->max_frag)) {
				drop = DROP_BAD;
			} else if (total + d.length > q->reasm_cap) {
				drop = DROP_TOO_LONG;
			} else if (reasm_used + total + d.length >
				   q->reasm_cap) {
				/* It fits a burst of its own: leave it for
				 * the next call. */
				goto out_done;
			} else {
				memcpy(q->reasm + reasm_used + total,
				       q->regions[d.region].base + d.offset,
				       d.length);
				total += d.length;
			}
		} while (next && used + k < avail);
		if (next) {
			/* Incomplete chain: wait for the rest, unless it
			 * already fills the ring (it never can complete). */
			if (avail == q->size && used == 0)
				goto out_fault;
			break;
		}
		if (drop == DROP_BAD) {
			bad++;
		} else if (drop == DROP_TOO_LONG) {
			too_long++;
		} else {
			pkts[n].data = q->reasm + reasm_used;
			pkts[n].len = total;
			reasm_used += total;
			bytes += total;
			n++;
		}
		used = (uint16_t)(used + k);
	}
out_done:
	rx_end(q, used, n, bytes, bad, too_long);
	*n_rx = n;
	return MEMIF_OK;

out_fault:
	return rx_fail(q);
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
	uint16_t avail, n = 0, used = 0, s = 0;
	uint64_t bytes = 0, bad = 0, too_long = 0;
	int ret;

	if (!n_rx || (max_pkts && (!pkts || !segs || !max_segs)))
		return MEMIF_ERR_INVAL_ARG;
	*n_rx = 0;
	if (!m)
		return MEMIF_ERR_NOCONN;
	ret = memif__q_enter(m, qid, true, &q);
	if (ret)
		return ret;
	if (memif__unlikely(!rx_begin(q, max_pkts, &avail)))
		goto out_fault;
	while (n < max_pkts && used < avail) {
		uint32_t total = 0;
		uint16_t k = 0;
		unsigned drop = 0;
		bool next;

		do {
			uint16_t slot = (uint16_t)(q->cursor + used + k) &
					q->mask;
			struct memif_desc d = q->ring->desc[slot]; /* snapshot */

			next = d.flags & MEMIF_DESC_FLAG_NEXT;
			if (drop) {
				k++;
				continue;
			}
			if (memif__desc_check(&d, q->regions, q->n_regions,
					      q->max_frag)) {
				drop = DROP_BAD;
			} else if (total + d.length > q->reasm_cap ||
				   k >= max_segs) {
				drop = DROP_TOO_LONG;
			} else if (s + k >= max_segs) {
				/* It fits a call of its own: leave it. */
				goto out_done;
			} else {
				segs[s + k].data =
					q->regions[d.region].base + d.offset;
				segs[s + k].len = d.length;
				total += d.length;
			}
			k++;
		} while (next && used + k < avail);
		if (next) {
			/* Incomplete chain: wait for the rest, unless it
			 * already fills the ring (it never can complete). */
			if (avail == q->size && used == 0)
				goto out_fault;
			break;
		}
		if (drop == DROP_BAD) {
			bad++;
		} else if (drop == DROP_TOO_LONG) {
			too_long++;
		} else {
			/* The application reads its headers next. */
			__builtin_prefetch(segs[s].data, 0);
			pkts[n].segs = &segs[s];
			pkts[n].n_segs = k;
			pkts[n].len = total;
			s = (uint16_t)(s + k);
			bytes += total;
			n++;
		}
		used = (uint16_t)(used + k);
	}
out_done:
	rx_end(q, used, n, bytes, bad, too_long);
	*n_rx = n;
	return MEMIF_OK;

out_fault:
	return rx_fail(q);
}

int memif_rx_release(struct memif *m, uint8_t qid)
{
	struct memif__queue *q;
	int ret;

	if (!m)
		return MEMIF_ERR_NOCONN;
	ret = memif__q_enter(m, qid, true, &q);
	if (ret)
		return ret;
	rx_give_back(q);
	memif__q_leave(q);
	return MEMIF_OK;
}
