/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of what proto/ holds for both the library and memif-conform
 * beyond the codec of test-proto.c: the fds of a received datagram
 * (memif__msg_fds).  Pure: the fd numbers are only numbers.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common.h"
#include "msg.h"
#include "scm.h"

struct extras {
	int fds[4];
	unsigned n;
};

static void take_extra(void *ctx, int fd)
{
	struct extras *e = ctx;

	ck_assert_uint_lt(e->n, 4);
	e->fds[e->n++] = fd;
}

/* Three fds, room for two: the third goes to @extra for closing. */
START_TEST(msg_fds_beyond_max_to_extra)
{
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(3 * sizeof(int))];
	} cb;
	const int sent[3] = { 7, 8, 9 };
	struct msghdr mh = { 0 };
	struct extras e = { .n = 0 };
	int fds[2] = { -1, -1 };

	scm_put_fds(&mh, cb.b, sent, 3);
	ck_assert_uint_eq(memif__msg_fds(&mh, fds, 2, take_extra, &e), 2);
	ck_assert_int_eq(fds[0], 7);
	ck_assert_int_eq(fds[1], 8);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_int_eq(e.fds[0], 9);
}
END_TEST

/* No control message, or one that is not SCM_RIGHTS: no fd. */
START_TEST(msg_fds_none_without_scm_rights)
{
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(int))];
	} cb;
	struct msghdr mh = { 0 };
	struct extras e = { .n = 0 };
	const int one = 7;
	int fds[2] = { -1, -1 };

	ck_assert_uint_eq(memif__msg_fds(&mh, fds, 2, take_extra, &e), 0);
	scm_put_fds(&mh, cb.b, &one, 1);
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_CREDENTIALS;
	ck_assert_uint_eq(memif__msg_fds(&mh, fds, 2, take_extra, &e), 0);
	ck_assert_int_eq(fds[0], -1);
	ck_assert_uint_eq(e.n, 0);
}
END_TEST

/* Built like test-proto: proto/ and Check, without common.c. */
static Suite *proto_shared_suite(void)
{
	Suite *s = suite_create("proto-shared");
	TCase *tc = tcase_create("msg fds");

	tcase_add_test(tc, msg_fds_beyond_max_to_extra);
	tcase_add_test(tc, msg_fds_none_without_scm_rights);
	suite_add_tcase(s, tc);
	return s;
}

MEMIF_TEST_MAIN(proto_shared_suite)
