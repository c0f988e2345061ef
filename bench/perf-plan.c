/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's workers before and after a session: how many a connection
 * gets, the cpu each is pinned to, and their state (share of --count,
 * frame templates, staging buffers, slice of the --zero-copy pool, echo's
 * TX locks), set up before the threads start and freed after they are
 * joined.  The threads themselves are in perf-worker.c.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memif/memif.h>

#include "memif-perf.h"

int cpu_for(const struct opts *o, unsigned int i)
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
unsigned int plan_workers(const struct perf *p)
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

/* --zero-copy: worker @i's slice of the pool, all free (a connection
 * before this one held some: they are reclaimed from the library here;
 * the stack can take the whole pool, as buffers completed on a shared TX
 * queue may come from another slice). */
static int zc_setup(struct worker *w, unsigned int i)
{
	struct perf *p = w->p;
	struct memif_buf back[64];
	uint32_t j;
	uint16_t n;

	do {
		if (memif_zc_reclaim(p->m, back, 64, &n))
			break;
	} while (n);
	if (i >= p->zc_total / p->zc_per_q)
		return -1;
	w->zfree = malloc(sizeof(*w->zfree) * p->zc_total);
	if (!w->zfree)
		return -1;
	for (j = 0; j < p->zc_per_q; j++)
		w->zfree[w->zn++] =
			p->zc_base + ((uint64_t)i * p->zc_per_q + j) * p->zc_bs;
	return 0;
}

/* One worker per planned queue; p->nq is set once p->w exists. */
int setup_workers(struct perf *p, unsigned int nq)
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
		if (o->zero_copy && zc_setup(w, i))
			return -1;
		for (j = 0; j < o->burst; j++) {
			w->txp[j].data = w->stage + j * w->stride;
			w->txp[j].len = o->size;
			perf_build(&w->tmpl, w->stage + j * w->stride, 0, 0, 0);
		}
	}
	return 0;
}

/* The session's workers are folded: free them. */
void free_workers(struct perf *p)
{
	unsigned int i;

	if (p->w) {
		for (i = 0; i < p->nq; i++) {
			free(p->w[i].stage);
			free(p->w[i].zfree);
		}
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
