/* SPDX-License-Identifier: MIT */
/*
 * The public API on a connected pair (bursts, the zero-copy calls, rx
 * modes, details) and the callbacks: missing, returning an error, or still
 * running when the interface or the library is closed.  Fixtures and names
 * as in test-api.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "test-api.h"

/* ---- on a connected pair ------------------------------------------------------ */

START_TEST(api_set_rx_mode_bad_qid)
{
	ck_assert_int_eq(memif_set_rx_mode(ms.m, 1, MEMIF_RX_MODE_POLLING),
			 MEMIF_ERR_QID);
	ck_assert_int_eq(memif_set_rx_mode(ms.m, 0, MEMIF_RX_MODE_POLLING),
			 MEMIF_OK);
}
END_TEST

START_TEST(api_get_queue_interrupt_fd_bad_qid)
{
	int fd = -7;

	ck_assert_int_eq(memif_get_queue_interrupt_fd(ms.m, 1, &fd),
			 MEMIF_ERR_QID);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(ms.m, 255, &fd),
			 MEMIF_ERR_QID);
	ck_assert_int_eq(fd, -7);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(ms.m, 0, &fd), MEMIF_OK);
	ck_assert_int_ge(fd, 0);
}
END_TEST

START_TEST(api_tx_burst_null_args)
{
	struct memif_tx_pkt p = { "abc", 3 };
	uint16_t n = 9;

	ck_assert_int_eq(memif_tx_burst(ms.m, 0, &p, 1, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_tx_burst(ms.m, 0, NULL, 1, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_uint_eq(n, 0);
	n = 9;
	ck_assert_int_eq(memif_tx_burst(NULL, 0, &p, 1, &n), MEMIF_ERR_NOCONN);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(test_drain(ss.m), 0);
}
END_TEST

/* An empty burst is no error, whatever else is missing. */
START_TEST(api_tx_burst_zero_packets_ok)
{
	uint16_t n = 9;

	ck_assert_int_eq(memif_tx_burst(NULL, 0, NULL, 0, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(api_tx_burst_bad_qid)
{
	struct memif_tx_pkt p = { "abc", 3 };
	uint16_t n = 9;

	ck_assert_int_eq(memif_tx_burst(ms.m, 1, &p, 1, &n), MEMIF_ERR_QID);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(api_tx_burst_not_connected_disconnected)
{
	struct memif *m = test_lone_slave();
	struct memif_tx_pkt p = { "abc", 3 };
	uint16_t n = 9;

	ck_assert_int_eq(memif_tx_burst(m, 0, &p, 1, &n),
			 MEMIF_ERR_DISCONNECTED);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* The packets before a bad length are sent; it and those after are not. */
START_TEST(api_tx_burst_zero_length_pkt_len_after_sent)
{
	struct memif_tx_pkt p[3] = { { "abc", 3 }, { "", 0 }, { "def", 3 } };
	uint16_t n = 9;

	ck_assert_int_eq(memif_tx_burst(ms.m, 0, p, 3, &n), MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(test_drain(ss.m), 1);
}
END_TEST

/* The test @name: @fn, a call of the burst calls' form (m, qid, array,
 * @n, &count) with an array of @type, with its count, its array, then its
 * handle missing: MEMIF_ERR_INVAL_ARG twice, then MEMIF_ERR_NOCONN, and
 * nothing counted. */
#define NULL_ARGS_TEST(name, fn, type, n)                                      \
	START_TEST(name)                                                       \
	{                                                                      \
		type arr_[2];                                                  \
		uint16_t n_ = 9;                                               \
                                                                               \
		memset(arr_, 0, sizeof(arr_));                                 \
		ck_assert_int_eq(fn(ms.m, 0, arr_, n, NULL),                   \
				 MEMIF_ERR_INVAL_ARG);                         \
		ck_assert_int_eq(fn(ms.m, 0, NULL, n, &n_),                    \
				 MEMIF_ERR_INVAL_ARG);                         \
		ck_assert_int_eq(fn(NULL, 0, arr_, n, &n_), MEMIF_ERR_NOCONN); \
		ck_assert_uint_eq(n_, 0);                                      \
	}                                                                      \
	END_TEST

/* The test @name: @fn as above on queue 1, which the pair does not have,
 * then on a slave that is not connected: MEMIF_ERR_QID, then
 * MEMIF_ERR_DISCONNECTED, and nothing counted either time. */
#define QID_AND_DISCONNECTED_TEST(name, fn, type, n)                        \
	START_TEST(name)                                                    \
	{                                                                   \
		struct memif *m_ = test_lone_slave();                       \
		type arr_[2];                                               \
		uint16_t n_ = 9;                                            \
                                                                            \
		memset(arr_, 0, sizeof(arr_));                              \
		ck_assert_int_eq(fn(ms.m, 1, arr_, n, &n_), MEMIF_ERR_QID); \
		ck_assert_uint_eq(n_, 0);                                   \
		n_ = 9;                                                     \
		ck_assert_int_eq(fn(m_, 0, arr_, n, &n_),                   \
				 MEMIF_ERR_DISCONNECTED);                   \
		ck_assert_uint_eq(n_, 0);                                   \
		ck_assert_int_eq(memif_close(m_), MEMIF_OK);                \
	}                                                                   \
	END_TEST

NULL_ARGS_TEST(api_tx_alloc_null_args, memif_tx_alloc, struct memif_tx_buf, 2)
QID_AND_DISCONNECTED_TEST(api_tx_alloc_bad_qid_and_not_connected,
			  memif_tx_alloc, struct memif_tx_buf, 2)
NULL_ARGS_TEST(api_tx_commit_null_args, memif_tx_commit, struct memif_tx_buf, 1)
QID_AND_DISCONNECTED_TEST(api_tx_commit_bad_qid_and_not_connected,
			  memif_tx_commit, struct memif_tx_buf, 0)
NULL_ARGS_TEST(api_rx_burst_null_args, memif_rx_burst, struct memif_rx_pkt, 2)
QID_AND_DISCONNECTED_TEST(api_rx_burst_bad_qid_and_not_connected,
			  memif_rx_burst, struct memif_rx_pkt, 2)

/* More than was reserved, a length of 0, or more than a slot holds:
 * MEMIF_ERR_PKT_LEN and nothing published; then a good commit works. */
START_TEST(api_tx_commit_bad_lengths_pkt_len)
{
	struct memif_tx_buf b[4];
	uint16_t n = 0, sent = 9;
	uint32_t cap;

	ck_assert_int_eq(memif_tx_alloc(ms.m, 0, b, 2, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 2);
	cap = b[0].len;
	memcpy(b[0].data, "abc", 3);
	b[0].len = 3;
	b[1].len = 3;
	b[2] = b[1]; /* a third, good in itself, but never reserved */
	ck_assert_int_eq(memif_tx_commit(ms.m, 0, b, 3, &sent),
			 MEMIF_ERR_PKT_LEN);
	b[1].len = 0;
	ck_assert_int_eq(memif_tx_commit(ms.m, 0, b, 2, &sent),
			 MEMIF_ERR_PKT_LEN);
	b[1].len = cap + 1;
	ck_assert_int_eq(memif_tx_commit(ms.m, 0, b, 2, &sent),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(sent, 0);
	ck_assert_uint_eq(test_drain(ss.m), 0);
	ck_assert_int_eq(memif_tx_commit(ms.m, 0, b, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	ck_assert_uint_eq(test_drain(ss.m), 1);
}
END_TEST

START_TEST(api_rx_release_errors)
{
	struct memif *m = test_lone_slave();

	ck_assert_int_eq(memif_rx_release(NULL, 0), MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_rx_release(ms.m, 1), MEMIF_ERR_QID);
	ck_assert_int_eq(memif_rx_release(m, 0), MEMIF_ERR_DISCONNECTED);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* memif_rx_release gives the burst's slots back at once: a full ring has
 * room again without another memif_rx_burst. */
START_TEST(api_rx_release_frees_slots)
{
	struct memif_tx_pkt p = { "abc", 3 };
	struct memif_rx_pkt r[16];
	uint16_t n = 0, sent = 0, i;

	for (i = 0; i < 16; i++) {
		ck_assert_int_eq(memif_tx_burst(ss.m, 0, &p, 1, &sent),
				 MEMIF_OK);
		ck_assert_uint_eq(sent, 1);
	}
	ck_assert_int_eq(memif_tx_burst(ss.m, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 0);
	ck_assert_int_eq(memif_rx_burst(ms.m, 0, r, 16, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(memif_tx_burst(ss.m, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 0); /* still lent to us */
	ck_assert_int_eq(memif_rx_release(ms.m, 0), MEMIF_OK);
	ck_assert_int_eq(memif_tx_burst(ss.m, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
}
END_TEST

/* ---- callbacks ------------------------------------------------------------------ */

/* No callbacks at all: the pair still connects. */
START_TEST(api_no_callbacks_connects)
{
	struct memif_callbacks none = { NULL, NULL, NULL };
	struct memif_details *d;

	snprintf(sock, sizeof(sock), "%s", test_socket_name("api-nocb"));
	side_reset(&ms);
	side_reset(&ss);
	pair_create(NULL, &none);
	ck_assert(
		WAIT_UNTIL(test_linked(ms.m) && test_linked(ss.m), CONNECT_MS));
	d = details_of(ss.m);
	ck_assert_uint_eq(d->connects, 1);
	free(d);
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
}
END_TEST

static atomic_int cb_ret_logged;

static void log_cb_ret(enum memif_log_level level, const char *if_name,
		       int queue_id, int err_code, const char *msg, void *ctx)
{
	if (strstr(msg, "callback returned") && err_code == 7 && if_name &&
	    !strcmp(if_name, "api-m"))
		atomic_store(&cb_ret_logged, 1);
}

/* on_connect's error is logged (debug, with the code) and changes
 * nothing. */
START_TEST(api_callback_error_logged_and_ignored)
{
	struct memif_callbacks mcb = { cb_up, cb_down, &ms };

	atomic_store(&cb_ret_logged, 0);
	memif_set_logger(log_cb_ret, NULL);
	memif_set_log_level(MEMIF_LOG_DEBUG);
	snprintf(sock, sizeof(sock), "%s", test_socket_name("api-cbret"));
	side_reset(&ms);
	side_reset(&ss);
	ms.ret = 7;
	pair_create(&mcb, NULL);
	ck_assert(WAIT_UNTIL(atomic_load(&cb_ret_logged), CONNECT_MS));
	ck_assert(test_linked(ms.m) && test_linked(ss.m));
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	ck_assert_int_eq(atomic_load(&ms.down), 1);
	memif_set_logger(NULL, NULL);
}
END_TEST

/* memif_close from another thread while the interface's on_connect runs
 * returns only after the callback has. */
START_TEST(api_close_waits_for_running_callback)
{
	pair_with_held_callback("api-cbwait");
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	assert_callback_finished();
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
}
END_TEST

void api_pair_tcases(Suite *suite)
{
	TEST_CASE("pair", 30, pair_setup, pair_teardown,
		  api_set_rx_mode_bad_qid, api_get_queue_interrupt_fd_bad_qid,
		  api_tx_burst_null_args, api_tx_burst_zero_packets_ok,
		  api_tx_burst_bad_qid, api_tx_burst_not_connected_disconnected,
		  api_tx_burst_zero_length_pkt_len_after_sent,
		  api_tx_alloc_null_args,
		  api_tx_alloc_bad_qid_and_not_connected,
		  api_tx_commit_null_args, api_tx_commit_bad_lengths_pkt_len,
		  api_tx_commit_bad_qid_and_not_connected,
		  api_rx_burst_null_args,
		  api_rx_burst_bad_qid_and_not_connected, api_rx_release_errors,
		  api_rx_release_frees_slots);

	TEST_CASE("callbacks", 30, lib_setup, lib_teardown,
		  api_no_callbacks_connects,
		  api_callback_error_logged_and_ignored,
		  api_close_waits_for_running_callback);
}
