/* SPDX-License-Identifier: MIT */
/*
 * memif-perf: packet templates (Ethernet/IPv4/UDP headers with a valid IPv4
 * header checksum) and the latency histogram.  Nothing here runs per
 * packet except perf_hist_add(), which is inline in memif-perf.c's caller.
 */
#include "perf-pkt.h"

static uint16_t ip_csum(const uint8_t *p, unsigned int n)
{
	uint32_t s = 0;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void perf_tmpl_init(struct perf_tmpl *t, uint32_t size, bool raw, bool full,
		    uint8_t qid, bool from_master)
{
	uint8_t *e = t->l2l4, *ip = e + 14, *udp = ip + 20;
	uint8_t me = from_master ? 1 : 2, peer = from_master ? 2 : 1;
	uint32_t iplen = size - 14, udplen = size - 34;
	uint16_t c, sport = (uint16_t)(1024 + qid);
	uint8_t ref[PERF_L2L4_LEN + PERF_HDR_LEN + PERF_FILL_ALIGN];
	uint32_t magic = PERF_MAGIC;

	memset(t, 0, sizeof(*t));
	t->size = size;
	t->qid = qid;
	t->flags = full ? PERF_F_FULL : 0;
	t->off = raw ? 0 : PERF_L2L4_LEN;
	t->reg = raw ? 0 : PERF_REGION_OFF;

	/* Locally administered unicast MACs: 02:00:00:00:00:01 is the
	 * master, :02 the slave. */
	e[0] = 0x02;
	e[5] = peer;
	e[6] = 0x02;
	e[11] = me;
	e[12] = 0x08;
	e[13] = 0x00;

	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64; /* TTL */
	ip[9] = 17; /* UDP */
	ip[12] = 198;
	ip[13] = 18;
	ip[15] = me;
	ip[16] = 198;
	ip[17] = 18;
	ip[19] = peer;
	c = ip_csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;

	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = 1024 >> 8;
	udp[3] = 1024 & 0xff;
	udp[4] = (uint8_t)(udplen >> 8);
	udp[5] = (uint8_t)udplen;
	/* UDP checksum 0: "not computed", valid for IPv4. */

	/* The checksum sum of the checked region up to the fill start, for
	 * seq = 0 and tstamp = 0; perf_build() adds the rest.  The fill
	 * starts on the frame's 8-byte grid (64, or 24 with --raw). */
	t->fill = (uint16_t)((t->off + PERF_HDR_LEN + PERF_FILL_ALIGN - 1) &
			     ~(uint32_t)(PERF_FILL_ALIGN - 1));
	memset(ref, 0, sizeof(ref));
	if (t->off)
		memcpy(ref, t->l2l4, PERF_L2L4_LEN);
	memcpy(ref + t->off, &magic, 4);
	ref[t->off + 20] = t->qid;
	ref[t->off + 21] = t->flags;
	t->sum0 = perf_sum_region(ref, t->reg, t->fill);
}

void perf_hist_reset(struct perf_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void perf_hist_merge(struct perf_hist *dst, const struct perf_hist *src)
{
	unsigned int i;

	if (!src->n)
		return;
	dst->n += src->n;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (i = 0; i < PERF_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

/* Inverse of the bucket function in perf_hist_add(): the
 * midpoint of bucket @i. */
static uint64_t bucket_mid(unsigned int i)
{
	unsigned int e, m;
	uint64_t lo, width;

	if (i < PERF_HIST_EXACT)
		return i;
	e = (i - PERF_HIST_EXACT) / PERF_HIST_SUB + 8;
	m = (i - PERF_HIST_EXACT) % PERF_HIST_SUB;
	width = 1ull << (e - 7);
	lo = (1ull << e) + (uint64_t)m * width;
	return lo + width / 2;
}

uint64_t perf_hist_quantile(const struct perf_hist *h, double q)
{
	uint64_t want, seen = 0, v;
	unsigned int i;

	if (!h->n)
		return 0;
	want = (uint64_t)(q * (double)h->n);
	if (want >= h->n)
		want = h->n - 1;
	for (i = 0; i < PERF_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want) {
			v = bucket_mid(i);
			/* Never report outside what was measured. */
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}
