/* SPDX-License-Identifier: MIT */
/*
 * Layout math for regions, rings and buffers, and the bounds checks applied
 * to what a peer announces (ADD_RING) or writes (descriptors).  Pure
 * functions: no syscalls, no allocation.
 */
#ifndef MEMIF_PROTO_LAYOUT_H
#define MEMIF_PROTO_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "memif_proto.h"
#include "msg.h"

/* Bytes one ring occupies: header plus 2^log2 descriptors. */
static inline uint64_t memif__ring_bytes(unsigned log2_ring_size)
{
	return MEMIF_RING_HDR_SIZE +
	       ((uint64_t)sizeof(struct memif_desc) << log2_ring_size);
}

/*
 * The single-region layout a memif-native slave creates (VPP/DPDK copy-mode
 * convention): S2M rings, then M2S rings, then one buffer per slot, the
 * buffer area starting on a 4 KiB boundary.  All offsets in 64 bits; the
 * layout is refused when a buffer would lie at or beyond 4 GiB (descriptor
 * offsets are u32).
 */
struct memif_layout {
	uint16_t n_s2m;
	uint16_t n_m2s;
	uint8_t log2_ring_size;
	uint32_t buffer_size;
	uint64_t ring_bytes; /* one ring */
	uint64_t buffers_offset; /* start of the buffer area */
	uint64_t region_size; /* total */
};

/* Returns false when the parameters are out of range or overflow 4 GiB. */
bool memif__layout_init(struct memif_layout *l, uint16_t n_s2m, uint16_t n_m2s,
			uint8_t log2_ring_size, uint32_t buffer_size);

/* Offset of ring @index of @type (MEMIF_RING_S2M/M2S) in region 0. */
static inline uint64_t memif__layout_ring_offset(const struct memif_layout *l,
						 unsigned type, unsigned index)
{
	uint64_t ordinal = type == MEMIF_RING_S2M ? index : l->n_s2m + index;

	return ordinal * l->ring_bytes;
}

/* Offset in region 0 of the buffer behind @slot of ring @index of @type. */
static inline uint64_t memif__layout_buffer_offset(const struct memif_layout *l,
						   unsigned type,
						   unsigned index,
						   uint32_t slot)
{
	uint64_t ordinal = type == MEMIF_RING_S2M ? index : l->n_s2m + index;
	uint64_t g = (ordinal << l->log2_ring_size) + slot;

	return l->buffers_offset + g * l->buffer_size;
}

/* ADD_RING bounds: does a ring of 2^log2 entries at @offset fit a region of
 * @region_size bytes, with the header 16-byte aligned? */
enum memif_fault memif__ring_check(uint64_t region_size, uint32_t offset,
				   uint8_t log2_ring_size);

/* What a receiver knows about the peer's memory, for descriptor checks. */
struct memif_region_view {
	uint8_t *base;
	uint64_t size;
};

/*
 * Validate one descriptor (a local copy, never the shared one): region
 * mapped, length non-zero and <= @max_len, offset + length within the
 * region in 64-bit arithmetic.
 */
static inline enum memif_fault
memif__desc_check(const struct memif_desc *d,
		  const struct memif_region_view *regions, uint16_t n_regions,
		  uint32_t max_len)
{
	if (d->region >= n_regions)
		return MEMIF_FAULT_DESC_REGION;
	if (d->length == 0)
		return MEMIF_FAULT_DESC_ZERO_LEN;
	if (d->length > max_len)
		return MEMIF_FAULT_DESC_TOO_LONG;
	if ((uint64_t)d->offset + d->length > regions[d->region].size)
		return MEMIF_FAULT_DESC_OVERRUN;
	return MEMIF_FAULT_NONE;
}

/* Out-of-line copy of memif__desc_check, for the fuzzer and tests. */
enum memif_fault memif__desc_validate(const struct memif_desc *d,
				      const struct memif_region_view *regions,
				      uint16_t n_regions, uint32_t max_len);

#endif /* MEMIF_PROTO_LAYOUT_H */
