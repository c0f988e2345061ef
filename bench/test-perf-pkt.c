/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's test packets: what perf_build() writes perf_verify() accepts,
 * at every size class, with and without framing and payload fill, at any
 * buffer alignment; and a change to any checked byte is caught.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "perf-pkt.h"

/* Sizes around the word and line boundaries, a jumbo frame and the max. */
static const uint32_t sizes[] = { 64,  65,   71,   72,	 73,   127,
				  128, 1500, 1501, 9000, 65535 };

/* Room for the largest frame at any of 8 misalignments. */
static uint8_t *frame_buf(void)
{
	/* C11: the size must be a multiple of the alignment. */
	uint8_t *b = aligned_alloc(64, (PERF_MAX_SIZE + 64 + 63) & ~63ul);

	ck_assert_ptr_nonnull(b);
	return b;
}

static void build_verify(uint32_t size, bool raw, bool full, unsigned mis)
{
	struct perf_tmpl t;
	struct perf_info info;
	uint8_t *b = frame_buf(), *pkt = b + mis;

	memset(b, 0xa5, PERF_MAX_SIZE + 64);
	perf_tmpl_init(&t, size, raw, full, 3, true);
	ck_assert_uint_eq(perf_build(&t, pkt, 0xfffffffeu, 123456789u,
				     PERF_F_PING),
			  size);
	ck_assert_int_eq(perf_verify(pkt, size, raw, &info), PERF_PKT_OK);
	ck_assert_uint_eq(info.seq, 0xfffffffeu);
	ck_assert_uint_eq(info.tstamp, 123456789u);
	ck_assert_uint_eq(info.qid, 3);
	ck_assert_uint_eq(info.flags, PERF_F_PING | (full ? PERF_F_FULL : 0));
	free(b);
}

START_TEST(test_roundtrip)
{
	unsigned i, mis;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (mis = 0; mis < 8; mis += 3) {
			build_verify(sizes[i], false, false, mis);
			build_verify(sizes[i], false, true, mis);
			build_verify(sizes[i], true, false, mis);
			build_verify(sizes[i], true, true, mis);
		}
}
END_TEST

/* A frame received as pieces (memif_rx_burst_sg) of @piece bytes (at most
 * 128 of them), each piece copied apart so that no read may run from one into the next. */
static enum perf_verdict verify_in_pieces(const uint8_t *pkt, uint32_t size,
					  uint32_t piece, bool raw,
					  struct perf_info *info,
					  uint8_t **parts)
{
	const uint8_t *data[128];
	uint32_t plen[128], off;
	uint16_t n = 0;

	for (off = 0; off < size; off += piece, n++) {
		ck_assert_uint_lt(n, 128);
		plen[n] = size - off < piece ? size - off : piece;
		parts[n] = malloc(plen[n]);
		ck_assert_ptr_nonnull(parts[n]);
		memcpy(parts[n], pkt + off, plen[n]);
		data[n] = parts[n];
	}
	parts[n] = NULL;
	return perf_verify_pieces(data, plen, n, size, raw, info);
}

static void free_parts(uint8_t **parts)
{
	for (; *parts; parts++)
		free(*parts);
}

/* Whole frames in pieces verify as they do in one piece; a flipped byte in
 * a later piece is caught when the payload is checked, unseen (not read)
 * when only the headers are; pieces off the 8-byte grid cannot be checked
 * and count as corrupt. */
START_TEST(test_pieces)
{
	static const uint32_t piece_sizes[] = { 128, 256, 2048 };
	uint8_t *b = frame_buf(), *parts[129];
	struct perf_info info;
	struct perf_tmpl t;
	unsigned i, r;

	for (r = 0; r < 2; r++)
		for (i = 0; i < 3; i++) {
			uint32_t piece = piece_sizes[i];

			perf_tmpl_init(&t, 9000, r, true, 1, true);
			perf_build(&t, b, 77, 5, 0);
			ck_assert_int_eq(verify_in_pieces(b, 9000, piece, r,
							  &info, parts),
					 PERF_PKT_OK);
			ck_assert_uint_eq(info.seq, 77);
			free_parts(parts);
			b[piece + 3] ^= 0x10;
			ck_assert_int_eq(verify_in_pieces(b, 9000, piece, r,
							  &info, parts),
					 PERF_PKT_CORRUPT);
			free_parts(parts);
			/* Headers only: the later pieces are not read. */
			perf_tmpl_init(&t, 9000, r, false, 1, true);
			perf_build(&t, b, 78, 5, 0);
			b[piece + 3] ^= 0x10;
			ck_assert_int_eq(verify_in_pieces(b, 9000, piece, r,
							  &info, parts),
					 PERF_PKT_OK);
			ck_assert_uint_eq(info.seq, 78);
			free_parts(parts);
		}
	perf_tmpl_init(&t, 1500, false, true, 1, true);
	perf_build(&t, b, 79, 5, 0);
	ck_assert_int_eq(verify_in_pieces(b, 1500, 100, false, &info, parts),
			 PERF_PKT_CORRUPT);
	free_parts(parts);
	free(b);
}
END_TEST

/* The full fill starts on the frame's 8-byte grid: an 8-aligned buffer
 * gets only aligned words. */
START_TEST(test_fill_aligned)
{
	struct perf_tmpl t;

	perf_tmpl_init(&t, 1500, false, true, 0, false);
	ck_assert_uint_eq(t.fill, 64);
	perf_tmpl_init(&t, 1500, true, true, 0, false);
	ck_assert_uint_eq(t.fill, 24);
}
END_TEST

/* Flip each byte of a frame in turn: inside the checked region it is
 * corrupt (or, for the bytes that say "this is ours", foreign); the MAC
 * addresses are outside it, so a MAC-swapping reflector passes. */
static void flip_each(uint32_t size, bool raw, bool full)
{
	struct perf_tmpl t;
	struct perf_info info;
	uint8_t *pkt = frame_buf();
	uint32_t i,
		end = full ? size : (raw ? 0 : PERF_L2L4_LEN) + PERF_HDR_LEN;
	enum perf_verdict v;

	perf_tmpl_init(&t, size, raw, full, 1, false);
	perf_build(&t, pkt, 77, 0, 0);
	for (i = 0; i < size; i++) {
		pkt[i] ^= 0x10;
		v = perf_verify(pkt, size, raw, &info);
		if (!raw && i < PERF_REGION_OFF - 2)
			ck_assert_msg(v == PERF_PKT_OK, "MAC byte %u", i);
		else if (i < end)
			ck_assert_msg(v != PERF_PKT_OK,
				      "size %u raw %d full %d: byte %u flipped "
				      "and still OK",
				      size, raw, full, i);
		else
			ck_assert_msg(v == PERF_PKT_OK,
				      "byte %u is not covered", i);
		pkt[i] ^= 0x10;
	}
	ck_assert_int_eq(perf_verify(pkt, size, raw, &info), PERF_PKT_OK);
	/* A stale buffer: the previous packet's payload under this one's
	 * header. */
	if (full && size > 80) {
		uint8_t *old = frame_buf();

		perf_build(&t, old, 76, 0, 0);
		memcpy(pkt + 72, old + 72, size - 72);
		ck_assert_int_ne(perf_verify(pkt, size, raw, &info),
				 PERF_PKT_OK);
		free(old);
	}
	free(pkt);
}

START_TEST(test_flip)
{
	flip_each(64, false, false);
	flip_each(64, false, true);
	flip_each(200, false, true);
	flip_each(1501, false, true);
	flip_each(64, true, true);
	flip_each(203, true, true);
	flip_each(1500, false, false);
}
END_TEST

/* Truncated or lengthened frames are never OK. */
START_TEST(test_length)
{
	struct perf_tmpl t;
	struct perf_info info;
	uint8_t *pkt = frame_buf();

	perf_tmpl_init(&t, 1500, false, true, 0, true);
	perf_build(&t, pkt, 5, 0, 0);
	ck_assert_int_ne(perf_verify(pkt, 1499, false, &info), PERF_PKT_OK);
	ck_assert_int_ne(perf_verify(pkt, 1501, false, &info), PERF_PKT_OK);
	ck_assert_int_eq(perf_verify(pkt, 40, false, &info), PERF_PKT_FOREIGN);
	free(pkt);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perf-pkt");
	TCase *tc = tcase_create("perf-pkt");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_pieces);
	tcase_add_test(tc, test_fill_aligned);
	tcase_add_test(tc, test_flip);
	tcase_add_test(tc, test_length);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
