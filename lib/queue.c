/* SPDX-License-Identifier: MIT */
/*
 * The hot path: bursts in both roles, chains, refill, interrupts, and the
 * per-queue quiescence gate that lets teardown unmap safely.  No
 * allocation, no lock, no logging; the only syscalls are one signal per TX
 * burst (none when the peer masks interrupts) and the eventfd read with
 * which memif_rx_burst in level interrupt mode clears its queue when it
 * finds the ring empty.  In edge interrupt mode and in polling mode
 * memif_rx_burst never reads the eventfd.  Neither can block, whatever the
 * peer does to the eventfd it shares with us (os.c), so a burst always ends
 * and the gate always opens again.
 *
 * The peer chooses where its descriptors point, so a packet the application
 * forwards (an RX view) may overlap the buffer it is copied into: every copy
 * from application data into the ring is a memmove.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "internal.h"

/* ---- setup and teardown (control path) ---------------------------------- */

static void queue_init(struct memif *m, struct memif__queue *q,
		       const struct memif__ring_info *ri, bool is_rx,
		       unsigned qid)
{
	q->ring =
		(struct memif_ring *)(m->regions[ri->region].base + ri->offset);
	q->size = (uint16_t)(1u << ri->log2);
	q->mask = q->size - 1;
	q->is_master = m->is_master;
	q->qid = (uint8_t)qid;
	q->efd = ri->efd;
	q->regions = m->views;
	q->n_regions = m->n_regions;
	q->max_frag = m->is_master ? m->max_packet : m->buffer_size;
	q->max_packet = m->max_packet;
	q->buf_size = m->buffer_size;
	q->region0 = m->regions[0].base;
	q->m = m;
	q->cursor = 0;
	q->released = 0;
	q->held = 0;
	q->reserved = 0;
	q->fault = false;
	memset(&q->st, 0, sizeof(q->st));
	if (!m->is_master)
		q->buf_base_off = memif__layout_buffer_offset(
			&m->layout, is_rx ? MEMIF_RING_M2S : MEMIF_RING_S2M,
			qid, 0);
}

void memif__queue_set_rx_mode(struct memif__queue *q, enum memif_rx_mode mode)
{
	uint16_t fl = memif__read_once(&q->ring->flags);

	/* Read by the queue's data thread: a relaxed byte is enough, the
	 * ring flag below is what the peer acts on.  A burst that still
	 * sees the old mode at worst clears the eventfd once, which is safe
	 * in any mode because it re-checks the ring after the read (the
	 * drain sees what the consumed signal announced), or skips one clear
	 * (a level waiter wakes once more; the next empty burst clears). */
	__atomic_store_n(&q->rx_mode, (uint8_t)mode, __ATOMIC_RELAXED);
	fl = (uint16_t)((fl & ~MEMIF_RING_FLAG_MASK_INT) |
			memif__rx_mode_ring_flags(mode));
	/* We receive on this ring, so its flags are ours to write. */
	memif__write_once(&q->ring->flags, fl);
	/* tag-ring-wakeup: the flag store must be visible before we look at
	 * the ring again, or a transmitter may skip the signal we wait on. */
	memif__fence();
}

/* Queues [*@have, @want) come into being, gate closed; they stay until
 * the interface is closed (memif__queues_free). */
static int queues_alloc(struct memif__queue **qs, uint16_t *have, unsigned want)
{
	/* aligned_alloc wants a multiple of the alignment */
	size_t size = (sizeof(struct memif__queue) + 63) & ~(size_t)63;

	for (; *have < want; (*have)++) {
		struct memif__queue *q = aligned_alloc(64, size);

		if (!q)
			return -ENOMEM;
		memset(q, 0, sizeof(*q));
		qs[*have] = q;
	}
	return 0;
}

void memif__queues_free(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->alloc_rxq; i++)
		free(m->rxq[i]);
	for (i = 0; i < m->alloc_txq; i++)
		free(m->txq[i]);
	m->alloc_rxq = m->alloc_txq = 0;
}

int memif__queues_setup(struct memif *m)
{
	const struct memif__ring_info *rx_ri = m->is_master ? m->s2m : m->m2s;
	const struct memif__ring_info *tx_ri = m->is_master ? m->m2s : m->s2m;
	uint16_t n_rx = m->is_master ? m->n_s2m : m->n_m2s;
	uint16_t n_tx = m->is_master ? m->n_m2s : m->n_s2m;
	unsigned i;

	if (queues_alloc(m->rxq, &m->alloc_rxq, n_rx) < 0 ||
	    queues_alloc(m->txq, &m->alloc_txq, n_tx) < 0)
		return -ENOMEM;
	for (i = 0; i < n_rx; i++) {
		struct memif__queue *q = m->rxq[i];

		queue_init(m, q, &rx_ri[i], true, i);
		q->reasm_cap = m->max_packet;
		/* Mapped, not malloc'ed: its pages cost memory only once a
		 * chained packet arrives, and an idle interface stays small
		 * (64 KiB of heap per queue otherwise). */
		q->reasm = mmap(NULL, q->reasm_cap, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
				0);
		if (q->reasm == MAP_FAILED) {
			q->reasm = NULL;
			return -ENOMEM;
		}
		if (m->is_master) {
			/* LM and DPDK masters reset too; nothing flowed yet. */
			memif__store_release(&q->ring->tail, 0);
		} else {
			/* Hand every M2S slot to the master (descriptors were
			 * initialised with our buffers when the region was
			 * made). */
			q->released = q->size;
			memif__store_release(&q->ring->head, q->size); /* R1 */
		}
		memif__queue_set_rx_mode(q, m->rx_mode);
	}
	for (i = 0; i < n_tx; i++) {
		struct memif__queue *q = m->txq[i];
		int ret;

		queue_init(m, q, &tx_ri[i], false, i);
		ret = memif__os_signal_init(&q->kick, q->efd);
		if (ret < 0)
			return ret;
		q->kick_ready = true;
		if (m->is_master)
			memif__store_release(&q->ring->tail, 0);
	}
	for (i = 0; i < n_rx; i++)
		memif__store_release(&m->rxq[i]->gate, MEMIF__GATE_OPEN);
	for (i = 0; i < n_tx; i++)
		memif__store_release(&m->txq[i]->gate, MEMIF__GATE_OPEN);
	memif__store_release(&m->n_rxq, n_rx);
	memif__store_release(&m->n_txq, n_tx);
	m->det_rxq = n_rx;
	m->det_txq = n_tx;
	return 0;
}

/* tag-gate: after this, no data thread is inside a burst and none can
 * enter, so shared memory can be unmapped.  The wait is bounded by one
 * burst: a burst makes no call that can block (see the top of this file)
 * and touches at most one ring of descriptors.  Yield first, then sleep,
 * so a burst preempted on a busy machine does not cost us a whole core. */
static void gate_close(struct memif__queue *q)
{
	struct timespec nap = { 0, 50000 };
	unsigned spins = 0;

	for (;;) {
		uint32_t v = MEMIF__GATE_OPEN;

		if (__atomic_compare_exchange_n(
			    &q->gate, &v, MEMIF__GATE_CLOSED, false,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
		if (v == MEMIF__GATE_CLOSED)
			return;
		if (++spins < 64)
			sched_yield();
		else
			nanosleep(&nap, NULL);
	}
}

void memif__queues_quiesce(struct memif *m)
{
	unsigned i;

	memif__store_release(&m->n_rxq, 0);
	memif__store_release(&m->n_txq, 0);
	for (i = 0; i < m->alloc_rxq; i++)
		gate_close(m->rxq[i]);
	for (i = 0; i < m->alloc_txq; i++)
		gate_close(m->txq[i]);
}

void memif__queues_release(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->alloc_rxq; i++) {
		if (m->rxq[i]->reasm)
			munmap(m->rxq[i]->reasm, m->rxq[i]->reasm_cap);
		m->rxq[i]->reasm = NULL;
		m->rxq[i]->ring = NULL;
	}
	for (i = 0; i < m->alloc_txq; i++) {
		m->txq[i]->ring = NULL;
		if (m->txq[i]->kick_ready)
			memif__os_signal_fini(&m->txq[i]->kick);
		m->txq[i]->kick_ready = false;
	}
}

/* ---- the data path ------------------------------------------------------ */

static inline int q_enter(struct memif *m, uint8_t qid, bool rx,
			  struct memif__queue **out)
{
	uint16_t n = memif__load_acquire(rx ? &m->n_rxq : &m->n_txq);
	struct memif__queue *q;
	uint32_t v = MEMIF__GATE_OPEN;

	if (memif__unlikely(qid >= n))
		return n ? MEMIF_ERR_QID : MEMIF_ERR_DISCONNECTED;
	q = rx ? m->rxq[qid] : m->txq[qid];
	if (memif__unlikely(!__atomic_compare_exchange_n(
		    &q->gate, &v, MEMIF__GATE_BUSY, false, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED)))
		return v == MEMIF__GATE_BUSY ? MEMIF_ERR_AGAIN :
					       MEMIF_ERR_DISCONNECTED;
	if (memif__unlikely(q->fault)) {
		memif__store_release(&q->gate, MEMIF__GATE_OPEN);
		return MEMIF_ERR_DISCONNECTED;
	}
	*out = q;
	return MEMIF_OK;
}

static inline void q_leave(struct memif__queue *q)
{
	memif__store_release(&q->gate, MEMIF__GATE_OPEN);
}

/* The peer moved an index out of range: stop using the ring and have the
 * event loop disconnect.  Cold, and the only wake from the data path. */
static __attribute__((cold, noinline)) void q_fault(struct memif__queue *q)
{
	__atomic_store_n(&q->fault, true, __ATOMIC_RELAXED);
	__atomic_store_n(&memif__ctx->dp_fault, true, __ATOMIC_RELEASE);
	memif__loop_wake(memif__ctx);
}

static inline void stat_add(uint64_t *p, uint64_t v)
{
	/* Single writer (this queue's thread); details reads it relaxed. */
	if (v)
		memif__write_once(p, memif__read_once(p) + v);
}

/* Signal the peer once per burst unless it masks interrupts. */
static inline void tx_kick(struct memif__queue *q)
{
	/* tag-ring-wakeup: the index store must be ordered before the flags
	 * load; release alone does not order a later load. */
	memif__fence();
	if (!(memif__read_once(&q->ring->flags) & MEMIF_RING_FLAG_MASK_INT)) {
		if (memif__os_signal(&q->kick) == 0)
			stat_add(&q->st.interrupts, 1);
	}
}

/* Slots available to the transmitter; false when the peer's index is out
 * of range. */
static inline bool tx_space(struct memif__queue *q, uint16_t *space)
{
	uint16_t n;

	if (q->is_master) {
		/* M2S: [tail, head) are empty buffers the slave lent us. */
		n = (uint16_t)(memif__load_acquire(&q->ring->head) - /* A1 */
			       q->cursor);
	} else {
		/* S2M: N - (head - tail) slots are free. */
		uint16_t used = (uint16_t)(q->cursor -
					   memif__load_acquire(
						   &q->ring->tail)); /* A2 */
		n = (uint16_t)(q->size - used);
		if (used > q->size)
			return false;
	}
	if (n > q->size)
		return false;
	*space = n;
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

/*
 * The descriptor lines (and the buffers) were last written or read by the
 * peer's core.  Asking for a whole burst's lines up front overlaps the cache
 * misses instead of taking them one access at a time.  @write asks for
 * ownership: a line we are going to store to, fetched shared, would cross
 * the cores twice (once to read it, once more to invalidate the peer's
 * copy).
 */
static inline void prefetch_descs(struct memif__queue *q, uint16_t first,
				  uint16_t n, bool write)
{
	uint16_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i += 4) {
		const void *d = &q->ring->desc[(uint16_t)(first + i) & q->mask];

		if (write)
			__builtin_prefetch(d, 1);
		else
			__builtin_prefetch(d, 0);
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
			__builtin_prefetch(q->region0 + q->buf_base_off +
						   (uint64_t)slot * q->buf_size,
					   1);
		} else {
			struct memif_desc d = q->ring->desc[slot];

			if (d.region < q->n_regions &&
			    d.offset < q->regions[d.region].size)
				__builtin_prefetch(q->regions[d.region].base +
							   d.offset,
						   1);
		}
	}
}

/* Everything a transmit burst of @n slots from the cursor will store to. */
static inline void prefetch_tx(struct memif__queue *q, uint16_t n)
{
	prefetch_descs(q, q->cursor, n, true);
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
	if (q->is_master)
		memif__store_release(&q->ring->tail, q->cursor); /* R2 */
	else
		memif__store_release(&q->ring->head, q->cursor); /* R1 */
}

/* Publish @slots filled slots (one release store, at most one signal) and
 * count @pkts packets of @bytes. */
static inline void tx_finish(struct memif__queue *q, uint16_t slots,
			     uint16_t pkts, uint64_t bytes)
{
	if (slots) {
		q->cursor = (uint16_t)(q->cursor + slots);
		tx_publish(q);
		tx_kick(q);
	}
	stat_add(&q->st.packets, pkts);
	stat_add(&q->st.bytes, bytes);
}

#define TX_BATCH 32

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
	ret = q_enter(m, qid, false, &q);
	if (ret)
		return ret;
	q->reserved = 0;
	if (memif__unlikely(!tx_space(q, space))) {
		q_fault(q);
		q_leave(q);
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

int memif_tx_burst(struct memif *m, uint8_t qid,
		   const struct memif_tx_pkt *pkts, uint16_t n_pkts,
		   uint16_t *n_sent)
{
	struct memif__queue *q;
	uint16_t space, sent = 0, used = 0;
	uint64_t bytes = 0;
	int ret;

	ret = tx_begin(m, qid, pkts, n_pkts, n_sent, &q, &space);
	if (ret || !q)
		return ret;
	/*
	 * Packets that fit one slot go in passes of up to TX_BATCH, as the
	 * in-place path does: find every slot, then copy, then describe.
	 * Interleaving the three per packet made each descriptor store queue
	 * behind the copy's stores to a line still on its way from the peer.
	 */
	while (sent < n_pkts) {
		uint8_t *dst[TX_BATCH];
		uint16_t i, nb = 0, lim = n_pkts - sent;

		if (lim > TX_BATCH)
			lim = TX_BATCH;
		if (lim > space - used)
			lim = (uint16_t)(space - used);
		for (; nb < lim; nb++) {
			uint32_t cap, len = pkts[sent + nb].len;

			dst[nb] = tx_slot(
				q, (uint16_t)(q->cursor + used + nb) & q->mask,
				&cap);
			if (memif__unlikely(!dst[nb] || len == 0 || len > cap ||
					    len > q->max_packet))
				break;
		}
		for (i = 0; i < nb; i++)
			memmove(dst[i], pkts[sent + i].data,
				pkts[sent + i].len);
		for (i = 0; i < nb; i++) {
			tx_desc(q, (uint16_t)(q->cursor + used + i) & q->mask,
				pkts[sent + i].len, 0);
			bytes += pkts[sent + i].len;
		}
		used = (uint16_t)(used + nb);
		sent = (uint16_t)(sent + nb);
		if (nb < lim || lim < TX_BATCH)
			break; /* the general path decides what stopped us */
	}
	for (; sent < n_pkts; sent++) {
		const uint8_t *src = pkts[sent].data;
		uint32_t len = pkts[sent].len, k;
		uint16_t start = (uint16_t)(q->cursor + used);
		uint8_t *dst = NULL;
		enum tx_fit fit;

		if (memif__unlikely(!tx_len_ok(q, len))) {
			ret = MEMIF_ERR_PKT_LEN;
			break;
		}
		fit = tx_find(q, start, (uint16_t)(space - used), len, &k, &dst);
		if (fit == TX_FULL)
			goto out_full;
		if (memif__unlikely(fit == TX_BAD))
			goto out_bad;
		if (memif__likely(k == 1)) {
			memmove(dst, src, len);
			tx_desc(q, start & q->mask, len, 0);
		} else {
			struct memif_seg whole = { src, len };

			if (memif__unlikely(!tx_chain(q, start, k, &whole, 1,
						      len)))
				goto out_bad;
		}
		used = (uint16_t)(used + k);
		bytes += len;
	}
	goto out_publish;
out_bad:
	stat_add(&q->st.drops_bad_desc, 1);
	q_fault(q);
	ret = MEMIF_ERR_DISCONNECTED;
	goto out_publish;
out_full:
	stat_add(&q->st.ring_full, 1);
out_publish:
	tx_finish(q, used, sent, bytes);
	*n_sent = sent;
	q_leave(q);
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

int memif_tx_burst_sg(struct memif *m, uint8_t qid,
		      const struct memif_pkt_sg *pkts, uint16_t n_pkts,
		      uint16_t *n_sent)
{
	struct memif__queue *q;
	uint16_t space, sent = 0, used = 0;
	uint64_t bytes = 0;
	int ret;

	ret = tx_begin(m, qid, pkts, n_pkts, n_sent, &q, &space);
	if (ret || !q)
		return ret;
	for (; sent < n_pkts; sent++) {
		uint32_t len = sg_total(&pkts[sent]), k;
		uint16_t start = (uint16_t)(q->cursor + used);
		uint8_t *dst;
		enum tx_fit fit;

		if (memif__unlikely(!tx_len_ok(q, len))) {
			ret = MEMIF_ERR_PKT_LEN;
			break;
		}
		fit = tx_find(q, start, (uint16_t)(space - used), len, &k, &dst);
		if (fit == TX_FULL) {
			stat_add(&q->st.ring_full, 1);
			goto out_publish;
		}
		if (memif__unlikely(fit == TX_BAD))
			goto out_bad;
		if (memif__unlikely(!tx_chain(q, start, k, pkts[sent].segs,
					      pkts[sent].n_segs, len)))
			goto out_bad;
		used = (uint16_t)(used + k);
		bytes += len;
	}
	goto out_publish;
out_bad:
	stat_add(&q->st.drops_bad_desc, 1);
	q_fault(q);
	ret = MEMIF_ERR_DISCONNECTED;
out_publish:
	tx_finish(q, used, sent, bytes);
	*n_sent = sent;
	q_leave(q);
	return ret;
}

int memif_tx_alloc(struct memif *m, uint8_t qid, struct memif_tx_buf *bufs,
		   uint16_t n_bufs, uint16_t *n_alloc)
{
	struct memif__queue *q;
	uint16_t space, i;
	int ret;

	if (!n_alloc || (!bufs && n_bufs))
		return MEMIF_ERR_INVAL_ARG;
	*n_alloc = 0;
	if (!m)
		return MEMIF_ERR_NOCONN;
	ret = q_enter(m, qid, false, &q);
	if (ret)
		return ret;
	q->reserved = 0;
	if (memif__unlikely(!tx_space(q, &space))) {
		q_fault(q);
		q_leave(q);
		return MEMIF_ERR_DISCONNECTED;
	}
	if (n_bufs > space) {
		n_bufs = space;
		stat_add(&q->st.ring_full, 1);
	}
	prefetch_tx(q, n_bufs);
	for (i = 0; i < n_bufs; i++) {
		uint32_t cap;
		uint8_t *p =
			tx_slot(q, (uint16_t)(q->cursor + i) & q->mask, &cap);

		if (memif__unlikely(!p)) {
			stat_add(&q->st.drops_bad_desc, 1);
			q_fault(q);
			break;
		}
		bufs[i].data = p;
		bufs[i].len = cap;
	}
	q->reserved = i;
	*n_alloc = i;
	q_leave(q);
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

	if (!n_sent || (!bufs && n))
		return MEMIF_ERR_INVAL_ARG;
	*n_sent = 0;
	if (!m)
		return MEMIF_ERR_NOCONN;
	ret = q_enter(m, qid, false, &q);
	if (ret)
		return ret;
	if (n > q->reserved) {
		q_leave(q);
		return MEMIF_ERR_PKT_LEN;
	}
	for (i = 0; i < n; i++) {
		uint16_t slot = (uint16_t)(q->cursor + i) & q->mask;
		uint32_t cap;

		if (!tx_slot(q, slot, &cap) || bufs[i].len == 0 ||
		    bufs[i].len > cap || bufs[i].len > q->max_packet) {
			q_leave(q);
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
	q_leave(q);
	return MEMIF_OK;
}

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
			stat_add(&q->st.interrupts, 1);
		if (memif__unlikely(!rx_avail(q, avail)))
			return false;
	}
	/* A slave refills these descriptors when it gives them back. */
	prefetch_descs(q, q->cursor, *avail < max_pkts ? *avail : max_pkts,
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
	stat_add(&q->st.packets, n);
	stat_add(&q->st.bytes, bytes);
	stat_add(&q->st.drops_bad_desc, bad);
	stat_add(&q->st.drops_too_long, too_long);
	q_leave(q);
}

/* The peer broke the ring: the queue is faulted (the connection goes). */
static int rx_fail(struct memif__queue *q)
{
	stat_add(&q->st.drops_bad_desc, 1);
	q_fault(q);
	q_leave(q);
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
	ret = q_enter(m, qid, true, &q);
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
	ret = q_enter(m, qid, true, &q);
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
	ret = q_enter(m, qid, true, &q);
	if (ret)
		return ret;
	rx_give_back(q);
	q_leave(q);
	return MEMIF_OK;
}
