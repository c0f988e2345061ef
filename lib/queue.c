/* SPDX-License-Identifier: MIT */
/*
 * Queues on the control path: set up from the negotiated rings, the
 * per-queue quiescence gate that lets teardown unmap safely, and teardown.
 * The bursts themselves are in tx.c and rx.c (shared inlines in queue.h).
 * The data path makes no allocation, takes no lock and logs nothing; its
 * only syscalls are one signal per TX burst (none when the peer masks
 * interrupts) and the eventfd read with which memif_rx_burst in level
 * interrupt mode clears its queue when it finds the ring empty.  In edge
 * interrupt mode and in polling mode memif_rx_burst never reads the
 * eventfd.  Neither can block, whatever the peer does to the eventfd it
 * shares with us (os.c), so a burst always ends and the gate always opens
 * again.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "queue.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

bool memif__have_prefetchw;

/* Once, when the library is loaded (queue.h, memif__prefetch_w). */
static void __attribute__((constructor)) detect_prefetchw(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		memif__have_prefetchw = c & bit_PRFCHW;
#endif
}

/* ---- setup and teardown (control path) ---------------------------------- */

static void queue_init(struct memif *m, struct memif__queue *q,
		       const struct memif__ring_info *ri, bool is_rx,
		       unsigned qid)
{
	q->ring = (struct memif_ring *)(m->shm.regions[ri->region].base +
					ri->offset);
	q->size = (uint16_t)(1u << ri->log2);
	q->mask = q->size - 1;
	q->is_master = m->cfg.is_master;
	q->qid = (uint8_t)qid;
	q->efd = ri->efd;
	q->regions = m->shm.views;
	q->n_regions = m->shm.n_regions;
	q->max_frag = m->cfg.is_master ? m->cfg.max_packet : m->cfg.buffer_size;
	q->max_packet = m->cfg.max_packet;
	q->buf_size = m->cfg.buffer_size;
	q->region0 = m->shm.regions[0].base;
	q->m = m;
	q->cursor = 0;
	q->released = 0;
	q->held = 0;
	q->reserved = 0;
	q->space_end = 0;
	q->fault = false;
	memset(&q->st, 0, sizeof(q->st));
	if (!m->cfg.is_master)
		q->buf_base_off = memif__layout_buffer_offset(
			&m->shm.layout, is_rx ? MEMIF_RING_M2S : MEMIF_RING_S2M,
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

	for (i = 0; i < m->dp.alloc_rxq; i++)
		free(m->dp.rxq[i]);
	for (i = 0; i < m->dp.alloc_txq; i++)
		free(m->dp.txq[i]);
	m->dp.alloc_rxq = m->dp.alloc_txq = 0;
}

int memif__queues_setup(struct memif *m)
{
	const struct memif__ring_info *rx_ri = m->cfg.is_master ? m->shm.s2m :
								  m->shm.m2s;
	const struct memif__ring_info *tx_ri = m->cfg.is_master ? m->shm.m2s :
								  m->shm.s2m;
	uint16_t n_rx = m->cfg.is_master ? m->shm.n_s2m : m->shm.n_m2s;
	uint16_t n_tx = m->cfg.is_master ? m->shm.n_m2s : m->shm.n_s2m;
	unsigned i;

	if (queues_alloc(m->dp.rxq, &m->dp.alloc_rxq, n_rx) < 0 ||
	    queues_alloc(m->dp.txq, &m->dp.alloc_txq, n_tx) < 0)
		return -ENOMEM;
	for (i = 0; i < n_rx; i++) {
		struct memif__queue *q = m->dp.rxq[i];

		queue_init(m, q, &rx_ri[i], true, i);
		q->reasm_cap = m->cfg.max_packet;
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
		if (m->cfg.is_master) {
			/* LM and DPDK masters reset too; nothing flowed yet. */
			memif__store_release(&q->ring->tail, 0);
		} else if (!m->dp.zc_rx) {
			/* Hand every M2S slot to the master (descriptors were
			 * initialised with our buffers when the region was
			 * made).  zero_copy_rx: the application lends its
			 * own (zc.c). */
			q->released = q->size;
			memif__store_release(&q->ring->head, q->size); /* R1: A1 in tx_space */
		}
		memif__queue_set_rx_mode(q, m->cfg.rx_mode);
	}
	for (i = 0; i < n_tx; i++) {
		struct memif__queue *q = m->dp.txq[i];
		int ret;

		queue_init(m, q, &tx_ri[i], false, i);
		ret = memif__os_signal_init(&q->kick, q->efd);
		if (ret < 0)
			return ret;
		q->kick_ready = true;
		if (m->cfg.is_master)
			memif__store_release(&q->ring->tail, 0);
	}
	if (memif__zc_queues_setup(m) < 0)
		return -ENOMEM;
	for (i = 0; i < n_rx; i++)
		memif__store_release(&m->dp.rxq[i]->gate, MEMIF__GATE_OPEN);
	for (i = 0; i < n_tx; i++)
		memif__store_release(&m->dp.txq[i]->gate, MEMIF__GATE_OPEN);
	memif__store_release(&m->dp.n_rxq, n_rx);
	memif__store_release(&m->dp.n_txq, n_tx);
	m->dp.det_rxq = n_rx;
	m->dp.det_txq = n_tx;
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

	memif__store_release(&m->dp.n_rxq, 0);
	memif__store_release(&m->dp.n_txq, 0);
	for (i = 0; i < m->dp.alloc_rxq; i++)
		gate_close(m->dp.rxq[i]);
	for (i = 0; i < m->dp.alloc_txq; i++)
		gate_close(m->dp.txq[i]);
	memif__zc_orphan(m); /* what the application gets back */
}

void memif__queues_release(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->dp.alloc_rxq; i++) {
		if (m->dp.rxq[i]->reasm)
			munmap(m->dp.rxq[i]->reasm, m->dp.rxq[i]->reasm_cap);
		m->dp.rxq[i]->reasm = NULL;
		m->dp.rxq[i]->ring = NULL;
	}
	for (i = 0; i < m->dp.alloc_txq; i++) {
		m->dp.txq[i]->ring = NULL;
		if (m->dp.txq[i]->kick_ready)
			memif__os_signal_fini(&m->dp.txq[i]->kick);
		m->dp.txq[i]->kick_ready = false;
	}
}

/* The peer moved an index out of range: stop using the ring and have the
 * event loop disconnect.  Cold, and the only wake from the data path. */
void memif__q_fault(struct memif__queue *q)
{
	__atomic_store_n(&q->fault, true, __ATOMIC_RELAXED);
	__atomic_store_n(&memif__ctx->dp_fault, true, __ATOMIC_RELEASE);
	memif__loop_wake(memif__ctx);
}
