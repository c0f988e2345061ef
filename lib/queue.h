/* SPDX-License-Identifier: MIT */
/*
 * What the transmit (tx.c), receive (rx.c) and zero-copy (zc.c) bursts
 * share: the argument check, entering and leaving a queue through its gate,
 * the fault that hands a broken ring to the event loop, the per-queue
 * counters, the level-mode eventfd clear, the transmit kick and the
 * descriptor prefetch.  Hot path: everything here is inline but the cold
 * fault.
 */
#ifndef MEMIF_QUEUE_H
#define MEMIF_QUEUE_H

#include "internal.h"

/* For a helper two bursts share whose arguments are constants at each call:
 * inlined whatever its size, so each burst keeps its own code. */
#define memif__always_inline inline __attribute__((always_inline))

/* A burst's way in: the queue @qid of the given direction with its gate
 * taken (tag-gate in queue.c), or the error the caller returns. */
static inline int memif__q_enter(struct memif *m, uint8_t qid, bool rx,
				 struct memif__queue **out)
{
	uint16_t n = memif__load_acquire(rx ? &m->dp.n_rxq : &m->dp.n_txq);
	struct memif__queue *q;
	uint32_t v = MEMIF__GATE_OPEN;

	if (memif__unlikely(qid >= n))
		return n ? MEMIF_ERR_QID : MEMIF_ERR_DISCONNECTED;
	q = rx ? m->dp.rxq[qid] : m->dp.txq[qid];
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

/* A burst's arguments, checked as every burst checks them: @n_out is
 * required, and zeroed; @arr is required when @n asks for entries. */
static inline bool memif__burst_args(const void *arr, uint16_t n,
				     uint16_t *n_out)
{
	if (!n_out || (!arr && n))
		return false;
	*n_out = 0;
	return true;
}

static inline void memif__q_leave(struct memif__queue *q)
{
	memif__store_release(&q->gate, MEMIF__GATE_OPEN);
}

/* The peer moved an index out of range: stop using the ring and have the
 * event loop disconnect.  Cold, and the only wake from the data path. */
void memif__q_fault(struct memif__queue *q) __attribute__((cold));

static inline void memif__stat_add(uint64_t *p, uint64_t v)
{
	/* Single writer (this queue's thread); details reads it relaxed. */
	if (v)
		memif__write_once(p, memif__read_once(p) + v);
}

/* The peer broke the ring during a burst: the queue is faulted (the
 * connection goes) and left; what the burst returns. */
static inline int memif__q_fail(struct memif__queue *q)
{
	memif__stat_add(&q->st.drops_bad_desc, 1);
	memif__q_fault(q);
	memif__q_leave(q);
	return MEMIF_ERR_DISCONNECTED;
}

/*
 * A receive that found nothing published, in level interrupt mode: the
 * eventfd is cleared and true returned, and the caller looks at the ring
 * again.  Clear first, then look again: a signal that lands between the
 * two is never consumed without its data being seen.  Edge mode never
 * reads the eventfd: its waiter is woken by every write, read or not
 * (ring.h, tag-ring-wakeup).
 */
static inline bool memif__rx_level_clear(struct memif__queue *q, uint16_t avail)
{
	if (avail != 0 || __atomic_load_n(&q->rx_mode, __ATOMIC_RELAXED) !=
				  MEMIF_RX_MODE_INTERRUPT)
		return false;
	if (memif__os_eventfd_clear(q->efd) > 0)
		memif__stat_add(&q->st.interrupts, 1);
	return true;
}

/* Signal the peer once per transmit burst unless it masks interrupts. */
static inline void memif__tx_kick(struct memif__queue *q)
{
	/* tag-ring-wakeup: the index store must be ordered before the flags
	 * load; release alone does not order a later load. */
	memif__fence();
	if (!(memif__read_once(&q->ring->flags) & MEMIF_RING_FLAG_MASK_INT)) {
		if (memif__os_signal(&q->kick) == 0)
			memif__stat_add(&q->st.interrupts, 1);
	}
}

/*
 * A line we are going to store to, asked for with ownership.  GCC emits
 * PREFETCHW for __builtin_prefetch(p, 1) only when told the CPU has it
 * (-mprfchw); without it the write hint silently becomes a read prefetch,
 * the line arrives shared and the store still has to invalidate the peer's
 * copy: a second crossing.  So on x86 the instruction is issued directly
 * when CPUID says it exists (memif__have_prefetchw, set once at load).
 */
extern bool memif__have_prefetchw;

static inline void memif__prefetch_w(const void *p)
{
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
	if (memif__have_prefetchw) {
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
		return;
	}
#endif
	__builtin_prefetch(p, 1);
}

/*
 * The descriptor lines (and the buffers) were last written or read by the
 * peer's core.  Asking for a whole burst's lines up front overlaps the cache
 * misses instead of taking them one access at a time.  @write asks for
 * ownership: a line we are going to store to, fetched shared, would cross
 * the cores twice (once to read it, once more to invalidate the peer's
 * copy).
 */
static inline void memif__prefetch_descs(struct memif__queue *q,
					 uint16_t first, uint16_t n, bool write)
{
	uint16_t i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i += 4) {
		const void *d = &q->ring->desc[(uint16_t)(first + i) & q->mask];

		if (write)
			memif__prefetch_w(d);
		else
			__builtin_prefetch(d, 0);
	}
}

#endif
