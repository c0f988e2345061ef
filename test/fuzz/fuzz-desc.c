/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: ring descriptors and ring placements a hostile peer
 * could write, against a fake region table, through memif__desc_validate(),
 * memif__desc_check() and memif__ring_check(); plus the slave layout
 * computed by memif__layout_init().
 *
 * Input layout (little-endian), written by make-corpus.py:
 *
 *    0  u8      n_regions (mod 9)
 *    1  u8      bit i: region i is real memory of (size mod 65537) bytes;
 *               otherwise it only has a size, up to 2^64 - 1
 *    2  u32     max_len, the receiver's buffer size
 *    6  u16     layout: S2M rings
 *    8  u16     layout: M2S rings
 *   10  u8      layout: log2 ring size
 *   11  u8      unused
 *   12  u32     layout: buffer size
 *   16  u64[8]  region sizes
 *   80  ...     records of 17 bytes: a struct memif_desc as it sits in the
 *               ring, then the log2 of a ring placed at the descriptor's
 *               region and offset
 *
 * An accepted descriptor or ring must lie inside its region: the target
 * writes its first and last byte in real regions (ASan reports a miss) and
 * aborts when the verdict differs from the rules of proto/PROTOCOL.md
 * ("Rings", "Limits and negotiation").
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "memif_proto.h"
#include "msg.h"

#include "fuzz.h"

#define HDR_SIZE 80
#define REC_SIZE 17
#define MAX_REGIONS 8
#define MAX_RECORDS 256
#define REAL_MAX 65536

/* PROTOCOL.md plus memif-native's length limit, in this order. */
static enum memif_fault desc_ref(const struct memif_desc *d,
				 const struct memif_region_view *r, uint16_t n,
				 uint32_t max_len)
{
	if (d->region >= n)
		return MEMIF_FAULT_DESC_REGION;
	if (d->length == 0)
		return MEMIF_FAULT_DESC_ZERO_LEN;
	if (d->length > max_len)
		return MEMIF_FAULT_DESC_TOO_LONG;
	if ((uint64_t)d->offset + d->length > r[d->region].size)
		return MEMIF_FAULT_DESC_OVERRUN;
	return MEMIF_FAULT_NONE;
}

/* PROTOCOL.md: log2 1..14, 16-byte aligned, header + 2^log2 descriptors
 * inside the region. */
static enum memif_fault ring_ref(uint64_t region_size, uint32_t offset,
				 uint8_t log2)
{
	if (log2 < 1 || log2 > MEMIF_MAX_LOG2_RING_SIZE)
		return MEMIF_FAULT_RING_LOG2;
	if (offset % 16)
		return MEMIF_FAULT_RING_BOUNDS;
	if ((uint64_t)offset + 128 + ((uint64_t)16 << log2) > region_size)
		return MEMIF_FAULT_RING_BOUNDS;
	return MEMIF_FAULT_NONE;
}

static void check_desc(const struct memif_desc *d,
		       const struct memif_region_view *r, uint16_t n,
		       uint32_t max_len)
{
	enum memif_fault f = memif__desc_validate(d, r, n, max_len);
	volatile uint8_t *base;

	CHECK(f == memif__desc_check(d, r, n, max_len));
	CHECK(f == desc_ref(d, r, n, max_len));
	if (f != MEMIF_FAULT_NONE)
		return;
	CHECK(d->region < n && d->length > 0 && d->length <= max_len);
	CHECK((uint64_t)d->offset + d->length <= r[d->region].size);
	base = r[d->region].base;
	if (base) {
		/* what a master's TX would do with an M2S slot */
		base[d->offset] = 0x5a;
		base[(uint64_t)d->offset + d->length - 1] = 0x5a;
	}
}

static void check_ring(const struct memif_region_view *r, uint16_t n,
		       const uint64_t *sizes, const struct memif_desc *d,
		       uint8_t log2)
{
	uint64_t region_size = d->region < n ? r[d->region].size :
					       sizes[d->region % MAX_REGIONS];
	enum memif_fault f = memif__ring_check(region_size, d->offset, log2);
	volatile uint8_t *base;
	uint64_t end;

	CHECK(f == ring_ref(region_size, d->offset, log2));
	if (f != MEMIF_FAULT_NONE)
		return;
	end = (uint64_t)d->offset + memif__ring_bytes(log2);
	CHECK(end <= region_size);
	base = d->region < n ? r[d->region].base : NULL;
	if (base) {
		base[d->offset] = 0x20; /* cookie */
		base[d->offset + 64] = 0; /* tail */
		base[end - 1] = 0; /* last descriptor */
	}
}

static void check_layout(uint16_t n_s2m, uint16_t n_m2s, uint8_t log2,
			 uint32_t buffer_size)
{
	struct memif_layout l;
	struct memif_region_view r;
	struct memif_desc d;
	uint64_t rings, last, first;
	bool ok = memif__layout_init(&l, n_s2m, n_m2s, log2, buffer_size);
	bool in_range = n_s2m >= 1 && n_s2m <= 256 && n_m2s >= 1 &&
			n_m2s <= 256 && log2 >= 1 &&
			log2 <= MEMIF_MAX_LOG2_RING_SIZE && buffer_size > 0;

	if (!in_range) {
		CHECK(!ok);
		return;
	}
	rings = (uint64_t)(n_s2m + n_m2s) * memif__ring_bytes(log2);
	first = (rings + 4095) / 4096 * 4096;
	last = first +
	       ((uint64_t)(n_s2m + n_m2s) << log2) * (uint64_t)buffer_size;
	CHECK(ok == (last <= UINT32_MAX));
	if (!ok)
		return;
	CHECK(l.ring_bytes == memif__ring_bytes(log2));
	CHECK(l.buffers_offset == first && l.region_size == last);
	CHECK(memif__ring_check(l.region_size,
				(uint32_t)memif__layout_ring_offset(
					&l, MEMIF_RING_M2S, n_m2s - 1u),
				log2) == MEMIF_FAULT_NONE);
	CHECK(memif__layout_ring_offset(&l, MEMIF_RING_M2S, n_m2s - 1u) +
		      l.ring_bytes <=
	      l.buffers_offset);

	/* the first and the last buffer are valid descriptors */
	r.base = NULL;
	r.size = l.region_size;
	memset(&d, 0, sizeof(d));
	d.length = buffer_size;
	d.offset =
		(uint32_t)memif__layout_buffer_offset(&l, MEMIF_RING_S2M, 0, 0);
	CHECK(d.offset == first);
	CHECK(memif__desc_check(&d, &r, 1, buffer_size) == MEMIF_FAULT_NONE);
	d.offset = (uint32_t)memif__layout_buffer_offset(
		&l, MEMIF_RING_M2S, n_m2s - 1u, (1u << log2) - 1);
	CHECK((uint64_t)d.offset + buffer_size == last);
	CHECK(memif__desc_check(&d, &r, 1, buffer_size) == MEMIF_FAULT_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memif_region_view regions[MAX_REGIONS];
	uint64_t sizes[MAX_REGIONS];
	uint16_t n_regions;
	uint32_t max_len;
	size_t i, n_rec;

	if (size < HDR_SIZE)
		return 0;
	n_regions = data[0] % (MAX_REGIONS + 1);
	max_len = get32(data + 2);
	check_layout(get16(data + 6), get16(data + 8), data[10],
		     get32(data + 12));

	for (i = 0; i < MAX_REGIONS; i++) {
		sizes[i] = get64(data + 16 + 8 * i);
		regions[i].base = NULL;
		regions[i].size = sizes[i];
		if (data[1] & (1u << i)) {
			regions[i].size = sizes[i] % (REAL_MAX + 1);
			if (regions[i].size)
				regions[i].base = malloc(regions[i].size);
			CHECK(regions[i].base || !regions[i].size);
		}
	}

	n_rec = (size - HDR_SIZE) / REC_SIZE;
	if (n_rec > MAX_RECORDS)
		n_rec = MAX_RECORDS;
	for (i = 0; i < n_rec; i++) {
		const uint8_t *rec = data + HDR_SIZE + i * REC_SIZE;
		struct memif_desc d;

		/* one copy of the shared descriptor, as the library takes */
		memcpy(&d, rec, sizeof(d));
		check_desc(&d, regions, n_regions, max_len);
		check_ring(regions, n_regions, sizes, &d, rec[16]);
	}

	for (i = 0; i < MAX_REGIONS; i++)
		free(regions[i].base);
	return 0;
}
