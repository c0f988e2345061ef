/* SPDX-License-Identifier: MIT */
/*
 * Checks of connections that end, in both roles: a peer that vanishes or
 * stalls at each step of the handshake, DISCONNECT both ways, the IUT
 * slave's retry, idle connections.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"

/* ---- both roles ---------------------------------------------------------- */

/* Our DISCONNECT "@reason" at @step (a teardown: no reply is due): 1 the
 * IUT closed the connection, 0 it did not, -1 no connection (noted). */
static int disconnect_at(struct cf_run *r, enum cf_step step,
			 const char *reason)
{
	struct cf_peer *p = cf_peer_at(r, NULL, step);
	struct memif_msg m;

	if (!p)
		return -1;
	memif__msg_build_disconnect(&m, 0, reason);
	cf_send(p->fd, &m, -1);
	r->no_count = true;
	return cf_closes(r, p, r->o->timeout_ms);
}

/* C38: we close the connection at @step; the IUT frees what it held (the
 * post-check counts its fds and mappings). */
enum cf_result c38_vanish(struct cf_run *r, long step)
{
	struct cf_peer *p = cf_peer_at(r, NULL, (enum cf_step)step);

	if (!p)
		return CF_FAIL;
	cf_peer_free(p);
	return cf_pass(r, "closed at %s", cf_step_name((enum cf_step)step));
}

/* C67: our DISCONNECT on a live connection; the IUT closes it. */
enum cf_result c67_disconnect(struct cf_run *r, long arg)
{
	switch (disconnect_at(r, CF_STEP_CONNECTED,
			      "memif-conform says goodbye")) {
	case 1:
		return CF_PASS;
	case 0:
		return cf_fail(r, "the IUT did not close after our DISCONNECT");
	default:
		return CF_FAIL;
	}
}

/* ---- we slave ------------------------------------------------------------ */

/* C39: a stalled connection is dropped after the IUT's handshake timeout
 * (SHOULD); others are served meanwhile (checked by C39.serve). */
enum cf_result slave_c39_stall(struct cf_run *r, long step)
{
	struct cf_peer *p = cf_peer_at(r, NULL, (enum cf_step)step);
	int wait = r->o->timeout_ms > 15000 ? r->o->timeout_ms : 15000;

	if (!p)
		return CF_FAIL;
	if (cf_closes(r, p, wait))
		return CF_PASS;
	return cf_fail(r, "the stalled connection was kept");
}

enum cf_result slave_c39_serve(struct cf_run *r, long arg)
{
	struct cf_peer *a = cf_peer_at(r, NULL, CF_STEP_HELLO);
	struct cf_peer *b = cf_peer_at(r, NULL, CF_STEP_INIT), *c = NULL;
	enum cf_result res = CF_FAIL;

	if (!a || !b)
		goto out;
	/* b holds the id: a good slave has to wait until it is dropped. */
	cf_peer_free(b);
	b = NULL;
	c = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	if (c) {
		cf_note(r, "a good slave connected while another stalls");
		res = CF_PASS;
	}
out:
	cf_peer_free(a);
	cf_peer_free(b);
	cf_peer_free(c);
	return res;
}

/* C67: a DISCONNECT answered with a DISCONNECT (VPP style) is tolerated. */
enum cf_result slave_c67_reply(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	struct memif_msg m;
	struct cf_rx rx;

	if (!p)
		return CF_FAIL;
	memset(&m, 0, sizeof(m));
	m.type = 0x77;
	cf_send(p->fd, &m, -1);
	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	cf_note_rx(r, &rx);
	memif__msg_build_disconnect(&m, 0, "disconnect received");
	cf_send(p->fd, &m, -1);
	cf_peer_free(p);
	cf_note(r, "answered with DISCONNECT");
	return CF_PASS;
}

/* K1: many connections that never send INIT. */
enum cf_result slave_k1_idle(struct cf_run *r, long n)
{
	int fds[64], i, ok = 0;

	for (i = 0; i < n && i < 64; i++) {
		fds[i] = cf_connect(r->o->socket);
		ok += fds[i] >= 0;
	}
	cf_sleep_ms(200);
	for (i = 0; i < n && i < 64; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cf_note(r, "%d idle connections opened and closed", ok);
	return CF_PASS;
}

/* ---- we master ----------------------------------------------------------- */

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

enum cf_result master_c47_disconnect_init(struct cf_run *r, long arg)
{
	switch (disconnect_at(r, CF_STEP_INIT, "memif-conform refuses")) {
	case 1:
		return wait_retry(r, cf_now_ms());
	case 0:
		return cf_fail(r, "the IUT did not close after DISCONNECT");
	default:
		return CF_FAIL;
	}
}

/* C49: no HELLO (0) or no ACK for INIT (1): the IUT SHOULD give up after
 * its handshake timeout and retry. */
enum cf_result master_c49_stall(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg ? CF_STEP_INIT : CF_STEP_OPEN);
	int wait = r->o->timeout_ms > 15000 ? r->o->timeout_ms : 15000;
	uint64_t t0 = cf_now_ms();

	if (!p)
		return CF_FAIL;
	if (!cf_closes(r, p, wait))
		return cf_fail(r, "the IUT kept the stalled connection");
	r->no_kick = true;
	return wait_retry(r, t0);
}
