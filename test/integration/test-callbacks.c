/* SPDX-License-Identifier: MIT */
/*
 * The callback contract: memif_close from on_connect is deferred,
 * memif_cleanup from a callback refuses, and no on_disconnect ever comes
 * without its on_connect.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* ---- TCase callbacks ------------------------------------------------------ */

START_TEST(integration_close_in_on_connect_is_deferred)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	char text[ERRSZ];

	peer_one(&pc, "integ-master", test_socket_name("selfclose"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	cfg = local_cfg(&pc, "slave-if");
	side_reset(&s);
	s.close_in_cb = true;
	s.cleanup_in_cb = true;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	/* on_connect closes its own interface (deferred until it returns)
	 * and tries memif_cleanup, which must refuse. */
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.close_ret), MEMIF_OK);
	ck_assert_int_eq(ld(&s.cleanup_ret), MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	ck_assert_int_eq(ld(&s.bad_ptr), 0);
	ck_assert_ptr_eq(ldp(&s.cb_m), s.m);
	/* The master got our DISCONNECT.  Its own callbacks are paired but
	 * may not have run at all: the link can come and go before its loop
	 * gets to on_connect. */
	worker_do(&w, WORKER_LINK_LOST, 0, text);
	ck_assert_str_eq(text, "interface deleted|connects=1");
	worker_do(&w, WORKER_STATE, 0, text);
	fprintf(stderr, "self-close: master callbacks %s\n", text);
	ck_assert_msg(!strcmp(text, "up=1 down=1") ||
			      !strcmp(text, "up=0 down=0"),
		      "master callbacks: %s", text);
	/* The handle is gone: nothing reconnects, nothing more fires. */
	sleep_ms(300);
	ck_assert_int_eq(ld(&s.up), 1);
	ck_assert_int_eq(ld(&s.down), 1);
	{
		char again[ERRSZ];

		worker_do(&w, WORKER_STATE, 0, again);
		ck_assert_str_eq(again, text);
		worker_do(&w, WORKER_LINK_LOST, 0, again);
		ck_assert_str_eq(again, "interface deleted|connects=1");
	}
	/* The library is still usable, and cleanup works from here. */
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

START_TEST(integration_cleanup_in_callback_would_deadlock)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;

	cfg = master_for_slave(&s, &w, &pc, test_socket_name("cbclean"), 1,
			       MEMIF_RX_MODE_INTERRUPT, NULL);
	s.cleanup_in_cb = true;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(ld(&s.up) == 1, CONNECT_MS);
	ck_assert_int_eq(ld(&s.cleanup_ret), MEMIF_ERR_WOULD_DEADLOCK);
	/* Nothing was torn down by the refused call. */
	ck_assert(side_connected(&s));
	worker_do(&w, WORKER_STATE, 0, NULL);
	worker_finish(&w);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

START_TEST(integration_no_disconnect_without_connect)
{
	struct memif_config cfg = { .if_name = "lonely",
				    .conn_id = 1,
				    .reconnect_interval_ms = 20 };
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	char sock[64];
	int codes[64], n;

	/* 1: the master never exists. */
	snprintf(sock, sizeof(sock), "%s", test_socket_name("nomaster"));
	cfg.socket_filename = sock;
	/* 2: a master that refuses every attempt mid-handshake. */
	peer_one(&pc, "integ-master", test_socket_name("refuser"), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	pc.cfg[0].secret = "right";
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	side_reset(&s);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	sleep_ms(300);
	n = read_errors(s.m, codes, 64);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_CONNREFUSED);
	side_close_after(&s, 0);

	worker_do(&w, WORKER_INIT, 0, NULL);
	side_reset(&s);
	cfg = local_cfg(&pc, "slave-if");
	cfg.secret = "wrong";
	cfg.reconnect_interval_ms = 20;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	WAIT_OK(read_errors(s.m, codes, 64) > 0, CONNECT_MS);
	sleep_ms(200);
	side_close_finish(&s, &w);
	/* Refused every time: no callback either way. */
	ck_assert_int_eq(ld(&s.up), 0);
	ck_assert_int_eq(ld(&s.down), 0);
}
END_TEST

TEST_SUITE(integration_callbacks_suite, "integration-callbacks",
	   TEST_CASE("callbacks", 60, NULL, NULL,
		     integration_close_in_on_connect_is_deferred,
		     integration_cleanup_in_callback_would_deadlock,
		     integration_no_disconnect_without_connect))

MEMIF_TEST_MAIN(integration_callbacks_suite)
