/* SPDX-License-Identifier: MIT */
/*
 * Checks run with --role slave: memif-conform is the slave, the IUT is the
 * master (spec/memif-protocol.md §8.1, §8.2, §8.4, §8.5, §8.7 and
 * spec/hostile-peer.md §3 A-K as seen by a master).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conform.h"

/* Send @m (with @fds) and expect the IUT to refuse it. */
static enum cf_result refuse(struct cf_run *r, struct cf_peer *p, const void *m,
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

static enum cf_result refuse_msg(struct cf_run *r, struct cf_peer *p,
				 const struct memif_msg *m, int fd)
{
	return refuse(r, p, m, MEMIF_MSG_SIZE, &fd, fd >= 0);
}

/* ---- transport, HELLO, good handshakes ----------------------------------- */

static enum cf_result c1_connect(struct cf_run *r, long arg)
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

static enum cf_result c14_hello(struct cf_run *r, long arg)
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
static enum cf_result c15_lockstep(struct cf_run *r, long arg)
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

static enum cf_result hs_log2(struct cf_run *r, long arg)
{
	return hs_shape(r, arg, 2048);
}

static enum cf_result hs_buf(struct cf_run *r, long arg)
{
	return hs_shape(r, 10, (uint32_t)arg);
}

/* C6: our undefined bytes full of garbage. */
static enum cf_result c6_garbage(struct cf_run *r, long arg)
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
static enum cf_result c7_long_names(struct cf_run *r, long arg)
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

/* ---- framing -------------------------------------------------------------- */

static enum cf_result c8_c9_size(struct cf_run *r, long len)
{
	uint8_t buf[4096];
	struct memif_msg m;

	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", "x");
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &m, sizeof(m));
	return refuse(r, cf_peer_at(r, NULL, CF_STEP_HELLO), buf, (size_t)len,
		      NULL, 0);
}

static enum cf_result c10_unknown(struct cf_run *r, long type)
{
	struct memif_msg m;

	memset(&m, 0, sizeof(m));
	m.type = (uint16_t)type;
	return refuse_msg(r, cf_peer_at(r, NULL, CF_STEP_HELLO), &m, -1);
}

/* C11: an fd where none belongs is closed; the IUT refuses or goes on. */
static enum cf_result c11_extra(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg == 2 ? CF_STEP_RINGS : CF_STEP_HELLO);
	int e[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		goto out;
	if (arg == 0)
		memif__msg_build_init(&m, r->o->id, r->o->mode,
				      r->o->secret ? r->o->secret : "", "x");
	else
		memif__msg_build_connect(&m, "x");
	if (cf_send_raw(p->fd, &m, sizeof(m), e, 1) < 0)
		goto out;
	how = cf_reaction(r, p->fd, 500, true);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE) {
		cf_note(r, "refused");
		res = CF_PASS;
	} else if (how == CF_REACT_NONE || how == CF_REACT_MSG) {
		cf_note(r, "ignored the fd");
		res = CF_PASS;
	} else {
		res = cf_fail(r, "DISCONNECT without close");
	}
out:
	cf_peer_free(p);
	close(e[0]);
	close(e[1]);
	return res;
}

/* C11: ADD_REGION with two fds SHOULD be refused. */
static enum cf_result c11_two_fds(struct cf_run *r, long arg)
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
	res = refuse(r, p, &m, sizeof(m), fds, 2);
	close(e);
	return res;
}

/* C13: the peer goes away while the IUT sends. */
static enum cf_result c13_sigpipe(struct cf_run *r, long arg)
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

/* ---- INIT ------------------------------------------------------------------- */

static enum cf_result init_with(struct cf_run *r, uint16_t version, uint32_t id,
				uint8_t mode, const char *secret)
{
	struct memif_msg m;

	memif__msg_build_init(&m, id, mode, secret, "memif-conform");
	m.init.version = version;
	return refuse_msg(r, cf_peer_at(r, NULL, CF_STEP_HELLO), &m, -1);
}

static enum cf_result c16_version(struct cf_run *r, long v)
{
	return init_with(r, (uint16_t)v, r->o->id, r->o->mode,
			 r->o->secret ? r->o->secret : "");
}

static enum cf_result c17_id(struct cf_run *r, long arg)
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

static enum cf_result c19_mode(struct cf_run *r, long mode)
{
	if ((uint8_t)mode == r->o->mode)
		mode = MEMIF_INTERFACE_MODE_ETHERNET;
	return init_with(r, MEMIF_VERSION, r->o->id, (uint8_t)mode,
			 r->o->secret ? r->o->secret : "");
}

static enum cf_result c20_secret(struct cf_run *r, long arg)
{
	char wrong[MEMIF_SECRET_LEN];

	snprintf(wrong, sizeof(wrong), "%s", r->o->secret);
	wrong[strlen(wrong) - 1] ^= 1;
	return init_with(r, MEMIF_VERSION, r->o->id, r->o->mode,
			 arg ? wrong : "");
}

static enum cf_result c20_garbage(struct cf_run *r, long arg)
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

static enum cf_result c21_unneeded_secret(struct cf_run *r, long arg)
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

/* C18: a second slave for a busy id is refused; the first keeps working. */
static enum cf_result c18_busy(struct cf_run *r, long arg)
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
	res = refuse_msg(r, q, &m, -1);
	if (r->o->echo ? cf_echo_one(r, p, 200) < 0 : !cf_silent(r, p->fd, 300))
		res = cf_fail(r, "the first connection was disturbed");
	else
		cf_note(r, "the first connection still works");
out:
	cf_peer_free(p);
	return res;
}

/* ---- wrong message for the state ------------------------------------------- */

static enum cf_result c22_before_init(struct cf_run *r, long type)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);
	struct memif_msg m;
	int fd = -1;

	if (!p)
		return CF_FAIL;
	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		memif__msg_build_hello(&m, "evil", 255, 255, 255, 14);
		break;
	case MEMIF_MSG_TYPE_ADD_REGION:
		memif__msg_build_add_region(&m, 0, p->reg[0].size);
		fd = p->reg[0].fd;
		break;
	case MEMIF_MSG_TYPE_ADD_RING:
		memif__msg_build_add_ring(&m, true, 0, 0, p->s2m[0].offset,
					  p->s2m[0].log2);
		fd = p->s2m[0].efd;
		break;
	case MEMIF_MSG_TYPE_CONNECT:
		memif__msg_build_connect(&m, "evil");
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
	return refuse_msg(r, p, &m, fd);
}

static enum cf_result b2_after_init(struct cf_run *r, long type)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;

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
	case MEMIF_MSG_TYPE_CONNECTED:
		memif__msg_build_connected(&m, "evil");
		break;
	default:
		memif__msg_build_ack(&m);
		break;
	}
	return refuse_msg(r, p, &m, -1);
}

/* C37 / B5: after CONNECTED only DISCONNECT is acceptable. */
static enum cf_result c37_after_connected(struct cf_run *r, long type)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	struct memif_msg m;
	int fd = -1;

	if (!p)
		return CF_FAIL;
	switch (type) {
	case MEMIF_MSG_TYPE_INIT:
		memif__msg_build_init(&m, r->o->id, r->o->mode,
				      r->o->secret ? r->o->secret : "", "x");
		break;
	case MEMIF_MSG_TYPE_ADD_REGION:
		memif__msg_build_add_region(&m, 1, p->reg[0].size);
		fd = p->reg[0].fd;
		break;
	case MEMIF_MSG_TYPE_HELLO:
		memif__msg_build_hello(&m, "evil", 255, 255, 255, 14);
		break;
	default:
		memif__msg_build_connect(&m, "again");
		break;
	}
	return refuse_msg(r, p, &m, fd);
}

/* ---- ADD_REGION --------------------------------------------------------------- */

static enum cf_result c23_no_fd(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	return refuse_msg(r, p, &m, -1);
}

/* C24: 0 then 2 (arg 2), 0 then 0 (arg 0), or 5 first (arg 5). */
static enum cf_result c24_index(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg == 5 ? CF_STEP_INIT : CF_STEP_REGION);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_add_region(&m, (uint16_t)arg, p->reg[0].size);
	return refuse_msg(r, p, &m, p->reg[0].fd);
}

static enum cf_result c25_max(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;
	uint16_t max;

	if (!p)
		return CF_FAIL;
	max = p->hello.hello.max_region;
	if (max == 0xffff) {
		cf_peer_free(p);
		return cf_na(r, "the IUT advertises max_region 65535");
	}
	cf_note(r, "index %u, advertised max %u:", max + 1, max);
	memif__msg_build_add_region(&m, (uint16_t)(max + 1), p->reg[0].size);
	return refuse_msg(r, p, &m, p->reg[0].fd);
}

/* C26: size 0 (arg 0), larger than the file (1), 2^63 (2). */
static enum cf_result c26_size(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	static const uint64_t big = 1ull << 63;
	struct memif_msg m;
	uint64_t size;

	if (!p)
		return CF_FAIL;
	size = arg == 0 ? 0 : arg == 1 ? p->reg[0].size + 65536 : big;
	memif__msg_build_add_region(&m, 0, size);
	if (cf_send(p->fd, &m, p->reg[0].fd) < 0)
		goto out;
	/* Refusal may come at ADD_REGION or only at CONNECT (mmap). */
	switch (cf_reaction(r, p->fd, 300, true)) {
	case CF_REACT_DISC_CLOSE:
	case CF_REACT_CLOSE:
		cf_peer_free(p);
		return CF_PASS;
	case CF_REACT_NONE:
		break;
	default:
		goto out;
	}
	p->at = CF_STEP_REGION;
	if (cf_peer_to(r, p, CF_STEP_RINGS) < 0)
		goto out;
	cf_note(r, "CONNECT:");
	memif__msg_build_connect(&m, "x");
	return refuse_msg(r, p, &m, -1);
out:
	cf_peer_free(p);
	return CF_FAIL;
}

/* E4: a region fd that is not memory: pipe (0), disk file (1), socket (2),
 * eventfd (3). */
static enum cf_result e4_not_memory(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;
	enum cf_result res;
	int fds[2] = { -1, -1 };

	if (!p)
		return CF_FAIL;
	switch (arg) {
	case 0:
		if (pipe2(fds, O_CLOEXEC) < 0)
			fds[0] = -1;
		break;
	case 1:
		fds[0] = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fds[0] >= 0 &&
		    ftruncate(fds[0], (off_t)p->reg[0].size) < 0) {
			close(fds[0]);
			fds[0] = -1;
		}
		break;
	case 2:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
			fds[0] = -1;
		break;
	default:
		fds[0] = eventfd(0, EFD_CLOEXEC);
		break;
	}
	if (fds[0] < 0) {
		cf_peer_free(p);
		return cf_na(r, "cannot make the fd: %s", strerror(errno));
	}
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	res = refuse_msg(r, p, &m, fds[0]);
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return res;
}

/* E5: an unsealed memfd may be refused; if it is accepted and then shrunk,
 * the IUT must survive (no SIGBUS). */
static enum cf_result e5_unsealed(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	struct cf_rx rx;
	int fd;

	if (!p)
		return CF_FAIL;
	fd = memfd_create("unsealed", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)p->reg[0].size) < 0) {
		res = cf_na(r, "memfd: %s", strerror(errno));
		goto out;
	}
	{
		/* Same content as our sealed region: valid rings. */
		void *b = mmap(NULL, (size_t)p->reg[0].size,
			       PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (b == MAP_FAILED)
			goto out;
		memcpy(b, p->reg[0].base, (size_t)p->reg[0].size);
		munmap(b, (size_t)p->reg[0].size);
	}
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	cf_send(p->fd, &m, fd);
	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_ACK) {
		cf_note(r, "refused:");
		cf_note_rx(r, &rx);
		res = cf_rx_refused(&rx) ? CF_PASS : CF_FAIL;
		goto out;
	}
	p->at = CF_STEP_REGION;
	if (cf_peer_to(r, p, CF_STEP_RINGS) < 0)
		goto out;
	memif__msg_build_connect(&m, "x");
	cf_send(p->fd, &m, -1);
	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	cf_note(r, "accepted the unsealed region; CONNECT:");
	cf_note_rx(r, &rx);
	/* Pull the memory from under it. */
	if (ftruncate(fd, 0) < 0)
		goto out;
	cf_sleep_ms(300);
	cf_note(r, "region shrunk to 0 bytes");
	res = CF_PASS; /* the post-check decides: alive, fresh handshake */
out:
	if (fd >= 0)
		close(fd);
	cf_peer_free(p);
	return res;
}

/* ---- ADD_RING ----------------------------------------------------------------- */

struct ring_case {
	uint16_t flags, index, region, phs;
	int64_t offset; /* < 0: region size + offset */
	uint8_t log2;
	int fd_kind; /* 0 eventfd, 1 none, 2 pipe, 3 memfd, 4 blocking */
	enum cf_step at;
};

static const struct ring_case ring_cases[] = {
	/* 0 C27 */ { 1, 0, 0, 0, 0, 4, 1, CF_STEP_REGION },
	/* 1 C28 */ { 1, 0, 0, 7, 0, 4, 0, CF_STEP_REGION },
	/* 2 C29 */ { 3, 0, 0, 0, 0, 4, 0, CF_STEP_REGION },
	/* 3 C30 skip */ { 1, 1, 0, 0, 0, 4, 0, CF_STEP_REGION },
	/* 4 C30 dup */ { 1, 0, 0, 0, 0, 4, 0, CF_STEP_S2M },
	/* 5 C31 15 */ { 1, 0, 0, 0, 0, 15, 0, CF_STEP_REGION },
	/* 6 C31 255 */ { 1, 0, 0, 0, 0, 255, 0, CF_STEP_REGION },
	/* 7 F5 zero */ { 1, 0, 0, 0, 0, 0, 0, CF_STEP_REGION },
	/* 8 C32 */ { 1, 0, 1, 0, 0, 4, 0, CF_STEP_REGION },
	/* 9 C33 end */ { 1, 0, 0, 0, -128, 4, 0, CF_STEP_REGION },
	/* 10 C33 wrap */ { 1, 0, 0, 0, 0xfffffff0, 4, 0, CF_STEP_REGION },
	/* 11 F6 align */ { 1, 0, 0, 0, 8, 4, 0, CF_STEP_REGION },
	/* 12 F2 pipe */ { 1, 0, 0, 0, 0, 4, 2, CF_STEP_REGION },
	/* 13 F2 memfd */ { 1, 0, 0, 0, 0, 4, 3, CF_STEP_REGION },
};

static enum cf_result ring_bad(struct cf_run *r, long arg)
{
	const struct ring_case *c = &ring_cases[arg];
	struct cf_peer *p = cf_peer_at(r, NULL, c->at);
	struct memif_msg m;
	enum cf_result res;
	int fds[2] = { -1, -1 }, fd = -1;
	uint32_t off;

	if (!p)
		return CF_FAIL;
	if (c->log2 == 15 && p->hello.hello.max_log2_ring_size >= 15) {
		cf_peer_free(p);
		return cf_na(r, "the IUT advertises max log2 %u",
			     p->hello.hello.max_log2_ring_size);
	}
	off = c->offset < 0 ? (uint32_t)(p->reg[0].size + c->offset) :
			      (uint32_t)c->offset;
	switch (c->fd_kind) {
	case 0:
		fd = p->s2m[0].efd;
		break;
	case 2:
		if (pipe2(fds, O_CLOEXEC) == 0)
			fd = fds[0];
		break;
	case 3:
		fds[0] = memfd_create("not an eventfd", MFD_CLOEXEC);
		fd = fds[0];
		break;
	default:
		break;
	}
	memif__msg_build_add_ring(&m, c->flags & 1, c->index, c->region, off,
				  c->log2);
	m.add_ring.flags = c->flags;
	m.add_ring.private_hdr_size = c->phs;
	res = refuse_msg(r, p, &m, fd);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return res;
}

/* F2: a blocking eventfd is made non-blocking or refused; never a hang. */
static enum cf_result f2_blocking(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_REGION);
	enum cf_result res = CF_FAIL;
	struct memif_msg m;
	struct cf_rx rx;
	int e = eventfd(0, EFD_CLOEXEC), fl;

	if (!p)
		goto out;
	memif__msg_build_add_ring(&m, true, 0, 0, p->s2m[0].offset,
				  p->s2m[0].log2);
	cf_send(p->fd, &m, e);
	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	cf_note_rx(r, &rx);
	if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_ACK) {
		res = cf_rx_refused(&rx) ? CF_PASS : CF_FAIL;
		goto out;
	}
	fl = fcntl(e, F_GETFL);
	cf_note(r, "accepted; O_NONBLOCK %s",
		fl & O_NONBLOCK ? "set by the IUT" : "still clear");
	res = CF_PASS;
out:
	cf_peer_free(p);
	close(e);
	return res;
}

/* ---- CONNECT ------------------------------------------------------------------- */

static enum cf_result c34_cookie(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_RINGS);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	p->m2s[0].ring->cookie = 0xdeadbeef;
	memif__msg_build_connect(&m, "x");
	return refuse_msg(r, p, &m, -1);
}

/* C35: CONNECT without M2S rings (arg 0), without S2M (1), with nothing
 * (2: right after INIT). */
static enum cf_result c35_no_rings(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL,
				       arg == 2 ? CF_STEP_INIT :
				       arg == 0 ? CF_STEP_S2M :
						  CF_STEP_REGION);
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	if (arg == 1 && cf_slave_send_ring(r, p, false, 0) < 0) {
		cf_peer_free(p);
		return CF_FAIL;
	}
	memif__msg_build_connect(&m, "x");
	cf_send(p->fd, &m, -1);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		return CF_PASS;
	return cf_fail(r, "expected a refusal");
}

/* C36: ring indexes beyond the advertised maximum are refused with a
 * DISCONNECT, never a silent close. */
static enum cf_result c36_over(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_REGION);
	unsigned max, i;
	struct memif_msg m;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	max = p->hello.hello.max_s2m_ring;
	for (i = 0; i <= max + 1; i++) {
		struct cf_rx rx;

		/* Every extra ring reuses ring 0's memory: only the count
		 * matters here. */
		memif__msg_build_add_ring(&m, true, (uint16_t)i, 0,
					  p->s2m[0].offset, p->s2m[0].log2);
		cf_send(p->fd, &m, p->s2m[0].efd);
		if (i == max + 1)
			break;
		cf_recv(r, p->fd, r->o->timeout_ms, &rx);
		cf_rx_close_fds(&rx);
		if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_ACK) {
			cf_note(r, "S2M ring %u of advertised max %u:", i, max);
			cf_note_rx(r, &rx);
			if (rx.kind == CF_RX_MSG &&
			    rx.msg.type == MEMIF_MSG_TYPE_DISCONNECT) {
				how = cf_reaction(r, p->fd, r->o->timeout_ms,
						  false);
				cf_peer_free(p);
				return how == CF_REACT_CLOSE ? CF_PASS :
							       CF_FAIL;
			}
			cf_peer_free(p);
			return cf_fail(r, "refusal without DISCONNECT");
		}
	}
	cf_note(r, "S2M ring index %u (advertised max %u):", max + 1, max);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE)
		return CF_PASS;
	return cf_fail(r, "a DISCONNECT with a reason is required");
}

/* C36: up to the advertised maximum is accepted. */
static enum cf_result c36_max(struct cf_run *r, long arg)
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

/* ---- peers that vanish or stall ------------------------------------------------ */

static enum cf_result c38_vanish(struct cf_run *r, long step)
{
	struct cf_peer *p = cf_peer_at(r, NULL, (enum cf_step)step);

	if (!p)
		return CF_FAIL;
	cf_peer_free(p);
	cf_note(r, "closed at step %ld", step);
	return CF_PASS;
}

/* C39: a stalled connection is dropped after the IUT's handshake timeout
 * (SHOULD); others are served meanwhile (checked by C39.serve). */
static enum cf_result c39_stall(struct cf_run *r, long step)
{
	struct cf_peer *p = cf_peer_at(r, NULL, (enum cf_step)step);
	int wait = r->o->timeout_ms > 15000 ? r->o->timeout_ms : 15000;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	how = cf_reaction(r, p->fd, wait, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		return CF_PASS;
	return cf_fail(r, "the stalled connection was kept");
}

static enum cf_result c39_serve(struct cf_run *r, long arg)
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

/* C40: two slaves for two ids, interleaved. */
static enum cf_result c40_two_ids(struct cf_run *r, long arg)
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

/* K1: many connections that never send INIT. */
static enum cf_result k1_idle(struct cf_run *r, long n)
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

/* ---- disconnect ------------------------------------------------------------- */

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

/* C67: a DISCONNECT answered with a DISCONNECT (VPP style) is tolerated. */
static enum cf_result c67_reply(struct cf_run *r, long arg)
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

/* ---- data path (IUT master echoes) --------------------------------------------- */

static struct cf_peer *dp_connect(struct cf_run *r, uint8_t log2, uint32_t buf)
{
	struct cf_hs hs;

	struct cf_peer *p;

	cf_hs_default(r, &hs);
	hs.log2 = log2;
	hs.buf_size = buf;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (p && cf_warmup(r, p) < 0) {
		cf_peer_free(p);
		return NULL;
	}
	return p;
}

static enum cf_result c52_long_run(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 10, 2048);
	struct cf_traffic t = { .packets = r->o->packets,
				.min_len = 60,
				.max_len = 1514 };
	enum cf_result res = CF_FAIL;

	if (p && cf_echo(r, p, &t) == 0)
		res = CF_PASS;
	cf_peer_free(p);
	return res;
}

static enum cf_result c55_chains(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 10, 2048);
	struct cf_traffic t = {
		.packets = 5000, .min_len = 60, .max_len = 8192, .chain_pct = 50
	};
	enum cf_result res = CF_FAIL;

	if (p && cf_echo(r, p, &t) == 0)
		res = CF_PASS;
	cf_peer_free(p);
	return res;
}

/* C54: the IUT master never writes S2M head nor S2M descriptors, and never
 * moves the region/offset of the M2S buffers we lend (checked on RX). */
static enum cf_result c54_ownership(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	struct cf_traffic t = { .packets = 640,
				.min_len = 300,
				.max_len = 300 };
	enum cf_result res = CF_FAIL;
	struct cf_ring *s;
	unsigned j;

	if (!p || cf_echo(r, p, &t) < 0)
		goto out;
	s = &p->s2m[0];
	if (cf_read_once(&s->ring->head) != s->cursor) {
		cf_note(r, "S2M head %u, we wrote %u", s->ring->head,
			s->cursor);
		goto out;
	}
	for (j = 0; j < s->size; j++) {
		struct memif_desc d = s->ring->desc[j];

		if (d.flags || d.region || d.length != 300 ||
		    d.offset != (uint32_t)memif__layout_buffer_offset(
					&p->lay, MEMIF_RING_S2M, 0, j)) {
			cf_note(r,
				"S2M desc %u rewritten: flags %u region %u "
				"length %u offset %u",
				j, d.flags, d.region, d.length, d.offset);
			goto out;
		}
	}
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

static void fill_slot(struct cf_peer *p, struct cf_ring *t, uint16_t idx,
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

/* Wait for an echo of one packet, or note why not; 1 got, 0 nothing. */
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

static enum cf_result c55_starve(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 256);
	enum cf_result res = CF_FAIL;
	struct cf_ring *m2s;
	uint8_t pkt[700];
	uint16_t tail0;
	int i;

	if (!p)
		return CF_FAIL;
	m2s = &p->m2s[0];
	m2s->hold = true;
	/* Use up 15 of the 16 lent M2S slots. */
	for (i = 0; i < 15; i++)
		if (cf_echo_one(r, p, 100) < 0)
			goto out;
	r->note[0] = 0;
	tail0 = cf_load_acquire(&m2s->ring->tail);
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
		goto out;
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	if (cf_load_acquire(&m2s->ring->tail) != tail0) {
		uint16_t tl = cf_load_acquire(&m2s->ring->tail);

		if (m2s->ring->desc[(uint16_t)(tl - 1) & m2s->mask].flags &
		    MEMIF_DESC_FLAG_NEXT) {
			cf_note(r, "published half a chain with 1 free slot");
			goto out;
		}
	}
	cf_note(r, "nothing published with 1 free slot for a 3-slot chain");
	m2s->hold = false;
	cf_rx_release(p, 0);
	switch (wait_echo(r, p, 1000)) {
	case 1:
		cf_note(r, "the chain arrived whole once slots were lent");
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
	cf_peer_free(p);
	return res;
}

/* C56: an incomplete chain is not consumed until completed. */
static enum cf_result c56_wait(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 256);
	enum cf_result res = CF_FAIL;
	struct cf_ring *s;
	uint8_t pkt[700];

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
		goto out;
	/* Publish two of the three fragments. */
	cf_store_release(&s->ring->head, (uint16_t)(s->cursor + 2));
	cf_tx_kick(p, 0, false);
	cf_sleep_ms(300);
	if (cf_load_acquire(&s->ring->tail) != s->cursor) {
		cf_note(r, "the IUT released slots of an incomplete chain");
		goto out;
	}
	if (wait_echo(r, p, 10) != 0) {
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
	cf_peer_free(p);
	return res;
}

/* C56: a ring full of one never-ending chain is a protocol error. */
static enum cf_result c56_full(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 256);
	struct cf_ring *s;
	enum cf_react how;
	uint16_t i;

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	if (cf_load_acquire(&s->ring->tail) != s->cursor) {
		cf_peer_free(p);
		return cf_fail(r, "the IUT did not release the warm-up slots");
	}
	/* Every slot, from our cursor on, one never-ending chain. */
	for (i = 0; i < s->size; i++)
		fill_slot(p, s, (uint16_t)(s->cursor + i), 64,
			  MEMIF_DESC_FLAG_NEXT);
	s->cursor = (uint16_t)(s->cursor + s->size);
	cf_store_release(&s->ring->head, s->cursor);
	cf_tx_kick(p, 0, true);
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	if (how == CF_REACT_DISC_CLOSE || how == CF_REACT_CLOSE)
		return CF_PASS;
	return cf_fail(r, "a full ring of NEXT descriptors was not treated as "
			  "an error");
}

/* C57: hostile S2M descriptors are dropped (or the link torn down). */
static enum cf_result c57_bad_desc(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, arg == 4 ? 65535 : 2048);
	enum cf_result res = CF_FAIL;
	struct memif_desc *d;
	struct cf_ring *s;
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	s = &p->s2m[0];
	fill_slot(p, s, s->cursor, 64, 0);
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
	s->cursor++;
	cf_store_release(&s->ring->head, s->cursor);
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

/* C58: M2S buffers we lend outside our region are never written. */
static enum cf_result c58_bad_lend(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 2048);
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
static enum cf_result c59_index(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 2048);
	enum cf_react how;

	if (!p)
		return CF_FAIL;
	if (arg == 0) {
		cf_store_release(&p->s2m[0].ring->head,
				 (uint16_t)(p->s2m[0].size + 5));
		cf_tx_kick(p, 0, true);
	} else {
		uint8_t pkt[100];

		cf_store_release(&p->m2s[0].ring->head, (uint16_t)0xfff0);
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
		cf_tx_publish(p, 0);
		cf_tx_kick(p, 0, true);
	}
	how = cf_reaction(r, p->fd, 1000, false);
	cf_peer_free(p);
	if (how == CF_REACT_NONE)
		cf_note(r, "(clamped or ignored)");
	return CF_PASS; /* the post-check decides: alive, fresh handshake */
}

static enum cf_result c60_flags(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	struct cf_traffic t = { .packets = 32,
				.min_len = 60,
				.max_len = 500,
				.extra_flags = 0x8100 };
	enum cf_result res = CF_FAIL;

	if (p && cf_echo(r, p, &t) == 0)
		res = CF_PASS;
	cf_peer_free(p);
	return res;
}

static uint64_t efd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* C62: the IUT signals M2S only while we leave MASK_INT clear. */
static enum cf_result c62_signal(struct cf_run *r, long masked)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	struct cf_traffic t = {
		.packets = 16, .min_len = 60, .max_len = 200, .window = 1
	};
	enum cf_result res = CF_FAIL;
	struct cf_ring *m2s;
	uint64_t v;

	if (!p)
		return CF_FAIL;
	m2s = &p->m2s[0];
	cf_write_once(&m2s->ring->flags, masked ? MEMIF_RING_FLAG_MASK_INT : 0);
	cf_fence();
	cf_sleep_ms(20);
	efd_take(m2s->efd);
	if (cf_echo(r, p, &t) < 0)
		goto out;
	cf_sleep_ms(20);
	v = efd_take(m2s->efd);
	cf_note(r, "eventfd counter %llu after 16 echoes one by one",
		(unsigned long long)v);
	if (masked ? v == 0 : v >= 1 && v <= 16)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

/* C63: the IUT sets its RX mode at connect and, in interrupt mode,
 * processes a large batch after one signal. */
static enum cf_result c63_batch(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 10, 2048);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[128], rbuf[2048];
	unsigned i, got = 0;
	uint64_t end;
	bool polling;

	if (!p)
		return CF_FAIL;
	cf_sleep_ms(50);
	polling = cf_read_once(&p->s2m[0].ring->flags) &
		  MEMIF_RING_FLAG_MASK_INT;
	cf_note(r, "the IUT %s on S2M",
		polling ? "polls (MASK_INT set)" : "wants interrupts");
	for (i = 0; i < 256; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			goto out;
	}
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false); /* one signal at most, for 256 packets */
	end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	while (got < 256 && cf_now_ms() < end) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

		if (e < 0)
			goto out;
		if (e == 1 && cf_pkt_check(rbuf, len, &seq))
			got++;
		else if (!e)
			cf_sleep_ms(1);
	}
	cf_note(r, "%u of 256 packets echoed after a single signal", got);
	if (got == 256)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

/* C64: packets published with no signal are handled after the next. */
static enum cf_result c64_late(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[128];
	int got;

	if (!p)
		return CF_FAIL;
	cf_sleep_ms(50);
	if (cf_read_once(&p->s2m[0].ring->flags) & MEMIF_RING_FLAG_MASK_INT) {
		cf_peer_free(p);
		return cf_na(r, "the IUT polls S2M (MASK_INT set)");
	}
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
	cf_tx_publish(p, 0); /* no signal */
	got = wait_echo(r, p, 300);
	if (got == 1) {
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

/* C65: spurious signals, with no packet and with values > 1. */
static enum cf_result c65_spurious(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	enum cf_result res = CF_FAIL;
	uint64_t v = 5;
	int i;

	if (!p)
		return CF_FAIL;
	for (i = 0; i < 10; i++)
		if (write(p->s2m[0].efd, &v, sizeof(v)) < 0)
			break;
	cf_sleep_ms(50);
	if (cf_echo_one(r, p, 100) == 0) {
		cf_note(r, "10 signals of value 5 with no packet tolerated");
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

static uint64_t cpu_ticks(const struct cf_run *r)
{
	char path[64], buf[1024], *q;
	unsigned long ut = 0, st = 0;
	FILE *f;

	if (!r->pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)r->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (q = strrchr(buf, ')')))
		sscanf(q + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	fclose(f);
	return ut + st;
}

/* J1: an interrupt storm keeps the IUT working. */
static enum cf_result j1_storm(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	enum cf_result res = CF_FAIL;
	uint64_t v = 1, end, n = 0, c0, c1;

	if (!p)
		return CF_FAIL;
	c0 = cpu_ticks(r);
	end = cf_now_ms() + 1000;
	while (cf_now_ms() < end) {
		int i;

		for (i = 0; i < 256; i++)
			n += write(p->s2m[0].efd, &v, sizeof(v)) > 0;
	}
	c1 = cpu_ticks(r);
	if (cf_echo_one(r, p, 100) == 0) {
		cf_note(r,
			"%llu signals in 1 s; IUT CPU %llu ticks; still "
			"echoes",
			(unsigned long long)n, (unsigned long long)(c1 - c0));
		res = CF_PASS;
	}
	cf_peer_free(p);
	return res;
}

/* Ring full: we lend nothing back; the IUT must not overrun our M2S ring,
 * and traffic resumes once we drain it. */
static enum cf_result rf_ring_full(struct cf_run *r, long arg)
{
	struct cf_peer *p = dp_connect(r, 4, 2048);
	enum cf_result res = CF_FAIL;
	uint8_t pkt[256], rbuf[2048];
	unsigned sent = 0, got = 0, i;
	uint32_t last = 0;
	uint64_t end;

	if (!p)
		return CF_FAIL;
	p->m2s[0].hold = true;
	for (i = 0; i < 200; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0) {
			cf_sleep_ms(2);
			if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
				break;
		}
		p->seq++;
		sent++;
		cf_tx_publish(p, 0);
		cf_tx_kick(p, 0, false);
	}
	cf_sleep_ms(200);
	{
		struct cf_ring *m = &p->m2s[0];
		uint16_t used =
			(uint16_t)(cf_load_acquire(&m->ring->tail) - m->cursor);

		if (used > m->size) {
			cf_note(r, "M2S tail beyond head");
			goto out;
		}
		cf_note(r, "ring full after %u packets; %u echoes waiting",
			sent, used);
	}
	p->m2s[0].hold = false;
	end = cf_now_ms() + 2000;
	while (cf_now_ms() < end) {
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
	if (got >= p->m2s[0].size && p->viol == 0)
		res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

/* ---- J: fds shared with the IUT (spec/hostile-peer.md §3 J5-J10) --------- */

/* J5: the M2S eventfd (the IUT signals it) or the S2M one (the IUT reads
 * it), made blocking by us. */
static enum cf_result j5_nonblock(struct cf_run *r, long rx)
{
	struct cf_peer *p = dp_connect(r, 6, 2048);
	enum cf_result res;

	if (!p)
		return CF_FAIL;
	if (rx)
		return cf_j5_rx(r, p);
	res = cf_j5_tx(r, p);
	cf_peer_free(p);
	return res;
}

/* J6: S2M ring 0's interrupt fd is an EFD_SEMAPHORE eventfd holding 2^40:
 * each read takes 1.  Refused, or no CPU spent on it (compared with the
 * IUT's CPU when connected with plain eventfds: a polling IUT spends its
 * own). */
/* J6's reference: the IUT's CPU, in percent of a core, over 500 ms
 * connected and idle with plain eventfds. */
static unsigned j6_base_pct(struct cf_run *r, long hz)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	uint64_t c0, c1;

	if (!p)
		return UINT_MAX;
	cf_sleep_ms(50);
	c0 = cpu_ticks(r);
	cf_sleep_ms(500);
	c1 = cpu_ticks(r);
	cf_peer_free(p);
	return (unsigned)((c1 - c0) * 2 * 100 / (uint64_t)hz);
}

static enum cf_result j6_semaphore(struct cf_run *r, long arg)
{
	const uint64_t big = 1ull << 40;
	long hz = sysconf(_SC_CLK_TCK);
	struct cf_peer *p = NULL;
	enum cf_result res = CF_FAIL;
	uint64_t c0, c1, left = 0;
	unsigned base_pct = 0, pct;
	int efd;

	if (hz <= 0)
		hz = 100;
	if (r->pid) {
		base_pct = j6_base_pct(r, hz);
		if (base_pct == UINT_MAX)
			return CF_FAIL;
	}
	p = cf_peer_at(r, NULL, CF_STEP_REGION);
	if (!p)
		return CF_FAIL;
	efd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || write(efd, &big, sizeof(big)) != (ssize_t)sizeof(big)) {
		res = cf_na(r, "semaphore eventfd: %s", strerror(errno));
		if (efd >= 0)
			close(efd);
		goto out;
	}
	/* It goes as the interrupt fd of our (only) S2M ring. */
	close(p->s2m[0].efd);
	p->s2m[0].efd = efd; /* freed with p */
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0) {
		if (p->refused && p->at == CF_STEP_REGION) {
			cf_note(r, "refused the semaphore eventfd");
			res = CF_PASS;
		} else if (p->refused && p->at == CF_STEP_RINGS) {
			cf_note(r, "refused at CONNECT");
			res = CF_PASS;
		}
		goto out;
	}
	if (!r->pid) {
		res = cf_na(r, "accepted the semaphore eventfd; its CPU cost "
			       "needs the IUT's pid (--pid)");
		goto out;
	}
	c0 = cpu_ticks(r);
	cf_sleep_ms(1000);
	c1 = cpu_ticks(r);
	pct = (unsigned)((c1 - c0) * 100 / (uint64_t)hz);
	cf_efd_count(efd, &left);
	cf_note(r,
		"accepted; IUT CPU %u%% of a core over 1 s connected and "
		"idle (%u%% with plain eventfds); it took %llu of the 2^40 "
		"units",
		pct, base_pct, (unsigned long long)(big - left));
	if (pct < base_pct + 20)
		res = CF_PASS;
	else
		cf_note(r, "one wakeup per unit of a semaphore counter");
out:
	cf_peer_free(p);
	return res;
}

/* A new connection: ms until its HELLO (the IUT master's event loop at
 * work), -1 when none came within @wait. */
static int64_t hello_delay(struct cf_run *r, int wait)
{
	uint64_t t0 = cf_now_ms();
	int fd = cf_connect(r->o->socket);
	struct cf_rx rx;

	if (fd < 0)
		return -1;
	cf_recv(r, fd, wait, &rx);
	cf_rx_close_fds(&rx);
	close(fd);
	if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_HELLO)
		return -1;
	return (int64_t)(cf_now_ms() - t0);
}

static void note_delay(struct cf_run *r, const char *what, int64_t d, int wait)
{
	if (d < 0)
		cf_note(r, "%s: nothing within %d ms", what, wait);
	else
		cf_note(r, "%s after %lld ms", what, (long long)d);
}

/* J7 (one fd) and J9 (@n fds, more than an 8-fd control buffer holds):
 * INIT, which takes no fd, carries a TCP socket whose last close lingers
 * 5 s (the last of the fds), our copy closed.  The IUT's event loop must go
 * on answering: INIT itself, a HELLO on a new connection, and another after
 * our close of this one. */
static enum cf_result j7_linger(struct cf_run *r, long n)
{
	int wait = r->o->timeout_ms < 1500 ? 1500 : r->o->timeout_ms;
	int fds[CF_MAX_SEND_FDS], srv = -1, ret, attempt;
	unsigned nf = (unsigned)n;
	enum cf_result res = CF_FAIL;
	bool on = false;
	int64_t d_reply = -1, d_new, d_close;
	struct cf_peer *p = NULL;
	struct memif_msg m;
	struct cf_rx rx;
	uint64_t t0;

	for (attempt = 1;; attempt++) {
		p = cf_peer_at(r, NULL, CF_STEP_HELLO);
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
		memif__msg_build_init(&m, r->o->id, r->o->mode,
				      r->o->secret ? r->o->secret : "",
				      "memif-conform");
		ret = cf_send_linger(p->fd, &m, sizeof(m), fds, nf,
				     (unsigned)attempt - 1, &on);
		if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET) {
			res = cf_fail(r, "send INIT: %s", strerror(-ret));
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
	cf_note(r, "INIT with %u fd%s answered with", nf, nf > 1 ? "s" : "");
	cf_note_rx(r, &rx);
	if (rx.kind != CF_RX_TIMEOUT) {
		d_reply = (int64_t)(cf_now_ms() - t0);
		cf_note(r, "after %lld ms", (long long)d_reply);
	}
	d_new = hello_delay(r, wait);
	note_delay(r, "HELLO on a new connection", d_new, wait);
	cf_peer_free(p);
	p = NULL;
	d_close = hello_delay(r, wait);
	note_delay(r, "after our close, HELLO", d_close, wait);
	if (d_reply >= 0 && d_reply < 1000 && d_new >= 0 && d_new < 1000 &&
	    d_close >= 0 && d_close < 1000)
		res = CF_PASS;
	else
		cf_note(r, "the IUT's event loop stalled (closing the "
			   "socket, which lingers 5 s?)");
out:
	cf_linger_fds_close(fds, nf, &srv);
	cf_peer_free(p);
	return res;
}

/* J8: a zero-length datagram right after HELLO, with no fd or three. */
static enum cf_result j8_empty(struct cf_run *r, long n)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_HELLO);

	if (!p)
		return CF_FAIL;
	return cf_j8_empty(r, p, (unsigned)n);
}

/* J10: the IUT master copies each S2M packet into the M2S buffer we lend,
 * and we lend the very memory of the packet: first the same bytes, then
 * half a packet further on (the ranges overlap; dst > src, where a
 * forward copy would corrupt).  memmove gives back the packet intact. */
static enum cf_result j10_overlap(struct cf_run *r, long arg)
{
	static const char *const what[] = { "same bytes", "half overlap" };
	struct cf_peer *p = dp_connect(r, 6, 2048);
	enum cf_result res = CF_FAIL;
	const uint32_t len = 1024;
	uint8_t pkt[1024];
	unsigned k;

	if (!p)
		return CF_FAIL;
	cf_rx_drain(p);
	for (k = 0; k < 2; k++) {
		struct cf_ring *s = &p->s2m[0], *m = &p->m2s[0];
		uint32_t src, dst, seq;
		struct memif_desc d, *md;
		uint16_t ms;
		uint64_t end;

		if (cf_load_acquire(&m->ring->tail) != m->cursor) {
			cf_note(r, "an M2S packet we did not expect");
			goto out;
		}
		cf_pkt_fill(pkt, len, p->seq++);
		if (cf_tx_stage(p, 0, pkt, len, 0) < 0) {
			cf_note(r, "no S2M slot free");
			goto out;
		}
		src = s->ring->desc[(uint16_t)(s->cursor + s->staged - 1) &
				    s->mask]
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
			cf_note(r, "%s: no echo within %d ms", what[k],
				r->o->timeout_ms);
			if (!cf_iut_alive(r))
				goto out; /* the post-check says it */
			if (cf_echo_one(r, p, 100) < 0)
				goto out;
			cf_note(r, "dropped; the next packet was echoed");
			continue;
		}
		d = *md; /* the master's tail is published: its final state */
		m->cursor++;
		cf_slave_lend(p, 0, m->size); /* with our own buffer again */
		if (d.region != 0 || d.offset != dst || d.length != len) {
			cf_note(r,
				"%s: echo in region %u offset %u length %u, "
				"expected 0, %u, %u",
				what[k], d.region, d.offset, d.length, dst,
				len);
			goto out;
		}
		if (!cf_pkt_check(p->reg[0].base + dst, len, &seq)) {
			cf_note(r,
				"%s: echo corrupted (an overlapping copy "
				"without memmove semantics)",
				what[k]);
			goto out;
		}
		cf_note(r, "%s: echo of %u bytes intact", what[k], len);
	}
	res = CF_PASS;
out:
	cf_peer_free(p);
	return res;
}

#define H CF_HOSTILE
#define E CF_ECHO

const struct cf_check cf_slave_checks[] = {
	{ "C1", "the IUT master accepts a SOCK_SEQPACKET connection",
	  "Slaves connect with SOCK_SEQPACKET and rely on message "
	  "boundaries; a master that listens with another socket type, or "
	  "elsewhere, is unreachable for every memif slave.",
	  0, c1_connect, 0 },
	{ "C14", "HELLO first: versions 0x0200, maxima, NUL-terminated name",
	  "Slaves send nothing until HELLO and size their rings from it; a "
	  "master that sends no HELLO, a version range without 2.0, a ring "
	  "maximum below 1024 entries or an unterminated name is refused or "
	  "misread by standard slaves.",
	  0, c14_hello, 0 },
	{ "C15",
	  "lock-step: one ACK per request, CONNECTED, nothing "
	  "unsolicited",
	  "An ACK carries no correlation data, so a slave matches replies to "
	  "requests by count; a master that answers twice or sends anything "
	  "unsolicited shifts every later reply and the slave's handshake "
	  "goes wrong.",
	  0, c15_lockstep, 0 },
	{ "C6", "undefined bytes full of garbage are ignored",
	  "libmemif, VPP and Go slaves send stale bytes in the parts of a "
	  "message a type does not use; a master that requires zero padding "
	  "refuses them, so real slaves cannot connect.",
	  0, c6_garbage, 0 },
	{ "C7", "32-byte names without a NUL are accepted",
	  "Go slaves send names of 32 bytes or more without a NUL; a master "
	  "must stop at the end of the field (libmemif and DPDK read past "
	  "it), and refusing the name breaks interworking with gomemif.",
	  H, c7_long_names, 0 },
	{ "C20.ok", "the right secret, garbage after its NUL, is accepted",
	  "The secret is a C string inside a 24-byte field; a master that "
	  "compares all 24 bytes, as gomemif does, refuses slaves with the "
	  "right secret whose field has stale bytes after the NUL.",
	  CF_SECRET, c20_garbage, 0 },
	{ "C21", "a secret the IUT does not need is accepted",
	  "An interface without a secret ignores the INIT secret in VPP, "
	  "libmemif and DPDK; a master that refuses a slave for sending one "
	  "breaks slaves set up with a secret for other masters.",
	  CF_NOSECRET, c21_unneeded_secret, 0 },
	{ "HS.log2-1", "handshake (and echo) with 2-entry rings",
	  "The slave chooses the ring size up to the master's maximum; with "
	  "two entries every wrap, mask and full-ring case comes at once, so "
	  "an off-by-one in the master's index arithmetic shows here first.",
	  0, hs_log2, 1 },
	{ "HS.log2-2", "handshake (and echo) with 4-entry rings",
	  "Four-entry rings wrap every few packets; a master that assumes a "
	  "minimum ring size, or derives its masks wrongly, loses or repeats "
	  "packets.",
	  0, hs_log2, 2 },
	{ "HS.log2-7", "handshake (and echo) with 128-entry rings",
	  "A 128-entry ring is a size the other checks do not use; it "
	  "catches a master that assumes the default of 1024 entries "
	  "anywhere in its ring setup.",
	  0, hs_log2, 7 },
	{ "HS.log2-12", "handshake (and echo) with 4096-entry rings",
	  "4096-entry rings with their buffers make a region of over 16 MiB; "
	  "a master that assumes the default ring size, or small regions, "
	  "fails to map or bound-check it.",
	  0, hs_log2, 12 },
	{ "HS.log2-14", "handshake (and echo) with 16384-entry rings",
	  "16384 entries is the protocol's largest ring, and every master "
	  "advertises it; a master must handle the largest mask and a region "
	  "of dozens of MiB, or slaves configured for big rings cannot "
	  "connect.",
	  0, hs_log2, 14 },
	{ "HS.buf-128", "handshake (and echo, chains) with 128-byte buffers",
	  "The master learns the buffer size only from descriptor lengths; "
	  "with 128-byte buffers most frames are chains, so a master that "
	  "assumes 2048 bytes overruns the buffers or breaks the chains.",
	  0, hs_buf, 128 },
	{ "HS.buf-1000", "handshake (and echo, chains) with 1000-byte buffers",
	  "A buffer size that is not a power of two catches a master that "
	  "computes buffer positions with shifts and masks instead of taking "
	  "each descriptor's offset and length.",
	  0, hs_buf, 1000 },
	{ "HS.buf-9216", "handshake (and echo) with 9216-byte buffers",
	  "9216-byte buffers hold a jumbo frame in a single slot; a master "
	  "with a smaller fixed copy limit truncates or drops such frames.",
	  0, hs_buf, 9216 },
	{ "HS.buf-65535", "handshake (and echo) with 65535-byte buffers",
	  "65535 bytes is the largest buffer DPDK configures; a master that "
	  "keeps lengths in fewer bits or sizes its copies by a fixed "
	  "maximum truncates frames or misjudges region bounds.",
	  0, hs_buf, 65535 },
	{ "C36.max", "as many rings as advertised (up to 256 each way) connect",
	  "A master should accept every ring count it advertises in HELLO; "
	  "one that advertises 255 but accepts fewer fails slaves that trust "
	  "HELLO, which is why libmemif and DPDK need equal queue counts on "
	  "both sides.",
	  CF_SHOULD, c36_max, 0 },
	{ "C40", "two slaves with different ids, interleaved",
	  "One socket serves many interfaces, told apart by the id in INIT; "
	  "a master that keeps handshake state per socket rather than per "
	  "connection mixes up the regions and rings of slaves connecting at "
	  "the same time.",
	  CF_ID2, c40_two_ids, 0 },
	{ "C8.64", "a 64-byte datagram is refused",
	  "Every message is 128 bytes; a master that parses a 64-byte "
	  "datagram reads half the message from bytes nobody sent (stale "
	  "buffer contents), so any client that can reach the socket steers "
	  "it.",
	  H, c8_c9_size, 64 },
	{ "C8.1", "a 1-byte datagram is refused",
	  "One byte does not even hold the type; a master that reads a type "
	  "from it picks its handler from uninitialised memory.",
	  H, c8_c9_size, 1 },
	{ "C9.129", "a 129-byte datagram (MSG_TRUNC) is refused",
	  "The kernel cuts a 129-byte datagram to 128 and sets MSG_TRUNC; a "
	  "master that ignores the flag acts on a message that is not the "
	  "one the peer sent.",
	  H, c8_c9_size, 129 },
	{ "C9.4096", "a 4096-byte datagram is refused",
	  "A peer speaking something other than memif sends larger "
	  "datagrams; a master that ignores MSG_TRUNC treats their first 128 "
	  "bytes as a memif message.",
	  H, c8_c9_size, 4096 },
	{ "C10.0", "message type 0 is refused",
	  "Type 0 (NONE) is never sent; a master that accepts it keeps a "
	  "connection with a peer that is not speaking memif, or runs a "
	  "handler for a message that does not exist.",
	  H, c10_unknown, 0 },
	{ "C10.9", "message type 9 is refused",
	  "Types above 8 are undefined; a master that ignores them hides a "
	  "protocol mismatch, and one that indexes a handler table by type "
	  "reads past the table.",
	  H, c10_unknown, 9 },
	{ "C10.ffff", "message type 0xffff is refused",
	  "The type is a 16-bit field compared as a whole; a master that "
	  "looks at the low byte only takes 0xffff for a real message or "
	  "indexes a table out of bounds.",
	  H, c10_unknown, 0xffff },
	{ "C11.init", "an fd on INIT is closed (refused or ignored)",
	  "The kernel installs an fd sent with INIT in the master although "
	  "INIT takes none; a master that does not close it leaks one fd per "
	  "message, so any local client exhausts its fds (libmemif leaks "
	  "them).",
	  H, c11_extra, 0 },
	{ "C11.connect", "an fd on CONNECT is closed (refused or ignored)",
	  "The same leak on CONNECT, at the end of a good handshake: an "
	  "unexpected fd must be closed whatever state the connection is in.",
	  H, c11_extra, 2 },
	{ "C11.region2", "ADD_REGION with two fds is refused",
	  "ADD_REGION carries exactly one fd; a master that uses the first "
	  "and ignores the second leaks it, and refusing tells the slave its "
	  "message was malformed.",
	  H | CF_SHOULD, c11_two_fds, 0 },
	{ "C13", "peers closing while the IUT sends: no SIGPIPE death",
	  "A slave can close its socket while the master writes HELLO or an "
	  "ACK; a master that sends without MSG_NOSIGNAL (libmemif, DPDK) is "
	  "killed by SIGPIPE, with every interface in the process.",
	  H, c13_sigpipe, 0 },
	{ "C16.0100", "INIT version 0x0100 is refused",
	  "A slave speaking memif 1.0 lays out messages and memory "
	  "differently; a master that accepts it exchanges data neither side "
	  "can interpret.",
	  H, c16_version, 0x0100 },
	{ "C16.0201", "INIT version 0x0201 is refused",
	  "The version check is exact; a master that accepts 2.1 claims a "
	  "protocol it does not implement, and the slave may rely on "
	  "features the master ignores.",
	  H, c16_version, 0x0201 },
	{ "C16.0300", "INIT version 0x0300 is refused",
	  "A master must refuse a major version it does not speak rather "
	  "than guess, or it maps memory laid out in a way it does not "
	  "understand.",
	  H, c16_version, 0x0300 },
	{ "C17", "INIT for an unknown id: DISCONNECT, never ACK",
	  "The id selects the interface; a master that ACKs an unknown id "
	  "and then closes (libmemif 4.0) gives no reason, and the user "
	  "cannot tell a wrong id from a crash.",
	  H, c17_id, 0 },
	{ "C18", "a second slave for a busy id is refused, the first works",
	  "An interface has one connection at a time; a master that lets a "
	  "second slave in, or drops the first to refuse it, lets any local "
	  "client knock a working link down.",
	  H, c18_busy, 0 },
	{ "C19.ip", "INIT in another mode (ip) is refused",
	  "Both sides must agree whether a packet is an Ethernet frame or a "
	  "bare IP packet; a master that ignores the mode hands IP packets "
	  "to an Ethernet interface, which misparses every one.",
	  H, c19_mode, MEMIF_INTERFACE_MODE_IP },
	{ "C19.punt", "INIT in another mode (punt/inject) is refused",
	  "Punt/inject payloads are opaque and defined by no implementation; "
	  "a master set up for Ethernet that accepts them feeds arbitrary "
	  "bytes to its stack as frames.",
	  H, c19_mode, MEMIF_INTERFACE_MODE_PUNT_INJECT },
	{ "C20.empty", "INIT without the required secret is refused",
	  "The secret keeps a process that can reach the socket from taking "
	  "over the interface; a master that accepts an empty one where a "
	  "secret is configured makes the secret worthless.",
	  H | CF_SECRET, c20_secret, 0 },
	{ "C20.wrong", "INIT with a wrong secret is refused",
	  "A master that compares too few bytes, or accepts a near miss "
	  "(here the last character differs), lets a client with the wrong "
	  "secret attach to the interface.",
	  H | CF_SECRET, c20_secret, 1 },
	{ "C22.hello", "HELLO before INIT is refused",
	  "Before INIT a connection belongs to no interface; libmemif "
	  "dereferences a NULL connection on a HELLO here, so one message "
	  "from any local process crashes it.",
	  H, c22_before_init, MEMIF_MSG_TYPE_HELLO },
	{ "C22.region", "ADD_REGION (+fd) before INIT is refused",
	  "A region before INIT belongs to no interface and was sent before "
	  "any secret was checked; masters that process it crash (libmemif, "
	  "gomemif) or map memory for an unauthenticated client.",
	  H, c22_before_init, MEMIF_MSG_TYPE_ADD_REGION },
	{ "C22.ring", "ADD_RING (+fd) before INIT is refused",
	  "A ring before INIT refers to no interface and no region; handling "
	  "it dereferences state that does not exist yet, the classic "
	  "pre-INIT crash.",
	  H, c22_before_init, MEMIF_MSG_TYPE_ADD_RING },
	{ "C22.connect", "CONNECT before INIT is refused",
	  "A master that acts on CONNECT before INIT brings up an interface "
	  "nobody authenticated, with no memory to map.",
	  H, c22_before_init, MEMIF_MSG_TYPE_CONNECT },
	{ "C22.connected", "CONNECTED before INIT is refused",
	  "CONNECTED goes from master to slave; a master that receives it is "
	  "talking to something that is not a memif slave, and must not run "
	  "code meant for the other role.",
	  H, c22_before_init, MEMIF_MSG_TYPE_CONNECTED },
	{ "C22.ack", "ACK before INIT is refused",
	  "Masters send ACKs and never receive them; one from a client that "
	  "has not even sent INIT shows it does not follow the protocol, so "
	  "the master must not keep it.",
	  H, c22_before_init, MEMIF_MSG_TYPE_ACK },
	{ "C22.disc", "DISCONNECT before INIT: connection closed, no crash",
	  "A client may give up before INIT; libmemif crashes on a "
	  "DISCONNECT that arrives before INIT, where the master must simply "
	  "close the connection and stay up.",
	  H, c22_before_init, MEMIF_MSG_TYPE_DISCONNECT },
	{ "B2.hello", "HELLO after INIT is refused",
	  "HELLO after INIT means the peer acts as a master; a master that "
	  "processes it (VPP would set up regions as if it were a slave) "
	  "corrupts its own state.",
	  H, b2_after_init, MEMIF_MSG_TYPE_HELLO },
	{ "B2.init", "a second INIT is refused",
	  "A second INIT could rebind the connection to another interface or "
	  "redo the secret check; a master that accepts it lets one "
	  "connection hold two interfaces or undo what the first INIT "
	  "settled.",
	  H, b2_after_init, MEMIF_MSG_TYPE_INIT },
	{ "B2.connected", "CONNECTED from a slave is refused",
	  "Only masters send CONNECTED; a master that accepts it from a "
	  "slave may bring the link up without a CONNECT and without mapping "
	  "anything.",
	  H, b2_after_init, MEMIF_MSG_TYPE_CONNECTED },
	{ "B2.ack", "ACK from a slave is refused",
	  "Slaves never send ACKs; a master that drops one silently keeps "
	  "talking to a peer whose state machine is not memif's.",
	  H, b2_after_init, MEMIF_MSG_TYPE_ACK },
	{ "C23", "ADD_REGION without an fd is refused",
	  "A region is its fd; a master that accepts ADD_REGION without one "
	  "maps fd -1, or a stale fd number, at CONNECT, or fails later "
	  "without a clear reason.",
	  H, c23_no_fd, 0 },
	{ "C24.skip", "ADD_REGION 0 then 2 is refused",
	  "Regions arrive numbered 0, 1, 2 in order; libmemif stores a "
	  "skipped index past the end of its region array, a heap overflow "
	  "any slave past INIT can cause.",
	  H, c24_index, 2 },
	{ "C24.dup", "ADD_REGION 0 twice is refused",
	  "A duplicate index replaces or doubles a region the master already "
	  "holds; the first fd leaks, or rings end up pointing into memory "
	  "the master no longer tracks.",
	  H, c24_index, 0 },
	{ "C24.first5", "ADD_REGION 5 first is refused",
	  "A first region numbered 5 lands past the end of an array sized by "
	  "the regions received so far: libmemif's heap overflow.",
	  H, c24_index, 5 },
	{ "C25", "ADD_REGION above the advertised max_region is refused",
	  "The master advertised the highest region index it takes; "
	  "accepting more lets a slave grow its tables and mappings past the "
	  "limits it planned for.",
	  H, c25_max, 0 },
	{ "C26.zero", "a region of size 0 is refused",
	  "A region of size 0 can hold no ring and cannot be mapped; "
	  "libmemif leaks the region fds on that error path, so the master "
	  "must refuse it up front.",
	  H, c26_size, 0 },
	{ "C26.big", "a region larger than its memfd is refused",
	  "A master that maps more than the file holds dies of SIGBUS when "
	  "it touches the part past the end, for instance to read a ring "
	  "cookie: one message crashes it.",
	  H, c26_size, 1 },
	{ "C26.huge", "a region of 2^63 bytes is refused",
	  "A size of 2^63 can never be mapped and overflows size arithmetic; "
	  "a master that takes it on trust fails at mmap at best and "
	  "computes wrapped bounds at worst.",
	  H, c26_size, 2 },
	{ "E4.pipe", "a pipe as region fd is refused",
	  "A region must be shared memory and a pipe cannot be mapped; a "
	  "master that does not check the fd type accepts a region it can "
	  "never use and fails later without a clear reason.",
	  H, e4_not_memory, 0 },
	{ "E4.file", "a disk file as region fd is refused",
	  "A region backed by a disk file puts storage I/O into the master's "
	  "page faults, and the file can be truncated under it: the data "
	  "path stalls or dies of SIGBUS.",
	  H | CF_SHOULD, e4_not_memory, 1 },
	{ "E4.socket", "a socket as region fd is refused",
	  "A socket cannot be mapped either; the master must refuse it at "
	  "ADD_REGION rather than keep a foreign socket open until CONNECT "
	  "fails.",
	  H, e4_not_memory, 2 },
	{ "E4.eventfd", "an eventfd as region fd is refused",
	  "An eventfd in place of the region fd, as a slave that mixes up "
	  "its fds would send, cannot be mapped; the master must check the "
	  "type of fd, not trust the message it came with.",
	  H, e4_not_memory, 3 },
	{ "E5", "an unsealed region: refused, or survived when shrunk",
	  "Without F_SEAL_SHRINK the slave can truncate a region the master "
	  "has mapped, and the master's next access dies of SIGBUS; a master "
	  "must refuse unsealed memfds or survive the shrink.",
	  H, e5_unsealed, 0 },
	{ "C27", "ADD_RING without an fd is refused",
	  "Every ring needs its interrupt eventfd; a master that accepts a "
	  "ring without one later reads or writes an fd it never received, "
	  "and misses or misdirects interrupts.",
	  H, ring_bad, 0 },
	{ "C28", "ADD_RING private_hdr_size 7 is refused",
	  "Private headers were never implemented; a master that ignores the "
	  "field lays out buffers differently from a slave that uses it, and "
	  "packets come out shifted.",
	  H, ring_bad, 1 },
	{ "C29", "ADD_RING with unknown flag bits is refused",
	  "Only bit 0 (S2M) of the ADD_RING flags is defined; a master that "
	  "ignores the others cannot tell a broken or newer peer from a "
	  "correct one.",
	  H | CF_SHOULD, ring_bad, 2 },
	{ "C30.skip", "ADD_RING S2M 1 before 0 is refused",
	  "Rings are numbered in order per direction; a master that stores "
	  "ring 1 first leaves ring 0 unset, or writes past its ring array.",
	  H, ring_bad, 3 },
	{ "C30.dup", "ADD_RING S2M 0 twice is refused",
	  "A duplicate ring index leaks the first eventfd and either "
	  "overwrites a ring or counts one twice (DPDK adds to its ring "
	  "count on every ADD_RING).",
	  H, ring_bad, 4 },
	{ "C31.15", "ADD_RING log2 15 is refused",
	  "The master advertised the largest ring it accepts (2^14 entries "
	  "at most); accepting a bigger one sizes its queues from a number "
	  "it never agreed to.",
	  H, ring_bad, 5 },
	{ "C31.255", "ADD_RING log2 255 is refused",
	  "1 << 255 is undefined behaviour in C and no ring size at all; a "
	  "master that does not check log2 (VPP and libmemif do not) "
	  "computes ring sizes and bounds from garbage.",
	  H, ring_bad, 6 },
	{ "F5.zero", "ADD_RING log2 0 is refused",
	  "A one-entry ring cannot hold a chain and degenerates the index "
	  "masks to 0; a master must refuse it rather than size anything "
	  "from a value it never checked.",
	  H, ring_bad, 7 },
	{ "C32", "ADD_RING in a region not added is refused",
	  "A ring in a region the master has not received makes it index its "
	  "region array out of bounds at CONNECT: libmemif's heap overflow.",
	  H, ring_bad, 8 },
	{ "C33.end", "a ring past the region end is refused",
	  "A master that puts a ring at region base + offset without "
	  "checking that the ring fits reads and writes past the mapping: a "
	  "hostile slave crashes it with one message.",
	  H, ring_bad, 9 },
	{ "C33.wrap", "a ring at offset 0xfffffff0 is refused",
	  "An offset near 2^32 makes offset + ring size wrap in 32-bit "
	  "arithmetic and pass a naive bounds check, and the master then "
	  "reaches far outside its mapping.",
	  H, ring_bad, 10 },
	{ "F6.align", "a ring at a misaligned offset is refused",
	  "Every known slave puts rings on 16-byte boundaries; off them the "
	  "ring's fields straddle cache lines, and a master that takes any "
	  "offset also takes odd ones, where its 16-bit index accesses are "
	  "no longer atomic.",
	  H | CF_SHOULD, ring_bad, 11 },
	{ "F2.pipe", "a pipe as ring interrupt fd is refused",
	  "A blocking pipe in place of the interrupt eventfd hangs "
	  "libmemif's master in read() for good; a master must check that it "
	  "received an eventfd.",
	  H, ring_bad, 12 },
	{ "F2.memfd", "a memfd as ring interrupt fd is refused",
	  "A memfd is always readable, so a master that polls it as an "
	  "interrupt fd spins at full CPU and reads file contents as counter "
	  "values.",
	  H, ring_bad, 13 },
	{ "F2.blocking", "a blocking eventfd is made non-blocking or refused",
	  "A slave may pass an eventfd without O_NONBLOCK; a master that "
	  "reads it as it is hangs as soon as the counter is empty, so it "
	  "must set the flag or refuse the fd.",
	  H, f2_blocking, 0 },
	{ "C34", "CONNECT with a wrong ring cookie is refused",
	  "The cookie at the start of each ring shows both sides agree where "
	  "the ring is and how it is laid out; a master that skips the check "
	  "moves packets through memory that is not a ring.",
	  H, c34_cookie, 0 },
	{ "C35.no-m2s", "CONNECT without M2S rings is refused",
	  "Without M2S rings nothing can go from master to slave; accepting "
	  "it shows the user a link that is up but one-way, and code that "
	  "assumes M2S ring 0 exists reads a ring that is not there.",
	  H | CF_SHOULD, c35_no_rings, 0 },
	{ "C35.no-s2m", "CONNECT without S2M rings is refused",
	  "Without S2M rings the master has nothing to receive on; "
	  "connecting anyway shows a link that is up but never delivers, and "
	  "code that assumes S2M ring 0 exists crashes.",
	  H | CF_SHOULD, c35_no_rings, 1 },
	{ "C35.none", "CONNECT right after INIT is refused",
	  "CONNECT with no region and no ring leaves nothing to map; a "
	  "master that goes ahead brings up an interface with no memory, and "
	  "its data path dereferences rings that do not exist.",
	  H, c35_no_rings, 2 },
	{ "C36.over", "a ring above the advertised maximum: DISCONNECT",
	  "A master with fewer queues than the slave asks for must say so; "
	  "libmemif closes silently here, and its user cannot tell that the "
	  "queue counts on the two sides differ.",
	  H, c36_over, 0 },
	{ "C37.connect", "CONNECT after CONNECTED tears down",
	  "Once connected only DISCONNECT is valid; a master that processes "
	  "a second CONNECT maps regions and rings again under a running "
	  "data path.",
	  H, c37_after_connected, MEMIF_MSG_TYPE_CONNECT },
	{ "C37.init", "INIT after CONNECTED tears down",
	  "An INIT on a live connection would rebind or re-authenticate it "
	  "in the middle of traffic; the master must end the connection, not "
	  "mix old and new state.",
	  H, c37_after_connected, MEMIF_MSG_TYPE_INIT },
	{ "C37.region", "ADD_REGION after CONNECTED tears down",
	  "A region added while traffic flows makes the master grow its "
	  "region table under the data path, a use-after-free when the table "
	  "moves.",
	  H, c37_after_connected, MEMIF_MSG_TYPE_ADD_REGION },
	{ "C37.hello", "HELLO after CONNECTED tears down",
	  "HELLO to a connected master shows the peer has lost track of the "
	  "protocol; a master that keeps the link up goes on exchanging "
	  "packets with a peer in an unknown state.",
	  H, c37_after_connected, MEMIF_MSG_TYPE_HELLO },
	{ "C38.hello", "slave vanishes after HELLO: resources freed",
	  "A slave that crashes right after connecting is common; the master "
	  "must close that connection, keep its listener and accept the "
	  "slave's next attempt.",
	  H, c38_vanish, CF_STEP_HELLO },
	{ "C38.init", "slave vanishes after INIT: resources freed",
	  "After INIT the connection holds the interface; if the slave "
	  "vanishes the master must free it, or the interface stays busy and "
	  "the restarted slave is refused as already connected.",
	  H, c38_vanish, CF_STEP_INIT },
	{ "C38.region", "slave vanishes after ADD_REGION: resources freed",
	  "A slave that dies after sending its regions leaves memfds in the "
	  "master; unless the master closes them on EOF, every crash leaks "
	  "the slave's packet memory.",
	  H, c38_vanish, CF_STEP_REGION },
	{ "C38.rings", "slave vanishes mid-rings: resources freed",
	  "A slave that dies mid-rings leaves the master with its regions "
	  "and some eventfds; unless all are closed on EOF, slave restarts "
	  "leak memory and fds without bound.",
	  H, c38_vanish, CF_STEP_S2M },
	{ "C38.connect", "slave vanishes before CONNECT: resources freed",
	  "With every region and ring announced but no CONNECT the master "
	  "holds the whole set of fds; a slave crash here must release them "
	  "all and free the interface.",
	  H, c38_vanish, CF_STEP_RINGS },
	{ "C38.connected", "slave vanishes when connected: resources freed",
	  "Only the control socket reveals a dead slave, since the shared "
	  "memory stays valid; the master must take the link down, unmap and "
	  "close everything, or it leaks regions and shows a dead link as "
	  "up.",
	  H, c38_vanish, CF_STEP_CONNECTED },
	{ "C39.serve", "a good slave is served while others stall",
	  "A client that connects and goes quiet must not block the "
	  "listener; a master that handles one handshake at a time lets any "
	  "local process lock every real slave out.",
	  H, c39_serve, 0 },
	{ "C39.hello", "a slave that never sends INIT is dropped",
	  "Every idle connection holds an fd; without a handshake timeout a "
	  "local process can open enough of them to exhaust the master's "
	  "fds.",
	  H | CF_SHOULD, c39_stall, CF_STEP_HELLO },
	{ "C39.init", "a slave that stalls after INIT is dropped",
	  "A connection stuck after INIT keeps its interface busy, so the "
	  "real slave is refused as already connected until the master drops "
	  "the stalled one.",
	  H | CF_SHOULD, c39_stall, CF_STEP_INIT },
	{ "C39.rings", "a slave that stalls mid-rings is dropped",
	  "A slave that stops mid-rings leaves the master holding its "
	  "regions and eventfds; without a timeout they stay allocated, and "
	  "the interface busy, indefinitely.",
	  H | CF_SHOULD, c39_stall, CF_STEP_S2M },
	{ "C67.disc", "our DISCONNECT when connected: the IUT closes",
	  "DISCONNECT ends the connection; a master that keeps the link up "
	  "reads rings the slave is about to free, and keeps the interface "
	  "busy against the slave's reconnect.",
	  H, c67_disconnect, 0 },
	{ "C67.reply", "a DISCONNECT answered with DISCONNECT is tolerated",
	  "VPP answers every DISCONNECT with one of its own; a master that "
	  "takes that reply (or the EPIPE that follows) as a new error can "
	  "crash or log false failures whenever it refuses a VPP slave.",
	  H, c67_reply, 0 },
	{ "C52", "long run: packets both ways across the u16 index wrap",
	  "Ring indexes are free-running 16-bit counters; a master that "
	  "masks them, compares them without wrap-around arithmetic, or "
	  "publishes an index before its descriptors, loses or corrupts "
	  "packets once the counters wrap.",
	  E, c52_long_run, 0 },
	{ "C55", "chained frames (up to 4 buffers) both ways across the wrap",
	  "Frames larger than one buffer travel as chains of NEXT-flagged "
	  "descriptors; a master that gets the flag, the fragment lengths or "
	  "a chain across the end of the ring wrong corrupts jumbo frames.",
	  E, c55_chains, 0 },
	{ "C55.starve", "no half chain published when M2S slots run out",
	  "When the slave has lent too few M2S buffers for a whole chain, "
	  "the master must wait or drop; publishing the fragments that fit "
	  "hands the slave half a packet and misaligns the frames after it.",
	  E | H, c55_starve, 0 },
	{ "C54",
	  "the master never writes S2M head/descriptors nor moves "
	  "M2S buffers",
	  "The slave owns S2M head, S2M descriptors and the place of every "
	  "buffer; a master that rewrites them (libmemif clears NEXT, Go "
	  "rewrites lengths) corrupts the slave's accounting, or writes "
	  "where nothing was lent.",
	  E, c54_ownership, 0 },
	{ "C56.wait", "an incomplete chain waits for its last fragment",
	  "A receiver must leave a chain whose last published fragment has "
	  "NEXT set until the rest arrives; a master that consumes it early "
	  "forwards a truncated frame and misreads the rest as a new packet.",
	  E | H, c56_wait, 0 },
	{ "C56.full", "a ring full of one unfinished chain is an error",
	  "When every slot holds a fragment and the last still says NEXT, "
	  "the chain can never complete; a master that keeps waiting blocks "
	  "the ring for good instead of treating the slave as broken.",
	  E | H, c56_full, 0 },
	{ "C57.region", "S2M descriptor with a bad region: dropped",
	  "Descriptors live in memory the slave writes; a master that "
	  "follows a region index beyond its mapped regions reads outside "
	  "its tables, so a hostile slave crashes it (DPDK and libmemif do "
	  "not check).",
	  E | H, c57_bad_desc, 0 },
	{ "C57.overrun", "S2M descriptor past the region end: dropped",
	  "A master that does not check offset + length against the region "
	  "size copies from past its mapping, leaking its own memory into "
	  "packets or dying of SIGSEGV.",
	  E | H, c57_bad_desc, 1 },
	{ "C57.wrap", "S2M descriptor offset+length past 2^32: dropped",
	  "A bounds check in 32 bits wraps when offset + length passes 2^32 "
	  "and lets an out-of-bounds descriptor through; VPP fixed exactly "
	  "this as a 'malicious memif peer' bug.",
	  E | H, c57_bad_desc, 2 },
	{ "C57.zero", "S2M descriptor of length 0: dropped",
	  "A fragment of length 0 is never valid; a master that forwards it "
	  "hands its stack an empty packet, on which some receive paths "
	  "underflow.",
	  E | H, c57_bad_desc, 3 },
	{ "C57.long", "S2M descriptor of 1 MiB: dropped",
	  "A master that copies a descriptor's length into a packet buffer "
	  "of its own without a check (DPDK's receive fast path) overflows "
	  "its memory when a slave claims 1 MiB.",
	  E | H, c57_bad_desc, 4 },
	{ "C58.region", "M2S buffer lent in a bad region: not written",
	  "The master writes packets into buffers the slave lends; one that "
	  "trusts a lent region index writes into whatever that index "
	  "reaches (VPP and libmemif masters do).",
	  E | H, c58_bad_lend, 0 },
	{ "C58.overrun", "M2S buffer lent past the region end: not written",
	  "A lent buffer whose capacity runs past the region end makes a "
	  "trusting master write beyond its mapping: memory corruption in "
	  "the master, caused by the slave.",
	  E | H, c58_bad_lend, 1 },
	{ "C59.head", "S2M head beyond tail + ring size: no overrun",
	  "A head more than a ring ahead of tail claims more packets than "
	  "the ring holds; a master that trusts it reads slots twice and "
	  "hands the same buffers on again (VPP added a clamp for exactly "
	  "this).",
	  E | H, c59_index, 0 },
	{ "C59.back", "M2S head moved behind tail: no overrun",
	  "A head moved backwards makes head - tail wrap to a huge number of "
	  "lent buffers; a master that trusts it writes into slots the slave "
	  "never lent.",
	  E | H, c59_index, 1 },
	{ "C60", "descriptor flags with undefined bits: accepted",
	  "Only the NEXT bit of descriptor flags is defined; a master that "
	  "drops packets with other bits set (as VPP does) loses traffic "
	  "from peers that leave them dirty.",
	  E, c60_flags, 0 },
	{ "C62.int", "with MASK_INT clear the IUT signals M2S once per burst",
	  "A slave that clears MASK_INT sleeps on the eventfd until it is "
	  "signalled; a master that publishes packets without signalling "
	  "leaves it asleep with the packets waiting in the ring.",
	  E, c62_signal, 0 },
	{ "C62.mask", "with MASK_INT set the IUT never signals",
	  "MASK_INT set means the slave polls; a master that signals anyway "
	  "pays a system call per burst and wakes the slave for nothing.",
	  E, c62_signal, 1 },
	{ "C63", "RX mode set at connect; 256 packets after one signal",
	  "The transmitter signals once per burst, not per packet, and not "
	  "again for what it already published; a master in interrupt mode "
	  "that handles part of a batch per wakeup strands the rest.",
	  E, c63_batch, 0 },
	{ "C64", "packets published without a signal go after the next",
	  "A signal can come before the new index is visible, or be skipped "
	  "while MASK_INT changes; a master in interrupt mode must pick such "
	  "packets up at its next wakeup, or they stay in the ring for good.",
	  E, c64_late, 0 },
	{ "C65", "spurious signals (no packet, value 5) are tolerated",
	  "Peers signal with nothing new (VPP and DPDK do after every "
	  "transmit call) and eventfd counts add up; a master that treats an "
	  "empty wakeup as an error, or the count as a packet count, "
	  "misbehaves with normal slaves.",
	  E | H, c65_spurious, 0 },
	{ "J1", "an interrupt storm (1 s) leaves the IUT working",
	  "A slave can write the eventfd without pause; the master must "
	  "drain it once per wakeup and bound its work, or one noisy slave "
	  "pins its event loop and starves every other interface in the "
	  "process.",
	  E | H, j1_storm, 0 },
	{ "J5.tx-nonblock",
	  "our M2S eventfd made blocking and saturated: the IUT still "
	  "echoes",
	  "Both processes share the eventfd's open file, so the slave can "
	  "clear its O_NONBLOCK; a master whose signal write relies on that "
	  "flag blocks on a saturated counter, and its data path hangs.",
	  E | H, j5_nonblock, 0 },
	{ "J5.rx-nonblock",
	  "our S2M eventfd made blocking, signalled, read back: no hung "
	  "read",
	  "A slave can signal and take the count back before the master "
	  "reads it; a master whose read relies on the shared O_NONBLOCK "
	  "flag then blocks in read() and stops serving its sockets and "
	  "rings.",
	  E | H, j5_nonblock, 1 },
	{ "J6.semaphore",
	  "an EFD_SEMAPHORE ring eventfd at 2^40: refused, or no CPU "
	  "spin",
	  "A semaphore-mode eventfd passes an 'is it an eventfd' check but "
	  "gives 1 per read; a master that wakes once per read spins through "
	  "2^40 wakeups, one slave burning a core.",
	  H, j6_semaphore, 0 },
	{ "J7.linger",
	  "a lingering TCP socket on INIT: the event loop never waits "
	  "for it",
	  "A stray fd on INIT can be a TCP socket whose last close lingers "
	  "for seconds; a master that closes it inline freezes its event "
	  "loop, so any local client stalls every interface in the process.",
	  H, j7_linger, 1 },
	{ "J8.empty", "a zero-length datagram after HELLO: DISCONNECT",
	  "An empty datagram is not end of file, although recvmsg returns 0 "
	  "for both; a master that takes it for EOF closes without a reason, "
	  "and one that ignores it keeps a peer that is not speaking memif.",
	  H, j8_empty, 0 },
	{ "J8.empty-fds",
	  "a zero-length datagram with 3 fds: a reaction, no fd kept",
	  "Fds can arrive on an empty datagram; a master that stops at "
	  "'length 0' and skips the control data leaks the fds the kernel "
	  "has already installed.",
	  H, j8_empty, 3 },
	{ "J9.many-fds",
	  "INIT with 20 fds, the last lingering: no leak, no wait for it",
	  "When a message carries more fds than the control buffer holds, "
	  "the kernel closes the rest inside recvmsg, in the master's "
	  "thread; with a lingering socket among them a small buffer stalls "
	  "the master, and a kept fd is a leak.",
	  H, j7_linger, 20 },
	{ "J10.overlap",
	  "M2S buffers lent over the S2M packets they echo: memmove",
	  "The slave chooses every buffer address, so the master's copy of "
	  "an S2M packet into a lent M2S buffer may overlap its source; "
	  "memcpy then corrupts the packet (undefined behaviour), memmove "
	  "does not.",
	  E | H, j10_overlap, 0 },
	{ "RF", "ring full: no overrun, traffic resumes after draining",
	  "When the slave stops lending M2S buffers the master's transmit "
	  "ring is full; the master must stop at the ring size and resume in "
	  "order once buffers come back, not overrun slots it was not given.",
	  E, rf_ring_full, 0 },
	/* Last: an IUT that loses accepts here disturbs what follows. */
	{ "K1", "64 idle connections, then a good slave",
	  "Any local process can open many connections and send nothing; the "
	  "master must survive them and free each one when it is closed, so "
	  "that a real slave still connects and no fds pile up.",
	  H, k1_idle, 64 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};
