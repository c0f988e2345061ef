/* SPDX-License-Identifier: MIT */
/*
 * What the zero-copy tests (test-zc.c, test-zc-master.c) share: the fixture
 * (library up, fds counted), pools, and a master and a slave with pools
 * linked over a real socket in this process.
 */
#ifndef MEMIF_TEST_ZC_PAIR_H
#define MEMIF_TEST_ZC_PAIR_H

#include <memif/memif.h>

#include "common.h"

/* The last details read of the master and of the slave (zc_linked), for
 * the tests to read more of. */
extern struct memif_details *dm, *ds;

/* The checked fixture: memif_init, details buffers; memif_cleanup and no
 * fd more than before. */
void zc_setup(void);
void zc_teardown(void);

/* Both ends have their link. */
bool zc_linked(struct memif *m, struct memif *s);

/* A pool of @n buffers of @bs bytes; buffer @i of @p. */
struct memif_pool *zc_pool_new(uint32_t n, uint32_t bs);
uint8_t *zc_pbuf(struct memif_pool *p, uint32_t i);

/* A master on a fresh socket, and a slave with @pools on it; linked. */
void zc_pair_up(struct memif **mp, struct memif **sp,
		struct memif_pool *const *pools, uint16_t n_pools, bool zc_rx,
		uint8_t log2);

/* Close the slave @s and the master @m (asserted), then destroy @p. */
void zc_pair_down(struct memif *m, struct memif *s, struct memif_pool *p);

/* Receive exactly one packet on @m (copy path), of @len bytes @seed. */
void zc_master_gets(struct memif *m, uint32_t len, uint32_t seed);

#endif
