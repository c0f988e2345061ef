/* SPDX-License-Identifier: MIT */
/*
 * Negotiation as VPP does it: a default master (one queue configured)
 * takes whatever the slave asks for, and both applications read the
 * negotiated counts, ring size and buffer size in their details.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

static struct memif_details *dm, *ds;

static void setup(void)
{
	dm = calloc(1, sizeof(*dm));
	ds = calloc(1, sizeof(*ds));
	ck_assert(dm && ds);
	memif_set_log_level(MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init("test-negotiation"), MEMIF_OK);
}

static void teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(dm);
	free(ds);
}

static void wait_link(struct memif *m, struct memif *s)
{
	int i;

	for (i = 0; i < 500; i++) {
		ck_assert_int_eq(memif_get_details(m, dm), MEMIF_OK);
		ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
		if (dm->has_link && ds->has_link)
			return;
		usleep(10000);
	}
	ck_abort_msg("no link: master %d, slave %d", dm->has_link,
		     ds->has_link);
}

/* A slave asking for @rx/@tx queues of 2^@log2 slots of @buf bytes,
 * against a master with every field at its default. */
static void default_master_grants(unsigned rx, unsigned tx, unsigned log2,
				  unsigned buf)
{
	struct memif_config mc = { .if_name = "m", .is_master = true };
	struct memif_config sc = { .if_name = "s",
				   .num_rx_queues = (uint8_t)rx,
				   .num_tx_queues = (uint8_t)tx,
				   .log2_ring_size = (uint8_t)log2,
				   .buffer_size = (uint16_t)buf };
	struct memif_tx_pkt p = { .data = "x", .len = 1 };
	struct memif *m, *s;
	uint16_t sent;

	mc.socket_filename = sc.socket_filename = test_socket_name("neg");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	wait_link(m, s);
	/* The slave's RX is the master's TX. */
	ck_assert_uint_eq(ds->num_rx_queues, rx);
	ck_assert_uint_eq(ds->num_tx_queues, tx);
	ck_assert_uint_eq(dm->num_rx_queues, tx);
	ck_assert_uint_eq(dm->num_tx_queues, rx);
	ck_assert_uint_eq(dm->rx_queues[0].ring_size, 1u << log2);
	ck_assert_uint_eq(dm->tx_queues[rx - 1].ring_size, 1u << log2);
	ck_assert_uint_eq(dm->rx_queues[tx - 1].buffer_size, buf);
	ck_assert_uint_eq(ds->tx_queues[0].buffer_size, buf);
	/* Every granted queue works, the last one included. */
	ck_assert_int_eq(memif_tx_burst(m, (uint8_t)(rx - 1), &p, 1, &sent),
			 MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	ck_assert_int_eq(memif_tx_burst(s, (uint8_t)(tx - 1), &p, 1, &sent),
			 MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	if (rx < MEMIF_MAX_QUEUES) /* one past the last: not granted */
		ck_assert_int_eq(memif_tx_burst(m, (uint8_t)rx, &p, 1, &sent),
				 MEMIF_ERR_QID);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}

TEST_CALL(negotiation_default_master_grants_one_queue, default_master_grants, 1,
	  1, 10, 2048)
TEST_CALL(negotiation_default_master_grants_four_queues, default_master_grants,
	  4, 3, 8, 1024)
TEST_CALL(negotiation_default_master_grants_255_queues, default_master_grants,
	  255, 255, 4, 256)

TEST_SUITE(negotiation_suite, "negotiation",
	   TEST_CASE("default master", 60, setup, teardown,
		     negotiation_default_master_grants_one_queue,
		     negotiation_default_master_grants_four_queues,
		     negotiation_default_master_grants_255_queues))

MEMIF_TEST_MAIN(negotiation_suite)
