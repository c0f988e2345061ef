/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy, the master's side of a slave's pools: a master that allows
 * fewer regions than the slave has, an unsealed pool taken only when
 * allowed, and our master still catching a slave that lies about a pool
 * buffer.  Master and slave are both ours, in this process, over real
 * sockets (zc-pair.c); the lying slave is a raw peer.
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

/* A master advertising max_region 0 cannot take a pool: the slave says so,
 * naming both numbers; with max_region 1 it announces region 0, then the
 * pool, with the pool's size and fd. */
START_TEST(zc_master_allowing_fewer_regions_is_refused)
{
	struct memif_pool *p = zc_pool_new(8, 2048);
	struct memif_config sc = { .if_name = "s",
				   .pools = &p,
				   .n_pools = 1,
				   .reconnect_interval_ms = 100 };
	const char *name = test_socket_name("zc-raw");
	struct memif_msg msg;
	struct memif *s;
	int lfd, fd, efd, code = 0, k;

	lfd = raw_listen(name);
	sc.socket_filename = name;
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	ck_assert_int_eq(memif_get_interrupt_error_fd(s, &efd), MEMIF_OK);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memif__msg_build_hello(&msg, "raw", 0, 255, 255, 14);
	send_msg(fd, &msg, -1);
	expect_disconnect(fd, "master allows 1 regions, slave needs 2 "
			      "(region 0 and 1 pools)");
	close(fd);
	ck_assert(WAIT_UNTIL(memif_read_interrupt_error(s, &code) == MEMIF_OK,
			     2000));
	ck_assert_int_eq(code, MEMIF_ERR_MAXREG);
	/* It retries; a master allowing two regions gets both. */
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memif__msg_build_hello(&msg, "raw", 1, 255, 255, 14);
	send_msg(fd, &msg, -1);
	expect_type(fd, MEMIF_MSG_TYPE_INIT);
	for (k = 0; k < 2; k++) {
		union {
			struct cmsghdr al;
			uint8_t b[CMSG_SPACE(sizeof(int))];
		} cbuf;
		struct iovec iov = { &msg, sizeof(msg) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.b,
				     .msg_controllen = sizeof(cbuf.b) };
		struct cmsghdr *cm;
		int rfd = -1;

		memif__msg_build_ack(&msg);
		send_msg(fd, &msg, -1);
		ck_assert_int_eq(recvmsg(fd, &mh, MSG_CMSG_CLOEXEC), 128);
		ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_ADD_REGION);
		ck_assert_uint_eq(msg.add_region.index, k);
		cm = CMSG_FIRSTHDR(&mh);
		ck_assert_ptr_nonnull(cm);
		memcpy(&rfd, CMSG_DATA(cm), sizeof(int));
		ck_assert_int_ge(rfd, 0);
		if (k == 1) {
			ck_assert_uint_eq(msg.add_region.size, 8 * 2048);
			ck_assert(fcntl(rfd, F_GET_SEALS) & F_SEAL_SHRINK);
		}
		close(rfd);
	}
	close(fd);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	close(lfd);
	memif_pool_destroy(p);
}
END_TEST

/* A pool in the application's own file that cannot be sealed: our master
 * refuses it as it refuses any unsealed region, naming the option; with
 * allow_unsealed_regions it takes it and traffic flows. */
START_TEST(zc_master_takes_an_unsealed_pool_only_if_allowed)
{
	struct memif_config mc = { .if_name = "m", .is_master = true };
	struct memif_config sc = { .if_name = "s",
				   .n_pools = 1,
				   .reconnect_interval_ms = 100 };
	int mfd = memfd_create("app pool", MFD_CLOEXEC); /* no sealing */
	struct memif_buf b = { NULL, 80, 0 };
	struct memif_pool *p;
	struct memif *m, *s;

	ck_assert_int_eq(ftruncate(mfd, 16 * 1024), 0);
	ck_assert_int_eq(memif_pool_create_fd(mfd, 16 * 1024, 1024, &p),
			 MEMIF_OK);
	close(mfd);
	sc.pools = &p;
	mc.socket_filename = sc.socket_filename = test_socket_name("zc");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(memif_get_details(m, dm) == MEMIF_OK &&
					 dm->last_refusal_reason[0],
				 3000),
		      "not refused");
	ck_assert_str_eq(dm->last_refusal_reason,
			 "region 1 not sealed: master needs "
			 "allow_unsealed_regions");
	ck_assert(!zc_linked(m, s));
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	mc.allow_unsealed_regions = true;
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(zc_linked(m, s), 5000), "no link");
	b.data = zc_pbuf(p, 3);
	fill(b.data, 80, 11);
	ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, &b, 1), 1);
	zc_master_gets(m, 80, 11);
	zc_pair_down(m, s, p);
}
END_TEST

/* Our master checks a pool descriptor like any other: a slave that points
 * past its pool, or at a region it never announced, is caught. */
START_TEST(zc_master_catches_a_lying_slave)
{
	struct memif_pool *p = zc_pool_new(8, 2048);
	struct memif_buf b = { NULL, 100, 0 };
	struct memif_rx_pkt r;
	struct memif *m, *s;
	struct memif_desc *d;

	zc_pair_up(&m, &s, &p, 1, false, 4);
	b.data = zc_pbuf(p, 7);
	fill(b.data, 100, 3);
	/* Three packets; then their descriptors lie before the master
	 * looks (we are the slave, the ring is ours to write). */
	{
		struct memif_buf three[3] = { b, b, b };

		ck_assert_uint_eq(BURST_OK(memif_tx_burst_zc, s, three, 3), 3);
	}
	d = s->dp.txq[0]->ring->desc;
	ck_assert_uint_eq(d[0].region, 1);
	ck_assert_uint_eq(d[0].offset, 7 * 2048);
	d[0].offset = 8 * 2048 - 50; /* runs past the pool */
	d[1].region = 2; /* never announced */
	ck_assert_uint_eq(BURST_OK(memif_rx_burst, m, &r, 1), 1);
	ck_assert(check(r.data, 100, 3)); /* the third, honest one */
	ck_assert_int_eq(memif_get_details(m, dm), MEMIF_OK);
	ck_assert_uint_eq(dm->rx_queues[0].drops_bad_desc, 2);
	zc_pair_down(m, s, p);
}
END_TEST

TEST_SUITE(zc_master_suite, "zc-master",
	   TEST_CASE("master", 30, zc_setup, zc_teardown,
		     zc_master_allowing_fewer_regions_is_refused,
		     zc_master_catches_a_lying_slave,
		     zc_master_takes_an_unsealed_pool_only_if_allowed))

MEMIF_TEST_MAIN(zc_master_suite)
