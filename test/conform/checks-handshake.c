/* SPDX-License-Identifier: MIT */
/*
 * Checks of good handshakes, in both roles: the socket, HELLO, lock-step,
 * ring and buffer shapes, tolerance of garbage and long names, secrets,
 * many rings, two interfaces; we master, everything the IUT slave sends
 * on the way (C41-C46), its HELLO maxima and its M2S refill.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"

/* ---- we slave, the IUT master answers ------------------------------------ */

/* C1, both roles: the type of socket @fd. */
static int sock_type(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	return type;
}

enum cf_result slave_c1_connect(struct cf_run *r, long arg)
{
	int fd = cf_connect(r->o->socket), type;

	if (fd < 0)
		return cf_fail(r, "connect %s: %s", r->o->socket,
			       strerror(-fd));
	type = sock_type(fd);
	close(fd);
	if (type != SOCK_SEQPACKET)
		return cf_fail(r, "socket type %d", type);
	return cf_pass(r, "SOCK_SEQPACKET connection to %s accepted",
		       r->o->socket);
}

static enum cf_result hello_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	struct memif_msg_hello h = p->hello.hello;
	char name[MEMIF_NAME_LEN + 1];
	enum cf_result res = CF_PASS;

	memif__msg_strcpy(name, sizeof(name), h.name, sizeof(h.name));
	cf_note(r,
		"HELLO \"%s\" versions 0x%04x-0x%04x max region %u m2s %u "
		"s2m %u log2 %u",
		name, h.min_version, h.max_version, h.max_region,
		h.max_m2s_ring, h.max_s2m_ring, h.max_log2_ring_size);
	if (h.min_version != MEMIF_VERSION || h.max_version != MEMIF_VERSION)
		res = cf_fail(r, "min = max = 0x0200 required");
	if (h.max_log2_ring_size < 10)
		res = cf_fail(r, "max_log2_ring_size below 10");
	if (strnlen((const char *)h.name, MEMIF_NAME_LEN) == MEMIF_NAME_LEN)
		res = cf_fail(r, "name not NUL-terminated");
	return res;
}

enum cf_result slave_c14_hello(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_at(r, NULL, CF_STEP_HELLO), hello_on, 0);
}

static enum cf_result lockstep_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	enum cf_step s;
	unsigned k = 0;

	if (!cf_silent(r, p->fd, 200)) {
		cf_note(r, "after HELLO");
		return CF_FAIL;
	}
	for (s = CF_STEP_INIT; s <= CF_STEP_CONNECTED; s++) {
		if (cf_peer_to(r, p, s) < 0)
			return CF_FAIL;
		k++;
		if (!cf_silent(r, p->fd, s == CF_STEP_CONNECTED ? 300 : 30)) {
			cf_note(r, "a second reply at %s", cf_step_name(s));
			return CF_FAIL;
		}
	}
	return cf_pass(r, "%u requests, %u replies, nothing unsolicited", k, k);
}

/* C15: one reply per request, nothing unsolicited.  With one region and
 * one queue pair, each step past HELLO is one request. */
enum cf_result slave_c15_lockstep(struct cf_run *r, long arg)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = 6;
	return cf_on_peer(r, cf_peer_at(r, &hs, CF_STEP_HELLO), lockstep_on, 0);
}

/* A handshake (and with --echo, traffic) with p->hs's ring and buffer
 * sizes. */
static enum cf_result shape_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	uint8_t log2 = p->hs.log2;
	uint32_t buf = p->hs.buf_size;

	if (p->hello.hello.max_log2_ring_size < log2)
		return cf_na(r, "the IUT advertises max log2 %u",
			     p->hello.hello.max_log2_ring_size);
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0)
		return CF_FAIL;
	cf_note(r, "connected with %u-entry rings, %u-byte buffers", 1u << log2,
		buf);
	if (r->o->echo) {
		struct cf_traffic t = { .packets = 3u << log2,
					.min_len = 60,
					.max_len = buf * 3,
					.chain_pct = 25 };

		if (t.packets < 64)
			t.packets = 64;
		if (t.packets > 20000)
			t.packets = 20000;
		if (t.max_len > 65535)
			t.max_len = 65535;
		if (cf_echo(r, p, &t) < 0)
			return CF_FAIL;
	}
	return CF_PASS;
}

/* Handshake with rings of 2^@log2 entries and @buf-byte buffers. */
static enum cf_result hs_shape(struct cf_run *r, long log2, uint32_t buf)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = (uint8_t)log2;
	hs.buf_size = buf;
	return cf_on_peer(r, cf_peer_at(r, &hs, CF_STEP_HELLO), shape_on, 0);
}

enum cf_result slave_hs_log2(struct cf_run *r, long arg)
{
	return hs_shape(r, arg, 2048);
}

enum cf_result slave_hs_buf(struct cf_run *r, long arg)
{
	return hs_shape(r, 10, (uint32_t)arg);
}

/* A good handshake with @hs, to CONNECTED: PASS, noting "connected with
 * @what". */
static enum cf_result connects_with(struct cf_run *r, const struct cf_hs *hs,
				    const char *what)
{
	struct cf_peer *p = cf_peer_at(r, hs, CF_STEP_CONNECTED);

	if (!p)
		return CF_FAIL;
	cf_peer_free(p);
	return cf_pass(r, "connected with %s", what);
}

/* C6: our undefined bytes full of garbage. */
enum cf_result slave_c6_garbage(struct cf_run *r, long arg)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.dirty = true;
	return connects_with(r, &hs, "0xa5 in every undefined byte");
}

static enum cf_result long_names_on(struct cf_run *r, struct cf_peer *p,
				    long arg)
{
	struct memif_msg m;
	struct cf_rx rx;

	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "");
	memset(m.init.name, 'N', sizeof(m.init.name));
	if (cf_send(p->fd, &m, -1) < 0 ||
	    !cf_expect(r, p->fd, MEMIF_MSG_TYPE_ACK, &rx))
		return CF_FAIL;
	p->at = CF_STEP_INIT;
	if (cf_peer_to(r, p, CF_STEP_RINGS) < 0)
		return CF_FAIL;
	memif__msg_build_connect(&m, "");
	memset(m.connect.if_name, 'C', sizeof(m.connect.if_name));
	cf_dirty(&m, sizeof(m.connect));
	if (cf_send(p->fd, &m, -1) < 0 ||
	    !cf_expect(r, p->fd, MEMIF_MSG_TYPE_CONNECTED, &rx))
		return CF_FAIL;
	return cf_pass(r, "connected with unterminated INIT name and if_name");
}

/* C7: names of 32 bytes without a NUL, in INIT and CONNECT. */
enum cf_result slave_c7_long_names(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_at(r, NULL, CF_STEP_HELLO), long_names_on,
			  0);
}

static enum cf_result secret_garbage_on(struct cf_run *r, struct cf_peer *p,
					long arg)
{
	struct memif_msg m;
	struct cf_rx rx;
	size_t n = strlen(r->o->secret);

	memif__msg_build_init(&m, r->o->id, r->o->mode, r->o->secret, "x");
	memset(m.init.secret + n + 1, 0xa5, MEMIF_SECRET_LEN - n - 1);
	if (cf_send(p->fd, &m, -1) < 0 ||
	    !cf_expect(r, p->fd, MEMIF_MSG_TYPE_ACK, &rx))
		return CF_FAIL;
	return cf_pass(r, "accepted");
}

enum cf_result slave_c20_garbage(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_at(r, NULL, CF_STEP_HELLO),
			  secret_garbage_on, 0);
}

enum cf_result slave_c21_unneeded_secret(struct cf_run *r, long arg)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.secret = "xyz";
	return connects_with(r, &hs, "secret \"xyz\"");
}

static enum cf_result max_rings_on(struct cf_run *r, struct cf_peer *p,
				   long arg)
{
	cf_note(r, "%u S2M and %u M2S rings (advertised max index %u/%u)",
		p->n_s2m, p->n_m2s, p->hello.hello.max_s2m_ring,
		p->hello.hello.max_m2s_ring);
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0)
		return CF_FAIL;
	if (r->o->echo) {
		struct cf_traffic t = { .packets = 8 * p->n_s2m,
					.min_len = 60,
					.max_len = 200 };

		if (cf_echo(r, p, &t) < 0)
			return CF_FAIL;
	}
	return CF_PASS;
}

/* C36: up to the advertised maximum is accepted. */
enum cf_result slave_c36_max(struct cf_run *r, long arg)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = 3;
	hs.buf_size = 256;
	hs.n_s2m = CF_MAX_RINGS;
	hs.n_m2s = CF_MAX_RINGS;
	return cf_on_peer(r, cf_peer_at(r, &hs, CF_STEP_HELLO), max_rings_on,
			  0);
}

/* C40: two slaves for two ids, interleaved. */
enum cf_result slave_c40_two_ids(struct cf_run *r, long arg)
{
	struct cf_peer *a = NULL, *b = NULL;
	enum cf_result res = CF_FAIL;
	struct cf_hs ha, hb;

	cf_hs_default(r, &ha);
	ha.if_name = "a";
	hb = ha;
	hb.id = r->o->id2;
	hb.if_name = "b";
	a = cf_peer_at(r, &ha, CF_STEP_HELLO);
	b = a ? cf_peer_at(r, &hb, CF_STEP_HELLO) : NULL;
	/* Each step of one between two of the other's. */
	if (!b || cf_peer_to(r, a, CF_STEP_INIT) < 0 ||
	    cf_peer_to(r, b, CF_STEP_INIT) < 0 ||
	    cf_peer_to(r, b, CF_STEP_REGION) < 0 ||
	    cf_peer_to(r, a, CF_STEP_REGION) < 0 ||
	    cf_peer_to(r, a, CF_STEP_S2M) < 0 ||
	    cf_peer_to(r, b, CF_STEP_S2M) < 0 ||
	    cf_peer_to(r, b, CF_STEP_RINGS) < 0 ||
	    cf_peer_to(r, a, CF_STEP_RINGS) < 0 ||
	    cf_peer_to(r, b, CF_STEP_CONNECTED) < 0 ||
	    cf_peer_to(r, a, CF_STEP_CONNECTED) < 0)
		goto out;
	if (r->o->echo &&
	    (cf_echo_one(r, a, 300) < 0 || cf_echo_one(r, b, 400) < 0))
		goto out;
	cf_note(r, "ids %u and %u connected side by side", r->o->id, r->o->id2);
	res = CF_PASS;
out:
	cf_peer_free(a);
	cf_peer_free(b);
	return res;
}

/* ---- we master, the IUT slave asks --------------------------------------- */

enum cf_result master_c1_connect(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_OPEN);
	int type;

	if (!p)
		return CF_FAIL;
	type = sock_type(p->fd);
	cf_peer_free(p);
	if (type != SOCK_SEQPACKET)
		return cf_fail(r, "socket type %d", type);
	return cf_pass(r, "the IUT slave connected to %s", r->o->socket);
}

/* What the IUT slave showed for C@what (arg 451: C45.seal, 452: C45.bufs,
 * else C46); a FAIL gives the first violation seen. */
static enum cf_result observe_on(struct cf_run *r, struct cf_peer *p, long what)
{
	const struct cf_obs *o = &p->obs;
	uint64_t slots;
	bool ok;

	switch (what) {
	case 41:
		cf_note(r, "INIT id %u mode %u secret \"%s\"", o->init_id,
			o->init_mode, o->init_secret);
		ok = o->init_ok;
		break;
	case 42:
		cf_note(r,
			"%u region(s), %u S2M, %u M2S rings; every reply "
			"delayed 500 ms",
			p->n_reg, p->n_s2m, p->n_m2s);
		ok = o->order_ok && o->lockstep_ok;
		break;
	case 45:
		cf_note(r,
			"%u region(s), rings of %u entries, buffers of %u "
			"bytes",
			p->n_reg, p->s2m[0].size, p->buf_size);
		ok = o->regions_ok && o->desc_ok;
		break;
	case 451:
		ok = o->seal_ok;
		if (ok)
			cf_note(r, "F_SEAL_SHRINK on every region");
		break;
	case 452:
		slots = (uint64_t)(p->n_s2m + p->n_m2s) << p->s2m[0].log2;
		if (slots <= 65536)
			return cf_na(r,
				     "the IUT's %llu slots do not exceed 65536",
				     (unsigned long long)slots);
		ok = o->desc_ok;
		if (ok)
			cf_note(r, "%llu buffers, none shared",
				(unsigned long long)slots);
		break;
	default:
		cf_note(r, "%u S2M and %u M2S eventfds", p->n_s2m, p->n_m2s);
		ok = o->efd_ok;
		break;
	}
	if (!ok || !o->rings_ok)
		return cf_fail(r, "%s", o->why);
	return CF_PASS;
}

/* C41, C42, C45, C46: one handshake, every observation. */
enum cf_result master_observe(struct cf_run *r, long what)
{
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	if (what == 42)
		hs.ack_delay_ms = 500;
	hs.observe = true;
	return cf_on_peer(r, cf_peer_at(r, &hs, CF_STEP_CONNECTED), observe_on,
			  what);
}

/* C44: HELLO maxima are highest indexes (arg 0: 0/1/6; 1: 255/255/14;
 * 2: 0xffff everywhere and log2 20). */
enum cf_result master_c44_maxima(struct cf_run *r, long arg)
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

/* C6 and C7: garbage in undefined bytes, a name without NUL. */
enum cf_result master_c6_c7_tolerant(struct cf_run *r, long arg)
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

/* C50: after CONNECTED the IUT slave hands M2S buffers to us. */
enum cf_result master_c50_refill(struct cf_run *r, long arg)
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
enum cf_result master_c51_new_regions(struct cf_run *r, long arg)
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
