/* SPDX-License-Identifier: MIT */
/*
 * The library context and the management API: init/cleanup, the event loop
 * entry points, callbacks, create/close and details.  Logging is in log.c,
 * error codes in errors.c, receive modes and interrupt fds in
 * interrupts.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct memif__ctx *memif__ctx;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int in_callback_depth; /* callbacks on this thread */

const char *memif_version(void)
{
	return MEMIF_NATIVE_VERSION_STRING;
}

uint64_t memif__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- init and cleanup --------------------------------------------------- */

int memif_init_ex(const char *app_name, const struct memif_init_opts *opts)
{
	struct memif__ctx *c;
	int ret;

	pthread_mutex_lock(&init_lock);
	if (memif__ctx) {
		pthread_mutex_unlock(&init_lock);
		return MEMIF_ERR_ALREADY_INIT;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		pthread_mutex_unlock(&init_lock);
		return MEMIF_ERR_NOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	snprintf(c->app_name, sizeof(c->app_name), "%s",
		 app_name ? app_name : "");
	c->no_event_thread = opts && opts->no_event_thread;
	ret = memif__loop_init(c);
	if (ret < 0)
		goto out_free;
	memif__ctx = c;
	if (!c->no_event_thread) {
		ret = -pthread_create(&c->thread, NULL, memif__loop_thread, c);
		if (ret < 0) {
			memif__ctx = NULL;
			memif__loop_fini(c);
			goto out_free;
		}
		c->thread_running = true;
	}
	pthread_mutex_unlock(&init_lock);
	return MEMIF_OK;

out_free:
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
	pthread_mutex_unlock(&init_lock);
	return memif__err_from_errno(ret);
}

int memif_init(const char *app_name)
{
	return memif_init_ex(app_name, NULL);
}

int memif_cleanup(void)
{
	struct memif__ctx *c;
	int i;

	if (in_callback_depth)
		return MEMIF_ERR_WOULD_DEADLOCK;
	pthread_mutex_lock(&init_lock);
	c = memif__ctx;
	if (!c) {
		pthread_mutex_unlock(&init_lock);
		return MEMIF_ERR_NOT_INIT;
	}
	pthread_mutex_lock(&c->lock);
	if (c->in_loop && pthread_equal(c->loop_thread, pthread_self())) {
		pthread_mutex_unlock(&c->lock);
		pthread_mutex_unlock(&init_lock);
		return MEMIF_ERR_WOULD_DEADLOCK;
	}
	while (c->ifaces) {
		/* The event thread may be inside this interface's callback. */
		while (c->ifaces->cb.running)
			pthread_cond_wait(&c->cond, &c->lock);
		memif__close_locked(c, c->ifaces);
	}
	c->stop = true;
	memif__loop_wake(c);
	pthread_mutex_unlock(&c->lock);
	if (c->thread_running)
		pthread_join(c->thread, NULL);
	/* Connections still waiting for their recv to be cancelled: drain. */
	pthread_mutex_lock(&c->lock);
	for (i = 0; c->conns && i < 50; i++)
		memif__loop_run_once(c, 100);
	pthread_mutex_unlock(&c->lock);
	memif__loop_fini(c);
	memif__ctx = NULL;
	free(c->objs);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
	pthread_mutex_unlock(&init_lock);
	return MEMIF_OK;
}

int memif_get_event_fd(int *fd)
{
	if (!fd)
		return MEMIF_ERR_INVAL_ARG;
	if (!memif__ctx)
		return MEMIF_ERR_NOT_INIT;
	*fd = memif__ctx->ring.ring_fd;
	return MEMIF_OK;
}

int memif_process_events(int timeout_ms)
{
	struct memif__ctx *c = memif__ctx;

	if (!c)
		return MEMIF_ERR_NOT_INIT;
	if (!c->no_event_thread)
		return MEMIF_ERR_INVAL_ARG;
	if (in_callback_depth)
		return MEMIF_ERR_WOULD_DEADLOCK;
	pthread_mutex_lock(&c->lock);
	if (c->in_loop) {
		pthread_mutex_unlock(&c->lock);
		return MEMIF_ERR_WOULD_DEADLOCK;
	}
	c->in_loop = true;
	c->loop_thread = pthread_self();
	memif__loop_run_once(c, timeout_ms);
	c->in_loop = false;
	pthread_mutex_unlock(&c->lock);
	return MEMIF_OK;
}

/* ---- callbacks ---------------------------------------------------------- */

/* Run @fn for @m with no lock held; returns with the lock held again. */
static void call_cb(struct memif__ctx *c, struct memif *m,
		    memif_conn_update_cb fn)
{
	int ret;

	m->cb.running = true;
	m->cb.thread = pthread_self();
	pthread_mutex_unlock(&c->lock);
	in_callback_depth++;
	ret = fn ? fn(m, m->cb.fn.ctx) : 0;
	in_callback_depth--;
	pthread_mutex_lock(&c->lock);
	m->cb.running = false;
	pthread_cond_broadcast(&c->cond);
	if (ret)
		memif__log(MEMIF_LOG_DEBUG, m, -1, ret, "callback returned %d",
			   ret);
}

/* The on_disconnect owed for @m, then the shared memory it kept alive. */
static void finish_down(struct memif__ctx *c, struct memif *m)
{
	m->conn.up_notified = false;
	call_cb(c, m, m->cb.fn.on_disconnect);
	memif__release_conn_state(m);
}

/* @m may owe a callback: memif__run_callbacks looks at it, and only at
 * the interfaces so listed, never at all of them. */
void memif__cb_due(struct memif__ctx *c, struct memif *m)
{
	c->cb_due = true;
	if (m->cb.listed)
		return;
	m->cb.listed = true;
	m->cb.next = c->cb_list;
	c->cb_list = m;
}

static void cb_unlist(struct memif__ctx *c, struct memif *m)
{
	struct memif **pp;

	if (!m->cb.listed)
		return;
	for (pp = &c->cb_list; *pp; pp = &(*pp)->cb.next)
		if (*pp == m) {
			*pp = m->cb.next;
			break;
		}
	m->cb.listed = false;
}

void memif__run_callbacks(struct memif__ctx *c)
{
	struct memif *m;

	c->cb_due = false;
	while ((m = c->cb_list)) {
		c->cb_list = m->cb.next;
		m->cb.listed = false;
		/* Everything @m owes, in order; the lock is dropped for each
		 * callback, but @m stays: memif_close waits for it. */
		while (!m->cb.running && !m->closing) {
			if (m->conn.release_pending) {
				finish_down(c, m);
			} else if (m->conn.state == MEMIF__CONNECTED &&
				   !m->conn.up_notified) {
				m->conn.up_notified = true;
				call_cb(c, m, m->cb.fn.on_connect);
			} else if (m->cb.close_pending) {
				memif__close_locked(c, m);
				break;
			} else {
				break;
			}
		}
	}
}

/* ---- interfaces --------------------------------------------------------- */

static int copy_name(char *dst, size_t size, const char *src, bool strict)
{
	size_t n = src ? strlen(src) : 0;

	if (strict && n >= size)
		return -EINVAL;
	snprintf(dst, size, "%s", src ? src : "");
	return 0;
}

/* memif_create_interface refuses @cfg: say which field and its limit. */
static int __attribute__((format(printf, 3, 4)))
config_error(const struct memif_config *cfg, int code, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memif__log(MEMIF_LOG_WARN, NULL, -1, code,
		   "memif_create_interface(\"%s\"): %s",
		   cfg->if_name ? cfg->if_name : "", buf);
	return code;
}

static int check_config(const struct memif_config *cfg)
{
	const char *why;
	size_t n;

	if ((unsigned)cfg->mode > MEMIF_IF_MODE_PUNT_INJECT)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "mode %d is not 0 (ethernet), 1 (ip) or "
				    "2 (punt/inject)",
				    (int)cfg->mode);
	if (!memif__rx_mode_valid(cfg->rx_mode))
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "rx_mode %d is not 0 (interrupt), 1 "
				    "(polling) or 2 (interrupt edge)",
				    (int)cfg->rx_mode);
	if (cfg->log2_ring_size > MEMIF_MAX_LOG2_RING_SIZE)
		return config_error(cfg, MEMIF_ERR_MAX_RING,
				    "log2_ring_size %u is above %d",
				    (unsigned)cfg->log2_ring_size,
				    MEMIF_MAX_LOG2_RING_SIZE);
	if (cfg->num_rx_queues > MEMIF_MAX_QUEUES + 1 ||
	    cfg->num_tx_queues > MEMIF_MAX_QUEUES + 1)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "num_rx_queues %u, num_tx_queues %u: at "
				    "most %d each",
				    (unsigned)cfg->num_rx_queues,
				    (unsigned)cfg->num_tx_queues,
				    MEMIF_MAX_QUEUES + 1);
	/* Zero without set_socket_owner is the default; anything else there
	 * is a config written for "0 = unchanged", which would now be
	 * ignored without a word. */
	if (!cfg->set_socket_owner && (cfg->socket_uid || cfg->socket_gid))
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "socket_uid %d, socket_gid %d given "
				    "without set_socket_owner",
				    (int)cfg->socket_uid, (int)cfg->socket_gid);
	if (cfg->set_socket_owner &&
	    (cfg->socket_uid < MEMIF_OWNER_UNCHANGED ||
	     cfg->socket_gid < MEMIF_OWNER_UNCHANGED))
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "socket_uid %d, socket_gid %d: a uid/gid "
				    "or MEMIF_OWNER_UNCHANGED (-1)",
				    (int)cfg->socket_uid, (int)cfg->socket_gid);
	if (cfg->hugepages > MEMIF_HUGEPAGES_REQUIRE)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "hugepages %u: one of enum memif_hugepages",
				    (unsigned)cfg->hugepages);
	why = memif__zc_config_error(cfg);
	if (why)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG, "%s", why);
	n = cfg->secret ? strlen(cfg->secret) : 0;
	if (n >= MEMIF_SECRET_MAX)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "secret has %zu characters, at most %d", n,
				    MEMIF_SECRET_MAX - 1);
	n = cfg->socket_filename ? strlen(cfg->socket_filename) : 0;
	if (n >= MEMIF_SOCKET_PATH_MAX)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "socket_filename has %zu characters, at "
				    "most %d",
				    n, MEMIF_SOCKET_PATH_MAX - 1);
	if (n == 1 && cfg->socket_filename[0] == '@')
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "socket_filename \"@\" names no abstract "
				    "socket (\"@name\")");
	return MEMIF_OK;
}

static struct memif *iface_alloc(struct memif__ctx *c,
				 const struct memif_config *cfg,
				 const struct memif_callbacks *cb)
{
	struct memif *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->irq.intr_fd = -1;
	m->irq.err_fd = -1;
	copy_name(m->cfg.if_name, sizeof(m->cfg.if_name), cfg->if_name, false);
	copy_name(m->cfg.app_name, sizeof(m->cfg.app_name), cfg->app_name,
		  false);
	if (cfg->instance_name && cfg->instance_name[0])
		copy_name(m->cfg.instance_name, sizeof(m->cfg.instance_name),
			  cfg->instance_name, false);
	else if (cfg->app_name && cfg->app_name[0])
		copy_name(m->cfg.instance_name, sizeof(m->cfg.instance_name),
			  cfg->app_name, false);
	else
		copy_name(m->cfg.instance_name, sizeof(m->cfg.instance_name),
			  c->app_name, false);
	copy_name(m->cfg.secret, sizeof(m->cfg.secret), cfg->secret, false);
	copy_name(m->cfg.sock_name, sizeof(m->cfg.sock_name),
		  cfg->socket_filename && cfg->socket_filename[0] ?
			  cfg->socket_filename :
			  MEMIF_DEFAULT_SOCKET,
		  false);
	m->cfg.id = cfg->conn_id;
	m->cfg.is_master = cfg->is_master;
	m->cfg.mode = (uint8_t)cfg->mode;
	m->cfg.rx_queues = cfg->num_rx_queues ? cfg->num_rx_queues : 1;
	m->cfg.tx_queues = cfg->num_tx_queues ? cfg->num_tx_queues : 1;
	m->cfg.buffer_size = cfg->buffer_size ? cfg->buffer_size :
						MEMIF_DEFAULT_BUFFER_SIZE;
	m->cfg.log2_ring_size = cfg->log2_ring_size ?
					cfg->log2_ring_size :
					MEMIF_DEFAULT_LOG2_RING_SIZE;
	m->cfg.rx_mode = cfg->rx_mode;
	m->cfg.reconnect_ms =
		cfg->reconnect_interval_ms ? cfg->reconnect_interval_ms : 2000;
	m->cfg.handshake_ms =
		cfg->handshake_timeout_ms ? cfg->handshake_timeout_ms : 5000;
	m->cfg.max_packet = cfg->max_packet_size ? cfg->max_packet_size : 65535;
	m->cfg.allow_unsealed = cfg->allow_unsealed_regions;
	m->cfg.hugepages = cfg->hugepages;
	m->cfg.user_data = cfg->user_data;
	if (cb)
		m->cb.fn = *cb;
	return m;
}

static void iface_free(struct memif *m)
{
	memif__os_close(m->irq.intr_fd);
	memif__os_close(m->irq.err_fd);
	memif__zc_free(m);
	memif__queues_free(m);
	free(m);
}

/* A master joins its socket (shared by every master on that path, made on
 * first use); a slave notes where its master listens.  -errno. */
static int iface_attach(struct memif__ctx *c, struct memif *m,
			const struct memif_config *cfg)
{
	bool abstract;
	int ret;

	if (!m->cfg.is_master)
		return memif__socket_addr(m->cfg.sock_name, &m->sock.peer_addr,
					  &m->sock.peer_addrlen, &abstract);
	ret = memif__socket_get(c, m, cfg);
	if (ret == -EEXIST) {
		config_error(cfg, MEMIF_ERR_INVAL_ARG,
			     "interface id %u already exists on %s", m->cfg.id,
			     m->cfg.sock_name);
		return -EINVAL;
	}
	if (ret < 0)
		config_error(cfg, memif__err_from_errno(ret), "socket %s: %s%s",
			     m->cfg.sock_name, strerror(-ret),
			     ret == -EADDRINUSE ?
				     " (another master listens there)" :
				     "");
	return ret;
}

int memif_create_interface(const struct memif_config *cfg,
			   const struct memif_callbacks *cb, struct memif **out)
{
	struct memif__ctx *c = memif__ctx;
	struct memif_layout l;
	struct memif *m;
	int ret;

	if (!c)
		return MEMIF_ERR_NOT_INIT;
	if (!cfg || !out)
		return MEMIF_ERR_INVAL_ARG;
	ret = check_config(cfg);
	if (ret)
		return ret;
	m = iface_alloc(c, cfg, cb);
	if (!m)
		return MEMIF_ERR_NOMEM;
	if (memif__zc_attach(m, cfg) < 0) {
		iface_free(m);
		return MEMIF_ERR_NOMEM;
	}
	/* A slave refuses at once a layout that could never fit 4 GiB. */
	if (!m->cfg.is_master &&
	    !memif__layout_init(&l, m->cfg.tx_queues, m->cfg.rx_queues,
				m->cfg.log2_ring_size, m->cfg.buffer_size)) {
		config_error(cfg, MEMIF_ERR_INVAL_ARG,
			     "%u + %u queues of 2^%u slots of %u bytes need "
			     "a region over 4 GiB",
			     (unsigned)m->cfg.tx_queues,
			     (unsigned)m->cfg.rx_queues,
			     (unsigned)m->cfg.log2_ring_size,
			     (unsigned)m->cfg.buffer_size);
		iface_free(m);
		return MEMIF_ERR_INVAL_ARG;
	}
	/* The interrupt and error fds come into being when first asked for
	 * (lazy_eventfd): an interface nobody waits on costs no fds. */
	pthread_mutex_lock(&c->lock);
	m->slot = memif__obj_add(c, m);
	if (m->slot == UINT32_MAX) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = iface_attach(c, m, cfg);
	if (ret < 0) {
		memif__obj_del(c, m->slot);
		goto out_unlock;
	}
	m->next = c->ifaces;
	if (m->next)
		m->next->pprev = &m->next;
	m->pprev = &c->ifaces;
	c->ifaces = m;
	if (!m->cfg.is_master)
		memif__slave_try_connect(c, m);
	memif__loop_submit(c);
	memif__loop_wake(c);
	pthread_mutex_unlock(&c->lock);
	*out = m;
	return MEMIF_OK;

out_unlock:
	pthread_mutex_unlock(&c->lock);
	iface_free(m);
	return memif__err_from_errno(ret);
}

/* Close @m with c->lock held (may drop it to run on_disconnect). */
void memif__close_locked(struct memif__ctx *c, struct memif *m)
{
	m->closing = true;
	m->cb.close_pending = false;
	if (m->sock.listener)
		memif__socket_unbind(m->sock.listener, m);
	if (m->conn.cn || m->conn.state != MEMIF__IDLE)
		memif__disconnect(c, m, MEMIF_FAULT_NONE, 0, true);
	if (m->conn.release_pending)
		finish_down(c, m);
	cb_unlist(c, m);
	*m->pprev = m->next;
	if (m->next)
		m->next->pprev = m->pprev;
	memif__obj_del(c, m->slot);
	if (m->sock.listener)
		memif__socket_put(c, m->sock.listener);
	memif__loop_submit(c);
	iface_free(m);
}

/* A public call's way in on @m: the checks each makes, in the order of the
 * error table (no interface, a bad argument, no memif_init), then the lock,
 * held when MEMIF_OK is returned. */
int memif__api_lock(const struct memif *m, bool arg_ok)
{
	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!arg_ok)
		return MEMIF_ERR_INVAL_ARG;
	if (!memif__ctx)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&memif__ctx->lock);
	return MEMIF_OK;
}

int memif_close(struct memif *m)
{
	struct memif__ctx *c = memif__ctx;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	if (m->cb.running && pthread_equal(m->cb.thread, pthread_self())) {
		/* Closing oneself from one's own callback: after it returns. */
		m->cb.close_pending = true;
		pthread_mutex_unlock(&c->lock);
		return MEMIF_OK;
	}
	while (m->cb.running)
		pthread_cond_wait(&c->cond, &c->lock);
	memif__close_locked(c, m);
	memif__loop_wake(c);
	pthread_mutex_unlock(&c->lock);
	return MEMIF_OK;
}

void *memif_get_user_data(const struct memif *m)
{
	return m ? m->cfg.user_data : NULL;
}

static void queue_details(const struct memif *m, const struct memif__queue *q,
			  struct memif_queue_details *d)
{
	d->queue_id = q->qid;
	d->ring_size = q->size;
	d->buffer_size = m->cfg.is_master ? m->conn.peer_buffer_size :
					    q->buf_size;
	if (q->ring) {
		d->flags = memif__read_once(&q->ring->flags);
		d->head = memif__read_once(&q->ring->head);
		d->tail = memif__read_once(&q->ring->tail);
	}
	d->region = 0;
	d->packets = memif__read_once(&q->st.packets);
	d->bytes = memif__read_once(&q->st.bytes);
	d->drops_bad_desc = memif__read_once(&q->st.drops_bad_desc);
	d->drops_too_long = memif__read_once(&q->st.drops_too_long);
	d->ring_full = memif__read_once(&q->st.ring_full);
	d->interrupts = memif__read_once(&q->st.interrupts);
}

/* The array @src into the array @dst, which is as large (checked when
 * compiled): the names and reasons memif_get_details hands out. */
#define memif__copy_array(dst, src)                                           \
	do {                                                                  \
		_Static_assert(sizeof(dst) == sizeof(src), #dst " vs " #src); \
		memcpy((dst), (src), sizeof(dst));                            \
	} while (0)

int memif_get_details(struct memif *m, struct memif_details *out)
{
	unsigned i;
	int ret;

	ret = memif__api_lock(m, out != NULL);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	memif__copy_array(out->if_name, m->cfg.if_name);
	memif__copy_array(out->instance_name, m->cfg.instance_name);
	out->conn_id = m->cfg.id;
	memif__copy_array(out->socket_filename, m->cfg.sock_name);
	memif__copy_array(out->secret, m->cfg.secret);
	out->is_master = m->cfg.is_master;
	out->mode = (enum memif_if_mode)m->cfg.mode;
	memif__copy_array(out->app_name, m->cfg.app_name);
	memif__copy_array(out->remote_if_name, m->conn.remote_if_name);
	memif__copy_array(out->remote_instance_name,
			  m->conn.remote_instance_name);
	memif__copy_array(out->remote_disconnect_reason, m->conn.remote_reason);
	memif__copy_array(out->local_disconnect_reason, m->conn.local_reason);
	memif__copy_array(out->last_refusal_reason, m->conn.refusal_reason);
	memif__copy_array(out->last_refusal_peer, m->conn.refusal_peer);
	out->has_link = m->conn.state == MEMIF__CONNECTED;
	out->connecting = m->conn.state == MEMIF__CONNECTING;
	out->connects = m->conn.connects;
	/* Counters of the last connection stay readable after it went down
	 * (in on_disconnect and later), until the next connection. */
	out->num_rx_queues = m->dp.det_rxq;
	out->num_tx_queues = m->dp.det_txq;
	for (i = 0; i < m->dp.det_rxq && i <= MEMIF_MAX_QUEUES; i++)
		queue_details(m, m->dp.rxq[i], &out->rx_queues[i]);
	for (i = 0; i < m->dp.det_txq && i <= MEMIF_MAX_QUEUES; i++)
		queue_details(m, m->dp.txq[i], &out->tx_queues[i]);
	memif__api_unlock();
	return MEMIF_OK;
}
