/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle: a peer that crashes or leaves and comes back, and 1,000
 * connect/close cycles that must not grow the number of open fds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

/* ---- TCase restart ------------------------------------------------------- */

/* The traffic after each restart, in both tests. */
static const struct traffic restart_traffic = { 500, small_lens, 8 };

/* Three workers of one peer (role @worker_master, named "master#1".."#3"
 * or "slave#1".."#3"), started but not initialised, and this process's
 * interface of the other role, created. */
static void three_workers(struct worker w[3], struct peer_cfg *pc,
			  struct side *s, bool worker_master, const char *sock,
			  const struct traffic *t)
{
	static const char *const names[2][3] = {
		{ "slave#1", "slave#2", "slave#3" },
		{ "master#1", "master#2", "master#3" },
	};
	struct memif_config cfg;
	int i;

	side_reset(s);
	peer_one(pc, worker_master ? "integ-master" : "integ-slave", sock,
		 worker_master, 2, MEMIF_RX_MODE_INTERRUPT, t);
	for (i = 0; i < 3; i++)
		worker_start(&w[i], names[worker_master][i], pc);
	ck_assert_int_eq(memif_init(worker_master ? "integ-slave" :
						    "integ-master"),
			 MEMIF_OK);
	cfg = local_cfg(pc, worker_master ? "slave-if" : "master-if");
	ck_assert_int_eq(side_create(s, &cfg), MEMIF_OK);
}

START_TEST(integration_slave_reconnects_after_master_restart_c51)
{
	struct memif_details *d = details_new();
	struct worker w[3];
	struct peer_cfg pc;
	struct side s;
	char text[ERRSZ];
	int codes[64], n;

	three_workers(w, &pc, &s, true, test_socket_name("mrestart"),
		      &restart_traffic);

	/* master#1: connect, traffic, crash (SIGKILL). */
	worker_do(&w[0], WORKER_INIT, 0, NULL);
	worker_do(&w[0], WORKER_CONNECTED, 0, NULL);
	traffic_with_worker(&w[0], 0, &s, &restart_traffic, false, 2, false);
	(void)read_errors(s.m, codes, 64);
	worker_kill(&w[0]);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert(!d->has_link);
	n = read_errors(s.m, codes, 64);
	ck_assert_int_ge(n, 1);
	/* EOF on the control channel, no DISCONNECT: "peer closed". */
	ck_assert_int_eq(codes[0], MEMIF_ERR_DISCONNECTED);
	/* The data path of the dead connection is refused. */
	{
		struct memif_rx_pkt pk[1];
		uint16_t nr = 9;

		ck_assert_int_eq(memif_rx_burst(s.m, 0, pk, 1, &nr),
				 MEMIF_ERR_DISCONNECTED);
		ck_assert_uint_eq(nr, 0);
	}

	/* master#2: the slave finds it on its own, traffic flows again. */
	worker_do(&w[1], WORKER_INIT, 0, text);
	fprintf(stderr, "master#2 after a crash: %s ms with the name in use\n",
		text);
	worker_do(&w[1], WORKER_CONNECTED, 0, NULL);
	WAIT_OK(ld(&s.up) == 2, CONNECT_MS);
	traffic_with_worker(&w[1], 0, &s, &restart_traffic, false, 2, false);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->connects, 2);
	/* An orderly exit this time: DISCONNECT with its reason. */
	worker_finish(&w[1]);
	WAIT_OK(ld(&s.down) == 2, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_disconnect_reason, "interface deleted");
	n = read_errors(s.m, codes, 64);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_DISCONNECT);

	/* master#3. */
	worker_do(&w[2], WORKER_INIT, 0, NULL);
	worker_do(&w[2], WORKER_CONNECTED, 0, NULL);
	WAIT_OK(ld(&s.up) == 3, CONNECT_MS);
	traffic_with_worker(&w[2], 0, &s, &restart_traffic, false, 2, false);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->connects, 3);
	side_close_after(&s, 3);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	worker_finish(&w[2]);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

START_TEST(integration_master_accepts_restarted_slave_c38)
{
	struct memif_details *d = details_new();
	struct worker w[3];
	struct peer_cfg pc;
	struct side s;
	int i;

	three_workers(w, &pc, &s, false, test_socket_name("srestart"),
		      &restart_traffic);

	for (i = 0; i < 3; i++) {
		worker_do(&w[i], WORKER_INIT, 0, NULL);
		worker_do(&w[i], WORKER_CONNECTED, 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		traffic_with_worker(&w[i], 0, &s, &restart_traffic, true, 2,
				    false);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		ck_assert_uint_eq(d->connects, (unsigned)i + 1);
		if (i == 0) {
			worker_kill(&w[i]); /* crash */
		} else if (i == 1) {
			worker_finish(&w[i]); /* orderly */
		} else {
			break;
		}
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
		ck_assert(!d->has_link);
		if (i == 1)
			ck_assert_str_eq(d->remote_disconnect_reason,
					 "interface deleted");
	}
	side_close_after(&s, 3);
	ck_assert_int_eq(ld(&s.bad_order), 0);
	/* The slave saw our DISCONNECT. */
	{
		char text[ERRSZ];

		worker_do(&w[2], WORKER_DOWN, 1, text);
		ck_assert_str_eq(text, "interface deleted");
	}
	worker_finish(&w[2]);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}
END_TEST

/* ---- TCase cycles: 1,000 connects without fd growth ----------------------- */

/* One packet each way on queue 0, both interfaces in this thread. */
static bool ping_pair(struct memif *a, struct memif *b, char *err)
{
	static const uint32_t lens[] = { 200 };
	static const struct traffic t = { 1, lens, 1 };
	struct flow *f[2];
	bool ok;

	f[0] = calloc(1, sizeof(**f));
	f[1] = calloc(1, sizeof(**f));
	ok = f[0] && f[1] && flow_init(f[0], a, &t, 'A', 'B', 1, false) &&
	     flow_init(f[1], b, &t, 'B', 'A', 1, false);
	if (!ok)
		failf(err, "flow_init");
	else
		ok = flows_run(f, 2, 10000, err);
	if (f[0])
		flow_free(f[0]);
	if (f[1])
		flow_free(f[1]);
	free(f[0]);
	free(f[1]);
	return ok;
}

/* Connections are freed when their cancelled recv completes: give the
 * event thread a moment to reach the baseline before comparing. */
static int settle_fds(int want)
{
	int n = test_count_fds();

	WAIT_UNTIL((n = test_count_fds()) == want, 2000);
	return n;
}

/*
 * 500 cycles against one interface that stays: the other side (the
 * master's when @master_cycles, else the slave's) is created, connects,
 * passes a ping and closes, and both sides see it go down.  Then the one
 * that stayed closes.  The fd count afterwards, settled towards @fds_init.
 */
static int cycles(struct side *ms, const struct memif_config *mc,
		  struct side *ss, const struct memif_config *sc,
		  bool master_cycles, int fds_init)
{
	struct side *cyc = master_cycles ? ms : ss;
	struct side *stay = master_cycles ? ss : ms;
	const char *cn = master_cycles ? "master" : "slave";
	const char *sn = master_cycles ? "slave" : "master";
	char err[ERRSZ];
	int i, ret;

	side_reset(stay);
	ck_assert_int_eq(side_create(stay, master_cycles ? sc : mc), MEMIF_OK);
	for (i = 0; i < 500; i++) {
		side_reset(cyc);
		ret = side_create(cyc, master_cycles ? mc : sc);
		ck_assert_msg(ret == MEMIF_OK,
			      "cycle %d: %s create: %s (errno %d)", i, cn,
			      memif_strerror(ret), memif_errno());
		ck_assert_msg(WAIT_UNTIL(side_connected(cyc) &&
						 ld(&stay->up) == i + 1,
					 CONNECT_MS),
			      "cycle %d: %s up %d, %s up %d", i, cn,
			      ld(&cyc->up), sn, ld(&stay->up));
		ck_assert_msg(ping_pair(ms->m, ss->m, err), "cycle %d: %s", i,
			      err);
		ck_assert_int_eq(memif_close(cyc->m), MEMIF_OK);
		ck_assert_int_eq(ld(&cyc->down), 1);
		ck_assert_msg(WAIT_UNTIL(ld(&stay->down) == i + 1, CONNECT_MS),
			      "cycle %d: %s down %d", i, sn, ld(&stay->down));
	}
	ck_assert_int_eq(memif_close(stay->m), MEMIF_OK);
	ck_assert_int_eq(ld(&stay->bad_order), 0);
	return settle_fds(fds_init);
}

START_TEST(integration_1000_cycles_no_fd_growth_c68)
{
	struct memif_config mc = { .if_name = "cyc-master",
				   .is_master = true,
				   .conn_id = 3 };
	struct memif_config sc = { .if_name = "cyc-slave",
				   .conn_id = 3,
				   .reconnect_interval_ms = 1,
				   .log2_ring_size = 6 };
	struct side ms, ss;
	char sock[64];
	int fds0, fds_init, fds_a, fds_b, fds_end;
	uint64_t t0 = test_now_ms();

	snprintf(sock, sizeof(sock), "%s", test_socket_name("cycles"));
	mc.socket_filename = sock;
	sc.socket_filename = sock;
	mc.log2_ring_size = 6;
	fds0 = test_count_fds();
	ck_assert_int_eq(memif_init("integ-cycles"), MEMIF_OK);
	fds_init = test_count_fds();

	/* 500 cycles: the slave closes and is created again. */
	fds_a = cycles(&ms, &mc, &ss, &sc, false, fds_init);
	/* 500 cycles: the master closes and is created again; one slave
	 * reconnects every time. */
	fds_b = cycles(&ms, &mc, &ss, &sc, true, fds_init);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	fds_end = test_count_fds();
	fprintf(stderr,
		"1000 cycles in %llu ms: fds before=%d after=%d (library up: "
		"before=%d, after 500 slave cycles=%d, after 500 master "
		"cycles=%d)\n",
		(unsigned long long)(test_now_ms() - t0), fds0, fds_end,
		fds_init, fds_a, fds_b);
	ck_assert_int_eq(fds_a, fds_init);
	ck_assert_int_eq(fds_b, fds_init);
	ck_assert_int_eq(fds_end, fds0);
}
END_TEST

/* The same across processes: a worker slave comes and goes 100 times, and
 * the master's fds return to the same number each time. */
START_TEST(integration_worker_cycles_no_fd_growth_c68)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	int fds_idle, fds_up = -1, i;

	cfg = master_for_slave(&s, &w, &pc, test_socket_name("wcycles"), 2,
			       MEMIF_RX_MODE_INTERRUPT, NULL);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	fds_idle = test_count_fds();
	worker_do(&w, WORKER_INIT, 0, NULL);
	for (i = 0; i < 100; i++) {
		int n;

		worker_do(&w, WORKER_CONNECTED, 0, NULL);
		WAIT_OK(ld(&s.up) == i + 1, CONNECT_MS);
		n = test_count_fds();
		if (fds_up < 0)
			fds_up = n;
		ck_assert_msg(n == fds_up,
			      "cycle %d: %d fds connected, first %d", i, n,
			      fds_up);
		worker_do(&w, WORKER_CLOSE, 0, NULL);
		WAIT_OK(ld(&s.down) == i + 1, CONNECT_MS);
		n = settle_fds(fds_idle);
		ck_assert_msg(n == fds_idle, "cycle %d: %d fds idle, first %d",
			      i, n, fds_idle);
		worker_do(&w, WORKER_REOPEN, 0, NULL);
	}
	fprintf(stderr, "worker cycles: master fds idle=%d connected=%d\n",
		fds_idle, fds_up);
	side_close_finish(&s, &w);
}
END_TEST

TEST_SUITE(integration_lifecycle_suite, "integration-lifecycle",
	   TEST_CASE("restart", 90, NULL, NULL,
		     integration_slave_reconnects_after_master_restart_c51,
		     integration_master_accepts_restarted_slave_c38),
	   TEST_CASE("cycles", 120, NULL, NULL,
		     integration_1000_cycles_no_fd_growth_c68,
		     integration_worker_cycles_no_fd_growth_c68))

MEMIF_TEST_MAIN(integration_lifecycle_suite)
