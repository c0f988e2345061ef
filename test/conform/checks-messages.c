/* SPDX-License-Identifier: MIT */
/*
 * Checks of messages the IUT must refuse, in both roles: wrong sizes,
 * unknown types, stray fds, INIT the IUT master must turn down, messages
 * out of their place in the handshake (catalog B), and the helpers every
 * refusal check uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "checks.h"

/* ---- refusals ------------------------------------------------------------ */

enum cf_result cf_refuse(struct cf_run *r, struct cf_peer *p, const void *m,
			 size_t len, const int *fds, unsigned n_fds)
{
	enum cf_result res;
	int ret;

	if (!p)
		return CF_FAIL;
	ret = cf_send_raw(p->fd, m, len, fds, n_fds);
	if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET) {
		cf_peer_free(p);
		return cf_fail(r, "send: %s", strerror(-ret));
	}
	res = cf_expect_reject(r, p->fd);
	cf_peer_free(p);
	return res;
}

enum cf_result cf_refuse_msg(struct cf_run *r, struct cf_peer *p,
			     const struct memif_msg *m, int fd)
{
	return cf_refuse(r, p, m, MEMIF_MSG_SIZE, &fd, fd >= 0);
}

bool cf_closes(struct cf_run *r, struct cf_peer *p, int ms)
{
	enum cf_react how = cf_reaction(r, p->fd, ms, false);

	cf_peer_free(p);
	return how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE;
}

/* ---- we slave: framing and INIT ------------------------------------------ */

enum cf_result slave_c8_c9_size(struct cf_run *r, long len)
{
	uint8_t buf[4096];
	struct memif_msg m;

	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "x");
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &m, sizeof(m));
	return cf_refuse(r, cf_peer_at(r, NULL, CF_STEP_HELLO), buf,
			 (size_t)len, NULL, 0);
}

enum cf_result slave_c10_unknown(struct cf_run *r, long type)
{
	struct memif_msg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint16_t)type;
	return cf_refuse_msg(r, cf_peer_at(r, NULL, CF_STEP_HELLO), &m, -1);
}

/*
 * C11, both roles: @m sent on @p with @n (1 or 2) eventfds where none
 * belongs; the IUT closes them and refuses or goes on, but never leaves a
 * DISCONNECT without closing.  With @say, a failed send is a FAIL and the
 * note says whether the IUT refused or ignored the fd.  Frees @p.
 */
static enum cf_result extra_fds(struct cf_run *r, struct cf_peer *p,
				const struct memif_msg *m, unsigned n, bool say)
{
	int e[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	enum cf_result res = CF_FAIL;
	enum cf_react how;

	if (!p)
		goto out;
	if (cf_send_raw(p->fd, m, sizeof(*m), e, n) < 0 && say)
		goto out;
	how = cf_reaction(r, p->fd, 500, true);
	if (how == CF_REACT_DISC_NOCLOSE)
		res = cf_fail(r, "DISCONNECT without close");
	else if (!say)
		res = CF_PASS;
	else if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		res = cf_pass(r, "refused");
	else
		res = cf_pass(r, "ignored the fd");
out:
	cf_peer_free(p);
	close(e[0]);
	close(e[1]);
	return res;
}

/* C11: an fd where none belongs is closed; the IUT refuses or goes on. */
enum cf_result slave_c11_extra(struct cf_run *r, long arg)
{
	struct memif_msg m;

	if (arg == 0)
		memif__msg_build_init(&m, r->o->id, r->o->mode,
				      r->o->secret ? r->o->secret : "", "x");
	else
		memif__msg_build_connect(&m, "x");
	return extra_fds(r,
			 cf_peer_at(r, NULL,
				    arg == 2 ? CF_STEP_RINGS : CF_STEP_HELLO),
			 &m, 1, true);
}

/* C11: ADD_REGION with two fds SHOULD be refused. */
enum cf_result slave_c11_two_fds(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	int fds[2], e = eventfd(0, EFD_CLOEXEC);
	enum cf_result res;
	struct memif_msg m;

	if (!p) {
		close(e);
		return CF_FAIL;
	}
	fds[0] = p->reg[0].fd;
	fds[1] = e;
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	res = cf_refuse(r, p, &m, sizeof(m), fds, 2);
	close(e);
	return res;
}

/* C13: the peer goes away while the IUT sends. */
enum cf_result slave_c13_sigpipe(struct cf_run *r, long arg)
{
	struct memif_msg m;
	int i, fd;

	for (i = 0; i < 20; i++) {
		fd = cf_connect(r->o->socket);
		if (fd < 0)
			return cf_fail(r, "connect: %s", strerror(-fd));
		if (i & 1) {
			memif__msg_build_init(&m, r->o->id, r->o->mode,
					      r->o->secret ? r->o->secret : "",
					      "x");
			cf_send(fd, &m, -1);
		}
		close(fd);
	}
	cf_note(r, "20 peers closed before reading HELLO or the ACK");
	return CF_PASS;
}

static enum cf_result init_with(struct cf_run *r, uint16_t version, uint32_t id,
				uint8_t mode, const char *secret)
{
	struct memif_msg m;

	memif__msg_build_init(&m, id, mode, secret, "memif-conform");
	m.init.version = version;
	return cf_refuse_msg(r, cf_peer_at(r, NULL, CF_STEP_HELLO), &m, -1);
}

enum cf_result slave_c16_version(struct cf_run *r, long v)
{
	return init_with(r, (uint16_t)v, r->o->id, r->o->mode,
			 r->o->secret ? r->o->secret : "");
}

enum cf_result slave_c17_id(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	uint32_t id = r->o->id + 1000;
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	if (r->o->has_id2 && id == r->o->id2)
		id++;
	memif__msg_build_init(&m, id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "x");
	cf_send(p->fd, &m, -1);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE)
		return CF_PASS;
	return cf_fail(r, "a DISCONNECT with a reason is required, never ACK");
}

enum cf_result slave_c19_mode(struct cf_run *r, long mode)
{
	if ((uint8_t)mode == r->o->mode)
		mode = MEMIF_INTERFACE_MODE_ETHERNET;
	return init_with(r, MEMIF_VERSION, r->o->id, (uint8_t)mode,
			 r->o->secret ? r->o->secret : "");
}

enum cf_result slave_c20_secret(struct cf_run *r, long arg)
{
	char wrong[MEMIF_SECRET_LEN];

	snprintf(wrong, sizeof(wrong), "%s", r->o->secret);
	wrong[strlen(wrong) - 1] ^= 1;
	return init_with(r, MEMIF_VERSION, r->o->id, r->o->mode,
			 arg ? wrong : "");
}

/* C18: a second slave for a busy id is refused; the first keeps working. */
enum cf_result slave_c18_busy(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED), *q;
	enum cf_result res = CF_FAIL;
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	q = cf_peer_at(r, NULL, CF_STEP_HELLO);
	if (!q)
		goto out;
	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "second");
	res = cf_refuse_msg(r, q, &m, -1);
	if (r->o->echo ? cf_echo_one(r, p, 200) < 0 : !cf_silent(r, p->fd, 300))
		res = cf_fail(r, "the first connection was disturbed");
	else
		cf_note(r, "the first connection still works");
out:
	cf_peer_free(p);
	return res;
}

/* ---- we slave: a message out of its place -------------------------------- */

/*
 * A message of @type that has no place at @step, for the IUT master to
 * refuse: HELLO, INIT, ADD_REGION (the next index, with its fd), ADD_RING
 * (S2M 0, with its eventfd), CONNECT (if_name @connect_name), CONNECTED, a
 * DISCONNECT (a teardown: no reply is due), any other type an ACK.
 */
static enum cf_result stray_at(struct cf_run *r, enum cf_step step, long type,
			       const char *connect_name)
{
	struct cf_peer *p = cf_peer_at(r, NULL, step);
	struct memif_msg m;
	int fd = -1;

	if (!p)
		return CF_FAIL;
	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		memif__msg_build_hello(&m, "evil", 255, 255, 255, 14);
		break;
	case MEMIF_MSG_TYPE_INIT:
		memif__msg_build_init(&m, r->o->id, r->o->mode,
				      r->o->secret ? r->o->secret : "", "x");
		break;
	case MEMIF_MSG_TYPE_ADD_REGION:
		memif__msg_build_add_region(
			&m, (uint16_t)(step > CF_STEP_INIT ? p->n_reg : 0),
			p->reg[0].size);
		fd = p->reg[0].fd;
		break;
	case MEMIF_MSG_TYPE_ADD_RING:
		memif__msg_build_add_ring(&m, true, 0, 0, p->s2m[0].offset,
					  p->s2m[0].log2);
		fd = p->s2m[0].efd;
		break;
	case MEMIF_MSG_TYPE_CONNECT:
		memif__msg_build_connect(&m, connect_name);
		break;
	case MEMIF_MSG_TYPE_CONNECTED:
		memif__msg_build_connected(&m, "evil");
		break;
	case MEMIF_MSG_TYPE_DISCONNECT:
		/* A teardown, not a rejection: no reply is due. */
		memif__msg_build_disconnect(&m, 0, "before init");
		r->no_count = true;
		break;
	default:
		memif__msg_build_ack(&m);
		break;
	}
	return cf_refuse_msg(r, p, &m, fd);
}

enum cf_result slave_c22_before_init(struct cf_run *r, long type)
{
	return stray_at(r, CF_STEP_HELLO, type, "evil");
}

enum cf_result slave_b2_after_init(struct cf_run *r, long type)
{
	return stray_at(r, CF_STEP_INIT, type, "evil");
}

/* C37 / B5: after CONNECTED only DISCONNECT is acceptable. */
enum cf_result slave_c37_after_connected(struct cf_run *r, long type)
{
	return stray_at(r, CF_STEP_CONNECTED, type, "again");
}

/* ---- we master: bad input to the IUT slave ------------------------------- */

/* C43 (arg 0x0300/0x0100) and catalog C2 (log2 0): an unusable HELLO. */
enum cf_result master_c43_bad_hello(struct cf_run *r, long arg)
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
	return cf_refuse(r, p, &m, sizeof(m), NULL, 0);
}

enum cf_result master_first_msg(struct cf_run *r, long what)
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
	res = cf_refuse(r, p, buf, len, fds, n_fds);
	close(e);
	return res;
}

/* C11: fds on HELLO (0) or on an ACK (1: one, 2: two) are closed. */
enum cf_result master_c11_extra(struct cf_run *r, long arg)
{
	struct memif_msg m;

	if (arg)
		memif__msg_build_ack(&m);
	else
		memif__msg_build_hello(&m, "x", 255, 255, 255, 14);
	return extra_fds(r,
			 cf_peer_at(r, NULL, arg ? CF_STEP_INIT : CF_STEP_OPEN),
			 &m, arg == 2 ? 2 : 1, false);
}

/* C48 and B4: the wrong reply at the wrong time. */
enum cf_result master_c48_wrong(struct cf_run *r, long what)
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
	return cf_refuse(r, p, &m, sizeof(m), NULL, 0);
}

enum cf_result master_c48_hello_connected(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_hello(&m, "again", 255, 255, 255, 14);
	return cf_refuse(r, p, &m, sizeof(m), NULL, 0);
}
