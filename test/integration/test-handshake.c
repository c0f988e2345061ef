/* SPDX-License-Identifier: MIT */
/*
 * Handshake over real sockets: master first, slave first (retrying on its
 * own period), and two interfaces on one socket, told apart by their ids.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- TCase order: master first, slave first ------------------------------ */

/* The traffic of the first two tests. */
static const struct traffic order_traffic = { 500, small_lens, 8 };

START_TEST(integration_master_first_connects_c41)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;

	master_with_slave(&s, &w, &pc, test_socket_name("mfirst"),
			  MEMIF_RX_MODE_INTERRUPT, &order_traffic);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(d->is_master);
	ck_assert_str_eq(d->remote_if_name, "slave-if");
	ck_assert_str_eq(d->remote_instance_name, "integ-slave");
	ck_assert_uint_eq(d->connects, 1);
	ck_assert_uint_eq(d->num_rx_queues, 1);
	ck_assert_uint_eq(d->num_tx_queues, 1);
	/* The slave's ring geometry: 2^10 slots each. */
	ck_assert_uint_eq(d->rx_queues[0].ring_size, 1024);
	ck_assert_uint_eq(d->tx_queues[0].ring_size, 1024);
	traffic_with_worker(&w, 0, &s, &order_traffic, true, 1, false);
	worker_finish(&w);
	/* The slave closed: DISCONNECT "interface deleted", then our
	 * on_disconnect. */
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(!d->has_link);
	ck_assert_str_eq(d->remote_disconnect_reason, "interface deleted");
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(ld(&s.bad_ptr), 0);
	side_close_after(&s, 1);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

START_TEST(integration_slave_first_retries_c47)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	/* The worker is the slave; our master is created after it starts. */
	struct memif_config cfg =
		master_for_slave(&s, &w, &pc, test_socket_name("sfirst"), 1,
				 MEMIF_RX_MODE_INTERRUPT, &order_traffic);
	char text[ERRSZ];
	uint64_t t0, dt;

	worker_do(&w, WORKER_INIT, 0, NULL);
	/* A few reconnect periods with no master: still no link. */
	sleep_ms(350);
	worker_do(&w, WORKER_STATE, 0, text);
	ck_assert_str_eq(text, "up=0 down=0");
	t0 = test_now_ms();
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	dt = test_now_ms() - t0;
	fprintf(stderr,
		"slave-first: connected %llu ms after the master came up\n",
		(unsigned long long)dt);
	/* Retried on its 100 ms period, not the 2 s default (which would
	 * leave ~1,650 ms to wait here). */
	ck_assert_uint_lt(dt, 800);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_if_name, "slave-if");
	traffic_with_worker(&w, 0, &s, &order_traffic, true, 1, false);
	worker_finish(&w);
	side_close_after(&s, 1);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* The slave refused while nothing listens: the error queue says so once,
 * and a slave in this process connects when the worker master appears. */
START_TEST(integration_slave_first_in_test_process_c47)
{
	static const struct traffic t = { 300, small_lens, 8 };
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	int codes[64], n, efd;
	struct pollfd p;

	side_reset(&s);
	peer_one(&pc, "integ-master", test_socket_name("sfirst2"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, &t);
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	cfg = local_cfg(&pc, "slave-if");
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s.m, &efd), MEMIF_OK);
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	sleep_ms(350);
	n = read_errors(s.m, codes, 64);
	/* Reported once per distinct error, not every retry. */
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_CONNREFUSED);
	p.revents = 0;
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert(!side_linked(&s));
	worker_do(&w, WORKER_INIT, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	traffic_with_worker(&w, 0, &s, &t, false, 1, false);
	ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
	ck_assert_int_eq(ld(&s.down), 1);
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase sharing: two interfaces on one socket -------------------------- */

/* Two interfaces sharing one socket on each side, with traffic on both at
 * once: the set-up of two flows is most of its length. */
START_TEST(integration_two_interfaces_one_socket_c40)
{
	static const struct traffic t0 = { 1500, small_lens, 8 };
	static const uint32_t l1[] = { 9000, 100, 3000 };
	static const struct traffic t1 = { 700, l1, 3 };
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s[2];
	struct memif_config cfg;
	struct flow *f[2];
	char err[ERRSZ], text[ERRSZ];
	const char *sock = test_socket_name("shared");
	int i;

	memset(&pc, 0, sizeof(pc));
	pc.app = "integ-master";
	pc.n_ifs = 2;
	for (i = 0; i < 2; i++) {
		snprintf(pc.sock[i], sizeof(pc.sock[i]), "%s", sock);
		snprintf(pc.name[i], sizeof(pc.name[i]), "master-if%d", i);
		pc.cfg[i].conn_id = 100 + (uint32_t)i;
		pc.cfg[i].is_master = true;
		pc.nq[i] = (unsigned)i + 2; /* 2 and 3 queues */
		pc.cfg[i].num_rx_queues = (uint8_t)pc.nq[i];
		pc.cfg[i].num_tx_queues = (uint8_t)pc.nq[i];
		pc.tr[i] = i ? t1 : t0;
	}
	worker_start(&w, "masters", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	for (i = 0; i < 2; i++) {
		char name[32];

		side_reset(&s[i]);
		snprintf(name, sizeof(name), "slave-if%d", i);
		cfg = pc.cfg[i];
		cfg.is_master = false;
		cfg.if_name = name;
		cfg.reconnect_interval_ms = 100;
		ck_assert_int_eq(side_create(&s[i], &cfg), MEMIF_OK);
	}
	for (i = 0; i < 2; i++) {
		worker_do(&w, WORKER_CONNECTED, (unsigned char)i, NULL);
		WAIT_OK(side_connected(&s[i]), CONNECT_MS);
		ck_assert_int_eq(memif_get_details(s[i].m, d), MEMIF_OK);
		ck_assert_uint_eq(d->num_rx_queues, pc.nq[i]);
		ck_assert_uint_eq(d->num_tx_queues, pc.nq[i]);
		snprintf(text, sizeof(text), "master-if%d", i);
		ck_assert_str_eq(d->remote_if_name, text);
	}
	/* Both at once: the worker runs interface 0, then 1; we run both
	 * concurrently in one loop.  Interface tags differ, so a packet
	 * crossing over fails the payload check. */
	f[0] = calloc(1, sizeof(**f));
	f[1] = calloc(1, sizeof(**f));
	ck_assert(f[0] && f[1]);
	for (i = 0; i < 2; i++)
		ck_assert_msg(flow_init(f[i], s[i].m, i ? &t1 : &t0,
					'S' << 8 | (uint32_t)i,
					'M' << 8 | (uint32_t)i, pc.nq[i], true),
			      "%s", f[i]->err);
	worker_send(&w, WORKER_TRAFFIC, 0);
	worker_send(&w, WORKER_TRAFFIC, 1);
	ck_assert_msg(flows_run(f, 2, FLOW_MS, err), "%s", err);
	worker_expect(&w, WORKER_TRAFFIC, NULL, REPLY_MS);
	worker_expect(&w, WORKER_TRAFFIC, NULL, REPLY_MS);
	for (i = 0; i < 2; i++) {
		flow_free(f[i]);
		free(f[i]);
	}
	/* Close slave 0: only master 0 goes down; 1 keeps passing traffic. */
	ck_assert_int_eq(memif_close(s[0].m), MEMIF_OK);
	s[0].m = NULL;
	worker_do(&w, WORKER_DOWN, 1, text);
	ck_assert_str_eq(text, "interface deleted");
	worker_do(&w, WORKER_STATE, 1, text);
	ck_assert_str_eq(text, "up=1 down=0");
	ck_assert(side_connected(&s[1]));
	traffic_with_worker(&w, 1, &s[1], &t1, false, 3, false);
	ck_assert_int_eq(ld(&s[1].down), 0);
	side_close_finish(&s[1], &w);
	free(d);
}
END_TEST

TEST_SUITE(integration_handshake_suite, "integration-handshake",
	   TEST_CASE("order", 60, NULL, NULL,
		     integration_master_first_connects_c41,
		     integration_slave_first_retries_c47,
		     integration_slave_first_in_test_process_c47),
	   TEST_CASE("sharing", 90, NULL, NULL,
		     integration_two_interfaces_one_socket_c40))

MEMIF_TEST_MAIN(integration_handshake_suite)
