/* SPDX-License-Identifier: MIT */
/*
 * Packets as pieces: memif_rx_burst_sg hands out a chained packet's slots
 * as views, without the reassembly copy, and memif_tx_burst_sg sends a
 * packet given as pieces (so a received one can be sent on as it came).
 * Over the socketless ring pair of ring-pair.h.
 */
#include <string.h>

#include "common.h"
#include "internal.h"
#include "ring-pair.h"

#define BUF 256 /* slave buffer size: a 600-byte packet is 3 slots */

/* Send one packet of @len bytes, pattern @seed, slave to master. */
static void send_one(struct pair *p, uint32_t len, uint32_t seed)
{
	static uint8_t buf[65535];
	struct memif_tx_pkt pk = { buf, len };

	fill(buf, len, seed);
	ck_assert_uint_eq(tx_ok(p->s, &pk, 1), 1);
}

/* Whether @pkt's pieces, joined, hold pattern @seed. */
static bool check_sg(const struct memif_pkt_sg *pkt, uint32_t seed)
{
	static uint8_t joined[65535];
	uint32_t off = 0;
	uint16_t i;

	for (i = 0; i < pkt->n_segs; i++) {
		memcpy(joined + off, pkt->segs[i].data, pkt->segs[i].len);
		off += pkt->segs[i].len;
	}
	return off == pkt->len && check(joined, off, seed);
}

/* memif_rx_burst_sg on the master's queue 0, asserted MEMIF_OK: how many
 * packets it received. */
static uint16_t rx_sg_ok(struct pair *p, struct memif_pkt_sg *pkts,
			 uint16_t n_pkts, struct memif_seg *segs,
			 uint16_t n_segs)
{
	uint16_t got;

	ck_assert_int_eq(memif_rx_burst_sg(p->m, 0, pkts, n_pkts, segs, n_segs,
					   &got),
			 MEMIF_OK);
	return got;
}

/* rx_sg_ok brings exactly one packet, of pattern @seed, in pkts[0]. */
static void one_sg(struct pair *p, struct memif_pkt_sg *pkts, uint16_t n_pkts,
		   struct memif_seg *segs, uint16_t n_segs, uint32_t seed)
{
	ck_assert_uint_eq(rx_sg_ok(p, pkts, n_pkts, segs, n_segs), 1);
	ck_assert(check_sg(&pkts[0], seed));
}

/* A chain comes as its slots, each a view into the region: no copy. */
START_TEST(sg_chain_is_its_slots_without_a_copy)
{
	struct memif_pkt_sg pkts[4];
	struct memif_seg segs[8];
	const uint8_t *lo, *hi;
	uint16_t i;
	struct pair p;

	pair_init(&p, 4, BUF);
	send_one(&p, 600, 1);
	send_one(&p, 100, 2);
	ck_assert_uint_eq(rx_sg_ok(&p, pkts, 4, segs, 8), 2);
	ck_assert_uint_eq(pkts[0].n_segs, 3);
	ck_assert_uint_eq(pkts[0].len, 600);
	ck_assert_uint_eq(pkts[0].segs[0].len, BUF);
	ck_assert_uint_eq(pkts[0].segs[2].len, 600 - 2 * BUF);
	ck_assert(check_sg(&pkts[0], 1));
	ck_assert_uint_eq(pkts[1].n_segs, 1);
	ck_assert_ptr_eq(pkts[1].segs, &segs[3]);
	ck_assert(check_sg(&pkts[1], 2));
	/* Every piece lies in the shared region, none in the reassembly
	 * buffer. */
	lo = p.m->shm.regions[0].base;
	hi = lo + p.m->shm.regions[0].size;
	for (i = 0; i < 4; i++)
		ck_assert(segs[i].data >= lo && segs[i].data + segs[i].len <= hi);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.packets, 2);
	ck_assert_int_eq(memif_rx_release(p.m, 0), MEMIF_OK);
	pair_fini(&p);
}
END_TEST

/* Pieces left short: the packet that does not fit waits for the next call;
 * one that can never fit is dropped and counted. */
START_TEST(sg_pieces_that_do_not_fit_wait_or_drop)
{
	struct memif_pkt_sg pkts[4];
	struct memif_seg segs[4];
	struct pair p;

	pair_init(&p, 4, BUF);
	send_one(&p, 600, 1); /* 3 pieces */
	send_one(&p, 600, 2); /* 3 more: not in the 1 left */
	one_sg(&p, pkts, 4, segs, 4, 1);
	one_sg(&p, pkts, 4, segs, 4, 2);
	/* 5 pieces never fit in 4: dropped; the packet after it arrives. */
	send_one(&p, 5 * BUF, 3);
	send_one(&p, 10, 4);
	one_sg(&p, pkts, 4, segs, 4, 4);
	ck_assert_uint_eq(pkts[0].len, 10);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.drops_too_long, 1);
	pair_fini(&p);
}
END_TEST

/* A chain with one bad descriptor is dropped whole, as memif_rx_burst
 * drops it; one longer than max_packet_size too. */
START_TEST(sg_bad_or_too_long_chain_dropped_whole_c57)
{
	struct memif_pkt_sg pkts[4];
	struct memif_seg segs[16];
	struct memif_ring *r;
	struct pair p;

	pair_init(&p, 4, BUF);
	send_one(&p, 600, 1);
	r = p.s->dp.txq[0]->ring;
	r->desc[1].offset = 0xfffffff0u; /* the middle slot points outside */
	send_one(&p, 20, 2);
	one_sg(&p, pkts, 4, segs, 16, 2);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.drops_bad_desc, 1);
	/* Over max_packet_size on the receiving side. */
	p.m->dp.rxq[0]->reasm_cap = 500;
	send_one(&p, 600, 3);
	send_one(&p, 30, 4);
	one_sg(&p, pkts, 4, segs, 16, 4);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.drops_too_long, 1);
	pair_fini(&p);
}
END_TEST

/* A chain still being written waits; once complete it arrives. */
START_TEST(sg_incomplete_chain_waits_c56)
{
	struct memif_pkt_sg pkts[2];
	struct memif_seg segs[8];
	struct memif_ring *r;
	uint16_t head;
	struct pair p;

	pair_init(&p, 4, BUF);
	send_one(&p, 600, 1);
	/* Show the master only the first two of the three slots. */
	r = p.s->dp.txq[0]->ring;
	head = r->head;
	memif__store_release(&r->head, (uint16_t)(head - 1));
	ck_assert_uint_eq(rx_sg_ok(&p, pkts, 2, segs, 8), 0);
	memif__store_release(&r->head, head);
	one_sg(&p, pkts, 2, segs, 8, 1);
	pair_fini(&p);
}
END_TEST

/* Pieces in, one packet out: a header and a payload apart, an empty piece
 * between, chained across slots when longer than one. */
START_TEST(sg_tx_joins_pieces_into_one_packet)
{
	static uint8_t buf[2000];
	struct memif_seg pieces[3];
	struct memif_pkt_sg pk = { pieces, 3, 0 };
	struct memif_rx_pkt rp[2];
	uint16_t sent;
	struct pair p;

	pair_init(&p, 4, BUF);
	fill(buf, sizeof(buf), 5);
	pieces[0] = (struct memif_seg){ buf, 14 };
	pieces[1] = (struct memif_seg){ NULL, 0 };
	pieces[2] = (struct memif_seg){ buf + 14, 700 - 14 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, &pk, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	ck_assert_uint_eq(rx_ok(p.m, rp, 2), 1);
	ck_assert_uint_eq(rp[0].len, 700);
	ck_assert(check(rp[0].data, 700, 5));
	/* Master to slave too, one slot. */
	pieces[2].len = 100 - 14;
	ck_assert_int_eq(memif_tx_burst_sg(p.m, 0, &pk, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(rx_ok(p.s, rp, 2), 1);
	ck_assert_uint_eq(rp[0].len, 100);
	ck_assert(check(rp[0].data, 100, 5));
	pair_fini(&p);
}
END_TEST

/* What memif_rx_burst_sg received, memif_tx_burst_sg sends on as it came:
 * slave -> master on one pair, then master -> slave on another. */
START_TEST(sg_forward_received_pieces_without_flattening)
{
	struct memif_pkt_sg pkts[8];
	struct memif_seg segs[32];
	struct memif_rx_pkt rp[8];
	struct pair a, b;
	uint16_t got, sent, i;

	pair_init(&a, 4, BUF);
	pair_init(&b, 5, 2048);
	send_one(&a, 600, 1);
	send_one(&a, 64, 2);
	send_one(&a, 1500, 3);
	got = rx_sg_ok(&a, pkts, 8, segs, 32);
	ck_assert_uint_eq(got, 3);
	ck_assert_int_eq(memif_tx_burst_sg(b.m, 0, pkts, got, &sent),
			 MEMIF_OK);
	ck_assert_uint_eq(sent, 3);
	ck_assert_uint_eq(rx_ok(b.s, rp, 8), 3);
	for (i = 0; i < 3; i++)
		ck_assert(check(rp[i].data, rp[i].len, i + 1));
	ck_assert_uint_eq(rp[2].len, 1500);
	pair_fini(&a);
	pair_fini(&b);
}
END_TEST

/* Every invalid packet is refused before anything is written; the packets
 * before it are sent. */
START_TEST(sg_tx_refuses_what_a_receiver_would_drop)
{
	static uint8_t buf[70000];
	struct memif_seg ok = { buf, 10 }, nodata = { NULL, 5 };
	struct memif_seg big[2] = { { buf, 65535 }, { buf, 1 } };
	struct memif_pkt_sg pk[2] = { { &ok, 1, 0 }, { NULL, 0, 0 } };
	uint16_t sent;
	struct pair p;

	pair_init(&p, 4, 2048);
	/* Nothing at all, and pieces of length 0 only. */
	ck_assert_uint_eq(
		BURST(memif_tx_burst_sg, p.s, pk, 2, MEMIF_ERR_PKT_LEN), 1);
	pk[1] = (struct memif_pkt_sg){ &nodata, 0, 0 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, &pk[1], 1, &sent),
			 MEMIF_ERR_PKT_LEN);
	/* A piece with a length and no data; pieces with no array. */
	pk[1] = (struct memif_pkt_sg){ &nodata, 1, 0 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, &pk[1], 1, &sent),
			 MEMIF_ERR_PKT_LEN);
	pk[1] = (struct memif_pkt_sg){ NULL, 2, 0 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, &pk[1], 1, &sent),
			 MEMIF_ERR_PKT_LEN);
	/* Over max_packet_size (65,535) in two pieces. */
	pk[1] = (struct memif_pkt_sg){ big, 2, 0 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, &pk[1], 1, &sent),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(sent, 0);
	/* Only the one good packet reached the ring. */
	ck_assert_uint_eq(p.s->dp.txq[0]->st.packets, 1);
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, NULL, 1, &sent),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, pk, 1, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_tx_burst_sg(NULL, 0, pk, 1, &sent),
			 MEMIF_ERR_NOCONN);
	pair_fini(&p);
}
END_TEST

/* A full ring takes what fits, whole packets only. */
START_TEST(sg_tx_stops_at_a_full_ring)
{
	static uint8_t buf[600];
	struct memif_seg piece = { buf, 600 };
	struct memif_pkt_sg pk[8];
	uint16_t sent, i;
	struct pair p;

	pair_init(&p, 3, BUF); /* 8 slots: two 3-slot packets fit */
	for (i = 0; i < 8; i++)
		pk[i] = (struct memif_pkt_sg){ &piece, 1, 0 };
	ck_assert_int_eq(memif_tx_burst_sg(p.s, 0, pk, 8, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 2);
	ck_assert_uint_eq(p.s->dp.txq[0]->cursor, 6);
	pair_fini(&p);
}
END_TEST

START_TEST(sg_rx_argument_checks)
{
	struct memif_pkt_sg pkts[2];
	struct memif_seg segs[2];
	uint16_t got;
	struct pair p;

	pair_init(&p, 4, BUF);
	ck_assert_int_eq(memif_rx_burst_sg(p.m, 0, pkts, 2, segs, 0, &got),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst_sg(p.m, 0, pkts, 2, NULL, 2, &got),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst_sg(p.m, 0, NULL, 2, segs, 2, &got),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst_sg(p.m, 0, pkts, 2, segs, 2, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst_sg(NULL, 0, pkts, 2, segs, 2, &got),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_rx_burst_sg(p.m, 1, pkts, 2, segs, 2, &got),
			 MEMIF_ERR_QID);
	/* Nothing asked for: nothing needed. */
	ck_assert_uint_eq(rx_sg_ok(&p, NULL, 0, NULL, 0), 0);
	pair_fini(&p);
}
END_TEST

TEST_SUITE(sg_suite, "sg",
	   TEST_CASE("sg", 0, test_lib_setup, test_lib_teardown,
		     sg_chain_is_its_slots_without_a_copy,
		     sg_pieces_that_do_not_fit_wait_or_drop,
		     sg_bad_or_too_long_chain_dropped_whole_c57,
		     sg_incomplete_chain_waits_c56,
		     sg_tx_joins_pieces_into_one_packet,
		     sg_forward_received_pieces_without_flattening,
		     sg_tx_refuses_what_a_receiver_would_drop,
		     sg_tx_stops_at_a_full_ring, sg_rx_argument_checks))

MEMIF_TEST_MAIN(sg_suite)
