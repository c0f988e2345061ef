/* SPDX-License-Identifier: MIT */
/*
 * Shared memory: the slave's sealed memfd region (rings, then buffers), the
 * master's checks of a region fd before it maps it, and the eventfd check
 * for interrupt fds received from a peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int memif__region_map(struct memif__region *r)
{
	void *p;
	int ret = memif__os_mmap_shared(r->fd, r->size, &p);

	if (ret < 0)
		return ret;
	r->base = p;
	return 0;
}

static void ring_init(struct memif *m, unsigned type, unsigned index)
{
	const struct memif_layout *l = &m->shm.layout;
	struct memif_ring *ring =
		(struct memif_ring *)(m->shm.regions[0].base +
				      memif__layout_ring_offset(l, type,
								index));
	uint32_t n = 1u << l->log2_ring_size, j;

	/* Fresh memfd pages are zero: flags, head and tail start at 0. */
	ring->cookie = MEMIF_COOKIE;
	for (j = 0; j < n; j++) {
		ring->desc[j].region = 0;
		ring->desc[j].length = l->buffer_size;
		ring->desc[j].offset = (uint32_t)memif__layout_buffer_offset(
			l, type, index, j);
	}
}

/* Room for regions [0, @n): new entries hold no fd.  Only while no data
 * thread can look (queues quiesced): the arrays move. */
int memif__regions_reserve(struct memif *m, unsigned n)
{
	struct memif__region *r;
	struct memif_region_view *v;
	unsigned i;

	if (n <= m->shm.cap_regions)
		return 0;
	r = realloc(m->shm.regions, n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	m->shm.regions = r;
	v = realloc(m->shm.views, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->shm.views = v;
	for (i = m->shm.cap_regions; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		memset(&v[i], 0, sizeof(v[i]));
		r[i].fd = -1;
	}
	m->shm.cap_regions = (uint16_t)n;
	return 0;
}

/* Room for rings [0, @n) of one direction; new entries hold no eventfd. */
int memif__rings_reserve(struct memif *m, bool s2m, unsigned n)
{
	struct memif__ring_info **arr = s2m ? &m->shm.s2m : &m->shm.m2s;
	uint16_t *cap = s2m ? &m->shm.cap_s2m : &m->shm.cap_m2s;
	struct memif__ring_info *ri;
	unsigned i;

	if (n <= *cap)
		return 0;
	ri = realloc(*arr, n * sizeof(*ri));
	if (!ri)
		return -ENOMEM;
	for (i = *cap; i < n; i++) {
		memset(&ri[i], 0, sizeof(ri[i]));
		ri[i].efd = -1;
	}
	*arr = ri;
	*cap = (uint16_t)n;
	return 0;
}

#define HUGE_2M (2ull << 20)

/* A sealed memory file of @size bytes for region 0, mapped into @r; on
 * 2 MiB pages with @huge (@size a multiple of them). */
static int region_file(struct memif *m, struct memif__region *r, uint64_t size,
		       bool huge)
{
	char name[64];
	int fd, ret;

	snprintf(name, sizeof(name), "memif %.31s region 0", m->cfg.if_name);
	fd = huge ? memif__os_memfd_huge(name) : memif__os_memfd(name);
	if (fd < 0)
		return fd;
	ret = memif__os_memfd_size(fd, size);
	if (ret < 0) {
		memif__os_close(fd);
		return ret;
	}
	r->fd = fd;
	r->size = size;
	/* Hugetlb pages are reserved here: ENOMEM when the pool is short. */
	ret = memif__region_map(r);
	if (ret < 0) {
		memif__os_close(fd);
		r->fd = -1;
		r->size = 0;
	}
	return ret;
}

/* Region 0 where m->hugepages asks for it. */
static int region_place(struct memif *m, struct memif__region *r)
{
	uint64_t size = m->shm.layout.region_size;
	uint64_t huge = (size + HUGE_2M - 1) & ~(HUGE_2M - 1);
	int ret;

	if (m->cfg.hugepages == MEMIF_HUGEPAGES_NO)
		return region_file(m, r, size, false);
	ret = region_file(m, r, huge, true);
	if (ret == 0)
		return 0;
	if (m->cfg.hugepages == MEMIF_HUGEPAGES_REQUIRE) {
		memif__log(MEMIF_LOG_ERROR, m, -1, MEMIF_ERR_NOMEM,
			   "region of %llu MiB needs %llu free 2 MiB hugepages "
			   "(vm.nr_hugepages): %s",
			   (unsigned long long)(huge >> 20),
			   (unsigned long long)(huge / HUGE_2M), strerror(-ret));
		return ret;
	}
	if (!m->shm.huge_fallback_logged) {
		m->shm.huge_fallback_logged = true;
		memif__log(MEMIF_LOG_WARN, m, -1, 0,
			   "no %llu free 2 MiB hugepages (%s): region on "
			   "normal pages",
			   (unsigned long long)(huge / HUGE_2M), strerror(-ret));
	}
	return region_file(m, r, size, false);
}

int memif__region_create(struct memif *m)
{
	struct memif__region *r;
	unsigned i;
	int ret;

	ret = memif__regions_reserve(m, 1);
	if (ret < 0)
		return ret;
	r = &m->shm.regions[0];
	ret = region_place(m, r);
	if (ret < 0)
		return ret;
	m->shm.n_regions = 1;
	m->shm.views[0].base = r->base;
	m->shm.views[0].size = r->size;
	for (i = 0; i < m->shm.layout.n_s2m; i++)
		ring_init(m, MEMIF_RING_S2M, i);
	for (i = 0; i < m->shm.layout.n_m2s; i++)
		ring_init(m, MEMIF_RING_M2S, i);
	return 0;
}

int memif__region_check_fd(int fd, uint64_t size, bool allow_unsealed,
			   enum memif_fault *fault)
{
	struct stat st;
	int seals;

	/* Memory files only (memfd, shmem, hugetlbfs): they answer
	 * F_GET_SEALS without asking any filesystem.  It goes first because
	 * fstat() on a FUSE or NFS file would wait for a server the peer may
	 * run, and a pipe, socket or device could block or lie. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || fstat(fd, &st) < 0) {
		*fault = MEMIF_FAULT_REGION_FD;
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size < size) {
		*fault = MEMIF_FAULT_REGION_FD;
		return -EINVAL;
	}
	if (!allow_unsealed && !(seals & F_SEAL_SHRINK)) {
		/* An unsealed file can be shrunk under our mapping: SIGBUS. */
		*fault = MEMIF_FAULT_REGION_UNSEALED;
		return -EPERM;
	}
	return 0;
}

void memif__regions_release(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->shm.cap_regions; i++) {
		struct memif__region *r = &m->shm.regions[i];

		if (r->base)
			munmap(r->base, (size_t)r->size);
		memif__os_close(r->fd);
	}
	free(m->shm.regions);
	free(m->shm.views);
	m->shm.regions = NULL;
	m->shm.views = NULL;
	m->shm.cap_regions = 0;
	m->shm.n_regions = 0;
}

/* What /proc/self/fd/N points to.  d_path() names an anon inode
 * "anon_inode:[eventfd]" and every file with a path "/...", so the name
 * cannot be forged by a file the peer made; it asks no filesystem. */
static bool fd_link_is(int fd, const char *want)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return strcmp(target, want) == 0;
}

bool memif__fd_is_eventfd(int fd)
{
	return fd_link_is(fd, "anon_inode:[eventfd]");
}

bool memif__fd_is_memory(int fd)
{
	return fcntl(fd, F_GET_SEALS) >= 0;
}

/* An eventfd in EFD_SEMAPHORE mode hands out its count one read at a time:
 * with a count of 2^40 it stays readable for good.  The kernel shows the
 * mode in fdinfo (Linux 6.4 and later; older kernels cannot tell). */
static bool eventfd_is_semaphore(int fd)
{
	static const char key[] = "eventfd-semaphore:";
	char path[64], line[128];
	bool sem = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, sizeof(key) - 1)) {
			sem = atoi(line + sizeof(key) - 1) != 0;
			break;
		}
	fclose(f);
	return sem;
}

int memif__eventfd_check(int fd)
{
	if (!memif__fd_is_eventfd(fd))
		return -EINVAL;
	if (eventfd_is_semaphore(fd))
		return -EDOM;
	/* Set the flag for the peer's sake; we never rely on it, since the
	 * peer can clear it again on the description we share (os.c). */
	return memif__os_set_nonblock(fd);
}
