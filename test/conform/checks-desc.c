/* SPDX-License-Identifier: MIT */
/*
 * Checks of what the IUT does with hostile ring contents, in both roles:
 * descriptors outside their region, lent buffers outside ours, indexes
 * that jump or go back, and buffers that overlap the packet they receive
 * (J10).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

/* C57, both roles: publish, with a signal, the slot at our TX cursor that
 * the caller wrote by hand.  The IUT drops it (the next packet is echoed)
 * or tears the link down.  Frees @p. */
static enum cf_result publish_bad(struct cf_run *r, struct cf_peer *p)
{
	struct cf_ring *t = cf_tx_ring(p, 0);
	enum cf_result res = CF_FAIL;
	enum cf_react how;

	t->cursor++;
	cf_store_release(cf_tx_index(p, 0), t->cursor);
	cf_tx_kick(p, 0, true);
	cf_sleep_ms(100);
	if (cf_echo_one(r, p, 128) == 0) {
		cf_note(r, "dropped; the next packet was echoed");
		res = CF_PASS;
	} else {
		how = cf_reaction(r, p->fd, 500, false);
		if (how == CF_REACT_CLOSE || how == CF_REACT_DISC_CLOSE) {
			cf_note(r, "tore the link down");
			res = CF_PASS;
		}
	}
	cf_peer_free(p);
	return res;
}

/* C59, both roles: our TX index published @jump slots beyond the ring,
 * with a signal. */
static void index_jump(struct cf_peer *p, uint16_t jump)
{
	cf_store_release(cf_tx_index(p, 0),
			 (uint16_t)(cf_tx_ring(p, 0)->size + jump));
	cf_tx_kick(p, 0, true);
}

/* C59, both roles, after the bad index: what the IUT does within 1 s is
 * noted; the post-check decides (alive, fresh handshake).  Frees @p. */
static enum cf_result index_aftermath(struct cf_run *r, struct cf_peer *p)
{
	enum cf_react how = cf_reaction(r, p->fd, 1000, false);

	cf_peer_free(p);
	if (how == CF_REACT_NONE)
		cf_note(r, "(clamped or ignored)");
	return CF_PASS;
}

/* ---- we slave ------------------------------------------------------------ */

/* C57: hostile S2M descriptors are dropped (or the link torn down). */
enum cf_result slave_c57_bad_desc(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm(r, 4, arg == 4 ? 65535 : 2048);
	struct memif_desc *d;
	struct cf_ring *s;

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	cf_slave_fill(p, s, s->cursor, 64, 0);
	d = &s->ring->desc[s->cursor & s->mask];
	switch (arg) {
	case 0: /* region */
		d->region = 7;
		break;
	case 1: /* overrun */
		d->offset = (uint32_t)(p->reg[0].size - 10);
		d->length = 100;
		break;
	case 2: /* u32 wrap */
		d->offset = 0xffffff00u;
		d->length = 0x200;
		break;
	case 3: /* zero length */
		d->length = 0;
		break;
	default: /* longer than any frame, inside the region */
		d->offset = (uint32_t)p->lay.buffers_offset;
		d->length = 1u << 20;
		break;
	}
	return publish_bad(r, p);
}

/* C58: M2S buffers we lend outside our region are never written. */
enum cf_result slave_c58_bad_lend(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm(r, 4, 2048);
	struct cf_ring *m2s;
	struct memif_desc *d;
	uint8_t pkt[200];
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	m2s = &p->m2s[0];
	d = &m2s->ring->desc[m2s->cursor & m2s->mask];
	if (arg == 0) {
		d->region = 9;
	} else {
		d->offset = (uint32_t)(p->reg[0].size - 100);
		d->length = 4096;
	}
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, true);
	how = cf_reaction(r, p->fd, 500, false);
	if (how == CF_REACT_NONE) {
		uint16_t tl = cf_load_acquire(&m2s->ring->tail);

		cf_note(r, "M2S tail %s",
			tl != m2s->cursor ? "moved" : "unchanged");
	}
	cf_peer_free(p);
	return CF_PASS; /* the post-check decides: alive, no fault */
}

/* C59: the producer index jumps beyond the ring (0), or our M2S head goes
 * backwards behind the IUT's tail (1). */
enum cf_result slave_c59_index(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm(r, 4, 2048);

	if (!p)
		return CF_FAIL;
	if (arg == 0) {
		index_jump(p, 5);
	} else {
		uint8_t pkt[100];

		cf_store_release(&p->m2s[0].ring->head, (uint16_t)0xfff0);
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
		cf_tx_publish(p, 0);
		cf_tx_kick(p, 0, true);
	}
	return index_aftermath(r, p);
}

static const char *const j10_what[] = { "same bytes", "half overlap" };

/* J10, both roles: round @k brought no echo.  The IUT may drop the packet
 * if it lives on and echoes the next; false when it did not (noted). */
static bool j10_dropped(struct cf_run *r, struct cf_peer *p, unsigned k)
{
	cf_note(r, "%s: no echo within %d ms", j10_what[k], r->o->timeout_ms);
	if (!cf_iut_alive(r))
		return false; /* the post-check says it */
	if (cf_echo_one(r, p, 100) < 0)
		return false;
	cf_note(r, "dropped; the next packet was echoed");
	return true;
}

/* One J10 round as the slave: an S2M packet of @len bytes and the M2S
 * buffer we lend for its echo on the same bytes (@k 0) or half a packet
 * further on (@k 1).  False when the check has failed (noted). */
static bool slave_j10_round(struct cf_run *r, struct cf_peer *p, unsigned k,
			    uint8_t *pkt, uint32_t len)
{
	struct cf_ring *s = &p->s2m[0], *m = &p->m2s[0];
	uint32_t src, dst, seq;
	struct memif_desc d, *md;
	uint16_t ms;
	uint64_t end;

	if (cf_load_acquire(&m->ring->tail) != m->cursor) {
		cf_note(r, "an M2S packet we did not expect");
		return false;
	}
	cf_pkt_fill(pkt, len, p->seq++);
	if (cf_tx_stage(p, 0, pkt, len, 0) < 0) {
		cf_note(r, "no S2M slot free");
		return false;
	}
	src = s->ring->desc[(uint16_t)(s->cursor + s->staged - 1) & s->mask]
		      .offset;
	dst = k ? src + len / 2 : src;
	ms = m->cursor & m->mask;
	md = &m->ring->desc[ms];
	md->region = 0;
	md->offset = dst;
	md->length = p->buf_size - (dst - src);
	md->flags = 0;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	while (cf_load_acquire(&m->ring->tail) == m->cursor &&
	       cf_now_ms() < end)
		cf_sleep_ms(1);
	if (cf_load_acquire(&m->ring->tail) == m->cursor) {
		/* Our buffer back in place for what follows. */
		md->offset = (uint32_t)memif__layout_buffer_offset(
			&p->lay, MEMIF_RING_M2S, 0, ms);
		md->length = p->buf_size;
		return j10_dropped(r, p, k);
	}
	d = *md; /* the master's tail is published: its final state */
	m->cursor++;
	cf_slave_lend(p, 0, m->size); /* with our own buffer again */
	if (d.region != 0 || d.offset != dst || d.length != len) {
		cf_note(r,
			"%s: echo in region %u offset %u length %u, expected "
			"0, %u, %u",
			j10_what[k], d.region, d.offset, d.length, dst, len);
		return false;
	}
	if (!cf_pkt_check(p->reg[0].base + dst, len, &seq)) {
		cf_note(r,
			"%s: echo corrupted (an overlapping copy without "
			"memmove semantics)",
			j10_what[k]);
		return false;
	}
	cf_note(r, "%s: echo of %u bytes intact", j10_what[k], len);
	return true;
}

/* J10: the IUT master copies each S2M packet into the M2S buffer we lend,
 * and we lend the very memory of the packet: first the same bytes, then
 * half a packet further on (the ranges overlap; dst > src, where a
 * forward copy would corrupt).  memmove gives back the packet intact. */
enum cf_result slave_j10_overlap(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm(r, 6, 2048);
	enum cf_result res = CF_PASS;
	uint8_t pkt[1024];
	unsigned k;

	if (!p)
		return CF_FAIL;
	cf_rx_drain(p);
	for (k = 0; k < 2 && res == CF_PASS; k++)
		if (!slave_j10_round(r, p, k, pkt, sizeof(pkt)))
			res = CF_FAIL;
	cf_peer_free(p);
	return res;
}

/* ---- we master ----------------------------------------------------------- */

/* C57: hostile M2S descriptors published to the IUT slave. */
enum cf_result master_c57_bad_desc(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm_any(r);
	struct memif_desc *d;
	struct cf_ring *t;

	if (!p)
		return CF_FAIL;
	t = &p->m2s[0];
	d = &t->ring->desc[t->cursor & t->mask];
	d->flags = 0;
	switch (arg) {
	case 0:
		d->region = 7;
		d->length = 64;
		break;
	case 1:
		d->offset = (uint32_t)(p->reg[0].size - 10);
		d->length = 100;
		break;
	case 2:
		d->offset = 0xffffff00u;
		d->length = 0x200;
		break;
	case 3:
		d->length = 0;
		break;
	default: /* longer than the slave's buffer, inside the region */
		d->offset = 0;
		d->length = p->buf_size + 1 > p->reg[0].size ?
				    (uint32_t)p->reg[0].size :
				    p->buf_size + 1;
		break;
	}
	return publish_bad(r, p);
}

/* C59: M2S tail beyond what the slave lent (0); S2M tail beyond its head
 * (1). */
enum cf_result master_c59_index(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm_any(r);

	if (!p)
		return CF_FAIL;
	if (arg == 0) {
		index_jump(p, 7);
	} else {
		cf_store_release(&p->s2m[0].ring->tail, (uint16_t)0x8000);
		(void)cf_echo_one(r, p, 100);
	}
	return index_aftermath(r, p);
}

/* One J10 round as the master: an M2S packet of @len bytes placed in the
 * IUT's next S2M buffer, where its echo goes: at the same bytes (@k 0) or
 * half a packet further on (@k 1).  CF_PASS to go on, else the verdict
 * (noted). */
static enum cf_result master_j10_round(struct cf_run *r, struct cf_peer *p,
				       unsigned k, uint8_t *pkt, uint32_t len,
				       uint8_t *rbuf)
{
	struct cf_ring *s = &p->s2m[0], *m = &p->m2s[0];
	struct memif_desc sd, *md;
	uint32_t src, got = 0, seq;
	uint16_t h;
	uint64_t end;
	int e = 0;

	h = cf_load_acquire(&s->ring->head);
	if (h != s->cursor)
		return cf_fail(r, "an S2M packet we did not expect");
	/* Where the IUT will write its echo. */
	sd = s->ring->desc[h & s->mask];
	src = k ? sd.offset + len / 2 : sd.offset;
	if (sd.region >= p->n_reg || !p->reg[sd.region].base ||
	    (uint64_t)src + len > p->reg[sd.region].size)
		return cf_na(r,
			     "S2M slot %u: region %u offset %u is not a buffer "
			     "we can aim at",
			     h & s->mask, sd.region, sd.offset);
	cf_pkt_fill(pkt, len, p->seq++);
	if (cf_tx_stage(p, 0, pkt, len, 0) < 0)
		return cf_fail(r, "no M2S slot lent");
	md = &m->ring->desc[(uint16_t)(m->cursor + m->staged - 1) & m->mask];
	memcpy(p->reg[sd.region].base + src, pkt, len);
	md->region = sd.region;
	md->offset = src;
	md->length = len;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	while (cf_now_ms() < end) {
		e = cf_rx_one(p, 0, rbuf, 1 << 16, &got);
		if (e)
			break;
		cf_sleep_ms(1);
	}
	if (e < 0)
		return cf_fail(r, "%s: RX: %s", j10_what[k],
			       e == -EINVAL ? "bad descriptor" : p->viol_ex);
	if (e == 0) {
		return j10_dropped(r, p, k) ? CF_PASS : CF_FAIL;
	}
	sd = s->ring->desc[h & s->mask];
	if (got != len)
		return cf_fail(r, "%s: echo of %u bytes, sent %u", j10_what[k],
			       got, len);
	if (!cf_pkt_check(rbuf, got, &seq))
		return cf_fail(r,
			       "%s: echo corrupted (an overlapping copy "
			       "without memmove semantics)",
			       j10_what[k]);
	cf_note(r, "%s: echo of %u bytes intact%s", j10_what[k], len,
		sd.offset + (k ? len / 2 : 0) == src ?
			"" :
			" (written elsewhere than aimed: no overlap)");
	return CF_PASS;
}

/* J10: the IUT slave echoes each M2S packet into its next S2M buffer; we
 * place the packet in that very buffer (first at the same bytes, then half
 * a packet further on: the source overlaps the destination).  memmove
 * gives back the packet intact. */
enum cf_result master_j10_overlap(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_warm_any(r);
	enum cf_result res = CF_FAIL;
	uint8_t *pkt = NULL, *rbuf = NULL;
	uint32_t len;
	unsigned k;

	if (!p)
		return CF_FAIL;
	len = p->buf_size / 2 < 1024 ? p->buf_size / 2 : 1024;
	if (len < 64) {
		res = cf_na(r, "the IUT's buffers of %u bytes are too small",
			    p->buf_size);
		goto out;
	}
	pkt = malloc(len);
	rbuf = malloc(1 << 16);
	if (!pkt || !rbuf)
		goto out;
	cf_rx_drain(p);
	res = CF_PASS;
	for (k = 0; k < 2 && res == CF_PASS; k++)
		res = master_j10_round(r, p, k, pkt, len, rbuf);
out:
	free(pkt);
	free(rbuf);
	cf_peer_free(p);
	return res;
}
