/* SPDX-License-Identifier: MIT */
/* The zero-copy tests' shared fixture and pair (zc-pair.h). */
#include <stdlib.h>

#include "proc.h"
#include "ring-pair.h"
#include "zc-pair.h"

static int fds_before;
struct memif_details *dm, *ds;

void zc_setup(void)
{
	memif_set_log_level(MEMIF_LOG_ERROR);
	fds_before = test_count_fds();
	dm = calloc(1, sizeof(*dm));
	ds = calloc(1, sizeof(*ds));
	ck_assert(dm && ds);
	ck_assert_int_eq(memif_init("test-zc"), MEMIF_OK);
}

void zc_teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(dm);
	free(ds);
	ck_assert_int_eq(test_count_fds(), fds_before);
}

bool zc_linked(struct memif *m, struct memif *s)
{
	ck_assert_int_eq(memif_get_details(m, dm), MEMIF_OK);
	ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
	return dm->has_link && ds->has_link;
}

struct memif_pool *zc_pool_new(uint32_t n, uint32_t bs)
{
	struct memif_pool_config pc = { .n_buffers = n, .buffer_size = bs };
	struct memif_pool *p = NULL;

	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_OK);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Buffer @i of @p. */
uint8_t *zc_pbuf(struct memif_pool *p, uint32_t i)
{
	struct memif_pool_info pi;

	ck_assert_int_eq(memif_pool_get_info(p, &pi), MEMIF_OK);
	ck_assert_uint_lt(i, pi.n_buffers);
	return pi.base + (uint64_t)i * pi.buffer_size;
}

/* A master on a fresh socket, and a slave with @pools on it; linked. */
void zc_pair_up(struct memif **mp, struct memif **sp,
		struct memif_pool *const *pools, uint16_t n_pools, bool zc_rx,
		uint8_t log2)
{
	struct memif_config mc = { .if_name = "m",
				   .is_master = true,
				   .rx_mode = MEMIF_RX_MODE_POLLING };
	struct memif_config sc = { .if_name = "s",
				   .pools = pools,
				   .n_pools = n_pools,
				   .zero_copy_rx = zc_rx,
				   .log2_ring_size = log2,
				   .rx_mode = MEMIF_RX_MODE_POLLING };

	mc.socket_filename = sc.socket_filename = test_socket_name("zc");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, mp), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, sp), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(zc_linked(*mp, *sp), 5000), "no link");
}

/* Receive exactly one packet on @m (copy path), of @len bytes @seed. */
void zc_master_gets(struct memif *m, uint32_t len, uint32_t seed)
{
	struct memif_rx_pkt r;
	uint16_t n = 0;

	ck_assert_msg(WAIT_UNTIL(memif_rx_burst(m, 0, &r, 1, &n) == MEMIF_OK &&
					 n == 1,
				 2000),
		      "nothing received");
	ck_assert_uint_eq(r.len, len);
	ck_assert(check(r.data, len, seed));
}

void zc_pair_down(struct memif *m, struct memif *s, struct memif_pool *p)
{
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	memif_pool_destroy(p);
}
