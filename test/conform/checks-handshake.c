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

enum cf_result slave_c1_connect(struct cf_run *r, long arg)
{
	int fd = cf_connect(r->o->socket), type = 0;
	socklen_t len = sizeof(type);

	if (fd < 0)
		return cf_fail(r, "connect %s: %s", r->o->socket,
			       strerror(-fd));
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	close(fd);
	if (type != SOCK_SEQPACKET)
		return cf_fail(r, "socket type %d", type);
	cf_note(r, "SOCK_SEQPACKET connection to %s accepted", r->o->socket);
	return CF_PASS;
}

enum cf_result slave_c14_hello(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	struct memif_msg_hello h;
	char name[MEMIF_NAME_LEN + 1];
	enum cf_result res = CF_PASS;

	if (!p)
		return CF_FAIL;
	h = p->hello.hello;
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
	cf_peer_free(p);
	return res;
}

/* C15: one reply per request, nothing unsolicited.  With one region and
 * one queue pair, each step past HELLO is one request. */
enum cf_result slave_c15_lockstep(struct cf_run *r, long arg)
{
	enum cf_result res = CF_FAIL;
	struct cf_peer *p;
	struct cf_hs hs;
	enum cf_step s;
	unsigned k = 0;

	cf_hs_default(r, &hs);
	hs.log2 = 6;
	p = cf_peer_at(r, &hs, CF_STEP_HELLO);
	if (!p)
		return CF_FAIL;
	if (!cf_silent(r, p->fd, 200)) {
		cf_note(r, "after HELLO");
		goto out;
	}
	for (s = CF_STEP_INIT; s <= CF_STEP_CONNECTED; s++) {
		if (cf_peer_to(r, p, s) < 0)
			goto out;
		k++;
		if (!cf_silent(r, p->fd, s == CF_STEP_CONNECTED ? 300 : 30)) {
			cf_note(r, "a second reply at %s", cf_step_name(s));
			goto out;
		}
	}
	cf_note(r, "%u requests, %u replies, nothing unsolicited", k, k);
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

/* Handshake (and with --echo, traffic) with log2 @arg or buffer size. */
static enum cf_result hs_shape(struct cf_run *r, long log2, uint32_t buf)
{
	enum cf_result res = CF_FAIL;
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = (uint8_t)log2;
	hs.buf_size = buf;
	p = cf_peer_at(r, &hs, CF_STEP_HELLO);
	if (!p)
		return CF_FAIL;
	if (p->hello.hello.max_log2_ring_size < log2) {
		res = cf_na(r, "the IUT advertises max log2 %u",
			    p->hello.hello.max_log2_ring_size);
		goto out;
	}
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0)
		goto out;
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
			goto out;
	}
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

enum cf_result slave_hs_log2(struct cf_run *r, long arg)
{
	return hs_shape(r, arg, 2048);
}

enum cf_result slave_hs_buf(struct cf_run *r, long arg)
{
	return hs_shape(r, 10, (uint32_t)arg);
}

/* C6: our undefined bytes full of garbage. */
enum cf_result slave_c6_garbage(struct cf_run *r, long arg)
{
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.dirty = true;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	cf_note(r, "connected with 0xa5 in every undefined byte");
	cf_peer_free(p);
	return CF_PASS;
}

/* C7: names of 32 bytes without a NUL, in INIT and CONNECT. */
enum cf_result slave_c7_long_names(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	struct cf_rx rx;

	if (!p)
		return CF_FAIL;
	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "");
	memset(m.init.name, 'N', sizeof(m.init.name));
	if (cf_send(p->fd, &m, -1) < 0 ||
	    !cf_expect(r, p->fd, MEMIF_MSG_TYPE_ACK, &rx))
		goto out;
	p->at = CF_STEP_INIT;
	if (cf_peer_to(r, p, CF_STEP_RINGS) < 0)
		goto out;
	memif__msg_build_connect(&m, "");
	memset(m.connect.if_name, 'C', sizeof(m.connect.if_name));
	cf_dirty(&m, sizeof(m.connect));
	if (cf_send(p->fd, &m, -1) < 0 ||
	    !cf_expect(r, p->fd, MEMIF_MSG_TYPE_CONNECTED, &rx))
		goto out;
	cf_note(r, "connected with unterminated INIT name and if_name");
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

enum cf_result slave_c20_garbage(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	struct cf_rx rx;
	size_t n = strlen(r->o->secret);

	if (!p)
		return CF_FAIL;
	memif__msg_build_init(&m, r->o->id, r->o->mode, r->o->secret, "x");
	memset(m.init.secret + n + 1, 0xa5, MEMIF_SECRET_LEN - n - 1);
	if (cf_send(p->fd, &m, -1) == 0 &&
	    cf_expect(r, p->fd, MEMIF_MSG_TYPE_ACK, &rx)) {
		cf_note(r, "accepted");
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

enum cf_result slave_c21_unneeded_secret(struct cf_run *r, long arg)
{
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.secret = "xyz";
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		return CF_FAIL;
	cf_note(r, "connected with secret \"xyz\"");
	cf_peer_free(p);
	return CF_PASS;
}

/* C36: up to the advertised maximum is accepted. */
enum cf_result slave_c36_max(struct cf_run *r, long arg)
{
	enum cf_result res = CF_FAIL;
	struct cf_peer *p;
	struct cf_hs hs;

	cf_hs_default(r, &hs);
	hs.log2 = 3;
	hs.buf_size = 256;
	hs.n_s2m = CF_MAX_RINGS;
	hs.n_m2s = CF_MAX_RINGS;
	p = cf_peer_at(r, &hs, CF_STEP_HELLO);
	if (!p)
		return CF_FAIL;
	cf_note(r, "%u S2M and %u M2S rings (advertised max index %u/%u)",
		p->n_s2m, p->n_m2s, p->hello.hello.max_s2m_ring,
		p->hello.hello.max_m2s_ring);
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0)
		goto out;
	if (r->o->echo) {
		struct cf_traffic t = { .packets = 8 * p->n_s2m,
					.min_len = 60,
					.max_len = 200 };

		if (cf_echo(r, p, &t) < 0)
			goto out;
	}
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
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
enum cf_result master_observe(struct cf_run *r, long what)
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
