/* SPDX-License-Identifier: MIT */
/*
 * "An fd shared with the peer is the peer's too" (DESIGN.md): every
 * eventfd, memfd or socket that came from or went to the peer shares its
 * open file description with the peer, which sets its flags, its counter
 * and what our close() costs.  Each case plays the hostile peer of
 * checks J5-J10 (test/conform/CHECKLIST.md) and asserts that the library neither
 * blocks, stalls its event loop, leaks an fd nor copies between
 * overlapping ranges.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "raw-peer.h"

#define ID 7
#define SECRET "sesame"
/* A call that has not returned after this long is taken as blocked. */
#define BLOCKED_MS 2000

static char sock[96];
static struct memif *master, *slave;
static int up;
static int fds_before;

/* @up counts the interfaces up. */
static const struct memif_callbacks cbs = { test_count_up, test_count_down,
					    &up };

static void wait_up(int want)
{
	int i;

	for (i = 0; i < 500 && __atomic_load_n(&up, __ATOMIC_SEQ_CST) != want;
	     i++)
		usleep(10000);
	ck_assert_int_eq(__atomic_load_n(&up, __ATOMIC_SEQ_CST), want);
}

static void setup_master(bool own_loop)
{
	struct memif_init_opts opts = { .no_event_thread = own_loop };
	struct memif_config mc = { .if_name = "master",
				   .is_master = true,
				   .conn_id = ID,
				   .secret = SECRET,
				   .log2_ring_size = 4,
				   .handshake_timeout_ms = 3000 };

	fds_before = test_count_fds();
	up = 0;
	slave = NULL;
	snprintf(sock, sizeof(sock), "%s", test_socket_name("shared-fd"));
	mc.socket_filename = sock;
	memif_set_log_level(MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init_ex("test-shared-fd", &opts), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&mc, &cbs, &master), MEMIF_OK);
}

static void setup(void)
{
	setup_master(false);
}

/* The test thread runs the library's loop (memif_process_events), so the
 * library sees nothing until the test lets it. */
static void setup_own_loop(void)
{
	setup_master(true);
}

static void teardown(void)
{
	if (slave)
		ck_assert_int_eq(memif_close(slave), MEMIF_OK);
	ck_assert_int_eq(memif_close(master), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	expect_fds(fds_before);
}

/* A slave of this library in this process, connected to the master, both
 * in (level) interrupt mode. */
static void connect_slave(void)
{
	struct memif_config sc = { .if_name = "slave",
				   .socket_filename = sock,
				   .conn_id = ID,
				   .secret = SECRET,
				   .log2_ring_size = 4 };

	ck_assert_int_eq(memif_create_interface(&sc, &cbs, &slave), MEMIF_OK);
	wait_up(2);
}

/* Connect and read the HELLO. */
static int raw_slave(void)
{
	struct memif_msg msg;
	int fd = raw_connect(sock);

	ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	return fd;
}

/* ---- a call on a data thread that must come back ------------------------ */

struct call {
	struct memif *m;
	bool tx;
	const uint8_t *data;
	uint32_t len;
	int ret;
	uint16_t n;
	int done;
};

static void *call_thread(void *arg)
{
	struct call *c = arg;

	if (c->tx) {
		struct memif_tx_pkt p = { .data = c->data, .len = c->len };

		c->ret = memif_tx_burst(c->m, 0, &p, 1, &c->n);
	} else {
		struct memif_rx_pkt p[4];

		c->ret = memif_rx_burst(c->m, 0, p, 4, &c->n);
	}
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Run the burst on its own thread; fail if it has not returned within
 * BLOCKED_MS (the thread is then left blocked: the test process ends). */
static void burst_returns(struct call *c)
{
	pthread_t t;
	uint64_t end = test_now_ms() + BLOCKED_MS;

	ck_assert_int_eq(pthread_create(&t, NULL, call_thread, c), 0);
	while (!__atomic_load_n(&c->done, __ATOMIC_SEQ_CST) &&
	       test_now_ms() < end)
		usleep(1000);
	if (!__atomic_load_n(&c->done, __ATOMIC_SEQ_CST))
		ck_abort_msg("%s blocked on an eventfd shared with the peer",
			     c->tx ? "memif_tx_burst" : "memif_rx_burst");
	ck_assert_int_eq(pthread_join(t, NULL), 0);
}

/* What the peer can do to an eventfd we share: clear O_NONBLOCK on the
 * description, and leave the counter at @count. */
static void make_blocking(int fd, uint64_t count)
{
	struct iovec iov;
	uint64_t v;
	int fl = fcntl(fd, F_GETFL);

	ck_assert_int_ge(fl, 0);
	iov.iov_base = &v;
	iov.iov_len = sizeof(v);
	(void)preadv2(fd, &iov, 1, -1, RWF_NOWAIT); /* counter to 0 */
	ck_assert_int_eq(fcntl(fd, F_SETFL, fl & ~O_NONBLOCK), 0);
	if (count)
		ck_assert_int_eq(write(fd, &count, sizeof(count)), 8);
}

/* J5: the transmitter's signal, with the counter at its maximum and
 * O_NONBLOCK cleared, would block write() forever. */
static void tx_signal_survives_saturated_blocking_eventfd(struct memif *tx,
							  struct memif *rx)
{
	static const uint8_t pkt[64] = { 1, 2, 3, 4 };
	struct call c = { .m = tx, .tx = true, .data = pkt, .len = sizeof(pkt) };
	struct memif_rx_pkt got[4];
	uint16_t n = 0;
	int efd, i;

	/* The eventfd @tx signals is the one @rx waits on. */
	ck_assert_int_eq(memif_get_queue_interrupt_fd(rx, 0, &efd), MEMIF_OK);
	make_blocking(efd, 0xfffffffffffffffeull);
	burst_returns(&c);
	ck_assert_int_eq(c.ret, MEMIF_OK);
	ck_assert_uint_eq(c.n, 1);
	/* The packet went all the same. */
	for (i = 0; i < 200 && n == 0; i++) {
		ck_assert_int_eq(memif_rx_burst(rx, 0, got, 4, &n), MEMIF_OK);
		if (!n)
			usleep(1000);
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(got[0].len, sizeof(pkt));
	ck_assert_int_eq(memcmp(got[0].data, pkt, sizeof(pkt)), 0);
}

START_TEST(shared_fd_tx_signal_never_blocks_j5)
{
	connect_slave();
	tx_signal_survives_saturated_blocking_eventfd(slave, master); /* S2M */
	tx_signal_survives_saturated_blocking_eventfd(master, slave); /* M2S */
}
END_TEST

/* The signal that never blocks is still a plain eventfd write to the
 * receiver: an io_uring multishot poll on the queue fd (edge mode's
 * documented wait) stays armed across signals.  A signal posted through a
 * registered eventfd would carry EPOLL_URING_WAKE, which makes the kernel
 * end such a poll at every signal. */
START_TEST(shared_fd_signal_keeps_a_multishot_poll_armed)
{
	struct memif_tx_pkt p = { .data = "ping", .len = 4 };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint16_t sent;
	int efd, i;

	connect_slave();
	ck_assert_int_eq(memif_set_rx_mode(master, 0,
					   MEMIF_RX_MODE_INTERRUPT_EDGE),
			 MEMIF_OK);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(master, 0, &efd),
			 MEMIF_OK);
	ck_assert_int_eq(io_uring_queue_init(8, &ring, 0), 0);
	io_uring_prep_poll_multishot(io_uring_get_sqe(&ring), efd, POLLIN);
	ck_assert_int_eq(io_uring_submit(&ring), 1);
	for (i = 0; i < 3; i++) {
		struct memif_rx_pkt got[4];
		uint16_t n;

		ck_assert_int_eq(memif_tx_burst(slave, 0, &p, 1, &sent),
				 MEMIF_OK);
		ck_assert_uint_eq(sent, 1);
		ck_assert_int_eq(io_uring_wait_cqe(&ring, &cqe), 0);
		ck_assert_int_gt(cqe->res, 0);
		ck_assert_msg(cqe->flags & IORING_CQE_F_MORE,
			      "signal %d ended the multishot poll", i);
		io_uring_cqe_seen(&ring, cqe);
		ck_assert_int_eq(memif_rx_burst(master, 0, got, 4, &n),
				 MEMIF_OK);
		ck_assert_uint_eq(n, 1);
	}
	io_uring_queue_exit(&ring);
}
END_TEST

/* J5: the receiver, finding its ring empty in level interrupt mode, clears
 * its eventfd; with O_NONBLOCK cleared and the count read back by the
 * peer, read() would sleep until the peer signals again. */
START_TEST(shared_fd_rx_clear_never_blocks_j5)
{
	struct memif *both[2];
	unsigned i;
	int efd;

	connect_slave();
	both[0] = master;
	both[1] = slave;
	for (i = 0; i < 2; i++) {
		struct call c = { .m = both[i], .tx = false };

		ck_assert_int_eq(memif_get_queue_interrupt_fd(both[i], 0, &efd),
				 MEMIF_OK);
		make_blocking(efd, 0);
		burst_returns(&c);
		ck_assert_int_eq(c.ret, MEMIF_OK);
		ck_assert_uint_eq(c.n, 0);
	}
	/* and teardown closes both at once: no burst is stuck in the gate */
}
END_TEST

/* J6: a semaphore eventfd passes "is it an eventfd"; with a count of
 * 2^40 it would stay readable for good. */
START_TEST(shared_fd_semaphore_eventfd_refused_j6)
{
	struct memif_msg m;
	int fd = raw_slave(), rfd = make_region(65536, true);
	int e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE);
	uint64_t big = 1ull << 40;

	ck_assert_int_ge(e, 0);
	ck_assert_int_eq(write(e, &big, sizeof(big)), 8);
	send_init(fd, SECRET, ID);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	memif__msg_build_add_region(&m, 0, 65536);
	send_acked(fd, &m, rfd);
	memif__msg_build_add_ring(&m, true, 0, 0, 0, 4);
	send_msg(fd, &m, e);
	expect_disconnect(fd, "semaphore eventfd as ring interrupt fd");
	close(fd);
	close(rfd);
	close(e);
}
END_TEST

/* J8: a zero-length datagram is a message of the wrong size, not the end
 * of the connection; its fds are closed like any other's. */
START_TEST(shared_fd_zero_length_datagram_refused_j8)
{
	int start = test_count_fds(), fd, mfd[3], i;

	fd = raw_slave();
	raw_send(fd, NULL, 0, NULL, 0);
	expect_disconnect(fd, "invalid message size");
	close(fd);

	fd = raw_slave();
	for (i = 0; i < 3; i++) {
		mfd[i] = memfd_create("stray", MFD_CLOEXEC);
		ck_assert_int_ge(mfd[i], 0);
	}
	raw_send(fd, NULL, 0, mfd, 3);
	for (i = 0; i < 3; i++)
		close(mfd[i]);
	expect_disconnect(fd, "invalid message size");
	close(fd);
	expect_fds(start);
}
END_TEST

/* A TCP socket with its @opt buffer (SO_RCVBUF, SO_SNDBUF) at 4 KiB. */
static int small_tcp_socket(int opt)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), small = 4096;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, opt, &small, sizeof(small)),
			 0);
	return fd;
}

/*
 * A TCP socket whose last close lingers: unsent data (the receiving side
 * never reads) and SO_LINGER {1, @secs}.  *@keep is the receiving side,
 * to be closed by the caller when the test is over.
 */
static int lingering_socket(int secs, int *keep)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { .l_onoff = 1, .l_linger = secs };
	socklen_t len = sizeof(a);
	int lfd, cfd, n = 0;
	char chunk[4096] = { 0 };

	lfd = small_tcp_socket(SO_RCVBUF);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	cfd = small_tcp_socket(SO_SNDBUF);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	*keep = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(*keep, 0);
	close(lfd);
	while (send(cfd, chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		n++;
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(
		setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	return cfd;
}

/* Own-loop fixture: run the library's loop until @fd is readable; how long
 * that took, in ms. */
static uint64_t pump_until_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t t0 = test_now_ms();

	while (poll(&p, 1, 0) == 0 && test_now_ms() - t0 < 5000)
		ck_assert_int_eq(memif_process_events(10), MEMIF_OK);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	return test_now_ms() - t0;
}

/* Own-loop fixture: connect and read the HELLO. */
static int raw_slave_own_loop(void)
{
	struct memif_msg msg;
	int fd = raw_connect(sock);

	pump_until_readable(fd);
	ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	return fd;
}

/*
 * INIT carrying @n_fds fds, the last one a lingering socket; with @queued,
 * the lingering socket comes instead on a second datagram that the library
 * never reads (it stops reading at the refusal of the first), so that it
 * goes with our end of the connection.  Our copies are closed before the
 * library's loop runs, so its close is the last one.  The refusal must come
 * at once, and a second slave must be served at once: the linger is not
 * paid on the event loop's thread.
 */
static void lingering_fd_does_not_stall(unsigned n_fds, bool queued)
{
	int fds[RAW_MAX_FDS], keep, fd, fd2, start = test_count_fds();
	struct memif_msg m, hello;
	unsigned i;

	for (i = 0; i < n_fds; i++) {
		fds[i] = memfd_create("stray", MFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
	}
	if (!queued) {
		close(fds[n_fds - 1]);
		fds[n_fds - 1] = lingering_socket(3, &keep);
	}
	fd = raw_slave_own_loop();
	memif__msg_build_init(&m, ID, 0, SECRET, "raw");
	raw_send(fd, &m, sizeof(m), fds, n_fds);
	for (i = 0; i < n_fds; i++)
		close(fds[i]); /* the datagram holds them: no linger here */
	if (queued) {
		fds[0] = lingering_socket(3, &keep);
		memif__msg_build_ack(&m);
		raw_send(fd, &m, sizeof(m), fds, 1);
		close(fds[0]);
	}
	ck_assert_uint_lt(pump_until_readable(fd), 1000); /* linger: 3 s */
	expect_disconnect(fd, "unexpected file descriptors");
	fd2 = raw_connect(sock);
	ck_assert_uint_lt(pump_until_readable(fd2), 1000);
	ck_assert_int_eq(raw_recv(fd2, &hello), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(hello.type, MEMIF_MSG_TYPE_HELLO);
	close(fd2);
	close(fd);
	for (i = 0; i < 200 && test_count_fds() != start + 1; i++)
		ck_assert_int_eq(memif_process_events(10), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), start + 1); /* + keep */
	close(keep);
}

START_TEST(shared_fd_lingering_stray_socket_closed_off_loop_j7)
{
	lingering_fd_does_not_stall(1, false);
}
END_TEST

/* J7: fds the peer queued behind a refused message go when we close our
 * end of the connection, and that close must not linger either. */
START_TEST(shared_fd_fds_queued_on_a_dead_connection_closed_off_loop_j7)
{
	lingering_fd_does_not_stall(1, true);
}
END_TEST

/* J9: 20 fds, more than an 8-fd control buffer takes: the kernel would
 * close the excess, the lingering one among them, inside our recvmsg. */
START_TEST(shared_fd_every_fd_of_a_datagram_received_j9)
{
	lingering_fd_does_not_stall(20, false);
}
END_TEST

/* J10: the peer points the buffer we transmit into at the packet the
 * application is forwarding from.  @fwd received a packet from @peer and
 * sends it back; the hostile @peer made the destination overlap it. */
static void forward_overlapping(struct memif *fwd, struct memif *peer,
				bool fwd_is_master)
{
	uint8_t pkt[256], want[256];
	struct memif_tx_pkt tp = { .data = pkt, .len = sizeof(pkt) };
	struct memif_rx_pkt v, back[4];
	struct memif__queue *tq = fwd->dp.txq[0];
	uint16_t n = 0, sent = 0, slot;
	unsigned i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(memif_tx_burst(peer, 0, &tp, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	for (i = 0; i < 200 && !n; i++) {
		ck_assert_int_eq(memif_rx_burst(fwd, 0, &v, 1, &n), MEMIF_OK);
		if (!n)
			usleep(1000);
	}
	ck_assert_uint_eq(n, 1);
	memcpy(want, v.data, v.len);
	slot = tq->cursor & tq->mask;
	if (fwd_is_master) {
		/* The slave lends M2S buffers: it names one 16 bytes past the
		 * start of the view. */
		struct memif_desc *d = &tq->ring->desc[slot];

		d->region = 0;
		d->offset = (uint32_t)(v.data - fwd->shm.views[0].base) + 16;
		d->length = (uint32_t)sizeof(pkt);
	} else {
		/* The master wrote the M2S descriptor we received: it may
		 * point anywhere in our region, here 16 bytes into the S2M
		 * buffer our answer goes to.  Move the view there. */
		uint8_t *dst = tq->region0 + tq->buf_base_off +
			       (uint64_t)slot * tq->buf_size;

		memmove(dst + 16, v.data, v.len);
		v.data = dst + 16;
	}
	tp.data = v.data;
	tp.len = v.len;
	ck_assert_int_eq(memif_tx_burst(fwd, 0, &tp, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	n = 0;
	for (i = 0; i < 200 && !n; i++) {
		ck_assert_int_eq(memif_rx_burst(peer, 0, back, 4, &n),
				 MEMIF_OK);
		if (!n)
			usleep(1000);
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(back[0].len, sizeof(want));
	ck_assert_int_eq(memcmp(back[0].data, want, sizeof(want)), 0);
	ck_assert_int_eq(memif_rx_burst(fwd, 0, &v, 1, &n), MEMIF_OK);
}

START_TEST(shared_fd_overlapping_forward_copies_exactly_j10)
{
	connect_slave();
	forward_overlapping(master, slave, true);
	forward_overlapping(slave, master, false);
}
END_TEST

TEST_SUITE(
	shared_fd_suite, "shared-fd",
	TEST_CASE("hostile peer", 30, setup, teardown,
		  shared_fd_tx_signal_never_blocks_j5,
		  shared_fd_rx_clear_never_blocks_j5,
		  shared_fd_signal_keeps_a_multishot_poll_armed,
		  shared_fd_semaphore_eventfd_refused_j6,
		  shared_fd_zero_length_datagram_refused_j8,
		  shared_fd_overlapping_forward_copies_exactly_j10),
	TEST_CASE("own loop", 30, setup_own_loop, teardown,
		  shared_fd_lingering_stray_socket_closed_off_loop_j7,
		  shared_fd_fds_queued_on_a_dead_connection_closed_off_loop_j7,
		  shared_fd_every_fd_of_a_datagram_received_j9))

MEMIF_TEST_MAIN(shared_fd_suite)
