/* SPDX-License-Identifier: MIT */
/*
 * memif protocol 2.0: the bytes on the control socket and in shared memory.
 * Types and constants only; no functions.  Names follow the protocol's own
 * (VPP/DPDK memif.h) so they can be diffed against the other implementations.
 * Installed as <memif/memif_proto.h> for tools and dissectors.
 */
#ifndef MEMIF_PROTO_H
#define MEMIF_PROTO_H

#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "memif uses host byte order; memif-native supports little-endian hosts only"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* (major << 8) | minor; HELLO advertises min = max = this, INIT must equal it */
#define MEMIF_VERSION_MAJOR 2
#define MEMIF_VERSION_MINOR 0
#define MEMIF_VERSION ((MEMIF_VERSION_MAJOR << 8) | MEMIF_VERSION_MINOR)

#define MEMIF_COOKIE 0x03E31F20u

#define MEMIF_MSG_SIZE 128
#define MEMIF_NAME_LEN 32
#define MEMIF_SECRET_LEN 24
#define MEMIF_REASON_LEN 96

#define MEMIF_MAX_LOG2_RING_SIZE 14
#define MEMIF_DEFAULT_LOG2_RING_SIZE 10
#define MEMIF_DEFAULT_BUFFER_SIZE 2048

/* Message types (u16 at byte 0).  Direction: S2M = slave -> master. */
#define MEMIF_MSG_TYPE_NONE 0
#define MEMIF_MSG_TYPE_ACK 1 /* M2S */
#define MEMIF_MSG_TYPE_HELLO 2 /* M2S, sent unsolicited after accept */
#define MEMIF_MSG_TYPE_INIT 3 /* S2M */
#define MEMIF_MSG_TYPE_ADD_REGION 4 /* S2M, carries the region memfd */
#define MEMIF_MSG_TYPE_ADD_RING 5 /* S2M, carries the ring eventfd */
#define MEMIF_MSG_TYPE_CONNECT 6 /* S2M */
#define MEMIF_MSG_TYPE_CONNECTED 7 /* M2S */
#define MEMIF_MSG_TYPE_DISCONNECT 8 /* either way */
#define MEMIF_MSG_TYPE_COUNT 9

/* Interface modes (INIT mode byte) */
#define MEMIF_INTERFACE_MODE_ETHERNET 0
#define MEMIF_INTERFACE_MODE_IP 1
#define MEMIF_INTERFACE_MODE_PUNT_INJECT 2

/* Ring types: S2M ring i is the slave's TX queue i and the master's RX queue i */
#define MEMIF_RING_S2M 0
#define MEMIF_RING_M2S 1

#define MEMIF_MSG_ADD_RING_FLAG_S2M 0x0001u
#define MEMIF_DESC_FLAG_NEXT 0x0001u
#define MEMIF_RING_FLAG_MASK_INT 0x0001u

/*
 * Control messages.  Every message is exactly 128 bytes: a u16 type at byte
 * 0, the packed payload from byte 2, and unspecified bytes after it (senders
 * zero them, receivers ignore them).  String fields may arrive without a NUL;
 * read them with a bound.
 */
struct memif_msg_hello { /* M2S */
	uint8_t name[MEMIF_NAME_LEN]; /* master's application name */
	uint16_t min_version;
	uint16_t max_version;
	uint16_t max_region; /* highest region *index* accepted */
	uint16_t max_m2s_ring; /* highest M2S ring *index* (M2S before S2M) */
	uint16_t max_s2m_ring; /* highest S2M ring *index* */
	uint8_t max_log2_ring_size;
} __attribute__((packed));

struct memif_msg_init { /* S2M */
	uint16_t version;
	uint32_t id; /* interface id on the master's socket */
	uint8_t mode; /* MEMIF_INTERFACE_MODE_* */
	uint8_t secret[MEMIF_SECRET_LEN];
	uint8_t name[MEMIF_NAME_LEN]; /* slave's application name */
} __attribute__((packed));

struct memif_msg_add_region { /* S2M + region fd */
	uint16_t index; /* 0, 1, 2, ... in order */
	uint64_t size; /* bytes to map from offset 0 of the fd */
} __attribute__((packed));

struct memif_msg_add_ring { /* S2M + eventfd */
	uint16_t flags; /* MEMIF_MSG_ADD_RING_FLAG_S2M or 0 (M2S) */
	uint16_t index; /* per direction, 0, 1, 2, ... */
	uint16_t region; /* region holding the ring header */
	uint32_t offset; /* of the ring header in that region */
	uint8_t log2_ring_size;
	uint16_t private_hdr_size; /* always 0 */
} __attribute__((packed));

struct memif_msg_connect { /* S2M */
	uint8_t if_name[MEMIF_NAME_LEN];
} __attribute__((packed));

struct memif_msg_connected { /* M2S */
	uint8_t if_name[MEMIF_NAME_LEN];
} __attribute__((packed));

struct memif_msg_disconnect { /* either way */
	uint32_t code; /* informational only */
	uint8_t string[MEMIF_REASON_LEN];
} __attribute__((packed));

struct memif_msg {
	uint16_t type;
	union {
		struct memif_msg_hello hello;
		struct memif_msg_init init;
		struct memif_msg_add_region add_region;
		struct memif_msg_add_ring add_ring;
		struct memif_msg_connect connect;
		struct memif_msg_connected connected;
		struct memif_msg_disconnect disconnect;
		uint8_t raw[MEMIF_MSG_SIZE - 2];
	};
} __attribute__((packed));

/*
 * Shared memory.  The slave creates every region; region 0 holds the rings,
 * all S2M rings first, then all M2S rings, and (memif-native and VPP/DPDK
 * copy mode) the packet buffers after them:
 *
 *   region 0: | S2M ring 0 | ... | M2S ring 0 | ... | buffers ...          |
 *   ring:     | hdr (128 B) | desc[0] | desc[1] | ... | desc[2^log2 - 1] |
 *
 *   offset  0  cookie   (s) written once by the slave
 *           4  flags    (rx) written only by the ring's receiver
 *           6  head     (s) written only by the slave, on both ring types
 *          64  tail     (m) written only by the master, on both ring types
 *         128  desc[]
 *
 * head and tail are free-running u16 counters; slot = index & (size - 1).
 * The 64-byte-cache-line layout is fixed regardless of the host.
 */
struct memif_desc {
	uint16_t flags; /* MEMIF_DESC_FLAG_NEXT; other bits are ignored */
	uint16_t region;
	uint32_t length; /* bytes of data, or buffer capacity on M2S refill */
	uint32_t offset; /* of the data within the region */
	uint32_t metadata; /* unused */
} __attribute__((packed));

/* C++ has no flexible array members: GCC and Clang accept desc[] as an
 * extension, which -pedantic would flag in every C++ user's build. */
#ifdef __cplusplus
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
struct memif_ring {
	uint32_t cookie; /* (s) MEMIF_COOKIE */
	uint16_t flags; /* (rx) MEMIF_RING_FLAG_MASK_INT */
	uint16_t head; /* (s) slave writes */
	uint8_t pad_head[56];
	uint16_t tail; /* (m) master writes */
	uint8_t pad_tail[62];
	struct memif_desc desc[]; /* 2^log2_ring_size entries */
};
#ifdef __cplusplus
#pragma GCC diagnostic pop
#endif

#define MEMIF_RING_HDR_SIZE 128

#if defined(__cplusplus)
#define MEMIF__STATIC_ASSERT static_assert
#else
#define MEMIF__STATIC_ASSERT _Static_assert
#endif

/* The layout, checked when compiled: the size of every struct, then the
 * offset of every field that has one on the wire. */
#define MEMIF__SIZE(type, size) \
	MEMIF__STATIC_ASSERT(sizeof(struct type) == (size), #type " size")
#define MEMIF__OFFSET(type, field, off)                             \
	MEMIF__STATIC_ASSERT(offsetof(struct type, field) == (off), \
			     #type "." #field)

MEMIF__SIZE(memif_msg, MEMIF_MSG_SIZE);
MEMIF__SIZE(memif_msg_hello, 43);
MEMIF__SIZE(memif_msg_init, 63);
MEMIF__SIZE(memif_msg_add_region, 10);
MEMIF__SIZE(memif_msg_add_ring, 13);
MEMIF__SIZE(memif_msg_connect, 32);
MEMIF__SIZE(memif_msg_connected, 32);
MEMIF__SIZE(memif_msg_disconnect, 100);
MEMIF__SIZE(memif_desc, 16);
MEMIF__SIZE(memif_ring, MEMIF_RING_HDR_SIZE);

MEMIF__OFFSET(memif_msg, hello, 2);
MEMIF__OFFSET(memif_msg_hello, min_version, 32);
MEMIF__OFFSET(memif_msg_hello, max_region, 36);
MEMIF__OFFSET(memif_msg_hello, max_m2s_ring, 38);
MEMIF__OFFSET(memif_msg_hello, max_s2m_ring, 40);
MEMIF__OFFSET(memif_msg_hello, max_log2_ring_size, 42);
MEMIF__OFFSET(memif_msg_init, id, 2);
MEMIF__OFFSET(memif_msg_init, mode, 6);
MEMIF__OFFSET(memif_msg_init, secret, 7);
MEMIF__OFFSET(memif_msg_init, name, 31);
MEMIF__OFFSET(memif_msg_add_region, size, 2);
MEMIF__OFFSET(memif_msg_add_ring, index, 2);
MEMIF__OFFSET(memif_msg_add_ring, region, 4);
MEMIF__OFFSET(memif_msg_add_ring, offset, 6);
MEMIF__OFFSET(memif_msg_add_ring, log2_ring_size, 10);
MEMIF__OFFSET(memif_msg_add_ring, private_hdr_size, 11);
MEMIF__OFFSET(memif_msg_disconnect, string, 4);
MEMIF__OFFSET(memif_desc, region, 2);
MEMIF__OFFSET(memif_desc, length, 4);
MEMIF__OFFSET(memif_desc, offset, 8);
MEMIF__OFFSET(memif_desc, metadata, 12);
MEMIF__OFFSET(memif_ring, flags, 4);
MEMIF__OFFSET(memif_ring, head, 6);
MEMIF__OFFSET(memif_ring, tail, 64);
MEMIF__OFFSET(memif_ring, desc, MEMIF_RING_HDR_SIZE);

#ifdef __cplusplus
}
#endif

#endif /* MEMIF_PROTO_H */
