/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the slave's region layout and of the ring and descriptor
 * bounds checks (proto/layout.c).  Names as in test-proto.c.
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
	/* every ring (the 3 + 2 at i * 384, as asserted above) passes the
	 * master's own check against this region */
	for (i = 0; i < 3 + 2; i++)
		ck_assert_fault(memif__ring_check(l.region_size, i * 384, 4),
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

void proto_layout_tcase(Suite *s)
{
	TCase *tc;

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
}
