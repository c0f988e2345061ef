/* SPDX-License-Identifier: MIT */
/*
 * Refusals: a master refuses a slave with the wrong secret, id or mode,
 * with its DISCONNECT reason on both sides; the right secret connects.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

/* ---- TCase refused: DISCONNECT reasons ----------------------------------- */

/*
 * The worker is the master; the test process is a slave that the master
 * must refuse with @reason, again on every retry.  The slave sees the
 * reason in its details and the error @code it stands for on its error fd,
 * never a link or a callback.  The master's interface (when the slave
 * named one that exists) records the refusal and the slave's name.
 */
static void refused_case(const char *tag, const char *master_secret,
			 const char *slave_secret, uint32_t slave_id,
			 enum memif_if_mode slave_mode, const char *reason,
			 int code)
{
	struct memif_details *d = details_new();
	struct worker w;
	struct peer_cfg pc;
	struct side s;
	struct memif_config cfg;
	char text[ERRSZ];
	int codes[64], n = 0, i, efd;
	struct pollfd p;

	side_reset(&s);
	peer_one(&pc, "integ-master", test_socket_name(tag), true, 1,
		 MEMIF_RX_MODE_INTERRUPT, NULL);
	pc.cfg[0].secret = master_secret;
	worker_start(&w, "master", &pc);
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	worker_do(&w, WORKER_INIT, 0, NULL);
	cfg = local_cfg(&pc, "slave-if");
	cfg.secret = slave_secret;
	cfg.conn_id = slave_id;
	cfg.mode = slave_mode;
	cfg.reconnect_interval_ms = 50;
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s.m, &efd), MEMIF_OK);
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, CONNECT_MS), 1);
	/* Refused at least twice: the slave retries after a DISCONNECT. */
	{
		uint64_t end = test_now_ms() + CONNECT_MS;

		while (n < 2 && test_now_ms() < end) {
			int k = read_errors(s.m, codes + n, 64 - n);

			n += k < 64 - n ? k : 64 - n;
			sleep_ms(5);
		}
	}
	ck_assert_int_ge(n, 2);
	for (i = 0; i < n; i++)
		ck_assert_msg(codes[i] == code,
			      "error %d is %d (%s), expected %d", i, codes[i],
			      memif_strerror(codes[i]), code);
	ck_assert_int_eq(memif_get_details(s.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_disconnect_reason, reason);
	ck_assert(!d->has_link);
	ck_assert_uint_eq(d->connects, 0);
	/* No on_connect, so no on_disconnect either. */
	side_close_after(&s, 0);
	worker_do(&w, WORKER_STATE, 0, text);
	ck_assert_str_eq(text, "up=0 down=0");
	worker_do(&w, WORKER_REFUSAL, 0, text);
	if (code == MEMIF_ERR_ID) {
		ck_assert_str_eq(text, "|"); /* no interface was named */
	} else {
		char want[ERRSZ];

		snprintf(want, sizeof(want), "%s|integ-slave", reason);
		ck_assert_str_eq(text, want);
	}
	worker_finish(&w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(d);
}

START_TEST(integration_wrong_secret_refused_c20)
{
	refused_case("secret", "abc", "abd", 7, MEMIF_IF_MODE_ETHERNET,
		     "incorrect secret", MEMIF_ERR_SECRET);
}
END_TEST

START_TEST(integration_missing_secret_refused_c20)
{
	refused_case("nosecret", "abc", NULL, 7, MEMIF_IF_MODE_ETHERNET,
		     "secret required", MEMIF_ERR_NOSECRET);
}
END_TEST

START_TEST(integration_unknown_id_refused_c17)
{
	refused_case("id", NULL, NULL, 8, MEMIF_IF_MODE_ETHERNET,
		     "unmatched interface id", MEMIF_ERR_ID);
}
END_TEST

START_TEST(integration_mode_mismatch_refused_c19)
{
	refused_case("mode", NULL, NULL, 7, MEMIF_IF_MODE_IP, "mode mismatch",
		     MEMIF_ERR_MODE);
}
END_TEST

/* The positive side of C20/C21: the right secret connects, and a secret
 * offered to a master without one is accepted. */
START_TEST(integration_secret_accepted_c20_c21)
{
	static const struct traffic t = { 200, small_lens, 8 };
	static const char *const ms[2] = { "abc", NULL };
	static const char *const ss[2] = { "abc", "xyz" };
	struct worker w[2];
	struct peer_cfg pc[2];
	struct side s;
	struct memif_config cfg;
	char err[ERRSZ];
	int i;

	for (i = 0; i < 2; i++) {
		peer_one(&pc[i], "integ-master", test_socket_name("secretok"),
			 true, 1, MEMIF_RX_MODE_INTERRUPT, &t);
		pc[i].cfg[0].secret = ms[i];
		worker_start(&w[i], "master", &pc[i]);
	}
	ck_assert_int_eq(memif_init("integ-slave"), MEMIF_OK);
	for (i = 0; i < 2; i++) {
		side_reset(&s);
		worker_do(&w[i], WORKER_INIT, 0, NULL);
		cfg = local_cfg(&pc[i], "slave-if");
		cfg.secret = ss[i];
		ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
		worker_do(&w[i], WORKER_CONNECTED, 0, NULL);
		worker_send(&w[i], WORKER_TRAFFIC, 0);
		ck_assert_msg(run_traffic(&s, &t, false, 0, 1, false, err),
			      "case %d: %s", i, err);
		worker_expect(&w[i], WORKER_TRAFFIC, NULL, REPLY_MS);
		ck_assert_int_eq(memif_close(s.m), MEMIF_OK);
		ck_assert_int_eq(ld(&s.down), 1);
		worker_finish(&w[i]);
	}
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

TEST_SUITE(integration_refusals_suite, "integration-refusals",
	   TEST_CASE("refused", 60, NULL, NULL,
		     integration_wrong_secret_refused_c20,
		     integration_missing_secret_refused_c20,
		     integration_unknown_id_refused_c17,
		     integration_mode_mismatch_refused_c19,
		     integration_secret_accepted_c20_c21))

MEMIF_TEST_MAIN(integration_refusals_suite)
