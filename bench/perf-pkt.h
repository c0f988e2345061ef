/* SPDX-License-Identifier: MIT */
/*
 * memif-perf test packets: how a frame is laid out, built and verified, and
 * the latency histogram.  Build and verify are inline because they run once
 * per packet; everything else is in perf-pkt.c.
 *
 * Frame (all sizes 64..65535 bytes; --raw drops the 42 header bytes):
 *
 *   0   Ethernet: dst 02:00:00:00:00:0x, src 02:00:00:00:00:0y, type 0x0800
 *  14   IPv4: 0x45, total length = size - 14, TTL 64, UDP, header checksum
 *       valid, 198.18.0.x -> 198.18.0.y (RFC 2544 benchmark range)
 *  34   UDP: ports 1024 + queue -> 1024, length = size - 34, checksum 0
 *  42   test header (22 bytes, so it fits a 64-byte frame):
 *         +0 magic   u32 "MPRF"
 *         +4 seq     u32 per sending queue, wraps
 *         +8 csum    u32 (see below)
 *        +12 tstamp  u64 CLOCK_MONOTONIC ns (ping), 0 otherwise
 *        +20 queue   u8  sending queue id
 *        +21 flags   u8  PERF_F_*
 *  64   (full fill) 64-bit words base + i at frame offset i, base
 *       derived from seq (with --raw: zero padding 22..23, words from 24)
 *
 * The checksum covers the "checked region", which starts after the two MAC
 * addresses and the EtherType (offset 14), so a MAC-swapping reflector
 * (testpmd macswap) does not break it; with --raw it starts at 0.  It ends
 * after the test header (headers-only fill) or at the end of the frame
 * (PERF_F_FULL, which the receiver honours whatever its own --fill is).
 * Its value is the 64-bit sum of the frame read as native-endian 64-bit
 * words at frame offsets 0, 8, 16, ..., with every byte outside the region
 * (and the csum bytes) taken as zero, folded to 32 bits.  The words sit on
 * the frame's own 8-byte grid, so in an aligned buffer no load or store of
 * the fill is misaligned or splits a cache line.  Cheap, vectorisable, and
 * it catches torn, stale and truncated buffers, which is what a
 * shared-memory ring gets wrong.
 */
#ifndef MEMIF_PERF_PKT_H
#define MEMIF_PERF_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PERF_MAGIC 0x4652504du /* "MPRF" read as a little-endian u32 */
#define PERF_L2L4_LEN 42 /* Ethernet + IPv4 + UDP */
#define PERF_REGION_OFF 14 /* checked region starts at the IPv4 header */
#define PERF_HDR_LEN 22
#define PERF_FILL_ALIGN 8
#define PERF_MIN_SIZE 64
#define PERF_MAX_SIZE 65535

/* The checksum is defined on native-endian words and computed with shifts
 * that assume little-endian byte order (as every memif peer does). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "memif-perf's checksum assumes a little-endian host");

#define PERF_F_FULL 0x01 /* checksum covers the whole frame */
#define PERF_F_PING 0x02 /* tstamp is a ping send time */

/* One queue's packet template, built once before the hot loop. */
struct perf_tmpl {
	uint8_t l2l4[PERF_L2L4_LEN]; /* Ethernet + IPv4 + UDP, checksummed */
	uint32_t size; /* frame length */
	uint16_t off; /* test header offset: 42, or 0 with --raw */
	uint16_t reg; /* checked region offset: 14, or 0 with --raw */
	uint8_t qid;
	uint8_t flags; /* PERF_F_FULL when the sender fills everything */
	uint16_t fill; /* frame offset (8-aligned) where the full fill starts */
	uint64_t sum0; /* checksum sum of the headers with seq, tstamp = 0 */
};

/* What the receiver learnt from one of our packets. */
struct perf_info {
	uint32_t seq;
	uint64_t tstamp;
	uint8_t qid;
	uint8_t flags;
};

enum perf_verdict {
	PERF_PKT_OK = 0,
	PERF_PKT_FOREIGN, /* not ours: no magic (testpmd txonly, ARP, ...) */
	PERF_PKT_CORRUPT, /* ours, but checksum or length is wrong */
};

/* Latency histogram: exact below 256 ns, then 128 sub-buckets per power
 * of two (under 0.8 % relative error).  Fixed size: no allocation while
 * recording. */
#define PERF_HIST_EXACT 256
#define PERF_HIST_SUB 128
#define PERF_HIST_BUCKETS (PERF_HIST_EXACT + (64 - 8) * PERF_HIST_SUB)

struct perf_hist {
	uint64_t n;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t b[PERF_HIST_BUCKETS];
};

void perf_tmpl_init(struct perf_tmpl *t, uint32_t size, bool raw, bool full,
		    uint8_t qid, bool from_master);
void perf_hist_reset(struct perf_hist *h);
void perf_hist_merge(struct perf_hist *dst, const struct perf_hist *src);
/* Value at quantile q (0..1), the midpoint of its bucket; 0 if empty. */
uint64_t perf_hist_quantile(const struct perf_hist *h, double q);

static inline void perf_hist_add(struct perf_hist *h, uint64_t v)
{
	unsigned int i, e;

	if (v < PERF_HIST_EXACT) {
		i = (unsigned int)v;
	} else {
		e = 63u - (unsigned int)__builtin_clzll(v);
		i = PERF_HIST_EXACT + (e - 8) * PERF_HIST_SUB +
		    (unsigned int)((v >> (e - 7)) & (PERF_HIST_SUB - 1));
	}
	h->b[i]++;
	h->n++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

static inline uint64_t perf_ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t perf_ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* 64-bit word sum of @n bytes, the last word zero-padded.  The tail is
 * read in 4/2/1-byte pieces: never past @n, and no call to memcpy. */
static inline uint64_t perf_sum(const uint8_t *p, uint32_t n)
{
	uint64_t s = 0, w = 0;
	uint32_t i, sh = 0;
	uint16_t h;

	for (i = 0; i + 8 <= n; i += 8)
		s += perf_ld64(p + i);
	if (n - i >= 4) {
		w = perf_ld32(p + i);
		i += 4;
		sh = 32;
	}
	if (n - i >= 2) {
		memcpy(&h, p + i, 2);
		w |= (uint64_t)h << sh;
		i += 2;
		sh += 16;
	}
	if (n - i)
		w |= (uint64_t)p[i] << sh;
	return s + w;
}

/* The word sum of frame bytes [@reg, @end) on the frame's 8-byte grid,
 * bytes before @reg taken as zero.  @end >= (@reg & ~7) + 8. */
static inline uint64_t perf_sum_region(const uint8_t *pkt, uint32_t reg,
				       uint32_t end)
{
	uint32_t a = reg & ~7u;

	return (perf_ld64(pkt + a) & (~0ull << ((reg - a) * 8))) +
	       perf_sum(pkt + a + 8, end - a - 8);
}

/* What a value stored at frame offset @o adds to the word sum: its bytes
 * land in one word, or two when it straddles, i.e. a rotation. */
static inline uint64_t perf_at(uint64_t v, uint32_t o)
{
	uint32_t r = (o & 7) * 8;

	return r ? (v << r) | (v >> (64 - r)) : v;
}

static inline uint32_t perf_fold(uint64_t s)
{
	return (uint32_t)(s ^ (s >> 32));
}

/*
 * perf_build() - write one test packet of @t->size bytes at @pkt: the L2-L4
 * headers and test header always, the payload only with PERF_F_FULL.
 * @pkt must hold t->size bytes.  The checksum is computed from the values
 * written, never by reading @pkt back (which would stall on store
 * forwarding, and cost a pass over shared memory).  Return: t->size.
 */
static inline uint32_t perf_build(const struct perf_tmpl *t, uint8_t *pkt,
				  uint32_t seq, uint64_t tstamp, uint8_t flags)
{
	uint8_t *h = pkt + t->off;
	uint32_t magic = PERF_MAGIC, ho = t->off, i, csum;
	uint64_t s, base, w, cnt;

	if (t->off)
		memcpy(pkt, t->l2l4, PERF_L2L4_LEN);
	flags |= t->flags;
	memcpy(h + 0, &magic, 4);
	memcpy(h + 4, &seq, 4);
	memcpy(h + 12, &tstamp, 8);
	h[20] = t->qid;
	h[21] = flags;
	s = t->sum0 + perf_at(seq, ho + 4) + perf_at(tstamp, ho + 12) +
	    perf_at((uint8_t)(flags - t->flags), ho + 21);
	if (flags & PERF_F_FULL) {
		/* Zero padding up to the fill start (in the template sum),
		 * then a pattern that changes with every packet so a stale
		 * buffer never passes. */
		memset(h + PERF_HDR_LEN, 0, t->fill - (ho + PERF_HDR_LEN));
		base = (uint64_t)seq * 0x9e3779b97f4a7c15ull ^ t->qid;
		/* The words' sum in closed form: the loop only stores. */
		cnt = (t->size - t->fill) / 8;
		s += cnt * base + cnt * t->fill + 4 * cnt * (cnt - 1);
		for (i = t->fill; i + 8 <= t->size; i += 8) {
			w = base + i;
			memcpy(pkt + i, &w, 8);
		}
		if (i < t->size) {
			w = base + i;
			memcpy(pkt + i, &w, t->size - i);
			s += w & (~0ull >> (64 - 8 * (t->size - i)));
		}
	}
	csum = perf_fold(s);
	memcpy(h + 8, &csum, 4);
	return t->size;
}

/*
 * The test header of a frame of @len bytes whose first @have bytes are at
 * @pkt: PERF_PKT_OK with @out and *@csum filled, or PERF_PKT_FOREIGN /
 * PERF_PKT_CORRUPT.  Reads the headers only.
 */
static inline enum perf_verdict perf_parse(const uint8_t *pkt, uint32_t have,
					   uint32_t len, bool raw,
					   struct perf_info *out,
					   uint32_t *csum)
{
	uint32_t off = raw ? 0 : PERF_L2L4_LEN;
	const uint8_t *h = pkt + off;

	if (have < off + PERF_HDR_LEN || len < have ||
	    perf_ld32(h) != PERF_MAGIC)
		return PERF_PKT_FOREIGN;
	if (!raw) {
		/* EtherType IPv4, version 4 / IHL 5, UDP: else not ours even
		 * if the magic happens to match. */
		if (pkt[12] != 0x08 || pkt[13] != 0x00 || pkt[14] != 0x45 ||
		    pkt[23] != 17)
			return PERF_PKT_FOREIGN;
		/* IPv4 total length must describe this frame exactly. */
		if (((uint32_t)pkt[16] << 8 | pkt[17]) + PERF_REGION_OFF != len)
			return PERF_PKT_CORRUPT;
	}
	out->seq = perf_ld32(h + 4);
	*csum = perf_ld32(h + 8);
	memcpy(&out->tstamp, h + 12, 8);
	out->qid = h[20];
	out->flags = h[21];
	return PERF_PKT_OK;
}

/* The verdict of word sum @s (taken with the checksum bytes as they are)
 * against @csum. */
static inline enum perf_verdict perf_judge(uint64_t s, uint32_t csum,
					   bool raw)
{
	/* The sum was taken with the csum bytes zero. */
	s -= perf_at(csum, (raw ? 0 : PERF_L2L4_LEN) + 8);
	return perf_fold(s) == csum ? PERF_PKT_OK : PERF_PKT_CORRUPT;
}

/*
 * perf_verify() - check one received frame.  @raw: no L2-L4 headers.
 * Reads the test header, and every byte when the sender flagged
 * PERF_F_FULL.  Return: PERF_PKT_OK with @out filled, PERF_PKT_FOREIGN or
 * PERF_PKT_CORRUPT.
 */
static inline enum perf_verdict perf_verify(const uint8_t *pkt, uint32_t len,
					    bool raw, struct perf_info *out)
{
	uint32_t rg = raw ? 0 : PERF_REGION_OFF, csum;
	enum perf_verdict v = perf_parse(pkt, len, len, raw, out, &csum);
	uint64_t s;

	if (v != PERF_PKT_OK)
		return v;
	/* The common case, a framed headers-only packet, with constant
	 * bounds: the sum unrolls into seven loads of the header line. */
	if (!raw && !(out->flags & PERF_F_FULL))
		s = perf_sum_region(pkt, PERF_REGION_OFF,
				    PERF_L2L4_LEN + PERF_HDR_LEN);
	else
		s = perf_sum_region(pkt, rg,
				    (out->flags & PERF_F_FULL) ?
					    len :
					    (raw ? 0 : PERF_L2L4_LEN) +
						    PERF_HDR_LEN);
	return perf_judge(s, csum, raw);
}

/*
 * perf_verify_pieces() - perf_verify() for a frame of @len bytes received
 * as @n pieces (memif_rx_burst_sg): @data[i], @plen[i].  The test header
 * must lie in the first piece; for a PERF_F_FULL frame every piece but the
 * last must hold whole 8-byte words (the sum is on the frame's 8-byte
 * grid), else the frame counts as corrupt.  A headers-only frame is read in
 * its first piece only.
 */
static inline enum perf_verdict
perf_verify_pieces(const uint8_t *const *data, const uint32_t *plen,
		   uint16_t n, uint32_t len, bool raw, struct perf_info *out)
{
	uint32_t rg = raw ? 0 : PERF_REGION_OFF, hend, csum, at;
	enum perf_verdict v;
	uint64_t s;
	uint16_t i;

	if (n == 1)
		return perf_verify(data[0], len, raw, out);
	v = perf_parse(data[0], plen[0], len, raw, out, &csum);
	if (v != PERF_PKT_OK)
		return v;
	hend = (raw ? 0 : PERF_L2L4_LEN) + PERF_HDR_LEN;
	if (!(out->flags & PERF_F_FULL))
		return perf_judge(perf_sum_region(data[0], rg, hend), csum,
				  raw);
	if (plen[0] < (rg & ~7u) + 8 || (plen[0] & 7))
		return PERF_PKT_CORRUPT;
	s = perf_sum_region(data[0], rg, plen[0]);
	for (at = plen[0], i = 1; i < n; at += plen[i], i++) {
		if (i + 1 < n && (plen[i] & 7))
			return PERF_PKT_CORRUPT;
		s += perf_sum(data[i], plen[i]);
	}
	return at == len ? perf_judge(s, csum, raw) : PERF_PKT_CORRUPT;
}

#endif /* MEMIF_PERF_PKT_H */
