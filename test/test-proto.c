/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the wire-format layer (proto/): message builders and the
 * decoder, secret comparison, the slave's region layout, and the ring and
 * descriptor bounds checks.
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

#define N_PHASES 7

#define ck_assert_fault(got, exp)                                          \
	do {                                                               \
		enum memif_fault g_ = (got), e_ = (exp);                   \
		ck_assert_msg(g_ == e_, "fault %d (%s), expected %d (%s)", \
			      (int)g_, memif__fault_reason(g_), (int)e_,   \
			      memif__fault_reason(e_));                    \
	} while (0)

/* Region 0 of a worked layout example and a 64 KiB
 * second region. */
static const uint64_t test_regions[] = { 4231168, 65536 };

/* A master that advertised 255/255/255/14, nothing received yet. */
static void ctx_init(struct memif_msg_ctx *ctx, enum memif_phase phase)
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
static void ctx_configured(struct memif_msg_ctx *ctx, enum memif_phase phase)
{
	ctx_init(ctx, phase);
	ctx->n_regions = 1;
	ctx->n_s2m_rings = 1;
	ctx->n_m2s_rings = 1;
}

static enum memif_fault decode_buf(const void *buf, size_t len, bool truncated,
				   unsigned n_fds,
				   const struct memif_msg_ctx *ctx,
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

static enum memif_fault decode_msg(const struct memif_msg *m, unsigned n_fds,
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
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_uint_eq(out.type, MEMIF_MSG_TYPE_ACK);
}
END_TEST

START_TEST(msg_builds_hello_c14)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_hello(&m, "vpp-master", 0x0102, 0x0304, 0x0506, 14);
	exp[0] = 0x02;
	memcpy(exp + 2, "vpp-master", 10);
	put16(exp + 34, 0x0200); /* min_version */
	put16(exp + 36, 0x0200); /* max_version */
	put16(exp + 38, 0x0102); /* max_region */
	put16(exp + 40, 0x0304); /* max_m2s_ring, before S2M */
	put16(exp + 42, 0x0506); /* max_s2m_ring */
	exp[44] = 14;
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);
	ck_assert_uint_eq(bytes(&m)[34], 0x00);
	ck_assert_uint_eq(bytes(&m)[35], 0x02);

	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_HELLO);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, exp, MEMIF_MSG_SIZE);
	ck_assert_uint_eq(out.hello.min_version, MEMIF_VERSION);
	ck_assert_uint_eq(out.hello.max_version, MEMIF_VERSION);
	ck_assert_uint_eq(out.hello.max_region, 0x0102);
	ck_assert_uint_eq(out.hello.max_m2s_ring, 0x0304);
	ck_assert_uint_eq(out.hello.max_s2m_ring, 0x0506);
	ck_assert_uint_eq(out.hello.max_log2_ring_size, 14);
}
END_TEST

START_TEST(msg_builds_init_c41)
{
	static const uint8_t head[10] = { 0x03, 0x00, 0x00, 0x02, 0x44,
					  0x33, 0x22, 0x11, 0x02, 0x00 };
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };

	/* The bytes confirmed against libmemif 4.0. */
	memset(&m, 0xff, sizeof(m));
	memif__msg_build_init(&m, 0x11223344, MEMIF_INTERFACE_MODE_PUNT_INJECT,
			      NULL, "slave-app");
	ck_assert_mem_eq(bytes(&m), head, sizeof(head));
	memcpy(exp, head, sizeof(head));
	memcpy(exp + 33, "slave-app", 9);
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);

	/* Secret at 9, name at 33, nothing after byte 64. */
	memif__msg_build_init(&m, 0x11223344, MEMIF_INTERFACE_MODE_IP, "abc",
			      "slave-app");
	exp[8] = MEMIF_INTERFACE_MODE_IP;
	memcpy(exp + 9, "abc", 3);
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);

	ctx_init(&ctx, MEMIF_PHASE_M_WAIT_INIT);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, exp, MEMIF_MSG_SIZE);
	ck_assert_uint_eq(out.init.version, 0x0200);
	ck_assert_uint_eq(out.init.id, 0x11223344);
	ck_assert_uint_eq(out.init.mode, MEMIF_INTERFACE_MODE_IP);
}
END_TEST

START_TEST(msg_builds_add_region_c42)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_add_region(&m, 0x0102, 0x1122334455667788ull);
	exp[0] = 0x04;
	put16(exp + 2, 0x0102);
	put64(exp + 4, 0x1122334455667788ull);
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.max_region = 0xffff;
	ctx.n_regions = 0x0102;
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 1, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_uint_eq(out.add_region.index, 0x0102);
	ck_assert_uint_eq(out.add_region.size, 0x1122334455667788ull);
}
END_TEST

START_TEST(msg_builds_add_ring_c42)
{
	static const uint64_t big[] = { 0x100000000ull, 0x10000000ull };
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_add_ring(&m, true, 0x0003, 0x0001, 0x01020300, 12);
	exp[0] = 0x05;
	put16(exp + 2, MEMIF_MSG_ADD_RING_FLAG_S2M);
	put16(exp + 4, 0x0003);
	put16(exp + 6, 0x0001);
	put32(exp + 8, 0x01020300);
	exp[12] = 12;
	/* private_hdr_size at 13..14 stays 0 */
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.region_size = big;
	ctx.n_regions = 2;
	ctx.n_s2m_rings = 3;
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 1, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_uint_eq(out.add_ring.flags, MEMIF_MSG_ADD_RING_FLAG_S2M);
	ck_assert_uint_eq(out.add_ring.index, 3);
	ck_assert_uint_eq(out.add_ring.region, 1);
	ck_assert_uint_eq(out.add_ring.offset, 0x01020300);
	ck_assert_uint_eq(out.add_ring.log2_ring_size, 12);
	ck_assert_uint_eq(out.add_ring.private_hdr_size, 0);

	/* M2S: flags 0 */
	memif__msg_build_add_ring(&m, false, 0, 0, 0, 10);
	ck_assert_uint_eq(bytes(&m)[2], 0);
	ck_assert_uint_eq(bytes(&m)[3], 0);
	ck_assert_uint_eq(bytes(&m)[12], 10);
	assert_zero_from(&m, 13);
}
END_TEST

START_TEST(msg_builds_connect_and_connected_c15)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_connect(&m, "memif0/1");
	exp[0] = 0x06;
	memcpy(exp + 2, "memif0/1", 8);
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);
	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, exp, MEMIF_MSG_SIZE);

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_connected(&m, "memif0/1");
	exp[0] = 0x07;
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_CONNECTED);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, exp, MEMIF_MSG_SIZE);
}
END_TEST

/* DISCONNECT is acceptable in every phase (every phase accepts it). */
START_TEST(msg_builds_disconnect_c66)
{
	struct memif_msg m, out;
	struct memif_msg_ctx ctx;
	uint8_t exp[MEMIF_MSG_SIZE] = { 0 };
	enum memif_phase p = (enum memif_phase)_i;

	memset(&m, 0xff, sizeof(m));
	memif__msg_build_disconnect(&m, 0x01020304, "interface deleted");
	exp[0] = 0x08;
	put32(exp + 2, 0x01020304);
	memcpy(exp + 6, "interface deleted", 17);
	ck_assert_mem_eq(bytes(&m), exp, MEMIF_MSG_SIZE);

	ctx_init(&ctx, p);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	ck_assert_mem_eq(&out, exp, MEMIF_MSG_SIZE);
	ck_assert_uint_eq(out.disconnect.code, 0x01020304);
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
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
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
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	memif__msg_strcpy(s, sizeof(s), out.init.secret, MEMIF_SECRET_LEN);
	ck_assert_str_eq(s, "abc");
	memif__msg_strcpy(s, sizeof(s), out.init.name, MEMIF_NAME_LEN);
	ck_assert_str_eq(s, "ab");

	memif__msg_build_disconnect(&m, 0, "gone");
	memset(m.disconnect.string + 5, 0xa5, MEMIF_REASON_LEN - 5);
	ctx_init(&ctx, MEMIF_PHASE_S_CONNECTED);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
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
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
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
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
	memif__msg_strcpy(s, sizeof(s), out.hello.name, MEMIF_NAME_LEN);
	ck_assert_uint_eq(strlen(s), 32);
	ck_assert_uint_eq(out.hello.min_version, MEMIF_VERSION);

	memif__msg_build_connect(&m, NULL);
	memset(m.connect.if_name, 'c', MEMIF_NAME_LEN);
	memset((uint8_t *)&m + 34, 0xa5, MEMIF_MSG_SIZE - 34);
	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_buf(&m, sizeof(m), false, 0, &ctx, &out),
			MEMIF_FAULT_NONE);
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

/* ---- HELLO (C43, hp_c1, hp_c2) ---- */

static enum memif_fault decode_hello(uint16_t min, uint16_t max, uint8_t log2)
{
	struct memif_msg m;
	struct memif_msg_ctx ctx;

	memif__msg_build_hello(&m, "master", 255, 255, 255, log2);
	m.hello.min_version = min;
	m.hello.max_version = max;
	ctx_init(&ctx, MEMIF_PHASE_S_WAIT_HELLO);
	return decode_msg(&m, 0, &ctx);
}

START_TEST(msg_rejects_hello_version_c43)
{
	ck_assert_fault(decode_hello(0x0200, 0x0200, 14), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x0100, 0x0300, 14), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x0200, 0x0201, 14), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x01ff, 0x0200, 14), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x0100, 0x0100, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0x0100, 0x01ff, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0x0201, 0x0201, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0x0201, 0x0300, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0x0300, 0x0100, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0, 0, 14), MEMIF_FAULT_VERSION);
	ck_assert_fault(decode_hello(0xffff, 0xffff, 14), MEMIF_FAULT_VERSION);
}
END_TEST

START_TEST(msg_rejects_hello_max_log2_zero_hp_c2)
{
	ck_assert_fault(decode_hello(0x0200, 0x0200, 0),
			MEMIF_FAULT_HELLO_LIMITS);
	/* larger maxima are negotiated down by the slave, not refused */
	ck_assert_fault(decode_hello(0x0200, 0x0200, 1), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x0200, 0x0200, 15), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_hello(0x0200, 0x0200, 255), MEMIF_FAULT_NONE);
	/* version is checked first */
	ck_assert_fault(decode_hello(0x0100, 0x0100, 0), MEMIF_FAULT_VERSION);
}
END_TEST

/* ---- INIT (C16) ---- */

START_TEST(msg_rejects_init_version_c16)
{
	static const uint16_t bad[] = { 0,	0x0100, 0x01ff, 0x0201,
					0x0300, 0x0002, 0xffff };
	struct memif_msg m;
	struct memif_msg_ctx ctx;
	size_t i;

	ctx_init(&ctx, MEMIF_PHASE_M_WAIT_INIT);
	memif__msg_build_init(&m, 1, 0, "", "slave");
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.init.version = bad[i];
		ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_VERSION);
	}
}
END_TEST

/* ---- ADD_REGION (C23-C26, hp_e1-e3) ---- */

static enum memif_fault decode_region(const struct memif_msg_ctx *ctx,
				      uint16_t index, uint64_t size,
				      unsigned n_fds)
{
	struct memif_msg m;

	memif__msg_build_add_region(&m, index, size);
	return decode_msg(&m, n_fds, ctx);
}

START_TEST(msg_rejects_region_without_fd_c23)
{
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_region(&ctx, 0, 4096, 0),
			MEMIF_FAULT_NO_REGION_FD);
	ck_assert_fault(decode_region(&ctx, 0, 4096, 1), MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(msg_rejects_region_index_skip_c24)
{
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.n_regions = 1;
	ck_assert_fault(decode_region(&ctx, 2, 4096, 1),
			MEMIF_FAULT_REGION_INDEX);
	ck_assert_fault(decode_region(&ctx, 1, 4096, 1), MEMIF_FAULT_NONE);
	ctx.n_regions = 0;
	ck_assert_fault(decode_region(&ctx, 1, 4096, 1),
			MEMIF_FAULT_REGION_INDEX);
}
END_TEST

START_TEST(msg_rejects_region_index_duplicate_c24)
{
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.n_regions = 1;
	ck_assert_fault(decode_region(&ctx, 0, 4096, 1),
			MEMIF_FAULT_REGION_INDEX);
	ctx.n_regions = 2;
	ck_assert_fault(decode_region(&ctx, 1, 4096, 1),
			MEMIF_FAULT_REGION_INDEX);
}
END_TEST

/* max_region is the highest index (proto/PROTOCOL.md): index == max passes. */
START_TEST(msg_rejects_region_above_max_c25)
{
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.max_region = 3;
	ctx.n_regions = 3;
	ck_assert_fault(decode_region(&ctx, 3, 4096, 1), MEMIF_FAULT_NONE);
	ctx.n_regions = 4;
	ck_assert_fault(decode_region(&ctx, 4, 4096, 1),
			MEMIF_FAULT_TOO_MANY_REGIONS);
	ctx.max_region = 0;
	ctx.n_regions = 1;
	ck_assert_fault(decode_region(&ctx, 1, 4096, 1),
			MEMIF_FAULT_TOO_MANY_REGIONS);
	ctx.max_region = 255;
	ctx.n_regions = 256;
	ck_assert_fault(decode_region(&ctx, 256, 4096, 1),
			MEMIF_FAULT_TOO_MANY_REGIONS);
	ck_assert_fault(decode_region(&ctx, 0xffff, 4096, 1),
			MEMIF_FAULT_TOO_MANY_REGIONS);
}
END_TEST

/* Size 0 is refused here; an absurd size (2^63) needs fstat, which is the
 * library's job, so the codec lets it through. */
START_TEST(msg_rejects_region_size_zero_c26)
{
	struct memif_msg_ctx ctx;

	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_region(&ctx, 0, 0, 1), MEMIF_FAULT_REGION_SIZE);
	ck_assert_fault(decode_region(&ctx, 0, 1, 1), MEMIF_FAULT_NONE);
	ck_assert_fault(decode_region(&ctx, 0, 1ull << 63, 1),
			MEMIF_FAULT_NONE);
	/* missing fd is reported before the bad size */
	ck_assert_fault(decode_region(&ctx, 0, 0, 0), MEMIF_FAULT_NO_REGION_FD);
}
END_TEST

/* ---- ADD_RING (C27-C33, hp_f1, hp_f3-f6, hp_f8, hp_f9) ---- */

struct ring_args {
	uint16_t flags;
	uint16_t index;
	uint16_t region;
	uint32_t offset;
	uint8_t log2;
	uint16_t private_hdr_size;
	unsigned n_fds;
};

/* S2M ring 1 at 16512 in region 0, log2 10: valid for ctx_configured(). */
static const struct ring_args ring_ok = {
	.flags = MEMIF_MSG_ADD_RING_FLAG_S2M,
	.index = 1,
	.region = 0,
	.offset = 16512,
	.log2 = 10,
	.private_hdr_size = 0,
	.n_fds = 1,
};

static enum memif_fault decode_ring(const struct memif_msg_ctx *ctx,
				    const struct ring_args *a)
{
	struct memif_msg m;

	memif__msg_build_add_ring(&m, false, a->index, a->region, a->offset,
				  a->log2);
	m.add_ring.flags = a->flags;
	m.add_ring.private_hdr_size = a->private_hdr_size;
	return decode_msg(&m, a->n_fds, ctx);
}

START_TEST(msg_accepts_valid_ring)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.flags = 0; /* M2S ring 1 */
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(msg_rejects_ring_without_fd_c27)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	a.n_fds = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NO_RING_FD);
}
END_TEST

START_TEST(msg_rejects_ring_private_hdr_c28)
{
	static const uint16_t sizes[] = { 1, 7, 8, 0x100, 0xffff };
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;
	size_t i;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a.private_hdr_size = sizes[i];
		ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_PRIVATE_HDR);
	}
}
END_TEST

START_TEST(msg_rejects_ring_flags_c29)
{
	static const uint16_t flags[] = { 0x0002, 0x0003, 0x0100, 0x8000,
					  0x8001, 0xfffe, 0xffff };
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;
	size_t i;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		a.flags = flags[i];
		ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_FLAGS);
	}
}
END_TEST

START_TEST(msg_rejects_ring_index_order_c30)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	/* S2M 1 before S2M 0 */
	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.n_regions = 1;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_INDEX);
	a.index = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);

	/* directions are counted apart: M2S 0 after three S2M rings */
	ctx.n_s2m_rings = 3;
	a.flags = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.index = 3;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_INDEX);
	a.flags = MEMIF_MSG_ADD_RING_FLAG_S2M;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(msg_rejects_ring_index_duplicate_c30)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	a.index = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_INDEX);
	a.flags = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_INDEX);
}
END_TEST

/* The HELLO ring maxima are highest indexes, per direction (hp_f3). */
START_TEST(msg_rejects_ring_above_max_c36)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.max_s2m_ring = 1;
	ctx.max_m2s_ring = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.flags = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_TOO_MANY_RINGS);
	ctx.n_s2m_rings = 2;
	a.flags = MEMIF_MSG_ADD_RING_FLAG_S2M;
	a.index = 2;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_TOO_MANY_RINGS);
	/* far above: too many, not merely out of order */
	a.index = 0xffff;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_TOO_MANY_RINGS);
}
END_TEST

START_TEST(msg_rejects_ring_log2_c31)
{
	static const uint8_t bad[] = { 0, 15, 16, 31, 63, 64, 255 };
	static const uint64_t huge[] = { 1ull << 40 };
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;
	size_t i;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.region_size = huge;
	a.offset = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a.log2 = bad[i];
		ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_LOG2);
	}
	a.log2 = 1;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.log2 = 14;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);

	/* a master that advertised a smaller maximum */
	ctx.max_log2_ring_size = 10;
	a.log2 = 10;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.log2 = 11;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_LOG2);

	/* an advertised maximum above the protocol's is still capped at 14 */
	ctx.max_log2_ring_size = 255;
	a.log2 = 15;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_LOG2);
	a.log2 = 255;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_LOG2);
}
END_TEST

START_TEST(msg_rejects_ring_unknown_region_c32)
{
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	a.region = 1;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_REGION);
	a.region = 0xffff;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_REGION);
	/* no region at all yet */
	ctx.n_regions = 0;
	a.region = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_REGION);
	/* a context without a size table refuses rather than dereferencing */
	ctx.n_regions = 1;
	ctx.region_size = NULL;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_REGION);
}
END_TEST

START_TEST(msg_rejects_ring_beyond_region_c33)
{
	/* region 0: 4 GiB; region 1: 64 KiB */
	static const uint64_t sizes[] = { 1ull << 32, 65536 };
	static const uint64_t exact[] = { (1ull << 32) + 16496 };
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ctx.region_size = sizes;
	ctx.n_regions = 2;

	/* 0xFFFFFFF0 + 16512 wraps to 16496 in 32 bits */
	a.offset = 0xfffffff0u;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_BOUNDS);
	a.offset = (uint32_t)((1ull << 32) - 16512);
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.offset += 16;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_BOUNDS);

	/* the bound is the ring's own region: 32896 B at 32640 ends at 64K */
	a.region = 1;
	a.log2 = 11;
	a.offset = 32640;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.offset = 32656;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_BOUNDS);
	a.log2 = 12;
	a.offset = 0;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_BOUNDS);

	/* a region just large enough for a ring at 0xFFFFFFF0 */
	ctx.region_size = exact;
	ctx.n_regions = 1;
	a.region = 0;
	a.log2 = 10;
	a.offset = 0xfffffff0u;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(msg_rejects_ring_misaligned_hp_f6)
{
	static const uint32_t bad[] = { 1, 2, 4, 8, 15, 16513, 16520 };
	struct memif_msg_ctx ctx;
	struct ring_args a = ring_ok;
	size_t i;

	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a.offset = bad[i];
		ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_RING_BOUNDS);
	}
	a.offset = 16;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
	a.offset = 16528;
	ck_assert_fault(decode_ring(&ctx, &a), MEMIF_FAULT_NONE);
}
END_TEST

/* ---- CONNECT (C35, hp_b6) ---- */

START_TEST(msg_rejects_connect_without_rings_c35)
{
	struct memif_msg m;
	struct memif_msg_ctx ctx;

	memif__msg_build_connect(&m, "memif0");
	ctx_configured(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NONE);
	ctx.n_s2m_rings = 0;
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NO_RINGS);
	ctx.n_s2m_rings = 1;
	ctx.n_m2s_rings = 0;
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NO_RINGS);
	ctx.n_m2s_rings = 1;
	ctx.n_regions = 0;
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NO_RINGS);
	ctx_init(&ctx, MEMIF_PHASE_M_CONFIG);
	ck_assert_fault(decode_msg(&m, 0, &ctx), MEMIF_FAULT_NO_RINGS);
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

/* ---- Secret comparison (C20, C21, hp_d5) ---- */

static void secret_set(uint8_t s[MEMIF_SECRET_LEN], const void *src, size_t n)
{
	memset(s, 0, MEMIF_SECRET_LEN);
	memcpy(s, src, n);
}

START_TEST(secret_equal_matches_same_c20)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	secret_set(a, "abc", 3);
	secret_set(b, "abc", 3);
	ck_assert(memif__secret_equal(a, b));
	ck_assert(memif__secret_equal(a, a));
}
END_TEST

START_TEST(secret_equal_rejects_different_c20)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	secret_set(a, "abc", 3);
	secret_set(b, "abd", 3);
	ck_assert(!memif__secret_equal(a, b));
	secret_set(b, "bbc", 3);
	ck_assert(!memif__secret_equal(a, b));
	/* a prefix is not equal, either way round */
	secret_set(b, "abcd", 4);
	ck_assert(!memif__secret_equal(a, b));
	ck_assert(!memif__secret_equal(b, a));
	secret_set(b, "ab", 2);
	ck_assert(!memif__secret_equal(a, b));
	ck_assert(!memif__secret_equal(b, a));
}
END_TEST

START_TEST(secret_equal_rejects_empty_c20)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	secret_set(a, "abc", 3);
	secret_set(b, "", 0);
	ck_assert(!memif__secret_equal(a, b));
	ck_assert(!memif__secret_equal(b, a));
	/* empty with garbage after the NUL is still empty */
	memset(b + 1, 'a', MEMIF_SECRET_LEN - 1);
	ck_assert(!memif__secret_equal(a, b));
	secret_set(a, "", 0);
	ck_assert(memif__secret_equal(a, b));
}
END_TEST

START_TEST(secret_equal_ignores_bytes_after_nul_c20)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	secret_set(a, "abc", 3);
	secret_set(b, "abc", 3);
	memset(b + 4, 0xa5, MEMIF_SECRET_LEN - 4);
	ck_assert(memif__secret_equal(a, b));
	ck_assert(memif__secret_equal(b, a));
	memset(a + 4, 'z', MEMIF_SECRET_LEN - 4);
	ck_assert(memif__secret_equal(a, b));
	/* but the NUL position itself counts */
	b[3] = 'x';
	ck_assert(!memif__secret_equal(a, b));
}
END_TEST

START_TEST(secret_equal_compares_23_chars_c5)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	secret_set(a, "0123456789abcdefghijklm", 23);
	secret_set(b, "0123456789abcdefghijklm", 23);
	ck_assert(memif__secret_equal(a, b));
	b[22] = 'M';
	ck_assert(!memif__secret_equal(a, b));
	b[22] = 'm';
	b[0] = '1';
	ck_assert(!memif__secret_equal(a, b));
}
END_TEST

/* A peer that fills all 24 bytes (no NUL) is compared over all 24. */
START_TEST(secret_equal_compares_24_bytes_without_nul_hp_d5)
{
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];

	memcpy(a, "0123456789abcdefghijklmn", MEMIF_SECRET_LEN);
	memcpy(b, "0123456789abcdefghijklmn", MEMIF_SECRET_LEN);
	ck_assert(memif__secret_equal(a, b));
	b[23] = 'N';
	ck_assert(!memif__secret_equal(a, b));
	/* 24 bytes vs the same 23 characters plus NUL */
	b[23] = 0;
	ck_assert(!memif__secret_equal(a, b));
	ck_assert(!memif__secret_equal(b, a));
	/* high bytes are not sign-confused with NUL */
	memset(a, 0xff, MEMIF_SECRET_LEN);
	memset(b, 0xff, MEMIF_SECRET_LEN);
	ck_assert(memif__secret_equal(a, b));
	b[10] = 0x80;
	ck_assert(!memif__secret_equal(a, b));
}
END_TEST

/* ---- Layout (proto/PROTOCOL.md) ---- */

START_TEST(layout_ring_bytes_c45)
{
	ck_assert_uint_eq(memif__ring_bytes(1), 160);
	ck_assert_uint_eq(memif__ring_bytes(10), 16512);
	ck_assert_uint_eq(memif__ring_bytes(11), 32896);
	ck_assert_uint_eq(memif__ring_bytes(12), 65664);
	ck_assert_uint_eq(memif__ring_bytes(13), 131200);
	ck_assert_uint_eq(memif__ring_bytes(14), 262272);
}
END_TEST

/* A worked example; our buffers start on a 4 KiB boundary. */
START_TEST(layout_matches_worked_example_c45)
{
	struct memif_layout l;
	uint32_t j;

	ck_assert(memif__layout_init(&l, 1, 1, 10, 2048));
	ck_assert_uint_eq(l.n_s2m, 1);
	ck_assert_uint_eq(l.n_m2s, 1);
	ck_assert_uint_eq(l.log2_ring_size, 10);
	ck_assert_uint_eq(l.buffer_size, 2048);
	ck_assert_uint_eq(l.ring_bytes, 16512);
	ck_assert_uint_eq(memif__layout_ring_offset(&l, MEMIF_RING_S2M, 0), 0);
	ck_assert_uint_eq(memif__layout_ring_offset(&l, MEMIF_RING_M2S, 0),
			  16512);
	/* rings area 33024, rounded up to 4096 */
	ck_assert_uint_eq(l.buffers_offset, 36864);
	ck_assert_uint_eq(l.region_size, 36864 + 2 * 1024 * 2048);
	for (j = 0; j < 1024; j++) {
		ck_assert_uint_eq(
			memif__layout_buffer_offset(&l, MEMIF_RING_S2M, 0, j),
			36864 + 2048 * j);
		ck_assert_uint_eq(
			memif__layout_buffer_offset(&l, MEMIF_RING_M2S, 0, j),
			36864 + 2048 * (1024 + j));
	}
	/* the last M2S buffer ends exactly at the region end */
	ck_assert_uint_eq(
		memif__layout_buffer_offset(&l, MEMIF_RING_M2S, 0, 1023) + 2048,
		l.region_size);
}
END_TEST

START_TEST(layout_places_rings_s2m_first_c45)
{
	struct memif_layout l;
	unsigned i;

	ck_assert(memif__layout_init(&l, 3, 2, 4, 256));
	ck_assert_uint_eq(l.ring_bytes, 128 + 16 * 16);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(memif__layout_ring_offset(&l, MEMIF_RING_S2M,
							    i),
				  i * 384);
	for (i = 0; i < 2; i++)
		ck_assert_uint_eq(memif__layout_ring_offset(&l, MEMIF_RING_M2S,
							    i),
				  (3 + i) * 384);
	/* rings area 1920 -> buffers at 4096 */
	ck_assert_uint_eq(l.buffers_offset, 4096);
	ck_assert_uint_eq(memif__layout_buffer_offset(&l, MEMIF_RING_M2S, 1, 0),
			  4096 + (4 * 16) * 256);
	ck_assert_uint_eq(l.region_size, 4096 + 5 * 16 * 256);
	/* every ring passes the master's own check against this region */
	for (i = 0; i < 3; i++)
		ck_assert_fault(
			memif__ring_check(l.region_size,
					  (uint32_t)memif__layout_ring_offset(
						  &l, MEMIF_RING_S2M, i),
					  4),
			MEMIF_FAULT_NONE);
	for (i = 0; i < 2; i++)
		ck_assert_fault(
			memif__ring_check(l.region_size,
					  (uint32_t)memif__layout_ring_offset(
						  &l, MEMIF_RING_M2S, i),
					  4),
			MEMIF_FAULT_NONE);
}
END_TEST

/* Descriptor offsets are u32: the buffer area must end at or below 4 GiB
 * (proto/PROTOCOL.md). */
START_TEST(layout_refuses_over_4gib_c45)
{
	struct memif_layout l;

	ck_assert(!memif__layout_init(&l, 255, 255, 14, 65535));
	ck_assert(!memif__layout_init(&l, 1, 1, 14, 0xffffffffu));
	/* 1+1 rings of 2 slots: buffers at 4096, 4 buffers of B bytes; an
	 * end at exactly 2^32 does not fit a u32 offset + length */
	ck_assert(!memif__layout_init(&l, 1, 1, 1, 1073740800u));
	ck_assert(memif__layout_init(&l, 1, 1, 1, 1073740799u));
	ck_assert_uint_eq(l.buffers_offset, 4096);
	ck_assert_uint_eq(l.region_size, 0xfffffffcull);
	ck_assert_uint_le(memif__layout_buffer_offset(&l, MEMIF_RING_M2S, 0,
						      1) +
				  l.buffer_size,
			  UINT32_MAX);
	/* the largest ring counts still fit with small buffers */
	ck_assert(memif__layout_init(&l, 255, 255, 14, 256));
	ck_assert_uint_le(l.region_size, UINT32_MAX);
}
END_TEST

START_TEST(layout_rejects_bad_parameters)
{
	struct memif_layout l;

	ck_assert(!memif__layout_init(&l, 0, 1, 10, 2048));
	ck_assert(!memif__layout_init(&l, 1, 0, 10, 2048));
	ck_assert(!memif__layout_init(&l, 257, 1, 10, 2048));
	ck_assert(!memif__layout_init(&l, 1, 257, 10, 2048));
	ck_assert(!memif__layout_init(&l, 0xffff, 0xffff, 10, 2048));
	ck_assert(!memif__layout_init(&l, 1, 1, 0, 2048));
	ck_assert(!memif__layout_init(&l, 1, 1, 15, 2048));
	ck_assert(!memif__layout_init(&l, 1, 1, 255, 2048));
	ck_assert(!memif__layout_init(&l, 1, 1, 10, 0));
	ck_assert(memif__layout_init(&l, 255, 255, 10, 2048));
	ck_assert(memif__layout_init(&l, 1, 1, 1, 1));
}
END_TEST

/* Q11: VPP and DPDK number slots in 16 bits.  4 + 4 rings of 2^14 slots are
 * 131072 slots; every buffer must be distinct and in order. */
START_TEST(layout_has_no_16bit_slot_wrap_q11)
{
	struct memif_layout l;
	uint64_t prev = 0, off;
	unsigned type, ring, n = 0;
	uint32_t slot;

	ck_assert(memif__layout_init(&l, 4, 4, 14, 2048));
	ck_assert_uint_eq(l.buffers_offset, 2101248); /* 8 * 262272 -> 4K */
	for (type = MEMIF_RING_S2M; type <= MEMIF_RING_M2S; type++) {
		for (ring = 0; ring < 4; ring++) {
			for (slot = 0; slot < (1u << 14); slot++) {
				off = memif__layout_buffer_offset(&l, type,
								  ring, slot);
				if (n == 0)
					ck_assert_uint_eq(off,
							  l.buffers_offset);
				else if (off != prev + 2048)
					ck_abort_msg("slot %u: %llu after %llu",
						     n, (unsigned long long)off,
						     (unsigned long long)prev);
				prev = off;
				n++;
			}
		}
	}
	ck_assert_uint_eq(n, 131072);
	ck_assert_uint_eq(prev + 2048, l.region_size);
	/* global slot 65536 (M2S ring 0, slot 0) is not slot 0 again */
	ck_assert_uint_eq(memif__layout_buffer_offset(&l, MEMIF_RING_M2S, 0, 0),
			  l.buffers_offset + 65536ull * 2048);
}
END_TEST

/* ---- Ring bounds (C33, hp_f5, hp_f6) ---- */

START_TEST(ring_check_fits_at_region_end_c33)
{
	/* one ring of log2 10 exactly */
	ck_assert_fault(memif__ring_check(16512, 0, 10), MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(16511, 0, 10),
			MEMIF_FAULT_RING_BOUNDS);
	/* a ring ending exactly at the end, and one 16 bytes later */
	ck_assert_fault(memif__ring_check(65536, 65536 - 16512, 10),
			MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(65536, 65536 - 16512 + 16, 10),
			MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(65535, 65536 - 16512, 10),
			MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(0, 0, 1), MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(160, 0, 1), MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(262272, 0, 14), MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(262271, 0, 14),
			MEMIF_FAULT_RING_BOUNDS);
}
END_TEST

/* offset + ring bytes is computed in 64 bits: 0xFFFFFFF0 + 16512 would
 * wrap to 16496 in 32. */
START_TEST(ring_check_rejects_u32_overflow_c33)
{
	ck_assert_fault(memif__ring_check(65536, 0xfffffff0u, 10),
			MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(1ull << 32, 0xfffffff0u, 10),
			MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check((1ull << 32) + 16496, 0xfffffff0u,
					  10),
			MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check((1ull << 32) + 16495, 0xfffffff0u,
					  10),
			MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0xfffffff0u, 14),
			MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(ring_check_rejects_misaligned_hp_f6)
{
	uint32_t off;

	for (off = 1; off < 16; off++)
		ck_assert_fault(memif__ring_check(1 << 20, off, 10),
				MEMIF_FAULT_RING_BOUNDS);
	ck_assert_fault(memif__ring_check(1 << 20, 16, 10), MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0xffffffffu, 10),
			MEMIF_FAULT_RING_BOUNDS);
}
END_TEST

START_TEST(ring_check_rejects_log2_hp_f5)
{
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 0),
			MEMIF_FAULT_RING_LOG2);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 15),
			MEMIF_FAULT_RING_LOG2);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 64),
			MEMIF_FAULT_RING_LOG2);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 255),
			MEMIF_FAULT_RING_LOG2);
	/* log2 is judged before bounds and alignment */
	ck_assert_fault(memif__ring_check(0, 1, 0), MEMIF_FAULT_RING_LOG2);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 1), MEMIF_FAULT_NONE);
	ck_assert_fault(memif__ring_check(UINT64_MAX, 0, 14), MEMIF_FAULT_NONE);
}
END_TEST

/* ---- Descriptor checks (C57, C58, C60, hp_i1-i3, hp_i8) ---- */

static enum memif_fault desc_both(const struct memif_desc *d,
				  const struct memif_region_view *r, uint16_t n,
				  uint32_t max_len)
{
	enum memif_fault inl = memif__desc_check(d, r, n, max_len);

	ck_assert_int_eq(memif__desc_validate(d, r, n, max_len), inl);
	return inl;
}

static struct memif_desc mkdesc(uint16_t region, uint32_t offset,
				uint32_t length)
{
	struct memif_desc d = { 0 };

	d.region = region;
	d.offset = offset;
	d.length = length;
	return d;
}

START_TEST(desc_check_accepts_valid_c57)
{
	struct memif_region_view r[2] = { { NULL, 65536 }, { NULL, 4096 } };
	struct memif_desc d = mkdesc(1, 2048, 2048);

	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_NONE);
	d = mkdesc(0, 0, 1);
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_NONE);
}
END_TEST

START_TEST(desc_check_rejects_bad_region_hp_i1)
{
	struct memif_region_view r[2] = { { NULL, 65536 }, { NULL, 65536 } };
	struct memif_desc d = mkdesc(2, 0, 64);

	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_REGION);
	d.region = 0xffff;
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_REGION);
	d.region = 1;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_REGION);
	/* no regions: the table is not even read */
	d.region = 0;
	ck_assert_fault(desc_both(&d, NULL, 0, 2048), MEMIF_FAULT_DESC_REGION);
	/* the region is judged before the length */
	d = mkdesc(5, 0, 0);
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_REGION);
}
END_TEST

START_TEST(desc_check_rejects_zero_length_hp_i3)
{
	struct memif_region_view r[1] = { { NULL, 65536 } };
	struct memif_desc d = mkdesc(0, 0, 0);

	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_ZERO_LEN);
	d.offset = 0xffffffffu;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_ZERO_LEN);
}
END_TEST

START_TEST(desc_check_rejects_too_long_hp_i4)
{
	struct memif_region_view r[1] = { { NULL, 1ull << 40 } };
	struct memif_desc d = mkdesc(0, 0, 2048);

	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_NONE);
	d.length = 2049;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_TOO_LONG);
	d.length = 0xffffffffu;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_TOO_LONG);
	ck_assert_fault(desc_both(&d, r, 1, 0xffffffffu), MEMIF_FAULT_NONE);
	/* too long is judged before overrun */
	r[0].size = 16;
	d.length = 4096;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_TOO_LONG);
}
END_TEST

START_TEST(desc_check_fits_at_region_end_hp_i2)
{
	struct memif_region_view r[2] = { { NULL, 65536 }, { NULL, 4096 } };
	struct memif_desc d = mkdesc(0, 65536 - 2048, 2048);

	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_NONE);
	d.offset++;
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_OVERRUN);
	d = mkdesc(0, 65535, 1);
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_NONE);
	d.offset = 65536;
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_OVERRUN);
	/* the descriptor's own region bounds it: fits 0, not 1 */
	d = mkdesc(1, 4000, 200);
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_OVERRUN);
	d.region = 0;
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_NONE);
	/* an empty region holds nothing */
	r[1].size = 0;
	d = mkdesc(1, 0, 1);
	ck_assert_fault(desc_both(&d, r, 2, 2048), MEMIF_FAULT_DESC_OVERRUN);
}
END_TEST

/* offset + length in 64 bits: 0xFFFFFFFF + 2 is 1 in 32 bits (P11). */
START_TEST(desc_check_rejects_u32_overflow_hp_i2)
{
	struct memif_region_view r[1] = { { NULL, 16 } };
	struct memif_desc d = mkdesc(0, 0xffffffffu, 2);

	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_OVERRUN);
	d = mkdesc(0, 0x80000000u, 0x80000000u);
	ck_assert_fault(desc_both(&d, r, 1, 0xffffffffu),
			MEMIF_FAULT_DESC_OVERRUN);
	/* a region above 4 GiB: the 64-bit sum fits exactly, then not */
	d = mkdesc(0, 0xffffffffu, 0xffffffffu);
	r[0].size = 0x1fffffffeull;
	ck_assert_fault(desc_both(&d, r, 1, 0xffffffffu), MEMIF_FAULT_NONE);
	r[0].size = 0x1fffffffdull;
	ck_assert_fault(desc_both(&d, r, 1, 0xffffffffu),
			MEMIF_FAULT_DESC_OVERRUN);
	/* a region of exactly 4 GiB */
	r[0].size = 1ull << 32;
	d = mkdesc(0, 0xffffffffu, 1);
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_NONE);
	d.length = 2;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_DESC_OVERRUN);
}
END_TEST

/* Undefined flag bits and metadata do not matter (C60, Q15). */
START_TEST(desc_check_ignores_flags_and_metadata_c60)
{
	struct memif_region_view r[1] = { { NULL, 65536 } };
	struct memif_desc d = mkdesc(0, 0, 64);

	d.flags = 0xffff;
	d.metadata = 0xffffffffu;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_NONE);
	d.flags = MEMIF_DESC_FLAG_NEXT;
	ck_assert_fault(desc_both(&d, r, 1, 2048), MEMIF_FAULT_NONE);
}
END_TEST

/* Every buffer of our own layout passes the peer's descriptor check. */
START_TEST(desc_check_accepts_own_layout_c45)
{
	struct memif_layout l;
	struct memif_region_view r[1];
	struct memif_desc d;
	unsigned type, ring;
	uint32_t slot;
	uint64_t off;

	ck_assert(memif__layout_init(&l, 2, 3, 6, 1500));
	r[0].base = NULL;
	r[0].size = l.region_size;
	for (type = MEMIF_RING_S2M; type <= MEMIF_RING_M2S; type++) {
		for (ring = 0; ring < (type ? 3u : 2u); ring++) {
			for (slot = 0; slot < 64; slot++) {
				off = memif__layout_buffer_offset(&l, type,
								  ring, slot);
				ck_assert_uint_ge(off, l.buffers_offset);
				d = mkdesc(0, (uint32_t)off, 1500);
				ck_assert_fault(desc_both(&d, r, 1, 1500),
						MEMIF_FAULT_NONE);
			}
		}
	}
}
END_TEST

/* A flat list of test cases, one line each: long, but a table. */
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

	tc = tcase_create("handshake fields");
	tcase_add_test(tc, msg_rejects_hello_version_c43);
	tcase_add_test(tc, msg_rejects_hello_max_log2_zero_hp_c2);
	tcase_add_test(tc, msg_rejects_init_version_c16);
	tcase_add_test(tc, msg_rejects_region_without_fd_c23);
	tcase_add_test(tc, msg_rejects_region_index_skip_c24);
	tcase_add_test(tc, msg_rejects_region_index_duplicate_c24);
	tcase_add_test(tc, msg_rejects_region_above_max_c25);
	tcase_add_test(tc, msg_rejects_region_size_zero_c26);
	tcase_add_test(tc, msg_accepts_valid_ring);
	tcase_add_test(tc, msg_rejects_ring_without_fd_c27);
	tcase_add_test(tc, msg_rejects_ring_private_hdr_c28);
	tcase_add_test(tc, msg_rejects_ring_flags_c29);
	tcase_add_test(tc, msg_rejects_ring_index_order_c30);
	tcase_add_test(tc, msg_rejects_ring_index_duplicate_c30);
	tcase_add_test(tc, msg_rejects_ring_above_max_c36);
	tcase_add_test(tc, msg_rejects_ring_log2_c31);
	tcase_add_test(tc, msg_rejects_ring_unknown_region_c32);
	tcase_add_test(tc, msg_rejects_ring_beyond_region_c33);
	tcase_add_test(tc, msg_rejects_ring_misaligned_hp_f6);
	tcase_add_test(tc, msg_rejects_connect_without_rings_c35);
	suite_add_tcase(s, tc);

	tc = tcase_create("secret");
	tcase_add_test(tc, secret_equal_matches_same_c20);
	tcase_add_test(tc, secret_equal_rejects_different_c20);
	tcase_add_test(tc, secret_equal_rejects_empty_c20);
	tcase_add_test(tc, secret_equal_ignores_bytes_after_nul_c20);
	tcase_add_test(tc, secret_equal_compares_23_chars_c5);
	tcase_add_test(tc, secret_equal_compares_24_bytes_without_nul_hp_d5);
	suite_add_tcase(s, tc);

	tc = tcase_create("layout");
	tcase_add_test(tc, layout_ring_bytes_c45);
	tcase_add_test(tc, layout_matches_worked_example_c45);
	tcase_add_test(tc, layout_places_rings_s2m_first_c45);
	tcase_add_test(tc, layout_refuses_over_4gib_c45);
	tcase_add_test(tc, layout_rejects_bad_parameters);
	tcase_add_test(tc, layout_has_no_16bit_slot_wrap_q11);
	tcase_add_test(tc, ring_check_fits_at_region_end_c33);
	tcase_add_test(tc, ring_check_rejects_u32_overflow_c33);
	tcase_add_test(tc, ring_check_rejects_misaligned_hp_f6);
	tcase_add_test(tc, ring_check_rejects_log2_hp_f5);
	tcase_add_test(tc, desc_check_accepts_valid_c57);
	tcase_add_test(tc, desc_check_rejects_bad_region_hp_i1);
	tcase_add_test(tc, desc_check_rejects_zero_length_hp_i3);
	tcase_add_test(tc, desc_check_rejects_too_long_hp_i4);
	tcase_add_test(tc, desc_check_fits_at_region_end_hp_i2);
	tcase_add_test(tc, desc_check_rejects_u32_overflow_hp_i2);
	tcase_add_test(tc, desc_check_ignores_flags_and_metadata_c60);
	tcase_add_test(tc, desc_check_accepts_own_layout_c45);
	suite_add_tcase(s, tc);

	return s;
}

MEMIF_TEST_MAIN(proto_suite)
