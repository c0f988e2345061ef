/* SPDX-License-Identifier: MIT */
/*
 * Transmit bursts in both roles: copied (memif_tx_burst, gathered from
 * pieces with memif_tx_burst_sg, chained when a packet needs several
 * buffers) and in place (memif_tx_alloc/memif_tx_commit).  A slave writes
 * its own buffers; a master writes the buffers the slave lent it, each
 * checked before use.  One release store and at most one signal per burst.
 *
 * The peer chooses where its descriptors point, so a packet the application
 * forwards (an RX view) may overlap the buffer it is copied into: every copy
 * from application data into the ring is a memmove.
 */
#include <string.h>

#include "queue.h"

/* Slots available to the transmitter; false when the peer's index is out
 * of range. */
static inline bool tx_space(struct memif__queue *q, uint16_t *space)
{
	uint16_t n;

	if (q->is_master) {
		/* M2S: [tail, head) are empty buffers the slave lent us.
		 * A1: R1 in rx.c rx_give_back (and queue.c setup). */
		n = (uint16_t)(memif__load_acquire(&q->ring->head) -
			       q->cursor);
	} else {
		/* S2M: N - (head - tail) slots are free.
		 * A2: R2 in rx.c rx_give_back. */
		uint16_t used = (uint16_t)(q->cursor -
					   memif__load_acquire(&q->ring->tail));

		if (used > q->size)
			return false;
		/* Slots whose buffers memif_tx_complete has not handed
		 * back yet stay taken (zc.c). */
		if (q->zc_held)
			used = (uint16_t)(q->cursor - q->zc_done);
		n = (uint16_t)(q->size - used);
	}
	if (n > q->size)
		return false;
	*space = n;
	q->space_end = (uint16_t)(q->cursor + n);
	return true;
}

/* Where slot @slot's data goes, and how much fits.  A slave writes its own
 * buffer; a master uses the buffer the slave lent, after checking it. */
static inline uint8_t *tx_slot(struct memif__queue *q, uint16_t slot,
			       uint32_t *cap)
{
	if (!q->is_master) {
		*cap = q->buf_size;
		return q->region0 + q->buf_base_off +
		       (uint64_t)slot * q->buf_size;
	} else {
		struct memif_desc d = q->ring->desc[slot];

		if (memif__desc_check(&d, q->regions, q->n_regions,
				      UINT32_MAX) != MEMIF_FAULT_NONE)
			return NULL;
		*cap = d.length;
		return q->regions[d.region].base + d.offset;
	}
}

/* The first line of each buffer the next @n transmit slots write.  A slave
 * knows its own buffers; a master's are the ones the slave lent, named by
 * descriptors it must read for that (a prefetch cannot fault, but the
 * address is still kept inside a mapped region). */
static inline void prefetch_tx_bufs(struct memif__queue *q, uint16_t first,
				    uint16_t n)
{
	uint16_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)(first + i) & q->mask;

		if (!q->is_master) {
			memif__prefetch_w(q->region0 + q->buf_base_off +
					  (uint64_t)slot * q->buf_size);
		} else {
			struct memif_desc d = q->ring->desc[slot];

			if (d.region < q->n_regions &&
			    d.offset < q->regions[d.region].size)
				memif__prefetch_w(q->regions[d.region].base +
						  d.offset);
		}
	}
}

/* Everything a transmit burst of @n slots from the cursor will store to. */
static inline void prefetch_tx(struct memif__queue *q, uint16_t n)
{
	memif__prefetch_descs(q, q->cursor, n, true);
	prefetch_tx_bufs(q, q->cursor, n);
}

static inline void tx_desc(struct memif__queue *q, uint16_t slot, uint32_t len,
			   uint16_t flags)
{
	struct memif_desc *d = &q->ring->desc[slot];

	if (!q->is_master) {
		/* Rewrite every field: the master may have scribbled on them. */
		d->region = 0;
		d->offset = (uint32_t)(q->buf_base_off +
				       (uint64_t)slot * q->buf_size);
	}
	d->length = len;
	d->flags = flags;
}

static inline void tx_publish(struct memif__queue *q)
{
	if (q->is_master) /* R2: A2 in rx.c rx_avail */
		memif__store_release(&q->ring->tail, q->cursor);
	else /* R1: A1 in rx.c rx_avail */
		memif__store_release(&q->ring->head, q->cursor);
}

#define TX_BATCH 32

/* Publish @slots filled slots (one release store, at most one signal) and
 * count @pkts packets of @bytes. */
static inline void tx_finish(struct memif__queue *q, uint16_t slots,
			     uint16_t pkts, uint64_t bytes)
{
	if (slots) {
		uint16_t ahead;

		q->cursor = (uint16_t)(q->cursor + slots);
		tx_publish(q);
		/*
		 * The next burst's lines, asked for with ownership now, while
		 * the fence below drains this burst's stores: their transfers
		 * from the peer's core overlap it and whatever the caller
		 * does until the next burst, whose stores then find them
		 * owned.  Only slots the peer's index already gave us (the
		 * load at this burst's start): the peer is done with them.
		 * Prefetched just before the stores, or without ownership,
		 * they did not help (bench/ab.py, issue 16's note).
		 */
		ahead = (uint16_t)(q->space_end - q->cursor);
		if (ahead <= q->size)
			prefetch_tx(q, ahead < TX_BATCH ? ahead : TX_BATCH);
		memif__tx_kick(q);
	}
	memif__stat_add(&q->st.packets, pkts);
	memif__stat_add(&q->st.bytes, bytes);
}


/*
 * Copy a packet of @total bytes, given as @n_segs pieces, into the @k slots
 * from @start on (found by the caller: they cover @total), chained.  Each
 * slot is looked up again, since the peer may have changed it since; false
 * when one no longer holds its share (nothing is published then).
 */
static bool tx_chain(struct memif__queue *q, uint16_t start, uint32_t k,
		     const struct memif_seg *segs, uint16_t n_segs,
		     uint32_t total)
{
	const uint8_t *src = n_segs ? segs[0].data : NULL;
	uint32_t in_seg = n_segs ? segs[0].len : 0, left = total, i;
	uint16_t s = 0;

	for (i = 0; i < k; i++) {
		uint16_t slot = (uint16_t)(start + i) & q->mask;
		uint32_t cap, part, room;
		uint8_t *dst = tx_slot(q, slot, &cap);

		if (memif__unlikely(!dst))
			return false;
		part = left < cap ? left : cap;
		if (memif__unlikely(i + 1 == k && part < left))
			return false;
		for (room = part; room;) {
			uint32_t c;

			while (!in_seg) { /* empty pieces are skipped */
				s++;
				src = segs[s].data;
				in_seg = segs[s].len;
			}
			c = in_seg < room ? in_seg : room;
			memmove(dst, src, c);
			dst += c;
			src += c;
			in_seg -= c;
			room -= c;
		}
		left -= part;
		tx_desc(q, slot, part, left ? MEMIF_DESC_FLAG_NEXT : 0);
	}
	return true;
}

/*
 * A transmit's start: arguments checked, the queue entered, a reservation
 * dropped, the room found (*@space) and the burst's lines asked for.
 * MEMIF_OK with *@qp entered, or MEMIF_OK with *@qp NULL when there is
 * nothing to send; otherwise the error, nothing entered.
 */
static inline int tx_begin(struct memif *m, uint8_t qid, bool have_pkts,
			   uint16_t n_pkts, uint16_t *n_sent,
			   struct memif__queue **qp, uint16_t *space)
{
	struct memif__queue *q;
	int ret;

	*qp = NULL;
	if (!n_sent)
		return MEMIF_ERR_INVAL_ARG;
	*n_sent = 0;
	if (n_pkts == 0)
		return MEMIF_OK;
	if (!m || !have_pkts)
		return m ? MEMIF_ERR_INVAL_ARG : MEMIF_ERR_NOCONN;
	ret = memif__q_enter(m, qid, false, &q);
	if (ret)
		return ret;
	q->reserved = 0;
	if (memif__unlikely(!tx_space(q, space))) {
		memif__q_fault(q);
		memif__q_leave(q);
		return MEMIF_ERR_DISCONNECTED;
	}
	prefetch_tx(q, *space < n_pkts ? *space : n_pkts);
	*qp = q;
	return MEMIF_OK;
}

/* A receiver with our settings drops what is longer than max_packet_size,
 * and a ring cannot hold more than its slots: refused here, where it can be
 * told. */
static inline bool tx_len_ok(const struct memif__queue *q, uint32_t len)
{
	return len != 0 && len <= q->max_packet &&
	       len <= (uint32_t)q->size * q->max_frag;
}

enum tx_fit { TX_FITS, TX_FULL, TX_BAD };

/*
 * All or nothing: the slots a packet of @len bytes needs from @start on,
 * found before anything is touched.  @room: free slots from @start.
 * TX_FITS with their count in *@k and the first one's buffer in *@dst;
 * TX_FULL when the ring has too few; TX_BAD when a slot the peer lent is
 * not a valid buffer.
 */
static inline enum tx_fit tx_find(struct memif__queue *q, uint16_t start,
				  uint16_t room, uint32_t len, uint32_t *k,
				  uint8_t **dst)
{
	uint32_t cap = 0, cover = 0;
	uint8_t *d;

	for (*k = 0; cover < len; (*k)++) {
		if (*k >= room)
			return TX_FULL;
		d = tx_slot(q, (uint16_t)(start + *k) & q->mask, &cap);
		if (memif__unlikely(!d))
			return TX_BAD;
		if (*k == 0)
			*dst = d;
		cover += cap;
	}
	return TX_FITS;
}

/*
 * Packets that fit one slot go in passes of up to TX_BATCH, as the in-place
 * path does: find every slot, then copy, then describe.  Interleaving the
 * three per packet made each descriptor store queue behind the copy's
 * stores to a line still on its way from the peer.  Returns how many of
 * @pkts went (*@used slots and *@bytes grow with them); it stops at the
 * first packet that does not simply fit the next slot, and the general
 * path decides what stopped it.
 */
static inline uint16_t tx_passes(struct memif__queue *q,
				 const struct memif_tx_pkt *pkts,
				 uint16_t n_pkts, uint16_t space,
				 uint16_t *used, uint64_t *bytes)
{
	uint16_t sent = 0;

	while (sent < n_pkts) {
		uint8_t *dst[TX_BATCH];
		uint16_t i, nb = 0, lim = n_pkts - sent;

		if (lim > TX_BATCH)
			lim = TX_BATCH;
		if (lim > space - *used)
			lim = (uint16_t)(space - *used);
		for (; nb < lim; nb++) {
			uint32_t cap, len = pkts[sent + nb].len;

			dst[nb] = tx_slot(
				q, (uint16_t)(q->cursor + *used + nb) & q->mask,
				&cap);
			if (memif__unlikely(!dst[nb] || len == 0 || len > cap ||
					    len > q->max_packet))
				break;
		}
		for (i = 0; i < nb; i++)
			memmove(dst[i], pkts[sent + i].data,
				pkts[sent + i].len);
		for (i = 0; i < nb; i++) {
			tx_desc(q, (uint16_t)(q->cursor + *used + i) & q->mask,
				pkts[sent + i].len, 0);
			*bytes += pkts[sent + i].len;
		}
		*used = (uint16_t)(*used + nb);
		sent = (uint16_t)(sent + nb);
		if (nb < lim || lim < TX_BATCH)
			break;
	}
	return sent;
}

/* One packet of @len bytes, given as @n_segs pieces, copied in from the
 * burst's next slot on (*@used slots filled so far of @space), chained
 * when it needs several slots.  TX_FITS when it went. */
static inline enum tx_fit tx_one(struct memif__queue *q,
				 const struct memif_seg *segs, uint16_t n_segs,
				 uint32_t len, uint16_t space, uint16_t *used)
{
	uint16_t start = (uint16_t)(q->cursor + *used);
	uint8_t *dst = NULL;
	enum tx_fit fit;
	uint32_t k;

	fit = tx_find(q, start, (uint16_t)(space - *used), len, &k, &dst);
	if (fit != TX_FITS)
		return fit;
	if (memif__likely(k == 1 && n_segs == 1)) {
		memmove(dst, segs[0].data, len);
		tx_desc(q, start & q->mask, len, 0);
	} else if (memif__unlikely(!tx_chain(q, start, k, segs, n_segs,
					     len))) {
		return TX_BAD;
	}
	*used = (uint16_t)(*used + k);
	return TX_FITS;
}

/* A copying burst's end: @sent packets in @used slots published, and why
 * it stopped early counted (@fit: TX_FITS when it did not stop for the
 * ring). */
static int tx_end(struct memif__queue *q, enum tx_fit fit, int ret,
		  uint16_t used, uint16_t sent, uint64_t bytes,
		  uint16_t *n_sent)
{
	if (fit == TX_FULL) {
		memif__stat_add(&q->st.ring_full, 1);
	} else if (memif__unlikely(fit == TX_BAD)) {
		memif__stat_add(&q->st.drops_bad_desc, 1);
		memif__q_fault(q);
		ret = MEMIF_ERR_DISCONNECTED;
	}
	tx_finish(q, used, sent, bytes);
	*n_sent = sent;
	memif__q_leave(q);
	return ret;
}

/* The bytes of @p, or 0 when its pieces do not add up (NULL data with a
 * length, or more than UINT32_MAX). */
static uint32_t sg_total(const struct memif_pkt_sg *p)
{
	uint64_t total = 0;
	uint16_t i;

	if (!p->segs && p->n_segs)
		return 0;
	for (i = 0; i < p->n_segs; i++) {
		if (!p->segs[i].data && p->segs[i].len)
			return 0;
		total += p->segs[i].len;
	}
	return total > UINT32_MAX ? 0 : (uint32_t)total;
}

/*
 * A copying burst of @n_pkts packets: whole ones from @pkts, or with
 * @gather, each gathered from its pieces in @sg.  Always inlined, with
 * @gather a constant, so each of the two bursts has its own loop.
 */
static memif__always_inline int tx_copy(struct memif *m, uint8_t qid,
					const struct memif_tx_pkt *pkts,
					const struct memif_pkt_sg *sg,
					bool gather, uint16_t n_pkts,
					uint16_t *n_sent)
{
	struct memif__queue *q;
	uint16_t space, sent = 0, used = 0;
	enum tx_fit fit = TX_FITS;
	uint64_t bytes = 0;
	int ret;

	ret = tx_begin(m, qid, gather ? sg != NULL : pkts != NULL, n_pkts,
		       n_sent, &q, &space);
	if (ret || !q)
		return ret;
	if (!gather)
		sent = tx_passes(q, pkts, n_pkts, space, &used, &bytes);
	for (; sent < n_pkts; sent++) {
		struct memif_seg whole = { NULL, 0 };
		const struct memif_seg *segs = &whole;
		uint16_t n_segs = 1;
		uint32_t len;

		if (!gather) {
			whole.data = pkts[sent].data;
			whole.len = pkts[sent].len;
			len = whole.len;
		} else {
			segs = sg[sent].segs;
			n_segs = sg[sent].n_segs;
			len = sg_total(&sg[sent]);
		}
		if (memif__unlikely(!tx_len_ok(q, len))) {
			ret = MEMIF_ERR_PKT_LEN;
			break;
		}
		fit = tx_one(q, segs, n_segs, len, space, &used);
		if (fit != TX_FITS)
			break;
		bytes += len;
	}
	return tx_end(q, fit, ret, used, sent, bytes, n_sent);
}

int memif_tx_burst(struct memif *m, uint8_t qid,
		   const struct memif_tx_pkt *pkts, uint16_t n_pkts,
		   uint16_t *n_sent)
{
	return tx_copy(m, qid, pkts, NULL, false, n_pkts, n_sent);
}

int memif_tx_burst_sg(struct memif *m, uint8_t qid,
		      const struct memif_pkt_sg *pkts, uint16_t n_pkts,
		      uint16_t *n_sent)
{
	return tx_copy(m, qid, NULL, pkts, true, n_pkts, n_sent);
}

/* The way into memif_tx_alloc and memif_tx_commit: the arguments checked
 * (memif__burst_args), then queue @qid entered. */
static inline int tx_enter(struct memif *m, uint8_t qid, const void *bufs,
			   uint16_t n, uint16_t *n_out, struct memif__queue **q)
{
	if (!memif__burst_args(bufs, n, n_out))
		return MEMIF_ERR_INVAL_ARG;
	if (!m)
		return MEMIF_ERR_NOCONN;
	return memif__q_enter(m, qid, false, q);
}

int memif_tx_alloc(struct memif *m, uint8_t qid, struct memif_tx_buf *bufs,
		   uint16_t n_bufs, uint16_t *n_alloc)
{
	struct memif__queue *q;
	uint16_t space, i;
	int ret;

	ret = tx_enter(m, qid, bufs, n_bufs, n_alloc, &q);
	if (ret)
		return ret;
	q->reserved = 0;
	if (memif__unlikely(!tx_space(q, &space))) {
		memif__q_fault(q);
		memif__q_leave(q);
		return MEMIF_ERR_DISCONNECTED;
	}
	if (n_bufs > space) {
		n_bufs = space;
		memif__stat_add(&q->st.ring_full, 1);
	}
	prefetch_tx(q, n_bufs);
	for (i = 0; i < n_bufs; i++) {
		uint32_t cap;
		uint8_t *p =
			tx_slot(q, (uint16_t)(q->cursor + i) & q->mask, &cap);

		if (memif__unlikely(!p)) {
			memif__stat_add(&q->st.drops_bad_desc, 1);
			memif__q_fault(q);
			break;
		}
		bufs[i].data = p;
		bufs[i].len = cap;
	}
	q->reserved = i;
	*n_alloc = i;
	memif__q_leave(q);
	return MEMIF_OK;
}

int memif_tx_commit(struct memif *m, uint8_t qid,
		    const struct memif_tx_buf *bufs, uint16_t n,
		    uint16_t *n_sent)
{
	struct memif__queue *q;
	uint64_t bytes = 0;
	uint16_t i;
	int ret;

	ret = tx_enter(m, qid, bufs, n, n_sent, &q);
	if (ret)
		return ret;
	if (n > q->reserved) {
		memif__q_leave(q);
		return MEMIF_ERR_PKT_LEN;
	}
	for (i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)(q->cursor + i) & q->mask;
		uint32_t cap;

		if (!tx_slot(q, slot, &cap) || bufs[i].len == 0 ||
		    bufs[i].len > cap || bufs[i].len > q->max_packet) {
			memif__q_leave(q);
			return MEMIF_ERR_PKT_LEN;
		}
	}
	for (i = 0; i < n; i++) {
		tx_desc(q, (uint16_t)(q->cursor + i) & q->mask, bufs[i].len, 0);
		bytes += bufs[i].len;
	}
	q->reserved = 0;
	tx_finish(q, n, n, bytes);
	*n_sent = n;
	memif__q_leave(q);
	return MEMIF_OK;
}
