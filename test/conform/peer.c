/* SPDX-License-Identifier: MIT */
/*
 * memif-conform's own side of a connection, in either role: handshakes
 * built from proto/ (with the observations the checklist needs on the
 * IUT's messages, memory and fds), our slave region, and a small copy-mode
 * data path over the shared rings that trusts nothing the IUT wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

#define OUR_NAME "memif-conform"

struct cf_peer *cf_peer_new(bool we_master)
{
	struct cf_peer *p = calloc(1, sizeof(*p));
	unsigned i;

	if (!p)
		return NULL;
	p->we_master = we_master;
	p->fd = -1;
	for (i = 0; i < CF_MAX_REGIONS; i++)
		p->reg[i].fd = -1;
	for (i = 0; i < CF_MAX_RINGS; i++) {
		p->s2m[i].efd = -1;
		p->m2s[i].efd = -1;
	}
	return p;
}

void cf_peer_free(struct cf_peer *p)
{
	unsigned i;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	for (i = 0; i < CF_MAX_REGIONS; i++) {
		if (p->reg[i].base)
			munmap(p->reg[i].base, (size_t)p->reg[i].size);
		if (p->reg[i].fd >= 0)
			close(p->reg[i].fd);
	}
	for (i = 0; i < CF_MAX_RINGS; i++) {
		if (p->s2m[i].efd >= 0)
			close(p->s2m[i].efd);
		if (p->m2s[i].efd >= 0)
			close(p->m2s[i].efd);
	}
	free(p);
}

void cf_hs_default(const struct cf_run *r, struct cf_hs *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->n_s2m = 1;
	hs->n_m2s = 1;
	hs->log2 = 4;
	hs->buf_size = 2048;
	hs->id = r->o->id;
	hs->mode = r->o->mode;
	hs->max_region = 255;
	hs->max_s2m = 255;
	hs->max_m2s = 255;
	hs->max_log2 = MEMIF_MAX_LOG2_RING_SIZE;
	hs->rx_polling = true;
}

static void viol(struct cf_peer *p, const char *what)
{
	if (!p->viol++)
		snprintf(p->viol_ex, sizeof(p->viol_ex), "%s", what);
}

/* ---- we slave -------------------------------------------------------------- */

static void ring_setup(struct cf_ring *t, struct memif_ring *ring, uint8_t log2,
		       uint16_t region, uint32_t offset)
{
	t->ring = ring;
	t->log2 = log2;
	t->size = (uint16_t)(1u << log2);
	t->mask = (uint16_t)(t->size - 1);
	t->region = region;
	t->offset = offset;
	t->cursor = 0;
	t->staged = 0;
	t->lent = 0;
	t->released = 0;
	t->hold = false;
}

/* We slave: region 0 and the eventfds for @hs, within the IUT's HELLO. */
static int slave_prepare(struct cf_peer *p, const struct cf_hs *hs)
{
	const struct memif_msg_hello *h = &p->hello.hello;
	unsigned n_s2m = hs->n_s2m, n_m2s = hs->n_m2s, i, j;
	uint8_t log2 = hs->log2;
	struct cf_region *g = &p->reg[0];
	void *base;

	if (n_s2m > (unsigned)h->max_s2m_ring + 1)
		n_s2m = (unsigned)h->max_s2m_ring + 1;
	if (n_m2s > (unsigned)h->max_m2s_ring + 1)
		n_m2s = (unsigned)h->max_m2s_ring + 1;
	if (log2 > h->max_log2_ring_size)
		log2 = h->max_log2_ring_size;
	if (!memif__layout_init(&p->lay, (uint16_t)n_s2m, (uint16_t)n_m2s, log2,
				hs->buf_size))
		return -EINVAL;
	g->fd = memfd_create("memif-conform region 0",
			     MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (g->fd < 0)
		return -errno;
	if (ftruncate(g->fd, (off_t)p->lay.region_size) < 0 ||
	    fcntl(g->fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return -errno;
	base = mmap(NULL, (size_t)p->lay.region_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, g->fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	g->base = base;
	g->size = p->lay.region_size;
	p->n_reg = 1;
	p->n_s2m = n_s2m;
	p->n_m2s = n_m2s;
	p->buf_size = hs->buf_size;
	for (i = 0; i < n_s2m + n_m2s; i++) {
		bool s2m = i < n_s2m;
		unsigned idx = s2m ? i : i - n_s2m;
		unsigned type = s2m ? MEMIF_RING_S2M : MEMIF_RING_M2S;
		uint32_t off =
			(uint32_t)memif__layout_ring_offset(&p->lay, type, idx);
		struct cf_ring *t = s2m ? &p->s2m[idx] : &p->m2s[idx];
		struct memif_ring *ring = (struct memif_ring *)(g->base + off);

		ring_setup(t, ring, log2, 0, off);
		ring->cookie = MEMIF_COOKIE;
		for (j = 0; j < t->size; j++) {
			ring->desc[j].region = 0;
			ring->desc[j].length = hs->buf_size;
			ring->desc[j].offset =
				(uint32_t)memif__layout_buffer_offset(
					&p->lay, type, idx, j);
		}
		t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->efd < 0)
			return -errno;
	}
	return 0;
}

static int send_expect(struct cf_run *r, struct cf_peer *p, struct memif_msg *m,
		       size_t used, bool dirty, int fd, uint16_t want)
{
	struct cf_rx rx;
	int ret;

	if (dirty)
		cf_dirty(m, used);
	ret = cf_send(p->fd, m, fd);
	if (ret < 0) {
		cf_note(r, "send %s: %s", cf_type_name(m->type),
			strerror(-ret));
		p->refused = ret == -EPIPE || ret == -ECONNRESET;
		return -1;
	}
	if (!cf_expect(r, p->fd, want, &rx)) {
		cf_note(r, "(answer to %s)", cf_type_name(m->type));
		p->refused = cf_rx_refused(&rx);
		return -1;
	}
	cf_rx_close_fds(&rx);
	return 0;
}

static int send_init(struct cf_run *r, struct cf_peer *p,
		     const struct cf_hs *hs)
{
	const char *secret = hs->secret ? hs->secret : r->o->secret;
	struct memif_msg m;

	memif__msg_build_init(&m, hs->id, hs->mode, secret ? secret : "",
			      OUR_NAME);
	return send_expect(r, p, &m, sizeof(m.init), hs->dirty, -1,
			   MEMIF_MSG_TYPE_ACK);
}

static int send_region(struct cf_run *r, struct cf_peer *p, unsigned idx)
{
	struct memif_msg m;

	memif__msg_build_add_region(&m, (uint16_t)idx, p->reg[idx].size);
	return send_expect(r, p, &m, sizeof(m.add_region), false,
			   p->reg[idx].fd, MEMIF_MSG_TYPE_ACK);
}

int cf_slave_send_ring(struct cf_run *r, struct cf_peer *p, bool s2m,
		       unsigned idx)
{
	struct cf_ring *t = s2m ? &p->s2m[idx] : &p->m2s[idx];
	struct memif_msg m;

	memif__msg_build_add_ring(&m, s2m, (uint16_t)idx, t->region, t->offset,
				  t->log2);
	return send_expect(r, p, &m, sizeof(m.add_ring), false, t->efd,
			   MEMIF_MSG_TYPE_ACK);
}

void cf_slave_lend(struct cf_peer *p, unsigned q, unsigned n)
{
	struct cf_ring *t = &p->m2s[q];
	uint16_t limit = (uint16_t)(t->cursor + t->size);
	unsigned type = MEMIF_RING_M2S;

	/* Slots the master has not filled yet stay lent; only consumed ones
	 * (below our cursor) come back, with our own buffer. */
	while (n-- && t->lent != limit) {
		struct memif_desc *d = &t->ring->desc[t->lent & t->mask];

		d->flags = 0;
		d->region = 0;
		d->length = p->buf_size;
		d->offset = (uint32_t)memif__layout_buffer_offset(
			&p->lay, type, q, t->lent & t->mask);
		t->lent++;
	}
	cf_store_release(&t->ring->head, t->lent);
}

/* After CONNECT(ED): our RX rings' MASK_INT, M2S lending (we slave). */
static void peer_up(struct cf_peer *p, const struct cf_hs *hs)
{
	unsigned i;
	uint16_t fl = hs->rx_polling ? MEMIF_RING_FLAG_MASK_INT : 0;

	p->connected = true;
	for (i = 0; i < p->n_m2s; i++) {
		struct cf_ring *t = &p->m2s[i];

		t->cursor = 0;
		t->staged = 0;
		if (!p->we_master) {
			/* We receive on M2S: our flags, and every slot lent. */
			cf_write_once(&t->ring->flags, fl);
			t->lent = 0;
			cf_slave_lend(p, i, t->size);
		}
	}
	for (i = 0; i < p->n_s2m; i++) {
		struct cf_ring *t = &p->s2m[i];

		t->cursor = 0;
		t->staged = 0;
		t->released = 0;
		if (p->we_master)
			cf_write_once(&t->ring->flags, fl);
	}
	cf_fence();
}

/* We slave: our part of @step, and the IUT's answer. */
static int slave_step(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	const struct cf_hs *hs = &p->hs;
	struct memif_msg m;
	struct cf_rx rx;
	unsigned i, n;
	int ret = 0;

	switch (step) {
	case CF_STEP_OPEN:
		p->fd = cf_connect(r->o->socket);
		if (p->fd >= 0)
			return 0;
		cf_note(r, "connect to %s: %s", r->o->socket, strerror(-p->fd));
		return -1;
	case CF_STEP_HELLO:
		if (!cf_expect(r, p->fd, MEMIF_MSG_TYPE_HELLO, &rx))
			return -1;
		p->hello = rx.msg;
		ret = slave_prepare(p, hs);
		if (ret < 0)
			cf_note(r,
				"cannot build our region for the IUT's "
				"HELLO: %s",
				strerror(-ret));
		return ret;
	case CF_STEP_INIT:
		return send_init(r, p, hs);
	case CF_STEP_REGION:
		for (i = 0; !ret && i < p->n_reg; i++)
			ret = send_region(r, p, i);
		return ret;
	case CF_STEP_S2M:
	case CF_STEP_RINGS:
		n = step == CF_STEP_S2M ? p->n_s2m : p->n_m2s;
		for (i = 0; !ret && i < n; i++)
			ret = cf_slave_send_ring(r, p, step == CF_STEP_S2M, i);
		return ret;
	case CF_STEP_CONNECTED:
		memif__msg_build_connect(&m,
					 hs->if_name ? hs->if_name : OUR_NAME);
		if (send_expect(r, p, &m, sizeof(m.connect), hs->dirty, -1,
				MEMIF_MSG_TYPE_CONNECTED) < 0)
			return -1;
		peer_up(p, hs);
		return 0;
	default:
		return -1;
	}
}

/* ---- we master ------------------------------------------------------------- */

/* Make the IUT slave connect again: the --kick command, or with --iut and
 * no kick a new start.  False when neither is available or allowed. */
static bool kick(struct cf_run *r)
{
	char *cmd;
	int ret;

	if (r->no_kick)
		return false;
	if (r->o->kick) {
		cmd = cf_iut_subst(r, r->o->kick);
		if (!cmd)
			return false;
		if (r->o->verbose)
			fprintf(stderr, "  (kick: %s)\n", cmd);
		if (system(cmd) != 0)
			cf_note(r, "kick command failed");
		free(cmd);
		return true;
	}
	if (!r->iut)
		return false;
	if (r->o->verbose)
		fprintf(stderr, "  (restarting the IUT slave to connect again)\n");
	cf_iut_stop(r);
	/* The new process has its own baseline, taken when it is settled. */
	r->base_fds = -1;
	ret = cf_iut_start(r);
	if (ret < 0) {
		cf_note(r, "the IUT did not start again: %s", strerror(-ret));
		return false;
	}
	return true;
}

int cf_master_accept(struct cf_run *r, struct cf_peer *p)
{
	bool can_kick = !r->no_kick && (r->o->kick || r->iut);
	int first = r->o->timeout_ms, fd;

	if (r->pending >= 0) {
		p->fd = r->pending;
		r->pending = -1;
		return 0;
	}
	if (r->iut && r->iut->fresh)
		first = CF_START_WAIT_MS; /* it is still starting */
	else if (can_kick && r->iut && r->iut->once && !r->o->kick)
		first = 0; /* it will not come back by itself */
	else if (can_kick && first > 1500)
		first = 1500;
	fd = cf_accept(r->lfd, first);
	if (r->iut)
		r->iut->fresh = false;
	if (fd < 0 && can_kick && kick(r)) {
		if (r->iut && !r->o->kick) {
			fd = cf_accept(r->lfd, CF_START_WAIT_MS);
			r->iut->fresh = false;
			/* Connected after a start only: restart it right
			 * away from now on. */
			r->iut->once = fd >= 0;
		} else {
			fd = cf_accept(r->lfd, r->o->timeout_ms);
		}
	}
	if (fd < 0) {
		cf_note(r, "the IUT slave did not connect within %d ms",
			r->o->timeout_ms);
		return -1;
	}
	p->fd = fd;
	return 0;
}

static int master_hello(struct cf_run *r, struct cf_peer *p,
			const struct cf_hs *hs)
{
	struct memif_msg m;
	int ret;

	memif__msg_build_hello(&m, OUR_NAME, hs->max_region, hs->max_m2s,
			       hs->max_s2m, hs->max_log2);
	if (hs->dirty)
		cf_dirty(&m, sizeof(m.hello));
	ret = cf_send(p->fd, &m, -1);
	if (ret < 0) {
		cf_note(r, "send HELLO: %s", strerror(-ret));
		return -1;
	}
	p->phase = 0;
	return 0;
}

static void obs_bad(struct cf_obs *obs, bool *flag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void obs_bad(struct cf_obs *obs, bool *flag, const char *fmt, ...)
{
	va_list ap;

	if (!obs)
		return;
	*flag = false;
	if (obs->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(obs->why, sizeof(obs->why), fmt, ap);
	va_end(ap);
}

static bool fd_is(int fd, const char *prefix)
{
	char path[64], target[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return strncmp(target, prefix, strlen(prefix)) == 0;
}

static bool ring_fits(const struct cf_peer *p, const struct cf_ring *t);

static void check_init(struct cf_run *r, const struct memif_msg_init *in,
		       struct cf_obs *obs)
{
	const char *want = r->o->secret ? r->o->secret : "";
	size_t n;

	if (!obs)
		return;
	obs->init_id = in->id;
	obs->init_mode = in->mode;
	n = strnlen((const char *)in->secret, MEMIF_SECRET_LEN);
	obs->secret_terminated = n < MEMIF_SECRET_LEN;
	memcpy(obs->init_secret, in->secret, n);
	obs->init_secret[n] = 0;
	if (in->version != MEMIF_VERSION)
		obs_bad(obs, &obs->init_ok, "INIT version 0x%04x", in->version);
	if (in->id != r->o->id)
		obs_bad(obs, &obs->init_ok, "INIT id %u, configured %u", in->id,
			r->o->id);
	if (in->mode != r->o->mode)
		obs_bad(obs, &obs->init_ok, "INIT mode %u, configured %u",
			in->mode, r->o->mode);
	if (!obs->secret_terminated)
		obs_bad(obs, &obs->init_ok, "INIT secret not NUL-terminated");
	if (strcmp(obs->init_secret, want) != 0)
		obs_bad(obs, &obs->init_ok,
			"INIT secret \"%s\", expected \"%s\"", obs->init_secret,
			want);
}

static int on_region(struct cf_run *r, struct cf_peer *p,
		     const struct memif_msg_add_region *ar, int fd,
		     struct cf_obs *obs)
{
	struct stat st = { 0 };
	int seals;

	if (ar->index != p->n_reg || p->phase > 1)
		obs_bad(obs, &obs->order_ok,
			"ADD_REGION index %u after %u regions (phase %d)",
			ar->index, p->n_reg, p->phase);
	if (ar->index >= CF_MAX_REGIONS || ar->index != p->n_reg) {
		cf_note(r, "ADD_REGION index %u: harness keeps %u in order",
			ar->index, CF_MAX_REGIONS);
		close(fd);
		return -1;
	}
	p->phase = 1;
	if (fd < 0) {
		obs_bad(obs, &obs->regions_ok, "ADD_REGION %u without fd",
			ar->index);
		return -1;
	}
	if (!fd_is(fd, "/memfd:"))
		obs_bad(obs, &obs->regions_ok, "region %u fd is not a memfd",
			ar->index);
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < ar->size ||
	    ar->size == 0)
		obs_bad(obs, &obs->regions_ok,
			"region %u: size %llu, file %lld bytes", ar->index,
			(unsigned long long)ar->size, (long long)st.st_size);
	else if (obs && ar->index < CF_MAX_REGIONS)
		obs->region_ino[ar->index] = (uint64_t)st.st_ino;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		obs_bad(obs, &obs->seal_ok, "region %u not sealed (seals %d)",
			ar->index, seals);
	p->reg[ar->index].fd = fd;
	p->reg[ar->index].size = ar->size;
	p->n_reg++;
	/* Mapped now, so each ring header can be checked at its ADD_RING. */
	if (ar->size && ar->size <= (uint64_t)st.st_size) {
		void *b = mmap(NULL, (size_t)ar->size, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);

		if (b != MAP_FAILED)
			p->reg[ar->index].base = b;
	}
	if (obs)
		obs->n_regions = p->n_reg;
	return 0;
}

static int on_ring(struct cf_run *r, struct cf_peer *p,
		   const struct memif_msg_add_ring *ar, const struct cf_hs *hs,
		   int fd, struct cf_obs *obs)
{
	bool s2m = ar->flags & MEMIF_MSG_ADD_RING_FLAG_S2M;
	unsigned *n = s2m ? &p->n_s2m : &p->n_m2s;
	struct cf_ring *t;

	if (p->phase < 1 || (s2m && p->phase > 2) || ar->index != *n)
		obs_bad(obs, &obs->order_ok,
			"ADD_RING %s %u after %u %s rings (phase %d)",
			s2m ? "S2M" : "M2S", ar->index, *n, s2m ? "S2M" : "M2S",
			p->phase);
	if (ar->flags & ~MEMIF_MSG_ADD_RING_FLAG_S2M)
		obs_bad(obs, &obs->rings_ok, "ADD_RING flags 0x%x", ar->flags);
	if (ar->private_hdr_size)
		obs_bad(obs, &obs->rings_ok, "ADD_RING private_hdr_size %u",
			ar->private_hdr_size);
	if (ar->log2_ring_size > hs->max_log2 || ar->log2_ring_size < 1)
		obs_bad(obs, &obs->rings_ok, "ring log2 %u, HELLO max %u",
			ar->log2_ring_size, hs->max_log2);
	if (ar->index >= CF_MAX_RINGS || ar->index != *n ||
	    ar->log2_ring_size > 15 || ar->log2_ring_size < 1) {
		cf_note(r, "ADD_RING unusable (index %u, log2 %u)", ar->index,
			ar->log2_ring_size);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p->phase = s2m ? 2 : 3;
	if (fd < 0) {
		obs_bad(obs, &obs->efd_ok, "ADD_RING without fd");
		return -1;
	}
	if (!fd_is(fd, "anon_inode:[eventfd]"))
		obs_bad(obs, &obs->efd_ok, "ring %s %u fd is not an eventfd",
			s2m ? "S2M" : "M2S", ar->index);
	t = s2m ? &p->s2m[ar->index] : &p->m2s[ar->index];
	t->efd = fd;
	ring_setup(t, NULL, ar->log2_ring_size, ar->region, ar->offset);
	(*n)++;
	/* §4.9: cookie, flags, head and tail are written before ADD_RING. */
	if (obs && ring_fits(p, t) && p->reg[t->region].base) {
		const struct memif_ring *g =
			(const struct memif_ring *)(p->reg[t->region].base +
						    t->offset);

		if (g->cookie != MEMIF_COOKIE || g->flags || g->head || g->tail)
			obs_bad(obs, &obs->desc_ok,
				"%s ring %u header at ADD_RING: cookie 0x%08x "
				"flags %u head %u tail %u",
				s2m ? "S2M" : "M2S", ar->index, g->cookie,
				g->flags, g->head, g->tail);
	}
	return 0;
}

/* Receive and check the IUT's next handshake message, reply nothing.
 * Returns its type, or -1 (noted) on anything else. */
static int master_next(struct cf_run *r, struct cf_peer *p,
		       const struct cf_hs *hs, struct cf_obs *obs)
{
	struct cf_rx rx;
	int fd;

	cf_recv(r, p->fd, r->o->timeout_ms, &rx);
	if (rx.kind != CF_RX_MSG) {
		cf_note(r, "handshake: expected a message, got");
		cf_note_rx(r, &rx);
		return -1;
	}
	if (rx.n_fds > 1 || (rx.n_fds && !memif__msg_takes_fd(rx.msg.type)))
		obs_bad(obs, &obs->order_ok, "%s with %u fds",
			cf_type_name(rx.msg.type), rx.n_fds);
	fd = rx.n_fds ? rx.fds[0] : -1;
	while (rx.n_fds > 1)
		close(rx.fds[--rx.n_fds]);
	if (!p->first_type)
		p->first_type = rx.msg.type;
	switch (rx.msg.type) {
	case MEMIF_MSG_TYPE_INIT:
		p->n_init++;
		if (p->phase != 0)
			obs_bad(obs, &obs->order_ok, "second INIT");
		check_init(r, &rx.msg.init, obs);
		if (fd >= 0)
			close(fd);
		p->phase = 1;
		return MEMIF_MSG_TYPE_INIT;
	case MEMIF_MSG_TYPE_ADD_REGION:
		if (on_region(r, p, &rx.msg.add_region, fd, obs) < 0)
			return -1;
		return MEMIF_MSG_TYPE_ADD_REGION;
	case MEMIF_MSG_TYPE_ADD_RING:
		if (on_ring(r, p, &rx.msg.add_ring, hs, fd, obs) < 0)
			return -1;
		return MEMIF_MSG_TYPE_ADD_RING;
	case MEMIF_MSG_TYPE_CONNECT:
		if (fd >= 0)
			close(fd);
		if (!p->n_s2m || !p->n_m2s || !p->n_reg)
			obs_bad(obs, &obs->order_ok,
				"CONNECT with %u regions, %u S2M, %u M2S rings",
				p->n_reg, p->n_s2m, p->n_m2s);
		p->phase = 4;
		return MEMIF_MSG_TYPE_CONNECT;
	default:
		if (fd >= 0)
			close(fd);
		cf_note(r, "handshake: unexpected");
		cf_note_rx(r, &rx);
		return -1;
	}
}

static bool ring_fits(const struct cf_peer *p, const struct cf_ring *t)
{
	return t->region < p->n_reg && !(t->offset & 15u) &&
	       (uint64_t)t->offset + memif__ring_bytes(t->log2) <=
		       p->reg[t->region].size;
}

struct span {
	uint16_t region;
	uint64_t start, end;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* C45: ring headers as the slave must leave them before CONNECT, and every
 * descriptor on its own buffer inside its region (no 16-bit wrap). */
static void check_rings(struct cf_peer *p, struct cf_obs *obs)
{
	uint64_t total = 0, k = 0, i;
	struct span *sp = NULL;
	unsigned dir, q;
	uint32_t len0 = 0;

	for (dir = 0; dir < 2; dir++)
		for (q = 0; q < (dir ? p->n_m2s : p->n_s2m); q++)
			total += (dir ? p->m2s : p->s2m)[q].size;
	if (total <= (1u << 22))
		sp = calloc(total, sizeof(*sp));
	for (dir = 0; dir < 2; dir++) {
		unsigned n = dir ? p->n_m2s : p->n_s2m;

		for (q = 0; q < n; q++) {
			struct cf_ring *t = dir ? &p->m2s[q] : &p->s2m[q];
			struct memif_ring *g = t->ring;
			uint32_t j;

			if (g->cookie != MEMIF_COOKIE)
				obs_bad(obs, &obs->desc_ok,
					"%s ring %u cookie 0x%08x at CONNECT",
					dir ? "M2S" : "S2M", q, g->cookie);
			for (j = 0; j < t->size; j++) {
				struct memif_desc d = g->desc[j];

				if (!len0)
					len0 = d.length;
				if (d.region >= p->n_reg || d.length == 0 ||
				    d.length != len0 ||
				    (uint64_t)d.offset + d.length >
					    p->reg[d.region].size) {
					obs_bad(obs, &obs->desc_ok,
						"%s ring %u desc %u: region %u "
						"offset %u length %u",
						dir ? "M2S" : "S2M", q, j,
						d.region, d.offset, d.length);
					continue;
				}
				if (sp) {
					sp[k].region = d.region;
					sp[k].start = d.offset;
					sp[k].end =
						(uint64_t)d.offset + d.length;
					k++;
				}
			}
		}
	}
	if (sp) {
		qsort(sp, k, sizeof(*sp), span_cmp);
		for (i = 1; i < k; i++)
			if (sp[i].region == sp[i - 1].region &&
			    sp[i].start < sp[i - 1].end) {
				obs_bad(obs, &obs->desc_ok,
					"two descriptors share buffer bytes "
					"(region %u offset %llu): 16-bit wrap?",
					sp[i].region,
					(unsigned long long)sp[i].start);
				break;
			}
		free(sp);
	}
	p->buf_size = len0;
}

/* C46: every ring has an eventfd of its own.  Counters start at 0: write
 * i + 1 to ring i's fd, then each must read back exactly its own value. */
static void check_efds(struct cf_peer *p, struct cf_obs *obs)
{
	unsigned dir, q, i = 0;

	for (dir = 0; dir < 2; dir++)
		for (q = 0; q < (dir ? p->n_m2s : p->n_s2m); q++) {
			uint64_t v = ++i;

			if (write((dir ? p->m2s : p->s2m)[q].efd, &v,
				  sizeof(v)) != sizeof(v))
				obs_bad(obs, &obs->efd_ok,
					"ring eventfd not writable");
		}
	for (i = 0, dir = 0; dir < 2; dir++)
		for (q = 0; q < (dir ? p->n_m2s : p->n_s2m); q++) {
			struct pollfd pf = {
				.fd = (dir ? p->m2s : p->s2m)[q].efd,
				.events = POLLIN
			};
			uint64_t v = 0;

			i++;
			if (poll(&pf, 1, 0) != 1 ||
			    read(pf.fd, &v, sizeof(v)) != sizeof(v) || v != i)
				obs_bad(obs, &obs->efd_ok,
					"%s ring %u eventfd reads %llu, wrote "
					"%u: shared or pre-signalled",
					dir ? "M2S" : "S2M", q,
					(unsigned long long)v, i);
		}
}

static int master_map(struct cf_run *r, struct cf_peer *p, struct cf_obs *obs)
{
	unsigned i, dir;

	for (i = 0; i < p->n_reg; i++) {
		void *b;

		struct stat st;

		if (p->reg[i].base)
			continue;
		/* Past the end of the file a mapping faults (SIGBUS). */
		if (fstat(p->reg[i].fd, &st) < 0 ||
		    (uint64_t)st.st_size < p->reg[i].size) {
			cf_note(r, "region %u is larger than its file", i);
			return -1;
		}
		b = mmap(NULL, (size_t)p->reg[i].size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, p->reg[i].fd, 0);

		if (b == MAP_FAILED) {
			cf_note(r, "mmap region %u (%llu bytes): %s", i,
				(unsigned long long)p->reg[i].size,
				strerror(errno));
			return -1;
		}
		p->reg[i].base = b;
	}
	for (dir = 0; dir < 2; dir++)
		for (i = 0; i < (dir ? p->n_m2s : p->n_s2m); i++) {
			struct cf_ring *t = dir ? &p->m2s[i] : &p->s2m[i];

			if (!ring_fits(p, t)) {
				cf_note(r,
					"%s ring %u at region %u offset %u "
					"does not fit",
					dir ? "M2S" : "S2M", i, t->region,
					t->offset);
				return -1;
			}
			t->ring = (struct memif_ring *)(p->reg[t->region].base +
							t->offset);
		}
	if (obs) {
		check_rings(p, obs);
		check_efds(p, obs);
	} else {
		p->buf_size = p->s2m[0].ring->desc[0].length;
	}
	return 0;
}

/* ACK, or for CONNECT: map, verify and send CONNECTED. */
static int master_reply(struct cf_run *r, struct cf_peer *p,
			const struct cf_hs *hs, int type, struct cf_obs *obs)
{
	struct memif_msg m;
	int ret;

	if (hs->ack_delay_ms && !cf_silent(r, p->fd, (int)hs->ack_delay_ms))
		obs_bad(obs, &obs->lockstep_ok,
			"the IUT sent its next message before our reply to %s",
			cf_type_name((uint16_t)type));
	if (type == MEMIF_MSG_TYPE_CONNECT) {
		if (master_map(r, p, obs) < 0)
			return -1;
		memif__msg_build_connected(&m, OUR_NAME);
		if (hs->dirty)
			cf_dirty(&m, sizeof(m.connected));
	} else {
		memif__msg_build_ack(&m);
		if (hs->dirty)
			cf_dirty(&m, 0);
	}
	ret = cf_send(p->fd, &m, -1);
	if (ret < 0) {
		cf_note(r, "send %s: %s", cf_type_name(m.type), strerror(-ret));
		return -1;
	}
	if (type == MEMIF_MSG_TYPE_CONNECT)
		peer_up(p, hs);
	return 0;
}

/* We master: the IUT's message that @step stops at. */
static int master_want(enum cf_step step)
{
	switch (step) {
	case CF_STEP_INIT:
		return MEMIF_MSG_TYPE_INIT;
	case CF_STEP_REGION:
		return MEMIF_MSG_TYPE_ADD_REGION;
	case CF_STEP_S2M:
		return MEMIF_MSG_TYPE_ADD_RING;
	case CF_STEP_RINGS:
		return MEMIF_MSG_TYPE_CONNECT;
	default:
		return -1; /* none: on to CONNECTED */
	}
}

/* We master, past HELLO: answer what is pending and read the IUT's next
 * message, until the one @step stops at (left unanswered), or until our
 * answer to CONNECT brings the link up. */
static int master_on(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	struct cf_obs *obs = p->hs.observe ? &p->obs : NULL;
	int type;

	for (;;) {
		type = p->unanswered;
		if (type) {
			p->unanswered = 0;
			if (master_reply(r, p, &p->hs, type, obs) < 0)
				return -1;
			if (type == MEMIF_MSG_TYPE_CONNECT) {
				p->at = CF_STEP_CONNECTED;
				return 0;
			}
		}
		type = master_next(r, p, &p->hs, obs);
		if (type < 0)
			return -1;
		p->unanswered = type;
		if (type == master_want(step)) {
			p->at = step;
			return 0;
		}
	}
}

static int master_to(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	if (p->at < CF_STEP_OPEN) {
		if (p->hs.observe) {
			memset(&p->obs, 0, sizeof(p->obs));
			p->obs.order_ok = p->obs.lockstep_ok = true;
			p->obs.init_ok = p->obs.regions_ok = true;
			p->obs.seal_ok = p->obs.rings_ok = true;
			p->obs.efd_ok = p->obs.desc_ok = true;
		}
		if (cf_master_accept(r, p) < 0)
			return -1;
		p->at = CF_STEP_OPEN;
	}
	if (p->at < CF_STEP_HELLO && step >= CF_STEP_HELLO) {
		if (master_hello(r, p, &p->hs) < 0)
			return -1;
		p->at = CF_STEP_HELLO;
	}
	/* One walk to @step, whatever order the IUT sends in. */
	if (p->at < step)
		return master_on(r, p, step);
	return 0;
}

/* ---- a good handshake up to a step, both roles ------------------------------- */

/* In the order of enum cf_step. */
static const char *const step_names[] = {
	"none",	      "the connection", "HELLO",     "INIT",
	"ADD_REGION", "the S2M rings",	"the rings", "CONNECTED",
};

const char *cf_step_name(enum cf_step step)
{
	return step_names[step];
}

int cf_peer_to(struct cf_run *r, struct cf_peer *p, enum cf_step step)
{
	p->refused = false;
	if (p->we_master)
		return master_to(r, p, step);
	while (p->at < step) {
		if (slave_step(r, p, p->at + 1) < 0)
			return -1;
		p->at++;
	}
	return 0;
}

struct cf_peer *cf_peer_at(struct cf_run *r, const struct cf_hs *hs,
			   enum cf_step step)
{
	struct cf_peer *p = cf_peer_new(r->o->we_master);

	if (!p)
		return NULL;
	if (hs)
		p->hs = *hs;
	else
		cf_hs_default(r, &p->hs);
	if (cf_peer_to(r, p, step) == 0)
		return p;
	cf_note(r, "(good handshake up to %s failed)", step_names[step]);
	cf_peer_free(p);
	return NULL;
}

/* ---- data path ------------------------------------------------------------- */

struct cf_ring *cf_tx_ring(struct cf_peer *p, unsigned q)
{
	return p->we_master ? &p->m2s[q] : &p->s2m[q];
}

struct cf_ring *cf_rx_ring(struct cf_peer *p, unsigned q)
{
	return p->we_master ? &p->s2m[q] : &p->m2s[q];
}

/* Free TX slots beyond what is staged; false when the IUT's index is out
 * of range. */
static bool tx_space(struct cf_peer *p, struct cf_ring *t, uint16_t *space)
{
	uint16_t n;

	if (p->we_master) {
		/* M2S: the slave lent [tail, head). */
		n = (uint16_t)(cf_load_acquire(&t->ring->head) - t->cursor);
		if (n > t->size) {
			viol(p, "M2S head - tail exceeds the ring size");
			return false;
		}
	} else {
		uint16_t used =
			(uint16_t)(t->cursor - cf_load_acquire(&t->ring->tail));

		if (used > t->size) {
			viol(p, "S2M tail moved beyond head");
			return false;
		}
		n = (uint16_t)(t->size - used);
	}
	*space = n > t->staged ? (uint16_t)(n - t->staged) : 0;
	return true;
}

/* Where the data of TX slot @slot goes; NULL when the IUT lent a buffer
 * outside its region. */
static uint8_t *tx_slot(struct cf_peer *p, struct cf_ring *t, unsigned q,
			uint16_t slot, uint32_t *cap)
{
	struct memif_desc d;

	if (!p->we_master) {
		*cap = p->buf_size;
		return p->reg[0].base +
		       memif__layout_buffer_offset(&p->lay, MEMIF_RING_S2M, q,
						   slot);
	}
	d = t->ring->desc[slot];
	if (d.region >= p->n_reg || d.length == 0 ||
	    (uint64_t)d.offset + d.length > p->reg[d.region].size)
		return NULL;
	*cap = d.length;
	return p->reg[d.region].base + d.offset;
}

int cf_tx_stage(struct cf_peer *p, unsigned q, const uint8_t *data,
		uint32_t len, uint16_t extra_flags)
{
	struct cf_ring *t = cf_tx_ring(p, q);
	uint32_t left, cap = 0;
	uint16_t space, k, i;

	if (!tx_space(p, t, &space))
		return -ERANGE;
	for (left = len, k = 0; left; k++) {
		if (k >= space)
			return -EAGAIN;
		if (!tx_slot(p, t, q,
			     (uint16_t)(t->cursor + t->staged + k) & t->mask,
			     &cap))
			return -EINVAL;
		left -= left < cap ? left : cap;
	}
	for (left = len, i = 0; i < k; i++) {
		uint16_t slot = (uint16_t)(t->cursor + t->staged + i) & t->mask;
		struct memif_desc *d = &t->ring->desc[slot];
		uint8_t *dst = tx_slot(p, t, q, slot, &cap);
		uint32_t part;

		if (!dst)
			return -EINVAL;
		part = left < cap ? left : cap;
		memcpy(dst, data, part);
		data += part;
		left -= part;
		if (!p->we_master) {
			d->region = 0;
			d->offset = (uint32_t)(dst - p->reg[0].base);
		}
		d->length = part;
		d->flags = (uint16_t)((left ? MEMIF_DESC_FLAG_NEXT : 0) |
				      extra_flags);
	}
	t->staged = (uint16_t)(t->staged + k);
	return 0;
}

void cf_tx_publish(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_tx_ring(p, q);

	if (!t->staged)
		return;
	t->cursor = (uint16_t)(t->cursor + t->staged);
	t->staged = 0;
	if (p->we_master)
		cf_store_release(&t->ring->tail, t->cursor);
	else
		cf_store_release(&t->ring->head, t->cursor);
}

void cf_tx_kick(struct cf_peer *p, unsigned q, bool force)
{
	struct cf_ring *t = cf_tx_ring(p, q);
	uint64_t one = 1;

	/* The index store must be ordered before the flags load. */
	cf_fence();
	if (force ||
	    !(cf_read_once(&t->ring->flags) & MEMIF_RING_FLAG_MASK_INT))
		if (write(t->efd, &one, sizeof(one)) < 0)
			(void)0; /* EAGAIN: already signalled */
}

void cf_rx_release(struct cf_peer *p, unsigned q)
{
	struct cf_ring *t = cf_rx_ring(p, q);

	if (p->we_master) {
		t->released = t->cursor;
		cf_store_release(&t->ring->tail, t->released);
	} else {
		cf_slave_lend(p, q, t->size);
	}
}

int cf_rx_one(struct cf_peer *p, unsigned q, uint8_t *buf, uint32_t cap,
	      uint32_t *len)
{
	struct cf_ring *t = cf_rx_ring(p, q);
	uint16_t prod, avail, limit, k = 0;
	uint32_t total = 0;
	bool next, bad = false;

	if (p->we_master) {
		prod = cf_load_acquire(&t->ring->head);
		limit = (uint16_t)(t->size -
				   (uint16_t)(t->cursor - t->released));
	} else {
		prod = cf_load_acquire(&t->ring->tail);
		limit = (uint16_t)(t->lent - t->cursor);
	}
	avail = (uint16_t)(prod - t->cursor);
	if (avail > limit) {
		viol(p, p->we_master ? "S2M head - tail exceeds the ring size" :
				       "M2S tail moved beyond head");
		return -ERANGE;
	}
	if (!avail)
		return 0;
	do {
		uint16_t slot = (uint16_t)(t->cursor + k) & t->mask;
		struct memif_desc d = t->ring->desc[slot];

		next = d.flags & MEMIF_DESC_FLAG_NEXT;
		k++;
		if (!p->we_master &&
		    (d.region != 0 ||
		     d.offset != (uint32_t)memif__layout_buffer_offset(
					 &p->lay, MEMIF_RING_M2S, q, slot)))
			viol(p, "the IUT master changed region/offset of an "
				"M2S descriptor");
		if (d.region >= p->n_reg || d.length == 0 ||
		    (uint64_t)d.offset + d.length > p->reg[d.region].size ||
		    (!p->we_master && d.length > p->buf_size) ||
		    total + d.length > cap) {
			bad = true;
			continue;
		}
		if (!bad)
			memcpy(buf + total, p->reg[d.region].base + d.offset,
			       d.length);
		total += d.length;
	} while (next && k < avail);
	if (next) {
		if (avail == t->size) {
			viol(p, "a chain fills the whole ring");
			return -ERANGE;
		}
		return 0; /* incomplete chain: wait for the rest */
	}
	t->cursor = (uint16_t)(t->cursor + k);
	if (!t->hold)
		cf_rx_release(p, q);
	if (bad) {
		p->rx_bad++;
		return -EINVAL;
	}
	*len = total;
	return 1;
}

/* ---- packets and echo -------------------------------------------------------- */

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void cf_pkt_fill(uint8_t *buf, uint32_t len, uint32_t seq)
{
	uint32_t i, h = mix(seq);

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(h + i * 131u + (i >> 8));
	if (len >= 12) {
		memcpy(buf, "MCF1", 4);
		memcpy(buf + 4, &seq, 4);
		memcpy(buf + 8, &len, 4);
	}
}

bool cf_pkt_check(const uint8_t *buf, uint32_t len, uint32_t *seq)
{
	uint32_t s, l, i, h;

	if (len < 12 || memcmp(buf, "MCF1", 4) != 0)
		return false;
	memcpy(&s, buf + 4, 4);
	memcpy(&l, buf + 8, 4);
	*seq = s;
	if (l != len)
		return false;
	h = mix(s);
	for (i = 12; i < len; i++)
		if (buf[i] != (uint8_t)(h + i * 131u + (i >> 8)))
			return false;
	return true;
}

static bool is_probe(const uint8_t *buf, uint32_t len)
{
	return len >= 4 && memcmp(buf, "MCFP", 4) == 0;
}

int cf_warmup(struct cf_run *r, struct cf_peer *p)
{
	uint64_t end = cf_now_ms() + (uint64_t)r->o->timeout_ms, t;
	uint8_t pkt[64], rbuf[2048];
	unsigned sent = 0;

	if (p->warm)
		return 0;
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, "MCFP", 4);
	while (!p->warm && cf_now_ms() < end) {
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) == 0) {
			cf_tx_publish(p, 0);
			cf_tx_kick(p, 0, false);
			sent++;
		}
		for (t = cf_now_ms() + 200; cf_now_ms() < t;) {
			uint32_t len = 0;
			int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

			if (e < 0) {
				cf_note(r, "RX: %s", p->viol_ex);
				return -1;
			}
			if (e == 1) {
				p->warm = true;
				break;
			}
			cf_sleep_ms(1);
		}
	}
	if (!p->warm) {
		cf_note(r, "none of %u probe packets came back", sent);
		return -1;
	}
	if (sent > 1)
		cf_note(r, "the first echo came back for probe %u", sent);
	return 0;
}

static uint32_t pkt_len(const struct cf_traffic *t, uint32_t slot, uint32_t seq)
{
	uint32_t x = mix(seq ^ 0x9e3779b9u), lo = t->min_len, hi = t->max_len;

	if (hi > slot && (x % 100) < t->chain_pct)
		lo = slot + 1;
	else if (hi > slot)
		hi = slot;
	if (lo > hi)
		lo = hi;
	return lo + (mix(x) % (hi - lo + 1));
}

int cf_echo(struct cf_run *r, struct cf_peer *p, const struct cf_traffic *t)
{
	unsigned nq = p->we_master ? p->n_m2s : p->n_s2m, q;
	unsigned sent[CF_MAX_RINGS] = { 0 }, got[CF_MAX_RINGS] = { 0 };
	uint32_t next_seq[CF_MAX_RINGS], exp_seq[CF_MAX_RINGS][64];
	unsigned exp_head[CF_MAX_RINGS] = { 0 };
	unsigned total_sent = 0, total_got = 0, per_q, window;
	uint32_t slot = 0, max_len = t->max_len;
	uint64_t t0 = cf_now_ms(), last = t0;
	uint8_t *buf, *rbuf;
	int ret = -1;

	if (p->we_master) {
		if ((unsigned)(p->n_s2m) < nq)
			nq = p->n_s2m;
	} else if (p->n_m2s < nq) {
		nq = p->n_m2s;
	}
	if (t->queues && t->queues < nq)
		nq = t->queues;
	if (!nq) {
		cf_note(r, "no queue pair");
		return -1;
	}
	/* The smallest slot and ring on either path bound chains and the
	 * number of packets in flight. */
	slot = p->buf_size ? p->buf_size : 2048;
	{
		unsigned rs = cf_tx_ring(p, 0)->size, per_pkt;

		if (cf_rx_ring(p, 0)->size < rs)
			rs = cf_rx_ring(p, 0)->size;
		if (max_len > slot * (rs / 2 ? rs / 2 : 1))
			max_len = slot * (rs / 2 ? rs / 2 : 1);
		if (max_len < t->min_len)
			max_len = t->min_len;
		per_pkt = (max_len + slot - 1) / slot;
		window = t->window ? t->window : rs / (2 * per_pkt);
		if (window > 64)
			window = 64;
		if (!window)
			window = 1;
	}
	if (cf_warmup(r, p) < 0)
		return -1;
	per_q = (t->packets + nq - 1) / nq;
	buf = malloc(max_len);
	rbuf = malloc(max_len + 65536);
	if (!buf || !rbuf)
		goto out;
	for (q = 0; q < nq; q++)
		next_seq[q] = p->seq + q * per_q;
	for (;;) {
		bool progress = false;

		for (q = 0; q < nq; q++) {
			unsigned n = 0;

			while (sent[q] < per_q && sent[q] - got[q] < window) {
				struct cf_traffic tt = *t;
				uint32_t s = next_seq[q], len;
				int e;

				tt.max_len = max_len;
				len = pkt_len(&tt, slot, s);
				cf_pkt_fill(buf, len, s);
				e = cf_tx_stage(p, q, buf, len, t->extra_flags);
				if (e == -EAGAIN)
					break;
				if (e < 0) {
					cf_note(r, "queue %u TX: %s", q,
						e == -EINVAL ?
							"the IUT lent a buffer "
							"outside its region" :
							p->viol_ex);
					goto out;
				}
				exp_seq[q][(sent[q]) % 64] = s;
				next_seq[q]++;
				sent[q]++;
				total_sent++;
				n++;
			}
			if (n) {
				cf_tx_publish(p, q);
				cf_tx_kick(p, q, t->kick);
			}
		}
		for (q = 0; q < nq; q++) {
			for (;;) {
				uint32_t len = 0, s;
				int e = cf_rx_one(p, q, rbuf, max_len + 65536,
						  &len);

				if (e == 0)
					break;
				if (e < 0) {
					cf_note(r, "queue %u RX: %s", q,
						e == -EINVAL ?
							"bad descriptor from "
							"the IUT" :
							p->viol_ex);
					goto out;
				}
				if (is_probe(rbuf, len))
					continue; /* a late warm-up echo */
				if (!cf_pkt_check(rbuf, len, &s)) {
					cf_note(r,
						"queue %u: echo %u (%u "
						"bytes) corrupted or foreign",
						q, got[q], len);
					goto out;
				}
				if (got[q] >= sent[q] ||
				    s != exp_seq[q][exp_head[q] % 64]) {
					cf_note(r,
						"queue %u: got packet %u, "
						"expected %u (loss or "
						"reordering)",
						q, s,
						exp_seq[q][exp_head[q] % 64]);
					goto out;
				}
				exp_head[q]++;
				got[q]++;
				total_got++;
				progress = true;
			}
		}
		if (p->viol) {
			cf_note(r, "%s", p->viol_ex);
			goto out;
		}
		if (total_got >= per_q * nq)
			break;
		if (progress) {
			last = cf_now_ms();
		} else {
			if (cf_now_ms() - last > (uint64_t)r->o->timeout_ms) {
				cf_note(r,
					"no echo for %d ms: sent %u, got "
					"back %u (S2M head %u tail %u, M2S "
					"head %u tail %u)",
					r->o->timeout_ms, total_sent, total_got,
					cf_read_once(&p->s2m[0].ring->head),
					cf_read_once(&p->s2m[0].ring->tail),
					cf_read_once(&p->m2s[0].ring->head),
					cf_read_once(&p->m2s[0].ring->tail));
				goto out;
			}
			sched_yield();
		}
	}
	cf_note(r, "%u packets echoed intact over %u queue(s) in %llu ms",
		total_got, nq, (unsigned long long)(cf_now_ms() - t0));
	ret = 0;
out:
	for (q = 0; q < nq; q++)
		if (next_seq[q] > p->seq)
			p->seq = next_seq[q];
	p->seq += per_q * nq;
	free(buf);
	free(rbuf);
	return ret;
}

int cf_echo_one(struct cf_run *r, struct cf_peer *p, uint32_t len)
{
	struct cf_traffic t = {
		.packets = 1, .min_len = len, .max_len = len, .queues = 1
	};

	return cf_echo(r, p, &t);
}
