/* SPDX-License-Identifier: MIT */
/*
 * Ring tests without sockets: a slave and a master view of one real memfd
 * region, built with the library's own region and queue code, exercised
 * through the public burst calls (test-ring, test-sg).
 */
#ifndef MEMIF_TEST_RING_PAIR_H
#define MEMIF_TEST_RING_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "memif/memif.h"

struct pair {
	struct memif *s; /* slave view: creates the region */
	struct memif *m; /* master view: same pages, mapped again */
};

/* One queue each way, rings of 2^@log2 slots, slave buffers of @bufsize. */
void pair_init(struct pair *p, uint8_t log2, uint32_t bufsize);
void pair_fini(struct pair *p);

/* Move every index of both rings to @start, as if that many packets had
 * passed already. */
void pair_set_indexes(struct pair *p, uint16_t start);

/* memif_rx_burst of up to @max on queue 0 of @m, asserted MEMIF_OK: how
 * many packets it received. */
uint16_t rx_ok(struct memif *m, struct memif_rx_pkt *rp, uint16_t max);
/* memif_tx_burst of @n on queue 0 of @m, asserted MEMIF_OK: how many it
 * sent. */
uint16_t tx_ok(struct memif *m, const struct memif_tx_pkt *pk, uint16_t n);

/* A byte pattern of @len bytes for @seed, and whether @b holds it. */
void fill(uint8_t *b, uint32_t len, uint32_t seed);
bool check(const uint8_t *b, uint32_t len, uint32_t seed);

#endif /* MEMIF_TEST_RING_PAIR_H */
