/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the wire-format layer (proto/): message builders and the
 * decoder's framing, phases, fds and undefined bytes; the suite.  The
 * handshake messages' fields and the secret comparison are in
 * test-proto-fields.c, the slave's region layout and the ring and
 * descriptor bounds checks in test-proto-layout.c.
 *
 * Test names carry the check they cover: cN is check CN of the conformance
 * checklist (test/conform/CHECKLIST.md), qN a known quirk of another
 * implementation, hp_xN a bad input of that kind.  Every assertion
 * on a refusal names the exact fault, so a check that starts refusing for
 * the wrong reason fails too.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "layout.h"
#include "memif_proto.h"
#include "msg.h"
#include "test-proto.h"

/* Region 0 of a worked layout example and a 64 KiB
 * second region. */
static const uint64_t test_regions[] = { 4231168, 65536 };

/* A master that advertised 255/255/255/14, nothing received yet. */
void ctx_init(struct memif_msg_ctx *ctx, enum memif_phase phase)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->phase = phase;
	ctx->max_region = 255;
	ctx->max_s2m_ring = 255;
	ctx->max_m2s_ring = 255;
	ctx->max_log2_ring_size = MEMIF_MAX_LOG2_RING_SIZE;
	ctx->region_size = test_regions;
}

/* The same master after region 0 and one ring per direction. */
void ctx_configured(struct memif_msg_ctx *ctx, enum memif_phase phase)
{
	ctx_init(ctx, phase);
	ctx->n_regions = 1;
	ctx->n_s2m_rings = 1;
	ctx->n_m2s_rings = 1;
}

enum memif_fault decode_buf(const void *buf, size_t len, bool truncated,
			    unsigned n_fds, const struct memif_msg_ctx *ctx,
			    struct memif_msg *out)
{
	struct memif_rx_datagram dg = {
		.buf = buf,
		.len = len,
		.truncated = truncated,
		.n_fds = n_fds,
	};

	return memif__msg_decode(&dg, ctx, out);
}

enum memif_fault decode_msg(const struct memif_msg *m, unsigned n_fds,
			    const struct memif_msg_ctx *ctx)
{
	struct memif_msg out;

	return decode_buf(m, sizeof(*m), false, n_fds, ctx, &out);
}

/* Bytes 0..127 of a built message. */
static const uint8_t *bytes(const struct memif_msg *m)
{
	return (const uint8_t *)m;
}

static void assert_zero_from(const struct memif_msg *m, size_t from)
{
	size_t i;

	for (i = from; i < MEMIF_MSG_SIZE; i++)
		ck_assert_msg(bytes(m)[i] == 0, "byte %zu is 0x%02x, not 0", i,
			      bytes(m)[i]);
}

/* @m decodes in @ctx with @n_fds fds, into @out. */
static void decodes(const struct memif_msg *m, unsigned n_fds,
		    const struct memif_msg_ctx *ctx, struct memif_msg *out)
{
	ck_assert_fault(decode_buf(m, sizeof(*m), false, n_fds, ctx, out),
			MEMIF_FAULT_NONE);
}

/* decodes, and @out is the bytes @exp. */
static void decodes_to(const struct memif_msg *m, unsigned n_fds,
		       const struct memif_msg_ctx *ctx, struct memif_msg *out,
		       const uint8_t *exp)
{
	decodes(m, n_fds, ctx, out);
	ck_assert_mem_eq(out, exp, MEMIF_MSG_SIZE);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/*
 * A message of @type that the phase accepting it takes without complaint,
 * with the fd count it needs, against ctx_configured() (so ADD_REGION and
 * ADD_RING carry index 1).  Type 0 yields an all-zero NONE message.
 */
static void build_valid(struct memif_msg *m, uint16_t type, unsigned *n_fds)
{
	*n_fds = 0;
	switch (type) {
	case MEMIF_MSG_TYPE_ACK:
		memif__msg_build_ack(m);
		break;
	case MEMIF_MSG_TYPE_HELLO:
		memif__msg_build_hello(m, "master", 255, 255, 255, 14);
		break;
	case MEMIF_MSG_TYPE_INIT:
		memif__msg_build_init(m, 7, MEMIF_INTERFACE_MODE_ETHERNET,
				      "secret", "slave");
		break;
	case MEMIF_MSG_TYPE_ADD_REGION:
		memif__msg_build_add_region(m, 1, 65536);
		*n_fds = 1;
		break;
	case MEMIF_MSG_TYPE_ADD_RING:
		memif__msg_build_add_ring(m, true, 1, 0, 16512, 10);
		*n_fds = 1;
		break;
	case MEMIF_MSG_TYPE_CONNECT:
		memif__msg_build_connect(m, "memif0");
		break;
	case MEMIF_MSG_TYPE_CONNECTED:
		memif__msg_build_connected(m, "memif0");
		break;
	case MEMIF_MSG_TYPE_DISCONNECT:
		memif__msg_build_disconnect(m, 0, "bye");
		break;
	default:
		memset(m, 0, sizeof(*m));
		m->type = type;
		break;
	}
}

/* The phase in which each valid type is acceptable (DISCONNECT: any). */
static enum memif_phase accepting_phase(uint16_t type)
{
	switch (type) {
	case MEMIF_MSG_TYPE_ACK:
		return MEMIF_PHASE_S_WAIT_ACK;
	case MEMIF_MSG_TYPE_HELLO:
		return MEMIF_PHASE_S_WAIT_HELLO;
	case MEMIF_MSG_TYPE_INIT:
		return MEMIF_PHASE_M_WAIT_INIT;
	case MEMIF_MSG_TYPE_CONNECTED:
		return MEMIF_PHASE_S_WAIT_CONNECTED;
	default:
		return MEMIF_PHASE_M_CONFIG;
	}
}

/* Message bytes a type defines (header plus payload). */
static size_t defined_bytes(uint16_t type)
{
	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		return 2 + 43;
	case MEMIF_MSG_TYPE_INIT:
		return 2 + 63;
	case MEMIF_MSG_TYPE_ADD_REGION:
		return 2 + 10;
	case MEMIF_MSG_TYPE_ADD_RING:
		return 2 + 13;
	case MEMIF_MSG_TYPE_CONNECT:
	case MEMIF_MSG_TYPE_CONNECTED:
		return 2 + 32;
	case MEMIF_MSG_TYPE_DISCONNECT:
		return 2 + 100;
	default:
		return 2;
	}
}

/* ---- Builders: byte layout (proto/PROTOCOL.md) and round trip ---- */

/* A message built over 0xff bytes, the bytes expected, and the context
 * and result of decoding it again. */
struct round_trip {
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE];
};

/* Fill t->m with 0xff, expect a message of @type with zeros after it. */
static void round_trip_start(struct round_trip *t, uint8_t type)
{
	memset(&t->m, 0xff, sizeof(t->m));
	memset(t->exp, 0, sizeof(t->exp));
	t->exp[0] = type;
}

START_TEST(msg_builds_ack_c3)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_ack(&m);
	ck_assert_uint_eq(bytes(&m)[0], 0x01);
	ck_assert_uint_eq(bytes(&m)[1], 0x00);
	assert_zero_from(&m, 2);

	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_ACK);
	decodes(&m, 0, &ctx, &out);
	ck_assert_uint_eq(out.type, MEMIF_MSG_TYPE_ACK);
}
END_TEST

START_TEST(msg_builds_hello_c14)
{
	struct round_trip t;

	round_trip_start(&t, 0x02);
	memif__msg_build_hello(&t.m, "vpp-master", 0x0102, 0x0304, 0x0506, 14);
	memcpy(t.exp + 2, "vpp-master", 10);
	put16(t.exp + 34, 0x0200); /* min_version */
	put16(t.exp + 36, 0x0200); /* max_version */
	put16(t.exp + 38, 0x0102); /* max_region */
	put16(t.exp + 40, 0x0304); /* max_m2s_ring, before S2M */
	put16(t.exp + 42, 0x0506); /* max_s2m_ring */
	t.exp[44] = 14;
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);
	ck_assert_uint_eq(bytes(&t.m)[34], 0x00);
	ck_assert_uint_eq(bytes(&t.m)[35], 0x02);

	ctx_init(&t.ctx, MEMIF_PHASE_S_WAIT_HELLO);
	decodes_to(&t.m, 0, &t.ctx, &t.out, t.exp);
	ck_assert_hello(&t.out, 0x0102, 0x0304, 0x0506, 14);
}
END_TEST

START_TEST(msg_builds_init_c41)
{
	static const uint8_t head[10] = { 0x03, 0x00, 0x00, 0x02, 0x44,
					  0x33, 0x22, 0x11, 0x02, 0x00 };
	struct round_trip t;

	/* The bytes confirmed against libmemif 4.0. */
	round_trip_start(&t, 0x03);
	memif__msg_build_init(&t.m, 0x11223344,
			      MEMIF_INTERFACE_MODE_PUNT_INJECT, NULL,
			      "slave-app");
	ck_assert_mem_eq(bytes(&t.m), head, sizeof(head));
	memcpy(t.exp, head, sizeof(head));
	memcpy(t.exp + 33, "slave-app", 9);
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);

	/* Secret at 9, name at 33, nothing after byte 64. */
	memif__msg_build_init(&t.m, 0x11223344, MEMIF_INTERFACE_MODE_IP, "abc",
			      "slave-app");
	t.exp[8] = MEMIF_INTERFACE_MODE_IP;
	memcpy(t.exp + 9, "abc", 3);
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);

	ctx_init(&t.ctx, MEMIF_PHASE_M_WAIT_INIT);
	decodes_to(&t.m, 0, &t.ctx, &t.out, t.exp);
	ck_assert_uint_eq(t.out.init.version, 0x0200);
	ck_assert_uint_eq(t.out.init.id, 0x11223344);
	ck_assert_uint_eq(t.out.init.mode, MEMIF_INTERFACE_MODE_IP);
}
END_TEST

START_TEST(msg_builds_add_region_c42)
{
	struct round_trip t;

	round_trip_start(&t, 0x04);
	memif__msg_build_add_region(&t.m, 0x0102, 0x1122334455667788ull);
	put16(t.exp + 2, 0x0102);
	put64(t.exp + 4, 0x1122334455667788ull);
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);

	ctx_init(&t.ctx, MEMIF_PHASE_M_CONFIG);
	t.ctx.max_region = 0xffff;
	t.ctx.n_regions = 0x0102;
	decodes(&t.m, 1, &t.ctx, &t.out);
	ck_assert_uint_eq(t.out.add_region.index, 0x0102);
	ck_assert_uint_eq(t.out.add_region.size, 0x1122334455667788ull);
}
END_TEST

START_TEST(msg_builds_add_ring_c42)
{
	static const uint64_t big[] = { 0x100000000ull, 0x10000000ull };
	struct round_trip t;

	round_trip_start(&t, 0x05);
	memif__msg_build_add_ring(&t.m, true, 0x0003, 0x0001, 0x01020300, 12);
	put16(t.exp + 2, MEMIF_MSG_ADD_RING_FLAG_S2M);
	put16(t.exp + 4, 0x0003);
	put16(t.exp + 6, 0x0001);
	put32(t.exp + 8, 0x01020300);
	t.exp[12] = 12;
	/* private_hdr_size at 13..14 stays 0 */
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);

	ctx_init(&t.ctx, MEMIF_PHASE_M_CONFIG);
	t.ctx.region_size = big;
	t.ctx.n_regions = 2;
	t.ctx.n_s2m_rings = 3;
	decodes(&t.m, 1, &t.ctx, &t.out);
	ck_assert_uint_eq(t.out.add_ring.flags, MEMIF_MSG_ADD_RING_FLAG_S2M);
	ck_assert_uint_eq(t.out.add_ring.index, 3);
	ck_assert_uint_eq(t.out.add_ring.region, 1);
	ck_assert_uint_eq(t.out.add_ring.offset, 0x01020300);
	ck_assert_uint_eq(t.out.add_ring.log2_ring_size, 12);
	ck_assert_uint_eq(t.out.add_ring.private_hdr_size, 0);

	/* M2S: flags 0 */
	memif__msg_build_add_ring(&t.m, false, 0, 0, 0, 10);
	ck_assert_uint_eq(bytes(&t.m)[2], 0);
	ck_assert_uint_eq(bytes(&t.m)[3], 0);
	ck_assert_uint_eq(bytes(&t.m)[12], 10);
	assert_zero_from(&t.m, 13);
}
END_TEST

START_TEST(msg_builds_connect_and_connected_c15)
{
	struct round_trip t;

	round_trip_start(&t, 0x06);
	memif__msg_build_connect(&t.m, "memif0/1");
	memcpy(t.exp + 2, "memif0/1", 8);
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);
	ctx_configured(&t.ctx, MEMIF_PHASE_M_CONFIG);
	decodes_to(&t.m, 0, &t.ctx, &t.out, t.exp);

	memset(&t.m, 0xff, sizeof(t.m));
	memif__msg_build_connected(&t.m, "memif0/1");
	t.exp[0] = 0x07;
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);
	ctx_init(&t.ctx, MEMIF_PHASE_S_WAIT_CONNECTED);
	decodes_to(&t.m, 0, &t.ctx, &t.out, t.exp);
}
END_TEST

/* DISCONNECT is acceptable in every phase (every phase accepts it). */
START_TEST(msg_builds_disconnect_c66)
{
	struct round_trip t;
	enum memif_phase p = (enum memif_phase)_i;

	round_trip_start(&t, 0x08);
	memif__msg_build_disconnect(&t.m, 0x01020304, "interface deleted");
	put32(t.exp + 2, 0x01020304);
	memcpy(t.exp + 6, "interface deleted", 17);
	ck_assert_mem_eq(bytes(&t.m), t.exp, MEMIF_MSG_SIZE);

	ctx_init(&t.ctx, p);
	decodes_to(&t.m, 0, &t.ctx, &t.out, t.exp);
	ck_assert_uint_eq(t.out.disconnect.code, 0x01020304);
}
END_TEST

START_TEST(msg_truncates_strings_c5)
{
	static const char long_str[] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct memif_msg m;

	/* secret: 23 characters, NUL at 9 + 23, zeros to the name */
	memif__msg_build_init(&m, 1, 0, long_str, long_str);
	ck_assert_mem_eq(bytes(&m) + 9, long_str, 23);
	ck_assert_uint_eq(bytes(&m)[9 + 23], 0);
	/* name: 31 characters, NUL at 33 + 31 */
	ck_assert_mem_eq(bytes(&m) + 33, long_str, 31);
	ck_assert_uint_eq(bytes(&m)[33 + 31], 0);
	assert_zero_from(&m, 65);

	/* exactly 23 / 31 characters still fit, one more does not */
	memif__msg_build_init(&m, 1, 0, "0123456789abcdefghijklm",
			      "0123456789abcdefghijklmnopqrstu");
	ck_assert_uint_eq(bytes(&m)[9 + 22], 'm');
	ck_assert_uint_eq(bytes(&m)[9 + 23], 0);
	ck_assert_uint_eq(bytes(&m)[33 + 30], 'u');
	ck_assert_uint_eq(bytes(&m)[33 + 31], 0);

	memif__msg_build_hello(&m, long_str, 0, 0, 0, 14);
	ck_assert_mem_eq(bytes(&m) + 2, long_str, 31);
	ck_assert_uint_eq(bytes(&m)[2 + 31], 0);
	ck_assert_uint_eq(bytes(&m)[34], 0x00); /* min_version untouched */
	ck_assert_uint_eq(bytes(&m)[35], 0x02);

	memif__msg_build_connect(&m, long_str);
	ck_assert_mem_eq(bytes(&m) + 2, long_str, 31);
	assert_zero_from(&m, 2 + 31);

	memif__msg_build_connected(&m, long_str);
	ck_assert_mem_eq(bytes(&m) + 2, long_str, 31);
	assert_zero_from(&m, 2 + 31);

	/* reason: 95 characters */
	memif__msg_build_disconnect(&m, 0, long_str);
	ck_assert_mem_eq(bytes(&m) + 6, long_str, 95);
	assert_zero_from(&m, 6 + 95);
}
END_TEST

START_TEST(msg_zero_fills_after_strings_c5)
{
	struct memif_msg m;
	size_t i;

	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_init(&m, 1, 0, "ab", "cd");
	for (i = 9 + 2; i < 33; i++)
		ck_assert_uint_eq(bytes(&m)[i], 0);
	for (i = 33 + 2; i < MEMIF_MSG_SIZE; i++)
		ck_assert_uint_eq(bytes(&m)[i], 0);

	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_hello(&m, "x", 1, 2, 3, 4);
	for (i = 3; i < 34; i++)
		ck_assert_uint_eq(bytes(&m)[i], 0);
	assert_zero_from(&m, 45);

	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_disconnect(&m, 0, "x");
	assert_zero_from(&m, 7);

	/* NULL strings are empty fields */
	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_init(&m, 1, 0, NULL, NULL);
	assert_zero_from(&m, 9);
	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_connect(&m, NULL);
	assert_zero_from(&m, 2);
	memset(&m, 0xa5, sizeof(m));
	memif__msg_build_disconnect(&m, 5, NULL);
	assert_zero_from(&m, 6);
}
END_TEST

/* The whole handshake of a 2 S2M + 1 M2S slave, as both peers see it. */
START_TEST(msg_accepts_full_handshake_c15)
{
	struct memif_layout l;
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	uint64_t region;
	int i;

	ck_assert(memif__layout_init(&l, 2, 1, 10, 2048));
	region = l.region_size;

	/* slave side */
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_HELLO);
	memif__msg_build_hello(&m, "master", 255, 255, 255, 14);
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
	ctx.phase = MEMIF_PHASE_S_WAIT_ACK;
	memif__msg_build_ack(&m);
	for (i = 0; i < 1 + 1 + 3; i++)
		ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
	ctx.phase = MEMIF_PHASE_S_WAIT_CONNECTED;
	memif__msg_build_connected(&m, "memif0/0");
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);

	/* master side */
	ctx_init(&ctx, MEMIF_PHASE_M_WAIT_INIT);
	ctx.region_size = &region;
	memif__msg_build_init(&m, 0, 0, "", "slave");
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
	ctx.phase = MEMIF_PHASE_M_CONFIG;
	memif__msg_build_add_region(&m, 0, l.region_size);
	ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_NONE);
	ctx.n_regions = 1;
	for (i = 0; i < 2; i++) {
		memif__msg_build_add_ring(
			&m, true, (uint16_t)i, 0,
			(uint32_t)memif__layout_ring_offset(&l, MEMIF_RING_S2M,
							    (unsigned)i),
			10);
		ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_NONE);
		ctx.n_s2m_rings++;
	}
	memif__msg_build_add_ring(
		&m, false, 0, 0,
		(uint32_t)memif__layout_ring_offset(&l, MEMIF_RING_M2S, 0), 10);
	ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_NONE);
	ctx.n_m2s_rings++;
	memif__msg_build_connect(&m, "memif0");
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
}
END_TEST

/* The decoder copies through memcpy: any source alignment works. */
START_TEST(msg_decodes_unaligned_buffer)
{
	uint8_t raw[MEMIF_MSG_SIZE + 1];
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;

	memif__msg_build_add_region(&m, 0, 4096);
	memcpy(raw + 1, &m, sizeof(m));
	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_buf(raw + 1, MEMIF_MSG_SIZE, false, 1, &ctx,
				   &out),
			MEMIF_FAULT_NONE);
	ck_assert_uint_eq(out.add_region.size, 4096);
}
END_TEST

/* ---- Framing (C8, C9, hp_a1) ---- */

START_TEST(msg_rejects_short_datagram_c8)
{
	static const size_t lens[] = { 0, 1, 2, 64, 126, 127 };
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	size_t i;

	memif__msg_build_ack(&m);
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_ACK);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		ck_assert_fault(decode_buf(&m, lens[i], false, 0, &ctx, &out),
				MEMIF_FAULT_MSG_SIZE);
	decodes(&m, 0, &ctx, &out);
}
END_TEST

START_TEST(msg_rejects_long_datagram_c9)
{
	uint8_t raw[4096] = { 0 };
	struct memif_msg out;
	struct memif_msg_ctx ctx;

	memif__msg_build_ack((struct memif_msg *)raw);
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_ACK);
	ck_assert_fault(decode_buf(raw, 129, false, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
	ck_assert_fault(decode_buf(raw, 256, false, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
	ck_assert_fault(decode_buf(raw, sizeof(raw), false, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
	ck_assert_fault(decode_buf(raw, (size_t)-1, false, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
}
END_TEST

/* MSG_TRUNC: the kernel cut a longer datagram down to 128 bytes. */
START_TEST(msg_rejects_truncated_datagram_c9)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;

	memif__msg_build_ack(&m);
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_ACK);
	ck_assert_fault(decode_buf(&m, sizeof(m), true, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
	/* MSG_CTRUNC on a message that takes an fd */
	memif__msg_build_add_region(&m, 0, 4096);
	ctx.phase = MEMIF_PHASE_M_CONFIG;
	ck_assert_fault(decode_buf(&m, sizeof(m), true, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
}
END_TEST

START_TEST(msg_rejects_null_buffer_hp_a1)
{
	struct memif_msg out;
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_ACK);
	ck_assert_fault(decode_buf(NULL, MEMIF_MSG_SIZE, false, 0, &ctx, &out),
			MEMIF_FAULT_MSG_SIZE);
}
END_TEST

/* ---- Types and phases (C10, C22, C37, C48, hp_a8, hp_b1-b7) ---- */

/* Unknown types in every phase; the type is a whole u16 (0x0102 is not
 * HELLO). */
START_TEST(msg_rejects_unknown_type_c10)
{
	static const uint16_t types[] = { 0,	  9,	  10,	  0x00ff,
					  0x0100, 0x0102, 0x0801, 0x8000,
					  0xfffe, 0xffff };
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	size_t i;

	ctx_configured(&ctx, (enum memif_phase)_i);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memif__msg_build_disconnect(&m, 0, "x");
		m.type = types[i];
		ck_assert_fault(decode_msg(&m, 0, &ctx),
				MEMIF_FAULT_UNKNOWN_TYPE);
	}
}
END_TEST

/*
 * Every type 0-8 in every phase, against the state machines of proto/PROTOCOL.md:
 * rows are phases in enum order, columns types NONE ACK HELLO INIT
 * ADD_REGION ADD_RING CONNECT CONNECTED DISCONNECT.
 */
static const bool phase_table[N_PHASES][MEMIF_MSG_TYPE_COUNT] = {
	/* M_WAIT_INIT */ { 0, 0, 0, 1, 0, 0, 0, 0, 1 },
	/* M_CONFIG */ { 0, 0, 0, 0, 1, 1, 1, 0, 1 },
	/* M_CONNECTED */ { 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	/* S_WAIT_HELLO */ { 0, 0, 1, 0, 0, 0, 0, 0, 1 },
	/* S_WAIT_ACK */ { 0, 1, 0, 0, 0, 0, 0, 0, 1 },
	/* S_WAIT_CONNECTED */ { 0, 0, 0, 0, 0, 0, 0, 1, 1 },
	/* S_CONNECTED */ { 0, 0, 0, 0, 0, 0, 0, 0, 1 },
};

START_TEST(msg_follows_state_machine_c22_c37_c48)
{
	enum memif_phase p = (enum memif_phase)(_i / MEMIF_MSG_TYPE_COUNT);
	uint16_t type = (uint16_t)(_i % MEMIF_MSG_TYPE_COUNT);
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	enum memif_fault exp;
	unsigned n_fds;

	build_valid(&m, type, &n_fds);
	ctx_configured(&ctx, p);
	if (type == MEMIF_MSG_TYPE_NONE)
		exp = MEMIF_FAULT_UNKNOWN_TYPE;
	else if (phase_table[p][type])
		exp = MEMIF_FAULT_NONE;
	else
		exp = MEMIF_FAULT_UNEXPECTED;
	ck_assert_fault(decode_msg(&m, n_fds, &ctx), exp);
}
END_TEST

/* ---- File descriptors (C11, hp_a3, hp_a4) ---- */

START_TEST(msg_rejects_fd_on_fdless_type_c11)
{
	static const uint16_t types[] = {
		MEMIF_MSG_TYPE_ACK,	  MEMIF_MSG_TYPE_HELLO,
		MEMIF_MSG_TYPE_INIT,	  MEMIF_MSG_TYPE_CONNECT,
		MEMIF_MSG_TYPE_CONNECTED, MEMIF_MSG_TYPE_DISCONNECT,
	};
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	unsigned n_fds;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		ck_assert(!memif__msg_takes_fd(types[i]));
		build_valid(&m, types[i], &n_fds);
		ck_assert_uint_eq(n_fds, 0);
		ctx_configured(&ctx, accepting_phase(types[i]));
		ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
		ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_FDS);
		ck_assert_fault(decode_msg(&m, 2, &ctx), MEMIF_FAULT_FDS);
	}
}
END_TEST

START_TEST(msg_rejects_two_fds_c11)
{
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	unsigned n_fds;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	build_valid(&m, MEMIF_MSG_TYPE_ADD_REGION, &n_fds);
	ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_msg(&m, 2, &ctx), MEMIF_FAULT_FDS);
	ck_assert_fault(decode_msg(&m, 255, &ctx), MEMIF_FAULT_FDS);
	build_valid(&m, MEMIF_MSG_TYPE_ADD_RING, &n_fds);
	ck_assert_fault(decode_msg(&m, 1, &ctx), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_msg(&m, 2, &ctx), MEMIF_FAULT_FDS);
}
END_TEST

START_TEST(msg_takes_fd_only_on_region_and_ring_c4)
{
	unsigned t;

	for (t = 0; t <= 0xffff; t++)
		ck_assert_int_eq(memif__msg_takes_fd((uint16_t)t),
				 t == MEMIF_MSG_TYPE_ADD_REGION ||
					 t == MEMIF_MSG_TYPE_ADD_RING);
}
END_TEST

/* ---- Undefined bytes and unterminated strings (C6, C7) ---- */

/* Every valid type, with every byte it does not define set to 0xA5, still
 * decodes, and to the same defined fields. */
START_TEST(msg_ignores_undefined_bytes_c6)
{
	uint16_t type = (uint16_t)_i;
	struct memif_msg m, dirty, out;
	struct memif_msg_ctx ctx;
	size_t def = defined_bytes(type);
	unsigned n_fds;

	build_valid(&m, type, &n_fds);
	dirty = m;
	memset((uint8_t *)&dirty + def, 0xa5, MEMIF_MSG_SIZE - def);
	ctx_configured(&ctx, accepting_phase(type));
	ck_assert_fault(decode_buf(&dirty, sizeof(dirty), false, n_fds, &ctx,
				   &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, &m, def);
	if (def < MEMIF_MSG_SIZE)
		ck_assert_uint_eq(((uint8_t *)&out)[def], 0xa5);
}
END_TEST

/* Garbage after a string's NUL is not part of the string (hp_c3, hp_d7). */
START_TEST(msg_ignores_bytes_after_nul_c6)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	char s[MEMIF_REASON_LEN + 1];

	memif__msg_build_init(&m, 1, 0, "abc", "ab");
	memset(m.init.secret + 4, 0xa5, MEMIF_SECRET_LEN - 4);
	memset(m.init.name + 3, 0xa5, MEMIF_NAME_LEN - 3);
	ctx_init(&ctx, MEMIF_PHASE_M_WAIT_INIT);
	decodes(&m, 0, &ctx, &out);
	memif__msg_strcpy(s, sizeof(s), out.init.secret, MEMIF_SECRET_LEN);
	ck_assert_str_eq(s, "abc");
	memif__msg_strcpy(s, sizeof(s), out.init.name, MEMIF_NAME_LEN);
	ck_assert_str_eq(s, "ab");

	memif__msg_build_disconnect(&m, 0, "gone");
	memset(m.disconnect.string + 5, 0xa5, MEMIF_REASON_LEN - 5);
	ctx_init(&ctx, MEMIF_PHASE_S_CONNECTED);
	decodes(&m, 0, &ctx, &out);
	memif__msg_strcpy(s, sizeof(s), out.disconnect.string,
			  MEMIF_REASON_LEN);
	ck_assert_str_eq(s, "gone");
}
END_TEST

/* A 32-byte name without NUL (gomemif, Q30) is accepted and copied with a
 * bound: nothing from the next field (0xA5 here) leaks into it. */
START_TEST(msg_bounds_unterminated_name_c7)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	char s[64];
	uint8_t *heap;

	memif__msg_build_init(&m, 1, 0, "", "");
	memset(m.init.name, 'N', MEMIF_NAME_LEN);
	memset((uint8_t *)&m + 65, 0xa5, MEMIF_MSG_SIZE - 65);
	ctx_init(&ctx, MEMIF_PHASE_M_WAIT_INIT);
	decodes(&m, 0, &ctx, &out);
	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, sizeof(s), out.init.name, MEMIF_NAME_LEN);
	ck_assert_uint_eq(strlen(s), 32);
	ck_assert_str_eq(s, "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN");

	/* the same from an exactly 32-byte heap block: ASan sees an over-read */
	heap = malloc(MEMIF_NAME_LEN);
	ck_assert_ptr_nonnull(heap);
	memset(heap, 'H', MEMIF_NAME_LEN);
	memif__msg_strcpy(s, sizeof(s), heap, MEMIF_NAME_LEN);
	ck_assert_uint_eq(strlen(s), 32);
	free(heap);

	/* HELLO, CONNECT, CONNECTED names too */
	memif__msg_build_hello(&m, NULL, 255, 255, 255, 14);
	memset(m.hello.name, 'h', MEMIF_NAME_LEN);
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_HELLO);
	decodes(&m, 0, &ctx, &out);
	memif__msg_strcpy(s, sizeof(s), out.hello.name, MEMIF_NAME_LEN);
	ck_assert_uint_eq(strlen(s), 32);
	ck_assert_uint_eq(out.hello.min_version, MEMIF_VERSION);

	memif__msg_build_connect(&m, NULL);
	memset(m.connect.if_name, 'c', MEMIF_NAME_LEN);
	memset((uint8_t *)&m + 34, 0xa5, MEMIF_MSG_SIZE - 34);
	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	decodes(&m, 0, &ctx, &out);
	memif__msg_strcpy(s, sizeof(s), out.connect.if_name, MEMIF_NAME_LEN);
	ck_assert_str_eq(s, "cccccccccccccccccccccccccccccccc");
}
END_TEST

START_TEST(msg_strcpy_bounds_destination_hp_c3)
{
	static const uint8_t field[MEMIF_NAME_LEN] =
		"0123456789abcdefghijklmnopqrstuv";
	char s[40];

	/* destination smaller than the field: dst_size - 1 characters */
	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, 8, field, sizeof(field));
	ck_assert_str_eq(s, "0123456");
	ck_assert_uint_eq(s[8], 'x');

	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, 32, field, sizeof(field));
	ck_assert_uint_eq(strlen(s), 31);
	ck_assert_uint_eq(s[32], 'x');

	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, 33, field, sizeof(field));
	ck_assert_uint_eq(strlen(s), 32);

	/* dst_size 1: empty string; dst_size 0: nothing written */
	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, 1, field, sizeof(field));
	ck_assert_uint_eq(s[0], 0);
	ck_assert_uint_eq(s[1], 'x');
	memset(s, 'x', sizeof(s));
	memif__msg_strcpy(s, 0, field, sizeof(field));
	ck_assert_uint_eq(s[0], 'x');

	/* field_len bounds the read */
	memif__msg_strcpy(s, sizeof(s), field, 5);
	ck_assert_str_eq(s, "01234");
	memif__msg_strcpy(s, sizeof(s), field, 0);
	ck_assert_str_eq(s, "");
}
END_TEST

/* ---- Fault reasons ---- */

START_TEST(msg_has_reason_for_every_fault_c66)
{
	unsigned bad = UINT_MAX;
	int f, g;

	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_NONE), "");
	for (f = 1; f < MEMIF_FAULT_COUNT; f++) {
		const char *r = memif__fault_reason((enum memif_fault)f);

		ck_assert_ptr_nonnull(r);
		ck_assert_msg(strlen(r) > 0 && strlen(r) < MEMIF_REASON_LEN,
			      "fault %d reason length %zu", f, strlen(r));
		for (g = 1; g < f; g++)
			ck_assert_str_ne(
				r, memif__fault_reason((enum memif_fault)g));
	}
	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_COUNT),
			 "unknown fault");
	ck_assert_str_eq(memif__fault_reason((enum memif_fault)bad),
			 "unknown fault");
	/* VPP's spellings */
	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_NO_REGION_FD),
			 "missing memory region fd");
	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_PRIVATE_HDR),
			 "private headers not supported");
	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_ID),
			 "unmatched interface id");
	ck_assert_str_eq(memif__fault_reason(MEMIF_FAULT_SECRET),
			 "incorrect secret");
}
END_TEST

static Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc;

	tc = tcase_create("builders");
	tcase_add_test(tc, msg_builds_ack_c3);
	tcase_add_test(tc, msg_builds_hello_c14);
	tcase_add_test(tc, msg_builds_init_c41);
	tcase_add_test(tc, msg_builds_add_region_c42);
	tcase_add_test(tc, msg_builds_add_ring_c42);
	tcase_add_test(tc, msg_builds_connect_and_connected_c15);
	tcase_add_loop_test(tc, msg_builds_disconnect_c66, 0, N_PHASES);
	tcase_add_test(tc, msg_truncates_strings_c5);
	tcase_add_test(tc, msg_zero_fills_after_strings_c5);
	tcase_add_test(tc, msg_accepts_full_handshake_c15);
	tcase_add_test(tc, msg_decodes_unaligned_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("framing");
	tcase_add_test(tc, msg_rejects_short_datagram_c8);
	tcase_add_test(tc, msg_rejects_long_datagram_c9);
	tcase_add_test(tc, msg_rejects_truncated_datagram_c9);
	tcase_add_test(tc, msg_rejects_null_buffer_hp_a1);
	tcase_add_loop_test(tc, msg_rejects_unknown_type_c10, 0, N_PHASES);
	tcase_add_loop_test(tc, msg_follows_state_machine_c22_c37_c48, 0,
			    N_PHASES * MEMIF_MSG_TYPE_COUNT);
	tcase_add_test(tc, msg_rejects_fd_on_fdless_type_c11);
	tcase_add_test(tc, msg_rejects_two_fds_c11);
	tcase_add_test(tc, msg_takes_fd_only_on_region_and_ring_c4);
	tcase_add_loop_test(tc, msg_ignores_undefined_bytes_c6, 1,
			    MEMIF_MSG_TYPE_COUNT);
	tcase_add_test(tc, msg_ignores_bytes_after_nul_c6);
	tcase_add_test(tc, msg_bounds_unterminated_name_c7);
	tcase_add_test(tc, msg_strcpy_bounds_destination_hp_c3);
	tcase_add_test(tc, msg_has_reason_for_every_fault_c66);
	suite_add_tcase(s, tc);

	proto_fields_tcases(s);
	proto_layout_tcase(s);

	return s;
}

MEMIF_TEST_MAIN(proto_suite)
