/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets share: libFuzzer's entry point, CHECK (abort, so
 * libFuzzer keeps the input) and little-endian reads of the input.
 */
#ifndef MEMIF_FUZZ_H
#define MEMIF_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

#endif /* MEMIF_FUZZ_H */
