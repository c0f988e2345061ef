/* SPDX-License-Identifier: MIT */
/*
 * Pure codec for memif control messages: build each message, and decode and
 * validate one received datagram against the receiver's role and handshake
 * state.  No syscalls, no allocation: fuzzable as is.
 */
#ifndef MEMIF_PROTO_MSG_H
#define MEMIF_PROTO_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memif_proto.h"

/*
 * Why a message (or a ring descriptor) was refused.  Each fault has a reason
 * string for DISCONNECT (VPP's spelling where VPP has one) and maps to one
 * public MEMIF_ERR_* code in lib/.
 */
enum memif_fault {
	MEMIF_FAULT_NONE = 0,
	MEMIF_FAULT_MSG_SIZE, /* datagram length != 128, or truncated */
	MEMIF_FAULT_FDS, /* fd where none belongs, or more than one */
	MEMIF_FAULT_UNKNOWN_TYPE,
	MEMIF_FAULT_UNEXPECTED, /* type not acceptable in this role/state */
	MEMIF_FAULT_VERSION,
	MEMIF_FAULT_HELLO_LIMITS, /* HELLO maxima leave nothing usable */
	MEMIF_FAULT_NO_REGION_FD,
	MEMIF_FAULT_REGION_INDEX,
	MEMIF_FAULT_TOO_MANY_REGIONS,
	MEMIF_FAULT_REGION_SIZE,
	MEMIF_FAULT_NO_RING_FD,
	MEMIF_FAULT_RING_FLAGS,
	MEMIF_FAULT_PRIVATE_HDR,
	MEMIF_FAULT_RING_INDEX,
	MEMIF_FAULT_TOO_MANY_RINGS,
	MEMIF_FAULT_RING_LOG2,
	MEMIF_FAULT_RING_REGION,
	MEMIF_FAULT_RING_BOUNDS,
	MEMIF_FAULT_NO_RINGS, /* CONNECT without a ring in each direction */
	/* detected in lib/, listed here so every reason has one home */
	MEMIF_FAULT_ID,
	MEMIF_FAULT_ALREADY_CONNECTED,
	MEMIF_FAULT_MODE,
	MEMIF_FAULT_SECRET_REQUIRED,
	MEMIF_FAULT_SECRET,
	MEMIF_FAULT_REGION_FD, /* not a regular/memfd file, or too small */
	MEMIF_FAULT_REGION_UNSEALED,
	MEMIF_FAULT_RING_FD, /* interrupt fd is not an eventfd */
	MEMIF_FAULT_RING_FD_SEMAPHORE, /* ... or one in EFD_SEMAPHORE mode */
	MEMIF_FAULT_COOKIE,
	MEMIF_FAULT_MMAP,
	MEMIF_FAULT_TIMEOUT,
	MEMIF_FAULT_RING_INDEXES, /* head/tail moved out of range */
	MEMIF_FAULT_INTERNAL,
	MEMIF_FAULT_DESC_REGION,
	MEMIF_FAULT_DESC_OVERRUN,
	MEMIF_FAULT_DESC_ZERO_LEN,
	MEMIF_FAULT_DESC_TOO_LONG,
	MEMIF_FAULT_COUNT
};

/* Static, human-readable reason for DISCONNECT and logs (<= 95 chars). */
const char *memif__fault_reason(enum memif_fault f);

/* Where a receiver stands in the handshake (PROTOCOL.md, "Handshake"). */
enum memif_phase {
	/* master, per accepted connection */
	MEMIF_PHASE_M_WAIT_INIT = 0,
	MEMIF_PHASE_M_CONFIG, /* INIT accepted: regions, rings, CONNECT */
	MEMIF_PHASE_M_CONNECTED,
	/* slave, per interface */
	MEMIF_PHASE_S_WAIT_HELLO,
	MEMIF_PHASE_S_WAIT_ACK, /* INIT/ADD_REGION/ADD_RING outstanding */
	MEMIF_PHASE_S_WAIT_CONNECTED, /* CONNECT outstanding */
	MEMIF_PHASE_S_CONNECTED,
};

/*
 * What the receiver has accepted so far on this connection: enough to check
 * the next message's indexes and bounds.  Filled and advanced by lib/.
 */
struct memif_msg_ctx {
	enum memif_phase phase;
	/* master side: limits this master advertised in its HELLO */
	uint16_t max_region; /* highest index */
	uint16_t max_s2m_ring; /* highest index */
	uint16_t max_m2s_ring; /* highest index */
	uint8_t max_log2_ring_size;
	/* master side: accepted so far */
	uint16_t n_regions;
	const uint64_t *region_size; /* n_regions entries */
	uint16_t n_s2m_rings;
	uint16_t n_m2s_rings;
};

/* A received datagram as the socket layer saw it. */
struct memif_rx_datagram {
	const void *buf;
	size_t len; /* bytes received */
	bool truncated; /* MSG_TRUNC or MSG_CTRUNC */
	unsigned n_fds; /* SCM_RIGHTS fds that arrived with it */
};

/*
 * Decode one datagram and validate it against @ctx: framing, fd count, type
 * known and acceptable in this phase, and every field check that needs no
 * interface configuration (PROTOCOL.md, "Handshake" and "Limits").  On success
 * copies the message into @out (aligned) and returns MEMIF_FAULT_NONE.
 * Undefined bytes are ignored; @out's strings are not terminated.
 */
enum memif_fault memif__msg_decode(const struct memif_rx_datagram *dg,
				   const struct memif_msg_ctx *ctx,
				   struct memif_msg *out);

/* Bounded copy of a wire string into @dst (@dst_size >= @field_len + 1 is
 * not required: the copy stops at the first NUL, the field end, or
 * dst_size - 1).  Always terminates @dst. */
void memif__msg_strcpy(char *dst, size_t dst_size, const uint8_t *field,
		       size_t field_len);
/* Replace every byte of @s outside printable ASCII with '?' (peer strings
 * go to logs). */
void memif__msg_printable(char *s);

/* Builders.  Each zeroes the whole message, then fills its fields; strings
 * are truncated to the field size - 1 and NUL-terminated. */
void memif__msg_build_ack(struct memif_msg *m);
void memif__msg_build_hello(struct memif_msg *m, const char *name,
			    uint16_t max_region, uint16_t max_m2s_ring,
			    uint16_t max_s2m_ring, uint8_t max_log2);
void memif__msg_build_init(struct memif_msg *m, uint32_t id, uint8_t mode,
			   const char *secret, const char *name);
void memif__msg_build_add_region(struct memif_msg *m, uint16_t index,
				 uint64_t size);
void memif__msg_build_add_ring(struct memif_msg *m, bool s2m, uint16_t index,
			       uint16_t region, uint32_t offset,
			       uint8_t log2_ring_size);
void memif__msg_build_connect(struct memif_msg *m, const char *if_name);
void memif__msg_build_connected(struct memif_msg *m, const char *if_name);
void memif__msg_build_disconnect(struct memif_msg *m, uint32_t code,
				 const char *reason);

/* Which message types carry exactly one fd. */
bool memif__msg_takes_fd(uint16_t type);

struct msghdr;
/*
 * The fds that the SCM_RIGHTS control messages of a received @mh carry,
 * in order: the first @max into @fds, every one after those to
 * @extra(@ctx, fd), which closes it (each received fd is the receiver's
 * to close).  Reads @mh's control buffer, nothing else.
 * Return: how many went into @fds.
 */
unsigned memif__msg_fds(struct msghdr *mh, int *fds, unsigned max,
			void (*extra)(void *ctx, int fd), void *ctx);

/* Constant-time comparison of two secrets as bounded C strings (<= 24
 * bytes; bytes after the first NUL do not count). */
bool memif__secret_equal(const uint8_t *a, const uint8_t *b);

#endif /* MEMIF_PROTO_MSG_H */
