/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the decoder's checks of each handshake message's fields
 * (HELLO, INIT, ADD_REGION, ADD_RING, CONNECT) and of the secret
 * comparison.  Names as in test-proto.c.
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

void proto_fields_tcases(Suite *s)
{
	TCase *tc;

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
}
