/* SPDX-License-Identifier: MIT */
/*
 * Shared test helpers: the Check main, suites as tables of test cases,
 * open-fd counting for leak checks, unique abstract socket names.
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

/* @fn(@m, 0, @arr, @n, &count), a call of the burst calls' form on queue
 * 0, asserted to return @code; its value is the count. */
#define BURST(fn, m, arr, n, code)                                      \
	__extension__({                                                 \
		uint16_t bo_n_;                                         \
		ck_assert_int_eq(fn((m), 0, (arr), (n), &bo_n_), code); \
		bo_n_;                                                  \
	})
#define BURST_OK(fn, m, arr, n) BURST(fn, m, arr, n, MEMIF_OK)

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

/* A slave that never connects: nothing listens on its socket. */
struct memif *test_lone_slave(void);

/* A checked fixture: memif_init under the program's name; then
 * memif_cleanup, and no fd left open that was not open before. */
void test_lib_setup(void);
void test_lib_teardown(void);

/* Add to @s the test case @name: a timeout of @timeout seconds (0 keeps
 * CK_DEFAULT_TIMEOUT), the checked fixture @setup/@teardown (either may be
 * NULL) and @tests, a NULL-ended list.  The case, for more additions. */
TCase *test_add_case(Suite *s, const char *name, double timeout, SFun setup,
		     SFun teardown, const TTest *const *tests);

/* test_add_case with the tests listed in the call, to the Suite *suite in
 * scope, as TEST_SUITE names it: one table row per case. */
#define TEST_CASE(name, timeout, setup, teardown, ...)               \
	test_add_case(suite, (name), (timeout), (setup), (teardown), \
		      (const TTest *const[]){ __VA_ARGS__, NULL })

/* Define static Suite *@fn(void): the suite @name of the test cases that
 * follow, TEST_CASE rows separated by commas. */
#define TEST_SUITE(fn, name, ...)                  \
	static Suite *fn(void)                     \
	{                                          \
		Suite *suite = suite_create(name); \
		__VA_ARGS__;                       \
		return suite;                      \
	}

/* Define the test @name as the one call @fn(...): for tests that differ
 * only in the arguments of one function, one line each. */
#define TEST_CALL(name, fn, ...) \
	START_TEST(name)         \
	{                        \
		fn(__VA_ARGS__); \
	}                        \
	END_TEST

/* Run every test of @s (CK_ENV), free it: EXIT_SUCCESS or EXIT_FAILURE.
 * Inline: test-proto has the header without common.c. */
static inline int test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define MEMIF_TEST_MAIN(suite_fn)                  \
	int main(void)                             \
	{                                          \
		return test_run_suite(suite_fn()); \
	}

#endif /* MEMIF_TEST_COMMON_H */
