/* SPDX-License-Identifier: MIT */
/*
 * Control-message codec: builders for every message and the one decoder
 * that decides whether a received datagram is acceptable in the receiver's
 * role and phase (PROTOCOL.md, "Handshake" and "Limits").
 */
#include <string.h>
#include <sys/socket.h>

#include "msg.h"
#include "layout.h"

static const char *const fault_reasons[MEMIF_FAULT_COUNT] = {
	[MEMIF_FAULT_NONE] = "",
	[MEMIF_FAULT_MSG_SIZE] = "invalid message size",
	[MEMIF_FAULT_FDS] = "unexpected file descriptors",
	[MEMIF_FAULT_UNKNOWN_TYPE] = "unknown message type",
	[MEMIF_FAULT_UNEXPECTED] = "unexpected message",
	[MEMIF_FAULT_VERSION] = "incompatible protocol version",
	[MEMIF_FAULT_HELLO_LIMITS] = "unusable hello limits",
	[MEMIF_FAULT_NO_REGION_FD] = "missing memory region fd",
	[MEMIF_FAULT_REGION_INDEX] = "unexpected region index",
	[MEMIF_FAULT_TOO_MANY_REGIONS] = "too many regions",
	[MEMIF_FAULT_REGION_SIZE] = "invalid region size",
	[MEMIF_FAULT_NO_RING_FD] = "missing ring interrupt fd",
	[MEMIF_FAULT_RING_FLAGS] = "unknown ring flags",
	[MEMIF_FAULT_PRIVATE_HDR] = "private headers not supported",
	[MEMIF_FAULT_RING_INDEX] = "unexpected ring index",
	[MEMIF_FAULT_TOO_MANY_RINGS] = "too many rings (at most 256 each way)",
	[MEMIF_FAULT_RING_LOG2] = "ring size not supported",
	[MEMIF_FAULT_RING_REGION] = "ring in unknown region",
	[MEMIF_FAULT_RING_BOUNDS] = "ring out of region bounds",
	[MEMIF_FAULT_NO_RINGS] = "incomplete configuration",
	[MEMIF_FAULT_ID] = "unmatched interface id",
	[MEMIF_FAULT_ALREADY_CONNECTED] = "already connected",
	[MEMIF_FAULT_MODE] = "mode mismatch",
	[MEMIF_FAULT_SECRET_REQUIRED] = "secret required",
	[MEMIF_FAULT_SECRET] = "incorrect secret",
	[MEMIF_FAULT_REGION_FD] = "invalid memory region fd",
	[MEMIF_FAULT_REGION_UNSEALED] = "memory region not sealed",
	[MEMIF_FAULT_RING_FD] = "invalid ring interrupt fd",
	[MEMIF_FAULT_RING_FD_SEMAPHORE] = "semaphore eventfd as ring interrupt fd",
	[MEMIF_FAULT_COOKIE] = "wrong cookie",
	[MEMIF_FAULT_MMAP] = "mmap",
	[MEMIF_FAULT_TIMEOUT] = "handshake timeout",
	[MEMIF_FAULT_RING_INDEXES] = "ring index out of range",
	[MEMIF_FAULT_INTERNAL] = "internal error",
	[MEMIF_FAULT_DESC_REGION] = "bad descriptor region",
	[MEMIF_FAULT_DESC_OVERRUN] = "descriptor region overrun",
	[MEMIF_FAULT_DESC_ZERO_LEN] = "zero length descriptor",
	[MEMIF_FAULT_DESC_TOO_LONG] = "descriptor too long",
};

const char *memif__fault_reason(enum memif_fault f)
{
	if ((unsigned)f >= MEMIF_FAULT_COUNT)
		return "unknown fault";
	return fault_reasons[f];
}

bool memif__msg_takes_fd(uint16_t type)
{
	return type == MEMIF_MSG_TYPE_ADD_REGION ||
	       type == MEMIF_MSG_TYPE_ADD_RING;
}

unsigned memif__msg_fds(struct msghdr *mh, int *fds, unsigned max,
			void (*extra)(void *ctx, int fd), void *ctx)
{
	struct cmsghdr *cm;
	unsigned n = 0;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t k, cnt;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < cnt; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int),
			       sizeof(fd));
			if (n < max)
				fds[n++] = fd;
			else
				extra(ctx, fd);
		}
	}
	return n;
}

/* Which types each phase accepts; DISCONNECT is acceptable everywhere. */
static bool phase_accepts(enum memif_phase phase, uint16_t type)
{
	if (type == MEMIF_MSG_TYPE_DISCONNECT)
		return true;
	switch (phase) {
	case MEMIF_PHASE_M_WAIT_INIT:
		return type == MEMIF_MSG_TYPE_INIT;
	case MEMIF_PHASE_M_CONFIG:
		return type == MEMIF_MSG_TYPE_ADD_REGION ||
		       type == MEMIF_MSG_TYPE_ADD_RING ||
		       type == MEMIF_MSG_TYPE_CONNECT;
	case MEMIF_PHASE_S_WAIT_HELLO:
		return type == MEMIF_MSG_TYPE_HELLO;
	case MEMIF_PHASE_S_WAIT_ACK:
		return type == MEMIF_MSG_TYPE_ACK;
	case MEMIF_PHASE_S_WAIT_CONNECTED:
		return type == MEMIF_MSG_TYPE_CONNECTED;
	case MEMIF_PHASE_M_CONNECTED:
	case MEMIF_PHASE_S_CONNECTED:
		return false;
	}
	return false;
}

static enum memif_fault check_hello(const struct memif_msg_hello *h)
{
	if (h->min_version > MEMIF_VERSION || h->max_version < MEMIF_VERSION)
		return MEMIF_FAULT_VERSION;
	if (h->max_log2_ring_size < 1)
		return MEMIF_FAULT_HELLO_LIMITS;
	return MEMIF_FAULT_NONE;
}

static enum memif_fault check_add_region(const struct memif_msg_add_region *r,
					 const struct memif_msg_ctx *ctx)
{
	if (r->index > ctx->max_region)
		return MEMIF_FAULT_TOO_MANY_REGIONS;
	if (r->index != ctx->n_regions)
		return MEMIF_FAULT_REGION_INDEX;
	if (r->size == 0)
		return MEMIF_FAULT_REGION_SIZE;
	return MEMIF_FAULT_NONE;
}

static enum memif_fault check_add_ring(const struct memif_msg_add_ring *r,
				       const struct memif_msg_ctx *ctx)
{
	bool s2m = r->flags & MEMIF_MSG_ADD_RING_FLAG_S2M;
	uint16_t max = s2m ? ctx->max_s2m_ring : ctx->max_m2s_ring;
	uint16_t have = s2m ? ctx->n_s2m_rings : ctx->n_m2s_rings;

	if (r->flags & ~MEMIF_MSG_ADD_RING_FLAG_S2M)
		return MEMIF_FAULT_RING_FLAGS;
	if (r->private_hdr_size != 0)
		return MEMIF_FAULT_PRIVATE_HDR;
	if (r->index > max)
		return MEMIF_FAULT_TOO_MANY_RINGS;
	if (r->index != have)
		return MEMIF_FAULT_RING_INDEX;
	if (r->log2_ring_size < 1 ||
	    r->log2_ring_size > ctx->max_log2_ring_size)
		return MEMIF_FAULT_RING_LOG2;
	if (r->region >= ctx->n_regions || !ctx->region_size)
		return MEMIF_FAULT_RING_REGION;
	return memif__ring_check(ctx->region_size[r->region], r->offset,
				 r->log2_ring_size);
}

enum memif_fault memif__msg_decode(const struct memif_rx_datagram *dg,
				   const struct memif_msg_ctx *ctx,
				   struct memif_msg *out)
{
	uint16_t type;

	if (dg->truncated || dg->len != MEMIF_MSG_SIZE || !dg->buf)
		return MEMIF_FAULT_MSG_SIZE;
	memcpy(out, dg->buf, MEMIF_MSG_SIZE);
	type = out->type;
	if (type == MEMIF_MSG_TYPE_NONE || type >= MEMIF_MSG_TYPE_COUNT)
		return MEMIF_FAULT_UNKNOWN_TYPE;
	if (!phase_accepts(ctx->phase, type))
		return MEMIF_FAULT_UNEXPECTED;
	if (dg->n_fds > 1 || (dg->n_fds && !memif__msg_takes_fd(type)))
		return MEMIF_FAULT_FDS;

	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		return check_hello(&out->hello);
	case MEMIF_MSG_TYPE_INIT:
		if (out->init.version != MEMIF_VERSION)
			return MEMIF_FAULT_VERSION;
		return MEMIF_FAULT_NONE;
	case MEMIF_MSG_TYPE_ADD_REGION:
		if (dg->n_fds != 1)
			return MEMIF_FAULT_NO_REGION_FD;
		return check_add_region(&out->add_region, ctx);
	case MEMIF_MSG_TYPE_ADD_RING:
		if (dg->n_fds != 1)
			return MEMIF_FAULT_NO_RING_FD;
		return check_add_ring(&out->add_ring, ctx);
	case MEMIF_MSG_TYPE_CONNECT:
		if (ctx->n_s2m_rings == 0 || ctx->n_m2s_rings == 0 ||
		    ctx->n_regions == 0)
			return MEMIF_FAULT_NO_RINGS;
		return MEMIF_FAULT_NONE;
	default:
		return MEMIF_FAULT_NONE;
	}
}

void memif__msg_strcpy(char *dst, size_t dst_size, const uint8_t *field,
		       size_t field_len)
{
	size_t n = 0;

	if (dst_size == 0)
		return;
	while (n < field_len && n + 1 < dst_size && field[n] != 0) {
		dst[n] = (char)field[n];
		n++;
	}
	dst[n] = 0;
}

void memif__msg_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static void put_str(uint8_t *field, size_t field_len, const char *s)
{
	size_t n = 0;

	if (!s)
		return;
	while (n + 1 < field_len && s[n]) {
		field[n] = (uint8_t)s[n];
		n++;
	}
}

static void msg_zero(struct memif_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
}

void memif__msg_build_ack(struct memif_msg *m)
{
	msg_zero(m, MEMIF_MSG_TYPE_ACK);
}

void memif__msg_build_hello(struct memif_msg *m, const char *name,
			    uint16_t max_region, uint16_t max_m2s_ring,
			    uint16_t max_s2m_ring, uint8_t max_log2)
{
	msg_zero(m, MEMIF_MSG_TYPE_HELLO);
	put_str(m->hello.name, sizeof(m->hello.name), name);
	m->hello.min_version = MEMIF_VERSION;
	m->hello.max_version = MEMIF_VERSION;
	m->hello.max_region = max_region;
	m->hello.max_m2s_ring = max_m2s_ring;
	m->hello.max_s2m_ring = max_s2m_ring;
	m->hello.max_log2_ring_size = max_log2;
}

void memif__msg_build_init(struct memif_msg *m, uint32_t id, uint8_t mode,
			   const char *secret, const char *name)
{
	msg_zero(m, MEMIF_MSG_TYPE_INIT);
	m->init.version = MEMIF_VERSION;
	m->init.id = id;
	m->init.mode = mode;
	put_str(m->init.secret, sizeof(m->init.secret), secret);
	put_str(m->init.name, sizeof(m->init.name), name);
}

void memif__msg_build_add_region(struct memif_msg *m, uint16_t index,
				 uint64_t size)
{
	msg_zero(m, MEMIF_MSG_TYPE_ADD_REGION);
	m->add_region.index = index;
	m->add_region.size = size;
}

void memif__msg_build_add_ring(struct memif_msg *m, bool s2m, uint16_t index,
			       uint16_t region, uint32_t offset,
			       uint8_t log2_ring_size)
{
	msg_zero(m, MEMIF_MSG_TYPE_ADD_RING);
	m->add_ring.flags = s2m ? MEMIF_MSG_ADD_RING_FLAG_S2M : 0;
	m->add_ring.index = index;
	m->add_ring.region = region;
	m->add_ring.offset = offset;
	m->add_ring.log2_ring_size = log2_ring_size;
	m->add_ring.private_hdr_size = 0;
}

void memif__msg_build_connect(struct memif_msg *m, const char *if_name)
{
	msg_zero(m, MEMIF_MSG_TYPE_CONNECT);
	put_str(m->connect.if_name, sizeof(m->connect.if_name), if_name);
}

void memif__msg_build_connected(struct memif_msg *m, const char *if_name)
{
	msg_zero(m, MEMIF_MSG_TYPE_CONNECTED);
	put_str(m->connected.if_name, sizeof(m->connected.if_name), if_name);
}

void memif__msg_build_disconnect(struct memif_msg *m, uint32_t code,
				 const char *reason)
{
	msg_zero(m, MEMIF_MSG_TYPE_DISCONNECT);
	m->disconnect.code = code;
	put_str(m->disconnect.string, sizeof(m->disconnect.string), reason);
}

bool memif__secret_equal(const uint8_t *a, const uint8_t *b)
{
	unsigned diff = 0, a_end = 0, b_end = 0;
	size_t i;

	/* Bytes after each string's first NUL are masked to 0, without a
	 * data-dependent branch, so timing does not reveal the match length. */
	for (i = 0; i < MEMIF_SECRET_LEN; i++) {
		unsigned ca = a[i], cb = b[i];

		a_end |= ((ca | (0u - ca)) >> 31) ^ 1u;
		b_end |= ((cb | (0u - cb)) >> 31) ^ 1u;
		diff |= (ca & (a_end - 1u)) ^ (cb & (b_end - 1u));
	}
	return diff == 0;
}
