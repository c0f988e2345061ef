/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy with the application's own memory (slave): buffer pools, each
 * announced to the master as one more region; transmit from pool buffers
 * and their completion in order; receive into pool buffers the
 * application lends; and the buffers a connection held when it went,
 * kept for memif_zc_reclaim.  Which buffer sits in which slot is our own
 * record (zc_rec): what the master writes back into a descriptor is never
 * used to find a buffer, only its length, bounded by the buffer lent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "queue.h"

#define HUGE_2M (2ull << 20)
#define POOL_MAX_BYTES (1ull << 32) /* descriptor offsets are u32 */

/* ---- pools -------------------------------------------------------------- */

static bool buffer_size_ok(uint32_t bs)
{
	return bs >= 64 && bs <= 65536 && !(bs & (bs - 1));
}

static void pool_get(struct memif_pool *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

static void pool_put(struct memif_pool *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (p->base)
		munmap(p->base, (size_t)p->map_size);
	memif__os_close(p->fd);
	free(p);
}

/* A memory file of @map bytes for @p, sealed against shrinking, mapped. */
static int pool_file(struct memif_pool *p, uint64_t map, bool huge)
{
	void *base;
	int fd, ret;

	fd = huge ? memif__os_memfd_huge("memif pool") :
		    memif__os_memfd("memif pool");
	if (fd < 0)
		return fd;
	ret = memif__os_memfd_size(fd, map);
	/* Hugetlb pages are reserved here: ENOMEM when the pool is short. */
	if (ret == 0)
		ret = memif__os_mmap_shared(fd, map, &base);
	if (ret < 0) {
		memif__os_close(fd);
		return ret;
	}
	p->fd = fd;
	p->base = base;
	p->map_size = map;
	p->huge = huge;
	p->sealed = true;
	return 0;
}

int memif_pool_create(const struct memif_pool_config *cfg,
		      struct memif_pool **out)
{
	struct memif_pool *p;
	uint64_t size, huge;
	uint32_t bs;
	int ret;

	if (!cfg || !out)
		return MEMIF_ERR_INVAL_ARG;
	*out = NULL;
	bs = cfg->buffer_size ? cfg->buffer_size : MEMIF_DEFAULT_BUFFER_SIZE;
	size = (uint64_t)cfg->n_buffers * bs;
	if (!cfg->n_buffers || !buffer_size_ok(bs) || size > POOL_MAX_BYTES ||
	    cfg->hugepages > MEMIF_HUGEPAGES_REQUIRE) {
		memif__log(MEMIF_LOG_WARN, NULL, -1, MEMIF_ERR_INVAL_ARG,
			   "memif_pool_create: %u buffers of %u bytes, "
			   "hugepages %u: 1 or more buffers of a power of two "
			   "in 64..65536 bytes, at most 4 GiB in all, "
			   "hugepages 0..2",
			   cfg->n_buffers, bs, (unsigned)cfg->hugepages);
		return MEMIF_ERR_INVAL_ARG;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return MEMIF_ERR_NOMEM;
	p->fd = -1;
	p->refs = 1;
	p->size = size;
	p->buffer_size = bs;
	p->n_buffers = cfg->n_buffers;
	huge = (size + HUGE_2M - 1) & ~(HUGE_2M - 1);
	ret = -ENOMEM;
	if (cfg->hugepages != MEMIF_HUGEPAGES_NO) {
		ret = pool_file(p, huge, true);
		if (ret < 0 && cfg->hugepages == MEMIF_HUGEPAGES_REQUIRE) {
			memif__log(MEMIF_LOG_ERROR, NULL, -1, MEMIF_ERR_NOMEM,
				   "pool of %llu MiB needs %llu free 2 MiB "
				   "hugepages (vm.nr_hugepages): %s",
				   (unsigned long long)(huge >> 20),
				   (unsigned long long)(huge / HUGE_2M),
				   strerror(-ret));
			free(p);
			return MEMIF_ERR_NOMEM;
		}
		if (ret < 0)
			memif__log(MEMIF_LOG_WARN, NULL, -1, 0,
				   "no %llu free 2 MiB hugepages (%s): pool on "
				   "normal pages",
				   (unsigned long long)(huge / HUGE_2M),
				   strerror(-ret));
	}
	if (ret < 0)
		ret = pool_file(p, size, false);
	if (ret < 0) {
		free(p);
		return memif__err_from_errno(ret);
	}
	*out = p;
	return MEMIF_OK;
}

int memif_pool_create_fd(int fd, uint64_t size, uint32_t buffer_size,
			 struct memif_pool **out)
{
	struct memif_pool *p;
	struct stat st;
	void *base;
	int seals, ret;

	if (!out)
		return MEMIF_ERR_INVAL_ARG;
	*out = NULL;
	if (fd < 0)
		return MEMIF_ERR_BAD_FD;
	/* Memory files only (memfd, hugetlbfs), as a master takes them. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return MEMIF_ERR_BAD_FD;
	if (!buffer_size_ok(buffer_size) || size < buffer_size ||
	    size > POOL_MAX_BYTES || (uint64_t)st.st_size < size) {
		memif__log(MEMIF_LOG_WARN, NULL, -1, MEMIF_ERR_INVAL_ARG,
			   "memif_pool_create_fd: %llu bytes (file: %lld) of "
			   "%u-byte buffers: a power of two in 64..65536, at "
			   "least one buffer, at most 4 GiB and the file",
			   (unsigned long long)size, (long long)st.st_size,
			   buffer_size);
		return MEMIF_ERR_INVAL_ARG;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return MEMIF_ERR_NOMEM;
	p->refs = 1;
	p->buffer_size = buffer_size;
	p->n_buffers = (uint32_t)(size / buffer_size);
	p->size = (uint64_t)p->n_buffers * buffer_size;
	p->map_size = p->size;
	/* hugetlbfs reports its page size as the block size */
	p->huge = st.st_blksize >= (blksize_t)HUGE_2M;
	if (!(seals & F_SEAL_SHRINK))
		fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK); /* if it allows it */
	p->sealed = (fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK) != 0;
	p->fd = memif__os_dup(fd);
	if (p->fd < 0) {
		ret = p->fd;
		free(p);
		return memif__err_from_errno(ret);
	}
	ret = memif__os_mmap_shared(p->fd, p->map_size, &base);
	if (ret < 0) {
		memif__os_close(p->fd);
		free(p);
		return memif__err_from_errno(ret);
	}
	p->base = base;
	if (!p->sealed)
		memif__log(MEMIF_LOG_INFO, NULL, -1, 0,
			   "pool file not sealed against shrinking: a master "
			   "needs allow_unsealed_regions for it");
	*out = p;
	return MEMIF_OK;
}

int memif_pool_get_info(const struct memif_pool *p, struct memif_pool_info *out)
{
	if (!p || !out)
		return MEMIF_ERR_INVAL_ARG;
	out->base = p->base;
	out->size = p->size;
	out->buffer_size = p->buffer_size;
	out->n_buffers = p->n_buffers;
	out->hugepages = p->huge;
	out->sealed = p->sealed;
	return MEMIF_OK;
}

void memif_pool_destroy(struct memif_pool *p)
{
	if (p)
		pool_put(p);
}

/* ---- interfaces (control path) ----------------------------------------- */

const char *memif__zc_config_error(const struct memif_config *cfg)
{
	unsigned i, j;

	if (cfg->zero_copy_rx && !cfg->n_pools)
		return "zero_copy_rx needs pools";
	if (!cfg->n_pools)
		return NULL;
	if (cfg->is_master)
		return "pools: a master announces no regions";
	if (!cfg->pools)
		return "pools NULL with n_pools > 0";
	if (cfg->n_pools > MEMIF__MAX_REGIONS - 1)
		return "n_pools above 255 (region indexes end at 255)";
	for (i = 0; i < cfg->n_pools; i++) {
		if (!cfg->pools[i])
			return "a NULL pool";
		for (j = 0; j < i; j++)
			if (cfg->pools[j] == cfg->pools[i])
				return "a pool listed twice";
	}
	return NULL;
}

int memif__zc_attach(struct memif *m, const struct memif_config *cfg)
{
	unsigned i;

	if (!cfg->n_pools)
		return 0;
	m->dp.pools = calloc(cfg->n_pools, sizeof(*m->dp.pools));
	if (!m->dp.pools)
		return -ENOMEM;
	for (i = 0; i < cfg->n_pools; i++) {
		struct memif_pool *p = cfg->pools[i];

		pool_get(p);
		m->dp.pools[i].pool = p;
		m->dp.pools[i].base = p->base;
		m->dp.pools[i].size = p->size;
		m->dp.pools[i].mask = p->buffer_size - 1;
	}
	m->dp.n_pools = cfg->n_pools;
	m->dp.zc_rx = cfg->zero_copy_rx;
	return 0;
}

void memif__zc_free(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->dp.alloc_rxq; i++)
		free(m->dp.rxq[i]->zc_rec);
	for (i = 0; i < m->dp.alloc_txq; i++)
		free(m->dp.txq[i]->zc_rec);
	for (i = 0; i < m->dp.n_pools; i++)
		pool_put(m->dp.pools[i].pool);
	free(m->dp.pools);
	free(m->zc.orphans);
	m->dp.pools = NULL;
	m->zc.orphans = NULL;
	m->dp.n_pools = 0;
}

bool memif__zc_regions_fit(const struct memif *m, uint16_t max_region,
			   char *why, size_t why_len)
{
	if (m->dp.n_pools <= max_region)
		return true;
	snprintf(why, why_len,
		 "master allows %u regions, slave needs %u (region 0 and %u "
		 "pools)",
		 (unsigned)max_region + 1, (unsigned)m->dp.n_pools + 1,
		 (unsigned)m->dp.n_pools);
	return false;
}

/* Regions 1..n_pools after region 0: the pools' mappings (ours to use,
 * not to unmap: regions[] holds no base and no fd for them). */
int memif__zc_regions(struct memif *m)
{
	unsigned i;
	int ret;

	if (!m->dp.n_pools)
		return 0;
	ret = memif__regions_reserve(m, 1u + m->dp.n_pools);
	if (ret < 0)
		return ret;
	for (i = 0; i < m->dp.n_pools; i++) {
		m->shm.regions[i + 1].size = m->dp.pools[i].size;
		m->shm.views[i + 1].base = m->dp.pools[i].base;
		m->shm.views[i + 1].size = m->dp.pools[i].size;
	}
	m->shm.n_regions = (uint16_t)(1u + m->dp.n_pools);
	return 0;
}

static int rec_setup(struct memif__queue *q)
{
	if (q->zc_cap != q->size) {
		free(q->zc_rec);
		q->zc_cap = 0;
		q->zc_rec = calloc(q->size, sizeof(*q->zc_rec));
		if (!q->zc_rec)
			return -ENOMEM;
		q->zc_cap = q->size;
	} else {
		memset(q->zc_rec, 0, q->size * sizeof(*q->zc_rec));
	}
	q->zc_held = 0;
	q->zc_done = 0;
	return 0;
}

/* Before the gates open: empty records for every queue, and room to keep
 * every buffer this connection can hold when it goes (memif__zc_orphan
 * must not allocate). */
int memif__zc_queues_setup(struct memif *m)
{
	uint64_t need = m->zc.n_orphans;
	unsigned i;

	if (m->cfg.is_master || !m->dp.n_pools)
		return 0;
	for (i = 0; i < m->shm.n_s2m; i++) {
		if (rec_setup(m->dp.txq[i]) < 0)
			return -ENOMEM;
		m->dp.txq[i]->zc_rx = false;
		need += m->dp.txq[i]->size;
	}
	for (i = 0; i < m->shm.n_m2s; i++) {
		if (rec_setup(m->dp.rxq[i]) < 0)
			return -ENOMEM;
		m->dp.rxq[i]->zc_rx = m->dp.zc_rx;
		need += m->dp.rxq[i]->size;
	}
	if (need > m->zc.cap_orphans) {
		struct memif_buf *o;

		if (need > UINT32_MAX)
			return -ENOMEM;
		o = realloc(m->zc.orphans, need * sizeof(*o));
		if (!o)
			return -ENOMEM;
		m->zc.orphans = o;
		m->zc.cap_orphans = (uint32_t)need;
	}
	return 0;
}

/* Every record of @q, oldest first from position @from, to the orphans. */
static void orphan_queue(struct memif *m, struct memif__queue *q, uint16_t from)
{
	uint32_t i;

	if (!q->zc_rec || !q->zc_held)
		return;
	for (i = 0; i < q->zc_cap; i++) {
		struct memif_buf *r =
			&q->zc_rec[(uint16_t)(from + i) & (q->zc_cap - 1)];

		if (!r->data)
			continue;
		if (m->zc.n_orphans < m->zc.cap_orphans)
			m->zc.orphans[m->zc.n_orphans++] = *r;
		r->data = NULL;
	}
	q->zc_held = 0;
}

/* The gates are closed: what the connection held goes to the orphans. */
void memif__zc_orphan(struct memif *m)
{
	unsigned i;

	if (m->cfg.is_master || !m->dp.n_pools)
		return;
	for (i = 0; i < m->dp.alloc_txq; i++)
		orphan_queue(m, m->dp.txq[i], m->dp.txq[i]->zc_done);
	for (i = 0; i < m->dp.alloc_rxq; i++)
		orphan_queue(m, m->dp.rxq[i], m->dp.rxq[i]->cursor);
}

int memif_zc_reclaim(struct memif *m, struct memif_buf *bufs, uint16_t max,
		     uint16_t *n)
{
	uint16_t k = 0;
	int ret;

	if (n)
		*n = 0;
	ret = memif__api_lock(m, n && (bufs || !max));
	if (ret)
		return ret;
	while (k < max && m->zc.n_orphans)
		bufs[k++] = m->zc.orphans[--m->zc.n_orphans];
	memif__api_unlock();
	*n = k;
	return MEMIF_OK;
}

/* ---- data path ---------------------------------------------------------- */

/*
 * The region (1..n_pools) of the bytes [data, data + len), and their offset
 * in it, when they lie inside one buffer of a pool of @m; 0 otherwise.
 */
static inline uint16_t zc_find(const struct memif *m, const uint8_t *data,
			       uint32_t len, uint32_t *off)
{
	uint16_t i;

	for (i = 0; i < m->dp.n_pools; i++) {
		const struct memif__zc_pool *p = &m->dp.pools[i];
		uint64_t o = (uintptr_t)data - (uintptr_t)p->base;

		if (o < p->size) {
			if ((o & p->mask) + len > (uint64_t)p->mask + 1)
				return 0;
			*off = (uint32_t)o;
			return (uint16_t)(i + 1);
		}
	}
	return 0;
}

/* The checks of a buffer the application hands in: 0 or the error. */
static inline int zc_check(const struct memif *m, const struct memif_buf *b,
			   uint16_t *region, uint32_t *off)
{
	if (memif__unlikely(!b->len))
		return MEMIF_ERR_PKT_LEN;
	if (memif__unlikely(!b->data))
		return MEMIF_ERR_INVAL_ARG;
	*region = zc_find(m, b->data, b->len, off);
	return memif__likely(*region) ? MEMIF_OK : MEMIF_ERR_INVAL_ARG;
}

/*
 * The master's tail, checked: at most a ring behind our head, and not
 * behind the completions already handed back.  False when it lies.
 */
static inline bool zc_tail(struct memif__queue *q, uint16_t *tail)
{
	/* A2: R2 in rx.c rx_give_back (the master has read the slots) */
	uint16_t t = memif__load_acquire(&q->ring->tail);

	if ((uint16_t)(q->cursor - t) > q->size)
		return false;
	if (!q->zc_held)
		q->zc_done = t;
	else if ((uint16_t)(t - q->zc_done) >
		 (uint16_t)(q->cursor - q->zc_done))
		return false;
	*tail = t;
	return true;
}

/* A zero-copy call's way in: the arguments checked (memif__burst_args),
 * a slave with pools (@rx: and zero_copy_rx), queue entered. */
static inline int zc_enter(struct memif *m, uint8_t qid, bool rx,
			   const void *bufs, uint16_t n, uint16_t *n_out,
			   struct memif__queue **q)
{
	if (!memif__burst_args(bufs, n, n_out))
		return MEMIF_ERR_INVAL_ARG;
	if (!m)
		return MEMIF_ERR_NOCONN;
	if (m->cfg.is_master || !m->dp.n_pools || (rx && !m->dp.zc_rx))
		return MEMIF_ERR_UNSUPPORTED;
	return memif__q_enter(m, qid, rx, q);
}

/* A zero-copy transmit's way in: as zc_enter, and the master's tail
 * checked in *@tail. */
static int zc_tx_open(struct memif *m, uint8_t qid, const void *bufs,
		      uint16_t n, uint16_t *n_out, struct memif__queue **q,
		      uint16_t *tail)
{
	int ret = zc_enter(m, qid, false, bufs, n, n_out, q);

	if (ret)
		return ret;
	if (memif__unlikely(!zc_tail(*q, tail)))
		return memif__q_fail(*q);
	return MEMIF_OK;
}

int memif_tx_burst_zc(struct memif *m, uint8_t qid,
		      const struct memif_buf *bufs, uint16_t n_bufs,
		      uint16_t *n_sent)
{
	struct memif__queue *q;
	uint16_t tail, space, used = 0, sent = 0, pkts = 0, i;
	uint64_t bytes = 0;
	int ret;

	ret = zc_tx_open(m, qid, bufs, n_bufs, n_sent, &q, &tail);
	if (ret)
		return ret;
	/* Slots stay taken until their buffers were handed back. */
	space = (uint16_t)(q->size - (uint16_t)(q->cursor - q->zc_done));
	while (sent < n_bufs) {
		uint32_t total = 0;
		uint16_t k = 0;
		bool next;

		/* Descriptors are written as the packet is checked: slots
		 * past the cursor are ours until published. */
		do {
			const struct memif_buf *b = &bufs[sent + k];
			struct memif_desc *d;
			uint16_t region;
			uint32_t off;

			if (sent + k >= n_bufs || k >= q->size) {
				ret = MEMIF_ERR_PKT_LEN; /* no end, too long */
				goto out_publish;
			}
			ret = zc_check(m, b, &region, &off);
			if (ret)
				goto out_publish;
			if (used + k >= space) {
				memif__stat_add(&q->st.ring_full, 1);
				goto out_publish;
			}
			next = b->flags & MEMIF_BUF_FLAG_NEXT;
			d = &q->ring->desc[(uint16_t)(q->cursor + used + k) &
					   q->mask];
			d->region = region;
			d->offset = off;
			d->length = b->len;
			d->flags = next ? MEMIF_DESC_FLAG_NEXT : 0;
			total += b->len;
			k++;
		} while (next);
		if (memif__unlikely(total > q->max_packet)) {
			ret = MEMIF_ERR_PKT_LEN;
			break;
		}
		for (i = 0; i < k; i++)
			q->zc_rec[(uint16_t)(q->cursor + used + i) & q->mask] =
				bufs[sent + i];
		q->zc_held = (uint16_t)(q->zc_held + k);
		used = (uint16_t)(used + k);
		sent = (uint16_t)(sent + k);
		bytes += total;
		pkts++;
	}
out_publish:
	if (used) {
		q->cursor = (uint16_t)(q->cursor + used);
		/* R1: A1 in rx.c rx_avail (the master's receive) */
		memif__store_release(&q->ring->head, q->cursor);
		memif__tx_kick(q);
	}
	memif__stat_add(&q->st.packets, pkts);
	memif__stat_add(&q->st.bytes, bytes);
	*n_sent = sent;
	memif__q_leave(q);
	return ret;
}

int memif_tx_complete(struct memif *m, uint8_t qid, struct memif_buf *bufs,
		      uint16_t max, uint16_t *n_done)
{
	struct memif__queue *q;
	uint16_t tail, pos, n = 0;
	int ret;

	ret = zc_tx_open(m, qid, bufs, max, n_done, &q, &tail);
	if (ret)
		return ret;
	for (pos = q->zc_done; pos != tail; pos++) {
		struct memif_buf *r = &q->zc_rec[pos & q->mask];

		if (!r->data) /* a slot memif_tx_burst copied into */
			continue;
		if (n == max)
			break;
		bufs[n++] = *r;
		r->data = NULL;
	}
	q->zc_done = pos;
	q->zc_held = (uint16_t)(q->zc_held - n);
	*n_done = n;
	memif__q_leave(q);
	return MEMIF_OK;
}

int memif_rx_refill(struct memif *m, uint8_t qid, const struct memif_buf *bufs,
		    uint16_t n, uint16_t *n_done)
{
	struct memif__queue *q;
	uint16_t room, i;
	int ret;

	ret = zc_enter(m, qid, true, bufs, n, n_done, &q);
	if (ret)
		return ret;
	/* [cursor, released) is lent; the rest of the ring is ours. */
	room = (uint16_t)(q->size - (uint16_t)(q->released - q->cursor));
	for (i = 0; i < n && i < room; i++) {
		uint16_t slot = (uint16_t)(q->released + i) & q->mask;
		struct memif_desc *d = &q->ring->desc[slot];
		uint16_t region;
		uint32_t off;

		ret = zc_check(m, &bufs[i], &region, &off);
		if (ret)
			break;
		d->flags = 0;
		d->region = region;
		d->offset = off;
		d->length = bufs[i].len;
		q->zc_rec[slot].data = bufs[i].data;
		q->zc_rec[slot].len = bufs[i].len;
		q->zc_rec[slot].flags = 0;
	}
	if (i < n && !ret)
		memif__stat_add(&q->st.ring_full, 1);
	if (i) {
		q->released = (uint16_t)(q->released + i);
		q->zc_held = (uint16_t)(q->zc_held + i);
		/* R1: A1 in tx.c tx_space (the master's transmit) */
		memif__store_release(&q->ring->head, q->released);
	}
	*n_done = i;
	memif__q_leave(q);
	return ret;
}

/* The @k slots from position @first back onto the ring, after what is
 * lent (there is room: they were just consumed), with our own record of
 * each: a dropped packet loses no buffer. */
static void zc_relend(const struct memif *m, struct memif__queue *q,
		      uint16_t first, uint16_t k)
{
	uint16_t i;

	for (i = 0; i < k; i++) {
		struct memif_buf r = q->zc_rec[(uint16_t)(first + i) & q->mask];
		uint16_t slot = q->released & q->mask;
		struct memif_desc *d = &q->ring->desc[slot];
		uint32_t off = 0;
		uint16_t region = zc_find(m, r.data, r.len, &off);

		q->zc_rec[(uint16_t)(first + i) & q->mask].data = NULL;
		d->flags = 0;
		d->region = region;
		d->offset = off;
		d->length = r.len;
		q->zc_rec[slot] = r;
		q->released++;
	}
}

/* Producer index and how much it published beyond our cursor; false when
 * the master's tail is out of what we lent. */
static inline bool zc_rx_avail(struct memif__queue *q, uint16_t *avail)
{
	/* A2: R2 in tx.c tx_publish (the master has filled the slots) */
	uint16_t n =
		(uint16_t)(memif__load_acquire(&q->ring->tail) - q->cursor);

	if (n > (uint16_t)(q->released - q->cursor))
		return false;
	*avail = n;
	return true;
}

/* As rx.c's rx_begin: how much the master filled, and in level interrupt
 * mode, when nothing, clear the eventfd and look again
 * (tag-ring-wakeup).  False when the master's tail lies. */
static inline bool zc_rx_begin(struct memif__queue *q, uint16_t *avail)
{
	if (memif__unlikely(!zc_rx_avail(q, avail)))
		return false;
	if (memif__rx_level_clear(q, *avail))
		return zc_rx_avail(q, avail);
	return true;
}

/*
 * The packet from position @first, at most @left slots published: each
 * descriptor read once, its buffer (our record, the master's length)
 * written to @out while @room lasts; *@k slots, *@total bytes, *@broken
 * when a length is 0 or over the room lent.  False while incomplete.
 */
static inline bool zc_rx_walk(struct memif__queue *q, uint16_t first,
			      uint16_t left, struct memif_buf *out,
			      uint16_t room, uint16_t *k, uint32_t *total,
			      bool *broken)
{
	bool next;

	*k = 0;
	*total = 0;
	*broken = false;
	do {
		uint16_t slot = (uint16_t)(first + *k) & q->mask;
		const struct memif_buf *r = &q->zc_rec[slot];
		struct memif_desc d;

		if (*k >= left)
			return false;
		d = q->ring->desc[slot]; /* snapshot */
		/* Only the length is the master's to write, and only up to
		 * the room we lent. */
		if (d.length == 0 || d.length > r->len)
			*broken = true;
		next = d.flags & MEMIF_DESC_FLAG_NEXT;
		if (*k < room) {
			out[*k].data = r->data;
			out[*k].len = d.length;
			out[*k].flags = next ? MEMIF_BUF_FLAG_NEXT : 0;
		}
		*total += d.length;
		(*k)++;
	} while (next);
	return true;
}

int memif_rx_burst_zc(struct memif *m, uint8_t qid, struct memif_buf *bufs,
		      uint16_t max, uint16_t *n_rx)
{
	struct memif__queue *q;
	uint16_t avail, used = 0, n = 0, rel0, k, i;
	uint64_t bytes = 0, pkts = 0, bad = 0, too_long = 0;
	uint32_t total;
	bool broken;
	int ret;

	ret = zc_enter(m, qid, true, bufs, max, n_rx, &q);
	if (ret)
		return ret;
	if (memif__unlikely(!zc_rx_begin(q, &avail)))
		return memif__q_fail(q);
	rel0 = q->released;
	while (used < avail && n < max) {
		uint16_t first = (uint16_t)(q->cursor + used);

		if (!zc_rx_walk(q, first, (uint16_t)(avail - used), bufs + n,
				(uint16_t)(max - n), &k, &total, &broken)) {
			/* Incomplete: wait for the rest, unless it fills
			 * the whole ring (it never can complete). */
			if (used == 0 && avail == q->size)
				return memif__q_fail(q);
			break;
		}
		if (!broken && k > max - n && k <= max)
			break; /* it fits a call of its own */
		if (broken || k > max - n) {
			/* Dropped: its buffers go back onto the ring. */
			if (broken)
				bad++;
			else
				too_long++;
			zc_relend(m, q, first, k);
		} else {
			for (i = 0; i < k; i++)
				q->zc_rec[(uint16_t)(first + i) & q->mask].data =
					NULL;
			q->zc_held = (uint16_t)(q->zc_held - k);
			n = (uint16_t)(n + k);
			bytes += total;
			pkts++;
		}
		used = (uint16_t)(used + k);
	}
	q->cursor = (uint16_t)(q->cursor + used);
	if (q->released != rel0) /* R1: A1 in tx.c tx_space */
		memif__store_release(&q->ring->head, q->released);
	memif__stat_add(&q->st.packets, pkts);
	memif__stat_add(&q->st.bytes, bytes);
	memif__stat_add(&q->st.drops_bad_desc, bad);
	memif__stat_add(&q->st.drops_too_long, too_long);
	*n_rx = n;
	memif__q_leave(q);
	return MEMIF_OK;
}
