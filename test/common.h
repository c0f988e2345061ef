/* SPDX-License-Identifier: MIT */
/*
 * Shared test helpers: the Check main, open-fd counting for leak checks,
 * unique abstract socket names.
 */
#ifndef MEMIF_TEST_COMMON_H
#define MEMIF_TEST_COMMON_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Number of open fds of this process (/proc/self/fd, minus the dir fd). */
int test_count_fds(void);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t test_now_ms(void);

/* Evaluate @cond every millisecond until it holds or @ms pass; its last
 * value.  (__extension__: a statement expression, quiet under -pedantic.) */
#define WAIT_UNTIL(cond, ms)                                          \
	__extension__({                                               \
		uint64_t wu_end_ = test_now_ms() + (ms);              \
		bool wu_ok_;                                          \
		while (!(wu_ok_ = (cond)) && test_now_ms() < wu_end_) \
			usleep(1000);                                 \
		wu_ok_;                                               \
	})

/* Callbacks that count the interfaces up in the int that their ctx
 * points to: on_connect adds one, on_disconnect takes one away. */
struct memif;
int test_count_up(struct memif *m, void *ctx);
int test_count_down(struct memif *m, void *ctx);

/* Everything waiting on @m's queue 0, received and dropped: the number of
 * packets (each burst asserted MEMIF_OK). */
unsigned test_drain(struct memif *m);

/* Whether @m's details say its link is up. */
bool test_linked(struct memif *m);

/* The lowest fd number the next open would get. */
int test_lowest_free_fd(void);

/* Set the soft RLIMIT_NOFILE to @cur (asserted to succeed). */
void test_set_nofile(unsigned long long cur);

/* "@memif-test-<pid>-<tag>-<n>": a fresh abstract name per call. */
const char *test_socket_name(const char *tag);

#define MEMIF_TEST_MAIN(suite_fn)                            \
	int main(void)                                       \
	{                                                    \
		SRunner *sr = srunner_create(suite_fn());    \
		int failed;                                  \
		srunner_run_all(sr, CK_ENV);                 \
		failed = srunner_ntests_failed(sr);          \
		srunner_free(sr);                            \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS; \
	}

#endif /* MEMIF_TEST_COMMON_H */
