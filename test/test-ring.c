/* SPDX-License-Identifier: MIT */
/*
 * Ring and data-path tests without sockets: a slave and a master view of
 * one real memfd region, built with the library's own region and queue
 * code, exercised through the public burst calls.  Wraparound from 0xfff0,
 * empty/full/full-1, chains across the wrap, hostile indexes and
 * descriptors, and a two-thread producer/consumer run (TSan).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "ring-pair.h"

/* Send @n packets of @len one way and check them on the other side. */
static void roundtrip(struct memif *tx, struct memif *rx, uint16_t n,
		      uint32_t len, uint32_t seed)
{
	static uint8_t buf[65535];
	struct memif_tx_pkt pk[64];
	struct memif_rx_pkt rp[64];
	uint16_t got, i;

	ck_assert_uint_le(n, 64);
	for (i = 0; i < n; i++) {
		pk[i].data = buf;
		pk[i].len = len;
	}
	fill(buf, len, seed);
	ck_assert_uint_eq(tx_ok(tx, pk, n), n);
	got = rx_ok(rx, rp, 64);
	ck_assert_uint_eq(got, n);
	for (i = 0; i < got; i++) {
		ck_assert_uint_eq(rp[i].len, len);
		ck_assert(check(rp[i].data, len, seed));
	}
	ck_assert_int_eq(memif_rx_release(rx, 0), MEMIF_OK);
}

/* @rounds rounds of @n packets each way: round i sends @s_len bytes of
 * pattern @s_seed + i from the slave, then @m_len of @m_seed + i from the
 * master. */
static void both_ways(struct pair *p, int rounds, uint16_t n, uint32_t s_len,
		      uint32_t s_seed, uint32_t m_len, uint32_t m_seed)
{
	int i;

	for (i = 0; i < rounds; i++) {
		roundtrip(p->s, p->m, n, s_len, s_seed + (uint32_t)i);
		roundtrip(p->m, p->s, n, m_len, m_seed + (uint32_t)i);
	}
}

START_TEST(ring_wraps_from_0xfff0_both_directions)
{
	struct pair p;

	pair_init(&p, 4, 256);
	pair_set_indexes(&p, 0xfff0);
	/* 16-entry rings: 40 rounds of 7 cross the u16 wrap many times. */
	both_ways(&p, 40, 7, 64, 0, 100, 0);
	ck_assert_uint_lt(p.s->dp.txq[0]->cursor, 0xfff0);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_empty_full_and_full_minus_one_s2m)
{
	static uint8_t buf[64];
	struct memif_tx_pkt pk[17];
	struct memif_rx_pkt rp[32];
	struct memif_details *d = NULL;
	struct pair p;
	int i;

	pair_init(&p, 4, 256);
	pair_set_indexes(&p, 0xfff0);
	for (i = 0; i < 17; i++) {
		pk[i].data = buf;
		pk[i].len = sizeof(buf);
	}
	ck_assert_uint_eq(rx_ok(p.m, rp, 32), 0); /* empty */
	ck_assert_uint_eq(tx_ok(p.s, pk, 15), 15); /* full - 1 */
	ck_assert_uint_eq(tx_ok(p.s, pk, 2),
			  1); /* exactly full: the second does not fit */
	ck_assert_uint_eq(tx_ok(p.s, pk, 1), 0);
	ck_assert_uint_eq(p.s->dp.txq[0]->st.ring_full, 2);
	ck_assert_uint_eq(rx_ok(p.m, rp, 32), 16);
	/* Views still held: the slave cannot reuse the slots yet. */
	ck_assert_uint_eq(tx_ok(p.s, pk, 1), 0);
	ck_assert_int_eq(memif_rx_release(p.m, 0), MEMIF_OK);
	ck_assert_uint_eq(tx_ok(p.s, pk, 17), 16);
	free(d);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_m2s_master_fills_only_refilled_slots)
{
	static uint8_t buf[64];
	struct memif_tx_pkt pk[20];
	struct memif_rx_pkt rp[32];
	struct pair p;
	int i;

	pair_init(&p, 4, 256);
	for (i = 0; i < 20; i++) {
		pk[i].data = buf;
		pk[i].len = sizeof(buf);
	}
	ck_assert_uint_eq(tx_ok(p.m, pk, 20), 16);
	ck_assert_uint_eq(rx_ok(p.s, rp, 10), 10);
	ck_assert_uint_eq(tx_ok(p.m, pk, 20),
			  0); /* refill happens on the next burst */
	ck_assert_uint_eq(rx_ok(p.s, rp, 32), 6);
	ck_assert_uint_eq(tx_ok(p.m, pk, 20), 10);
	/* The slave never writes tail, the master never writes head. */
	ck_assert_uint_eq((uint16_t)(p.s->dp.rxq[0]->ring->head -
				     p.s->dp.rxq[0]->ring->tail) <= 16,
			  1);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_chains_cross_the_wrap)
{
	struct pair p;

	pair_init(&p, 5, 512);
	pair_set_indexes(&p, 0xfffa);
	/* 3000 bytes over 512-byte buffers: 6 slots, straddling 0xffff. */
	both_ways(&p, 30, 4, 3000, 0, 3000, 100);
	pair_fini(&p);
	pair_init(&p, 8, 512);
	pair_set_indexes(&p, 0xff80);
	both_ways(&p, 1, 1, 65535, 7, 65535, 8);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_chain_is_all_or_nothing)
{
	static uint8_t big[4096], small[64];
	struct memif_tx_pkt pk[3] = { { small, 64 },
				      { big, 4096 },
				      { small, 64 } };
	struct memif_rx_pkt rp[8];
	struct pair p;

	pair_init(&p, 3, 1024); /* 8 slots, 1 KiB each */
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	/* 4 slots free; the 4-slot chain fits, the next packet does not. */
	ck_assert_uint_eq(tx_ok(p.s, pk + 1, 2), 1);
	ck_assert_uint_eq(rx_ok(p.m, rp, 8), 5);
	ck_assert_uint_eq(rp[4].len, 4096);
	ck_assert_int_eq(memif_rx_release(p.m, 0), MEMIF_OK);
	/* 8 slots free: a 5-slot chain after 4 packets does not fit. */
	pk[1].len = 4097;
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	tx_ok(p.s, pk, 1);
	ck_assert_uint_eq(tx_ok(p.s, pk + 1, 1), 0);
	ck_assert_uint_eq((uint16_t)(p.s->dp.txq[0]->ring->head), 12);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_tx_rejects_zero_length)
{
	static uint8_t b[8];
	struct memif_tx_pkt pk[2] = { { b, 8 }, { b, 0 } };
	struct pair p;

	pair_init(&p, 4, 256);
	ck_assert_uint_eq(BURST(memif_tx_burst, p.s, pk, 2, MEMIF_ERR_PKT_LEN),
			  1);
	pair_fini(&p);
}
END_TEST

/* A pair whose S2M ring @r the test writes by hand, as a hostile slave
 * would, and what the master receives from it. */
struct hostile {
	struct pair p;
	struct memif_ring *r;
	struct memif_rx_pkt rp[8];
};

/* Rings of 2^@log2 slots, 256-byte buffers. */
static void hostile_init(struct hostile *h, uint8_t log2)
{
	pair_init(&h->p, log2, 256);
	h->r = h->p.s->dp.txq[0]->ring;
}

START_TEST(ring_incomplete_chain_waits_then_completes_c56)
{
	struct hostile h;

	hostile_init(&h, 4);
	/* Hand-made S2M chain: publish the first fragment only. */
	h.r->desc[0].flags = MEMIF_DESC_FLAG_NEXT;
	h.r->desc[0].length = 100;
	h.r->desc[1].flags = 0;
	h.r->desc[1].length = 50;
	memif__store_release(&h.r->head, 1);
	ck_assert_uint_eq(rx_ok(h.p.m, h.rp, 4), 0);
	ck_assert_uint_eq(h.p.m->dp.rxq[0]->cursor, 0);
	memif__store_release(&h.r->head, 2);
	ck_assert_uint_eq(rx_ok(h.p.m, h.rp, 4), 1);
	ck_assert_uint_eq(h.rp[0].len, 150);
	pair_fini(&h.p);
}
END_TEST

START_TEST(ring_full_of_incomplete_chain_is_fatal_c56)
{
	uint16_t got;
	struct hostile h;
	int i;

	hostile_init(&h, 2);
	for (i = 0; i < 4; i++) {
		h.r->desc[i].flags = MEMIF_DESC_FLAG_NEXT;
		h.r->desc[i].length = 10;
	}
	memif__store_release(&h.r->head, 4);
	ck_assert_int_eq(memif_rx_burst(h.p.m, 0, h.rp, 4, &got),
			 MEMIF_ERR_DISCONNECTED);
	ck_assert(h.p.m->dp.rxq[0]->fault);
	ck_assert_int_eq(memif_rx_burst(h.p.m, 0, h.rp, 4, &got),
			 MEMIF_ERR_DISCONNECTED);
	pair_fini(&h.p);
}
END_TEST

START_TEST(ring_head_beyond_ring_size_is_fatal_c59)
{
	uint16_t got;
	struct hostile h;

	hostile_init(&h, 4);
	memif__store_release(&h.r->head, 17);
	ck_assert_int_eq(memif_rx_burst(h.p.m, 0, h.rp, 4, &got),
			 MEMIF_ERR_DISCONNECTED);
	pair_fini(&h.p);
}
END_TEST

START_TEST(ring_tail_beyond_head_is_fatal_c59)
{
	static uint8_t b[8];
	struct memif_tx_pkt pk = { b, 8 };
	uint16_t sent;
	struct pair p;

	pair_init(&p, 4, 256);
	/* The master claims to have released slots never sent. */
	memif__store_release(&p.s->dp.txq[0]->ring->tail, 5);
	ck_assert_int_eq(memif_tx_burst(p.s, 0, &pk, 1, &sent),
			 MEMIF_ERR_DISCONNECTED);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_bad_descriptors_are_dropped_and_counted_c57)
{
	struct hostile h;

	hostile_init(&h, 3);
	h.r->desc[0] = (struct memif_desc){ .region = 1, .length = 10 };
	h.r->desc[1] =
		(struct memif_desc){ .length = 16, .offset = 0xfffffff8u };
	h.r->desc[2] = (struct memif_desc){ .length = 0, .offset = 0 };
	h.r->desc[3] = (struct memif_desc){ .length = 70000, .offset = 0 };
	h.r->desc[4] = (struct memif_desc){ .length = 20,
					    .offset = 4096,
					    .flags = 0xfffe }; /* C60 */
	h.r->desc[5] = (struct memif_desc){
		.length = 8, .offset = (uint32_t)h.p.s->shm.regions[0].size - 8
	};
	memif__store_release(&h.r->head, 6);
	ck_assert_uint_eq(rx_ok(h.p.m, h.rp, 8), 2);
	ck_assert_uint_eq(h.rp[0].len, 20);
	ck_assert_uint_eq(h.rp[1].len, 8);
	ck_assert_uint_eq(h.p.m->dp.rxq[0]->st.drops_bad_desc, 4);
	/* The slots of dropped packets are released too. */
	ck_assert_uint_eq(h.p.m->dp.rxq[0]->cursor, 6);
	pair_fini(&h.p);
}
END_TEST

START_TEST(ring_master_tx_checks_slave_buffers_c58)
{
	static uint8_t b[64];
	struct memif_tx_pkt pk = { b, 64 };
	struct pair p;

	pair_init(&p, 4, 256);
	/* The slave lends a buffer that ends past its region. */
	p.s->dp.rxq[0]->ring->desc[0].offset =
		(uint32_t)p.s->shm.regions[0].size - 16;
	ck_assert_uint_eq(
		BURST(memif_tx_burst, p.m, &pk, 1, MEMIF_ERR_DISCONNECTED), 0);
	ck_assert_uint_eq(p.m->dp.txq[0]->st.drops_bad_desc, 1);
	pair_fini(&p);
}
END_TEST

START_TEST(ring_tx_alloc_commit_in_place)
{
	struct memif_tx_buf bufs[20];
	struct memif_rx_pkt rp[20];
	uint16_t n, sent, got, i;
	struct pair p;

	pair_init(&p, 4, 256);
	ck_assert_int_eq(memif_tx_alloc(p.s, 0, bufs, 20, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 16);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(bufs[i].len, 256);
		fill(bufs[i].data, 100, i);
		bufs[i].len = 100;
	}
	bufs[3].len = 257;
	ck_assert_int_eq(memif_tx_commit(p.s, 0, bufs, 5, &sent),
			 MEMIF_ERR_PKT_LEN);
	bufs[3].len = 100;
	ck_assert_int_eq(memif_tx_commit(p.s, 0, bufs, 17, &sent),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_int_eq(memif_tx_commit(p.s, 0, bufs, 5, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 5);
	got = rx_ok(p.m, rp, 20);
	ck_assert_uint_eq(got, 5);
	for (i = 0; i < got; i++)
		ck_assert(check(rp[i].data, 100, i));
	/* Master side in place, into the slave's lent buffers. */
	ck_assert_int_eq(memif_tx_alloc(p.m, 0, bufs, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++) {
		fill(bufs[i].data, 60, i + 9);
		bufs[i].len = 60;
	}
	ck_assert_int_eq(memif_tx_commit(p.m, 0, bufs, 4, &sent), MEMIF_OK);
	got = rx_ok(p.s, rp, 20);
	ck_assert_uint_eq(got, 4);
	for (i = 0; i < got; i++)
		ck_assert(check(rp[i].data, 60, i + 9));
	pair_fini(&p);
}
END_TEST

START_TEST(ring_interrupt_signal_only_when_unmasked_c62)
{
	static uint8_t b[8];
	struct memif_tx_pkt pk = { b, 8 };
	struct memif_rx_pkt rp[4];
	uint64_t v;
	struct pair p;

	pair_init(&p, 4, 256);
	/* Master polls (MASK_INT set at setup): no signal, counter stays 0. */
	tx_ok(p.s, &pk, 1);
	ck_assert_int_eq(read(p.m->dp.rxq[0]->efd, &v, 8), -1);
	ck_assert_uint_eq(p.s->dp.txq[0]->st.interrupts, 0);
	memif__queue_set_rx_mode(p.m->dp.rxq[0], MEMIF_RX_MODE_INTERRUPT);
	tx_ok(p.s, &pk, 1);
	tx_ok(p.s, &pk, 1);
	ck_assert_uint_eq(p.s->dp.txq[0]->st.interrupts, 2);
	/* Interrupt-mode rx clears the eventfd only when the ring is empty,
	 * then looks again. */
	ck_assert_uint_eq(rx_ok(p.m, rp, 4), 3);
	ck_assert_uint_eq(rx_ok(p.m, rp, 4), 0);
	ck_assert_int_eq(read(p.m->dp.rxq[0]->efd, &v, 8), -1);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.interrupts, 1);
	pair_fini(&p);
}
END_TEST

/* Edge mode: MASK_INT clear, so the transmitter signals, but memif_rx_burst
 * never reads the eventfd, even when it finds the ring empty: the counter
 * holds every signal and the rx side consumes none.  Back in level mode the
 * next empty burst clears the accumulated count. */
START_TEST(ring_edge_mode_never_reads_eventfd)
{
	static uint8_t b[8];
	struct memif_tx_pkt pk = { b, 8 };
	struct memif_rx_pkt rp[4];
	uint64_t v = 0;
	struct pair p;
	int i;

	pair_init(&p, 4, 256);
	memif__queue_set_rx_mode(p.m->dp.rxq[0], MEMIF_RX_MODE_INTERRUPT_EDGE);
	ck_assert_uint_eq(
		p.m->dp.rxq[0]->ring->flags & MEMIF_RING_FLAG_MASK_INT, 0);
	for (i = 0; i < 3; i++) {
		tx_ok(p.s, &pk, 1);
		ck_assert_uint_eq(rx_ok(p.m, rp, 4), 1);
		ck_assert_uint_eq(rx_ok(p.m, rp, 4), 0);
	}
	ck_assert_uint_eq(p.s->dp.txq[0]->st.interrupts, 3);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.interrupts, 0);
	/* Three empty bursts left the counter alone. */
	memif__queue_set_rx_mode(p.m->dp.rxq[0], MEMIF_RX_MODE_INTERRUPT);
	tx_ok(p.s, &pk, 1);
	ck_assert_uint_eq(rx_ok(p.m, rp, 4), 1);
	ck_assert_uint_eq(rx_ok(p.m, rp, 4), 0);
	/* Level mode cleared all four signals in one read. */
	ck_assert_int_eq(read(p.m->dp.rxq[0]->efd, &v, 8), -1);
	ck_assert_uint_eq(p.m->dp.rxq[0]->st.interrupts, 1);
	memif__queue_set_rx_mode(p.m->dp.rxq[0], MEMIF_RX_MODE_INTERRUPT_EDGE);
	tx_ok(p.s, &pk, 1);
	rx_ok(p.m, rp, 4);
	rx_ok(p.m, rp, 4);
	ck_assert_int_eq(read(p.m->dp.rxq[0]->efd, &v, 8), 8);
	ck_assert_uint_eq(v, 1);
	pair_fini(&p);
}
END_TEST

/* ---- two threads over the same memfd (run under TSan) ------------------- */

struct pc {
	struct pair p;
	volatile int stop; /* written before join only; read by producer */
	uint64_t sent, received, bad;
};

static uint8_t pc_buf[3002]; /* pc_buf[k] == (uint8_t)k, filled before */

static void *producer(void *arg)
{
	struct pc *pc = arg;
	const uint8_t *buf = pc_buf;
	struct memif_tx_pkt pk[32];
	uint32_t seq = 0;
	uint16_t sent, i;

	while (!__atomic_load_n(&pc->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 32; i++) {
			uint32_t len = 60 + ((seq + i) * 97) % 2900;

			pk[i].data = buf + ((seq + i) % 2);
			pk[i].len = len - ((seq + i) % 2);
		}
		if (memif_tx_burst(pc->p.s, 0, pk, 32, &sent) != MEMIF_OK)
			break;
		seq += sent;
	}
	pc->sent = seq;
	return NULL;
}

START_TEST(ring_two_threads_over_memfd_for_one_second)
{
	struct memif_rx_pkt rp[64];
	struct timespec t0, t;
	struct pc pc = { 0 };
	pthread_t th;
	uint32_t seq = 0;
	uint16_t got, i;
	int k;

	for (k = 0; k < 3002; k++)
		pc_buf[k] = (uint8_t)k;
	pair_init(&pc.p, 8, 1024);
	ck_assert_int_eq(pthread_create(&th, NULL, producer, &pc), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		got = rx_ok(pc.p.m, rp, 64);
		for (i = 0; i < got; i++, seq++) {
			uint32_t len = 60 + (seq * 97) % 2900 - (seq % 2);

			if (rp[i].len != len || rp[i].data[0] != (seq % 2) ||
			    rp[i].data[len - 1] != (uint8_t)(len - 1 + seq % 2))
				pc.bad++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		/* At least a second and enough packets to wrap the ring many
		 * times, however slowly a loaded machine schedules us. */
		if (((t.tv_sec - t0.tv_sec >= 1 && seq >= 100000) ||
		     t.tv_sec - t0.tv_sec >= 20) &&
		    !__atomic_load_n(&pc.stop, __ATOMIC_RELAXED))
			__atomic_store_n(&pc.stop, 1, __ATOMIC_RELAXED);
		if (__atomic_load_n(&pc.stop, __ATOMIC_RELAXED) && got == 0 &&
		    pc.sent && seq == pc.sent)
			break;
		if (__atomic_load_n(&pc.stop, __ATOMIC_RELAXED) && !got) {
			pthread_join(th, NULL);
			th = 0;
			if (seq == pc.sent)
				break;
		}
	}
	if (th)
		pthread_join(th, NULL);
	fprintf(stderr, "two threads: %u packets, %lu bad\n", seq,
		(unsigned long)pc.bad);
	ck_assert_uint_eq(pc.bad, 0);
	ck_assert_uint_gt(seq, 1024); /* the 256-slot ring wrapped */
	ck_assert_uint_eq(seq, pc.sent);
	pair_fini(&pc.p);
}
END_TEST

TEST_SUITE(ring_suite, "ring",
	   TEST_CASE("wraparound", 0, test_lib_setup, test_lib_teardown,
		     ring_wraps_from_0xfff0_both_directions,
		     ring_empty_full_and_full_minus_one_s2m,
		     ring_m2s_master_fills_only_refilled_slots,
		     ring_chains_cross_the_wrap, ring_chain_is_all_or_nothing,
		     ring_tx_rejects_zero_length,
		     ring_tx_alloc_commit_in_place),
	   TEST_CASE("hostile", 0, test_lib_setup, test_lib_teardown,
		     ring_incomplete_chain_waits_then_completes_c56,
		     ring_full_of_incomplete_chain_is_fatal_c56,
		     ring_head_beyond_ring_size_is_fatal_c59,
		     ring_tail_beyond_head_is_fatal_c59,
		     ring_bad_descriptors_are_dropped_and_counted_c57,
		     ring_master_tx_checks_slave_buffers_c58),
	   TEST_CASE("interrupts", 0, test_lib_setup, test_lib_teardown,
		     ring_interrupt_signal_only_when_unmasked_c62,
		     ring_edge_mode_never_reads_eventfd),
	   TEST_CASE("threads", 60, test_lib_setup, test_lib_teardown,
		     ring_two_threads_over_memfd_for_one_second))

MEMIF_TEST_MAIN(ring_suite)
