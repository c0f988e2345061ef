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

uint32_t memif__obj_add(struct memif__ctx *c, void *ptr)
{
	uint32_t i;

	/* Slot 0 is never used, so 0 can mean "no slot". */
	for (i = 1; i < c->cap_objs; i++)
		if (!c->objs[i].ptr)
			goto found;
	{
		uint32_t cap = c->cap_objs ? c->cap_objs * 2 : 64;
		struct memif__obj *o = realloc(c->objs, cap * sizeof(*o));

		if (!o)
			return UINT32_MAX;
		memset(o + c->cap_objs, 0, (cap - c->cap_objs) * sizeof(*o));
		i = c->cap_objs ? c->cap_objs : 1;
		c->objs = o;
		c->cap_objs = cap;
	}
found:
	c->objs[i].ptr = ptr;
	c->objs[i].gen++;
	return i;
}

void memif__obj_del(struct memif__ctx *c, uint32_t slot)
{
	if (slot && slot < c->cap_objs) {
		c->objs[slot].ptr = NULL;
		c->objs[slot].gen++;
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
	io_uring_queue_exit(&c->ring);
	memif__os_close(c->wake_fd);
	c->wake_fd = -1;
}

/* Earliest pending deadline: slave reconnects and handshake timeouts. */
static uint64_t next_deadline(struct memif__ctx *c)
{
	uint64_t d = UINT64_MAX;
	struct memif__conn *cn;
	struct memif *m;

	for (m = c->ifaces; m; m = m->next)
		if (m->next_attempt_ns && m->next_attempt_ns < d)
			d = m->next_attempt_ns;
	for (cn = c->conns; cn; cn = cn->next)
		if (!cn->dead && cn->deadline_ns && cn->deadline_ns < d)
			d = cn->deadline_ns;
	return d;
}

/* One io_uring timeout, moved earlier with TIMEOUT_UPDATE when needed. */
static void arm_timer(struct memif__ctx *c)
{
	uint64_t d = next_deadline(c);
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
	uint64_t now = memif__now_ns();
	struct memif *m;

	for (m = c->ifaces; m; m = m->next)
		if (!m->is_master && m->next_attempt_ns &&
		    m->next_attempt_ns <= now && m->state == MEMIF__IDLE)
			memif__slave_try_connect(c, m);
	memif__conn_timeouts(c, now);
}

static void on_qpoll(struct memif__ctx *c, uint64_t ud, int res, unsigned flags)
{
	struct memif *m = obj_lookup(c, ud);
	unsigned qid = (unsigned)(ud >> 48) & 0xff;

	/* A cancelled poll of an earlier connection says nothing about the
	 * polls armed now. */
	if (!m || res == -ECANCELED)
		return;
	if (!(flags & IORING_CQE_F_MORE))
		m->qpolls_armed = false; /* re-armed below if still wanted */
	if (res < 0 || qid >= m->n_rxq)
		return;
	__atomic_fetch_or(&m->pending[qid >> 6], 1ull << (qid & 63),
			  __ATOMIC_RELEASE);
	memif__os_eventfd_signal(m->intr_fd);
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
	for (m = c->ifaces; m; m = m->next)
		if (m->dispatch && m->state == MEMIF__CONNECTED &&
		    !m->qpolls_armed)
			memif__arm_qpolls(c, m);
	arm_wake(c);
	arm_timer(c);
	memif__loop_submit(c);
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
