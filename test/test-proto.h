/* SPDX-License-Identifier: MIT */
/*
 * What the files of the proto unit test share (test-proto.c,
 * test-proto-fields.c, test-proto-layout.c): the fault assertion, the
 * decoder contexts and calls, and the functions that add their test cases
 * to the suite.
 */
#ifndef MEMIF_TEST_PROTO_H
#define MEMIF_TEST_PROTO_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

#define N_PHASES 7

#define ck_assert_fault(got, exp)                                          \
	do {                                                               \
		enum memif_fault g_ = (got), e_ = (exp);                   \
		ck_assert_msg(g_ == e_, "fault %d (%s), expected %d (%s)", \
			      (int)g_, memif__fault_reason(g_), (int)e_,   \
			      memif__fault_reason(e_));                    \
	} while (0)

/* @m is a HELLO of protocol 2.0 only, with these maxima. */
static inline void ck_assert_hello(const struct memif_msg *m,
				   uint16_t max_region, uint16_t max_m2s_ring,
				   uint16_t max_s2m_ring, uint8_t max_log2)
{
	ck_assert_uint_eq(m->hello.min_version, MEMIF_VERSION);
	ck_assert_uint_eq(m->hello.max_version, MEMIF_VERSION);
	ck_assert_uint_eq(m->hello.max_region, max_region);
	ck_assert_uint_eq(m->hello.max_m2s_ring, max_m2s_ring);
	ck_assert_uint_eq(m->hello.max_s2m_ring, max_s2m_ring);
	ck_assert_uint_eq(m->hello.max_log2_ring_size, max_log2);
}

/* A master that advertised 255/255/255/14, nothing received yet. */
void ctx_init(struct memif_msg_ctx *ctx, enum memif_phase phase);
/* The same master after region 0 and one ring per direction. */
void ctx_configured(struct memif_msg_ctx *ctx, enum memif_phase phase);
enum memif_fault decode_buf(const void *buf, size_t len, bool truncated,
			    unsigned n_fds, const struct memif_msg_ctx *ctx,
			    struct memif_msg *out);
enum memif_fault decode_msg(const struct memif_msg *m, unsigned n_fds,
			    const struct memif_msg_ctx *ctx);

/* The "handshake fields" and "secret" test cases (test-proto-fields.c). */
void proto_fields_tcases(Suite *s);
/* The "layout" test case (test-proto-layout.c). */
void proto_layout_tcase(Suite *s);

#endif /* MEMIF_TEST_PROTO_H */
