/* SPDX-License-Identifier: MIT */
/*
 * A scripted raw peer for the control-channel tests: proto/ builds the
 * bytes, these helpers send them (with any fds) over a SEQPACKET socket
 * and check what the library answers.
 */
#ifndef MEMIF_TEST_RAW_PEER_H
#define MEMIF_TEST_RAW_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "memif_proto.h"

#define RAW_MAX_FDS 32

/* Connect to the memif socket @name ("@abstract" or a path). */
int raw_connect(const char *name);
/* A SEQPACKET socket listening on @name, as a raw master's (asserted). */
int raw_listen(const char *name);
/* Receive one message (blocking, 3 s); its length, 0 on EOF. */
ssize_t raw_recv(int fd, struct memif_msg *msg);
/* One datagram of @len bytes (0 allowed) with up to RAW_MAX_FDS fds. */
void raw_send(int fd, const void *buf, size_t len, const int *fds,
	      unsigned n_fds);
/* Expect a DISCONNECT whose reason is @reason (ACKs before it are
 * skipped), then EOF. */
void expect_disconnect(int fd, const char *reason);
/* Wait until the process has @want open fds (the library closes a
 * rejected connection's fds asynchronously, on its event thread). */
void expect_fds(int want);
void expect_type(int fd, uint16_t type);
void send_msg(int fd, const struct memif_msg *m, int pass_fd);
void send_init(int fd, const char *secret, uint32_t id);
/* Send @m (with @pass_fd; -1: none) and expect the master's ACK. */
void send_acked(int fd, const struct memif_msg *m, int pass_fd);
/* ADD_RING: @s2m ring 0 in region 0 at @offset, 16 slots, interrupt fd
 * @efd; ACKed. */
void add_ring_acked(int fd, bool s2m, uint32_t offset, int efd);
/* A memfd region of @size bytes with ring cookies at 0 and 4096. */
int make_region(size_t size, bool seal);

#endif /* MEMIF_TEST_RAW_PEER_H */
