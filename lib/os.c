/* SPDX-License-Identifier: MIT */
/*
 * Syscall wrappers: every fd made CLOEXEC, EINTR retried, and every result
 * >= 0 or -errno.  The fds, sockets and shared memory of connections go
 * through here; the one other place lib/ reads errno is the master's
 * socket file (socket.c listener_open: bind, chmod, chown, listen), which
 * converts it at the call.
 *
 * An eventfd shared with the peer is one open file description: the peer
 * sets its O_NONBLOCK flag and its counter.  So nothing here relies on
 * that flag for an fd the peer holds: reads ask for RWF_NOWAIT per call,
 * and signals are io_uring writes with RWF_NOWAIT, which never wait
 * (DESIGN.md, "An fd shared with the peer is the peer's too").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

static int ret_errno(int ret)
{
	return ret < 0 ? -errno : ret;
}

int memif__os_socket(void)
{
	return ret_errno(socket(
		AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
}

int memif__os_socketpair(int sv[2])
{
	return ret_errno(socketpair(
		AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv));
}

int memif__os_sendmsg(int fd, const struct msghdr *mh)
{
	ssize_t ret;

	do {
		ret = sendmsg(fd, mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : (int)ret;
}

int memif__os_recvmsg(int fd, struct msghdr *mh)
{
	ssize_t ret;

	do {
		ret = recvmsg(fd, mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : (int)ret;
}

int memif__os_connect(int fd, const struct sockaddr_un *addr, socklen_t len)
{
	return ret_errno(connect(fd, (const struct sockaddr *)addr, len));
}

int memif__os_accept(int fd)
{
	int ret;

	do {
		ret = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	} while (ret < 0 && errno == EINTR);
	return ret_errno(ret);
}

int memif__os_eventfd(void)
{
	return ret_errno(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
}

int memif__os_memfd(const char *name)
{
	return ret_errno(memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
}

/* <linux/memfd.h>'s value (log2 of the page size << MFD_HUGE_SHIFT);
 * that header redefines glibc's MFD_* macros. */
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26)
#endif

int memif__os_memfd_huge(const char *name)
{
	return ret_errno(memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING |
						    MFD_HUGETLB | MFD_HUGE_2MB));
}

int memif__os_memfd_size(int fd, uint64_t size)
{
	if (size > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (ftruncate(fd, (off_t)size) < 0)
		return -errno;
	return ret_errno(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
}

int memif__os_dup(int fd)
{
	return ret_errno(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

int memif__os_mmap_shared(int fd, uint64_t size, void **base)
{
	void *p;

	if (size > SIZE_MAX)
		return -EINVAL;
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED)
		return -errno;
	*base = p;
	return 0;
}

int memif__os_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int memif__os_close(int fd)
{
	if (fd < 0)
		return 0;
	/* Linux releases the fd even when close() fails: never retry. */
	return ret_errno(close(fd));
}

/* Only for our own eventfds (wake, interrupt and error fds), which no peer
 * ever holds: a write() on a shared one could block forever. */
int memif__os_eventfd_signal(int fd)
{
	uint64_t one = 1;
	ssize_t ret;

	do {
		ret = write(fd, &one, sizeof(one));
	} while (ret < 0 && errno == EINTR);
	/* A saturated counter (EAGAIN) already means "signalled". */
	if (ret < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/* 1 when the eventfd was signalled, 0 when it was not.  Never blocks, even
 * when the peer cleared O_NONBLOCK on the description we share with it. */
int memif__os_eventfd_clear(int fd)
{
	uint64_t v;
	struct iovec iov = { .iov_base = &v, .iov_len = sizeof(v) };
	ssize_t ret;

	do {
		ret = preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EAGAIN ? 0 : -errno;
	return 1;
}

/*
 * The signal to a peer's eventfd.  write() on it blocks while the counter
 * is at its maximum unless O_NONBLOCK is set, and both are the peer's to
 * choose; eventfd has no write_iter, so pwritev2(RWF_NOWAIT) is refused.
 * An io_uring write with RWF_NOWAIT is what never blocks: the kernel tries
 * it at once and, where it would wait (a saturated counter, or a peer that
 * cleared O_NONBLOCK), completes it with EAGAIN instead of handing it to a
 * worker.  A saturated counter already means "signalled"; a peer that made
 * its eventfd blocking gets no signals, which harms only itself.
 *
 * Registering the eventfd with the ring (IORING_REGISTER_EVENTFD) and
 * posting a NOP is cheaper (about 0.7 against 1.0 us here), but the kernel
 * marks those wake-ups EPOLL_URING_WAKE, which turns a receiver's io_uring
 * multishot poll into a one-shot one at every signal: a waiter that
 * re-arms it on an eventfd nobody clears (edge mode) would spin.
 */
static const uint64_t signal_one = 1;

int memif__os_signal_init(struct io_uring *r, int efd)
{
	int ret = io_uring_queue_init(2, r, 0);

	if (ret < 0)
		return ret;
	/* A fixed file spares the lookup of @efd in every signal. */
	ret = io_uring_register_files(r, &efd, 1);
	if (ret < 0)
		io_uring_queue_exit(r);
	return ret;
}

int memif__os_signal(struct io_uring *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(r);
	struct io_uring_cqe *cqe;
	int ret;

	if (memif__unlikely(!sqe))
		return -EBUSY; /* cannot happen: every submit is reaped */
	io_uring_prep_write(sqe, 0, &signal_one, sizeof(signal_one), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->rw_flags = RWF_NOWAIT;
	ret = io_uring_submit(r);
	if (memif__unlikely(ret != 1))
		return ret < 0 ? ret : -EIO;
	/* RWF_NOWAIT completes inside the submit. */
	if (memif__unlikely(io_uring_peek_cqe(r, &cqe) != 0))
		return -EIO;
	ret = cqe->res;
	io_uring_cqe_seen(r, cqe);
	if (ret == sizeof(signal_one) || ret == -EAGAIN)
		return ret == -EAGAIN ? 1 : 0; /* 1: already signalled */
	return ret < 0 ? ret : -EIO;
}

void memif__os_signal_fini(struct io_uring *r)
{
	io_uring_queue_exit(r);
}
