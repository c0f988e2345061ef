/* SPDX-License-Identifier: MIT */
/*
 * A slave and a master view of one real memfd region, built with the
 * library's own region and queue code, without sockets (ring-pair.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "ring-pair.h"

static struct memif *view_alloc(bool is_master, uint32_t bufsize)
{
	struct memif *v = calloc(1, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	/* One region and one ring each way, as a handshake would make. */
	ck_assert_int_eq(memif__regions_reserve(v, 1), 0);
	ck_assert_int_eq(memif__rings_reserve(v, true, 1), 0);
	ck_assert_int_eq(memif__rings_reserve(v, false, 1), 0);
	v->cfg.is_master = is_master;
	v->cfg.buffer_size = bufsize;
	v->cfg.max_packet = 65535;
	v->cfg.rx_mode = MEMIF_RX_MODE_POLLING;
	strcpy(v->cfg.if_name, is_master ? "ring-m" : "ring-s");
	return v;
}

void pair_init(struct pair *p, uint8_t log2, uint32_t bufsize)
{
	struct memif *s = view_alloc(false, bufsize), *m = view_alloc(true, 0);
	unsigned t;

	ck_assert(memif__layout_init(&s->shm.layout, 1, 1, log2, bufsize));
	ck_assert_int_eq(memif__region_create(s), 0);
	for (t = 0; t < 2; t++) {
		struct memif__ring_info *ri = t == 0 ? &s->shm.s2m[0] :
						       &s->shm.m2s[0];

		ri->region = 0;
		ri->offset = (uint32_t)memif__layout_ring_offset(&s->shm.layout,
								 t, 0);
		ri->log2 = log2;
		ri->efd = memif__os_eventfd();
		ck_assert_int_ge(ri->efd, 0);
	}
	s->shm.n_s2m = s->shm.n_m2s = 1;
	m->shm.regions[0].fd = dup(s->shm.regions[0].fd);
	m->shm.regions[0].size = s->shm.regions[0].size;
	ck_assert_int_eq(memif__region_map(&m->shm.regions[0]), 0);
	m->shm.views[0].base = m->shm.regions[0].base;
	m->shm.views[0].size = m->shm.regions[0].size;
	m->shm.n_regions = 1;
	m->shm.s2m[0] = s->shm.s2m[0];
	m->shm.m2s[0] = s->shm.m2s[0];
	m->shm.s2m[0].efd = dup(s->shm.s2m[0].efd);
	m->shm.m2s[0].efd = dup(s->shm.m2s[0].efd);
	m->shm.n_s2m = m->shm.n_m2s = 1;
	ck_assert_int_eq(memif__queues_setup(m), 0);
	ck_assert_int_eq(memif__queues_setup(s), 0);
	p->s = s;
	p->m = m;
}

static void view_free(struct memif *v)
{
	memif__queues_quiesce(v);
	memif__release_conn_state(v);
	memif__queues_free(v);
	free(v);
}

uint16_t rx_ok(struct memif *m, struct memif_rx_pkt *rp, uint16_t max)
{
	uint16_t got;

	ck_assert_int_eq(memif_rx_burst(m, 0, rp, max, &got), MEMIF_OK);
	return got;
}

uint16_t tx_ok(struct memif *m, const struct memif_tx_pkt *pk, uint16_t n)
{
	uint16_t sent;

	ck_assert_int_eq(memif_tx_burst(m, 0, pk, n, &sent), MEMIF_OK);
	return sent;
}

void pair_fini(struct pair *p)
{
	view_free(p->s);
	view_free(p->m);
}

/* Move every index of both rings to @start, as if that many packets had
 * passed already. */
void pair_set_indexes(struct pair *p, uint16_t start)
{
	struct memif__queue *stx = p->s->dp.txq[0], *mrx = p->m->dp.rxq[0];
	struct memif__queue *mtx = p->m->dp.txq[0], *srx = p->s->dp.rxq[0];

	stx->cursor = start;
	stx->ring->head = start;
	stx->ring->tail = start;
	mrx->cursor = mrx->released = start;
	srx->cursor = start;
	srx->released = (uint16_t)(start + srx->size);
	srx->ring->tail = start;
	srx->ring->head = srx->released;
	mtx->cursor = start;
}

void fill(uint8_t *b, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7);
}

bool check(const uint8_t *b, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(seed * 31 + i * 7))
			return false;
	return true;
}

