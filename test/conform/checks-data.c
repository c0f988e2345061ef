/* SPDX-License-Identifier: MIT */
/*
 * Checks of the data path with an IUT that echoes, in both roles: long
 * runs across the index wrap, chains, who writes which index and
 * descriptor, chains that cannot complete, a full ring; and the helpers
 * the data-path checks share.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

/* ---- helpers ------------------------------------------------------------- */

enum cf_result cf_on_peer(struct cf_run *r, struct cf_peer *p,
			  enum cf_result (*body)(struct cf_run *r,
						 struct cf_peer *p, long arg),
			  long arg)
{
	enum cf_result res;

	if (!p)
		return CF_FAIL;
	res = body(r, p, arg);
	cf_peer_free(p);
	return res;
}

struct cf_peer *cf_peer_warm(struct cf_run *r, uint8_t log2, uint32_t buf)
{
	uint64_t end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = log2; /* we slave */
	hs.max_log2 = log2; /* we master */
	hs.buf_size = buf;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	/* An IUT slave lends its M2S buffers right after CONNECTED. */
	while (p && p->we_master && !cf_load_acquire(&p->m2s[0].ring->head) &&
	       cf_now_ms() < end)
		cf_sleep_ms(2);
	if (p && cf_warmup(r, p) < 0) {
		cf_peer_free(p);
		return NULL;
	}
	return p;
}

struct cf_peer *cf_peer_warm_any(struct cf_run *r)
{
	return cf_peer_warm(r, r->o->we_master ? MEMIF_MAX_LOG2_RING_SIZE : 6,
			    2048);
}

int cf_wait_echo(struct cf_run *r, struct cf_peer *p, int ms)
{
	uint64_t end = cf_now_ms() + (uint64_t)ms;
	uint8_t *buf = malloc(1 << 20);
	uint32_t len = 0, seq;
	int ret = 0;

	while (buf) {
		int e = cf_rx_one(p, 0, buf, 1 << 20, &len);

		if (e == 1) {
			ret = cf_pkt_check(buf, len, &seq) ? 1 : -1;
			if (ret < 0)
				cf_note(r, "echo of %u bytes corrupted", len);
			break;
		}
		if (e < 0) {
			cf_note(r, "RX: %s", p->viol_ex);
			ret = -1;
			break;
		}
		if (cf_now_ms() > end)
			break;
		cf_sleep_ms(1);
	}
	free(buf);
	return ret;
}

void cf_slave_fill(struct cf_peer *p, struct cf_ring *t, uint16_t idx,
		   uint32_t len, uint16_t flags)
{
	struct memif_desc *d = &t->ring->desc[idx & t->mask];
	uint64_t off = memif__layout_buffer_offset(&p->lay, MEMIF_RING_S2M, 0,
						   idx & t->mask);

	memset(p->reg[0].base + off, 0x5a, len);
	d->region = 0;
	d->offset = (uint32_t)off;
	d->length = len;
	d->flags = flags;
}

/* C55.starve, both roles, once our RX ring (held) has one free slot: a
 * packet of @len bytes, 3 slots, goes out for its echo.  The IUT must not
 * publish the part of the chain that fits; once we release the ring, the
 * whole chain or nothing comes back. */
static enum cf_result starve_chain(struct cf_run *r, struct cf_peer *p,
				   uint8_t *pkt, uint32_t len)
{
	struct cf_ring *rx = cf_rx_ring(p, 0);
	uint16_t *idx = cf_rx_index(p, 0), i0;

	r->note[0] = 0;
	i0 = cf_load_acquire(idx);
	cf_pkt_fill(pkt, len, p->seq++);
	if (cf_tx_stage(p, 0, pkt, len, 0) < 0)
		return CF_FAIL;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	if (cf_load_acquire(idx) != i0) {
		uint16_t i = cf_load_acquire(idx);

		if (rx->ring->desc[(uint16_t)(i - 1) & rx->mask].flags &
		    MEMIF_DESC_FLAG_NEXT)
			return cf_fail(r, "published half a chain with 1 free "
					  "slot");
	}
	cf_note(r, "nothing published with 1 free slot for a 3-slot chain");
	rx->hold = false;
	cf_rx_release(p, 0);
	switch (cf_wait_echo(r, p, 1000)) {
	case 1:
		cf_note(r, "the chain arrived whole once slots were free");
		return CF_PASS;
	case 0:
		cf_note(r, "the IUT dropped the chain (allowed)");
		return CF_PASS;
	default:
		return CF_FAIL;
	}
}

/* RF, both roles: take the echoes waiting in our RX ring, for @ms or
 * until @max came, each an intact packet after the one before.  How many,
 * or -1 (noted). */
static int drain_in_order(struct cf_run *r, struct cf_peer *p, unsigned ms,
			  unsigned max)
{
	uint64_t end = cf_now_ms() + ms;
	uint8_t rbuf[2048];
	uint32_t last = 0;
	unsigned got = 0;

	while (cf_now_ms() < end && got < max) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

		if (e < 0) {
			cf_note(r, "RX: %s", p->viol_ex);
			return -1;
		}
		if (e == 0) {
			cf_sleep_ms(1);
			continue;
		}
		if (!cf_pkt_check(rbuf, len, &seq) || (got && seq <= last)) {
			cf_note(r, "echo corrupted or out of order");
			return -1;
		}
		last = seq;
		got++;
	}
	cf_note(r, "%u echoes after draining", got);
	return (int)got;
}

/* RF, both roles: stage the next 256-byte packet on TX queue 0; when the
 * ring is full, once more after @retry_ms (0: no retry).  True when it
 * was staged. */
static bool stage_next(struct cf_peer *p, unsigned retry_ms)
{
	uint8_t pkt[256];

	cf_pkt_fill(pkt, sizeof(pkt), p->seq);
	if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0) {
		if (!retry_ms)
			return false;
		cf_sleep_ms(retry_ms);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			return false;
	}
	p->seq++;
	return true;
}

/* RF, both roles: after @ms, the echoes waiting in our held RX ring, or
 * -1 with @overrun noted when the IUT published more than it holds. */
static int full_ring_waiting(struct cf_run *r, struct cf_peer *p, unsigned ms,
			     const char *overrun)
{
	struct cf_ring *rx = cf_rx_ring(p, 0);
	uint16_t used;

	cf_sleep_ms(ms);
	if (p->we_master)
		used = (uint16_t)(cf_load_acquire(&rx->ring->head) -
				  rx->released);
	else
		used = (uint16_t)(cf_load_acquire(&rx->ring->tail) -
				  rx->cursor);
	if (used > rx->size) {
		cf_note(r, "%s", overrun);
		return -1;
	}
	return used;
}

/* RF, both roles: let go of our RX ring, held since the start and now
 * full, and drain it for @ms (at most @max echoes): PASS when at least a
 * ring's worth came back in order and no invariant broke. */
static enum cf_result drain_full_ring(struct cf_run *r, struct cf_peer *p,
				      unsigned ms, unsigned max)
{
	struct cf_ring *rx = cf_rx_ring(p, 0);
	int got;

	rx->hold = false;
	got = drain_in_order(r, p, ms, max);
	if (got < 0)
		return CF_FAIL;
	return (unsigned)got >= rx->size && !p->viol ? CF_PASS : CF_FAIL;
}

/* We slave: traffic @t with rings of 2^@log2 entries and @buf-byte
 * buffers; PASS when all of it came back intact. */
static enum cf_result echo_run(struct cf_run *r, uint8_t log2, uint32_t buf,
			       const struct cf_traffic *t)
{
	struct cf_peer *p = cf_peer_warm(r, log2, buf);
	enum cf_result res = CF_FAIL;

	if (p && cf_echo(r, p, t) == 0)
		res = CF_PASS;
	cf_peer_free(p);
	return res;
}

/* C56.wait, both roles, with 2 of a chain's 3 fragments published: no
 * echo within @ms; once the last is published, the whole chain. */
static enum cf_result chain_completes(struct cf_run *r, struct cf_peer *p,
				      int ms)
{
	if (cf_wait_echo(r, p, ms) != 0)
		return cf_fail(r, "the IUT forwarded an incomplete chain");
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	if (cf_wait_echo(r, p, r->o->timeout_ms) != 1)
		return cf_fail(r, "no intact echo once the chain was "
				  "completed");
	cf_note(r, "waited for the last fragment, then echoed the chain");
	return CF_PASS;
}

/* C56.full, both roles: publish, with a signal, the whole TX ring from
 * our cursor on, which the caller made one chain that never ends; the IUT
 * must treat it as an error. */
static enum cf_result publish_endless_chain(struct cf_run *r, struct cf_peer *p)
{
	struct cf_ring *t = cf_tx_ring(p, 0);
	enum cf_react how;

	t->cursor = (uint16_t)(t->cursor + t->size);
	cf_store_release(cf_tx_index(p, 0), t->cursor);
	cf_tx_kick(p, 0, true);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		return CF_PASS;
	return cf_fail(r, "a full ring of NEXT descriptors was not treated as "
			  "an error");
}

/* ---- we slave, the IUT master echoes ------------------------------------- */

enum cf_result slave_c52_long_run(struct cf_run *r, long arg)
{
	struct cf_traffic t = { .packets = r->o->packets,
				.min_len = 60,
				.max_len = 1514 };

	return echo_run(r, 10, 2048, &t);
}
enum cf_result slave_c55_chains(struct cf_run *r, long arg)
{
	struct cf_traffic t = {
		.packets = 5000, .min_len = 60, .max_len = 8192, .chain_pct = 50
	};

	return echo_run(r, 10, 2048, &t);
}
static enum cf_result ownership_on(struct cf_run *r, struct cf_peer *p,
				   long arg)
{
	struct cf_traffic t = { .packets = 640,
				.min_len = 300,
				.max_len = 300 };
	struct cf_ring *s = &p->s2m[0];
	unsigned j;

	if (cf_echo(r, p, &t) < 0)
		return CF_FAIL;
	if (cf_read_once(&s->ring->head) != s->cursor)
		return cf_fail(r, "S2M head %u, we wrote %u", s->ring->head,
			       s->cursor);
	for (j = 0; j < s->size; j++) {
		struct memif_desc d = s->ring->desc[j];

		if (d.flags || d.region || d.length != 300 ||
		    d.offset != (uint32_t)memif__layout_buffer_offset(
					&p->lay, MEMIF_RING_S2M, 0, j))
			return cf_fail(r,
				       "S2M desc %u rewritten: flags %u region "
				       "%u length %u offset %u",
				       j, d.flags, d.region, d.length,
				       d.offset);
	}
	return CF_PASS;
}

/* C54: the IUT master never writes S2M head nor S2M descriptors, and never
 * moves the region/offset of the M2S buffers we lend (checked on RX). */
enum cf_result slave_c54_ownership(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 6, 2048), ownership_on, 0);
}

static enum cf_result slave_starve_on(struct cf_run *r, struct cf_peer *p,
				      long arg)
{
	uint8_t pkt[700];
	int i;

	p->m2s[0].hold = true;
	/* Use up 15 of the 16 lent M2S slots. */
	for (i = 0; i < 15; i++)
		if (cf_echo_one(r, p, 100) < 0)
			return CF_FAIL;
	return starve_chain(r, p, pkt, sizeof(pkt));
}

enum cf_result slave_c55_starve(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 4, 256), slave_starve_on, 0);
}

static enum cf_result slave_wait_on(struct cf_run *r, struct cf_peer *p,
				    long arg)
{
	struct cf_ring *s = &p->s2m[0];
	uint8_t pkt[700];

	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
		return CF_FAIL;
	/* Publish two of the three fragments. */
	cf_store_release(&s->ring->head, (uint16_t)(s->cursor + 2));
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	if (cf_load_acquire(&s->ring->tail) != s->cursor) {
		cf_note(r, "the IUT released slots of an incomplete chain");
		return CF_FAIL;
	}
	return chain_completes(r, p, 10);
}

/* C56: an incomplete chain is not consumed until completed. */
enum cf_result slave_c56_wait(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 4, 256), slave_wait_on, 0);
}

static enum cf_result slave_full_on(struct cf_run *r, struct cf_peer *p,
				    long arg)
{
	struct cf_ring *s = &p->s2m[0];
	uint16_t i;

	if (cf_load_acquire(&s->ring->tail) != s->cursor)
		return cf_fail(r, "the IUT did not release the warm-up slots");
	/* Every slot, from our cursor on, one never-ending chain. */
	for (i = 0; i < s->size; i++)
		cf_slave_fill(p, s, (uint16_t)(s->cursor + i), 64,
			      MEMIF_DESC_FLAG_NEXT);
	return publish_endless_chain(r, p);
}

/* C56: a ring full of one never-ending chain is a protocol error. */
enum cf_result slave_c56_full(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 4, 256), slave_full_on, 0);
}

enum cf_result slave_c60_flags(struct cf_run *r, long arg)
{
	struct cf_traffic t = { .packets = 32,
				.min_len = 60,
				.max_len = 500,
				.extra_flags = 0x8100 };

	return echo_run(r, 6, 2048, &t);
}
static enum cf_result slave_full_ring_on(struct cf_run *r, struct cf_peer *p,
					 long arg)
{
	struct cf_ring *m = &p->m2s[0];
	unsigned sent;
	int used;

	m->hold = true;
	for (sent = 0; sent < 200 && stage_next(p, 2); sent++) {
		cf_tx_publish(p, 0);
		cf_tx_kick(p, 0, false);
	}
	used = full_ring_waiting(r, p, 200, "M2S tail beyond head");
	if (used < 0)
		return CF_FAIL;
	cf_note(r, "ring full after %u packets; %d echoes waiting", sent, used);
	return drain_full_ring(r, p, 2000, UINT_MAX);
}

/* Ring full: we lend nothing back; the IUT must not overrun our M2S ring,
 * and traffic resumes once we drain it. */
enum cf_result slave_rf_ring_full(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 4, 2048), slave_full_ring_on, 0);
}

/* ---- we master, the IUT slave echoes ------------------------------------- */

static enum cf_result run_traffic(struct cf_run *r, unsigned packets,
				  unsigned chain_pct, uint32_t max_mult,
				  uint16_t extra_flags)
{
	struct cf_peer *p = cf_peer_warm_any(r);
	enum cf_result res = CF_FAIL;
	struct cf_traffic t = { .packets = packets,
				.min_len = 60,
				.chain_pct = chain_pct,
				.extra_flags = extra_flags };

	if (!p)
		return CF_FAIL;
	t.max_len = p->buf_size * max_mult;
	if (t.max_len > 1514 && max_mult == 1)
		t.max_len = 1514;
	if (t.max_len > 65535)
		t.max_len = 65535;
	if (cf_echo(r, p, &t) == 0)
		res = CF_PASS;
	cf_peer_free(p);
	return res;
}

enum cf_result master_c52_long_run(struct cf_run *r, long arg)
{
	return run_traffic(r, r->o->packets, 0, 1, 0);
}

enum cf_result master_c55_chains(struct cf_run *r, long arg)
{
	return run_traffic(r, 5000, 50, 4, 0);
}

enum cf_result master_c60_flags(struct cf_run *r, long arg)
{
	return run_traffic(r, 32, 0, 1, 0x8100);
}

static enum cf_result indexes_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	struct cf_traffic t = { .packets = 3000,
				.min_len = 60,
				.max_len = 1000 };

	if (cf_echo(r, p, &t) < 0)
		return CF_FAIL;
	if (cf_read_once(&p->m2s[0].ring->tail) != p->m2s[0].cursor ||
	    cf_read_once(&p->s2m[0].ring->tail) != p->s2m[0].released) {
		cf_note(r, "a tail we own was rewritten");
		return CF_FAIL;
	}
	return CF_PASS;
}

/* C53: the IUT slave keeps (head - tail) <= N on M2S and never writes the
 * tails, which are ours. */
enum cf_result master_c53_indexes(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), indexes_on, 0);
}

static enum cf_result master_starve_on(struct cf_run *r, struct cf_peer *p,
				       long arg)
{
	struct cf_ring *s = &p->s2m[0];
	enum cf_result res = CF_FAIL;
	unsigned i, n;
	uint8_t *pkt;

	/* Fill all but one S2M slot with single-slot echoes we keep. */
	s->hold = true;
	n = s->size - 1u;
	if (n > 4096)
		return cf_na(r, "S2M ring of %u entries is too large", s->size);
	pkt = malloc(p->buf_size * 3);
	if (!pkt)
		return CF_FAIL;
	for (i = 0; i < n; i++)
		if (cf_echo_one(r, p, 100) < 0)
			break;
	if (i == n)
		res = starve_chain(r, p, pkt, p->buf_size * 3);
	free(pkt);
	return res;
}

/* C55: with S2M nearly full, the IUT never publishes half a chain. */
enum cf_result master_c55_starve(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 6, 2048), master_starve_on, 0);
}

static enum cf_result master_wait_on(struct cf_run *r, struct cf_peer *p,
				     long arg)
{
	struct cf_ring *t = &p->m2s[0];
	uint32_t len = p->buf_size * 2 + 100;
	uint8_t *pkt = malloc(len);
	bool staged;

	if (!pkt)
		return CF_FAIL;
	cf_pkt_fill(pkt, len, p->seq++);
	staged = cf_tx_stage(p, 0, pkt, len, 0) == 0;
	free(pkt);
	if (!staged)
		return CF_FAIL;
	cf_store_release(&t->ring->tail, (uint16_t)(t->cursor + 2));
	cf_tx_kick(p, 0, false);
	return chain_completes(r, p, 300);
}

enum cf_result master_c56_wait(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), master_wait_on, 0);
}

static enum cf_result master_full_on(struct cf_run *r, struct cf_peer *p,
				     long arg)
{
	struct cf_ring *t = &p->m2s[0];
	uint16_t i, lent, size = t->size;

	lent = (uint16_t)(cf_load_acquire(&t->ring->head) - t->cursor);
	if (lent != size)
		return cf_na(r, "the IUT lent %u of %u M2S slots", lent, size);
	/* Every lent slot, from our cursor on, one never-ending chain. */
	for (i = 0; i < size; i++) {
		struct memif_desc *d =
			&t->ring->desc[(uint16_t)(t->cursor + i) & t->mask];

		d->length = 64;
		d->flags = MEMIF_DESC_FLAG_NEXT;
	}
	return publish_endless_chain(r, p);
}

enum cf_result master_c56_full(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), master_full_on, 0);
}

static enum cf_result master_full_ring_on(struct cf_run *r, struct cf_peer *p,
					  long arg)
{
	struct cf_ring *s = &p->s2m[0];
	unsigned sent, n;
	int used;

	s->hold = true;
	n = s->size + 64u;
	if (n > p->m2s[0].size)
		n = p->m2s[0].size;
	for (sent = 0; sent < n && stage_next(p, 0); sent++)
		;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	used = full_ring_waiting(r, p, 300, "S2M head beyond tail + ring size");
	if (used < 0)
		return CF_FAIL;
	cf_note(r, "%u packets sent; %d echoes in a full S2M ring of %u", sent,
		used, s->size);
	cf_rx_release(p, 0);
	return drain_full_ring(r, p, 3000, sent);
}

/* Ring full: we stop releasing S2M; no overrun; traffic resumes. */
enum cf_result master_rf_ring_full(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm(r, 8, 2048), master_full_ring_on, 0);
}
