/* SPDX-License-Identifier: MIT */
/*
 * Checks run with --role slave on the memory the IUT master is handed:
 * ADD_REGION (fd kinds, indexes, sizes, seals), ADD_RING (indexes, flags,
 * sizes, places, interrupt fds) and CONNECT (cookies, missing or extra
 * rings).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"

/* ---- ADD_REGION ---------------------------------------------------------- */

enum cf_result slave_c23_no_fd(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	return cf_refuse_msg(r, p, &m, -1);
}

/* C24: 0 then 2 (arg 2), 0 then 0 (arg 0), or 5 first (arg 5). */
enum cf_result slave_c24_index(struct cf_run *r, long arg)
{
	struct cf_peer *p =
		cf_peer_at(r, NULL, arg == 5 ? CF_STEP_INIT : CF_STEP_REGION);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	memif__msg_build_add_region(&m, (uint16_t)arg, p->reg[0].size);
	return cf_refuse_msg(r, p, &m, p->reg[0].fd);
}

enum cf_result slave_c25_max(struct cf_run *r, long arg)
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
	return cf_refuse_msg(r, p, &m, p->reg[0].fd);
}

/* C26: size 0 (arg 0), larger than the file (1), 2^63 (2). */
enum cf_result slave_c26_size(struct cf_run *r, long arg)
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
	return cf_refuse_msg(r, p, &m, -1);
out:
	cf_peer_free(p);
	return CF_FAIL;
}

/* The fds E4 and the ring cases send where memory or an eventfd belongs. */
enum bad_fd { BAD_PIPE, BAD_FILE, BAD_SOCKET, BAD_EVENTFD, BAD_MEMFD };

/* A new fd of @kind (a file: of @size bytes) into @fds, which holds one
 * or two fds for refuse_closing() to close.  The fd to send, or -1. */
static int bad_fd_new(enum bad_fd kind, uint64_t size, int fds[2])
{
	fds[0] = fds[1] = -1;
	switch (kind) {
	case BAD_PIPE:
		if (pipe2(fds, O_CLOEXEC) < 0)
			fds[0] = -1;
		break;
	case BAD_FILE:
		fds[0] = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fds[0] >= 0 && ftruncate(fds[0], (off_t)size) < 0) {
			close(fds[0]);
			fds[0] = -1;
		}
		break;
	case BAD_SOCKET:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
			fds[0] = -1;
		break;
	case BAD_EVENTFD:
		fds[0] = eventfd(0, EFD_CLOEXEC);
		break;
	case BAD_MEMFD:
		fds[0] = memfd_create("not an eventfd", MFD_CLOEXEC);
		break;
	}
	return fds[0];
}

/* cf_refuse_msg of @m with @fd, then the fds of bad_fd_new closed. */
static enum cf_result refuse_closing(struct cf_run *r, struct cf_peer *p,
				     const struct memif_msg *m, int fd,
				     const int fds[2])
{
	enum cf_result res = cf_refuse_msg(r, p, m, fd);

	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return res;
}

/* E4: a region fd that is not memory: pipe (0), disk file (1), socket (2),
 * eventfd (3). */
enum cf_result slave_e4_not_memory(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_INIT);
	struct memif_msg m;
	int fds[2];

	if (!p)
		return CF_FAIL;
	if (bad_fd_new((enum bad_fd)arg, p->reg[0].size, fds) < 0) {
		cf_peer_free(p);
		return cf_na(r, "cannot make the fd: %s", strerror(errno));
	}
	memif__msg_build_add_region(&m, 0, p->reg[0].size);
	return refuse_closing(r, p, &m, fds[0], fds);
}

/* E5: an unsealed memfd may be refused; if it is accepted and then shrunk,
 * the IUT must survive (no SIGBUS). */
enum cf_result slave_e5_unsealed(struct cf_run *r, long arg)
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

/* ---- ADD_RING ------------------------------------------------------------ */

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

enum cf_result slave_ring_bad(struct cf_run *r, long arg)
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
		res = cf_na(r, "the IUT advertises max log2 %u",
			    p->hello.hello.max_log2_ring_size);
		cf_peer_free(p);
		return res;
	}
	off = c->offset < 0 ? (uint32_t)(p->reg[0].size + c->offset) :
			      (uint32_t)c->offset;
	if (c->fd_kind == 0)
		fd = p->s2m[0].efd;
	else if (c->fd_kind == 2)
		fd = bad_fd_new(BAD_PIPE, 0, fds);
	else if (c->fd_kind == 3)
		fd = bad_fd_new(BAD_MEMFD, 0, fds);
	memif__msg_build_add_ring(&m, c->flags & 1, c->index, c->region, off,
				  c->log2);
	m.add_ring.flags = c->flags;
	m.add_ring.private_hdr_size = c->phs;
	return refuse_closing(r, p, &m, fd, fds);
}

static enum cf_result blocking_on(struct cf_run *r, struct cf_peer *p, long e)
{
	struct memif_msg m;
	struct cf_rx rx;

	memif__msg_build_add_ring(&m, true, 0, 0, p->s2m[0].offset,
				  p->s2m[0].log2);
	cf_send(p->fd, &m, (int)e);
	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	cf_note_rx(r, &rx);
	if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_ACK)
		return cf_rx_refused(&rx) ? CF_PASS : CF_FAIL;
	return cf_pass(r, "accepted; O_NONBLOCK %s",
		       fcntl((int)e, F_GETFL) & O_NONBLOCK ? "set by the IUT" :
							     "still clear");
}

/* F2: a blocking eventfd is made non-blocking or refused; never a hang. */
enum cf_result slave_f2_blocking(struct cf_run *r, long arg)
{
	int e = eventfd(0, EFD_CLOEXEC);
	enum cf_result res = cf_on_peer(r, cf_peer_at(r, NULL, CF_STEP_REGION),
					blocking_on, e);

	close(e);
	return res;
}

/* ---- CONNECT ------------------------------------------------------------- */

enum cf_result slave_c34_cookie(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_RINGS);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	p->m2s[0].ring->cookie = 0xdeadbeef;
	memif__msg_build_connect(&m, "x");
	return cf_refuse_msg(r, p, &m, -1);
}

/* C35: CONNECT without M2S rings (arg 0), without S2M (1), with nothing
 * (2: right after INIT). */
enum cf_result slave_c35_no_rings(struct cf_run *r, long arg)
{
	struct cf_peer *p = cf_peer_at(r, NULL,
				       arg == 2 ? CF_STEP_INIT :
				       arg == 0 ? CF_STEP_S2M :
						  CF_STEP_REGION);
	struct memif_msg m;

	if (!p)
		return CF_FAIL;
	if (arg == 1 && cf_slave_send_ring(r, p, false, 0) < 0) {
		cf_peer_free(p);
		return CF_FAIL;
	}
	memif__msg_build_connect(&m, "x");
	cf_send(p->fd, &m, -1);
	if (cf_closes(r, p, r->o->timeout_ms))
		return CF_PASS;
	return cf_fail(r, "expected a refusal");
}

/* C36: ring indexes beyond the advertised maximum are refused with a
 * DISCONNECT, never a silent close. */
enum cf_result slave_c36_over(struct cf_run *r, long arg)
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
