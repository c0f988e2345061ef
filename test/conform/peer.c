/* SPDX-License-Identifier: MIT */
/*
 * memif-conform's own side of a connection: the peer, the good handshake
 * up to a step for both roles (the steps are in conform.h), and all of it
 * that is ours as the slave: our region, our rings, our requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conform.h"

#include "conform.h"

struct cf_peer *cf_peer_new(bool we_master)
{
	struct cf_peer *p = calloc(1, sizeof(*p));
	unsigned i;

	if (!p)
		return NULL;
	p->we_master = we_master;
	p->fd = -1;
	for (i = 0; i < CF_MAX_REGIONS; i++)
		p->reg[i].fd = -1;
	for (i = 0; i < CF_MAX_RINGS; i++) {
		p->s2m[i].efd = -1;
		p->m2s[i].efd = -1;
	}
	return p;
}

void cf_peer_free(struct cf_peer *p)
{
	unsigned i;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	for (i = 0; i < CF_MAX_REGIONS; i++) {
		if (p->reg[i].base)
			munmap(p->reg[i].base, (size_t)p->reg[i].size);
		if (p->reg[i].fd >= 0)
			close(p->reg[i].fd);
	}
	for (i = 0; i < CF_MAX_RINGS; i++) {
		if (p->s2m[i].efd >= 0)
			close(p->s2m[i].efd);
		if (p->m2s[i].efd >= 0)
			close(p->m2s[i].efd);
	}
	free(p);
}

void cf_hs_default(const struct cf_run *r, struct cf_hs *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->n_s2m = 1;
	hs->n_m2s = 1;
	hs->log2 = 4;
	hs->buf_size = 2048;
	hs->id = r->o->id;
	hs->mode = r->o->mode;
	hs->max_region = 255;
	hs->max_s2m = 255;
	hs->max_m2s = 255;
	hs->max_log2 = MEMIF_MAX_LOG2_RING_SIZE;
	hs->rx_polling = true;
}

/* ---- we slave -------------------------------------------------------------- */

void cf_ring_setup(struct cf_ring *t, struct memif_ring *ring, uint8_t log2,
		   uint16_t region, uint32_t offset)
{
	t->ring = ring;
	t->log2 = log2;
	t->size = (uint16_t)(1u << log2);
	t->mask = (uint16_t)(t->size - 1);
	t->region = region;
	t->offset = offset;
	t->cursor = 0;
	t->staged = 0;
	t->lent = 0;
	t->released = 0;
	t->hold = false;
}

/* We slave: region 0 and the eventfds for @hs, within the IUT's HELLO. */
static int slave_prepare(struct cf_peer *p, const struct cf_hs *hs)
{
	const struct memif_msg_hello *h = &p->hello.hello;
	unsigned n_s2m = hs->n_s2m, n_m2s = hs->n_m2s, i, j;
	uint8_t log2 = hs->log2;
	struct cf_region *g = &p->reg[0];
	void *base;

	if (n_s2m > (unsigned)h->max_s2m_ring + 1)
		n_s2m = (unsigned)h->max_s2m_ring + 1;
	if (n_m2s > (unsigned)h->max_m2s_ring + 1)
		n_m2s = (unsigned)h->max_m2s_ring + 1;
	if (log2 > h->max_log2_ring_size)
		log2 = h->max_log2_ring_size;
	if (!memif__layout_init(&p->lay, (uint16_t)n_s2m, (uint16_t)n_m2s, log2,
				hs->buf_size))
		return -EINVAL;
	g->fd = memfd_create("memif-conform region 0",
			     MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (g->fd < 0)
		return -errno;
	if (ftruncate(g->fd, (off_t)p->lay.region_size) < 0 ||
	    fcntl(g->fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return -errno;
	base = mmap(NULL, (size_t)p->lay.region_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, g->fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	g->base = base;
	g->size = p->lay.region_size;
	p->n_reg = 1;
	p->n_s2m = n_s2m;
	p->n_m2s = n_m2s;
	p->buf_size = hs->buf_size;
	for (i = 0; i < n_s2m + n_m2s; i++) {
		bool s2m = i < n_s2m;
		unsigned idx = s2m ? i : i - n_s2m;
		unsigned type = s2m ? MEMIF_RING_S2M : MEMIF_RING_M2S;
		uint32_t off =
			(uint32_t)memif__layout_ring_offset(&p->lay, type, idx);
		struct cf_ring *t = s2m ? &p->s2m[idx] : &p->m2s[idx];
		struct memif_ring *ring = (struct memif_ring *)(g->base + off);

		cf_ring_setup(t, ring, log2, 0, off);
		ring->cookie = MEMIF_COOKIE;
		for (j = 0; j < t->size; j++) {
			ring->desc[j].region = 0;
			ring->desc[j].length = hs->buf_size;
			ring->desc[j].offset =
				(uint32_t)memif__layout_buffer_offset(
					&p->lay, type, idx, j);
		}
		t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->efd < 0)
			return -errno;
	}
	return 0;
}

static int send_expect(struct cf_run *r, struct cf_peer *p, struct memif_msg *m,
		       size_t used, bool dirty, int fd, uint16_t want)
{
	struct cf_rx rx;
	int ret;

	if (dirty)
		cf_dirty(m, used);
	ret = cf_send(p->fd, m, fd);
	if (ret < 0) {
		cf_note(r, "send %s: %s", cf_type_name(m->type),
			strerror(-ret));
		p->refused = ret == -EPIPE || ret == -ECONNRESET;
		return -1;
	}
	if (!cf_expect(r, p->fd, want, &rx)) {
		cf_note(r, "(answer to %s)", cf_type_name(m->type));
		p->refused = cf_rx_refused(&rx);
		return -1;
	}
	cf_rx_close_fds(&rx);
	return 0;
}

static int send_init(struct cf_run *r, struct cf_peer *p,
		     const struct cf_hs *hs)
{
	const char *secret = hs->secret ? hs->secret : r->o->secret;
	struct memif_msg m;

	memif__msg_build_init(&m, hs->id, hs->mode, secret ? secret : "",
			      CF_OUR_NAME);
	return send_expect(r, p, &m, sizeof(m.init), hs->dirty, -1,
			   MEMIF_MSG_TYPE_ACK);
}

static int send_region(struct cf_run *r, struct cf_peer *p, unsigned idx)
{
	struct memif_msg m;

	memif__msg_build_add_region(&m, (uint16_t)idx, p->reg[idx].size);
	return send_expect(r, p, &m, sizeof(m.add_region), false,
			   p->reg[idx].fd, MEMIF_MSG_TYPE_ACK);
}

int cf_slave_send_ring(struct cf_run *r, struct cf_peer *p, bool s2m,
		       unsigned idx)
{
	struct cf_ring *t = s2m ? &p->s2m[idx] : &p->m2s[idx];
	struct memif_msg m;

	memif__msg_build_add_ring(&m, s2m, (uint16_t)idx, t->region, t->offset,
				  t->log2);
	return send_expect(r, p, &m, sizeof(m.add_ring), false, t->efd,
			   MEMIF_MSG_TYPE_ACK);
}

void cf_slave_lend(struct cf_peer *p, unsigned q, unsigned n)
{
	struct cf_ring *t = &p->m2s[q];
	uint16_t limit = (uint16_t)(t->cursor + t->size);
	unsigned type = MEMIF_RING_M2S;

	/* Slots the master has not filled yet stay lent; only consumed ones
	 * (below our cursor) come back, with our own buffer. */
	while (n-- && t->lent != limit) {
		struct memif_desc *d = &t->ring->desc[t->lent & t->mask];

		d->flags = 0;
		d->region = 0;
		d->length = p->buf_size;
		d->offset = (uint32_t)memif__layout_buffer_offset(
			&p->lay, type, q, t->lent & t->mask);
		t->lent++;
	}
	cf_store_release(&t->ring->head, t->lent);
}

void cf_peer_up(struct cf_peer *p, const struct cf_hs *hs)
{
	unsigned i;
	uint16_t fl = hs->rx_polling ? MEMIF_RING_FLAG_MASK_INT : 0;

	p->connected = true;
	for (i = 0; i < p->n_m2s; i++) {
		struct cf_ring *t = &p->m2s[i];

		t->cursor = 0;
		t->staged = 0;
		if (!p->we_master) {
			/* We receive on M2S: our flags, and every slot lent. */
			cf_write_once(&t->ring->flags, fl);
			t->lent = 0;
			cf_slave_lend(p, i, t->size);
		}
	}
	for (i = 0; i < p->n_s2m; i++) {
		struct cf_ring *t = &p->s2m[i];

		t->cursor = 0;
		t->staged = 0;
		t->released = 0;
		if (p->we_master)
			cf_write_once(&t->ring->flags, fl);
	}
	cf_fence();
}

/* We slave: our part of @step, and the IUT's answer. */
static int slave_step(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	const struct cf_hs *hs = &p->hs;
	struct memif_msg m;
	struct cf_rx rx;
	unsigned i, n;
	int ret = 0;

	switch (step) {
	case CF_STEP_OPEN:
		p->fd = cf_connect(r->o->socket);
		if (p->fd >= 0)
			return 0;
		cf_note(r, "connect to %s: %s", r->o->socket, strerror(-p->fd));
		return -1;
	case CF_STEP_HELLO:
		if (!cf_expect(r, p->fd, MEMIF_MSG_TYPE_HELLO, &rx))
			return -1;
		p->hello = rx.msg;
		ret = slave_prepare(p, hs);
		if (ret < 0)
			cf_note(r,
				"cannot build our region for the IUT's "
				"HELLO: %s",
				strerror(-ret));
		return ret;
	case CF_STEP_INIT:
		return send_init(r, p, hs);
	case CF_STEP_REGION:
		for (i = 0; !ret && i < p->n_reg; i++)
			ret = send_region(r, p, i);
		return ret;
	case CF_STEP_S2M:
	case CF_STEP_RINGS:
		n = step == CF_STEP_S2M ? p->n_s2m : p->n_m2s;
		for (i = 0; !ret && i < n; i++)
			ret = cf_slave_send_ring(r, p, step == CF_STEP_S2M, i);
		return ret;
	case CF_STEP_CONNECTED:
		memif__msg_build_connect(&m, hs->if_name ? hs->if_name :
							   CF_OUR_NAME);
		if (send_expect(r, p, &m, sizeof(m.connect), hs->dirty, -1,
				MEMIF_MSG_TYPE_CONNECTED) < 0)
			return -1;
		cf_peer_up(p, hs);
		return 0;
	default:
		return -1;
	}
}

/* ---- a good handshake up to a step, both roles ------------------------------- */

/* In the order of enum cf_step. */
static const char *const step_names[] = {
	"none",	      "the connection", "HELLO",     "INIT",
	"ADD_REGION", "the S2M rings",	"the rings", "CONNECTED",
};

const char *cf_step_name(enum cf_step step)
{
	return step_names[step];
}

int cf_peer_to(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	p->refused = false;
	if (p->we_master)
		return cf_master_to(r, p, step);
	while (p->at < step) {
		if (slave_step(r, p, p->at + 1) < 0)
			return -1;
		p->at++;
	}
	return 0;
}

struct cf_peer *cf_peer_at(struct cf_run *r, const struct cf_hs *hs,
			   enum cf_step step)
{
	struct cf_peer *p = cf_peer_new(r->o->we_master);

	if (!p)
		return NULL;
	if (hs)
		p->hs = *hs;
	else
		cf_hs_default(r, &p->hs);
	if (cf_peer_to(r, p, step) == 0)
		return p;
	cf_note(r, "(good handshake up to %s failed)", step_names[step]);
	cf_peer_free(p);
	return NULL;
}
