/* SPDX-License-Identifier: MIT */
/*
 * Checks run with --role master: memif-conform listens as the master and
 * the IUT is a slave that connects to it (spec/memif-protocol.md §8.1,
 * §8.3, §8.4, §8.5, §8.7 and spec/hostile-peer.md §3 A-C, H-J as seen by a
 * slave).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

static enum cf_result refuse_msg(struct cf_run *r, struct cf_peer *p,
				 const void *m, size_t len, const int *fds,
				 unsigned n_fds)
{
	enum cf_result res;

	if (!p)
		return CF_FAIL;
	cf_send_raw(p->fd, m, len, fds, n_fds);
	res = cf_expect_reject(r, p->fd);
	cf_peer_free(p);
	return res;
}

/* ---- the IUT's handshake --------------------------------------------------- */

static enum cf_result c1_connects(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_OPEN);
	int type = 0;
	socklen_t len = sizeof(type);

	if (!p)
		return CF_FAIL;
	getsockopt(p->fd, SOL_SOCKET, SO_TYPE, &type, &len);
	cf_peer_free(p);
	if (type != SOCK_SEQPACKET)
		return cf_fail(r, "socket type %d", type);
	cf_note(r, "the IUT slave connected to %s", r->o->socket);
	return CF_PASS;
}

/* C41, C42, C45, C46: one handshake, every observation. */
static enum cf_result observe(struct cf_run *r, long what)
{
	struct cf_hs hs;
	struct cf_peer *p;
	enum cf_result res = CF_PASS;

	cf_hs_default(r, &hs);
	if (what == 42)
		hs.ack_delay_ms = 500;
	hs.observe = true;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	switch (what) {
	case 41:
		cf_note(r, "INIT id %u mode %u secret \"%s\"", p->obs.init_id,
			p->obs.init_mode, p->obs.init_secret);
		if (!p->obs.init_ok)
			res = cf_fail(r, "%s", p->obs.why);
		break;
	case 42:
		cf_note(r,
			"%u region(s), %u S2M, %u M2S rings; every reply "
			"delayed 500 ms",
			p->n_reg, p->n_s2m, p->n_m2s);
		if (!p->obs.order_ok || !p->obs.lockstep_ok)
			res = cf_fail(r, "%s", p->obs.why);
		break;
	case 45:
		cf_note(r,
			"%u region(s), rings of %u entries, buffers of %u "
			"bytes",
			p->n_reg, p->s2m[0].size, p->buf_size);
		if (!p->obs.regions_ok || !p->obs.desc_ok)
			res = cf_fail(r, "%s", p->obs.why);
		break;
	case 451:
		if (!p->obs.seal_ok)
			res = cf_fail(r, "%s", p->obs.why);
		else
			cf_note(r, "F_SEAL_SHRINK on every region");
		break;
	case 452: {
		uint64_t slots = (uint64_t)(p->n_s2m + p->n_m2s)
				 << p->s2m[0].log2;

		if (slots <= 65536)
			res = cf_na(r,
				    "the IUT's %llu slots do not exceed "
				    "65536",
				    (unsigned long long)slots);
		else if (!p->obs.desc_ok)
			res = cf_fail(r, "%s", p->obs.why);
		else
			cf_note(r, "%llu buffers, none shared",
				(unsigned long long)slots);
		break;
	}
	default:
		cf_note(r, "%u S2M and %u M2S eventfds", p->n_s2m, p->n_m2s);
		if (!p->obs.efd_ok)
			res = cf_fail(r, "%s", p->obs.why);
		break;
	}
	if (!p->obs.rings_ok && res == CF_PASS)
		res = cf_fail(r, "%s", p->obs.why);
	cf_peer_free(p);
	return res;
}

/* C44: HELLO maxima are highest indexes (arg 0: 0/1/6; 1: 255/255/14;
 * 2: 0xffff everywhere and log2 20). */
static enum cf_result c44_maxima(struct cf_run *r, long arg)
{
	struct cf_hs hs;
	struct cf_peer *p;
	enum cf_result res = CF_PASS;
	unsigned ms2m, mm2s, mlog2;

	cf_hs_default(r, &hs);
	if (arg == 0) {
		hs.max_s2m = 0;
		hs.max_m2s = 1;
		hs.max_log2 = 6;
	} else if (arg == 2) {
		hs.max_s2m = 0xffff;
		hs.max_m2s = 0xffff;
		hs.max_region = 0xffff;
		hs.max_log2 = 20;
	}
	ms2m = hs.max_s2m + 1u;
	mm2s = hs.max_m2s + 1u;
	mlog2 = hs.max_log2 > 14 ? 14 : hs.max_log2;
	hs.observe = true;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	cf_note(r,
		"HELLO %u/%u/%u: the IUT made %u S2M, %u M2S rings of "
		"log2 %u",
		hs.max_s2m, hs.max_m2s, hs.max_log2, p->n_s2m, p->n_m2s,
		p->s2m[0].log2);
	if (p->n_s2m > ms2m || p->n_m2s > mm2s || !p->n_s2m || !p->n_m2s)
		res = cf_fail(r, "ring counts outside 1..max+1");
	if (p->s2m[0].log2 > mlog2 || p->m2s[0].log2 > mlog2)
		res = cf_fail(r, "log2 above the maximum");
	if (!p->obs.rings_ok || !p->obs.order_ok)
		res = cf_fail(r, "%s", p->obs.why);
	cf_peer_free(p);
	return res;
}

/* C43 (arg 0x0300/0x0100) and catalog C2 (log2 0): an unusable HELLO. */
static enum cf_result c43_bad_hello(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_OPEN);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_hello(&m, "memif-conform", 255, 255, 255,
			       arg ? 14 : 0);
	if (arg) {
		m.hello.min_version = (uint16_t)arg;
		m.hello.max_version = (uint16_t)arg;
	}
	return refuse_msg(r, p, &m, sizeof(m), NULL, 0);
}

/* C6 and C7: garbage in undefined bytes, a name without NUL. */
static enum cf_result c6_c7_tolerant(struct cf_run *r, long arg)
{
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.dirty = true;
	p = cf_peer_at(r, &hs, CF_STEP_OPEN);
	if (!p)
		return CF_FAIL;
	memif__msg_build_hello(&m, "", 255, 255, 255, 14);
	if (arg)
		memset(m.hello.name, 'H', sizeof(m.hello.name));
	else
		cf_dirty(&m, sizeof(m.hello));
	cf_send(p->fd, &m, -1);
	p->at = CF_STEP_HELLO;
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) == 0) {
		cf_note(r, "connected");
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

/* ---- bad input to a slave ----------------------------------------------------- */

static enum cf_result first_msg(struct cf_run *r, long what)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_OPEN);
	uint8_t buf[4096];
	struct memif_msg m;
	size_t len = sizeof(m);
	int e = eventfd(0, EFD_CLOEXEC), fds[2] = { e, e };
	unsigned n_fds = 0;
	enum cf_result res;

	memset(&m, 0, sizeof(m));
	switch (what) {
	case 1: /* C8 */
	case 2: /* C9 */
		memif__msg_build_hello(&m, "x", 255, 255, 255, 14);
		len = what == 1 ? 64 : 200;
		break;
	case 3:
	case 4:
	case 5: /* C10 */
		m.type = what == 3 ? 0 : what == 4 ? 9 : 0xffff;
		break;
	case 6: /* B3 */
		memif__msg_build_init(&m, r->o->id, 0, "", "x");
		break;
	case 7:
		memif__msg_build_add_region(&m, 0, 4096);
		n_fds = 1;
		break;
	case 8:
		memif__msg_build_add_ring(&m, true, 0, 0, 0, 4);
		n_fds = 1;
		break;
	case 9:
		memif__msg_build_connect(&m, "x");
		break;
	case 10: /* C48: unsolicited ACK */
		memif__msg_build_ack(&m);
		break;
	default: /* C48: CONNECTED first */
		memif__msg_build_connected(&m, "x");
		break;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &m, sizeof(m));
	res = refuse_msg(r, p, buf, len, fds, n_fds);
	close(e);
	return res;
}

/* C11: fds on HELLO (0) or on an ACK (1: one, 2: two) are closed. */
static enum cf_result c11_extra(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg ? CF_STEP_INIT : CF_STEP_OPEN);
	int e[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		goto out;
	if (arg)
		memif__msg_build_ack(&m);
	else
		memif__msg_build_hello(&m, "x", 255, 255, 255, 14);
	cf_send_raw(p->fd, &m, sizeof(m), e, arg == 2 ? 2 : 1);
	how = cf_reaction(r, p->fd, 500, true);
	if (how == CF_REACT_DISC_NOCLOSE)
		res = cf_fail(r, "DISCONNECT without close");
	else
		res = CF_PASS;
out:
	cf_peer_free(p);
	close(e[0]);
	close(e[1]);
	return res;
}

/* C48 and B4: the wrong reply at the wrong time. */
static enum cf_result c48_wrong(struct cf_run *r, long what)
{
	struct cf_peer *p = cf_peer_at(
		r, NULL, what == 2 ? CF_STEP_CONNECTED : CF_STEP_INIT);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	switch (what) {
	case 0: /* CONNECTED instead of the ACK of INIT */
		memif__msg_build_connected(&m, "early");
		break;
	case 1: /* a second HELLO */
		memif__msg_build_hello(&m, "again", 255, 255, 255, 14);
		break;
	case 2: /* an ACK when connected */
		memif__msg_build_ack(&m);
		break;
	default: /* INIT to a slave */
		memif__msg_build_init(&m, r->o->id, 0, "", "x");
		break;
	}
	return refuse_msg(r, p, &m, sizeof(m), NULL, 0);
}

static enum cf_result c48_hello_connected(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_hello(&m, "again", 255, 255, 255, 14);
	return refuse_msg(r, p, &m, sizeof(m), NULL, 0);
}

/* ---- teardown, retry, stalls ---------------------------------------------------- */

/* C47 and C49: the IUT comes back by itself (no kick). */
static enum cf_result wait_retry(struct cf_run *r, uint64_t t0)
{
	int wait = r->o->timeout_ms > 10000 ? r->o->timeout_ms : 10000;
	int fd;

	fd = cf_accept(r->lfd, wait);
	if (fd < 0)
		return cf_fail(r, "no new connection within %d ms", wait);
	cf_note(r, "reconnected after %llu ms",
		(unsigned long long)(cf_now_ms() - t0));
	r->pending = fd;
	return CF_PASS;
}

static enum cf_result c47_disconnect_init(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;
	enum cf_react how;
	uint64_t t0;

	if (!p)
		return CF_FAIL;
	memif__msg_build_disconnect(&m, 0, "memif-conform refuses");
	cf_send(p->fd, &m, -1);
	r->no_count = true; /* a teardown: no reply is due */
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	t0 = cf_now_ms();
	cf_peer_free(p);
	if (how != CF_REACT_CLOSE && how != CF_REACT_DISC_CLOSE)
		return cf_fail(r, "the IUT did not close after DISCONNECT");
	return wait_retry(r, t0);
}

/* C49: no HELLO (0) or no ACK for INIT (1): the IUT SHOULD give up after
 * its handshake timeout and retry. */
static enum cf_result c49_stall(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg ? CF_STEP_INIT : CF_STEP_OPEN);
	int wait = r->o->timeout_ms > 15000 ? r->o->timeout_ms : 15000;
	enum cf_react how;
	uint64_t t0 = cf_now_ms();

	if (!p)
		return CF_FAIL;
	how = cf_reaction(r, p->fd, wait, false);
	cf_peer_free(p);
	if (how != CF_REACT_CLOSE && how != CF_REACT_DISC_CLOSE)
		return cf_fail(r, "the IUT kept the stalled connection");
	r->no_kick = true;
	return wait_retry(r, t0);
}

static enum cf_result c38_vanish(struct cf_run *r, long step)
{
	struct cf_peer *p = cf_peer_at(r, NULL, (enum cf_step)step);

	if (!p)
		return CF_FAIL;
	cf_peer_free(p);
	cf_note(r, "closed at step %ld", step);
	return CF_PASS;
}

/* C50: after CONNECTED the IUT slave hands M2S buffers to us. */
static enum cf_result c50_refill(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	enum cf_result res = CF_FAIL;
	uint64_t end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	uint16_t head = 0;

	if (!p)
		return CF_FAIL;
	while (cf_now_ms() < end) {
		head = cf_load_acquire(&p->m2s[0].ring->head);
		if (head)
			break;
		cf_sleep_ms(5);
	}
	if (!head) {
		cf_note(r, "M2S head still 0 after %d ms", r->o->timeout_ms);
	} else if (head > p->m2s[0].size) {
		cf_note(r, "M2S head %u beyond %u slots", head, p->m2s[0].size);
	} else {
		cf_note(r, "%u of %u M2S slots lent, %u bytes each", head,
			p->m2s[0].size, p->m2s[0].ring->desc[0].length);
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

/* C51: we close a live connection; the IUT releases everything and comes
 * back with new region fds. */
static enum cf_result c51_new_regions(struct cf_run *r, long arg)
{
	enum cf_result res = CF_FAIL;
	struct cf_peer *p;
	struct cf_hs hs;
	uint64_t ino;

	cf_hs_default(r, &hs);
	hs.observe = true;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	ino = p->obs.region_ino[0];
	cf_peer_free(p);
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	if (ino && ino == p->obs.region_ino[0]) {
		cf_note(r, "the same region memfd (inode %llu) came back",
			(unsigned long long)ino);
	} else {
		cf_note(r, "reconnected with a new region memfd");
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

static enum cf_result c67_disconnect(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	memif__msg_build_disconnect(&m, 0, "memif-conform says goodbye");
	cf_send(p->fd, &m, -1);
	r->no_count = true; /* a teardown: no reply is due */
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_CLOSE || how == CF_REACT_DISC_CLOSE)
		return CF_PASS;
	return cf_fail(r, "the IUT did not close after our DISCONNECT");
}

/* ---- data path (IUT slave echoes) -------------------------------------------------- */

static struct cf_peer *dp_connect_log2(struct cf_run *r, uint8_t log2)
{
	struct cf_hs hs;
	struct cf_peer *p;
	uint64_t end = cf_now_ms() + (uint64_t)r->o->timeout_ms;

	cf_hs_default(r, &hs);
	hs.max_log2 = log2;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	/* The slave lends its M2S buffers right after CONNECTED. */
	while (p && !cf_load_acquire(&p->m2s[0].ring->head) &&
	       cf_now_ms() < end)
		cf_sleep_ms(2);
	if (p && cf_warmup(r, p) < 0) {
		cf_peer_free(p);
		return NULL;
	}
	return p;
}

static struct cf_peer *dp_connect(struct cf_run *r)
{
	return dp_connect_log2(r, MEMIF_MAX_LOG2_RING_SIZE);
}

static enum cf_result run_traffic(struct cf_run *r, unsigned packets,
				  unsigned chain_pct, uint32_t max_mult,
				  uint16_t extra_flags)
{
	struct cf_peer *p = dp_connect(r);
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

static enum cf_result c52_long_run(struct cf_run *r, long arg)
{
	return run_traffic(r, r->o->packets, 0, 1, 0);
}

static enum cf_result c55_chains(struct cf_run *r, long arg)
{
	return run_traffic(r, 5000, 50, 4, 0);
}

static enum cf_result c60_flags(struct cf_run *r, long arg)
{
	return run_traffic(r, 32, 0, 1, 0x8100);
}

/* C53: the IUT slave keeps (head - tail) <= N on M2S and never writes the
 * tails, which are ours. */
static enum cf_result c53_indexes(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	struct cf_traffic t = { .packets = 3000,
				.min_len = 60,
				.max_len = 1000 };
	enum cf_result res = CF_FAIL;

	if (!p)
		return CF_FAIL;
	if (cf_echo(r, p, &t) < 0)
		goto out;
	if (cf_read_once(&p->m2s[0].ring->tail) != p->m2s[0].cursor ||
	    cf_read_once(&p->s2m[0].ring->tail) != p->s2m[0].released) {
		cf_note(r, "a tail we own was rewritten");
		goto out;
	}
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

static int wait_echo(struct cf_run *r, struct cf_peer *p, int ms)
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

/* C55: with S2M nearly full, the IUT never publishes half a chain. */
static enum cf_result c55_starve(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect_log2(r, 6);
	enum cf_result res = CF_FAIL;
	struct cf_ring *s;
	uint8_t *pkt;
	uint32_t len;
	unsigned i, n;
	uint16_t head0;

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	len = p->buf_size * 3;
	pkt = malloc(len);
	if (!pkt)
		goto out;
	/* Fill all but one S2M slot with single-slot echoes we keep. */
	s->hold = true;
	n = s->size - 1u;
	if (n > 4096) {
		res = cf_na(r, "S2M ring of %u entries is too large", s->size);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (cf_echo_one(r, p, 100) < 0)
			goto out;
	r->note[0] = 0;
	head0 = cf_load_acquire(&s->ring->head);
	cf_pkt_fill(pkt, len, p->seq++);
	if (cf_tx_stage(p, 0, pkt, len, 0) < 0)
		goto out;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	if (cf_load_acquire(&s->ring->head) != head0) {
		uint16_t h = cf_load_acquire(&s->ring->head);

		if (s->ring->desc[(uint16_t)(h - 1) & s->mask].flags &
		    MEMIF_DESC_FLAG_NEXT) {
			cf_note(r, "published half a chain");
			goto out;
		}
	}
	cf_note(r, "nothing published with 1 free slot for a 3-slot chain");
	s->hold = false;
	cf_rx_release(p, 0);
	switch (wait_echo(r, p, 1000)) {
	case 1:
		cf_note(r, "the chain arrived whole once slots were free");
		res = CF_PASS;
		break;
	case 0:
		cf_note(r, "the IUT dropped the chain (allowed)");
		res = CF_PASS;
		break;
	default:
		break;
	}
out:
	free(pkt);
	cf_peer_free(p);
	return res;
}

static enum cf_result c56_wait(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	struct cf_ring *t;
	uint8_t *pkt;
	uint32_t len;

	if (!p)
		return CF_FAIL;
	t = &p->m2s[0];
	len = p->buf_size * 2 + 100;
	pkt = malloc(len);
	if (!pkt)
		goto out;
	cf_pkt_fill(pkt, len, p->seq++);
	if (cf_tx_stage(p, 0, pkt, len, 0) < 0)
		goto out;
	cf_store_release(&t->ring->tail, (uint16_t)(t->cursor + 2));
	cf_tx_kick(p, 0, false);
	if (wait_echo(r, p, 300) != 0) {
		cf_note(r, "the IUT forwarded an incomplete chain");
		goto out;
	}
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	if (wait_echo(r, p, r->o->timeout_ms) != 1) {
		cf_note(r, "no intact echo once the chain was completed");
		goto out;
	}
	cf_note(r, "waited for the last fragment, then echoed the chain");
	res = CF_PASS;
out:
	free(pkt);
	cf_peer_free(p);
	return res;
}

static enum cf_result c56_full(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	struct cf_ring *t;
	enum cf_react how;
	uint16_t i, lent, size;

	if (!p)
		return CF_FAIL;
	t = &p->m2s[0];
	size = t->size;
	lent = (uint16_t)(cf_load_acquire(&t->ring->head) - t->cursor);
	if (lent != size) {
		cf_peer_free(p);
		return cf_na(r, "the IUT lent %u of %u M2S slots", lent, size);
	}
	/* Every lent slot, from our cursor on, one never-ending chain. */
	for (i = 0; i < size; i++) {
		struct memif_desc *d =
			&t->ring->desc[(uint16_t)(t->cursor + i) & t->mask];

		d->length = 64;
		d->flags = MEMIF_DESC_FLAG_NEXT;
	}
	t->cursor = (uint16_t)(t->cursor + size);
	cf_store_release(&t->ring->tail, t->cursor);
	cf_tx_kick(p, 0, true);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		return CF_PASS;
	return cf_fail(r, "a full ring of NEXT descriptors was not treated as "
			  "an error");
}

/* C57: hostile M2S descriptors published to the IUT slave. */
static enum cf_result c57_bad_desc(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	struct memif_desc *d;
	struct cf_ring *t;
	enum cf_react how;

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
	t->cursor++;
	cf_store_release(&t->ring->tail, t->cursor);
	cf_tx_kick(p, 0, true);
	cf_sleep_ms(100);
	if (cf_echo_one(r, p, 128) == 0) {
		cf_note(r, "dropped; the next packet was echoed");
		res = CF_PASS;
		goto out;
	}
	how = cf_reaction(r, p->fd, 500, false);
	if (how == CF_REACT_CLOSE || how == CF_REACT_DISC_CLOSE) {
		cf_note(r, "tore the link down");
		res = CF_PASS;
	}
out:
	cf_peer_free(p);
	return res;
}

/* C59: M2S tail beyond what the slave lent (0); S2M tail beyond its head
 * (1). */
static enum cf_result c59_index(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	if (arg == 0) {
		cf_store_release(&p->m2s[0].ring->tail,
				 (uint16_t)(p->m2s[0].size + 7));
		cf_tx_kick(p, 0, true);
	} else {
		cf_store_release(&p->s2m[0].ring->tail, (uint16_t)0x8000);
		(void)cf_echo_one(r, p, 100);
	}
	how = cf_reaction(r, p->fd, 1000, false);
	cf_peer_free(p);
	if (how == CF_REACT_NONE)
		cf_note(r, "(clamped or ignored)");
	return CF_PASS; /* the post-check decides: alive, fresh handshake */
}

static uint64_t efd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* C62: the IUT slave signals S2M only while we leave MASK_INT clear. */
static enum cf_result c62_signal(struct cf_run *r, long masked)
{
	struct cf_peer *p = dp_connect(r);
	struct cf_traffic t = {
		.packets = 16, .min_len = 60, .max_len = 200, .window = 1
	};
	enum cf_result res = CF_FAIL;
	struct cf_ring *s;
	uint64_t v;

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	cf_write_once(&s->ring->flags, masked ? MEMIF_RING_FLAG_MASK_INT : 0);
	cf_fence();
	cf_sleep_ms(20);
	efd_take(s->efd);
	if (cf_echo(r, p, &t) < 0)
		goto out;
	cf_sleep_ms(20);
	v = efd_take(s->efd);
	cf_note(r, "eventfd counter %llu after 16 echoes one by one",
		(unsigned long long)v);
	if (masked ? v == 0 : v >= 1 && v <= 16)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

static enum cf_result c63_batch(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[128], rbuf[2048];
	unsigned i, got = 0, n;
	uint64_t end;
	bool polling;

	if (!p)
		return CF_FAIL;
	cf_sleep_ms(50);
	polling = cf_read_once(&p->m2s[0].ring->flags) &
		  MEMIF_RING_FLAG_MASK_INT;
	cf_note(r, "the IUT %s on M2S",
		polling ? "polls (MASK_INT set)" : "wants interrupts");
	n = p->m2s[0].size / 2 < 256 ? p->m2s[0].size / 2 : 256;
	if (p->s2m[0].size / 2 < n)
		n = p->s2m[0].size / 2;
	for (i = 0; i < n; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			goto out;
	}
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	while (got < n && cf_now_ms() < end) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

		if (e < 0)
			goto out;
		if (e == 1 && cf_pkt_check(rbuf, len, &seq))
			got++;
		else if (!e)
			cf_sleep_ms(1);
	}
	cf_note(r, "%u of %u packets echoed after a single signal", got, n);
	if (got == n)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

static enum cf_result c64_late(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[128];

	if (!p)
		return CF_FAIL;
	cf_sleep_ms(50);
	if (cf_read_once(&p->m2s[0].ring->flags) & MEMIF_RING_FLAG_MASK_INT) {
		cf_peer_free(p);
		return cf_na(r, "the IUT polls M2S (MASK_INT set)");
	}
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
	cf_tx_publish(p, 0);
	if (wait_echo(r, p, 300) == 1) {
		cf_note(r, "handled without a signal");
		res = CF_PASS;
		goto out;
	}
	cf_tx_kick(p, 0, true);
	if (wait_echo(r, p, r->o->timeout_ms) == 1) {
		cf_note(r, "handled after the next signal");
		res = CF_PASS;
	}
out:
	cf_peer_free(p);
	return res;
}

static enum cf_result c65_spurious(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	uint64_t v = 5;
	int i;

	if (!p)
		return CF_FAIL;
	for (i = 0; i < 10; i++)
		if (write(p->m2s[0].efd, &v, sizeof(v)) < 0)
			break;
	cf_sleep_ms(50);
	if (cf_echo_one(r, p, 100) == 0) {
		cf_note(r, "10 signals of value 5 with no packet tolerated");
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

static enum cf_result j1_storm(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res = CF_FAIL;
	uint64_t v = 1, end, n = 0;

	if (!p)
		return CF_FAIL;
	end = cf_now_ms() + 1000;
	while (cf_now_ms() < end) {
		int i;

		for (i = 0; i < 256; i++)
			n += write(p->m2s[0].efd, &v, sizeof(v)) > 0;
	}
	if (cf_echo_one(r, p, 100) == 0) {
		cf_note(r, "%llu signals in 1 s; still echoes",
			(unsigned long long)n);
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

/* Ring full: we stop releasing S2M; no overrun; traffic resumes. */
static enum cf_result rf_ring_full(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect_log2(r, 8);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[256], rbuf[2048];
	unsigned sent = 0, got = 0, i, n;
	uint32_t last = 0;
	uint64_t end;

	if (!p)
		return CF_FAIL;
	p->s2m[0].hold = true;
	n = p->s2m[0].size + 64u;
	if (n > p->m2s[0].size)
		n = p->m2s[0].size;
	for (i = 0; i < n; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			break;
		p->seq++;
		sent++;
	}
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	{
		struct cf_ring *s = &p->s2m[0];
		uint16_t used = (uint16_t)(cf_load_acquire(&s->ring->head) -
					   s->released);

		if (used > s->size) {
			cf_note(r, "S2M head beyond tail + ring size");
			goto out;
		}
		cf_note(r,
			"%u packets sent; %u echoes in a full S2M ring of %u",
			sent, used, s->size);
	}
	p->s2m[0].hold = false;
	cf_rx_release(p, 0);
	end = cf_now_ms() + 3000;
	while (cf_now_ms() < end && got < sent) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

		if (e < 0) {
			cf_note(r, "RX: %s", p->viol_ex);
			goto out;
		}
		if (e == 0) {
			cf_sleep_ms(1);
			continue;
		}
		if (!cf_pkt_check(rbuf, len, &seq) || (got && seq <= last)) {
			cf_note(r, "echo corrupted or out of order");
			goto out;
		}
		last = seq;
		got++;
	}
	cf_note(r, "%u echoes after draining", got);
	if (got >= p->s2m[0].size && !p->viol)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

/* ---- J: fds shared with the IUT (spec/hostile-peer.md §3 J5-J10) --------- */

/* J5: the S2M eventfd (the IUT signals it) or the M2S one (the IUT reads
 * it): the IUT slave created both, and shares them with us. */
static enum cf_result j5_nonblock(struct cf_run *r, long rx)
{
	struct cf_peer *p = dp_connect(r);
	enum cf_result res;

	if (!p)
		return CF_FAIL;
	if (rx)
		return cf_j5_rx(r, p);
	res = cf_j5_tx(r, p);
	cf_peer_free(p);
	return res;
}

static void note_delay(struct cf_run *r, const char *what, int64_t d, int wait)
{
	if (d < 0)
		cf_note(r, "%s: nothing within %d ms", what, wait);
	else
		cf_note(r, "%s after %lld ms", what, (long long)d);
}

/* J7 (one fd) and J9 (@n fds, more than an 8-fd control buffer holds):
 * HELLO, which takes no fd, carries a TCP socket whose last close lingers
 * 5 s (the last of the fds), our copy closed.  The IUT slave's event loop
 * must go on: its answer to HELLO, its next message after our ACK, and its
 * reconnect after our close (against a plain reconnect measured first;
 * not with --kick). */
static enum cf_result j7_linger(struct cf_run *r, long n)
{
	int wait = r->o->timeout_ms < 1500 ? 1500 : r->o->timeout_ms;
	int fds[CF_MAX_SEND_FDS], srv = -1, ret, fd, attempt;
	int64_t base = -1, d_reply = -1, d_next = 0, d_recon = 0;
	unsigned nf = (unsigned)n;
	enum cf_result res = CF_FAIL;
	bool on = false;
	struct cf_peer *p = NULL;
	struct memif_msg m;
	struct cf_rx rx;
	uint64_t t0;

	if (!r->o->kick) {
		p = cf_peer_at(r, NULL, CF_STEP_OPEN);
		if (!p)
			return CF_FAIL;
		cf_peer_free(p);
		p = NULL;
		t0 = cf_now_ms();
		fd = cf_accept(r->lfd, wait);
		if (fd < 0)
			return cf_fail(r,
				       "the IUT slave did not reconnect "
				       "within %d ms",
				       wait);
		base = (int64_t)(cf_now_ms() - t0);
		r->pending = fd;
	}
	for (attempt = 1;; attempt++) {
		p = cf_peer_at(r, NULL, CF_STEP_OPEN);
		if (!p)
			return CF_FAIL;
		ret = cf_linger_fds(fds, nf, &srv);
		if (ret < 0) {
			res = cf_na(r,
				    "cannot build a lingering TCP socket: "
				    "%s",
				    strerror(-ret));
			goto out;
		}
		memif__msg_build_hello(&m, "memif-conform", 255, 255, 255,
				       MEMIF_MAX_LOG2_RING_SIZE);
		ret = cf_send_linger(p->fd, &m, sizeof(m), fds, nf,
				     (unsigned)attempt - 1, &on);
		if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET) {
			res = cf_fail(r, "send HELLO: %s", strerror(-ret));
			goto out;
		}
		if (ret == 0 && on)
			break;
		/* The IUT let go of its copy before ours was closed (or of
		 * this connection, a stale one, before our send). */
		cf_linger_fds_close(fds, nf, &srv);
		cf_peer_free(p);
		p = NULL;
		if (attempt == 10) {
			res = cf_na(r, "10 times the IUT let go of the socket "
				       "before our copy was closed: the "
				       "last close was never its own");
			goto out;
		}
	}
	if (attempt > 1)
		cf_note(r, "(attempt %d)", attempt);
	t0 = cf_now_ms();
	cf_recv(r, p->fd, wait, &rx);
	cf_rx_close_fds(&rx);
	cf_note(r, "HELLO with %u fd%s answered with", nf, nf > 1 ? "s" : "");
	cf_note_rx(r, &rx);
	if (rx.kind != CF_RX_TIMEOUT) {
		d_reply = (int64_t)(cf_now_ms() - t0);
		cf_note(r, "after %lld ms", (long long)d_reply);
	}
	if (rx.kind == CF_RX_MSG && rx.msg.type == MEMIF_MSG_TYPE_INIT) {
		/* A close deferred after INIT shows in the next step. */
		memif__msg_build_ack(&m);
		cf_send(p->fd, &m, -1);
		t0 = cf_now_ms();
		cf_recv(r, p->fd, wait, &rx);
		cf_rx_close_fds(&rx);
		d_next = rx.kind == CF_RX_TIMEOUT ? -1 :
						    (int64_t)(cf_now_ms() - t0);
		note_delay(r, "its next message", d_next, wait);
	}
	cf_peer_free(p);
	p = NULL;
	if (base >= 0) {
		t0 = cf_now_ms();
		fd = cf_accept(r->lfd, wait);
		d_recon = fd < 0 ? -1 : (int64_t)(cf_now_ms() - t0);
		if (fd >= 0)
			r->pending = fd;
		note_delay(r, "after our close, a new connection", d_recon,
			   wait);
		cf_note(r, "(a plain reconnect took %lld ms)", (long long)base);
	}
	if (d_reply >= 0 && d_reply < 1000 && d_next >= 0 && d_next < 1000 &&
	    d_recon >= 0 && d_recon < base + 1000)
		res = CF_PASS;
	else
		cf_note(r, "the IUT's event loop stalled (closing the "
			   "socket, which lingers 5 s?)");
out:
	cf_linger_fds_close(fds, nf, &srv);
	cf_peer_free(p);
	return res;
}

/* J8: a zero-length datagram instead of the ACK of INIT, with no fd or
 * three. */
static enum cf_result j8_empty(struct cf_run *r, long n)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);

	if (!p)
		return CF_FAIL;
	return cf_j8_empty(r, p, (unsigned)n);
}

/* J10: the IUT slave echoes each M2S packet into its next S2M buffer; we
 * place the packet in that very buffer (first at the same bytes, then half
 * a packet further on: the source overlaps the destination).  memmove
 * gives back the packet intact. */
static enum cf_result j10_overlap(struct cf_run *r, long arg)
{
	static const char *const what[] = { "same bytes", "half overlap" };
	struct cf_peer *p = dp_connect(r);
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
	for (k = 0; k < 2; k++) {
		struct cf_ring *s = &p->s2m[0], *m = &p->m2s[0];
		struct memif_desc sd, *md;
		uint32_t src, got = 0, seq;
		uint16_t h;
		uint64_t end;
		int e = 0;

		h = cf_load_acquire(&s->ring->head);
		if (h != s->cursor) {
			cf_note(r, "an S2M packet we did not expect");
			goto out;
		}
		/* Where the IUT will write its echo. */
		sd = s->ring->desc[h & s->mask];
		src = k ? sd.offset + len / 2 : sd.offset;
		if (sd.region >= p->n_reg || !p->reg[sd.region].base ||
		    (uint64_t)src + len > p->reg[sd.region].size) {
			res = cf_na(r,
				    "S2M slot %u: region %u offset %u is not "
				    "a buffer we can aim at",
				    h & s->mask, sd.region, sd.offset);
			goto out;
		}
		cf_pkt_fill(pkt, len, p->seq++);
		if (cf_tx_stage(p, 0, pkt, len, 0) < 0) {
			cf_note(r, "no M2S slot lent");
			goto out;
		}
		md = &m->ring->desc[(uint16_t)(m->cursor + m->staged - 1) &
				    m->mask];
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
		if (e < 0) {
			cf_note(r, "%s: RX: %s", what[k],
				e == -EINVAL ? "bad descriptor" : p->viol_ex);
			goto out;
		}
		if (e == 0) {
			cf_note(r, "%s: no echo within %d ms", what[k],
				r->o->timeout_ms);
			if (!cf_iut_alive(r))
				goto out; /* the post-check says it */
			if (cf_echo_one(r, p, 100) < 0)
				goto out;
			cf_note(r, "dropped; the next packet was echoed");
			continue;
		}
		sd = s->ring->desc[h & s->mask];
		if (got != len) {
			cf_note(r, "%s: echo of %u bytes, sent %u", what[k],
				got, len);
			goto out;
		}
		if (!cf_pkt_check(rbuf, got, &seq)) {
			cf_note(r,
				"%s: echo corrupted (an overlapping copy "
				"without memmove semantics)",
				what[k]);
			goto out;
		}
		cf_note(r, "%s: echo of %u bytes intact%s", what[k], len,
			sd.offset + (k ? len / 2 : 0) == src ?
				"" :
				" (written elsewhere than aimed: no overlap)");
	}
	res = CF_PASS;
out:
	free(pkt);
	free(rbuf);
	cf_peer_free(p);
	return res;
}

#define H CF_HOSTILE
#define E CF_ECHO

const struct cf_check cf_master_checks[] = {
	{ "C1", "the IUT slave connects to the master's SEQPACKET socket",
	  "Control messages are 128-byte datagrams whose boundaries matter; "
	  "a slave that connects to another address or with another socket "
	  "type never reaches a real master, and its interface never comes "
	  "up.",
	  0, c1_connects, 0 },
	{ "C41", "INIT: version 0x0200, configured id, mode and secret",
	  "The master picks the interface by the id in INIT and admits the "
	  "slave only on matching version, mode and secret; a slave that "
	  "sends other values than it was configured with is refused, or "
	  "attaches to the wrong interface.",
	  0, observe, 41 },
	{ "C42", "order and lock-step with every reply delayed 500 ms",
	  "An ACK carries no correlation data, so the master matches each "
	  "reply to the one outstanding request by order alone; a slave that "
	  "sends ahead of a reply, or breaks the order regions, S2M rings, "
	  "M2S rings, CONNECT, is refused by strict masters and "
	  "desynchronises lenient ones.",
	  0, observe, 42 },
	{ "C45",
	  "regions: memfd of the announced size; ring headers and "
	  "descriptors",
	  "The master maps exactly what the slave announces and trusts the "
	  "initial ring contents; a region larger than its file makes the "
	  "master fault (SIGBUS), and a wrong cookie, a non-zero index or a "
	  "descriptor outside its region gets the link refused or moves "
	  "packets through the wrong memory.",
	  0, observe, 45 },
	{ "C45.seal", "regions carry F_SEAL_SHRINK",
	  "Without the shrink seal, whoever holds the fd can truncate a "
	  "region the master has mapped, and the master dies of SIGBUS at "
	  "its next access; a sealed region lets the master rely on the size "
	  "it checked.",
	  CF_SHOULD, observe, 451 },
	{ "C45.wrap",
	  "more than 65536 slots: no buffer shared (no 16-bit "
	  "wrap)",
	  "A slave that computes buffer offsets in 16 bits hands out the "
	  "same buffer for two slots once its rings hold more than 65536 "
	  "entries, so in large configurations packets silently overwrite "
	  "each other.",
	  0, observe, 452 },
	{ "C46", "one distinct eventfd per ring",
	  "Each ring is signalled through its own eventfd; a slave that "
	  "shares one between rings, or passes another kind of fd, makes "
	  "interrupts wake the wrong queue or none, so interrupt-mode "
	  "receivers stall.",
	  0, observe, 46 },
	{ "C44",
	  "HELLO maxima 0/1/6 are highest indexes: <= 1 S2M, <= 2 "
	  "M2S, log2 <= 6",
	  "HELLO's ring maxima are highest indexes, not counts, and cap the "
	  "ring size; a slave that reads 0 as a count creates no ring at "
	  "all, and one that ignores the maxima builds rings the master "
	  "never agreed to and is refused.",
	  0, c44_maxima, 0 },
	{ "C44.max", "HELLO maxima 255/255/14: the IUT's own counts",
	  "These are the maxima libmemif, DPDK and Go masters advertise "
	  "(VPP's are one higher); a slave must connect with its own "
	  "configured rings inside them, at least one each way, or it fails "
	  "against every common master.",
	  0, c44_maxima, 1 },
	{ "C44.huge",
	  "HELLO maxima 0xffff and log2 20: clamped to the IUT's "
	  "limits",
	  "A broken or hostile master can advertise more than the protocol "
	  "allows; a slave that computes max + 1 in 16 bits wraps to zero "
	  "rings, and one that takes log2 20 builds rings too large for "
	  "16-bit ring indexes.",
	  0, c44_maxima, 2 },
	{ "C6", "undefined bytes full of garbage are ignored",
	  "libmemif, VPP and Go send messages with stale bytes in the parts "
	  "a type does not use; a slave that insists on zero padding cannot "
	  "connect to them.",
	  0, c6_c7_tolerant, 0 },
	{ "C7", "a 32-byte HELLO name without a NUL is accepted",
	  "Go masters send names of 32 bytes or more without a NUL; a slave "
	  "must stop at the end of the field (reading on is an out-of-bounds "
	  "read), and refusing the name breaks interworking with gomemif.",
	  H, c6_c7_tolerant, 1 },
	{ "C43.high", "HELLO versions 0x0300 only: refused, no INIT",
	  "A master of a later major version (3.0) lays out messages and "
	  "memory differently; the slave must refuse before it creates "
	  "memory or sends INIT, not start a connection that cannot work.",
	  H, c43_bad_hello, 0x0300 },
	{ "C43.low", "HELLO versions 0x0100 only: refused, no INIT",
	  "A master that speaks only an older version (1.0) cannot "
	  "understand a 2.0 slave; the slave must refuse instead of sending "
	  "INIT and setting up memory for nothing.",
	  H, c43_bad_hello, 0x0100 },
	{ "CH.log2-0", "HELLO max log2 0 (unusable): refused",
	  "A maximum ring size of 2^0 leaves no usable ring; a slave that "
	  "clamps to it builds one-slot rings and a link that cannot carry "
	  "chained frames, where a refusal with a reason tells the user the "
	  "master is misconfigured.",
	  H, c43_bad_hello, 0 },
	{ "C8", "a 64-byte datagram is refused",
	  "Every message is exactly 128 bytes; a slave that accepts a "
	  "64-byte datagram reads the rest of the message from bytes that "
	  "were never sent, so a broken master steers it with stale buffer "
	  "contents.",
	  H, first_msg, 1 },
	{ "C9", "a 200-byte datagram (MSG_TRUNC) is refused",
	  "The kernel cuts a longer datagram to 128 bytes and only MSG_TRUNC "
	  "says so; a slave that ignores the flag acts on a fragment of "
	  "something that is not a memif message.",
	  H, first_msg, 2 },
	{ "C10.0", "message type 0 is refused",
	  "Type 0 (NONE) is never valid on the wire; a slave that skips or "
	  "mis-dispatches it stays connected to a peer that is not speaking "
	  "memif.",
	  H, first_msg, 3 },
	{ "C10.9", "message type 9 is refused",
	  "Types above 8 are undefined; a slave that ignores them hides a "
	  "protocol mismatch, and one that looks its handler up in a table "
	  "by type reads past the table.",
	  H, first_msg, 4 },
	{ "C10.ffff", "message type 0xffff is refused",
	  "The type is a 16-bit field compared as a whole; a slave that "
	  "looks at its low byte only takes 0xffff for a known type, or "
	  "indexes a table out of bounds with it.",
	  H, first_msg, 5 },
	{ "B3.init", "INIT sent to a slave is refused",
	  "Only a master receives INIT; a slave that handles one from its "
	  "master runs code for the wrong role, in a state a hostile master "
	  "can drive it into at will.",
	  H, first_msg, 6 },
	{ "B3.region", "ADD_REGION (+fd) sent to a slave is refused",
	  "Regions flow from slave to master only; a slave that accepts one "
	  "from its master maps memory the master chose, or at least keeps "
	  "its fd open.",
	  H, first_msg, 7 },
	{ "B3.ring", "ADD_RING (+fd) sent to a slave is refused",
	  "Rings are announced by the slave; a slave that takes an ADD_RING "
	  "from its master adopts a ring layout and an eventfd a hostile "
	  "master controls.",
	  H, first_msg, 8 },
	{ "B3.connect", "CONNECT sent to a slave is refused",
	  "CONNECT is the slave's own request; a slave that accepts one from "
	  "the master can be talked into bringing its link up without any "
	  "handshake.",
	  H, first_msg, 9 },
	{ "C48.ack", "an ACK before HELLO is refused",
	  "An ACK before HELLO answers nothing the slave has sent; a slave "
	  "that takes it as a reply runs its handshake one step out of line "
	  "with the master.",
	  H, first_msg, 10 },
	{ "C48.first", "CONNECTED before HELLO is refused",
	  "CONNECTED before the handshake brings the link up with no rings "
	  "negotiated (libmemif, VPP, DPDK and Go all accept it), so the "
	  "user sees an interface that is up and carries nothing.",
	  H, first_msg, 11 },
	{ "C48.early", "CONNECTED in answer to INIT is refused",
	  "CONNECTED answers CONNECT only; a slave that accepts it in place "
	  "of the ACK of INIT goes up before the master knows its regions "
	  "and rings, and transmits into memory the master never mapped.",
	  H, c48_wrong, 0 },
	{ "C48.hello2", "a second HELLO is refused",
	  "A second HELLO in the middle of a handshake would restart "
	  "negotiation; reference slaves redo their region setup (libmemif "
	  "leaking the first set), so a hostile master can repeat it to "
	  "exhaust their memory.",
	  H, c48_wrong, 1 },
	{ "C48.ack2", "an ACK when connected is refused",
	  "With nothing outstanding, an ACK means the master's view of the "
	  "connection differs from the slave's; carrying on hides the "
	  "mismatch until traffic fails in a harder way.",
	  H, c48_wrong, 2 },
	{ "B3.init2", "INIT in answer to INIT is refused",
	  "A master never sends INIT; a slave that accepts one as the reply "
	  "to its own INIT takes whatever answers on the socket for a master "
	  "and shares its memory with it.",
	  H, c48_wrong, 3 },
	{ "B4", "HELLO when connected is refused",
	  "A HELLO on a live connection would restart negotiation under a "
	  "running data path; a slave that recreates its regions frees "
	  "memory its queues and the master still use.",
	  H, c48_hello_connected, 0 },
	{ "C11.hello", "an fd on HELLO is closed",
	  "The kernel installs an fd sent with HELLO in the slave even "
	  "though HELLO takes none; a slave that does not close it leaks one "
	  "fd per message, and a hostile master exhausts its fd table.",
	  H, c11_extra, 0 },
	{ "C11.ack", "an fd on ACK is closed",
	  "The same leak on ACK, which a master sends several times per "
	  "handshake: a slave that keeps unexpected fds runs out of them "
	  "after enough reconnects.",
	  H, c11_extra, 1 },
	{ "C11.ack2", "two fds on ACK are closed",
	  "A slave that takes only the first fd of a message leaves any "
	  "further one open, so it leaks even if it handles a single stray "
	  "fd.",
	  H, c11_extra, 2 },
	{ "C47", "DISCONNECT in answer to INIT: teardown, then a retry",
	  "Masters refuse with DISCONNECT when the id is busy or they are "
	  "not ready yet; a slave that does not free everything and retry by "
	  "itself stays down until someone restarts it, even after the cause "
	  "is gone.",
	  CF_SHOULD, c47_disconnect_init, 0 },
	{ "C49.hello",
	  "no HELLO: the IUT gives up after its timeout and "
	  "retries",
	  "A master that accepts but never sends HELLO (hung, or a process "
	  "squatting on the socket) keeps a slave without a handshake "
	  "timeout stuck in 'connecting' for good.",
	  CF_SHOULD, c49_stall, 0 },
	{ "C49.ack", "no ACK for INIT: the IUT gives up and retries",
	  "A master that stops answering mid-handshake holds the slave's "
	  "connection open indefinitely; without a timeout the slave never "
	  "retries and its interface stays down with no error.",
	  CF_SHOULD, c49_stall, 1 },
	{ "C38.accept", "master vanishes before HELLO: resources freed",
	  "A master can go away at any time; a slave whose connection closes "
	  "before HELLO must close its socket and connect again, not crash "
	  "or keep a dead connection.",
	  H, c38_vanish, CF_STEP_OPEN },
	{ "C38.hello", "master vanishes after HELLO: resources freed",
	  "After HELLO the slave has created its regions and eventfds; every "
	  "lost connection must free them, or each master restart leaks a "
	  "region.",
	  H, c38_vanish, CF_STEP_HELLO },
	{ "C38.init", "master vanishes after INIT: resources freed",
	  "With INIT unanswered the slave holds memory and eventfds nobody "
	  "has acknowledged; it must release them on EOF, or a flapping "
	  "master leaks a set per attempt.",
	  H, c38_vanish, CF_STEP_INIT },
	{ "C38.region", "master vanishes after ADD_REGION: resources freed",
	  "A close while an ADD_REGION is unanswered tests the cleanup of a "
	  "half-sent configuration; a leak here is a memfd and its memory "
	  "per failed handshake.",
	  H, c38_vanish, CF_STEP_REGION },
	{ "C38.ring", "master vanishes after ADD_RING: resources freed",
	  "A close mid-rings tests cleanup with regions sent and eventfds "
	  "half-announced; leaked eventfds and mappings pile up with every "
	  "failed handshake.",
	  H, c38_vanish, CF_STEP_S2M },
	{ "C38.connect", "master vanishes after CONNECT: resources freed",
	  "A close while CONNECT is unanswered leaves the slave one step "
	  "from link-up; it must not come up, must free its memory, and must "
	  "be able to connect again cleanly.",
	  H, c38_vanish, CF_STEP_RINGS },
	{ "C38.connected", "master vanishes when connected: resources freed",
	  "Only the control socket tells a slave its master died; it must "
	  "take the link down, unmap and close everything and connect again, "
	  "or the application keeps sending into a dead peer.",
	  H, c38_vanish, CF_STEP_CONNECTED },
	{ "C50", "after CONNECTED the IUT lends its M2S buffers",
	  "A master can only transmit into M2S buffers the slave has lent; a "
	  "slave that waits for the application to refill leaves "
	  "master-to-slave traffic dead until someone does (a common "
	  "libmemif pitfall).",
	  CF_SHOULD, c50_refill, 0 },
	{ "C51", "after our close the IUT returns with new region fds",
	  "After a disconnect the old region may still be mapped by the "
	  "previous master; a slave that reuses it lets that peer read and "
	  "write the packets of the next connection.",
	  H, c51_new_regions, 0 },
	{ "C67.disc", "our DISCONNECT when connected: the IUT closes",
	  "DISCONNECT ends the connection; a slave that ignores it keeps its "
	  "link up towards a master that has stopped serving it, and holds "
	  "its socket and memory.",
	  H, c67_disconnect, 0 },
	{ "C52", "long run: packets both ways across the u16 index wrap",
	  "Ring indexes are free-running 16-bit counters; a slave that masks "
	  "them, compares them without wrap-around arithmetic, or publishes "
	  "an index before its descriptors, loses or corrupts packets once "
	  "the counters wrap.",
	  E, c52_long_run, 0 },
	{ "C55", "chained frames (up to 4 buffers) both ways across the wrap",
	  "Frames larger than one buffer travel as chains of NEXT-flagged "
	  "descriptors; a slave that gets the flag, the fragment lengths or "
	  "a chain across the end of the ring wrong corrupts jumbo frames.",
	  E, c55_chains, 0 },
	{ "C55.starve", "no half chain published when S2M slots run out",
	  "A chain is published whole or not at all; a slave that publishes "
	  "the fragments that fit when S2M runs out of slots hands the "
	  "master half a packet, forwarded truncated or misread as the next "
	  "one.",
	  E | H, c55_starve, 0 },
	{ "C53", "(head - tail) <= N on M2S; the slave never writes tails",
	  "The slave writes only head and the master only tail; a slave that "
	  "writes a tail, or lends more slots than the ring has, races the "
	  "master on its own index and hands out slots the master is still "
	  "filling.",
	  E, c53_indexes, 0 },
	{ "C56.wait", "an incomplete chain waits for its last fragment",
	  "A receiver that sees NEXT on the last published descriptor must "
	  "wait for the rest; a slave that consumes the fragments early "
	  "delivers a truncated frame and misreads the remainder as a new "
	  "packet.",
	  E | H, c56_wait, 0 },
	{ "C56.full", "a ring full of one unfinished chain is an error",
	  "When every slot holds a fragment and the last still says NEXT, "
	  "the chain can never complete; a slave that keeps waiting blocks "
	  "the ring for good instead of treating the master as broken.",
	  E | H, c56_full, 0 },
	{ "C57.region", "M2S descriptor with a bad region: dropped",
	  "Descriptors live in memory the master writes; a slave that "
	  "follows a region index beyond its regions reads outside its "
	  "tables, so a hostile master crashes it (libmemif's RX path does).",
	  E | H, c57_bad_desc, 0 },
	{ "C57.overrun", "M2S descriptor past the region end: dropped",
	  "A slave that does not check offset + length against the region "
	  "size reads past its mapping, handing the application foreign "
	  "memory or dying of SIGSEGV.",
	  E | H, c57_bad_desc, 1 },
	{ "C57.wrap", "M2S descriptor offset+length past 2^32: dropped",
	  "A bounds check in 32 bits wraps when offset + length passes 2^32 "
	  "and lets an out-of-bounds descriptor through; VPP fixed exactly "
	  "this as a 'malicious memif peer' bug.",
	  E | H, c57_bad_desc, 2 },
	{ "C57.zero", "M2S descriptor of length 0: dropped",
	  "A fragment of length 0 is never valid; a slave that delivers it "
	  "hands the application an empty packet, on which some receive "
	  "paths loop or underflow.",
	  E | H, c57_bad_desc, 3 },
	{ "C57.long", "M2S descriptor longer than the buffer: dropped",
	  "The master may fill at most the buffer it was lent; a slave that "
	  "trusts a longer length reads past its own buffer into the next "
	  "one or beyond.",
	  E | H, c57_bad_desc, 4 },
	{ "C59.tail", "M2S tail beyond what was lent: no overrun",
	  "A master that moves tail past the slave's head claims more "
	  "packets than buffers were lent; a slave that trusts it reads "
	  "slots it never lent and corrupts its refill accounting.",
	  E | H, c59_index, 0 },
	{ "C59.s2m", "S2M tail beyond head: no overrun",
	  "A tail past the slave's own head claims the master released slots "
	  "that were never sent; a slave that trusts it computes more free "
	  "space than the ring has and overwrites packets still being read.",
	  E | H, c59_index, 1 },
	{ "C60", "descriptor flags with undefined bits: accepted",
	  "Only the NEXT bit of descriptor flags is defined; a slave that "
	  "drops packets with other bits set (as VPP does) loses traffic "
	  "from peers that leave them dirty.",
	  E, c60_flags, 0 },
	{ "C62.int", "with MASK_INT clear the IUT signals S2M once per burst",
	  "A master that clears MASK_INT sleeps on the eventfd until it is "
	  "signalled; a slave that publishes packets without signalling "
	  "leaves it asleep with the packets waiting in the ring.",
	  E, c62_signal, 0 },
	{ "C62.mask", "with MASK_INT set the IUT never signals",
	  "MASK_INT set means the master polls; a slave that signals anyway "
	  "pays a system call per burst and wakes the master for nothing.",
	  E, c62_signal, 1 },
	{ "C63", "RX mode set at connect; a batch after one signal",
	  "The transmitter signals once per burst, not per packet, and not "
	  "again for what it already published; a slave in interrupt mode "
	  "that handles part of a batch per wakeup strands the rest.",
	  E, c63_batch, 0 },
	{ "C64", "packets published without a signal go after the next",
	  "A signal can come before the new index is visible, or be skipped "
	  "while MASK_INT changes; a slave in interrupt mode must pick such "
	  "packets up at its next wakeup, or they stay in the ring for good.",
	  E, c64_late, 0 },
	{ "C65", "spurious signals (no packet, value 5) are tolerated",
	  "Peers signal with nothing new (VPP and DPDK do after every "
	  "transmit call) and eventfd counts add up; a slave that treats an "
	  "empty wakeup as an error, or the count as a packet count, "
	  "misbehaves with normal masters.",
	  E | H, c65_spurious, 0 },
	{ "J1", "an interrupt storm (1 s) leaves the IUT working",
	  "A master can write the eventfd without pause; a slave must drain "
	  "it once per wakeup and bound its work, or one noisy peer pins its "
	  "event loop and starves everything else in the process.",
	  E | H, j1_storm, 0 },
	{ "J5.tx-nonblock",
	  "the S2M eventfd made blocking and saturated: the IUT still "
	  "echoes",
	  "Both processes share the eventfd's open file, so the master can "
	  "clear its O_NONBLOCK; a slave whose signal write relies on that "
	  "flag blocks on a saturated counter, and its data path hangs.",
	  E | H, j5_nonblock, 0 },
	{ "J5.rx-nonblock",
	  "the M2S eventfd made blocking, signalled, read back: no hung "
	  "read",
	  "A master can signal and take the count back before the slave "
	  "reads it; a slave whose read relies on the shared O_NONBLOCK flag "
	  "then blocks in read() and stops serving its socket and rings.",
	  E | H, j5_nonblock, 1 },
	{ "J7.linger",
	  "a lingering TCP socket on HELLO: the event loop never waits "
	  "for it",
	  "A stray fd on HELLO can be a socket whose last close lingers for "
	  "seconds; a slave that closes it inline freezes its event loop, "
	  "and all its interfaces, for that long.",
	  H, j7_linger, 1 },
	{ "J8.empty", "a zero-length datagram for the ACK of INIT: DISCONNECT",
	  "An empty datagram is not end of file, although recvmsg returns 0 "
	  "for both; a slave that takes it for EOF closes without a reason, "
	  "and one that ignores it waits for an ACK that never comes.",
	  H, j8_empty, 0 },
	{ "J8.empty-fds",
	  "a zero-length datagram with 3 fds: a reaction, no fd kept",
	  "Fds can arrive on an empty datagram; a slave that stops at "
	  "'length 0' and skips the control data leaks the fds the kernel "
	  "has already installed.",
	  H, j8_empty, 3 },
	{ "J9.many-fds",
	  "HELLO with 20 fds, the last lingering: no leak, no wait for it",
	  "When a message carries more fds than the control buffer holds, "
	  "the kernel closes the rest inside recvmsg, in the slave's thread; "
	  "with a lingering socket among them a small buffer stalls the "
	  "slave, and a kept fd is a leak.",
	  H, j7_linger, 20 },
	{ "J10.overlap",
	  "M2S packets placed over the S2M buffers of their echoes: memmove",
	  "The master chooses where packets lie, so a copy between an M2S "
	  "packet and the S2M buffer of its echo may overlap; memcpy then "
	  "corrupts the packet (undefined behaviour), memmove does not.",
	  E | H, j10_overlap, 0 },
	{ "RF", "ring full: no overrun, traffic resumes after draining",
	  "When the master stops releasing S2M slots the ring fills; the "
	  "slave must stop at the ring size and resume in order once slots "
	  "come back, not overwrite packets that were not read yet.",
	  E, rf_ring_full, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};
