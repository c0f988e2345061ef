/* SPDX-License-Identifier: MIT */
/*
 * Region/ring/buffer layout of a memif-native slave, and the bounds checks
 * for rings and descriptors a peer announces.
 */
#include "layout.h"

#define BUFFER_AREA_ALIGN 4096u

bool memif__layout_init(struct memif_layout *l, uint16_t n_s2m, uint16_t n_m2s,
			uint8_t log2_ring_size, uint32_t buffer_size)
{
	uint64_t rings, slots, last_buffer_end;

	if (n_s2m == 0 || n_m2s == 0 || n_s2m > 256 || n_m2s > 256 ||
	    log2_ring_size < 1 || log2_ring_size > MEMIF_MAX_LOG2_RING_SIZE ||
	    buffer_size == 0)
		return false;
	l->n_s2m = n_s2m;
	l->n_m2s = n_m2s;
	l->log2_ring_size = log2_ring_size;
	l->buffer_size = buffer_size;
	l->ring_bytes = memif__ring_bytes(log2_ring_size);
	rings = (uint64_t)(n_s2m + n_m2s) * l->ring_bytes;
	l->buffers_offset = (rings + BUFFER_AREA_ALIGN - 1) &
			    ~(uint64_t)(BUFFER_AREA_ALIGN - 1);
	slots = (uint64_t)(n_s2m + n_m2s) << log2_ring_size;
	last_buffer_end = l->buffers_offset + slots * buffer_size;
	/* Every descriptor offset, and offset + length, must fit in u32. */
	if (last_buffer_end > UINT32_MAX)
		return false;
	l->region_size = last_buffer_end;
	return true;
}

enum memif_fault memif__ring_check(uint64_t region_size, uint32_t offset,
				   uint8_t log2_ring_size)
{
	if (log2_ring_size < 1 || log2_ring_size > MEMIF_MAX_LOG2_RING_SIZE)
		return MEMIF_FAULT_RING_LOG2;
	/* 16-byte alignment keeps head/tail naturally aligned for atomics. */
	if (offset & 15u)
		return MEMIF_FAULT_RING_BOUNDS;
	if ((uint64_t)offset + memif__ring_bytes(log2_ring_size) > region_size)
		return MEMIF_FAULT_RING_BOUNDS;
	return MEMIF_FAULT_NONE;
}

enum memif_fault memif__desc_validate(const struct memif_desc *d,
				      const struct memif_region_view *regions,
				      uint16_t n_regions, uint32_t max_len)
{
	return memif__desc_check(d, regions, n_regions, max_len);
}
