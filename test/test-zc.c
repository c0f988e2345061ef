/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy with the application's own memory (a slave's pools): pools
 * made and released without a leaked fd, announced as extra regions,
 * transmit from pool buffers with completion in order, receive into lent
 * pool buffers with a swap, forwarding a received buffer out of a second
 * interface on the same pool, every buffer back after a disconnect, every
 * invalid application input refused.  The master's side is in
 * test-zc-master.c.  Master and slave are both ours, in this process, over
 * real sockets.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "proc.h"
#include "internal.h"
#include "raw-peer.h"
#include "ring-pair.h"
#include "zc-pair.h"

/* ---- pools -------------------------------------------------------------- */

START_TEST(zc_pool_create_and_destroy_leave_no_fd)
{
	struct memif_pool_config pc = { .n_buffers = 64 };
	struct memif_pool_info pi;
	struct memif_pool *p, *q;
	int base = test_count_fds(), mfd;

	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_OK);
	ck_assert_int_eq(memif_pool_get_info(p, &pi), MEMIF_OK);
	ck_assert_uint_eq(pi.buffer_size, 2048);
	ck_assert_uint_eq(pi.n_buffers, 64);
	ck_assert_uint_eq(pi.size, 64 * 2048);
	ck_assert(pi.sealed);
	ck_assert(!pi.hugepages);
	ck_assert_int_eq(pi.base[pi.size - 1], 0);
	pi.base[pi.size - 1] = 1; /* writable, all of it */
	ck_assert_int_eq(test_count_fds(), base + 1);
	/* The application's own memfd: the library keeps a duplicate. */
	mfd = memfd_create("app pool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ck_assert_int_ge(mfd, 0);
	ck_assert_int_eq(ftruncate(mfd, 10000), 0);
	ck_assert_int_eq(memif_pool_create_fd(mfd, 10000, 4096, &q), MEMIF_OK);
	ck_assert_int_eq(memif_pool_get_info(q, &pi), MEMIF_OK);
	ck_assert_uint_eq(pi.n_buffers, 2); /* the 1808-byte tail unused */
	ck_assert_uint_eq(pi.size, 8192);
	ck_assert(pi.sealed); /* it allowed sealing: sealed */
	ck_assert(fcntl(mfd, F_GET_SEALS) & F_SEAL_SHRINK);
	ck_assert(fcntl(mfd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(test_count_fds(), base + 3);
	memif_pool_destroy(q);
	ck_assert_int_eq(close(mfd), 0);
	memif_pool_destroy(p);
	memif_pool_destroy(NULL);
	ck_assert_int_eq(test_count_fds(), base);
}
END_TEST

START_TEST(zc_pool_unsealable_fd_is_taken_unsealed)
{
	struct memif_pool_info pi;
	struct memif_pool *p;
	int mfd = memfd_create("app pool", MFD_CLOEXEC); /* no sealing */

	ck_assert_int_eq(ftruncate(mfd, 4096), 0);
	ck_assert_int_eq(memif_pool_create_fd(mfd, 4096, 2048, &p), MEMIF_OK);
	ck_assert_int_eq(memif_pool_get_info(p, &pi), MEMIF_OK);
	ck_assert(!pi.sealed);
	memif_pool_destroy(p);
	close(mfd);
}
END_TEST

START_TEST(zc_pool_bad_arguments_refused)
{
	struct memif_pool_config pc = { .n_buffers = 8 };
	struct memif_pool *p = (struct memif_pool *)&pc;
	int base = test_count_fds(), mfd, pfd[2];

	ck_assert_int_eq(memif_pool_create(NULL, &p), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_pool_create(&pc, NULL), MEMIF_ERR_INVAL_ARG);
	pc.n_buffers = 0;
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	ck_assert_ptr_null(p);
	pc.n_buffers = 8;
	pc.buffer_size = 1000; /* not a power of two */
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	pc.buffer_size = 32;
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	pc.buffer_size = 131072;
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	pc.buffer_size = 65536;
	pc.n_buffers = 65537; /* 4 GiB + 64 KiB */
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	pc.n_buffers = 8;
	pc.hugepages = 3;
	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_pool_get_info(NULL, NULL), MEMIF_ERR_INVAL_ARG);

	mfd = memfd_create("app pool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ck_assert_int_eq(ftruncate(mfd, 8192), 0);
	ck_assert_int_eq(memif_pool_create_fd(-1, 8192, 2048, &p),
			 MEMIF_ERR_BAD_FD);
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	ck_assert_int_eq(memif_pool_create_fd(pfd[0], 8192, 2048, &p),
			 MEMIF_ERR_BAD_FD);
	ck_assert_int_eq(memif_pool_create_fd(mfd, 16384, 2048, &p),
			 MEMIF_ERR_INVAL_ARG); /* file shorter */
	ck_assert_int_eq(memif_pool_create_fd(mfd, 1024, 2048, &p),
			 MEMIF_ERR_INVAL_ARG); /* under one buffer */
	ck_assert_int_eq(memif_pool_create_fd(mfd, 8192, 3000, &p),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_pool_create_fd(mfd, 8192, 2048, NULL),
			 MEMIF_ERR_INVAL_ARG);
	close(pfd[0]);
	close(pfd[1]);
	close(mfd);
	ck_assert_int_eq(test_count_fds(), base);
}
END_TEST

/* memif_config.hugepages' rules, whatever the kernel's pool holds now
 * (test-hugepages, which sizes it, may run at the same time): PREFER
 * always gets a pool, on the pages its info says; REQUIRE gets 2 MiB
 * pages or MEMIF_ERR_NOMEM. */
START_TEST(zc_pool_on_hugepages_or_not)
{
	struct memif_pool_config pc = { .n_buffers = 1000,
					.hugepages = MEMIF_HUGEPAGES_PREFER };
	struct memif_pool_info pi;
	struct memif_pool *p;
	int rc;

	ck_assert_int_eq(memif_pool_create(&pc, &p), MEMIF_OK);
	ck_assert_int_eq(memif_pool_get_info(p, &pi), MEMIF_OK);
	ck_assert_uint_eq(pi.size, 1000 * 2048);
	ck_assert(pi.sealed);
	ck_assert_uint_eq(proc_page_kib(pi.base), pi.hugepages ? 2048 : 4);
	memif_pool_destroy(p);
	pc.hugepages = MEMIF_HUGEPAGES_REQUIRE;
	rc = memif_pool_create(&pc, &p);
	if (rc == MEMIF_OK) {
		ck_assert_int_eq(memif_pool_get_info(p, &pi), MEMIF_OK);
		ck_assert(pi.hugepages);
		ck_assert_uint_eq(proc_page_kib(pi.base), 2048);
		memif_pool_destroy(p);
	} else {
		ck_assert_int_eq(rc, MEMIF_ERR_NOMEM);
	}
}
END_TEST

START_TEST(zc_config_refusals)
{
	struct memif_pool *p = zc_pool_new(16, 2048), *null_pool = NULL;
	struct memif_pool *twice[2] = { p, p };
	struct memif_config c = { .if_name = "x", .pools = &p, .n_pools = 1 };
	struct memif *m = NULL;

	c.socket_filename = test_socket_name("zc");
	c.is_master = true;
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	c.is_master = false;
	c.pools = NULL;
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	c.pools = &null_pool;
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	c.pools = twice;
	c.n_pools = 2;
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	c.pools = NULL;
	c.n_pools = 0;
	c.zero_copy_rx = true;
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_ptr_null(m);
	memif_pool_destroy(p);
}
END_TEST

/* Two pools become regions 1 and 2 on the master; a pool destroyed by the
 * application stays mapped while an interface lists it. */
START_TEST(zc_pools_announced_as_regions)
{
	struct memif_pool *pools[2] = { zc_pool_new(16, 2048), zc_pool_new(8, 4096) };
	struct memif_buf b = { NULL, 100, 0 };
	struct memif *m, *s;
	int base = test_count_fds();

	zc_pair_up(&m, &s, pools, 2, false, 6);
	ck_assert_uint_eq(m->shm.n_regions, 3);
	ck_assert_uint_eq(m->shm.views[1].size, 16 * 2048);
	ck_assert_uint_eq(m->shm.views[2].size, 8 * 4096);
	ck_assert_uint_eq(s->shm.n_regions, 3);
	b.data = zc_pbuf(pools[1], 7);
	memif_pool_destroy(pools[1]);
	fill(b.data, 100, 7);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, &b, 1), 1);
	zc_master_gets(m, 100, 7);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	memif_pool_destroy(pools[0]);
	/* The two pool files, the socket and the rest: all gone. */
	ck_assert_msg(WAIT_UNTIL(test_count_fds() == base - 2, 2000),
		      "%d fds, want %d", test_count_fds(), base - 2);
}
END_TEST

/* ---- transmit ----------------------------------------------------------- */

/* Packets straight out of pool buffers, a chain among them; each buffer
 * comes back once the master has released its slot, in order. */
START_TEST(zc_tx_completes_in_order)
{
	struct memif_pool *p = zc_pool_new(64, 256);
	struct memif_buf b[8], done[8];
	static const uint32_t len[8] = { 60, 256, 1, 200, 256, 256, 40, 99 };
	struct memif_rx_pkt r[8];
	struct memif *m, *s;
	uint16_t n, i;

	zc_pair_up(&m, &s, &p, 1, false, 4);
	for (i = 0; i < 8; i++) {
		b[i].data = zc_pbuf(p, 10 + i * 3);
		b[i].len = len[i];
		b[i].flags = 0;
		fill(b[i].data, len[i], i);
	}
	/* buffers 3, 4, 5 are one 712-byte packet, pattern 3 */
	fill(b[3].data, 200, 3);
	b[3].flags = b[4].flags = MEMIF_BUF_FLAG_NEXT;
	{
		uint8_t whole[712];

		fill(whole, 712, 3);
		memcpy(b[4].data, whole + 200, 256);
		memcpy(b[5].data, whole + 456, 256);
	}
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b, 8), 8);
	/* Nothing released yet: nothing completes. */
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 8), 0);
	ck_assert_msg(WAIT_UNTIL(memif_rx_burst(m, 0, r, 8, &n) == MEMIF_OK &&
					 n == 6,
				 2000),
		      "not all received");
	ck_assert(check(r[0].data, 60, 0));
	/* the pool buffer itself, in the master's mapping of region 1 */
	ck_assert_ptr_eq(r[0].data,
			 m->shm.views[1].base + (b[0].data - zc_pbuf(p, 0)));
	ck_assert(check(r[3].data, 712, 3));
	ck_assert(check(r[5].data, 99, 7));
	/* The master still holds the views. */
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 8), 0);
	ck_assert_int_eq(memif_rx_release(m, 0), MEMIF_OK);
	/* Three, then the other five: in the order sent, as given. */
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 3), 3);
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done + 3, 8), 5);
	for (i = 0; i < 8; i++) {
		ck_assert_ptr_eq(done[i].data, b[i].data);
		ck_assert_uint_eq(done[i].len, b[i].len);
		ck_assert_uint_eq(done[i].flags, b[i].flags);
	}
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 8), 0);
	zc_pair_down(m, s, p);
}
END_TEST

/* A ring of 16 slots: the 17th buffer waits; slots are free again only
 * when their buffers completed, also for memif_tx_burst on that queue;
 * many rounds cross the index wrap. */
START_TEST(zc_tx_ring_full_mixed_with_copy_and_wrap)
{
	struct memif_pool *p = zc_pool_new(64, 2048);
	struct memif_buf b[20], done[32];
	struct memif_rx_pkt r[32];
	struct memif_tx_pkt cp = { NULL, 33 };
	uint8_t copied[33];
	struct memif *m, *s;
	uint16_t n, i, got;
	unsigned round;

	zc_pair_up(&m, &s, &p, 1, false, 4);
	for (i = 0; i < 20; i++) {
		b[i].data = zc_pbuf(p, i);
		b[i].len = 64;
		b[i].flags = 0;
		fill(b[i].data, 64, i);
	}
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b, 20), 16);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b + 16, 4), 0);
	/* The master reads and releases all 16, but until they complete
	 * the copy path finds no room either. */
	ck_assert_msg(WAIT_UNTIL(memif_rx_burst(m, 0, r, 32, &n) == MEMIF_OK &&
					 n == 16,
				 2000),
		      "not all received");
	ck_assert_int_eq(memif_rx_release(m, 0), MEMIF_OK);
	fill(copied, 33, 99);
	cp.data = copied;
	ck_assert_uint_eq(BURST_OK(memif_tx_burst, s, &cp, 1), 0);
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 32), 16);
	for (i = 0; i < 16; i++)
		ck_assert_ptr_eq(done[i].data, b[i].data);
	/* Copy and zero-copy interleaved, 22,000 rounds: over 65,536 slots,
	 * the 16-bit indexes wrap. */
	for (round = 0; round < 22000; round++) {
		struct memif_buf one = { zc_pbuf(p, round % 64), 64 + round % 100,
					 0 };

		fill(one.data, one.len, round);
		ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, &one, 1), 1);
		fill(copied, 33, round + 1000);
		ck_assert_uint_eq(BURST_OK(memif_tx_burst, s, &cp, 1), 1);
		ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, &one, 1),
				  1); /* the same buffer again: allowed */
		got = 0;
		ck_assert(WAIT_UNTIL(memif_rx_burst(m, 0, r, 32, &got) ==
						     MEMIF_OK &&
					     got == 3,
				     2000));
		ck_assert(check(r[0].data, one.len, round));
		ck_assert(check(r[1].data, 33, round + 1000));
		ck_assert(check(r[2].data, one.len, round));
		ck_assert_int_eq(memif_rx_release(m, 0), MEMIF_OK);
		ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, done, 32), 2);
		ck_assert_ptr_eq(done[0].data, one.data);
		ck_assert_ptr_eq(done[1].data, one.data);
	}
	zc_pair_down(m, s, p);
}
END_TEST

/* ---- receive ------------------------------------------------------------ */

/* The M2S ring starts empty; lent pool buffers come back filled, each the
 * application's, and are swapped for fresh ones; chains come as several
 * buffers.  Many rounds cross the wrap; every byte is checked. */
START_TEST(zc_rx_swap_every_byte)
{
	struct memif_pool *p = zc_pool_new(64, 512);
	struct memif_buf lend[64], got[32];
	static uint8_t pkt[1400], joined[1400];
	struct memif_tx_pkt tp = { pkt, 0 };
	uint32_t free_top = 0, i, round;
	uint8_t *free_list[64];
	struct memif *m, *s;
	uint16_t n;

	zc_pair_up(&m, &s, &p, 1, true, 4);
	/* Before a refill the master has nowhere to write. */
	tp.len = 10;
	fill(pkt, 10, 1);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst, m, &tp, 1), 0);
	for (i = 0; i < 64; i++)
		free_list[free_top++] = zc_pbuf(p, i);
	for (i = 0; i < 20; i++) {
		lend[i].data = free_list[--free_top];
		lend[i].len = 512;
	}
	ck_assert_uint_eq(BURST_OK(memif_rx_refill, s, lend, 20),
			  16); /* the ring's 16 slots */
	free_top += 4; /* the last four stay ours */
	/* 40,000 packets of 1 to 3 buffers: the 16-bit indexes wrap. */
	for (round = 0; round < 40000; round++) {
		uint32_t len = 1 + (round * 97) % 1400, off = 0;
		uint16_t k;

		tp.len = len;
		fill(pkt, len, round);
		ck_assert_uint_eq(BURST_OK(memif_tx_burst, m, &tp, 1), 1);
		n = 0;
		ck_assert(WAIT_UNTIL(memif_rx_burst_zc(s, 0, got, 32, &n) ==
						     MEMIF_OK &&
					     n > 0,
				     2000));
		ck_assert_uint_eq(n, (len + 511) / 512);
		for (k = 0; k < n; k++) {
			uint64_t at = (uint64_t)(got[k].data - zc_pbuf(p, 0));

			ck_assert_uint_lt(at, 64 * 512); /* in the pool */
			ck_assert_uint_eq(at % 512, 0);
			ck_assert_uint_eq(got[k].flags,
					  k + 1 < n ? MEMIF_BUF_FLAG_NEXT : 0);
			memcpy(joined + off, got[k].data, got[k].len);
			off += got[k].len;
			free_list[free_top++] = got[k].data;
		}
		ck_assert_uint_eq(off, len);
		ck_assert(check(joined, len, round));
		/* A fresh buffer for each one received. */
		for (k = 0; k < n; k++) {
			lend[k].data = free_list[--free_top];
			lend[k].len = 512;
		}
		ck_assert_uint_eq(BURST_OK(memif_rx_refill, s, lend, n), n);
	}
	/* Nothing lost: 16 lent, 48 ours. */
	ck_assert_uint_eq(free_top, 48);
	zc_pair_down(m, s, p);
}
END_TEST

/* A master that writes a length over the room lent: dropped, counted, and
 * the buffer goes back onto the ring (lost to nobody). */
START_TEST(zc_rx_bounds_the_masters_length)
{
	struct memif_pool *p = zc_pool_new(8, 256);
	struct memif_buf lend[2] = { { NULL, 100, 0 }, { NULL, 256, 0 } },
			 got[4];
	struct memif_tx_pkt tp;
	uint8_t pkt[100];
	struct memif *m, *s;
	struct memif_desc *d;
	uint16_t n;

	zc_pair_up(&m, &s, &p, 1, true, 4);
	lend[0].data = zc_pbuf(p, 0);
	lend[1].data = zc_pbuf(p, 1);
	ck_assert_uint_eq(BURST_OK(memif_rx_refill, s, lend, 2), 2);
	fill(pkt, 100, 5);
	tp.data = pkt;
	tp.len = 100;
	ck_assert_uint_eq(BURST_OK(memif_tx_burst, m, &tp, 1), 1);
	/* The master lies: 101 bytes in a buffer of 100. */
	d = &s->dp.rxq[0]->ring->desc[0];
	d->length = 101;
	ck_assert_uint_eq(BURST_OK(memif_rx_burst_zc, s, got, 4), 0);
	ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
	ck_assert_uint_eq(ds->rx_queues[0].drops_bad_desc, 1);
	/* Buffer 0 went back on the ring, after buffer 1: it is filled
	 * second, and comes back as the application lent it. */
	ck_assert_int_eq(memif_tx_burst(m, 0, &tp, 1, &n), MEMIF_OK);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst, m, &tp, 1), 1);
	ck_assert_uint_eq(BURST_OK(memif_rx_burst_zc, s, got, 4), 2);
	ck_assert_ptr_eq(got[0].data, lend[1].data);
	ck_assert_ptr_eq(got[1].data, lend[0].data);
	ck_assert(check(got[1].data, 100, 5));
	zc_pair_down(m, s, p);
}
END_TEST

/* A buffer received on one interface goes out of another on the same
 * pool: the very same bytes in memory, no copy. */
START_TEST(zc_forward_between_interfaces_without_copy)
{
	struct memif_pool *p = zc_pool_new(32, 2048);
	struct memif *m1, *s1, *m2, *s2;
	struct memif_buf lend[8], got[4], done[4];
	struct memif_tx_pkt tp;
	struct memif_rx_pkt r;
	uint8_t pkt[1000];
	uint16_t n, i;

	zc_pair_up(&m1, &s1, &p, 1, true, 4);
	zc_pair_up(&m2, &s2, &p, 1, false, 4);
	for (i = 0; i < 8; i++) {
		lend[i].data = zc_pbuf(p, i);
		lend[i].len = 2048;
	}
	ck_assert_int_eq(memif_rx_refill(s1, 0, lend, 8, &n), MEMIF_OK);
	fill(pkt, 1000, 42);
	tp.data = pkt;
	tp.len = 1000;
	ck_assert_int_eq(memif_tx_burst(m1, 0, &tp, 1, &n), MEMIF_OK);
	n = 0;
	ck_assert(WAIT_UNTIL(memif_rx_burst_zc(s1, 0, got, 4, &n) == MEMIF_OK &&
				     n == 1,
			     2000));
	ck_assert_ptr_eq(got[0].data, lend[0].data);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s2, got, 1), 1);
	n = 0;
	ck_assert(WAIT_UNTIL(
		memif_rx_burst(m2, 0, &r, 1, &n) == MEMIF_OK && n == 1, 2000));
	ck_assert_uint_eq(r.len, 1000);
	ck_assert(check(r.data, 1000, 42));
	/* The master of the second link reads the pool buffer itself. */
	ck_assert_ptr_eq(r.data,
			 m2->shm.views[1].base + (got[0].data - zc_pbuf(p, 0)));
	ck_assert_int_eq(memif_rx_release(m2, 0), MEMIF_OK);
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s2, done, 4), 1);
	ck_assert_ptr_eq(done[0].data, lend[0].data);
	ck_assert_int_eq(memif_close(s1), MEMIF_OK);
	ck_assert_int_eq(memif_close(m1), MEMIF_OK);
	ck_assert_int_eq(memif_close(s2), MEMIF_OK);
	ck_assert_int_eq(memif_close(m2), MEMIF_OK);
	memif_pool_destroy(p);
}
END_TEST

/* ---- disconnect ----------------------------------------------------------- */

static int reclaimed_in_cb;

static int on_down(struct memif *m, void *ctx)
{
	struct memif_buf b[64];
	uint16_t n;

	(void)ctx;
	if (memif_zc_reclaim(m, b, 64, &n) == MEMIF_OK)
		__atomic_store_n(&reclaimed_in_cb, n, __ATOMIC_SEQ_CST);
	return 0;
}

/* Sent and not completed, lent and not received: every buffer comes back
 * through memif_zc_reclaim once the master is gone, in on_disconnect or
 * later, and a reconnect starts clean.  One story, in order: long. */
START_TEST(zc_disconnect_returns_every_buffer)
{
	struct memif_pool *p = zc_pool_new(64, 2048);
	struct memif_config mc = { .if_name = "m", .is_master = true };
	struct memif_config sc = { .if_name = "s",
				   .pools = &p,
				   .n_pools = 1,
				   .zero_copy_rx = true,
				   .log2_ring_size = 4,
				   .reconnect_interval_ms = 100 };
	struct memif_callbacks cb = { .on_disconnect = on_down };
	struct memif_buf b[16], back[64];
	bool seen[64] = { false };
	struct memif_rx_pkt r[4];
	struct memif *m, *s;
	uint16_t n, i, total = 0;

	mc.socket_filename = sc.socket_filename = test_socket_name("zc");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	ck_assert(WAIT_UNTIL(zc_linked(m, s), 5000));
	for (i = 0; i < 10; i++) {
		b[i].data = zc_pbuf(p, i);
		b[i].len = 100;
		b[i].flags = 0;
	}
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b, 10), 10);
	/* The master takes 3 and releases them, completed: 7 in flight. */
	ck_assert(WAIT_UNTIL(
		memif_rx_burst(m, 0, r, 3, &n) == MEMIF_OK && n == 3, 2000));
	ck_assert_int_eq(memif_rx_release(m, 0), MEMIF_OK);
	ck_assert_uint_eq(BURST_OK(memif_tx_complete, s, back, 2), 2);
	for (i = 0; i < 16; i++) {
		b[i].data = zc_pbuf(p, 20 + i);
		b[i].len = 2048;
	}
	ck_assert_uint_eq(BURST_OK(memif_rx_refill, s, b, 16), 16);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	/* (max 0: the wait takes no buffer the master released) */
	ck_assert(WAIT_UNTIL(memif_tx_complete(s, 0, back, 0, &n) ==
				     MEMIF_ERR_DISCONNECTED,
			     3000));
	/* The 8 sent and not completed (one of them released by the
	 * master, but not taken) and the 16 lent. */
	ck_assert_int_eq(memif_zc_reclaim(s, back, 5, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 5);
	total = n;
	ck_assert_int_eq(memif_zc_reclaim(s, back + 5, 59, &n), MEMIF_OK);
	total += n;
	ck_assert_uint_eq(total, 8 + 16);
	for (i = 0; i < total; i++) {
		uint32_t k = (uint32_t)(back[i].data - zc_pbuf(p, 0)) / 2048;

		ck_assert_uint_lt(k, 64);
		ck_assert(!seen[k]);
		seen[k] = true;
	}
	for (i = 2; i < 10; i++)
		ck_assert(seen[i]);
	for (i = 20; i < 36; i++)
		ck_assert(seen[i]);
	ck_assert_int_eq(memif_zc_reclaim(s, back, 64, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);

	/* With on_disconnect: reclaimed inside it. */
	reclaimed_in_cb = -1;
	mc.socket_filename = sc.socket_filename = test_socket_name("zc");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, &cb, &s), MEMIF_OK);
	ck_assert(WAIT_UNTIL(zc_linked(m, s), 5000));
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b, 4), 4);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert(WAIT_UNTIL(__atomic_load_n(&reclaimed_in_cb,
					     __ATOMIC_SEQ_CST) == 4,
			     3000));
	/* The master comes back: a clean start, traffic flows. */
	mc.socket_filename = sc.socket_filename;
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert(WAIT_UNTIL(zc_linked(m, s), 5000));
	fill(b[0].data, 100, 9);
	b[0].len = 100;
	ck_assert(WAIT_UNTIL(
		memif_tx_burst_zc(s, 0, b, 1, &n) == MEMIF_OK && n == 1, 2000));
	zc_master_gets(m, 100, 9);
	zc_pair_down(m, s, p);
}
END_TEST

/* ---- what the application may get wrong ------------------------------- */

static struct memif_buf zc_buf(uint8_t *data, uint32_t len, uint16_t flags)
{
	return (struct memif_buf){ data, len, flags };
}

/* memif_tx_burst_zc of the one buffer @b returns @code, nothing sent. */
static void tx_zc_refused(struct memif *s, struct memif_buf b, int code)
{
	uint16_t n = 77;

	ck_assert_int_eq(memif_tx_burst_zc(s, 0, &b, 1, &n), code);
	ck_assert_uint_eq(n, 0);
}

/* The zero-copy calls @x does not have refuse: transmit (memif_tx_burst_zc
 * of @b, memif_tx_complete) when @tx, as on a master or an interface
 * without pools; receive (memif_rx_refill of @b, memif_rx_burst_zc) when
 * @rx, as on a master or a slave without zero_copy_rx. */
static void zc_unsupported(struct memif *x, struct memif_buf *b, bool tx,
			   bool rx)
{
	struct memif_buf bufs[4];
	uint16_t n;

	if (tx) {
		ck_assert_int_eq(memif_tx_burst_zc(x, 0, b, 1, &n),
				 MEMIF_ERR_UNSUPPORTED);
		ck_assert_int_eq(memif_tx_complete(x, 0, bufs, 4, &n),
				 MEMIF_ERR_UNSUPPORTED);
	}
	if (rx) {
		ck_assert_int_eq(memif_rx_refill(x, 0, b, 1, &n),
				 MEMIF_ERR_UNSUPPORTED);
		ck_assert_int_eq(memif_rx_burst_zc(x, 0, bufs, 4, &n),
				 MEMIF_ERR_UNSUPPORTED);
	}
}

/* Every invalid argument of the zero-copy calls, and the copy-path calls a
 * zero_copy_rx interface refuses, on live interfaces: a flat list of
 * refusals, long because the inputs are many. */
START_TEST(zc_invalid_inputs_refused)
{
	struct memif_pool *p = zc_pool_new(16, 1024), *other = zc_pool_new(4, 1024);
	struct memif_config plain = { .if_name = "plain" };
	uint8_t *heap = malloc(1024);
	struct memif_buf b[4], ok = { NULL, 64, 0 };
	struct memif_rx_pkt r;
	struct memif *m, *s, *np;
	uint16_t n = 77;

	zc_pair_up(&m, &s, &p, 1, false, 4);
	ok.data = zc_pbuf(p, 1);
	/* NULL arguments */
	ck_assert_int_eq(memif_tx_burst_zc(s, 0, &ok, 1, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_tx_burst_zc(s, 0, NULL, 1, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_tx_burst_zc(NULL, 0, &ok, 1, &n),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_tx_complete(s, 0, NULL, 1, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_zc_reclaim(s, NULL, 1, &n), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_zc_reclaim(NULL, b, 1, &n), MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_tx_burst_zc(s, 9, &ok, 1, &n), MEMIF_ERR_QID);
	/* Each bad buffer after a good packet: the good one goes. */
	b[0] = ok;
	b[1] = ok;
	b[1].data = heap; /* outside every pool */
	ck_assert_int_eq(memif_tx_burst_zc(s, 0, b, 2, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_uint_eq(n, 1);
	/* a pool not attached here */
	tx_zc_refused(s, zc_buf(zc_pbuf(other, 0), 64, 0), MEMIF_ERR_INVAL_ARG);
	tx_zc_refused(s, zc_buf(NULL, 64, 0), MEMIF_ERR_INVAL_ARG);
	tx_zc_refused(s, zc_buf(ok.data, 0, 0), MEMIF_ERR_PKT_LEN);
	/* more than a buffer */
	tx_zc_refused(s, zc_buf(ok.data, 1025, 0), MEMIF_ERR_INVAL_ARG);
	/* across the end of buffer 1; up to it: fine */
	tx_zc_refused(s, zc_buf(ok.data + 1000, 25, 0), MEMIF_ERR_INVAL_ARG);
	b[0] = zc_buf(ok.data + 1000, 24, 0);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, b, 1), 1);
	/* past the end of the pool */
	tx_zc_refused(s, zc_buf(zc_pbuf(p, 15) + 1023, 2, 0),
		      MEMIF_ERR_INVAL_ARG);
	/* a chain with no end */
	tx_zc_refused(s, zc_buf(ok.data, 64, MEMIF_BUF_FLAG_NEXT),
		      MEMIF_ERR_PKT_LEN);
	/* The master got exactly the two good packets. */
	ck_assert(WAIT_UNTIL(
		memif_rx_burst(m, 0, &r, 1, &n) == MEMIF_OK && n == 1, 2000));
	ck_assert_uint_eq(BURST_OK(memif_rx_burst, m, &r, 1), 1);
	ck_assert_uint_eq(r.len, 24);
	ck_assert_uint_eq(BURST_OK(memif_rx_burst, m, &r, 1), 0);
	/* Wrong role, no pools, no zero_copy_rx. */
	zc_unsupported(m, &ok, true, true);
	zc_unsupported(s, &ok, false, true);
	plain.socket_filename = test_socket_name("zc");
	ck_assert_int_eq(memif_create_interface(&plain, NULL, &np), MEMIF_OK);
	zc_unsupported(np, &ok, true, false);
	ck_assert_int_eq(memif_close(np), MEMIF_OK);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);

	/* A zero_copy_rx slave: its receive checks the same, and the
	 * copying receives refuse it. */
	zc_pair_up(&m, &s, &p, 1, true, 4);
	b[0] = ok;
	b[0].data = heap;
	ck_assert_int_eq(memif_rx_refill(s, 0, b, 1, &n), MEMIF_ERR_INVAL_ARG);
	ck_assert_uint_eq(n, 0);
	b[0] = ok;
	b[1] = ok;
	b[1].len = 0;
	ck_assert_int_eq(memif_rx_refill(s, 0, b, 2, &n), MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(memif_rx_refill(s, 0, NULL, 2, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst_zc(s, 0, NULL, 2, &n),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_rx_burst(s, 0, &r, 1, &n),
			 MEMIF_ERR_UNSUPPORTED);
	ck_assert_int_eq(memif_rx_release(s, 0), MEMIF_ERR_UNSUPPORTED);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	free(heap);
	memif_pool_destroy(p);
	memif_pool_destroy(other);
}
END_TEST

TEST_SUITE(zc_suite, "zc",
	   TEST_CASE("pools", 30, zc_setup, zc_teardown,
		     zc_pool_create_and_destroy_leave_no_fd,
		     zc_pool_unsealable_fd_is_taken_unsealed,
		     zc_pool_bad_arguments_refused, zc_pool_on_hugepages_or_not,
		     zc_config_refusals, zc_pools_announced_as_regions),
	   TEST_CASE("transmit", 30, zc_setup, zc_teardown, zc_tx_completes_in_order,
		     zc_tx_ring_full_mixed_with_copy_and_wrap,
		     zc_disconnect_returns_every_buffer,
		     zc_invalid_inputs_refused),
	   TEST_CASE("receive", 30, zc_setup, zc_teardown,
		     zc_rx_swap_every_byte, zc_rx_bounds_the_masters_length,
		     zc_forward_between_interfaces_without_copy))

MEMIF_TEST_MAIN(zc_suite)
