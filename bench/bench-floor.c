/* SPDX-License-Identifier: MIT */
/*
 * bench-floor: the physical floor under a full-payload memif transfer.
 *
 * Two processes share one memfd: a ring of --slots slots of --slot-size
 * bytes, plus two indices on their own cache lines.  The writer (pinned to
 * --writer-cpu) fills --size bytes of each slot it owns, the reader (pinned
 * to --reader-cpu) reads every one of those bytes back, and the slots change
 * hands through a single-producer/single-consumer index pair published with
 * release stores and read with acquire loads, --burst slots at a time.  No
 * descriptors, no protocol, no library: what is left is the memory traffic
 * between the two cores, which is what memif-perf --fill full cannot beat.
 *
 * The payload is what memif-perf --fill full writes and checks: 64-bit words
 * base + i (base derived from the slot's sequence number), summed by the
 * reader and compared with the closed form, so neither side can skip work
 * and a torn handoff would be counted as corrupt.
 *
 *   bench-floor [--size N] [--slot-size B] [--slots K] [--burst B]
 *               [--seconds S] [--writer-cpu W] [--reader-cpu R]
 *               [--no-prefetch] [--no-pause] [--offset K]
 *               [--desc-s2m | --desc-m2s] [--headers]
 *               [--copy | --copy-movsb | --copy-nt]
 *   bench-floor --probe N [--writer-cpu W] [--reader-cpu R]
 *
 * Both sides prefetch like memif-perf and the library do (the first line of
 * every slot of a burst, then a few lines ahead while streaming through a
 * slot): the cross-core line transfers are what this measures, and they
 * must overlap for the floor to be a floor.  A side that waits spins with
 * PAUSE (--no-pause: a bare reload, as memif-perf's polling loops do).
 *
 * --desc-s2m and --desc-m2s add what the memif protocol itself costs: the
 * same transfer through a descriptor ring (desc_* below).  --headers and
 * --copy* give the floor under a copying transmit (slot_write below).
 *
 * Prints one JSON line on stdout: slots moved, seconds, Mpps, Gbps, GB/s
 * (payload bytes, 10^9), corrupt count.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define LINE 64
#define PF_AHEAD (8 * LINE) /* software prefetch distance */

struct ctl {
	_Alignas(LINE) _Atomic uint64_t head; /* slots written (writer) */
	_Alignas(LINE) _Atomic uint64_t tail; /* slots read (reader) */
	_Alignas(LINE) _Atomic int go; /* both pinned and ready */
	_Atomic int ready;
	_Atomic int stop; /* writer: no more slots after head */
	_Alignas(LINE) uint64_t r_slots, r_bytes, r_corrupt, r_t0, r_t1;
};

static bool g_pause = true;

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (g_pause)
		__builtin_ia32_pause();
	else
		__asm__ volatile("" ::: "memory");
#endif
}

static inline uint64_t base_of(uint64_t seq)
{
	return seq * 0x9e3779b97f4a7c15ull;
}

static bool g_prefetch = true;

/*
 * --desc-s2m / --desc-m2s: the slots change hands through a memif
 * descriptor ring too (16-byte descriptors, four to a line, on pages of
 * their own before the slots), each side doing what the protocol asks of
 * its role and nothing more:
 *   s2m: the writer (a slave) writes each slot's descriptor (region 0, its
 *        buffer's offset, length, flags); the reader (a master) checks it
 *        against the ring and reads the data where it points.
 *   m2s: the reader (a slave) refills each descriptor it is done with
 *        (length = slot size, flags 0; its buffers never move); the writer
 *        (a master) reads each descriptor for where to write and how much
 *        fits, checks it, writes the data, then length and flags; the
 *        reader checks the descriptor and reads the buffer it lent there.
 * The difference from the bare ring is the protocol's own line traffic: a
 * floor under any memif implementation, not only under the bare ring.
 */
struct fdesc {
	uint16_t flags, region;
	uint32_t length, offset, metadata;
};

enum { DESC_NONE, DESC_S2M, DESC_M2S };
static int g_desc;
static struct fdesc *g_descs; /* slots entries, when g_desc */
static uint64_t g_ring_bytes; /* slots * slot size */

/* Where the writer puts slot @j's data: its own buffer (s2m), or the one
 * the reader's descriptor names, checked as a master must (m2s); NULL when
 * that descriptor does not name room for @size bytes inside the ring. */
static uint8_t *desc_wbuf(uint8_t *ring, uint64_t j, size_t slot, size_t size)
{
	struct fdesc d;

	if (g_desc != DESC_M2S)
		return ring + j * slot;
	d = g_descs[j];
	if (d.region != 0 || d.length < size ||
	    (uint64_t)d.offset + d.length > g_ring_bytes)
		return NULL;
	return ring + d.offset;
}

/* The writer's descriptor for slot @j, after its @size bytes. */
static void desc_put(uint64_t j, size_t slot, size_t size)
{
	struct fdesc *d = &g_descs[j];

	if (g_desc == DESC_S2M) {
		d->region = 0;
		d->offset = (uint32_t)(j * slot);
	}
	d->length = (uint32_t)size;
	d->flags = 0;
}

/* Where the reader finds slot @j's data: where its descriptor points,
 * checked as any receiver must (m2s: still the buffer the reader lent);
 * NULL when it is bad.  *@len: the descriptor's length. */
static const uint8_t *desc_rbuf(const uint8_t *ring, uint64_t j, size_t slot,
				size_t *len)
{
	struct fdesc d = g_descs[j];

	if (d.region != 0 || d.length == 0 || d.length > slot ||
	    (uint64_t)d.offset + d.length > g_ring_bytes ||
	    (g_desc == DESC_M2S && d.offset != j * slot))
		return NULL;
	*len = d.length;
	return ring + d.offset;
}

/* The lines of the @n descriptors from slot @first. */
static void desc_prefetch(uint64_t first, uint64_t n, uint64_t mask, int rw)
{
	uint64_t i;

	for (i = 0; i < n; i += 4) {
		if (rw)
			__builtin_prefetch(&g_descs[(first + i) & mask], 1);
		else
			__builtin_prefetch(&g_descs[(first + i) & mask], 0);
	}
}

/*
 * --headers: only each slot's first word carries the payload (base_of(seq),
 * read back and checked by the reader); the rest of the slot is neither
 * written nor read, as with memif-perf --fill headers (--offset does not
 * apply).
 * --copy, --copy-movsb, --copy-nt: the writer builds each slot's bytes in
 * a buffer of its own (L1-resident, like an application's packet) and
 * copies all --size bytes into the slot, as a copying transmit does: with
 * libc's memcpy, with `rep movsb`, or with non-temporal 16-byte stores.
 * What a copy routine does to the transfer, measured without a library.
 */
enum { COPY_NONE, COPY_LIBC, COPY_MOVSB, COPY_NT };
static int g_copy;
static bool g_headers;
static uint8_t *g_src; /* the writer's own buffer, --copy* */

#if defined(__x86_64__)
/* Non-temporal 16-byte stores from the first 16-byte boundary of @d; the
 * ends by memcpy.  The fence orders them before the index store. */
static void copy_nt(uint8_t *d, const uint8_t *s, size_t n)
{
	size_t head = (size_t)(-(uintptr_t)d & 15), i;

	if (head > n)
		head = n;
	memcpy(d, s, head);
	for (i = head; i + 16 <= n; i += 16)
		_mm_stream_si128((__m128i *)(void *)(d + i),
				 _mm_loadu_si128((const __m128i *)(const void *)
							 (s + i)));
	memcpy(d + i, s + i, n - i);
	_mm_sfence();
}
#endif

static void copy_in(uint8_t *d, const uint8_t *s, size_t n)
{
#if defined(__x86_64__)
	if (g_copy == COPY_MOVSB) {
		__asm__ volatile("rep movsb"
				 : "+D"(d), "+S"(s), "+c"(n)
				 :
				 : "memory");
		return;
	}
	if (g_copy == COPY_NT) {
		copy_nt(d, s, n);
		return;
	}
#endif
	memcpy(d, s, n);
}

/* Fill one slot: whole 64-bit words base + i, then the odd tail bytes.  The
 * lines a few ahead are prefetched for writing: they sit in the reader's
 * cache, and each costs a cross-core round trip to take back. */
static void fill(uint8_t *restrict s, size_t size, uint64_t seq)
{
	uint64_t base = base_of(seq), *w = (uint64_t *)(void *)s;
	size_t i, j, nw = size / 8;

	for (i = 0; i < nw; i = j) {
		size_t end = i + 8 < nw ? i + 8 : nw;

		if (g_prefetch)
			__builtin_prefetch(s + i * 8 + PF_AHEAD, 1);
		for (j = i; j < end; j++)
			w[j] = base + j;
	}
	for (i = nw * 8; i < size; i++)
		s[i] = (uint8_t)(base + i);
}

/* --offset K: the same words written and read K bytes into the slot, with
 * memcpy so they may be misaligned (memif-perf's payload words start at
 * frame offset 14 + 8n: its checked region starts at the IPv4 header). */
static size_t g_offset;

static void fill_at(uint8_t *restrict s, size_t size, uint64_t seq)
{
	uint64_t base = base_of(seq), w;
	size_t i, nw = (size - g_offset) / 8;
	uint8_t *p = s + g_offset;

	for (i = 0; i < nw; i++) {
		if (g_prefetch && (i & 7) == 0)
			__builtin_prefetch(p + i * 8 + PF_AHEAD, 1);
		w = base + i;
		memcpy(p + i * 8, &w, 8);
	}
}

static bool check_at(const uint8_t *restrict s, size_t size, uint64_t seq)
{
	uint64_t base = base_of(seq), s0 = 0, w;
	size_t i, nw = (size - g_offset) / 8;
	const uint8_t *p = s + g_offset;

	for (i = 0; i < nw; i++) {
		if (g_prefetch && (i & 7) == 0)
			__builtin_prefetch(p + i * 8 + PF_AHEAD);
		memcpy(&w, p + i * 8, 8);
		s0 += w;
	}
	return s0 == base * nw + (uint64_t)nw * (nw - 1) / 2;
}

/* Read one slot back; true when it holds what fill() wrote.  Four
 * accumulators so the adds do not chain; lines ahead prefetched. */
static bool check(const uint8_t *restrict s, size_t size, uint64_t seq)
{
	const uint64_t *w = (const uint64_t *)(const void *)s;
	uint64_t base = base_of(seq), s0 = 0, s1 = 0, s2 = 0, s3 = 0, want;
	size_t i, nw = size / 8, n8 = nw & ~(size_t)7;
	unsigned int tail = 0, twant = 0;

	for (i = 0; i < n8; i += 8) {
		if (g_prefetch)
			__builtin_prefetch(s + i * 8 + PF_AHEAD);
		s0 += w[i] + w[i + 4];
		s1 += w[i + 1] + w[i + 5];
		s2 += w[i + 2] + w[i + 6];
		s3 += w[i + 3] + w[i + 7];
	}
	for (; i < nw; i++)
		s0 += w[i];
	for (i = nw * 8; i < size; i++) {
		tail += s[i];
		twant += (uint8_t)(base + i);
	}
	/* sum of base + i for i < nw */
	want = base * nw + (uint64_t)nw * (nw - 1) / 2;
	return s0 + s1 + s2 + s3 == want && tail == twant;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench-floor [--size N] [--slot-size B] [--slots K] [--burst B]\n"
		"                   [--seconds S] [--writer-cpu W] [--reader-cpu R]\n"
		"                   [--no-prefetch] [--no-pause] [--offset K]\n"
		"                   [--desc-s2m | --desc-m2s] [--headers]\n"
		"                   [--copy | --copy-movsb | --copy-nt]\n"
		"       bench-floor --probe N [--writer-cpu W] [--reader-cpu R]\n"
		"One core writes N bytes into each slot of a shared ring, the other reads\n"
		"them all; SPSC handoff, no protocol.  JSON on stdout.  Defaults: size\n"
		"1500, slot-size 2048, slots 1024, burst 32, seconds 3, cpus 0 -> 1.\n"
		"--desc-s2m, --desc-m2s: through a memif descriptor ring as well,\n"
		"each side doing what the protocol asks of a slave writer (s2m) or a\n"
		"master writer (m2s).  --headers: only each slot's first word is\n"
		"written and read.  --copy, --copy-movsb, --copy-nt: the writer builds\n"
		"each slot in its own buffer and copies it in (memcpy, rep movsb,\n"
		"non-temporal stores).\n"
		"--probe N: one-way cache-line latency between the cpus, N round\n"
		"trips (median of 1000-trip batches).\n");
}

/* --probe: how long a cache line takes to cross between the two cpus right
 * now (the host moves the vCPUs between placements that differ several
 * times over).  Two processes bounce a counter through two lines; the
 * median over batches of 1000 round trips, halved, is printed in ns. */
static int probe(unsigned long n, int wcpu, int rcpu)
{
	struct pp {
		_Alignas(LINE) _Atomic uint64_t ping;
		_Alignas(LINE) _Atomic uint64_t pong;
	} * pp;
	unsigned long i, b, nb = (n + 999) / 1000;
	double *bt, t;
	pid_t pid;
	int st;

	pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	bt = calloc(nb, sizeof(*bt));
	if (pp == MAP_FAILED || !bt)
		return 2;
	atomic_store(&pp->ping, 0);
	atomic_store(&pp->pong, 0);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		pin("bench-floor", rcpu);
		for (i = 1; i <= nb * 1000; i++) {
			while (atomic_load_explicit(&pp->ping,
						    memory_order_acquire) != i)
				;
			atomic_store_explicit(&pp->pong, i,
					      memory_order_release);
		}
		_exit(0);
	}
	pin("bench-floor", wcpu);
	for (b = 0, i = 1; b < nb; b++) {
		uint64_t t0 = now_ns();
		unsigned long end = i + 1000;

		for (; i < end; i++) {
			atomic_store_explicit(&pp->ping, i,
					      memory_order_release);
			while (atomic_load_explicit(&pp->pong,
						    memory_order_acquire) != i)
				;
		}
		bt[b] = (double)(now_ns() - t0) / 1000.0 / 2.0;
	}
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	/* median of the batches: insertion sort, nb is small */
	for (b = 1; b < nb; b++) {
		for (i = b; i > 0 && bt[i - 1] > bt[i]; i--) {
			t = bt[i];
			bt[i] = bt[i - 1];
			bt[i - 1] = t;
		}
	}
	printf("{\"probe_round_trips\":%lu,\"one_way_ns\":%.1f,"
	       "\"min_ns\":%.1f,\"max_ns\":%.1f}\n",
	       nb * 1000, bt[nb / 2], bt[0], bt[nb - 1]);
	free(bt);
	return 0;
}

/* The command line (the flags are g_prefetch, g_pause and g_offset). */
struct args {
	size_t size, slot;
	unsigned long slots, burst, probe_n;
	double seconds;
	int wcpu, rcpu;
	bool desc_s2m, desc_m2s; /* g_desc */
	bool copy, copy_movsb, copy_nt; /* g_copy */
};

/* Return: 0 parsed, 1 --help printed, 2 usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	const struct bench_opt opts[] = {
		{ "size", BENCH_OPT_SIZE, &a->size },
		{ "slot-size", BENCH_OPT_SIZE, &a->slot },
		{ "slots", BENCH_OPT_ULONG, &a->slots },
		{ "burst", BENCH_OPT_ULONG, &a->burst },
		{ "seconds", BENCH_OPT_DOUBLE, &a->seconds },
		{ "writer-cpu", BENCH_OPT_INT, &a->wcpu },
		{ "reader-cpu", BENCH_OPT_INT, &a->rcpu },
		{ "no-prefetch", BENCH_OPT_OFF, &g_prefetch },
		{ "no-pause", BENCH_OPT_OFF, &g_pause },
		{ "probe", BENCH_OPT_ULONG, &a->probe_n },
		{ "offset", BENCH_OPT_SIZE, &g_offset },
		{ "desc-s2m", BENCH_OPT_ON, &a->desc_s2m },
		{ "desc-m2s", BENCH_OPT_ON, &a->desc_m2s },
		{ "headers", BENCH_OPT_ON, &g_headers },
		{ "copy", BENCH_OPT_ON, &a->copy },
		{ "copy-movsb", BENCH_OPT_ON, &a->copy_movsb },
		{ "copy-nt", BENCH_OPT_ON, &a->copy_nt },
	};

	return bench_parse_args(argc, argv, opts,
				sizeof(opts) / sizeof(opts[0]), usage);
}

/* Return: 0, or 2 (said why) when the ring cannot be built as asked. */
static int check_args(const struct args *a)
{
	if (a->desc_s2m && a->desc_m2s) {
		fprintf(stderr, "bench-floor: --desc-s2m or --desc-m2s\n");
		return 2;
	}
	if (a->copy + a->copy_movsb + a->copy_nt > 1) {
		fprintf(stderr, "bench-floor: one of --copy, --copy-movsb, "
				"--copy-nt\n");
		return 2;
	}
#if !defined(__x86_64__)
	if (a->copy_movsb || a->copy_nt) {
		fprintf(stderr, "bench-floor: --copy-movsb and --copy-nt are "
				"x86-64 only\n");
		return 2;
	}
#endif
	if (g_offset + 8 > a->size) {
		fprintf(stderr, "bench-floor: --offset leaves no word\n");
		return 2;
	}
	if (!a->size || a->size > a->slot || a->slot % LINE || !a->slots ||
	    (a->slots & (a->slots - 1)) || !a->burst || a->burst > a->slots ||
	    a->seconds <= 0) {
		fprintf(stderr,
			"bench-floor: need 0 < size <= slot-size, "
			"slot-size a multiple of 64, slots a power of two, "
			"0 < burst <= slots, seconds > 0\n");
		return 2;
	}
	return 0;
}

/* The control block, the descriptors (with --desc-*) on the pages after it
 * and then the ring (*@ring), in one shared memfd mapping with every page
 * faulted in; NULL (said why) on failure. */
static struct ctl *map_ring(const struct args *a, uint8_t **ring)
{
	size_t ring_len = (size_t)a->slots * a->slot;
	size_t desc_len = g_desc ? (size_t)a->slots * sizeof(struct fdesc) : 0;
	size_t map_len, i;
	struct ctl *ctl;
	int fd;

	desc_len = (desc_len + 4095) & ~(size_t)4095;
	map_len = 4096 + desc_len + ((ring_len + 4095) & ~(size_t)4095);
	fd = memfd_create("bench-floor", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)map_len)) {
		perror("bench-floor: memfd");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	ctl = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd); /* the mapping keeps the memory */
	if (ctl == MAP_FAILED) {
		perror("bench-floor: mmap");
		return NULL;
	}
	/* The ring starts on a page after the control block (and the
	 * descriptors), like memif's buffers after its rings. */
	if (sizeof(struct ctl) > 4096)
		return NULL;
	g_descs = (struct fdesc *)(void *)((uint8_t *)ctl + 4096);
	g_ring_bytes = ring_len;
	*ring = (uint8_t *)ctl + 4096 + desc_len;
	memset(g_descs, 0, desc_len);
	memset(*ring, 0, ring_len);
	/* m2s: the slave's first refill lends every buffer. */
	for (i = 0; g_desc == DESC_M2S && i < a->slots; i++)
		g_descs[i] = (struct fdesc){ .length = (uint32_t)a->slot,
					     .offset = (uint32_t)(i * a->slot) };
	return ctl;
}

/* The writer's @size bytes of slot @seq at @p: words base + i (--offset:
 * @g_offset bytes in), or only the first word (--headers); built in place
 * or, with --copy*, in the writer's own buffer and copied. */
static void slot_write(uint8_t *p, size_t size, uint64_t seq)
{
	uint8_t *w = g_copy ? g_src : p;

	if (g_headers) {
		uint64_t base = base_of(seq);

		memcpy(w, &base, 8);
	} else {
		(g_offset ? fill_at : fill)(w, size, seq);
	}
	if (g_copy)
		copy_in(p, g_src, size);
}

/* True when slot @seq at @p holds what slot_write wrote. */
static bool slot_read(const uint8_t *p, size_t size, uint64_t seq)
{
	uint64_t w;

	if (g_headers) {
		memcpy(&w, p, 8);
		return w == base_of(seq);
	}
	return (g_offset ? check_at : check)(p, size, seq);
}

/* The first lines of the reader's slots [@tail, @head) and their
 * descriptors: a m2s reader refills them, so it asks for ownership; an s2m
 * reader finds the data where the descriptor says. */
static void reader_prefetch(const uint8_t *ring, uint64_t tail, uint64_t head,
			    uint64_t mask, size_t slot)
{
	uint64_t j;
	size_t len;

	if (g_desc)
		desc_prefetch(tail, head - tail, mask, g_desc == DESC_M2S);
	for (j = tail; j != head; j++) {
		const uint8_t *p = g_desc == DESC_S2M ?
					   desc_rbuf(ring, j & mask, slot, &len) :
					   ring + (j & mask) * slot;

		if (p)
			__builtin_prefetch(p);
	}
}

/* The reader process: every slot checked, a burst at a time, until the
 * writer stops and the ring is empty; its figures into @ctl. */
static void reader(struct ctl *ctl, const uint8_t *ring, const struct args *a)
{
	const size_t size = a->size, slot = a->slot;
	const unsigned long burst = a->burst;
	uint64_t tail = 0, head, bytes = 0, corrupt = 0, t0 = 0;
	uint64_t mask = a->slots - 1;

	pin("bench-floor", a->rcpu);
	atomic_fetch_add(&ctl->ready, 1);
	while (!atomic_load_explicit(&ctl->go, memory_order_acquire))
		relax();
	for (;;) {
		head = atomic_load_explicit(&ctl->head, memory_order_acquire);
		if (head == tail) {
			if (atomic_load_explicit(&ctl->stop,
						 memory_order_acquire) &&
			    atomic_load_explicit(&ctl->head,
						 memory_order_acquire) == tail)
				break;
			relax();
			continue;
		}
		if (!t0)
			t0 = now_ns();
		/* A burst at a time, each handed back at once, as a memif
		 * receiver does. */
		if (head - tail > burst)
			head = tail + burst;
		if (g_prefetch)
			reader_prefetch(ring, tail, head, mask, slot);
		for (; tail != head; tail++) {
			uint64_t j = tail & mask;
			size_t len = size;
			const uint8_t *p = g_desc ? desc_rbuf(ring, j, slot, &len) :
						    ring + j * slot;

			if (!p || len != size ||
			    !slot_read(p, size, tail))
				corrupt++;
			if (g_desc == DESC_M2S) /* the refill */
				g_descs[j] = (struct fdesc){
					.length = (uint32_t)slot,
					.offset = (uint32_t)(j * slot)
				};
			bytes += size;
		}
		atomic_store_explicit(&ctl->tail, tail, memory_order_release);
	}
	ctl->r_t1 = now_ns();
	ctl->r_t0 = t0;
	ctl->r_slots = tail;
	ctl->r_bytes = bytes;
	ctl->r_corrupt = corrupt;
}

/* The first lines of the @n slots the writer fills next, and their
 * descriptors, asked for with ownership. */
static void writer_prefetch(uint8_t *ring, uint64_t head, uint64_t n,
			    uint64_t mask, size_t slot, size_t size)
{
	uint64_t i;

	if (g_desc)
		desc_prefetch(head, n, mask, 1);
	for (i = 0; i < n; i++) {
		uint8_t *p = g_desc ? desc_wbuf(ring, (head + i) & mask, slot,
						size) :
				      ring + ((head + i) & mask) * slot;

		if (p)
			__builtin_prefetch(p, 1);
	}
}

/* The writer: fills what is free, a burst at a time, for a->seconds; false
 * when a descriptor named no room for a slot (nothing more written). */
static bool writer(struct ctl *ctl, uint8_t *ring, const struct args *a)
{
	const size_t size = a->size, slot = a->slot;
	const unsigned long slots = a->slots, burst = a->burst;
	uint64_t head = 0, tail = 0, end, n, i, mask = slots - 1;
	unsigned int k = 0;
	bool ok = true;

	pin("bench-floor", a->wcpu);
	atomic_fetch_add(&ctl->ready, 1);
	while (atomic_load(&ctl->ready) < 2)
		relax();
	atomic_store_explicit(&ctl->go, 1, memory_order_release);
	end = now_ns() + (uint64_t)(a->seconds * 1e9);
	for (;;) {
		/* Like memif_tx_alloc: take what is free, up to a burst,
		 * looking at the reader's index again only when the cached
		 * one leaves less than a burst. */
		if (head - tail + burst > slots)
			tail = atomic_load_explicit(&ctl->tail,
						    memory_order_acquire);
		n = slots - (head - tail);
		if (n > burst)
			n = burst;
		if (!n) {
			relax();
			if ((++k & 255) == 0 && now_ns() >= end)
				break;
			continue;
		}
		if (g_prefetch)
			writer_prefetch(ring, head, n, mask, slot, size);
		for (i = 0; i < n; i++) {
			uint64_t j = (head + i) & mask;
			uint8_t *p = g_desc ? desc_wbuf(ring, j, slot, size) :
					      ring + j * slot;

			if (!p) {
				fprintf(stderr, "bench-floor: slot %" PRIu64
						" has a bad descriptor\n", j);
				break;
			}
			slot_write(p, size, head + i);
			if (g_desc)
				desc_put(j, slot, size);
		}
		if (i < n) {
			ok = false;
			break;
		}
		head += n;
		atomic_store_explicit(&ctl->head, head, memory_order_release);
		if ((++k & 15) == 0 && now_ns() >= end)
			break;
	}
	atomic_store_explicit(&ctl->stop, 1, memory_order_release);
	return ok;
}

/* The JSON line; the exit status (1 when a slot was corrupt). */
static int report(const struct ctl *ctl, const struct args *a)
{
	double secs = ctl->r_t1 > ctl->r_t0 ?
			      (double)(ctl->r_t1 - ctl->r_t0) / 1e9 :
			      0;
	double pps = secs > 0 ? (double)ctl->r_slots / secs : 0;
	double bps = secs > 0 ? (double)ctl->r_bytes / secs : 0;

	printf("{\"desc\":\"%s\",\"copy\":\"%s\",\"headers\":%s,"
	       "\"size\":%zu,\"slot_size\":%zu,"
	       "\"slots\":%lu,"
	       "\"burst\":%lu,\"writer_cpu\":%d,\"reader_cpu\":%d,"
	       "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"seconds\":%.6f,\"mpps\":%.4f,\"gbps\":%.4f,"
	       "\"gbytes_per_s\":%.4f,\"corrupt\":%" PRIu64 "}\n",
	       g_desc == DESC_S2M ? "s2m" : g_desc == DESC_M2S ? "m2s" : "none",
	       (const char *[]){ "none", "libc", "movsb", "nt" }[g_copy],
	       g_headers ? "true" : "false",
	       a->size, a->slot, a->slots, a->burst, a->wcpu, a->rcpu,
	       ctl->r_slots, ctl->r_bytes, secs, pps / 1e6, bps * 8 / 1e9,
	       bps / 1e9, ctl->r_corrupt);
	return ctl->r_corrupt ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = { .size = 1500,
			  .slot = 2048,
			  .slots = 1024,
			  .burst = 32,
			  .seconds = 3,
			  .wcpu = 0,
			  .rcpu = 1 };
	struct ctl *ctl;
	uint8_t *ring;
	pid_t pid;
	int rc, st;
	bool ok;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (a.probe_n)
		return probe(a.probe_n, a.wcpu, a.rcpu);
	rc = check_args(&a);
	if (rc)
		return rc;
	g_desc = a.desc_s2m ? DESC_S2M : a.desc_m2s ? DESC_M2S : DESC_NONE;
	g_copy = a.copy ? COPY_LIBC :
		 a.copy_movsb ? COPY_MOVSB :
		 a.copy_nt ? COPY_NT : COPY_NONE;
	if (g_copy && !(g_src = aligned_alloc(LINE, a.slot))) {
		perror("bench-floor: the writer's buffer");
		return 2;
	}
	ctl = map_ring(&a, &ring);
	if (!ctl)
		return 2;
	pid = fork();
	if (pid < 0) {
		perror("bench-floor: fork");
		return 2;
	}
	if (pid == 0) {
		reader(ctl, ring, &a);
		_exit(0);
	}
	ok = writer(ctl, ring, &a);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-floor: reader failed\n");
		return 1;
	}
	rc = report(ctl, &a) || !ok;
	free(g_src);
	return rc;
}
