/* SPDX-License-Identifier: MIT */
/*
 * What the check files share: the helpers most checks start or end with,
 * and every check function, by file, for the two tables (checks-slave.c,
 * checks-master.c).  A check named slave_* runs with --role slave (the IUT
 * is a master), master_* with --role master; the others run in both roles.
 */
#ifndef MEMIF_CONFORM_CHECKS_H
#define MEMIF_CONFORM_CHECKS_H

#include "conform.h"

/* Send @len bytes of @m with @n_fds fds on @p and expect the IUT to
 * refuse it.  Frees @p; NULL (its setup failed) is a FAIL. */
enum cf_result cf_refuse(struct cf_run *r, struct cf_peer *p, const void *m,
			 size_t len, const int *fds, unsigned n_fds);
/* The same with one whole message and at most one fd (-1: none). */
enum cf_result cf_refuse_msg(struct cf_run *r, struct cf_peer *p,
			     const struct memif_msg *m, int fd);
/* Wait up to @ms for the IUT to close @p's connection (with or without a
 * DISCONNECT first), then free @p.  True when it closed. */
bool cf_closes(struct cf_run *r, struct cf_peer *p, int ms);

/* @body(@r, @p, @arg), then @p freed: the frame of most checks, so that
 * a body returns its verdict where it finds it.  NULL @p (its setup
 * failed, noted) is a FAIL, as in cf_refuse. */
enum cf_result cf_on_peer(struct cf_run *r, struct cf_peer *p,
			  enum cf_result (*body)(struct cf_run *r,
						 struct cf_peer *p, long arg),
			  long arg);

/* A peer connected for the data path, the IUT's side warm: rings of
 * 2^@log2 entries (we master: at most; the IUT slave picks) and, we
 * slave, buffers of @buf bytes.  NULL on failure (noted). */
struct cf_peer *cf_peer_warm(struct cf_run *r, uint8_t log2, uint32_t buf);
/* As the checks run in both roles connect: we slave, 64-entry rings of
 * 2048-byte buffers; we master, what the IUT slave picks. */
struct cf_peer *cf_peer_warm_any(struct cf_run *r);
/* Wait up to @ms for one echo on RX queue 0: 1 came back intact, 0
 * nothing, -1 corrupted or a bad ring (noted). */
int cf_wait_echo(struct cf_run *r, struct cf_peer *p, int ms);
/* We slave: S2M slot @idx of @t by hand, on our own buffer: @len bytes
 * of 0x5a, descriptor flags @flags; not published. */
void cf_slave_fill(struct cf_peer *p, struct cf_ring *t, uint16_t idx,
		   uint32_t len, uint16_t flags);

#define CF_CHECK(fn) enum cf_result fn(struct cf_run *r, long arg)

/* checks-handshake.c */
CF_CHECK(slave_c1_connect);
CF_CHECK(slave_c14_hello);
CF_CHECK(slave_c15_lockstep);
CF_CHECK(slave_hs_log2);
CF_CHECK(slave_hs_buf);
CF_CHECK(slave_c6_garbage);
CF_CHECK(slave_c7_long_names);
CF_CHECK(slave_c20_garbage);
CF_CHECK(slave_c21_unneeded_secret);
CF_CHECK(slave_c36_max);
CF_CHECK(slave_c40_two_ids);
CF_CHECK(master_c1_connect);
CF_CHECK(master_observe);
CF_CHECK(master_c44_maxima);
CF_CHECK(master_c6_c7_tolerant);
CF_CHECK(master_c50_refill);
CF_CHECK(master_c51_new_regions);

/* checks-messages.c */
CF_CHECK(slave_c8_c9_size);
CF_CHECK(slave_c10_unknown);
CF_CHECK(slave_c11_extra);
CF_CHECK(slave_c11_two_fds);
CF_CHECK(slave_c13_sigpipe);
CF_CHECK(slave_c16_version);
CF_CHECK(slave_c17_id);
CF_CHECK(slave_c18_busy);
CF_CHECK(slave_c19_mode);
CF_CHECK(slave_c20_secret);
CF_CHECK(slave_c22_before_init);
CF_CHECK(slave_b2_after_init);
CF_CHECK(slave_c37_after_connected);
CF_CHECK(master_c43_bad_hello);
CF_CHECK(master_first_msg);
CF_CHECK(master_c11_extra);
CF_CHECK(master_c48_wrong);
CF_CHECK(master_c48_hello_connected);

/* checks-memory.c */
CF_CHECK(slave_c23_no_fd);
CF_CHECK(slave_c24_index);
CF_CHECK(slave_c25_max);
CF_CHECK(slave_c26_size);
CF_CHECK(slave_e4_not_memory);
CF_CHECK(slave_e5_unsealed);
CF_CHECK(slave_ring_bad);
CF_CHECK(slave_f2_blocking);
CF_CHECK(slave_c34_cookie);
CF_CHECK(slave_c35_no_rings);
CF_CHECK(slave_c36_over);

/* checks-teardown.c */
CF_CHECK(c38_vanish);
CF_CHECK(c67_disconnect);
CF_CHECK(slave_c39_stall);
CF_CHECK(slave_c39_serve);
CF_CHECK(slave_c67_reply);
CF_CHECK(slave_k1_idle);
CF_CHECK(master_c47_disconnect_init);
CF_CHECK(master_c49_stall);

/* checks-data.c */
CF_CHECK(slave_c52_long_run);
CF_CHECK(slave_c55_chains);
CF_CHECK(slave_c54_ownership);
CF_CHECK(slave_c55_starve);
CF_CHECK(slave_c56_wait);
CF_CHECK(slave_c56_full);
CF_CHECK(slave_c60_flags);
CF_CHECK(slave_rf_ring_full);
CF_CHECK(master_c52_long_run);
CF_CHECK(master_c55_chains);
CF_CHECK(master_c60_flags);
CF_CHECK(master_c53_indexes);
CF_CHECK(master_c55_starve);
CF_CHECK(master_c56_wait);
CF_CHECK(master_c56_full);
CF_CHECK(master_rf_ring_full);

/* checks-desc.c */
CF_CHECK(slave_c57_bad_desc);
CF_CHECK(slave_c58_bad_lend);
CF_CHECK(slave_c59_index);
CF_CHECK(slave_j10_overlap);
CF_CHECK(master_c57_bad_desc);
CF_CHECK(master_c59_index);
CF_CHECK(master_j10_overlap);

/* checks-irq.c */
CF_CHECK(c62_signal);
CF_CHECK(c64_late);
CF_CHECK(c65_spurious);
CF_CHECK(j1_storm);
CF_CHECK(c63_batch);

/* checks-fds.c */
CF_CHECK(j5_nonblock);
CF_CHECK(j8_empty);
CF_CHECK(slave_j6_semaphore);
CF_CHECK(slave_j7_linger);
CF_CHECK(master_j7_linger);

#endif /* MEMIF_CONFORM_CHECKS_H */
