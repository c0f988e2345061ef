/* SPDX-License-Identifier: MIT */
/*
 * What the two files of the api unit test share (test-api.c,
 * test-api-pair.c): the fixtures, the connected pair and its callbacks,
 * and the function that adds test-api-pair.c's test cases to the suite.
 */
#ifndef MEMIF_TEST_API_H
#define MEMIF_TEST_API_H

#include <check.h>
#include <stdatomic.h>

#include <memif/memif.h>

#define CONNECT_MS 5000

/* A connected master and slave of this process: 1 queue each way, or
 * what the test asks for, 16-slot rings. */
struct side {
	struct memif *m;
	atomic_int up, down;
	/* on_connect's behaviour */
	int ret; /* returned */
	atomic_int entered, left; /* it started, it finished */
	atomic_int *hold; /* wait until this is non-zero, then 100 ms */
	atomic_int overlap; /* on_disconnect ran while on_connect did */
};

extern struct side ms, ss; /* the pair's master and slave */
extern char sock[64]; /* the pair's socket */
extern int fds_before; /* open fds when the fixture set up */

/* The library initialised (errors logged only); at teardown cleaned up,
 * with every fd closed. */
void lib_setup(void);
void lib_teardown(void);
/* lib_setup, then a connected pair counted by cb_up and cb_down. */
void pair_setup(void);
void pair_teardown(void);
int cb_up(struct memif *m, void *ctx);
int cb_down(struct memif *m, void *ctx);
void side_reset(struct side *s);
/* The pair's master and slave interfaces, with these callbacks. */
void pair_create(const struct memif_callbacks *mcb,
		 const struct memif_callbacks *scb);
/* @m's details, to be freed by the caller. */
struct memif_details *details_of(struct memif *m);

/* A pair on a socket named after @tag whose master's on_connect is held
 * until it has entered, then let go (it still sleeps 100 ms). */
void pair_with_held_callback(const char *tag);
/* That on_connect ran to its end, on_disconnect once, never overlapping. */
void assert_callback_finished(void);

/* The "pair" and "callbacks" test cases (test-api-pair.c). */
void api_pair_tcases(Suite *suite);

#endif /* MEMIF_TEST_API_H */
