/* SPDX-License-Identifier: MIT */
/*
 * The control channel against a scripted raw peer (proto/ builds the
 * bytes): every rejection sends a DISCONNECT with a reason, closes every fd
 * that came with the message, and leaves the listener serving a good peer.
 * Covers the single-connection hostile-peer cases and
 * checklist (test/conform/CHECKLIST.md) C8-C11, C16-C34, C39, C43, C48.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "raw-peer.h"
#include "test-proto.h"

static char sock[96];
static struct memif *master;
static int connected;
static int fds_before;

/* @connected counts the interfaces up. */
static const struct memif_callbacks cbs = { test_count_up, test_count_down,
					    &connected };

/* Every socket, memfd, eventfd and io_uring fd in the process is CLOEXEC
 * (a child the application forks must not keep a connection). */
static void assert_all_cloexec(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int checked = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[64], target[128];
		ssize_t n;
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strncmp(target, "socket:", 7) &&
		    strncmp(target, "/memfd:", 7) &&
		    strcmp(target, "anon_inode:[eventfd]") &&
		    strcmp(target, "anon_inode:[io_uring]"))
			continue;
		ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
			      "fd %d (%s) is not CLOEXEC", fd, target);
		checked++;
	}
	closedir(d);
	ck_assert_int_ge(checked, 6); /* listener, 2 sockets, memfd, ... */
}

/* A good slave from the library itself still connects afterwards. */
static void good_peer_connects(void)
{
	struct memif_config sc = { .if_name = "good",
				   .socket_filename = sock,
				   .conn_id = 7,
				   .secret = "sesame" };
	struct memif *s;
	int i;

	ck_assert_int_eq(memif_create_interface(&sc, &cbs, &s), MEMIF_OK);
	for (i = 0;
	     i < 300 && __atomic_load_n(&connected, __ATOMIC_SEQ_CST) < 2; i++)
		usleep(10000);
	ck_assert_int_eq(connected, 2);
	assert_all_cloexec();
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	for (i = 0; i < 300 && __atomic_load_n(&connected, __ATOMIC_SEQ_CST);
	     i++)
		usleep(10000);
	ck_assert_int_eq(connected, 0);
}

static void setup(void)
{
	struct memif_config mc = { .if_name = "iut",
				   .is_master = true,
				   .conn_id = 7,
				   .secret = "sesame",
				   .num_rx_queues = 2,
				   .num_tx_queues = 2,
				   .handshake_timeout_ms = 500 };

	fds_before = test_count_fds();
	connected = 0;
	snprintf(sock, sizeof(sock), "%s", test_socket_name("conn"));
	mc.socket_filename = sock;
	memif_set_log_level(
		getenv("MEMIF_LOG_LEVEL") ?
			(enum memif_log_level)atoi(getenv("MEMIF_LOG_LEVEL")) :
			MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init("test-conn"), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&mc, &cbs, &master), MEMIF_OK);
}

static void teardown(void)
{
	good_peer_connects();
	ck_assert_int_eq(memif_close(master), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), fds_before);
}

/* Connect and read the HELLO. */
static int raw_slave(void)
{
	struct memif_msg msg;
	int fd = raw_connect(sock);

	ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	/* The protocol maxima, whatever the master's own queue counts. */
	ck_assert_hello(&msg, 255, 255, 255, 14);
	return fd;
}

/* Up to the point where rings may be added: INIT + one good region. */
static int raw_configured(void)
{
	struct memif_msg m;
	int fd = raw_slave(), rfd = make_region(65536, true);

	send_init(fd, "sesame", 7);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	memif__msg_build_add_region(&m, 0, 65536);
	send_msg(fd, &m, rfd);
	close(rfd);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	return fd;
}

START_TEST(conn_rejects_hello_before_init_c22)
{
	struct memif_msg m;
	int fd = raw_slave();

	memif__msg_build_hello(&m, "evil", 255, 255, 255, 14);
	send_msg(fd, &m, -1);
	expect_disconnect(fd, "unexpected message");
	close(fd);
}
END_TEST

START_TEST(conn_closes_fd_of_region_before_init_c22)
{
	struct memif_msg m;
	int fd = raw_slave(), rfd = make_region(4096, true);
	int base = test_count_fds();

	memif__msg_build_add_region(&m, 0, 4096);
	send_msg(fd, &m, rfd);
	expect_disconnect(fd, "unexpected message");
	expect_fds(base - 1); /* the library's end of fd, and the region fd */
	close(rfd);
	close(fd);
}
END_TEST

START_TEST(conn_rejects_short_and_long_datagrams_c8_c9)
{
	uint8_t buf[200] = { MEMIF_MSG_TYPE_INIT, 0 };
	int fd = raw_slave();

	raw_send(fd, buf, 64, NULL, 0);
	expect_disconnect(fd, "invalid message size");
	close(fd);
	fd = raw_slave();
	raw_send(fd, buf, 129, NULL, 0);
	expect_disconnect(fd, "invalid message size");
	close(fd);
}
END_TEST

START_TEST(conn_rejects_unknown_type_c10)
{
	uint16_t types[] = { 0, 9, 0xffff };
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct memif_msg m = { .type = types[i] };
		int fd = raw_slave();

		send_msg(fd, &m, -1);
		expect_disconnect(fd, "unknown message type");
		close(fd);
	}
}
END_TEST

START_TEST(conn_closes_extra_fds_c11)
{
	struct memif_msg m;
	int fd = raw_slave(),
	    e[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	int base = test_count_fds();

	memif__msg_build_init(&m, 7, 0, "sesame", "raw");
	raw_send(fd, &m, MEMIF_MSG_SIZE, e, 1); /* fd on INIT */
	expect_disconnect(fd, "unexpected file descriptors");
	expect_fds(base - 1); /* its socket; the eventfd copy is closed */
	close(fd);
	fd = raw_configured();
	base = test_count_fds();
	memif__msg_build_add_ring(&m, true, 0, 0, 0, 4);
	raw_send(fd, &m, MEMIF_MSG_SIZE, e, 2); /* two fds */
	expect_disconnect(fd, "unexpected file descriptors");
	expect_fds(base - 2); /* its socket and the region it had mapped */
	close(fd);
	close(e[0]);
	close(e[1]);
}
END_TEST

START_TEST(conn_rejects_bad_init_c16_c17_c19_c20)
{
	static const struct {
		uint16_t version;
		uint32_t id;
		uint8_t mode;
		const char *secret;
		const char *reason;
	} cases[] = {
		{ 0x0100, 7, 0, "sesame", "incompatible protocol version" },
		{ 0x0201, 7, 0, "sesame", "incompatible protocol version" },
		{ 0x0200, 8, 0, "sesame", "unmatched interface id" },
		{ 0x0200, 7, 1, "sesame", "mode mismatch" },
		{ 0x0200, 7, 0, "", "secret required" },
		{ 0x0200, 7, 0, "sesamf", "incorrect secret" },
		{ 0x0200, 7, 0, "sesame!", "incorrect secret" },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct memif_msg m;
		int fd = raw_slave();

		memif__msg_build_init(&m, cases[i].id, cases[i].mode,
				      cases[i].secret, "raw");
		m.init.version = cases[i].version;
		send_msg(fd, &m, -1);
		expect_disconnect(fd, cases[i].reason);
		close(fd);
	}
}
END_TEST

START_TEST(conn_accepts_secret_with_garbage_after_nul_c20)
{
	struct memif_msg m;
	int fd = raw_slave();

	memif__msg_build_init(&m, 7, 0, "sesame", "raw");
	memset(m.init.secret + 7, 0xa5, MEMIF_SECRET_LEN - 7);
	memset(m.raw + 70, 0xa5, sizeof(m.raw) - 70); /* C6 */
	send_acked(fd, &m, -1);
	close(fd);
}
END_TEST

START_TEST(conn_refuses_second_slave_for_busy_id_c18)
{
	int fd = raw_configured(), fd2 = raw_slave();

	send_init(fd2, "sesame", 7);
	expect_disconnect(fd2, "already connected");
	close(fd2);
	close(fd);
}
END_TEST

/* A slave past INIT offers region @index of @size bytes with @rfd (-1:
 * none); the master disconnects saying @why. */
static void region_refused(uint16_t index, uint32_t size, int rfd,
			   const char *why)
{
	struct memif_msg m;
	int fd = raw_slave();

	send_init(fd, "sesame", 7);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	memif__msg_build_add_region(&m, index, size);
	send_msg(fd, &m, rfd);
	expect_disconnect(fd, why);
	close(fd);
}

START_TEST(conn_rejects_bad_regions_c23_c26_e4_e5)
{
	int rfd, p[2];

	region_refused(0, 4096, -1, "missing memory region fd");
	/* index 5 first (libmemif heap overflow P4) */
	rfd = make_region(4096, true);
	region_refused(5, 4096, rfd, "unexpected region index");
	/* larger than the file */
	region_refused(0, 8192, rfd, "invalid memory region fd");
	close(rfd);
	/* unsealed memfd: could be shrunk under us */
	rfd = make_region(4096, false);
	region_refused(0, 4096, rfd,
		       "region 0 not sealed: master needs "
		       "allow_unsealed_regions");
	close(rfd);
	/* a pipe instead of memory */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	region_refused(0, 4096, p[0], "invalid memory region fd");
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(conn_rejects_bad_rings_c27_c33_f2)
{
	static const struct {
		uint16_t flags, index, region, phs;
		uint32_t offset;
		uint8_t log2;
		const char *reason;
	} cases[] = {
		{ 1, 0, 0, 7, 0, 4, "private headers not supported" },
		{ 3, 0, 0, 0, 0, 4, "unknown ring flags" },
		{ 1, 1, 0, 0, 0, 4, "unexpected ring index" },
		{ 1, 2, 0, 0, 0, 4, "unexpected ring index" },
		{ 1, 255, 0, 0, 0, 4, "unexpected ring index" },
		{ 1, 256, 0, 0, 0, 4, "too many rings (at most 256 each way)" },
		{ 1, 0, 0, 0, 0, 15, "ring size not supported" },
		{ 1, 0, 0, 0, 0, 0, "ring size not supported" },
		{ 1, 0, 1, 0, 0, 4, "ring in unknown region" },
		{ 1, 0, 0, 0, 65536 - 128, 4, "ring out of region bounds" },
		{ 1, 0, 0, 0, 0xfffffff0u, 4, "ring out of region bounds" },
		{ 1, 0, 0, 0, 8, 4, "ring out of region bounds" },
	};
	struct memif_msg m;
	unsigned i;
	int p[2], fd, e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = raw_configured();
		memif__msg_build_add_ring(&m, cases[i].flags & 1,
					  cases[i].index, cases[i].region,
					  cases[i].offset, cases[i].log2);
		m.add_ring.flags = cases[i].flags;
		m.add_ring.private_hdr_size = cases[i].phs;
		send_msg(fd, &m, e);
		expect_disconnect(fd, cases[i].reason);
		close(fd);
	}
	/* no fd, then a pipe where an eventfd belongs (P13) */
	fd = raw_configured();
	memif__msg_build_add_ring(&m, true, 0, 0, 0, 4);
	send_msg(fd, &m, -1);
	expect_disconnect(fd, "missing ring interrupt fd");
	close(fd);
	fd = raw_configured();
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	send_msg(fd, &m, p[0]);
	expect_disconnect(fd, "invalid ring interrupt fd");
	close(fd);
	close(p[0]);
	close(p[1]);
	close(e);
}
END_TEST

/* A configured slave that adds its S2M ring at offset 0 and, unless
 * @m2s_offset is 0, its M2S ring at @m2s_offset, then sends CONNECT. */
static int raw_connecting(int e, uint32_t m2s_offset)
{
	struct memif_msg m;
	int fd = raw_configured();

	add_ring_acked(fd, true, 0, e);
	if (m2s_offset)
		add_ring_acked(fd, false, m2s_offset, e);
	memif__msg_build_connect(&m, "raw");
	send_msg(fd, &m, -1);
	return fd;
}

START_TEST(conn_connect_checks_rings_and_cookies_c34_c35)
{
	struct memif_msg m;
	int fd, e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	/* CONNECT with no M2S ring */
	fd = raw_connecting(e, 0);
	expect_disconnect(fd, "incomplete configuration");
	close(fd);
	/* a ring whose cookie is wrong (offset 1024 has none) */
	fd = raw_connecting(e, 1024);
	expect_disconnect(fd, "wrong cookie");
	close(fd);
	/* and a good one connects; anything but DISCONNECT after is fatal */
	fd = raw_connecting(e, 4096);
	expect_type(fd, MEMIF_MSG_TYPE_CONNECTED);
	memif__msg_build_connect(&m, "raw"); /* C37 */
	send_msg(fd, &m, -1);
	expect_disconnect(fd, "unexpected message");
	close(fd);
	close(e);
	/* the aborted connection's on_connect/on_disconnect pair ran */
	for (int i = 0;
	     i < 300 && __atomic_load_n(&connected, __ATOMIC_SEQ_CST); i++)
		usleep(10000);
	ck_assert_int_eq(connected, 0);
}
END_TEST

START_TEST(conn_drops_stalled_handshake_c39)
{
	struct memif_msg m;
	int fd = raw_slave(), fd2 = raw_slave();

	/* fd stalls before INIT, fd2 after INIT: both are dropped at the
	 * 500 ms timeout while others are served meanwhile. */
	send_init(fd2, "sesame", 7);
	expect_type(fd2, MEMIF_MSG_TYPE_ACK);
	expect_disconnect(fd, "handshake timeout");
	expect_disconnect(fd2, "handshake timeout");
	(void)m;
	close(fd);
	close(fd2);
}
END_TEST

START_TEST(conn_survives_peer_vanishing_at_each_step_c38)
{
	struct memif_msg m;
	int step, fd, e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int base = test_count_fds();

	for (step = 0; step < 5; step++) {
		fd = raw_slave();
		if (step >= 1) {
			send_init(fd, "sesame", 7);
			expect_type(fd, MEMIF_MSG_TYPE_ACK);
		}
		if (step >= 2) {
			int rfd = make_region(65536, true);

			memif__msg_build_add_region(&m, 0, 65536);
			send_msg(fd, &m, rfd);
			close(rfd);
			expect_type(fd, MEMIF_MSG_TYPE_ACK);
		}
		if (step >= 3) {
			add_ring_acked(fd, true, 0, e);
		}
		if (step >= 4) {
			add_ring_acked(fd, false, 4096, e);
			memif__msg_build_connect(&m, "raw");
			send_msg(fd, &m, -1);
			expect_type(fd, MEMIF_MSG_TYPE_CONNECTED);
		}
		close(fd);
		/* the library releases everything the peer sent */
		expect_fds(base);
	}
	close(e);
}
END_TEST


/* As VPP's master: the slave decides the ring counts, whatever the
 * master's own configuration (2 queues here), and details say what was
 * negotiated. */
START_TEST(conn_master_takes_the_rings_the_slave_asks_for_c36)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	int e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), fd, rfd, i;
	uint32_t cookie = MEMIF_COOKIE;
	struct memif_msg m;

	ck_assert_ptr_nonnull(d);
	fd = raw_slave();
	send_init(fd, "sesame", 7);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	rfd = make_region(65536, true);
	for (i = 2; i < 7; i++)
		ck_assert_int_eq(pwrite(rfd, &cookie, sizeof(cookie),
					(off_t)i * 4096 +
						(off_t)offsetof(struct memif_ring,
								cookie)),
				 4);
	memif__msg_build_add_region(&m, 0, 65536);
	send_acked(fd, &m, rfd);
	/* 4 S2M rings (the master's RX), then 3 M2S rings */
	for (i = 0; i < 7; i++) {
		memif__msg_build_add_ring(&m, i < 4, (uint16_t)(i < 4 ? i : i - 4),
					  0, (uint32_t)i * 4096, 4);
		send_acked(fd, &m, e);
	}
	memif__msg_build_connect(&m, "raw");
	send_msg(fd, &m, -1);
	expect_type(fd, MEMIF_MSG_TYPE_CONNECTED);
	ck_assert_int_eq(memif_get_details(master, d), MEMIF_OK);
	ck_assert_uint_eq(d->num_rx_queues, 4);
	ck_assert_uint_eq(d->num_tx_queues, 3);
	close(fd);
	close(rfd);
	close(e);
	for (i = 0; i < 300 && __atomic_load_n(&connected, __ATOMIC_SEQ_CST);
	     i++)
		usleep(10000);
	ck_assert_int_eq(connected, 0);
	free(d);
}
END_TEST

/* ---- the library as slave, against a raw master -------------------------- */

/* Our slave @sc on a fresh socket where a raw master listens (*@lfd),
 * created (*@s) and accepted: the raw master's end of the connection. */
static int raw_master_accepts(struct memif_config *sc, int *lfd,
			      struct memif **s)
{
	const char *name = test_socket_name("raw-master");
	int fd;

	*lfd = raw_listen(name);
	sc->socket_filename = name;
	ck_assert_int_eq(memif_create_interface(sc, NULL, s), MEMIF_OK);
	fd = accept4(*lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* The end of raw_master_accepts: the connection, the slave (asserted)
 * and the listener closed. */
static void raw_master_done(int fd, int lfd, struct memif *s)
{
	close(fd);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	close(lfd);
}

/* The library's slave against a raw master advertising small maxima: the
 * whole handshake, message by message, each one checked; long because it
 * is the protocol's order written out. */
START_TEST(conn_slave_follows_hello_maxima_and_order_c42_c44_c45_c46)
{
	struct memif_config sc = { .if_name = "s",
				   .conn_id = 3,
				   .num_rx_queues = 4,
				   .num_tx_queues = 4,
				   .log2_ring_size = 10,
				   .reconnect_interval_ms = 100 };
	struct memif_msg m;
	int lfd, fd, rfd = -1, seals, k;
	struct memif *s;

	fd = raw_master_accepts(&sc, &lfd, &s);
	memif__msg_build_hello(&m, "raw", 255, 1, 0, 6);
	send_msg(fd, &m, -1);
	ck_assert_int_eq(raw_recv(fd, &m), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(m.type, MEMIF_MSG_TYPE_INIT);
	ck_assert_uint_eq(m.init.id, 3);
	/* 1 S2M ring (max index 0), 2 M2S rings (max index 1), log2 6 */
	for (k = 0; k < 5; k++) {
		struct msghdr mh = { 0 };
		union {
			struct cmsghdr al;
			uint8_t b[CMSG_SPACE(sizeof(int))];
		} cb;
		struct iovec iov = { &m, sizeof(m) };
		struct cmsghdr *cm;
		int rfd2 = -1;

		memif__msg_build_ack(&m);
		send_msg(fd, &m, -1);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cb.b;
		mh.msg_controllen = sizeof(cb.b);
		ck_assert_int_eq(recvmsg(fd, &mh, MSG_CMSG_CLOEXEC), 128);
		cm = CMSG_FIRSTHDR(&mh);
		if (cm)
			memcpy(&rfd2, CMSG_DATA(cm), sizeof(int));
		switch (k) {
		case 0:
			ck_assert_uint_eq(m.type, MEMIF_MSG_TYPE_ADD_REGION);
			ck_assert_int_ge(rfd2, 0);
			seals = fcntl(rfd2, F_GET_SEALS);
			ck_assert(seals & F_SEAL_SHRINK);
			rfd = rfd2;
			break;
		case 1:
			ck_assert_uint_eq(m.type, MEMIF_MSG_TYPE_ADD_RING);
			ck_assert_uint_eq(m.add_ring.flags, 1);
			ck_assert_uint_eq(m.add_ring.log2_ring_size, 6);
			ck_assert_int_eq(memif__eventfd_check(rfd2), 0);
			close(rfd2);
			break;
		case 2:
		case 3:
			ck_assert_uint_eq(m.type, MEMIF_MSG_TYPE_ADD_RING);
			ck_assert_uint_eq(m.add_ring.flags, 0);
			ck_assert_uint_eq(m.add_ring.index, k - 2);
			close(rfd2);
			break;
		case 4:
			ck_assert_uint_eq(m.type, MEMIF_MSG_TYPE_CONNECT);
			ck_assert_int_lt(rfd2, 0);
			break;
		}
	}
	/* C48: an unsolicited second HELLO is refused */
	memif__msg_build_hello(&m, "raw", 255, 1, 0, 6);
	send_msg(fd, &m, -1);
	expect_disconnect(fd, "unexpected message");
	close(rfd);
	raw_master_done(fd, lfd, s);
}
END_TEST

START_TEST(conn_slave_rejects_incompatible_hello_c43)
{
	struct memif_config sc = { .if_name = "s", .conn_id = 3 };
	struct memif_msg m;
	struct memif *s;
	int lfd, fd;

	fd = raw_master_accepts(&sc, &lfd, &s);
	memif__msg_build_hello(&m, "raw", 255, 0, 0, 10);
	m.hello.min_version = 0x0300;
	m.hello.max_version = 0x0300;
	send_msg(fd, &m, -1);
	expect_disconnect(fd, "incompatible protocol version");
	raw_master_done(fd, lfd, s);
}
END_TEST

TEST_SUITE(conn_suite, "conn",
	   TEST_CASE("master", 60, setup, teardown,
		     conn_rejects_hello_before_init_c22,
		     conn_closes_fd_of_region_before_init_c22,
		     conn_rejects_short_and_long_datagrams_c8_c9,
		     conn_rejects_unknown_type_c10, conn_closes_extra_fds_c11,
		     conn_rejects_bad_init_c16_c17_c19_c20,
		     conn_accepts_secret_with_garbage_after_nul_c20,
		     conn_refuses_second_slave_for_busy_id_c18,
		     conn_rejects_bad_regions_c23_c26_e4_e5,
		     conn_rejects_bad_rings_c27_c33_f2,
		     conn_connect_checks_rings_and_cookies_c34_c35,
		     conn_drops_stalled_handshake_c39,
		     conn_survives_peer_vanishing_at_each_step_c38,
		     conn_master_takes_the_rings_the_slave_asks_for_c36,
		     conn_slave_follows_hello_maxima_and_order_c42_c44_c45_c46,
		     conn_slave_rejects_incompatible_hello_c43))

MEMIF_TEST_MAIN(conn_suite)
