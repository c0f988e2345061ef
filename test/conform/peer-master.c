/* SPDX-License-Identifier: MIT */
/*
 * memif-conform as the master: accepting (and kicking) the IUT slave, our
 * replies, and the checks the checklist needs on what the slave sends:
 * its INIT, its regions (memfd, size, seals), its rings (headers,
 * descriptors, one eventfd each).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conform.h"

#include "conform.h"

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
		fprintf(stderr,
			"  (restarting the IUT slave to connect again)\n");
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

	memif__msg_build_hello(&m, CF_OUR_NAME, hs->max_region, hs->max_m2s,
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
	if (cf_fd_kind(fd) != CF_FD_MEMFD)
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
	if (cf_fd_kind(fd) != CF_FD_EVENTFD)
		obs_bad(obs, &obs->efd_ok, "ring %s %u fd is not an eventfd",
			s2m ? "S2M" : "M2S", ar->index);
	t = s2m ? &p->s2m[ar->index] : &p->m2s[ar->index];
	t->efd = fd;
	cf_ring_setup(t, NULL, ar->log2_ring_size, ar->region, ar->offset);
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
		memif__msg_build_connected(&m, CF_OUR_NAME);
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
		cf_peer_up(p, hs);
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

int cf_master_to(struct cf_run *r, struct cf_peer *p, enum cf_step step)
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
