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
	v->is_master = is_master;
	v->buffer_size = bufsize;
	v->max_packet = 65535;
	v->rx_mode = MEMIF_RX_MODE_POLLING;
	strcpy(v->if_name, is_master ? "ring-m" : "ring-s");
	return v;
}

void pair_init(struct pair *p, uint8_t log2, uint32_t bufsize)
{
	struct memif *s = view_alloc(false, bufsize), *m = view_alloc(true, 0);
	unsigned t;

	ck_assert(memif__layout_init(&s->layout, 1, 1, log2, bufsize));
	ck_assert_int_eq(memif__region_create(s), 0);
	for (t = 0; t < 2; t++) {
		struct memif__ring_info *ri = t == 0 ? &s->s2m[0] : &s->m2s[0];

		ri->region = 0;
		ri->offset =
			(uint32_t)memif__layout_ring_offset(&s->layout, t, 0);
		ri->log2 = log2;
		ri->efd = memif__os_eventfd();
		ck_assert_int_ge(ri->efd, 0);
	}
	s->n_s2m = s->n_m2s = 1;
	m->regions[0].fd = dup(s->regions[0].fd);
	m->regions[0].size = s->regions[0].size;
	ck_assert_int_eq(memif__region_map(&m->regions[0]), 0);
	m->views[0].base = m->regions[0].base;
	m->views[0].size = m->regions[0].size;
	m->n_regions = 1;
	m->s2m[0] = s->s2m[0];
	m->m2s[0] = s->m2s[0];
	m->s2m[0].efd = dup(s->s2m[0].efd);
	m->m2s[0].efd = dup(s->m2s[0].efd);
	m->n_s2m = m->n_m2s = 1;
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

void pair_fini(struct pair *p)
{
	view_free(p->s);
	view_free(p->m);
}

/* Move every index of both rings to @start, as if that many packets had
 * passed already. */
void pair_set_indexes(struct pair *p, uint16_t start)
{
	struct memif__queue *stx = p->s->txq[0], *mrx = p->m->rxq[0];
	struct memif__queue *mtx = p->m->txq[0], *srx = p->s->rxq[0];

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

