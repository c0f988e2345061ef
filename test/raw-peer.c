/* SPDX-License-Identifier: MIT */
/*
 * The scripted raw peer of the control-channel tests (raw-peer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>

#include "common.h"
#include "internal.h"
#include "raw-peer.h"
#include "scm.h"

/* A SEQPACKET socket connected to @name, or bound to it and listening. */
static int raw_socket(const char *name, bool listening)
{
	struct sockaddr_un a;
	socklen_t len;
	bool abs;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(memif__socket_addr(name, &a, &len, &abs), 0);
	if (!listening) {
		ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, len), 0);
		return fd;
	}
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, len), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

int raw_connect(const char *name)
{
	return raw_socket(name, false);
}

int raw_listen(const char *name)
{
	return raw_socket(name, true);
}

ssize_t raw_recv(int fd, struct memif_msg *msg)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[256];
	ssize_t n;

	if (poll(&p, 1, 3000) != 1)
		return -ETIMEDOUT;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n == MEMIF_MSG_SIZE)
		memcpy(msg, buf, MEMIF_MSG_SIZE);
	return n;
}

void raw_send(int fd, const void *buf, size_t len, const int *fds,
	      unsigned n_fds)
{
	union {
		size_t align;
		uint8_t b[CMSG_SPACE(sizeof(int) * RAW_MAX_FDS)];
	} cb;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	ck_assert_uint_le(n_fds, RAW_MAX_FDS);
	scm_put_fds(&mh, cb.b, fds, n_fds);
	ck_assert_int_eq(sendmsg(fd, &mh, MSG_NOSIGNAL), (ssize_t)len);
}

void expect_disconnect(int fd, const char *reason)
{
	struct memif_msg msg;
	char got[MEMIF_REASON_MAX];

	for (;;) {
		ssize_t n = raw_recv(fd, &msg);

		ck_assert_int_eq(n, MEMIF_MSG_SIZE);
		if (msg.type != MEMIF_MSG_TYPE_ACK)
			break;
	}
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_DISCONNECT);
	memif__msg_strcpy(got, sizeof(got), msg.disconnect.string,
			  sizeof(msg.disconnect.string));
	ck_assert_str_eq(got, reason);
	ck_assert_int_eq(raw_recv(fd, &msg), 0);
}

void expect_fds(int want)
{
	int i;

	for (i = 0; i < 200 && test_count_fds() != want; i++)
		usleep(10000);
	ck_assert_int_eq(test_count_fds(), want);
}

void expect_type(int fd, uint16_t type)
{
	struct memif_msg msg;

	ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, type);
}

void send_msg(int fd, const struct memif_msg *m, int pass_fd)
{
	raw_send(fd, m, MEMIF_MSG_SIZE, &pass_fd, pass_fd >= 0 ? 1 : 0);
}

void send_acked(int fd, const struct memif_msg *m, int pass_fd)
{
	send_msg(fd, m, pass_fd);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
}

void add_ring_acked(int fd, bool s2m, uint32_t offset, int efd)
{
	struct memif_msg m;

	memif__msg_build_add_ring(&m, s2m, 0, 0, offset, 4);
	send_acked(fd, &m, efd);
}

void send_init(int fd, const char *secret, uint32_t id)
{
	struct memif_msg m;

	memif__msg_build_init(&m, id, 0, secret, "raw");
	send_msg(fd, &m, -1);
}

int make_region(size_t size, bool seal)
{
	int fd = memfd_create("raw region", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint32_t cookie = MEMIF_COOKIE;
	off_t at = (off_t)offsetof(struct memif_ring, cookie);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	if (seal)
		ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	/* Written through the fd, not a mapping: clang 14's ASan does not
	 * clear the shadow of a new mapping that reuses addresses it once
	 * used itself, and reported a write there about one run in fifteen. */
	ck_assert_int_eq(pwrite(fd, &cookie, sizeof(cookie), at), 4);
	ck_assert_int_eq(pwrite(fd, &cookie, sizeof(cookie), 4096 + at), 4);
	return fd;
}
