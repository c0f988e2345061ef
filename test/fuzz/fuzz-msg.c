/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: one received control datagram, in any receiver phase and
 * with any handshake counters, through memif__msg_decode(); then the bounded
 * string copy on every string field and the secret comparison.
 *
 * Input layout (little-endian), written by make-corpus.py:
 *
 *    0  u8      phase (mod 8; 7 is no phase at all)
 *    1  u8      bits 0-1 fds that came with it, bit 2 MSG_TRUNC/MSG_CTRUNC,
 *               bit 3 no region size table
 *    2  u16     max_region      (what "our" HELLO advertised)
 *    4  u16     max_s2m_ring
 *    6  u16     max_m2s_ring
 *    8  u8      max_log2_ring_size
 *    9  u8      n_regions (mod 5)
 *   10  u16     n_s2m_rings
 *   12  u16     n_m2s_rings
 *   14  u8      destination size for memif__msg_strcpy()
 *   15  u8      unused
 *   16  u64[4]  region sizes
 *   48  u8[24]  a secret to compare with the INIT secret field
 *   72  ...     the datagram, any length (128 is the only valid one)
 *
 * Besides the sanitizers, the target aborts when an accepted message breaks
 * a rule of proto/PROTOCOL.md ("Handshake", "Limits and negotiation"),
 * when an early refusal (size, type, phase, fds) differs from the order
 * proto/msg.c documents, or when a copy leaves its bounds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "memif_proto.h"
#include "msg.h"

#include "fuzz.h"

#define HDR_SIZE 72
#define MAX_REGIONS 4

/* PROTOCOL.md, written independently of proto/msg.c. */
static bool spec_accepts(unsigned phase, uint16_t type)
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
	default:
		return false;
	}
}

/* An accepted message obeys every rule the codec is responsible for. */
static void check_accepted(const struct memif_rx_datagram *dg,
			   const struct memif_msg_ctx *ctx,
			   const struct memif_msg *m)
{
	bool takes_fd = m->type == MEMIF_MSG_TYPE_ADD_REGION ||
			m->type == MEMIF_MSG_TYPE_ADD_RING;

	CHECK(dg->len == MEMIF_MSG_SIZE && !dg->truncated);
	CHECK(memcmp(m, dg->buf, MEMIF_MSG_SIZE) == 0);
	CHECK(m->type >= 1 && m->type <= 8);
	CHECK(spec_accepts(ctx->phase, m->type));
	CHECK(dg->n_fds == (takes_fd ? 1u : 0u));

	switch (m->type) {
	case MEMIF_MSG_TYPE_HELLO:
		CHECK(m->hello.min_version <= MEMIF_VERSION);
		CHECK(m->hello.max_version >= MEMIF_VERSION);
		CHECK(m->hello.max_log2_ring_size >= 1);
		break;
	case MEMIF_MSG_TYPE_INIT:
		CHECK(m->init.version == MEMIF_VERSION);
		break;
	case MEMIF_MSG_TYPE_ADD_REGION:
		CHECK(m->add_region.index == ctx->n_regions);
		CHECK(m->add_region.index <= ctx->max_region);
		CHECK(m->add_region.size > 0);
		break;
	case MEMIF_MSG_TYPE_ADD_RING: {
		const struct memif_msg_add_ring *r = &m->add_ring;
		bool s2m = r->flags & MEMIF_MSG_ADD_RING_FLAG_S2M;
		uint64_t end;

		CHECK((r->flags & ~MEMIF_MSG_ADD_RING_FLAG_S2M) == 0);
		CHECK(r->private_hdr_size == 0);
		CHECK(r->index == (s2m ? ctx->n_s2m_rings : ctx->n_m2s_rings));
		CHECK(r->index <=
		      (s2m ? ctx->max_s2m_ring : ctx->max_m2s_ring));
		CHECK(r->log2_ring_size >= 1 &&
		      r->log2_ring_size <= MEMIF_MAX_LOG2_RING_SIZE &&
		      r->log2_ring_size <= ctx->max_log2_ring_size);
		CHECK(r->region < ctx->n_regions && ctx->region_size);
		CHECK(r->offset % 16 == 0);
		end = (uint64_t)r->offset + MEMIF_RING_HDR_SIZE +
		      ((uint64_t)16 << r->log2_ring_size);
		CHECK(end <= ctx->region_size[r->region]);
		break;
	}
	case MEMIF_MSG_TYPE_CONNECT:
		CHECK(ctx->n_regions > 0 && ctx->n_s2m_rings > 0 &&
		      ctx->n_m2s_rings > 0);
		break;
	default:
		break;
	}
}

/* The refusals that come first, in the spec's order: framing, type, phase,
 * fds.  Field checks after that are covered by check_accepted(). */
static void check_early_fault(const struct memif_rx_datagram *dg,
			      const struct memif_msg_ctx *ctx,
			      enum memif_fault f)
{
	uint16_t type;

	if (dg->len != MEMIF_MSG_SIZE || dg->truncated) {
		CHECK(f == MEMIF_FAULT_MSG_SIZE);
		return;
	}
	CHECK(f != MEMIF_FAULT_MSG_SIZE);
	memcpy(&type, dg->buf, sizeof(type));
	if (type == 0 || type >= MEMIF_MSG_TYPE_COUNT) {
		CHECK(f == MEMIF_FAULT_UNKNOWN_TYPE);
		return;
	}
	if (!spec_accepts(ctx->phase, type)) {
		CHECK(f == MEMIF_FAULT_UNEXPECTED);
		return;
	}
	if (dg->n_fds > 1 || (dg->n_fds == 1 && !memif__msg_takes_fd(type)))
		CHECK(f == MEMIF_FAULT_FDS);
	else
		CHECK(f != MEMIF_FAULT_FDS && f != MEMIF_FAULT_UNKNOWN_TYPE &&
		      f != MEMIF_FAULT_UNEXPECTED);
}

/* Copy @field out of an exactly sized heap block, so that ASan catches any
 * read past the field, into an exactly sized destination. */
static void check_strcpy(const uint8_t *field, size_t field_len,
			 size_t dst_size)
{
	uint8_t *src = malloc(field_len);
	char *dst = malloc(dst_size ? dst_size : 1);
	size_t bound, n;

	CHECK(src && dst);
	memcpy(src, field, field_len);
	dst[0] = 'x';
	memif__msg_strcpy(dst, dst_size, src, field_len);
	if (dst_size == 0) {
		/* nothing may be written */
		CHECK(dst[0] == 'x');
	} else {
		bound = field_len < dst_size - 1 ? field_len : dst_size - 1;
		n = strnlen(dst, dst_size);
		CHECK(n <= bound);
		CHECK(memcmp(dst, src, n) == 0);
		if (n < bound)
			CHECK(src[n] == 0);
	}
	free(dst);
	free(src);
}

/* Reference: bounded C-string equality over 24 bytes. */
static bool secret_ref(const uint8_t *a, const uint8_t *b)
{
	size_t la = strnlen((const char *)a, MEMIF_SECRET_LEN);
	size_t lb = strnlen((const char *)b, MEMIF_SECRET_LEN);

	return la == lb && memcmp(a, b, la) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t region_size[MAX_REGIONS];
	struct memif_msg_ctx ctx;
	struct memif_rx_datagram dg;
	struct memif_msg out;
	enum memif_fault f;
	const char *reason;
	uint8_t *buf;
	size_t dst_size, len, i;

	if (size < HDR_SIZE)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.phase = (enum memif_phase)(data[0] % 8);
	ctx.max_region = get16(data + 2);
	ctx.max_s2m_ring = get16(data + 4);
	ctx.max_m2s_ring = get16(data + 6);
	ctx.max_log2_ring_size = data[8];
	ctx.n_regions = data[9] % (MAX_REGIONS + 1);
	ctx.n_s2m_rings = get16(data + 10);
	ctx.n_m2s_rings = get16(data + 12);
	for (i = 0; i < MAX_REGIONS; i++)
		region_size[i] = get64(data + 16 + 8 * i);
	ctx.region_size = (data[1] & 8) ? NULL : region_size;
	dst_size = data[14];

	/* The datagram in a block of its own length, for ASan. */
	len = size - HDR_SIZE;
	buf = malloc(len ? len : 1);
	CHECK(buf);
	memcpy(buf, data + HDR_SIZE, len);
	dg.buf = buf;
	dg.len = len;
	dg.truncated = data[1] & 4;
	dg.n_fds = data[1] & 3;

	memset(&out, 0, sizeof(out));
	f = memif__msg_decode(&dg, &ctx, &out);
	CHECK((unsigned)f < MEMIF_FAULT_COUNT);
	reason = memif__fault_reason(f);
	CHECK(reason && strlen(reason) < MEMIF_REASON_LEN);
	check_early_fault(&dg, &ctx, f);
	if (f == MEMIF_FAULT_NONE)
		check_accepted(&dg, &ctx, &out);

	/* Every string field, whatever the type: the copy must stay bounded. */
	check_strcpy(out.hello.name, MEMIF_NAME_LEN, dst_size);
	check_strcpy(out.init.secret, MEMIF_SECRET_LEN, dst_size);
	check_strcpy(out.init.name, MEMIF_NAME_LEN, dst_size);
	check_strcpy(out.connect.if_name, MEMIF_NAME_LEN, dst_size);
	check_strcpy(out.connected.if_name, MEMIF_NAME_LEN, dst_size);
	check_strcpy(out.disconnect.string, MEMIF_REASON_LEN, dst_size);

	CHECK(memif__secret_equal(out.init.secret, data + 48) ==
	      secret_ref(out.init.secret, data + 48));
	CHECK(memif__secret_equal(out.init.secret, out.init.secret));

	free(buf);
	return 0;
}
