/* SPDX-License-Identifier: MIT */
/*
 * CLOEXEC syscall wrappers.  The one place in lib/ where errno becomes
 * -errno; everything returned from here is >= 0 or -errno.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
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

int memif__os_close(int fd)
{
	if (fd < 0)
		return 0;
	/* Linux releases the fd even when close() fails: never retry. */
	return ret_errno(close(fd));
}

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

int memif__os_eventfd_clear(int fd)
{
	uint64_t v;
	ssize_t ret;

	do {
		ret = read(fd, &v, sizeof(v));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EAGAIN ? 0 : -errno;
	return 1;
}
