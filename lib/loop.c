/* SPDX-License-Identifier: MIT */
/*
 * The io_uring event loop: listener polls, control-socket recvmsg, the
 * timer for reconnects and handshake timeouts, the wake eventfd for user
 * threads, and the polls on RX eventfds behind the per-interface interrupt
 * fd.  Completions name objects by (slot, generation), never by pointer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define RING_ENTRIES 256

/* The table doubled, its new entries empty; false without memory. */
static bool objs_grow(struct memif__ctx *c)
{
	uint32_t cap = c->cap_objs ? c->cap_objs * 2 : 64;
	struct memif__obj *o = realloc(c->objs, cap * sizeof(*o));

	if (!o)
		return false;
	memset(o + c->cap_objs, 0, (cap - c->cap_objs) * sizeof(*o));
	c->objs = o;
	c->cap_objs = cap;
	return true;
}

uint32_t memif__obj_add(struct memif__ctx *c, void *ptr)
{
	/* Slot 0 is never used, so 0 can mean "no slot".  No free slot lies
	 * below the hint, so a run of adds is not a walk each. */
	uint32_t i = c->free_slot_hint > 1 ? c->free_slot_hint : 1;

	while (i < c->cap_objs && c->objs[i].ptr)
		i++;
	if (i >= c->cap_objs && !objs_grow(c))
		return UINT32_MAX;
	c->objs[i].ptr = ptr;
	c->objs[i].gen++;
	c->free_slot_hint = i + 1;
	return i;
}

void memif__obj_del(struct memif__ctx *c, uint32_t slot)
{
	if (slot && slot < c->cap_objs) {
		c->objs[slot].ptr = NULL;
		c->objs[slot].gen++;
		if (slot < c->free_slot_hint)
			c->free_slot_hint = slot;
	}
}

uint16_t memif__obj_gen(struct memif__ctx *c, uint32_t slot)
{
	return slot < c->cap_objs ? c->objs[slot].gen : 0;
}

static void *obj_lookup(struct memif__ctx *c, uint64_t ud)
{
	uint32_t slot = (uint32_t)ud;
	uint16_t gen = (uint16_t)(ud >> 32);

	if (!slot || slot >= c->cap_objs || c->objs[slot].gen != gen)
		return NULL;
	return c->objs[slot].ptr;
}

struct io_uring_sqe *memif__sqe(struct memif__ctx *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

	if (!sqe) {
		/* Full submission queue: flush it and try once more. */
		io_uring_submit(&c->ring);
		sqe = io_uring_get_sqe(&c->ring);
	}
	if (sqe)
		c->sqe_pending++;
	else
		memif__log(MEMIF_LOG_ERROR, NULL, -1, MEMIF_ERR_NOMEM,
			   "io_uring submission queue full");
	return sqe;
}

void memif__loop_submit(struct memif__ctx *c)
{
	if (c->sqe_pending) {
		io_uring_submit(&c->ring);
		c->sqe_pending = 0;
	}
}

void memif__loop_cancel(struct memif__ctx *c, uint64_t user_data)
{
	struct io_uring_sqe *sqe = memif__sqe(c);

	if (!sqe)
		return;
	io_uring_prep_cancel64(sqe, user_data, 0);
	io_uring_sqe_set_data64(sqe, memif__op_pack(MEMIF__OP_CANCEL, 0, 0, 0));
	memif__loop_submit(c);
}

/*
 * Closing an fd the peer sent us, or a control socket it may have queued
 * fds on.  The last close may be ours, and what it costs is the peer's
 * choice: a TCP socket with unsent data and SO_LINGER waits out its
 * linger, a unix socket holding such sockets in flight does the same for
 * them, a FUSE file waits for its server's FLUSH.
 *
 * So such fds go to a graveyard: a socket pair that we send them through
 * and never read.  The datagram holds a reference to each, so our close()
 * is not the last one and returns at once.  To retire a graveyard, its
 * receiving end is sent into its own queue and both ends are closed: the
 * receiving end is then referenced only from inside itself, a cycle that
 * the kernel's unix garbage collector breaks on a kernel worker (Linux
 * 6.8 and later; older kernels collect in the closing thread), where
 * every last close happens.  Eventfds and memory files close at once and
 * are closed here.
 */
static int grave_send(int sock, const int *fds, unsigned n)
{
	union {
		size_t align;
		uint8_t buf[CMSG_SPACE(sizeof(int) * MEMIF__RECV_FDS)];
	} cbuf;
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	memset(&cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return memif__os_sendmsg(sock, &mh);
}

/* Retire the graveyard; what it holds is closed by a kernel worker. */
void memif__grave_retire(struct memif__ctx *c)
{
	if (c->grave[1] < 0)
		return;
	if (grave_send(c->grave[0], &c->grave[1], 1) < 0)
		return; /* cannot: keep it and try again later */
	memif__os_close(c->grave[1]);
	memif__os_close(c->grave[0]);
	c->grave[0] = c->grave[1] = -1;
}

void memif__close_peer_fds(struct memif__ctx *c, const int *fds, unsigned n)
{
	int away[MEMIF__RECV_FDS];
	unsigned i, k = 0;

	for (i = 0; i < n && i < MEMIF__RECV_FDS; i++) {
		if (fds[i] < 0)
			continue;
		if (memif__fd_is_eventfd(fds[i]) || memif__fd_is_memory(fds[i]))
			memif__os_close(fds[i]);
		else
			away[k++] = fds[i];
	}
	if (!k)
		return;
	if (c->grave[0] < 0 && memif__os_socketpair(c->grave) < 0)
		goto out_close;
	if (grave_send(c->grave[0], away, k) < 0) {
		/* Full (a few datagrams fill it): start another. */
		memif__grave_retire(c);
		if (c->grave[0] >= 0 || memif__os_socketpair(c->grave) < 0 ||
		    grave_send(c->grave[0], away, k) < 0)
			goto out_close;
	}
out_close:
	/* After a send, the graveyard holds them: these closes are not the
	 * last.  Without one (no fds left for a socket pair), closing here is
	 * all we can do. */
	for (i = 0; i < k; i++)
		memif__os_close(away[i]);
}

void memif__close_peer_fd(struct memif__ctx *c, int fd)
{
	memif__close_peer_fds(c, &fd, 1);
}

void memif__loop_wake(struct memif__ctx *c)
{
	memif__os_eventfd_signal(c->wake_fd);
}

static void arm_wake(struct memif__ctx *c)
{
	struct io_uring_sqe *sqe;

	if (c->wake_armed)
		return;
	sqe = memif__sqe(c);
	if (!sqe)
		return;
	io_uring_prep_poll_multishot(sqe, c->wake_fd, POLLIN);
	io_uring_sqe_set_data64(sqe, memif__op_pack(MEMIF__OP_WAKE, 0, 0, 0));
	c->wake_armed = true;
}

int memif__loop_init(struct memif__ctx *c)
{
	int ret;

	c->grave[0] = c->grave[1] = -1;
	c->wake_fd = memif__os_eventfd();
	if (c->wake_fd < 0)
		return c->wake_fd;
	ret = io_uring_queue_init(RING_ENTRIES, &c->ring, 0);
	if (ret < 0) {
		memif__os_close(c->wake_fd);
		c->wake_fd = -1;
		return ret;
	}
	arm_wake(c);
	memif__loop_submit(c);
	return 0;
}

void memif__loop_fini(struct memif__ctx *c)
{
	memif__grave_retire(c);
	/* Could not retire it: close it here, which is all that is left. */
	memif__os_close(c->grave[1]);
	memif__os_close(c->grave[0]);
	io_uring_queue_exit(&c->ring);
	memif__os_close(c->wake_fd);
	c->wake_fd = -1;
}

/* Earliest pending deadline: slave reconnects and handshake timeouts.  A
 * walk over every interface and connection: only when c->timer_next has
 * passed (run_timers). */
static uint64_t next_deadline(struct memif__ctx *c)
{
	uint64_t d = UINT64_MAX;
	struct memif__socket *s;
	struct memif__conn *cn;
	struct memif *m;

	for (m = c->ifaces; m; m = m->next)
		if (m->conn.next_attempt_ns && m->conn.next_attempt_ns < d)
			d = m->conn.next_attempt_ns;
	for (cn = c->conns; cn; cn = cn->next)
		if (!cn->dead && cn->deadline_ns && cn->deadline_ns < d)
			d = cn->deadline_ns;
	for (s = c->sockets; s; s = s->next)
		if (s->accept_more && s->accept_at_ns && s->accept_at_ns < d)
			d = s->accept_at_ns;
	return d;
}

/* One io_uring timeout, moved earlier with TIMEOUT_UPDATE when needed. */
static void arm_timer(struct memif__ctx *c)
{
	uint64_t d = c->timer_next;
	struct __kernel_timespec ts;
	struct io_uring_sqe *sqe;

	if (d == UINT64_MAX || (c->timer_armed && d >= c->timer_at))
		return;
	ts.tv_sec = (long long)(d / 1000000000u);
	ts.tv_nsec = (long long)(d % 1000000000u);
	sqe = memif__sqe(c);
	if (!sqe)
		return;
	if (!c->timer_armed) {
		io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ABS);
		io_uring_sqe_set_data64(sqe, memif__op_pack(MEMIF__OP_TIMER, 0,
							    0, 0));
		c->timer_armed = true;
	} else {
		io_uring_prep_timeout_update(
			sqe, &ts, memif__op_pack(MEMIF__OP_TIMER, 0, 0, 0),
			IORING_TIMEOUT_ABS);
		io_uring_sqe_set_data64(
			sqe, memif__op_pack(MEMIF__OP_TIMER_UPDATE, 0, 0, 0));
	}
	c->timer_at = d;
	/* The kernel copies the timespec at submission. */
	memif__loop_submit(c);
}

static void run_timers(struct memif__ctx *c)
{
	uint64_t now = memif__now_ns(), rest;
	struct memif *m;

	if (now < c->timer_next)
		return;
	/* What the actions below set lowers it again (memif__timer_note). */
	c->timer_next = UINT64_MAX;
	for (m = c->ifaces; m; m = m->next)
		if (!m->cfg.is_master && m->conn.next_attempt_ns &&
		    m->conn.next_attempt_ns <= now &&
		    m->conn.state == MEMIF__IDLE)
			memif__slave_try_connect(c, m);
	memif__conn_timeouts(c, now);
	rest = next_deadline(c);
	if (rest < c->timer_next)
		c->timer_next = rest;
}

/* ---- interrupt dispatch: multishot polls on the RX eventfds ------------- */

/* Arms the polls of the RX queues that have none in flight. */
void memif__arm_qpolls(struct memif__ctx *c, struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->dp.n_rxq; i++) {
		uint64_t bit = 1ull << (i & 63);
		struct io_uring_sqe *sqe;

		if (m->irq.qpolls_armed[i >> 6] & bit)
			continue;
		sqe = memif__sqe(c);
		if (!sqe)
			break;
		io_uring_prep_poll_multishot(sqe, m->dp.rxq[i]->efd, POLLIN);
		io_uring_sqe_set_data64(
			sqe,
			memif__op_pack(MEMIF__OP_QPOLL, i,
				       memif__obj_gen(c, m->slot), m->slot));
		m->irq.qpolls_armed[i >> 6] |= bit;
	}
	memif__loop_submit(c);
}

void memif__cancel_qpolls(struct memif__ctx *c, struct memif *m)
{
	unsigned i;

	for (i = 0; i < m->dp.n_rxq; i++)
		if (m->irq.qpolls_armed[i >> 6] & (1ull << (i & 63)))
			memif__loop_cancel(
				c, memif__op_pack(MEMIF__OP_QPOLL, i,
						  memif__obj_gen(c, m->slot),
						  m->slot));
	memset(m->irq.qpolls_armed, 0, sizeof(m->irq.qpolls_armed));
}

static void on_qpoll(struct memif__ctx *c, uint64_t ud, int res, unsigned flags)
{
	struct memif *m = obj_lookup(c, ud);
	unsigned qid = (unsigned)(ud >> 48) & 0xff;

	/* A cancelled poll of an earlier connection says nothing about the
	 * polls armed now. */
	if (!m || res == -ECANCELED)
		return;
	/* The kernel ends a multishot poll at will, e.g. at every signal a
	 * peer posts through an io_uring (EPOLL_URING_WAKE): re-armed before
	 * the loop sleeps, this queue only. */
	if (!(flags & IORING_CQE_F_MORE)) {
		m->irq.qpolls_armed[qid >> 6] &= ~(1ull << (qid & 63));
		if (m->irq.dispatch && m->conn.state == MEMIF__CONNECTED)
			memif__arm_qpolls(c, m);
	}
	if (res < 0 || qid >= m->dp.n_rxq)
		return;
	__atomic_fetch_or(&m->irq.pending[qid >> 6], 1ull << (qid & 63),
			  __ATOMIC_RELEASE);
	memif__os_eventfd_signal(m->irq.intr_fd);
}

static void handle_cqe(struct memif__ctx *c, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	unsigned kind = (unsigned)(ud >> 56);
	void *obj;

	switch (kind) {
	case MEMIF__OP_WAKE:
		memif__os_eventfd_clear(c->wake_fd);
		if (!(cqe->flags & IORING_CQE_F_MORE))
			c->wake_armed = false;
		break;
	case MEMIF__OP_TIMER:
		c->timer_armed = false;
		break;
	case MEMIF__OP_LISTEN:
		obj = obj_lookup(c, ud);
		if (obj && cqe->res >= 0)
			memif__socket_accept(c, obj);
		if (obj && !(cqe->flags & IORING_CQE_F_MORE)) {
			struct memif__socket *s = obj;
			struct io_uring_sqe *sqe = memif__sqe(c);

			if (sqe) {
				io_uring_prep_poll_multishot(sqe, s->fd,
							     POLLIN);
				io_uring_sqe_set_data64(sqe, ud);
			}
		}
		break;
	case MEMIF__OP_RECV:
		obj = obj_lookup(c, ud);
		if (obj)
			memif__conn_on_recv(c, obj, cqe->res);
		break;
	case MEMIF__OP_QPOLL:
		on_qpoll(c, ud, cqe->res, cqe->flags);
		break;
	default:
		break; /* cancels and timer updates need no action */
	}
}

static void before_sleep(struct memif__ctx *c)
{
	struct memif__socket *s;
	struct memif *m;

	if (__atomic_exchange_n(&c->dp_fault, false, __ATOMIC_ACQUIRE))
		memif__check_dp_faults(c);
	for (s = c->sockets; s; s = s->next)
		if (s->accept_more)
			memif__socket_accept(c, s);
	run_timers(c);
	/* Polls are armed at connect and re-armed where a multishot one
	 * ends (on_qpoll); a walk only when an application asked for
	 * dispatch. */
	if (c->qpolls_dirty) {
		c->qpolls_dirty = false;
		for (m = c->ifaces; m; m = m->next)
			if (m->irq.dispatch &&
			    m->conn.state == MEMIF__CONNECTED)
				memif__arm_qpolls(c, m);
	}
	arm_wake(c);
	arm_timer(c);
	memif__loop_submit(c);
	memif__grave_retire(c);
}

/* Called with c->lock held; drops it while waiting and for callbacks. */
void memif__loop_run_once(struct memif__ctx *c, int timeout_ms)
{
	struct io_uring_cqe *cqe;
	int ret;

	before_sleep(c);
	c->in_loop = false;
	pthread_mutex_unlock(&c->lock);
	if (timeout_ms < 0) {
		ret = io_uring_wait_cqe(&c->ring, &cqe);
	} else {
		struct __kernel_timespec ts = {
			.tv_sec = timeout_ms / 1000,
			.tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
		};

		ret = io_uring_wait_cqe_timeout(&c->ring, &cqe, &ts);
	}
	pthread_mutex_lock(&c->lock);
	c->in_loop = true;
	c->loop_thread = pthread_self();
	if (ret < 0 && ret != -ETIME && ret != -EINTR)
		memif__log(MEMIF_LOG_ERROR, NULL, -1,
			   memif__err_from_errno(ret), "io_uring wait: %s",
			   strerror(-ret));
	/* One completion at a time, and the callbacks it made due before
	 * the next one: an on_disconnect owed must run (and its shared
	 * memory go) before a new INIT for the same interface is judged. */
	while (io_uring_peek_cqe(&c->ring, &cqe) == 0) {
		struct io_uring_cqe copy = *cqe;

		io_uring_cqe_seen(&c->ring, cqe);
		handle_cqe(c, &copy);
		if (c->cb_due)
			memif__run_callbacks(c);
	}
	before_sleep(c);
	memif__run_callbacks(c);
}

void *memif__loop_thread(void *arg)
{
	struct memif__ctx *c = arg;

	pthread_mutex_lock(&c->lock);
	c->in_loop = true;
	c->loop_thread = pthread_self();
	while (!c->stop)
		memif__loop_run_once(c, -1);
	c->in_loop = false;
	pthread_mutex_unlock(&c->lock);
	return NULL;
}
