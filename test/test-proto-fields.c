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

/* ---- decoder scripts ---- */

/* The fields of the message under test (those of its type count). */
struct msg_args {
	uint16_t flags;
	uint16_t index;
	uint16_t region;
	uint32_t offset;
	uint8_t log2;
	uint16_t private_hdr_size;
	unsigned n_fds;
	uint64_t size;
};

/* What one step of a script sets, in the context or the message. */
enum knob {
	NOTHING,
	CTX_N_REGIONS,
	CTX_MAX_REGION,
	CTX_N_S2M,
	CTX_N_M2S,
	CTX_MAX_S2M,
	CTX_MAX_M2S,
	CTX_MAX_LOG2,
	CTX_SIZES, /* the value indexes size_tables[] */
	ARG_FLAGS,
	ARG_INDEX,
	ARG_REGION,
	ARG_OFFSET,
	ARG_LOG2,
	ARG_PRIVATE_HDR,
	ARG_FDS,
	ARG_SIZE,
};

#define NO_DECODE (-1)

/* Set @knob to @value; then, unless @want is NO_DECODE, decode the
 * message and expect the fault @want. */
struct step {
	enum knob knob;
	uint64_t value;
	int want;
};

#define SET(knob, value)                   \
	{                                  \
		(knob), (value), NO_DECODE \
	}
#define TRY(knob, value, fault)                      \
	{                                            \
		(knob), (value), MEMIF_FAULT_##fault \
	}
#define EXPECT(fault)                           \
	{                                       \
		NOTHING, 0, MEMIF_FAULT_##fault \
	}

/* Region size tables a script can point the context at. */
enum { SIZES_NONE, SIZES_HUGE, SIZES_4G_64K, SIZES_EXACT };
static const uint64_t huge[] = { 1ull << 40 };
/* region 0: 4 GiB; region 1: 64 KiB */
static const uint64_t sizes_4g_64k[] = { 1ull << 32, 65536 };
/* a region just large enough for a ring at 0xFFFFFFF0 */
static const uint64_t exact[] = { (1ull << 32) + 16496 };
static const uint64_t *const size_tables[] = {
	[SIZES_NONE] = NULL,
	[SIZES_HUGE] = huge,
	[SIZES_4G_64K] = sizes_4g_64k,
	[SIZES_EXACT] = exact,
};

static void set_knob(struct memif_msg_ctx *ctx, struct msg_args *a,
		     enum knob knob, uint64_t v)
{
	switch (knob) {
	case NOTHING:
		break;
	case CTX_N_REGIONS:
		ctx->n_regions = (uint16_t)v;
		break;
	case CTX_MAX_REGION:
		ctx->max_region = (uint16_t)v;
		break;
	case CTX_N_S2M:
		ctx->n_s2m_rings = (uint16_t)v;
		break;
	case CTX_N_M2S:
		ctx->n_m2s_rings = (uint16_t)v;
		break;
	case CTX_MAX_S2M:
		ctx->max_s2m_ring = (uint16_t)v;
		break;
	case CTX_MAX_M2S:
		ctx->max_m2s_ring = (uint16_t)v;
		break;
	case CTX_MAX_LOG2:
		ctx->max_log2_ring_size = (uint8_t)v;
		break;
	case CTX_SIZES:
		ctx->region_size = size_tables[v];
		break;
	case ARG_FLAGS:
		a->flags = (uint16_t)v;
		break;
	case ARG_INDEX:
		a->index = (uint16_t)v;
		break;
	case ARG_REGION:
		a->region = (uint16_t)v;
		break;
	case ARG_OFFSET:
		a->offset = (uint32_t)v;
		break;
	case ARG_LOG2:
		a->log2 = (uint8_t)v;
		break;
	case ARG_PRIVATE_HDR:
		a->private_hdr_size = (uint16_t)v;
		break;
	case ARG_FDS:
		a->n_fds = (unsigned)v;
		break;
	case ARG_SIZE:
		a->size = v;
		break;
	}
}

typedef enum memif_fault (*decode_fn)(const struct memif_msg_ctx *ctx,
				      const struct msg_args *a);

/* Run the @n steps @s from a context that @ctx_fn made for M_CONFIG and
 * the message @a0. */
static void run_steps(decode_fn decode,
		      void (*ctx_fn)(struct memif_msg_ctx *, enum memif_phase),
		      const struct msg_args *a0, const struct step *s, size_t n)
{
	struct memif_msg_ctx ctx;
	struct msg_args a = *a0;
	size_t i;

	ctx_fn(&ctx, MEMIF_PHASE_M_CONFIG);
	for (i = 0; i < n; i++) {
		enum memif_fault got, want = (enum memif_fault)s[i].want;

		set_knob(&ctx, &a, s[i].knob, s[i].value);
		if (s[i].want == NO_DECODE)
			continue;
		got = decode(&ctx, &a);
		ck_assert_msg(got == want,
			      "step %zu: fault %d (%s), expected %d (%s)", i,
			      (int)got, memif__fault_reason(got), (int)want,
			      memif__fault_reason(want));
	}
}

/* The test @name: run_steps over the steps that follow. */
#define SCRIPT_TEST(name, decode, ctx_fn, args, ...)                 \
	START_TEST(name)                                             \
	{                                                            \
		static const struct step steps_[] = { __VA_ARGS__ }; \
                                                                     \
		run_steps(decode, ctx_fn, &(args), steps_,           \
			  sizeof(steps_) / sizeof(steps_[0]));       \
	}                                                            \
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
	/* a range that includes 2.0 is accepted, any other refused */
	static const struct {
		uint16_t min, max;
		enum memif_fault want;
	} c[] = {
		{ 0x0200, 0x0200, MEMIF_FAULT_NONE },
		{ 0x0100, 0x0300, MEMIF_FAULT_NONE },
		{ 0x0200, 0x0201, MEMIF_FAULT_NONE },
		{ 0x01ff, 0x0200, MEMIF_FAULT_NONE },
		{ 0x0100, 0x0100, MEMIF_FAULT_VERSION },
		{ 0x0100, 0x01ff, MEMIF_FAULT_VERSION },
		{ 0x0201, 0x0201, MEMIF_FAULT_VERSION },
		{ 0x0201, 0x0300, MEMIF_FAULT_VERSION },
		{ 0x0300, 0x0100, MEMIF_FAULT_VERSION },
		{ 0, 0, MEMIF_FAULT_VERSION },
		{ 0xffff, 0xffff, MEMIF_FAULT_VERSION },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ck_assert_fault(decode_hello(c[i].min, c[i].max, 14),
				c[i].want);
}
END_TEST

START_TEST(msg_rejects_hello_max_log2_zero_hp_c2)
{
	static const uint8_t larger[] = { 1, 15, 255 };
	size_t i;

	ck_assert_fault(decode_hello(0x0200, 0x0200, 0),
			MEMIF_FAULT_HELLO_LIMITS);
	/* larger maxima are negotiated down by the slave, not refused */
	for (i = 0; i < sizeof(larger); i++)
		ck_assert_fault(decode_hello(0x0200, 0x0200, larger[i]),
				MEMIF_FAULT_NONE);
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

/* Region 0 of 4096 bytes, with its fd. */
static const struct msg_args region_ok = { .size = 4096, .n_fds = 1 };

static enum memif_fault decode_region(const struct memif_msg_ctx *ctx,
				      const struct msg_args *a)
{
	struct memif_msg m;

	memif__msg_build_add_region(&m, a->index, a->size);
	return decode_msg(&m, a->n_fds, ctx);
}

#define REGION_TEST(name, ...) \
	SCRIPT_TEST(name, decode_region, ctx_init, region_ok, __VA_ARGS__)

REGION_TEST(msg_rejects_region_without_fd_c23, TRY(ARG_FDS, 0, NO_REGION_FD),
	    TRY(ARG_FDS, 1, NONE))

REGION_TEST(msg_rejects_region_index_skip_c24, SET(CTX_N_REGIONS, 1),
	    TRY(ARG_INDEX, 2, REGION_INDEX), TRY(ARG_INDEX, 1, NONE),
	    TRY(CTX_N_REGIONS, 0, REGION_INDEX))

REGION_TEST(msg_rejects_region_index_duplicate_c24,
	    TRY(CTX_N_REGIONS, 1, REGION_INDEX), SET(CTX_N_REGIONS, 2),
	    TRY(ARG_INDEX, 1, REGION_INDEX))

/* max_region is the highest index (proto/PROTOCOL.md): index == max passes. */
REGION_TEST(msg_rejects_region_above_max_c25, SET(CTX_MAX_REGION, 3),
	    SET(CTX_N_REGIONS, 3), TRY(ARG_INDEX, 3, NONE),
	    SET(CTX_N_REGIONS, 4), TRY(ARG_INDEX, 4, TOO_MANY_REGIONS),
	    SET(CTX_MAX_REGION, 0), SET(CTX_N_REGIONS, 1),
	    TRY(ARG_INDEX, 1, TOO_MANY_REGIONS), SET(CTX_MAX_REGION, 255),
	    SET(CTX_N_REGIONS, 256), TRY(ARG_INDEX, 256, TOO_MANY_REGIONS),
	    TRY(ARG_INDEX, 0xffff, TOO_MANY_REGIONS))

/* Size 0 is refused here; an absurd size (2^63) needs fstat, which is the
 * library's job, so the codec lets it through. */
REGION_TEST(msg_rejects_region_size_zero_c26, TRY(ARG_SIZE, 0, REGION_SIZE),
	    TRY(ARG_SIZE, 1, NONE), TRY(ARG_SIZE, 1ull << 63, NONE),
	    /* missing fd is reported before the bad size */
	    SET(ARG_SIZE, 0), TRY(ARG_FDS, 0, NO_REGION_FD))

/* ---- ADD_RING (C27-C33, hp_f1, hp_f3-f6, hp_f8, hp_f9) ---- */

/* S2M ring 1 at 16512 in region 0, log2 10: valid for ctx_configured(). */
static const struct msg_args ring_ok = {
	.flags = MEMIF_MSG_ADD_RING_FLAG_S2M,
	.index = 1,
	.region = 0,
	.offset = 16512,
	.log2 = 10,
	.private_hdr_size = 0,
	.n_fds = 1,
};

static enum memif_fault decode_ring(const struct memif_msg_ctx *ctx,
				    const struct msg_args *a)
{
	struct memif_msg m;

	memif__msg_build_add_ring(&m, false, a->index, a->region, a->offset,
				  a->log2);
	m.add_ring.flags = a->flags;
	m.add_ring.private_hdr_size = a->private_hdr_size;
	return decode_msg(&m, a->n_fds, ctx);
}

#define RING_TEST(name, ...) \
	SCRIPT_TEST(name, decode_ring, ctx_configured, ring_ok, __VA_ARGS__)

RING_TEST(msg_accepts_valid_ring, EXPECT(NONE),
	  TRY(ARG_FLAGS, 0, NONE)) /* M2S ring 1 */

RING_TEST(msg_rejects_ring_without_fd_c27, TRY(ARG_FDS, 0, NO_RING_FD))

RING_TEST(msg_rejects_ring_private_hdr_c28,
	  TRY(ARG_PRIVATE_HDR, 1, PRIVATE_HDR),
	  TRY(ARG_PRIVATE_HDR, 7, PRIVATE_HDR),
	  TRY(ARG_PRIVATE_HDR, 8, PRIVATE_HDR),
	  TRY(ARG_PRIVATE_HDR, 0x100, PRIVATE_HDR),
	  TRY(ARG_PRIVATE_HDR, 0xffff, PRIVATE_HDR))

RING_TEST(msg_rejects_ring_flags_c29, TRY(ARG_FLAGS, 0x0002, RING_FLAGS),
	  TRY(ARG_FLAGS, 0x0003, RING_FLAGS),
	  TRY(ARG_FLAGS, 0x0100, RING_FLAGS),
	  TRY(ARG_FLAGS, 0x8000, RING_FLAGS),
	  TRY(ARG_FLAGS, 0x8001, RING_FLAGS),
	  TRY(ARG_FLAGS, 0xfffe, RING_FLAGS),
	  TRY(ARG_FLAGS, 0xffff, RING_FLAGS))

SCRIPT_TEST(msg_rejects_ring_index_order_c30, decode_ring, ctx_init, ring_ok,
	    /* S2M 1 before S2M 0 */
	    TRY(CTX_N_REGIONS, 1, RING_INDEX), TRY(ARG_INDEX, 0, NONE),
	    /* directions are counted apart: M2S 0 after three S2M rings */
	    SET(CTX_N_S2M, 3), TRY(ARG_FLAGS, 0, NONE),
	    TRY(ARG_INDEX, 3, RING_INDEX),
	    TRY(ARG_FLAGS, MEMIF_MSG_ADD_RING_FLAG_S2M, NONE))

RING_TEST(msg_rejects_ring_index_duplicate_c30, TRY(ARG_INDEX, 0, RING_INDEX),
	  TRY(ARG_FLAGS, 0, RING_INDEX))

/* The HELLO ring maxima are highest indexes, per direction (hp_f3). */
RING_TEST(msg_rejects_ring_above_max_c36, SET(CTX_MAX_S2M, 1),
	  TRY(CTX_MAX_M2S, 0, NONE), TRY(ARG_FLAGS, 0, TOO_MANY_RINGS),
	  SET(CTX_N_S2M, 2), SET(ARG_FLAGS, MEMIF_MSG_ADD_RING_FLAG_S2M),
	  TRY(ARG_INDEX, 2, TOO_MANY_RINGS),
	  /* far above: too many, not merely out of order */
	  TRY(ARG_INDEX, 0xffff, TOO_MANY_RINGS))

RING_TEST(msg_rejects_ring_log2_c31, SET(CTX_SIZES, SIZES_HUGE),
	  SET(ARG_OFFSET, 0), TRY(ARG_LOG2, 0, RING_LOG2),
	  TRY(ARG_LOG2, 15, RING_LOG2), TRY(ARG_LOG2, 16, RING_LOG2),
	  TRY(ARG_LOG2, 31, RING_LOG2), TRY(ARG_LOG2, 63, RING_LOG2),
	  TRY(ARG_LOG2, 64, RING_LOG2), TRY(ARG_LOG2, 255, RING_LOG2),
	  TRY(ARG_LOG2, 1, NONE), TRY(ARG_LOG2, 14, NONE),
	  /* a master that advertised a smaller maximum */
	  SET(CTX_MAX_LOG2, 10), TRY(ARG_LOG2, 10, NONE),
	  TRY(ARG_LOG2, 11, RING_LOG2),
	  /* an advertised maximum above the protocol's is still capped at 14 */
	  SET(CTX_MAX_LOG2, 255), TRY(ARG_LOG2, 15, RING_LOG2),
	  TRY(ARG_LOG2, 255, RING_LOG2))

RING_TEST(msg_rejects_ring_unknown_region_c32, TRY(ARG_REGION, 1, RING_REGION),
	  TRY(ARG_REGION, 0xffff, RING_REGION),
	  /* no region at all yet */
	  SET(CTX_N_REGIONS, 0), TRY(ARG_REGION, 0, RING_REGION),
	  /* a context without a size table refuses rather than dereferencing */
	  SET(CTX_N_REGIONS, 1), TRY(CTX_SIZES, SIZES_NONE, RING_REGION))

RING_TEST(msg_rejects_ring_beyond_region_c33, SET(CTX_SIZES, SIZES_4G_64K),
	  SET(CTX_N_REGIONS, 2),
	  /* 0xFFFFFFF0 + 16512 wraps to 16496 in 32 bits */
	  TRY(ARG_OFFSET, 0xfffffff0u, RING_BOUNDS),
	  TRY(ARG_OFFSET, (1ull << 32) - 16512, NONE),
	  TRY(ARG_OFFSET, (1ull << 32) - 16512 + 16, RING_BOUNDS),
	  /* the bound is the ring's own region: 32896 B at 32640 ends at 64K */
	  SET(ARG_REGION, 1), SET(ARG_LOG2, 11), TRY(ARG_OFFSET, 32640, NONE),
	  TRY(ARG_OFFSET, 32656, RING_BOUNDS), SET(ARG_LOG2, 12),
	  TRY(ARG_OFFSET, 0, RING_BOUNDS),
	  /* a region just large enough for a ring at 0xFFFFFFF0 */
	  SET(CTX_SIZES, SIZES_EXACT), SET(CTX_N_REGIONS, 1),
	  SET(ARG_REGION, 0), SET(ARG_LOG2, 10),
	  TRY(ARG_OFFSET, 0xfffffff0u, NONE))

RING_TEST(msg_rejects_ring_misaligned_hp_f6, TRY(ARG_OFFSET, 1, RING_BOUNDS),
	  TRY(ARG_OFFSET, 2, RING_BOUNDS), TRY(ARG_OFFSET, 4, RING_BOUNDS),
	  TRY(ARG_OFFSET, 8, RING_BOUNDS), TRY(ARG_OFFSET, 15, RING_BOUNDS),
	  TRY(ARG_OFFSET, 16513, RING_BOUNDS),
	  TRY(ARG_OFFSET, 16520, RING_BOUNDS), TRY(ARG_OFFSET, 16, NONE),
	  TRY(ARG_OFFSET, 16528, NONE))

/* ---- CONNECT (C35, hp_b6) ---- */

static enum memif_fault decode_connect(const struct memif_msg_ctx *ctx,
				       const struct msg_args *a)
{
	struct memif_msg m;

	memif__msg_build_connect(&m, "memif0");
	return decode_msg(&m, a->n_fds, ctx);
}

/* A CONNECT, without an fd. */
static const struct msg_args connect_ok = { .n_fds = 0 };

SCRIPT_TEST(msg_rejects_connect_without_rings_c35, decode_connect,
	    ctx_configured, connect_ok, EXPECT(NONE),
	    TRY(CTX_N_S2M, 0, NO_RINGS), SET(CTX_N_S2M, 1),
	    TRY(CTX_N_M2S, 0, NO_RINGS), SET(CTX_N_M2S, 1),
	    TRY(CTX_N_REGIONS, 0, NO_RINGS),
	    /* nothing configured at all */
	    SET(CTX_N_S2M, 0), TRY(CTX_N_M2S, 0, NO_RINGS))

/* ---- Secret comparison (C20, C21, hp_d5) ---- */

/* Two secrets as a message carries them: the string, zero-filled. */
struct secrets {
	uint8_t a[MEMIF_SECRET_LEN], b[MEMIF_SECRET_LEN];
};

static void secret_set(uint8_t s[MEMIF_SECRET_LEN], const char *src)
{
	memset(s, 0, MEMIF_SECRET_LEN);
	memcpy(s, src, strlen(src));
}

static void secrets_init(struct secrets *s, const char *a, const char *b)
{
	secret_set(s->a, a);
	secret_set(s->b, b);
}

START_TEST(secret_equal_matches_same_c20)
{
	struct secrets s;

	secrets_init(&s, "abc", "abc");
	ck_assert(memif__secret_equal(s.a, s.b));
	ck_assert(memif__secret_equal(s.a, s.a));
}
END_TEST

START_TEST(secret_equal_rejects_different_c20)
{
	struct secrets s;

	secrets_init(&s, "abc", "abd");
	ck_assert(!memif__secret_equal(s.a, s.b));
	secret_set(s.b, "bbc");
	ck_assert(!memif__secret_equal(s.a, s.b));
	/* a prefix is not equal, either way round */
	secret_set(s.b, "abcd");
	ck_assert(!memif__secret_equal(s.a, s.b));
	ck_assert(!memif__secret_equal(s.b, s.a));
	secret_set(s.b, "ab");
	ck_assert(!memif__secret_equal(s.a, s.b));
	ck_assert(!memif__secret_equal(s.b, s.a));
}
END_TEST

START_TEST(secret_equal_rejects_empty_c20)
{
	struct secrets s;

	secrets_init(&s, "abc", "");
	ck_assert(!memif__secret_equal(s.a, s.b));
	ck_assert(!memif__secret_equal(s.b, s.a));
	/* empty with garbage after the NUL is still empty */
	memset(s.b + 1, 'a', MEMIF_SECRET_LEN - 1);
	ck_assert(!memif__secret_equal(s.a, s.b));
	secret_set(s.a, "");
	ck_assert(memif__secret_equal(s.a, s.b));
}
END_TEST

START_TEST(secret_equal_ignores_bytes_after_nul_c20)
{
	struct secrets s;

	secrets_init(&s, "abc", "abc");
	memset(s.b + 4, 0xa5, MEMIF_SECRET_LEN - 4);
	ck_assert(memif__secret_equal(s.a, s.b));
	ck_assert(memif__secret_equal(s.b, s.a));
	memset(s.a + 4, 'z', MEMIF_SECRET_LEN - 4);
	ck_assert(memif__secret_equal(s.a, s.b));
	/* but the NUL position itself counts */
	s.b[3] = 'x';
	ck_assert(!memif__secret_equal(s.a, s.b));
}
END_TEST

START_TEST(secret_equal_compares_23_chars_c5)
{
	struct secrets s;

	secrets_init(&s, "0123456789abcdefghijklm", "0123456789abcdefghijklm");
	ck_assert(memif__secret_equal(s.a, s.b));
	s.b[22] = 'M';
	ck_assert(!memif__secret_equal(s.a, s.b));
	s.b[22] = 'm';
	s.b[0] = '1';
	ck_assert(!memif__secret_equal(s.a, s.b));
}
END_TEST

/* A peer that fills all 24 bytes (no NUL) is compared over all 24. */
START_TEST(secret_equal_compares_24_bytes_without_nul_hp_d5)
{
	struct secrets s;

	secrets_init(&s, "0123456789abcdefghijklmn",
		     "0123456789abcdefghijklmn");
	ck_assert(memif__secret_equal(s.a, s.b));
	s.b[23] = 'N';
	ck_assert(!memif__secret_equal(s.a, s.b));
	/* 24 bytes vs the same 23 characters plus NUL */
	s.b[23] = 0;
	ck_assert(!memif__secret_equal(s.a, s.b));
	ck_assert(!memif__secret_equal(s.b, s.a));
	/* high bytes are not sign-confused with NUL */
	memset(s.a, 0xff, MEMIF_SECRET_LEN);
	memset(s.b, 0xff, MEMIF_SECRET_LEN);
	ck_assert(memif__secret_equal(s.a, s.b));
	s.b[10] = 0x80;
	ck_assert(!memif__secret_equal(s.a, s.b));
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
