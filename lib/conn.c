/* SPDX-License-Identifier: MIT */
/*
 * The control-channel state machine, both roles (proto/PROTOCOL.md, "Handshake"): one
 * struct memif__conn per socket connection, fed by io_uring recvmsg
 * completions.  proto/ decides whether a message is acceptable; this file
 * applies it to the interface and owns every fd that came with it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

#define UNBOUND_HANDSHAKE_MS 5000u

static void conn_drain(struct memif__ctx *c, int fd);

static void conn_free(struct memif__ctx *c, struct memif__conn *cn)
{
	*cn->pprev = cn->next;
	if (cn->next)
		cn->next->pprev = cn->pprev;
	memif__obj_del(c, cn->slot);
	conn_drain(c, cn->fd);
	memif__close_peer_fd(c, cn->fd);
	free(cn->txq);
	free(cn->txq_fd);
	free(cn);
}

struct memif__conn *memif__conn_new(struct memif__ctx *c, int fd,
				    bool is_master)
{
	struct memif__conn *cn = calloc(1, sizeof(*cn));

	if (!cn)
		return NULL;
	cn->slot = memif__obj_add(c, cn);
	if (cn->slot == UINT32_MAX) {
		free(cn);
		return NULL;
	}
	cn->fd = fd;
	cn->is_master = is_master;
	cn->mctx.phase = is_master ? MEMIF_PHASE_M_WAIT_INIT :
				     MEMIF_PHASE_S_WAIT_HELLO;
	/* The limits this connection holds a peer to; a master advertises
	 * them in its HELLO (memif__conn_send_hello).  The protocol maxima,
	 * as VPP, DPDK and libmemif advertise them, whatever the interfaces
	 * on the socket: the slave decides how many rings it wants. */
	cn->mctx.max_region = MEMIF__MAX_REGIONS - 1;
	cn->mctx.max_s2m_ring = MEMIF__HELLO_MAX_RING;
	cn->mctx.max_m2s_ring = MEMIF__HELLO_MAX_RING;
	cn->mctx.max_log2_ring_size = MEMIF_MAX_LOG2_RING_SIZE;
	cn->mctx.region_size = cn->region_size;
	cn->deadline_ns = memif__ns_after_ms(UNBOUND_HANDSHAKE_MS);
	cn->born_ns = memif__now_ns();
	memif__timer_note(c, cn->deadline_ns);
	cn->next = c->conns;
	if (cn->next)
		cn->next->pprev = &cn->next;
	cn->pprev = &c->conns;
	c->conns = cn;
	return cn;
}

/* A master's first message on an accepted connection. */
int memif__conn_send_hello(struct memif__ctx *c, struct memif__conn *cn)
{
	struct memif_msg hello;

	memif__msg_build_hello(&hello, c->app_name, cn->mctx.max_region,
			       cn->mctx.max_m2s_ring, cn->mctx.max_s2m_ring,
			       cn->mctx.max_log2_ring_size);
	return memif__send_msg(cn->fd, &hello, -1);
}

/* A master connection not yet bound by INIT gets the shortest handshake
 * timeout of the interfaces that could claim it. */
void memif__conn_set_unbound_deadline(struct memif__ctx *c,
				      struct memif__conn *cn)
{
	struct memif__socket *s = cn->sock;
	uint32_t ms = UNBOUND_HANDSHAKE_MS, i;
	struct memif *m;

	if (!s->handshake_ms) /* the shortest one was closed: look again */
		for (i = 0; i < s->by_id_cap; i++)
			for (m = s->by_id[i]; m; m = m->sock.id_next)
				if (!s->handshake_ms ||
				    m->cfg.handshake_ms < s->handshake_ms)
					s->handshake_ms = m->cfg.handshake_ms;
	if (s->handshake_ms && s->handshake_ms < ms)
		ms = s->handshake_ms;
	cn->deadline_ns = memif__ns_after_ms(ms);
	memif__timer_note(c, cn->deadline_ns);
}

static uint64_t recv_ud(struct memif__ctx *c, struct memif__conn *cn)
{
	return memif__op_pack(MEMIF__OP_RECV, 0, memif__obj_gen(c, cn->slot),
			      cn->slot);
}

void memif__conn_arm_recv(struct memif__ctx *c, struct memif__conn *cn)
{
	struct io_uring_sqe *sqe;

	if (cn->dead || cn->recv_armed)
		return;
	sqe = memif__sqe(c);
	if (!sqe) {
		memif__conn_kill(c, cn);
		return;
	}
	memset(&cn->rx_msg, 0, sizeof(cn->rx_msg));
	cn->rx_iov.iov_base = cn->rx_buf;
	cn->rx_iov.iov_len = sizeof(cn->rx_buf);
	cn->rx_msg.msg_iov = &cn->rx_iov;
	cn->rx_msg.msg_iovlen = 1;
	cn->rx_msg.msg_control = cn->rx_cmsg.buf;
	cn->rx_msg.msg_controllen = sizeof(cn->rx_cmsg.buf);
	io_uring_prep_recvmsg(sqe, cn->fd, &cn->rx_msg, MSG_CMSG_CLOEXEC);
	io_uring_sqe_set_data64(sqe, recv_ud(c, cn));
	cn->recv_armed = true;
	memif__loop_submit(c);
}

void memif__conn_kill(struct memif__ctx *c, struct memif__conn *cn)
{
	if (cn->dead)
		return;
	cn->dead = true;
	if (cn->m && cn->m->conn.cn == cn)
		cn->m->conn.cn = NULL;
	memif__socket_pending_del(cn);
	cn->m = NULL;
	shutdown(cn->fd, SHUT_RDWR);
	/* The recvmsg in flight points into cn: free it when it completes. */
	if (cn->recv_armed)
		memif__loop_cancel(c, recv_ud(c, cn));
	else if (!cn->busy)
		conn_free(c, cn);
}

static void close_extra_fd(void *c, int fd)
{
	memif__close_peer_fd(c, fd);
}

/* Collect SCM_RIGHTS fds; every one is ours to close from here on. */
static unsigned collect_fds(struct memif__ctx *c, struct msghdr *mh, int *fds,
			    unsigned max)
{
	return memif__msg_fds(mh, fds, max, close_extra_fd, c);
}

/* The fds of a datagram that nothing took: never closed where the close
 * could make the event loop wait (memif__close_peer_fd). */
static void close_fds(struct memif__ctx *c, int *fds, unsigned n)
{
	unsigned i;

	if (!n)
		return;
	memif__close_peer_fds(c, fds, n);
	for (i = 0; i < n; i++)
		fds[i] = -1;
}

/*
 * recvmsg() returns 0 both at end of file and for a zero-length datagram,
 * which a peer may send (with fds, even).  Only a peer that has gone leaves
 * the socket shut down for reading.
 */
static bool peer_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };
	int n = poll(&p, 1, 0);

	return n < 0 ||
	       (n == 1 &&
		(p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)));
}

/*
 * What the peer queued after we stopped reading: closing a socket with
 * unread data resets the connection, and the peer's next recv() then
 * fails before it reads the DISCONNECT we sent.  The fds those datagrams
 * hold go where peer fds go.  Bounded: after our shutdown() the peer
 * cannot queue more, and a queue holds a handful of datagrams.
 */
static void conn_drain(struct memif__ctx *c, int fd)
{
	uint8_t buf[MEMIF__RECV_BUF];
	union {
		size_t align;
		uint8_t buf[CMSG_SPACE(sizeof(int) * MEMIF__RECV_FDS)];
	} cbuf;
	int fds[MEMIF__RECV_FDS];
	unsigned i, n;
	int ret;

	for (i = 0; i < 64; i++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };

		ret = memif__os_recvmsg(fd, &mh);
		if (ret < 0)
			return;
		n = collect_fds(c, &mh, fds, MEMIF__RECV_FDS);
		if (n)
			memif__close_peer_fds(c, fds, n);
		if (ret == 0 && !n)
			return; /* end of file (or an empty datagram) */
	}
}

/* A master interface keeps its last refusal for memif_get_details. */
static void note_refusal(struct memif *m, const char *reason, const char *peer)
{
	snprintf(m->conn.refusal_reason, sizeof(m->conn.refusal_reason), "%s",
		 reason);
	snprintf(m->conn.refusal_peer, sizeof(m->conn.refusal_peer), "%s",
		 peer);
}

static const char *refusal_text(const struct memif__conn *cn,
				enum memif_fault f)
{
	return cn->why[0] ? cn->why : memif__fault_reason(f);
}

/* The level of a refusal's log line and, when it repeats the previous one
 * of @r, its count in @again (memif__log_repeat). */
static enum memif_log_level repeated(struct memif__repeat *r,
				     enum memif_log_level lvl, const char *why,
				     const char *peer, char again[32])
{
	char key[MEMIF_REASON_MAX + MEMIF_NAME_MAX + 2];

	snprintf(key, sizeof(key), "%s\n%s", why, peer);
	lvl = memif__log_repeat(r, lvl, key);
	again[0] = 0;
	if (r->n > 1)
		snprintf(again, 32, " (%u times in a row)", r->n);
	return lvl;
}

/* Refuse the peer: DISCONNECT with a reason, then tear down. */
static void reject(struct memif__ctx *c, struct memif__conn *cn,
		   enum memif_fault f)
{
	const char *why = refusal_text(cn, f);
	int code = memif__err_from_fault(f);
	struct memif__repeat none = { 0 };
	struct memif__repeat *rep = cn->m    ? &cn->m->conn.refused :
				    cn->sock ? &cn->sock->refused :
					       &none;
	const char *peer = cn->is_master ? cn->peer_name :
			   cn->m	 ? cn->m->conn.remote_instance_name :
					   "";
	struct memif_msg msg;
	char again[32];
	enum memif_log_level lvl =
		repeated(rep, MEMIF_LOG_WARN, why, peer, again);

	if (!cn->is_master)
		memif__log(lvl, cn->m, -1, code, "refusing master \"%s\": %s%s",
			   peer, why, again);
	else if (cn->peer_name[0] || cn->mctx.phase != MEMIF_PHASE_M_WAIT_INIT)
		memif__log(lvl, cn->m, -1, code,
			   "%s: refusing slave \"%s\" (interface id %u): %s%s",
			   cn->sock ? cn->sock->name : "", peer, cn->init_id,
			   why, again);
	else
		memif__log(lvl, NULL, -1, code,
			   "%s: refusing a slave before its INIT: %s%s",
			   cn->sock ? cn->sock->name : "", why, again);
	if (cn->m) {
		if (cn->is_master)
			note_refusal(cn->m, why, cn->peer_name);
		memif__disconnect(c, cn->m, f, code, true);
		return;
	}
	memif__msg_build_disconnect(&msg, 0, why);
	memif__send_msg(cn->fd, &msg, -1);
	memif__conn_kill(c, cn);
}

/* During the handshake a peer that goes without a DISCONNECT usually
 * refused us (the reference C library closes silently on an unknown
 * interface id or too many rings): say so once per attempt. */
static void log_silent_close(const struct memif__conn *cn, int err)
{
	const char *why = err ? strerror(-err) : "";
	enum memif_log_level lvl;
	char again[32];

	if (!cn->m || cn->m->conn.state != MEMIF__CONNECTING)
		return;
	lvl = repeated(&cn->m->conn.refused, MEMIF_LOG_WARN, "(closed)", why,
		       again);
	memif__log(lvl, cn->m, -1, MEMIF_ERR_DISCONNECTED,
		   "peer closed the connection during the handshake without "
		   "giving a reason (unknown interface id? too many "
		   "rings?)%s%s%s",
		   err ? ": " : "", why, again);
}

static void send_or_kill(struct memif__ctx *c, struct memif__conn *cn,
			 const struct memif_msg *msg, int fd)
{
	int ret = memif__send_msg(cn->fd, msg, fd);

	if (ret < 0) {
		if (ret == -EPIPE || ret == -ECONNRESET)
			log_silent_close(cn, ret);
		else
			memif__log(MEMIF_LOG_WARN, cn->m, -1,
				   memif__err_from_errno(ret), "send: %s",
				   strerror(-ret));
		if (cn->m)
			memif__disconnect(c, cn->m, MEMIF_FAULT_INTERNAL,
					  MEMIF_ERR_DISCONNECTED, false);
		else
			memif__conn_kill(c, cn);
	}
}

static void send_ack(struct memif__ctx *c, struct memif__conn *cn)
{
	struct memif_msg ack;

	memif__msg_build_ack(&ack);
	send_or_kill(c, cn, &ack, -1);
}

/* ---- master side -------------------------------------------------------- */

static enum memif_fault master_init(struct memif__ctx *c,
				    struct memif__conn *cn,
				    const struct memif_msg_init *init)
{
	enum memif_fault f;
	struct memif *m;

	m = memif__socket_find(cn->sock, init->id);
	if (!m || m->closing)
		return MEMIF_FAULT_ID;
	f = MEMIF_FAULT_NONE;
	if (m->conn.cn || m->conn.state != MEMIF__IDLE || m->conn.up_notified)
		f = MEMIF_FAULT_ALREADY_CONNECTED;
	else if (init->mode != m->cfg.mode)
		f = MEMIF_FAULT_MODE;
	else if (m->cfg.secret[0]) {
		uint8_t want[MEMIF_SECRET_LEN] = { 0 };

		memcpy(want, m->cfg.secret, strlen(m->cfg.secret));
		if (!init->secret[0])
			f = MEMIF_FAULT_SECRET_REQUIRED;
		else if (!memif__secret_equal(want, init->secret))
			f = MEMIF_FAULT_SECRET;
	}
	if (f != MEMIF_FAULT_NONE) {
		note_refusal(m, memif__fault_reason(f), cn->peer_name);
		return f;
	}
	cn->m = m;
	m->conn.cn = cn;
	m->conn.state = MEMIF__CONNECTING;
	memif__socket_pending_del(cn);
	cn->deadline_ns = memif__ns_after_ms(m->cfg.handshake_ms);
	memif__timer_note(c, cn->deadline_ns);
	memif__msg_strcpy(m->conn.remote_instance_name,
			  sizeof(m->conn.remote_instance_name), init->name,
			  sizeof(init->name));
	m->conn.remote_if_name[0] = 0;
	m->conn.remote_reason[0] = 0;
	cn->mctx.phase = MEMIF_PHASE_M_CONFIG;
	send_ack(c, cn);
	return MEMIF_FAULT_NONE;
}

static enum memif_fault master_add_region(struct memif__ctx *c,
					  struct memif__conn *cn,
					  const struct memif_msg_add_region *ar,
					  int *fd)
{
	struct memif *m = cn->m;
	enum memif_fault f = MEMIF_FAULT_NONE;
	struct memif__region *r;

	if (memif__region_check_fd(*fd, ar->size, m->cfg.allow_unsealed, &f) <
	    0) {
		if (f == MEMIF_FAULT_REGION_UNSEALED) {
			snprintf(cn->why, sizeof(cn->why),
				 "region %u not sealed: master needs "
				 "allow_unsealed_regions",
				 (unsigned)ar->index);
			memif__log(MEMIF_LOG_WARN, m, -1, MEMIF_ERR_NO_SHMFD,
				   "region %u from \"%s\" is not sealed "
				   "against shrinking: refused.  Zero-copy "
				   "slaves (VPP, DPDK) hand over such memory; "
				   "accept it with allow_unsealed_regions "
				   "(--allow-unsealed in the tools), which "
				   "trusts the peer not to shrink it",
				   (unsigned)ar->index, cn->peer_name);
		}
		return f;
	}
	/* The decoder takes regions in order: index is the next one. */
	if (memif__regions_reserve(m, ar->index + 1u) < 0)
		return MEMIF_FAULT_INTERNAL;
	r = &m->shm.regions[ar->index];
	r->fd = *fd;
	*fd = -1;
	r->size = ar->size;
	if (memif__region_map(r) < 0)
		return MEMIF_FAULT_MMAP;
	m->shm.views[ar->index].base = r->base;
	m->shm.views[ar->index].size = r->size;
	m->shm.n_regions = ar->index + 1;
	cn->region_size[ar->index] = ar->size;
	cn->mctx.n_regions = ar->index + 1;
	send_ack(c, cn);
	return MEMIF_FAULT_NONE;
}

static enum memif_fault master_add_ring(struct memif__ctx *c,
					struct memif__conn *cn,
					const struct memif_msg_add_ring *ar,
					int *fd)
{
	struct memif *m = cn->m;
	bool s2m = ar->flags & MEMIF_MSG_ADD_RING_FLAG_S2M;
	struct memif__ring_info *ri;
	int ret = memif__eventfd_check(*fd);

	if (ret < 0)
		return ret == -EDOM ? MEMIF_FAULT_RING_FD_SEMAPHORE :
				      MEMIF_FAULT_RING_FD;
	/* Rings come in order too (memif__msg_decode). */
	if (memif__rings_reserve(m, s2m, ar->index + 1u) < 0)
		return MEMIF_FAULT_INTERNAL;
	ri = s2m ? &m->shm.s2m[ar->index] : &m->shm.m2s[ar->index];
	ri->efd = *fd;
	*fd = -1;
	ri->region = ar->region;
	ri->offset = ar->offset;
	ri->log2 = ar->log2_ring_size;
	if (s2m) {
		m->shm.n_s2m = ar->index + 1;
		cn->mctx.n_s2m_rings = m->shm.n_s2m;
	} else {
		m->shm.n_m2s = ar->index + 1;
		cn->mctx.n_m2s_rings = m->shm.n_m2s;
	}
	send_ack(c, cn);
	return MEMIF_FAULT_NONE;
}

static struct memif_ring *ring_at(struct memif *m,
				  const struct memif__ring_info *ri)
{
	return (struct memif_ring *)(m->shm.regions[ri->region].base +
				     ri->offset);
}

static bool cookies_ok(struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->shm.n_s2m; i++)
		if (memif__read_once(&ring_at(m, &m->shm.s2m[i])->cookie) !=
		    MEMIF_COOKIE)
			return false;
	for (i = 0; i < m->shm.n_m2s; i++)
		if (memif__read_once(&ring_at(m, &m->shm.m2s[i])->cookie) !=
		    MEMIF_COOKIE)
			return false;
	return true;
}

/*
 * Fds a connection no longer needs once it is up: the mappings hold the
 * regions, and each TX queue's kick ring holds its eventfd as a fixed file
 * (memif__os_signal_init).  What stays is the control socket and one
 * eventfd and one kick ring per queue pair: the fewer fds an interface
 * costs, the more interfaces fit under RLIMIT_NOFILE.
 */
static void drop_spent_fds(struct memif *m)
{
	struct memif__ring_info *tx_ri = m->cfg.is_master ? m->shm.m2s :
							    m->shm.s2m;
	unsigned i;

	for (i = 0; i < m->shm.n_regions; i++) {
		/* Memory files close at once (memif__region_check_fd). */
		memif__os_close(m->shm.regions[i].fd);
		m->shm.regions[i].fd = -1;
	}
	for (i = 0; i < m->dp.n_txq; i++) {
		memif__os_close(tx_ri[i].efd);
		tx_ri[i].efd = -1;
		m->dp.txq[i]->efd = -1;
	}
}

static void link_up(struct memif *m, struct memif__conn *cn)
{
	drop_spent_fds(m);
	m->conn.refused.n = 0;
	m->conn.state = MEMIF__CONNECTED;
	m->conn.connects++;
	memif__cb_due(memif__ctx, m);
	if (m->irq.dispatch)
		memif__arm_qpolls(memif__ctx, m);
	cn->deadline_ns = 0;
	memif__log(MEMIF_LOG_INFO, m, -1, 0,
		   "connected to %s/%s: %u rx, %u tx queues",
		   m->conn.remote_instance_name, m->conn.remote_if_name,
		   m->dp.n_rxq, m->dp.n_txq);
}

static enum memif_fault master_connect(struct memif__ctx *c,
				       struct memif__conn *cn,
				       const struct memif_msg_connect *cm)
{
	struct memif *m = cn->m;
	struct memif_msg msg;

	if (!cookies_ok(m))
		return MEMIF_FAULT_COOKIE;
	memif__msg_strcpy(m->conn.remote_if_name,
			  sizeof(m->conn.remote_if_name), cm->if_name,
			  sizeof(cm->if_name));
	/* For details only: the slave lends its buffers whole. */
	m->conn.peer_buffer_size =
		memif__read_once(&ring_at(m, &m->shm.m2s[0])->desc[0].length);
	if (memif__queues_setup(m) < 0)
		return MEMIF_FAULT_INTERNAL;
	cn->mctx.phase = MEMIF_PHASE_M_CONNECTED;
	memif__msg_build_connected(&msg, m->cfg.if_name);
	link_up(m, cn);
	send_or_kill(c, cn, &msg, -1);
	return MEMIF_FAULT_NONE;
}

/* ---- slave side --------------------------------------------------------- */

static int queue_msgs(struct memif *m, struct memif__conn *cn)
{
	unsigned n = 3 + m->dp.n_pools + m->shm.n_s2m + m->shm.n_m2s, k = 0, i;
	const struct memif_layout *l = &m->shm.layout;

	cn->txq = calloc(n, sizeof(*cn->txq));
	cn->txq_fd = calloc(n, sizeof(*cn->txq_fd));
	if (!cn->txq || !cn->txq_fd)
		return -ENOMEM;
	memif__msg_build_init(&cn->txq[k], m->cfg.id, m->cfg.mode,
			      m->cfg.secret, m->cfg.instance_name);
	cn->txq_fd[k++] = -1;
	memif__msg_build_add_region(&cn->txq[k], 0, l->region_size);
	cn->txq_fd[k++] = m->shm.regions[0].fd;
	for (i = 0; i < m->dp.n_pools; i++) { /* zc.c: regions 1..n_pools */
		memif__msg_build_add_region(&cn->txq[k], (uint16_t)(i + 1),
					    m->dp.pools[i].size);
		cn->txq_fd[k++] = m->dp.pools[i].pool->fd;
	}
	for (i = 0; i < m->shm.n_s2m; i++) {
		memif__msg_build_add_ring(&cn->txq[k], true, (uint16_t)i, 0,
					  m->shm.s2m[i].offset,
					  l->log2_ring_size);
		cn->txq_fd[k++] = m->shm.s2m[i].efd;
	}
	for (i = 0; i < m->shm.n_m2s; i++) {
		memif__msg_build_add_ring(&cn->txq[k], false, (uint16_t)i, 0,
					  m->shm.m2s[i].offset,
					  l->log2_ring_size);
		cn->txq_fd[k++] = m->shm.m2s[i].efd;
	}
	memif__msg_build_connect(&cn->txq[k], m->cfg.if_name);
	cn->txq_fd[k++] = -1;
	cn->txq_len = k;
	return 0;
}

static enum memif_fault slave_hello(struct memif__ctx *c,
				    struct memif__conn *cn,
				    const struct memif_msg_hello *h)
{
	struct memif *m = cn->m;
	uint32_t n_s2m = (uint32_t)h->max_s2m_ring + 1;
	uint32_t n_m2s = (uint32_t)h->max_m2s_ring + 1;
	uint8_t log2 = m->cfg.log2_ring_size;
	unsigned i;

	if (n_s2m > m->cfg.tx_queues)
		n_s2m = m->cfg.tx_queues;
	if (n_m2s > m->cfg.rx_queues)
		n_m2s = m->cfg.rx_queues;
	if (h->max_log2_ring_size < log2)
		log2 = h->max_log2_ring_size;
	memif__msg_strcpy(m->conn.remote_instance_name,
			  sizeof(m->conn.remote_instance_name), h->name,
			  sizeof(h->name));
	if (!memif__layout_init(&m->shm.layout, (uint16_t)n_s2m,
				(uint16_t)n_m2s, log2, m->cfg.buffer_size))
		return MEMIF_FAULT_HELLO_LIMITS;
	if (!memif__zc_regions_fit(m, h->max_region, cn->why, sizeof(cn->why)))
		return MEMIF_FAULT_TOO_MANY_REGIONS;
	if (memif__region_create(m) < 0 || memif__zc_regions(m) < 0 ||
	    memif__rings_reserve(m, true, n_s2m) < 0 ||
	    memif__rings_reserve(m, false, n_m2s) < 0)
		return MEMIF_FAULT_INTERNAL;
	m->shm.n_s2m = (uint16_t)n_s2m;
	m->shm.n_m2s = (uint16_t)n_m2s;
	for (i = 0; i < n_s2m + n_m2s; i++) {
		bool s2m = i < n_s2m;
		unsigned idx = s2m ? i : i - n_s2m;
		struct memif__ring_info *ri = s2m ? &m->shm.s2m[idx] :
						    &m->shm.m2s[idx];

		ri->region = 0;
		ri->offset = (uint32_t)memif__layout_ring_offset(
			&m->shm.layout, s2m ? MEMIF_RING_S2M : MEMIF_RING_M2S,
			idx);
		ri->log2 = log2;
		ri->efd = memif__os_eventfd();
		if (ri->efd < 0)
			return MEMIF_FAULT_INTERNAL;
	}
	if (queue_msgs(m, cn) < 0)
		return MEMIF_FAULT_INTERNAL;
	cn->mctx.phase = MEMIF_PHASE_S_WAIT_ACK;
	cn->txq_next = 1;
	send_or_kill(c, cn, &cn->txq[0], cn->txq_fd[0]);
	return MEMIF_FAULT_NONE;
}

static void slave_ack(struct memif__ctx *c, struct memif__conn *cn)
{
	unsigned k = cn->txq_next++;

	if (k >= cn->txq_len)
		return; /* the decoder only accepts ACK while one is owed */
	if (cn->txq[k].type == MEMIF_MSG_TYPE_CONNECT) {
		struct memif *m = cn->m;
		uint16_t rx_flags = memif__rx_mode_ring_flags(m->cfg.rx_mode);
		unsigned i;

		/* Lend every M2S buffer now (every ADD_RING went out with
		 * head 0, as the spec wants), so a master can send from its
		 * on_connect.  Masters that reset head at CONNECT (LM, DPDK)
		 * get it again when CONNECTED arrives (memif__queues_setup). */
		for (i = 0; i < m->shm.n_m2s; i++) {
			struct memif_ring *r = ring_at(m, &m->shm.m2s[i]);

			/* Our RX mode first: a polling slave must not be
			 * signalled for what the master sends on connect
			 * (both interrupt modes leave MASK_INT clear). */
			memif__write_once(&r->flags, rx_flags);
			/* zero_copy_rx: the application lends (zc.c) */
			if (!m->dp.zc_rx)
				memif__store_release(
					&r->head,
					(uint16_t)(1u << m->shm.m2s[i].log2));
		}
		cn->mctx.phase = MEMIF_PHASE_S_WAIT_CONNECTED;
	}
	send_or_kill(c, cn, &cn->txq[k], cn->txq_fd[k]);
}

static enum memif_fault slave_connected(struct memif__ctx *c,
					struct memif__conn *cn,
					const struct memif_msg_connected *cm)
{
	struct memif *m = cn->m;

	if (!cookies_ok(m))
		return MEMIF_FAULT_COOKIE;
	memif__msg_strcpy(m->conn.remote_if_name,
			  sizeof(m->conn.remote_if_name), cm->if_name,
			  sizeof(cm->if_name));
	if (memif__queues_setup(m) < 0)
		return MEMIF_FAULT_INTERNAL;
	cn->mctx.phase = MEMIF_PHASE_S_CONNECTED;
	link_up(m, cn);
	return MEMIF_FAULT_NONE;
}

/* ---- dispatch ----------------------------------------------------------- */

static enum memif_fault handle_msg(struct memif__ctx *c, struct memif__conn *cn,
				   const struct memif_msg *msg, int *fd)
{
	switch (msg->type) {
	case MEMIF_MSG_TYPE_INIT:
		cn->init_id = msg->init.id;
		memif__msg_strcpy(cn->peer_name, sizeof(cn->peer_name),
				  msg->init.name, sizeof(msg->init.name));
		memif__msg_printable(cn->peer_name);
		return master_init(c, cn, &msg->init);
	case MEMIF_MSG_TYPE_ADD_REGION:
		return master_add_region(c, cn, &msg->add_region, fd);
	case MEMIF_MSG_TYPE_ADD_RING:
		return master_add_ring(c, cn, &msg->add_ring, fd);
	case MEMIF_MSG_TYPE_CONNECT:
		return master_connect(c, cn, &msg->connect);
	case MEMIF_MSG_TYPE_HELLO:
		return slave_hello(c, cn, &msg->hello);
	case MEMIF_MSG_TYPE_ACK:
		slave_ack(c, cn);
		return MEMIF_FAULT_NONE;
	case MEMIF_MSG_TYPE_CONNECTED:
		return slave_connected(c, cn, &msg->connected);
	default:
		return MEMIF_FAULT_UNKNOWN_TYPE;
	}
}

static void peer_disconnect(struct memif__ctx *c, struct memif__conn *cn,
			    const struct memif_msg_disconnect *d)
{
	char reason[MEMIF_REASON_MAX];
	enum memif_log_level lvl;
	char again[32];
	int code;

	memif__msg_strcpy(reason, sizeof(reason), d->string, sizeof(d->string));
	memif__msg_printable(reason); /* it reaches logs */
	if (!cn->m) {
		memif__conn_kill(c, cn);
		return;
	}
	memcpy(cn->m->conn.remote_reason, reason, sizeof(reason));
	code = memif__err_from_reason(reason);
	lvl = repeated(&cn->m->conn.refused,
		       code == MEMIF_ERR_DISCONNECT ? MEMIF_LOG_INFO :
						      MEMIF_LOG_WARN,
		       reason, "(us)", again);
	memif__log(lvl, cn->m, -1, code, "%s refused us: %s%s",
		   cn->is_master ? "slave" : "master", reason, again);
	memif__disconnect(c, cn->m, MEMIF_FAULT_NONE, code, false);
}

void memif__conn_on_recv(struct memif__ctx *c, struct memif__conn *cn, int res)
{
	int fds[MEMIF__RECV_FDS];
	struct memif_rx_datagram dg;
	struct memif_msg msg;
	enum memif_fault f;
	unsigned n_fds = 0;

	cn->recv_armed = false;
	cn->busy = true; /* a kill from inside must not free cn under us */
	/* Fds come with any datagram that has control data, whatever its
	 * length, a zero-length one included. */
	if (res >= 0)
		n_fds = collect_fds(c, &cn->rx_msg, fds, MEMIF__RECV_FDS);
	if (cn->dead || res < 0 || (res == 0 && peer_hung_up(cn->fd))) {
		close_fds(c, fds, n_fds);
		/* EOF or a socket error: an orderly teardown, nothing sent. */
		if (!cn->dead)
			log_silent_close(cn, res < 0 ? res : 0);
		if (!cn->dead && cn->m)
			memif__disconnect(c, cn->m, MEMIF_FAULT_NONE,
					  MEMIF_ERR_DISCONNECTED, false);
		memif__conn_kill(c, cn);
		goto out;
	}
	dg.buf = cn->rx_buf;
	dg.len = (size_t)res;
	dg.truncated = cn->rx_msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC);
	dg.n_fds = n_fds;
	f = memif__msg_decode(&dg, &cn->mctx, &msg);
	if (f == MEMIF_FAULT_NONE && msg.type == MEMIF_MSG_TYPE_DISCONNECT) {
		close_fds(c, fds, n_fds);
		peer_disconnect(c, cn, &msg.disconnect);
		goto out;
	}
	if (f == MEMIF_FAULT_NONE)
		f = handle_msg(c, cn, &msg, n_fds ? &fds[0] : NULL);
	/* The refusal goes out first; whatever the handler did not take is
	 * closed after it. */
	if (f != MEMIF_FAULT_NONE && !cn->dead)
		reject(c, cn, f);
	close_fds(c, fds, n_fds);
out:
	cn->busy = false;
	if (!cn->dead)
		memif__conn_arm_recv(c, cn);
	else if (!cn->recv_armed)
		conn_free(c, cn);
}

/* ---- teardown and timers ------------------------------------------------ */

static void release_conn_state(struct memif *m)
{
	unsigned i;

	memif__queues_release(m);
	memif__regions_release(m);
	for (i = 0; i < m->shm.cap_s2m; i++)
		memif__os_close(m->shm.s2m[i].efd);
	for (i = 0; i < m->shm.cap_m2s; i++)
		memif__os_close(m->shm.m2s[i].efd);
	free(m->shm.s2m);
	free(m->shm.m2s);
	m->shm.s2m = m->shm.m2s = NULL;
	m->shm.cap_s2m = m->shm.cap_m2s = 0;
	m->shm.n_s2m = 0;
	m->shm.n_m2s = 0;
	m->conn.release_pending = false;
}

void memif__release_conn_state(struct memif *m)
{
	release_conn_state(m);
}

static bool ring_faulted(const struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->dp.n_rxq; i++)
		if (__atomic_load_n(&m->dp.rxq[i]->fault, __ATOMIC_RELAXED))
			return true;
	for (i = 0; i < m->dp.n_txq; i++)
		if (__atomic_load_n(&m->dp.txq[i]->fault, __ATOMIC_RELAXED))
			return true;
	return false;
}

void memif__disconnect(struct memif__ctx *c, struct memif *m,
		       enum memif_fault reason, int err_code, bool send_disc)
{
	struct memif__conn *cn = m->conn.cn;

	if (cn) {
		if (send_disc) {
			struct memif_msg msg;
			const char *r;

			/* A ring fault the event loop has not handled yet is
			 * the real reason, even when the app closes first. */
			if (reason == MEMIF_FAULT_NONE && ring_faulted(m))
				reason = MEMIF_FAULT_RING_INDEXES;
			r = m->closing && reason == MEMIF_FAULT_NONE ?
				    "interface deleted" :
				    refusal_text(cn, reason);

			snprintf(m->conn.local_reason,
				 sizeof(m->conn.local_reason), "%s", r);
			memif__msg_build_disconnect(&msg, 0, r);
			memif__send_msg(cn->fd, &msg, -1);
		}
		memif__conn_kill(c, cn);
	}
	m->conn.cn = NULL;
	if (err_code && !m->closing)
		memif__push_error(m, err_code);
	memif__cancel_qpolls(c, m);
	memif__queues_quiesce(m);
	/* Views and queue fds stay valid until on_disconnect has returned. */
	if (m->conn.up_notified) {
		m->conn.release_pending = true;
		memif__cb_due(c, m);
	} else {
		release_conn_state(m);
	}
	m->conn.state = MEMIF__IDLE;
	if (!m->cfg.is_master && !m->closing) {
		m->conn.next_attempt_ns =
			memif__ns_after_ms(m->cfg.reconnect_ms);
		memif__timer_note(c, m->conn.next_attempt_ns);
	}
}

void memif__conn_timeouts(struct memif__ctx *c, uint64_t now)
{
	struct memif__conn *cn, *next;

	for (cn = c->conns; cn; cn = next) {
		next = cn->next;
		if (!cn->dead && cn->deadline_ns && cn->deadline_ns <= now)
			reject(c, cn, MEMIF_FAULT_TIMEOUT);
	}
}

void memif__slave_try_connect(struct memif__ctx *c, struct memif *m)
{
	struct memif__conn *cn;
	int fd, err = 0;

	m->conn.next_attempt_ns = 0;
	fd = memif__os_socket();
	if (fd < 0) {
		err = fd;
		goto out_retry;
	}
	err = memif__os_connect(fd, &m->sock.peer_addr, m->sock.peer_addrlen);
	if (err < 0) {
		memif__os_close(fd);
		goto out_retry;
	}
	cn = memif__conn_new(c, fd, false);
	if (!cn) {
		err = -ENOMEM;
		memif__os_close(fd);
		goto out_retry;
	}
	cn->m = m;
	cn->deadline_ns = memif__ns_after_ms(m->cfg.handshake_ms);
	memif__timer_note(c, cn->deadline_ns);
	m->conn.cn = cn;
	m->conn.state = MEMIF__CONNECTING;
	m->conn.remote_reason[0] = 0;
	m->conn.last_connect_err = 0;
	memif__conn_arm_recv(c, cn);
	return;

out_retry:
	/* Report a failing reconnect once per distinct error, not every 2 s.
	 * A missing socket file and a file nobody listens on are told apart:
	 * the first is usually a wrong path, the second a master that went. */
	if (err != m->conn.last_connect_err) {
		m->conn.last_connect_err = err;
		if (err == -ENOENT)
			memif__log(MEMIF_LOG_WARN, m, -1, MEMIF_ERR_NO_FILE,
				   "%s does not exist (is the master running, "
				   "is the path right?); retrying every %u ms",
				   m->cfg.sock_name, m->cfg.reconnect_ms);
		else if (err == -ECONNREFUSED)
			/* INFO: a slave started before its master is usual */
			memif__log(MEMIF_LOG_INFO, m, -1, MEMIF_ERR_CONNREFUSED,
				   "%s: connection refused (no master listens "
				   "on it); retrying every %u ms",
				   m->cfg.sock_name, m->cfg.reconnect_ms);
		else
			memif__log(MEMIF_LOG_WARN, m, -1,
				   memif__err_from_errno(err),
				   "%s: connect: %s; retrying every %u ms",
				   m->cfg.sock_name, strerror(-err),
				   m->cfg.reconnect_ms);
		memif__push_error(m, memif__err_from_errno(err));
	}
	/* A full backlog (EAGAIN) clears in milliseconds: retry soon. */
	m->conn.next_attempt_ns =
		memif__ns_after_ms(err == -EAGAIN && m->cfg.reconnect_ms > 20 ?
					   20 :
					   m->cfg.reconnect_ms);
	memif__timer_note(c, m->conn.next_attempt_ns);
}

void memif__check_dp_faults(struct memif__ctx *c)
{
	struct memif *m, *next;

	for (m = c->ifaces; m; m = next) {
		next = m->next;
		if (m->conn.state == MEMIF__CONNECTED && ring_faulted(m))
			memif__disconnect(c, m, MEMIF_FAULT_RING_INDEXES,
					  MEMIF_ERR_MFMSG, true);
	}
}
