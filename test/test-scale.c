/* SPDX-License-Identifier: MIT */
/*
 * Many interfaces on one socket: a burst of good slaves is not mistaken for
 * idle peers.  The cap on unauthenticated connections (32 per socket) must
 * drop only connections that have said nothing, and the listen backlog
 * must hold a burst, so that every slave connects at its first attempt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "raw-peer.h"

#define N 256

static int up;
static int dropped; /* log lines about dropping a pending connection */
static int fds_before;

static void sink(enum memif_log_level level, const char *if_name, int queue_id,
		 int err_code, const char *msg, void *ctx)
{
	if (getenv("SCALE_DEBUG"))
		fprintf(stderr, "%s: %s\n", if_name ? if_name : "-", msg);
	if (strstr(msg, "dropping"))
		__atomic_add_fetch(&dropped, 1, __ATOMIC_SEQ_CST);
}

/* @up counts the interfaces up. */
static const struct memif_callbacks cbs = { test_count_up, test_count_down,
					    &up };

/* @n masters (ids 0..n-1) and @n slaves on one socket; slaves retry only
 * after 10 s, so one refused or dropped attempt fails the time bound. */
static void burst_connects(unsigned n, unsigned n_idle)
{
	static struct memif *ms[N], *ss[N];
	struct memif_config mc = { .is_master = true,
				   .log2_ring_size = 4,
				   .handshake_timeout_ms = 10000 };
	struct memif_config sc = { .log2_ring_size = 4,
				   .reconnect_interval_ms = 10000 };
	const char *sock = test_socket_name("scale");
	struct rlimit rl;
	int idle[64];
	uint64_t t0;
	unsigned i;

	/* About 14 fds per connected pair: 3,600 here.  Raise the soft limit
	 * to the hard one, as a server with many interfaces would. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_msg(rl.rlim_cur >= 16 * n, "RLIMIT_NOFILE %llu is too low",
		      (unsigned long long)rl.rlim_cur);
	fds_before = test_count_fds();
	up = dropped = 0;
	memif_set_logger(sink, NULL);
	memif_set_log_level(MEMIF_LOG_WARN);
	ck_assert_int_eq(memif_init("test-scale"), MEMIF_OK);
	mc.socket_filename = sc.socket_filename = sock;
	for (i = 0; i < n; i++) {
		mc.conn_id = i;
		ck_assert_int_eq(memif_create_interface(&mc, &cbs, &ms[i]),
				 MEMIF_OK);
	}
	/* Idle peers that never send INIT hold pending places first. */
	for (i = 0; i < n_idle; i++)
		idle[i] = raw_connect(sock);
	usleep(100000);
	t0 = test_now_ms();
	for (i = 0; i < n; i++) {
		sc.conn_id = i;
		ck_assert_int_eq(memif_create_interface(&sc, &cbs, &ss[i]),
				 MEMIF_OK);
	}
	while (__atomic_load_n(&up, __ATOMIC_SEQ_CST) < (int)(2 * n) &&
	       test_now_ms() - t0 < 8000)
		usleep(5000);
	ck_assert_msg(__atomic_load_n(&up, __ATOMIC_SEQ_CST) == (int)(2 * n),
		      "%d of %u sides up after %llu ms", up, 2 * n,
		      (unsigned long long)(test_now_ms() - t0));
	/* Not one slave had to wait for its 10 s retry. */
	ck_assert_uint_lt(test_now_ms() - t0, 5000);
	/* The idle peers are the only ones ever dropped. */
	ck_assert_int_le(__atomic_load_n(&dropped, __ATOMIC_SEQ_CST),
			 (int)n_idle);
	for (i = 0; i < n_idle; i++)
		close(idle[i]);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(memif_close(ss[i]), MEMIF_OK);
		ck_assert_int_eq(memif_close(ms[i]), MEMIF_OK);
	}
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	memif_set_logger(NULL, NULL);
	expect_fds(fds_before);
}

START_TEST(scale_burst_of_256_slaves_connects_at_once)
{
	burst_connects(N, 0);
}
END_TEST

/* 40 idle peers (more than the cap) are there first: the burst still
 * connects at once, and only idle ones are dropped. */
START_TEST(scale_burst_behind_idle_peers_connects_at_once)
{
	burst_connects(N, 40);
}
END_TEST

TEST_SUITE(scale_suite, "scale",
	   TEST_CASE("one socket", 60, NULL, NULL,
		     scale_burst_of_256_slaves_connects_at_once,
		     scale_burst_behind_idle_peers_connects_at_once))

MEMIF_TEST_MAIN(scale_suite)
