/* SPDX-License-Identifier: MIT */
/* Shared test helpers (see common.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#include "common.h"
#include "proc.h"

int test_count_fds(void)
{
	int n = proc_count_fds("/proc/self/fd");

	return n < 0 ? -1 : n - 1; /* the directory's own fd */
}

const char *test_socket_name(const char *tag)
{
	static char buf[96];
	static int seq;

	snprintf(buf, sizeof(buf), "@memif-test-%d-%s-%d", (int)getpid(), tag,
		 seq++);
	return buf;
}

struct memif *test_lone_slave(void)
{
	struct memif_config c = { .if_name = "lone",
				  .socket_filename = test_socket_name("nobody"),
				  .reconnect_interval_ms = 60000 };
	struct memif *m;

	ck_assert_int_eq(memif_create_interface(&c, NULL, &m), MEMIF_OK);
	return m;
}

static int lib_fds_before;

void test_lib_setup(void)
{
	lib_fds_before = test_count_fds();
	ck_assert_int_eq(memif_init(program_invocation_short_name), MEMIF_OK);
}

void test_lib_teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), lib_fds_before);
}

uint64_t test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int test_count_up(struct memif *m, void *ctx)
{
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int test_count_down(struct memif *m, void *ctx)
{
	__atomic_sub_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
	return 0;
}

unsigned test_drain(struct memif *m)
{
	struct memif_rx_pkt p[32];
	unsigned total = 0;
	uint16_t n;

	do {
		n = 0;
		ck_assert_int_eq(memif_rx_burst(m, 0, p, 32, &n), MEMIF_OK);
		total += n;
	} while (n);
	return total;
}

int test_lowest_free_fd(void)
{
	int fd = dup(0);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return fd;
}

void test_set_nofile(unsigned long long cur)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = (rlim_t)cur;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

bool test_linked(struct memif *m)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	bool up;

	ck_assert_ptr_nonnull(d);
	up = memif_get_details(m, d) == MEMIF_OK && d->has_link;
	free(d);
	return up;
}

TCase *test_add_case(Suite *s, const char *name, double timeout, SFun setup,
		     SFun teardown, const TTest *const *tests)
{
	TCase *tc = tcase_create(name);

	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (; *tests; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	return tc;
}
