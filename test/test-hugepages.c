/* SPDX-License-Identifier: MIT */
/*
 * A slave's region on 2 MiB pages (memif_config.hugepages): on hugepages
 * when the pool has them, on normal pages with one WARN when it does not
 * and the slave only prefers them, no connection (MEMIF_ERR_NOMEM and an
 * ERROR) when it requires them, and a master that takes the sealed
 * hugetlb region without allow_unsealed_regions.  The test sizes the
 * kernel's pool (vm.nr_hugepages) itself and puts it back; it skips only
 * outside CI, where it may not be root or the kernel may have no
 * hugepages.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "proc.h"
#include "internal.h"

#define POOL "/proc/sys/vm/nr_hugepages"

static long pool_saved = -1;
static int warned, errored;
static struct memif_details *dm, *ds;

static long pool_get(void)
{
	FILE *f = fopen(POOL, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Asks for @n pages; the kernel may give fewer: returns what it gave. */
static long pool_set(long n)
{
	FILE *f = fopen(POOL, "w");

	if (f) {
		fprintf(f, "%ld\n", n);
		fclose(f);
	}
	return pool_get();
}

static void sink(enum memif_log_level level, const char *if_name, int queue_id,
		 int err_code, const char *msg, void *ctx)
{
	(void)if_name, (void)queue_id, (void)err_code, (void)ctx;
	if (!strstr(msg, "hugepages"))
		return;
	if (level == MEMIF_LOG_WARN)
		__atomic_add_fetch(&warned, 1, __ATOMIC_SEQ_CST);
	if (level == MEMIF_LOG_ERROR)
		__atomic_add_fetch(&errored, 1, __ATOMIC_SEQ_CST);
}

static void setup(void)
{
	warned = errored = 0;
	dm = calloc(1, sizeof(*dm));
	ds = calloc(1, sizeof(*ds));
	ck_assert(dm && ds);
	memif_set_logger(sink, NULL);
	ck_assert_int_eq(memif_init("test-hugepages"), MEMIF_OK);
}

static void teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	memif_set_logger(NULL, NULL);
	free(dm);
	free(ds);
	pool_set(pool_saved);
}

static bool linked(struct memif *m, struct memif *s)
{
	ck_assert_int_eq(memif_get_details(m, dm), MEMIF_OK);
	ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
	return dm->has_link && ds->has_link;
}

/* A master with defaults, and the slave @sc, on a fresh socket. */
static void create_pair(struct memif_config *sc, struct memif **mp,
			struct memif **sp)
{
	struct memif_config mc = { .if_name = "m", .is_master = true };

	mc.socket_filename = sc->socket_filename = test_socket_name("huge");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, mp), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(sc, NULL, sp), MEMIF_OK);
}

/* Close the slave @s and the master @m (what they return is not the
 * point here). */
static void close_pair(struct memif *m, struct memif *s)
{
	memif_close(s);
	memif_close(m);
}

/* create_pair with a slave of @huge; a packet each way. */
static void pair_up(uint8_t huge, struct memif **mp, struct memif **sp)
{
	struct memif_config sc = { .if_name = "s", .hugepages = huge,
				   .log2_ring_size = 12 };
	struct memif_tx_pkt p = { .data = "hugepages", .len = 9 };
	struct memif_rx_pkt r;
	uint16_t n;

	create_pair(&sc, mp, sp);
	ck_assert_msg(WAIT_UNTIL(linked(*mp, *sp), 5000), "no link");
	ck_assert_int_eq(memif_tx_burst(*sp, 0, &p, 1, &n), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(memif_rx_burst(*mp, 0, &r, 1, &n) == MEMIF_OK &&
					 n == 1,
				 2000),
		      "nothing received");
	ck_assert_int_eq(memcmp(r.data, "hugepages", 9), 0);
}

START_TEST(hugepages_required_and_granted)
{
	struct memif *m, *s;

	ck_assert_int_ge(pool_set(pool_saved + 16), pool_saved + 10);
	pair_up(MEMIF_HUGEPAGES_REQUIRE, &m, &s);
	/* 2^12 slots of 2048 B each way: 16 MiB and the rings (9 pages)
	 * to whole 2 MiB pages, mapped with them on both sides. */
	ck_assert_uint_eq(s->shm.regions[0].size % (2u << 20), 0);
	ck_assert_uint_gt(s->shm.regions[0].size, 16u << 20);
	ck_assert_uint_eq(proc_page_kib(s->shm.regions[0].base), 2048);
	ck_assert_uint_eq(proc_page_kib(m->shm.regions[0].base), 2048);
	ck_assert_int_eq(warned + errored, 0);
	close_pair(m, s);
}
END_TEST

START_TEST(hugepages_preferred_fall_back_once)
{
	struct memif *m, *s;
	struct memif_tx_pkt p = { .data = "x", .len = 1 };
	uint16_t n;

	ck_assert_int_eq(pool_set(0), 0);
	pair_up(MEMIF_HUGEPAGES_PREFER, &m, &s);
	ck_assert_uint_eq(proc_page_kib(s->shm.regions[0].base), 4);
	ck_assert_int_eq(warned, 1);
	/* The master goes and comes back: a new region, no second WARN. */
	memif_close(m);
	ck_assert_msg(WAIT_UNTIL(memif_tx_burst(s, 0, &p, 1, &n) ==
					 MEMIF_ERR_DISCONNECTED,
				 3000),
		      "the slave did not see the master go");
	{
		struct memif_config mc = { .if_name = "m", .is_master = true };

		ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
		mc.socket_filename = ds->socket_filename;
		ck_assert_int_eq(memif_create_interface(&mc, NULL, &m),
				 MEMIF_OK);
	}
	ck_assert_msg(WAIT_UNTIL(linked(m, s), 5000), "no link again");
	ck_assert_int_eq(warned, 1);
	close_pair(m, s);
}
END_TEST

START_TEST(hugepages_required_but_none_no_connection)
{
	struct memif_config sc = { .if_name = "s",
				   .hugepages = MEMIF_HUGEPAGES_REQUIRE,
				   .reconnect_interval_ms = 100 };
	struct memif *m, *s;
	int efd, code = 0;

	ck_assert_int_eq(pool_set(0), 0);
	create_pair(&sc, &m, &s);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s, &efd), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(memif_read_interrupt_error(s, &code) ==
					 MEMIF_OK,
				 3000),
		      "no error queued");
	ck_assert_int_eq(code, MEMIF_ERR_NOMEM);
	ck_assert_int_ge(errored, 1);
	ck_assert(!linked(m, s));
	/* Pages come: the next attempt gets them. */
	ck_assert_int_ge(pool_set(16), 10);
	ck_assert_msg(WAIT_UNTIL(linked(m, s), 5000), "no link with pages");
	ck_assert_uint_eq(proc_page_kib(s->shm.regions[0].base), 2048);
	close_pair(m, s);
}
END_TEST

START_TEST(hugepages_unknown_value_refused)
{
	struct memif_config sc = { .if_name = "s", .hugepages = 3 };
	struct memif *s = NULL;

	sc.socket_filename = test_socket_name("huge");
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_ptr_null(s);
}
END_TEST

TEST_SUITE(hugepages_suite, "hugepages",
	   TEST_CASE("hugepages", 0, setup, teardown,
		     hugepages_required_and_granted,
		     hugepages_preferred_fall_back_once,
		     hugepages_required_but_none_no_connection,
		     hugepages_unknown_value_refused))

int main(void)
{
	int ret;

	pool_saved = pool_get();
	if (pool_saved < 0 || pool_set(pool_saved + 4) < pool_saved + 4) {
		pool_set(pool_saved);
		fprintf(stderr, "test-hugepages: cannot size %s (root, and a "
				"kernel with 2 MiB hugepages, are needed)\n",
			POOL);
		return getenv("CI") ? EXIT_FAILURE : 77;
	}
	pool_set(pool_saved);
	ret = test_run_suite(hugepages_suite());
	pool_set(pool_saved);
	return ret;
}
