/* SPDX-License-Identifier: MIT */
/*
 * Passing fds with a message: the SCM_RIGHTS control message that the raw
 * peers of the tests (raw-peer.c, test-faults.c) and memif-conform's
 * wire.c attach.  Header-only: no Check, no library.
 */
#ifndef MEMIF_TEST_SCM_H
#define MEMIF_TEST_SCM_H

#include <string.h>
#include <sys/socket.h>

/* Attach @n fds (none: nothing) to @mh as one SCM_RIGHTS message built in
 * @cbuf, which holds CMSG_SPACE(sizeof(int) * @n) bytes aligned for a
 * struct cmsghdr. */
static inline void scm_put_fds(struct msghdr *mh, void *cbuf, const int *fds,
			       unsigned n)
{
	struct cmsghdr *cm;

	if (!n)
		return;
	memset(cbuf, 0, CMSG_SPACE(sizeof(int) * n));
	mh->msg_control = cbuf;
	mh->msg_controllen = CMSG_SPACE(sizeof(int) * n);
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
}

#endif /* MEMIF_TEST_SCM_H */
