/* SPDX-License-Identifier: MIT */
/*
 * The data path between two processes: 1 and 8 queues in interrupt and
 * polling mode, small rings, and chained packets up to 65,535 bytes, every
 * byte and counter checked.
 */
#include <stdio.h>
#include <stdlib.h>

#include "memif_proto.h"

#include "harness.h"

/* ---- TCase queues: 1 and 8 queues, interrupt and polling ------------------ */

static void traffic_case(unsigned nq, enum memif_rx_mode mode,
			 const struct traffic *t, bool worker_is_master,
			 uint8_t log2)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	bool polling = mode == MEMIF_RX_MODE_POLLING;
	unsigned q;

	side_reset(&s);
	peer_one(&pc, worker_is_master ? "integ-master" : "integ-slave",
		 test_socket_name("traffic"), worker_is_master, nq, mode, t);
	pc.cfg[0].log2_ring_size = log2;
	worker_start(&w, worker_is_master ? "master" : "slave", &pc);
	ck_assert_int_eq(memif_init(worker_is_master ? "integ-slave" :
						       "integ-master"),
			 MEMIF_OK);
	cfg = local_cfg(&pc, worker_is_master ? "slave-if" : "master-if");
	if (worker_is_master)
		worker_do(&w, WORKER_INIT, 0, NULL);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	if (!worker_is_master)
		worker_do(&w, WORKER_INIT, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->num_rx_queues, nq);
	ck_assert_uint_eq(d->num_tx_queues, nq);
	for (q = 0; q < nq; q++) {
		ck_assert_uint_eq(d->rx_queues[q].ring_size,
				  1u << (log2 ? log2 : 10));
		ck_assert_uint_eq(!!(d->rx_queues[q].flags &
				     MEMIF_RING_FLAG_MASK_INT),
				  polling);
	}
	if (!polling) {
		int fd;

		ck_assert_int_eq(memif_get_queue_interrupt_fd(s.m, (uint8_t)nq,
							      &fd),
				 MEMIF_ERR_QID);
	}
	traffic_with_worker(&w, 0, &s, t, !worker_is_master, nq, polling);
	worker_finish(&w);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}

/* The test @name: traffic_case with @count packets of the small lengths
 * per queue and direction, the other arguments as given. */
#define SMALL_TRAFFIC_TEST(name, count, nq, mode, worker_is_master, log2) \
	START_TEST(name)                                                  \
	{                                                                 \
		static const struct traffic t = { count, small_lens, 8 }; \
                                                                          \
		traffic_case(nq, mode, &t, worker_is_master, log2);       \
	}                                                                 \
	END_TEST

SMALL_TRAFFIC_TEST(integration_one_queue_interrupt_c63, 3000, 1,
		   MEMIF_RX_MODE_INTERRUPT, false, 0)
SMALL_TRAFFIC_TEST(integration_eight_queues_interrupt_c63, 3000, 8,
		   MEMIF_RX_MODE_INTERRUPT, true, 0)
SMALL_TRAFFIC_TEST(integration_one_queue_polling_c62, 3000, 1,
		   MEMIF_RX_MODE_POLLING, true, 0)
SMALL_TRAFFIC_TEST(integration_eight_queues_polling_c62, 3000, 8,
		   MEMIF_RX_MODE_POLLING, false, 0)
/* Small rings: many index wraps with 8 queues. */
SMALL_TRAFFIC_TEST(integration_eight_queues_small_rings, 2000, 8,
		   MEMIF_RX_MODE_INTERRUPT, false, 6)

/*
 * A master may send from its on_connect (the slave lends its M2S buffers
 * before CONNECT).  A polling slave must have masked those rings by then:
 * the master's TX never signals it (C62, C63: MASK_INT is set at connect
 * on every ring the receiver polls).  The master's on_connect races with
 * the slave's handling of CONNECTED, so 50 connections give the race many
 * chances.
 */
START_TEST(integration_polling_slave_never_signalled_from_on_connect_c63)
{
	struct memif_details *d = details_new();
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	unsigned q, signalled = 0, first = 0;
	int i;

	cfg = master_for_slave(&s, &w, &pc, test_socket_name("pollcb"), 2,
			       MEMIF_RX_MODE_POLLING, NULL);
	s.tx_in_cb = 2;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	for (i = 0; i < 50; i++) {
		worker_do(&w, WORKER_CONNECTED, 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		ck_assert_int_eq(ld(&s.tx_in_cb_bad), 0);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		for (q = 0; q < 2; q++) {
			ck_assert_uint_eq(d->tx_queues[q].packets, TX_IN_CB);
			if (d->tx_queues[q].interrupts && !signalled++)
				first = (unsigned)i;
		}
		worker_do(&w, WORKER_CLOSE, 0, NULL);
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		worker_do(&w, WORKER_REOPEN, 0, NULL);
	}
	fprintf(stderr,
		"polling slave: signalled by on_connect TX on %u of 100 "
		"queue connections\n",
		signalled);
	ck_assert_msg(signalled == 0,
		      "the master's TX from on_connect signalled the polling "
		      "slave on %u of 100 queue connections (first in "
		      "connection %u): MASK_INT was not yet set",
		      signalled, first);
	side_close_finish(&s, &w);
	free(d);
}
END_TEST

/* ---- TCase large: chained packets ---------------------------------------- */

START_TEST(integration_9000_byte_packets_c55)
{
	static const uint32_t lens[] = { 9000 };
	/* 5 slots each: 15,000 slots, the 1,024-slot ring wraps ~15 times. */
	static const struct traffic t = { 3000, lens, 1 };

	traffic_case(1, MEMIF_RX_MODE_INTERRUPT, &t, false, 0);
}
END_TEST

START_TEST(integration_65535_byte_packets_c52_c55)
{
	static const uint32_t lens[] = { 65535 };
	/* 32 slots each: 67,200 slots, past the u16 index wrap. */
	static const struct traffic t = { 2100, lens, 1 };

	traffic_case(1, MEMIF_RX_MODE_INTERRUPT, &t, true, 0);
}
END_TEST

/* Lengths on and around the 2,048-byte slot boundary, mixed with the
 * largest, so chains start at every ring position. */
START_TEST(integration_chain_boundaries_c55)
{
	static const uint32_t lens[] = { 2047, 2048, 2049, 4096, 4097, 65535,
					 1,    9000, 6143, 6144, 6145 };
	static const struct traffic t = { 1500, lens, 11 };

	traffic_case(1, MEMIF_RX_MODE_POLLING, &t, false, 0);
}
END_TEST

TEST_SUITE(
	integration_datapath_suite, "integration-datapath",
	TEST_CASE("queues", 120, NULL, NULL,
		  integration_one_queue_interrupt_c63,
		  integration_eight_queues_interrupt_c63,
		  integration_one_queue_polling_c62,
		  integration_eight_queues_polling_c62,
		  integration_eight_queues_small_rings,
		  integration_polling_slave_never_signalled_from_on_connect_c63),
	TEST_CASE("large", 120, NULL, NULL, integration_9000_byte_packets_c55,
		  integration_65535_byte_packets_c52_c55,
		  integration_chain_boundaries_c55))

MEMIF_TEST_MAIN(integration_datapath_suite)
