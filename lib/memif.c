/* SPDX-License-Identifier: MIT */
/*
 * The library context and the management API: init/cleanup, logger,
 * create/close, details, rx mode, interrupt fds, callbacks, and the single
 * -errno -> MEMIF_ERR_* converter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct memif__ctx *memif__ctx;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int last_errno;
static _Thread_local int in_callback_depth; /* callbacks on this thread */

/* ---- logging ------------------------------------------------------------ */

static const char *const level_names[] = { "panic", "fatal", "error", "warn",
					   "info",  "debug", "trace" };

/*
 * The default sink: one line on stderr, stamped with the UTC wall-clock
 * time to the millisecond (ISO 8601, as journald and syslog show it), so
 * its lines can be matched with the peer's and the system's logs.
 */
static void default_log(enum memif_log_level level, const char *if_name,
			int queue_id, int err_code, const char *msg, void *ctx)
{
	struct timespec ts = { 0, 0 };
	char stamp[32] = "1970-01-01T00:00:00";
	struct tm tm;

	if (clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
	    gmtime_r(&ts.tv_sec, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ memif-native %s%s%s: %s\n", stamp,
		ts.tv_nsec / 1000000, level_names[level], if_name ? " " : "",
		if_name ? if_name : "", msg);
}

struct log_sink {
	memif_log_fn fn;
	void *ctx;
	struct log_sink *prev; /* the list of replaced sinks */
};
static struct log_sink *log_sink;
static int log_level = -1;

static struct log_sink *retired_sinks; /* under retired_lock */
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;

void memif_set_logger(memif_log_fn fn, void *ctx)
{
	/* Swapped as one pointer so a concurrent logger never sees a torn
	 * (fn, ctx) pair.  A replaced sink is kept (a few bytes per swap):
	 * another thread may still be calling through it. */
	struct log_sink *s = NULL, *old;

	if (fn) {
		s = malloc(sizeof(*s));
		if (!s)
			return;
		s->fn = fn;
		s->ctx = ctx;
		s->prev = NULL;
	}
	old = __atomic_exchange_n(&log_sink, s, __ATOMIC_ACQ_REL);
	if (old) {
		pthread_mutex_lock(&retired_lock);
		old->prev = retired_sinks;
		retired_sinks = old;
		pthread_mutex_unlock(&retired_lock);
	}
}

void memif_set_log_level(enum memif_log_level level)
{
	__atomic_store_n(&log_level, (int)level, __ATOMIC_RELAXED);
}

/* MEMIF_LOG_LEVEL: a digit 0..6 or a level's name, in any case; -1 for
 * anything else (and NULL). */
int memif__log_level_parse(const char *env)
{
	int i;

	if (!env)
		return -1;
	if (env[0] >= '0' && env[0] <= '6' && !env[1])
		return env[0] - '0';
	for (i = 0; i <= MEMIF_LOG_TRACE; i++)
		if (!strcasecmp(env, level_names[i]))
			return i;
	if (!strcasecmp(env, "warning"))
		return MEMIF_LOG_WARN;
	return -1;
}

static int effective_level(void)
{
	int lvl = __atomic_load_n(&log_level, __ATOMIC_RELAXED);

	if (lvl >= 0)
		return lvl;
	lvl = memif__log_level_parse(getenv("MEMIF_LOG_LEVEL"));
	if (lvl < 0)
		lvl = MEMIF_LOG_WARN;
	__atomic_store_n(&log_level, lvl, __ATOMIC_RELAXED);
	return lvl;
}

void memif__log(enum memif_log_level lvl, const struct memif *m, int qid,
		int err, const char *fmt, ...)
{
	struct log_sink *s;
	char buf[256];
	va_list ap;

	if ((int)lvl > effective_level())
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = __atomic_load_n(&log_sink, __ATOMIC_ACQUIRE);
	if (s)
		s->fn(lvl, m ? m->if_name : NULL, qid, err, buf, s->ctx);
	else
		default_log(lvl, m ? m->if_name : NULL, qid, err, buf, NULL);
}

/* ---- errors ------------------------------------------------------------- */

int memif__err_from_errno(int neg_errno)
{
	switch (-neg_errno) {
	case 0:
		return MEMIF_OK;
	case ECONNREFUSED:
		return MEMIF_ERR_CONNREFUSED;
	case EACCES:
		return MEMIF_ERR_ACCES;
	case ENOENT:
		return MEMIF_ERR_NO_FILE;
	case ENFILE:
		return MEMIF_ERR_FILE_LIMIT;
	case EMFILE:
		return MEMIF_ERR_PROC_FILE_LIMIT;
	case EALREADY:
		return MEMIF_ERR_ALREADY;
	case EAGAIN:
		return MEMIF_ERR_AGAIN;
	case EBADF:
		return MEMIF_ERR_BAD_FD;
	case ENOMEM:
		return MEMIF_ERR_NOMEM;
	case EINVAL:
		return MEMIF_ERR_INVAL_ARG;
	case ENOTSOCK:
		return MEMIF_ERR_FILE_NOT_SOCK;
	default:
		last_errno = -neg_errno;
		return MEMIF_ERR_SYSCALL;
	}
}

int memif__err_from_fault(enum memif_fault f)
{
	switch (f) {
	case MEMIF_FAULT_NONE:
		return MEMIF_OK;
	case MEMIF_FAULT_UNKNOWN_TYPE:
		return MEMIF_ERR_UNKNOWN_MSG;
	case MEMIF_FAULT_VERSION:
		return MEMIF_ERR_PROTO;
	case MEMIF_FAULT_NO_REGION_FD:
	case MEMIF_FAULT_REGION_FD:
	case MEMIF_FAULT_REGION_UNSEALED:
	case MEMIF_FAULT_MMAP:
		return MEMIF_ERR_NO_SHMFD;
	case MEMIF_FAULT_REGION_INDEX:
	case MEMIF_FAULT_TOO_MANY_REGIONS:
		return MEMIF_ERR_MAXREG;
	case MEMIF_FAULT_NO_RING_FD:
	case MEMIF_FAULT_RING_FD:
	case MEMIF_FAULT_RING_FD_SEMAPHORE:
		return MEMIF_ERR_NO_INTFD;
	case MEMIF_FAULT_RING_INDEX:
	case MEMIF_FAULT_TOO_MANY_RINGS:
		return MEMIF_ERR_MAXRING;
	case MEMIF_FAULT_RING_LOG2:
		return MEMIF_ERR_MAX_RING;
	case MEMIF_FAULT_PRIVATE_HDR:
		return MEMIF_ERR_PRIVHDR;
	case MEMIF_FAULT_ID:
		return MEMIF_ERR_ID;
	case MEMIF_FAULT_ALREADY_CONNECTED:
		return MEMIF_ERR_ALRCONN;
	case MEMIF_FAULT_MODE:
		return MEMIF_ERR_MODE;
	case MEMIF_FAULT_SECRET_REQUIRED:
		return MEMIF_ERR_NOSECRET;
	case MEMIF_FAULT_SECRET:
		return MEMIF_ERR_SECRET;
	case MEMIF_FAULT_COOKIE:
		return MEMIF_ERR_COOKIE;
	case MEMIF_FAULT_INTERNAL:
		return MEMIF_ERR_NOMEM;
	default:
		return MEMIF_ERR_MFMSG;
	}
}

/*
 * The error code a peer's DISCONNECT reason stands for, so that the
 * application that was refused learns why from its error fd, not only
 * "peer disconnected".  Keywords cover our reasons and those of VPP, DPDK
 * and the reference C library, in any case.
 */
int memif__err_from_reason(const char *reason)
{
	static const struct {
		const char *word;
		int code;
	} map[] = {
		{ "secret required", MEMIF_ERR_NOSECRET },
		{ "secret", MEMIF_ERR_SECRET },
		{ "interface id", MEMIF_ERR_ID },
		{ "id mismatch", MEMIF_ERR_ID },
		{ "already connected", MEMIF_ERR_ALRCONN },
		{ "mode", MEMIF_ERR_MODE },
		{ "version", MEMIF_ERR_PROTO },
		{ "too many rings", MEMIF_ERR_MAXRING },
		{ "too many regions", MEMIF_ERR_MAXREG },
		{ "private header", MEMIF_ERR_PRIVHDR },
		{ "cookie", MEMIF_ERR_COOKIE },
		{ "interrupt fd", MEMIF_ERR_NO_INTFD },
		{ "region", MEMIF_ERR_NO_SHMFD },
	};
	unsigned i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasestr(reason, map[i].word))
			return map[i].code;
	return MEMIF_ERR_DISCONNECT;
}

static const char *const err_str[] = {
	[MEMIF_OK] = "success",
	[MEMIF_ERR_SYSCALL] = "system call failed",
	[MEMIF_ERR_CONNREFUSED] = "connection refused",
	[MEMIF_ERR_ACCES] = "permission denied",
	[MEMIF_ERR_NO_FILE] = "no such file or directory",
	[MEMIF_ERR_FILE_LIMIT] = "system open file limit reached",
	[MEMIF_ERR_PROC_FILE_LIMIT] = "process open file limit reached",
	[MEMIF_ERR_ALREADY] = "connection already requested",
	[MEMIF_ERR_AGAIN] = "try again",
	[MEMIF_ERR_BAD_FD] = "bad file descriptor",
	[MEMIF_ERR_NOMEM] = "out of memory",
	[MEMIF_ERR_INVAL_ARG] = "invalid argument",
	[MEMIF_ERR_NOCONN] = "handle does not refer to an interface",
	[MEMIF_ERR_CONN] = "handle already refers to an interface",
	[MEMIF_ERR_CB_FDUPDATE] = "fd update callback failed",
	[MEMIF_ERR_FILE_NOT_SOCK] = "file is not a socket",
	[MEMIF_ERR_NO_SHMFD] = "missing or invalid shared memory region",
	[MEMIF_ERR_COOKIE] = "ring cookie mismatch",
	[MEMIF_ERR_NOBUF_RING] = "ring buffer full",
	[MEMIF_ERR_NOBUF] = "not enough buffers",
	[MEMIF_ERR_NOBUF_DET] = "details buffer too small",
	[MEMIF_ERR_INT_WRITE] = "interrupt write failed",
	[MEMIF_ERR_MFMSG] = "malformed message",
	[MEMIF_ERR_QID] = "invalid queue id",
	[MEMIF_ERR_PROTO] = "incompatible protocol version",
	[MEMIF_ERR_ID] = "unmatched interface id",
	[MEMIF_ERR_ACCSLAVE] = "slave cannot accept connections",
	[MEMIF_ERR_ALRCONN] = "interface already connected",
	[MEMIF_ERR_MODE] = "mode mismatch",
	[MEMIF_ERR_SECRET] = "secret mismatch",
	[MEMIF_ERR_NOSECRET] = "secret required",
	[MEMIF_ERR_MAXREG] = "too many regions",
	[MEMIF_ERR_MAXRING] = "too many rings",
	[MEMIF_ERR_NO_INTFD] = "missing or invalid interrupt fd",
	[MEMIF_ERR_DISCONNECT] = "peer disconnected",
	[MEMIF_ERR_DISCONNECTED] = "interface not connected",
	[MEMIF_ERR_UNKNOWN_MSG] = "unknown message type",
	[MEMIF_ERR_POLL_CANCELED] = "event polling cancelled",
	[MEMIF_ERR_MAX_RING] = "log2 ring size above 14",
	[MEMIF_ERR_PRIVHDR] = "private headers not supported",
};

const char *memif_strerror(int code)
{
	switch (code) {
	case MEMIF_ERR_NOT_INIT:
		return "library not initialised";
	case MEMIF_ERR_ALREADY_INIT:
		return "library already initialised";
	case MEMIF_ERR_UNSUPPORTED:
		return "not supported";
	case MEMIF_ERR_EOF:
		return "end of file";
	case MEMIF_ERR_WOULD_DEADLOCK:
		return "would deadlock: called from a callback";
	case MEMIF_ERR_PKT_LEN:
		return "invalid packet length";
	case MEMIF_ERR_UNKNOWN:
		return "unknown error";
	}
	if (code < 0 || (size_t)code >= sizeof(err_str) / sizeof(err_str[0]) ||
	    !err_str[code])
		return "unknown error";
	return err_str[code];
}

int memif_errno(void)
{
	return last_errno;
}

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

void memif__push_error(struct memif *m, int code)
{
	unsigned i;

	if (m->errq_len == MEMIF__ERRQ_LEN) {
		/* Drop the oldest: the library never blocks on this queue. */
		m->errq_head = (m->errq_head + 1) % MEMIF__ERRQ_LEN;
		m->errq_len--;
	}
	i = (m->errq_head + m->errq_len) % MEMIF__ERRQ_LEN;
	m->errq[i] = code;
	m->errq_len++;
	if (m->err_fd >= 0)
		memif__os_eventfd_signal(m->err_fd);
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
		while (c->ifaces->in_callback)
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

	m->in_callback = true;
	m->cb_thread = pthread_self();
	pthread_mutex_unlock(&c->lock);
	in_callback_depth++;
	ret = fn ? fn(m, m->cb.ctx) : 0;
	in_callback_depth--;
	pthread_mutex_lock(&c->lock);
	m->in_callback = false;
	pthread_cond_broadcast(&c->cond);
	if (ret)
		memif__log(MEMIF_LOG_DEBUG, m, -1, ret, "callback returned %d",
			   ret);
}

/* The on_disconnect owed for @m, then the shared memory it kept alive. */
static void finish_down(struct memif__ctx *c, struct memif *m)
{
	m->up_notified = false;
	call_cb(c, m, m->cb.on_disconnect);
	memif__release_conn_state(m);
}

/* @m may owe a callback: memif__run_callbacks looks at it, and only at
 * the interfaces so listed, never at all of them. */
void memif__cb_due(struct memif__ctx *c, struct memif *m)
{
	c->cb_due = true;
	if (m->cb_listed)
		return;
	m->cb_listed = true;
	m->cb_next = c->cb_list;
	c->cb_list = m;
}

static void cb_unlist(struct memif__ctx *c, struct memif *m)
{
	struct memif **pp;

	if (!m->cb_listed)
		return;
	for (pp = &c->cb_list; *pp; pp = &(*pp)->cb_next)
		if (*pp == m) {
			*pp = m->cb_next;
			break;
		}
	m->cb_listed = false;
}

void memif__run_callbacks(struct memif__ctx *c)
{
	struct memif *m;

	c->cb_due = false;
	while ((m = c->cb_list)) {
		c->cb_list = m->cb_next;
		m->cb_listed = false;
		/* Everything @m owes, in order; the lock is dropped for each
		 * callback, but @m stays: memif_close waits for it. */
		while (!m->in_callback && !m->closing) {
			if (m->release_pending) {
				finish_down(c, m);
			} else if (m->state == MEMIF__CONNECTED &&
				   !m->up_notified) {
				m->up_notified = true;
				call_cb(c, m, m->cb.on_connect);
			} else if (m->close_pending) {
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

static bool rx_mode_valid(enum memif_rx_mode mode)
{
	/* Through unsigned, so a negative value cast in is refused too. */
	return (unsigned)mode <= MEMIF_RX_MODE_INTERRUPT_EDGE;
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
	size_t n;

	if ((unsigned)cfg->mode > MEMIF_IF_MODE_PUNT_INJECT)
		return config_error(cfg, MEMIF_ERR_INVAL_ARG,
				    "mode %d is not 0 (ethernet), 1 (ip) or "
				    "2 (punt/inject)",
				    (int)cfg->mode);
	if (!rx_mode_valid(cfg->rx_mode))
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
	m->intr_fd = -1;
	m->err_fd = -1;
	copy_name(m->if_name, sizeof(m->if_name), cfg->if_name, false);
	copy_name(m->app_name, sizeof(m->app_name), cfg->app_name, false);
	if (cfg->instance_name && cfg->instance_name[0])
		copy_name(m->instance_name, sizeof(m->instance_name),
			  cfg->instance_name, false);
	else if (cfg->app_name && cfg->app_name[0])
		copy_name(m->instance_name, sizeof(m->instance_name),
			  cfg->app_name, false);
	else
		copy_name(m->instance_name, sizeof(m->instance_name),
			  c->app_name, false);
	copy_name(m->secret, sizeof(m->secret), cfg->secret, false);
	copy_name(m->sock_name, sizeof(m->sock_name),
		  cfg->socket_filename && cfg->socket_filename[0] ?
			  cfg->socket_filename :
			  MEMIF_DEFAULT_SOCKET,
		  false);
	m->id = cfg->conn_id;
	m->is_master = cfg->is_master;
	m->mode = (uint8_t)cfg->mode;
	m->cfg_rx_queues = cfg->num_rx_queues ? cfg->num_rx_queues : 1;
	m->cfg_tx_queues = cfg->num_tx_queues ? cfg->num_tx_queues : 1;
	m->buffer_size = cfg->buffer_size ? cfg->buffer_size :
					    MEMIF_DEFAULT_BUFFER_SIZE;
	m->log2_ring_size = cfg->log2_ring_size ? cfg->log2_ring_size :
						  MEMIF_DEFAULT_LOG2_RING_SIZE;
	m->rx_mode = cfg->rx_mode;
	m->reconnect_ms =
		cfg->reconnect_interval_ms ? cfg->reconnect_interval_ms : 2000;
	m->handshake_ms =
		cfg->handshake_timeout_ms ? cfg->handshake_timeout_ms : 5000;
	m->max_packet = cfg->max_packet_size ? cfg->max_packet_size : 65535;
	m->allow_unsealed = cfg->allow_unsealed_regions;
	m->user_data = cfg->user_data;
	if (cb)
		m->cb = *cb;
	return m;
}

static void iface_free(struct memif *m)
{
	memif__os_close(m->intr_fd);
	memif__os_close(m->err_fd);
	memif__queues_free(m);
	free(m);
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
	/* A slave refuses at once a layout that could never fit 4 GiB. */
	if (!m->is_master &&
	    !memif__layout_init(&l, m->cfg_tx_queues, m->cfg_rx_queues,
				m->log2_ring_size, m->buffer_size)) {
		config_error(cfg, MEMIF_ERR_INVAL_ARG,
			     "%u + %u queues of 2^%u slots of %u bytes need "
			     "a region over 4 GiB",
			     (unsigned)m->cfg_tx_queues,
			     (unsigned)m->cfg_rx_queues,
			     (unsigned)m->log2_ring_size,
			     (unsigned)m->buffer_size);
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
	if (m->is_master) {
		ret = memif__socket_get(c, m, cfg);
		if (ret == -EEXIST) {
			config_error(cfg, MEMIF_ERR_INVAL_ARG,
				     "interface id %u already exists on %s",
				     m->id, m->sock_name);
			ret = -EINVAL;
		} else if (ret < 0) {
			config_error(cfg, memif__err_from_errno(ret),
				     "socket %s: %s%s", m->sock_name,
				     strerror(-ret),
				     ret == -EADDRINUSE ?
					     " (another master listens there)" :
					     "");
		}
	} else {
		bool abstract;

		ret = memif__socket_addr(m->sock_name, &m->peer_addr,
					 &m->peer_addrlen, &abstract);
	}
	if (ret < 0) {
		memif__obj_del(c, m->slot);
		goto out_unlock;
	}
	m->next = c->ifaces;
	if (m->next)
		m->next->pprev = &m->next;
	m->pprev = &c->ifaces;
	c->ifaces = m;
	if (!m->is_master)
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
	m->close_pending = false;
	if (m->sock)
		memif__socket_unbind(m->sock, m);
	if (m->conn || m->state != MEMIF__IDLE)
		memif__disconnect(c, m, MEMIF_FAULT_NONE, 0, true);
	if (m->release_pending)
		finish_down(c, m);
	cb_unlist(c, m);
	*m->pprev = m->next;
	if (m->next)
		m->next->pprev = m->pprev;
	memif__obj_del(c, m->slot);
	if (m->sock)
		memif__socket_put(c, m->sock);
	memif__loop_submit(c);
	iface_free(m);
}

int memif_close(struct memif *m)
{
	struct memif__ctx *c = memif__ctx;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	if (m->in_callback && pthread_equal(m->cb_thread, pthread_self())) {
		/* Closing oneself from one's own callback: after it returns. */
		m->close_pending = true;
		pthread_mutex_unlock(&c->lock);
		return MEMIF_OK;
	}
	while (m->in_callback)
		pthread_cond_wait(&c->cond, &c->lock);
	memif__close_locked(c, m);
	memif__loop_wake(c);
	pthread_mutex_unlock(&c->lock);
	return MEMIF_OK;
}

void *memif_get_user_data(const struct memif *m)
{
	return m ? m->user_data : NULL;
}

static void queue_details(const struct memif *m, const struct memif__queue *q,
			  struct memif_queue_details *d)
{
	d->queue_id = q->qid;
	d->ring_size = q->size;
	d->buffer_size = m->is_master ? m->peer_buffer_size : q->buf_size;
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

int memif_get_details(struct memif *m, struct memif_details *out)
{
	struct memif__ctx *c = memif__ctx;
	unsigned i;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!out)
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&c->lock);
	memcpy(out->if_name, m->if_name, sizeof(out->if_name));
	memcpy(out->instance_name, m->instance_name,
	       sizeof(out->instance_name));
	out->conn_id = m->id;
	memcpy(out->socket_filename, m->sock_name,
	       sizeof(out->socket_filename));
	memcpy(out->secret, m->secret, sizeof(out->secret));
	out->is_master = m->is_master;
	out->mode = (enum memif_if_mode)m->mode;
	memcpy(out->app_name, m->app_name, sizeof(out->app_name));
	memcpy(out->remote_if_name, m->remote_if_name,
	       sizeof(out->remote_if_name));
	memcpy(out->remote_instance_name, m->remote_instance_name,
	       sizeof(out->remote_instance_name));
	memcpy(out->remote_disconnect_reason, m->remote_reason,
	       sizeof(out->remote_disconnect_reason));
	memcpy(out->local_disconnect_reason, m->local_reason,
	       sizeof(out->local_disconnect_reason));
	memcpy(out->last_refusal_reason, m->refusal_reason,
	       sizeof(out->last_refusal_reason));
	memcpy(out->last_refusal_peer, m->refusal_peer,
	       sizeof(out->last_refusal_peer));
	out->has_link = m->state == MEMIF__CONNECTED;
	out->connecting = m->state == MEMIF__CONNECTING;
	out->connects = m->connects;
	/* Counters of the last connection stay readable after it went down
	 * (in on_disconnect and later), until the next connection. */
	out->num_rx_queues = m->det_rxq;
	out->num_tx_queues = m->det_txq;
	for (i = 0; i < m->det_rxq && i <= MEMIF_MAX_QUEUES; i++)
		queue_details(m, m->rxq[i], &out->rx_queues[i]);
	for (i = 0; i < m->det_txq && i <= MEMIF_MAX_QUEUES; i++)
		queue_details(m, m->txq[i], &out->tx_queues[i]);
	pthread_mutex_unlock(&c->lock);
	return MEMIF_OK;
}

int memif_set_rx_mode(struct memif *m, uint8_t qid, enum memif_rx_mode mode)
{
	struct memif__ctx *c = memif__ctx;
	int ret = MEMIF_OK;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!rx_mode_valid(mode))
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	if (m->state != MEMIF__CONNECTED)
		ret = MEMIF_ERR_DISCONNECTED;
	else if (qid >= m->n_rxq)
		ret = MEMIF_ERR_QID;
	else
		memif__queue_set_rx_mode(m->rxq[qid], mode);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* An interface's interrupt or error eventfd, made at the first request
 * and kept for the life of the interface.  Under c->lock. */
static int lazy_eventfd(int *fd)
{
	int efd;

	if (*fd >= 0)
		return MEMIF_OK;
	efd = memif__os_eventfd();
	if (efd < 0)
		return memif__err_from_errno(efd);
	__atomic_store_n(fd, efd, __ATOMIC_RELEASE);
	return MEMIF_OK;
}

int memif_get_interrupt_fd(struct memif *m, int *fd)
{
	struct memif__ctx *c = memif__ctx;
	int ret;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!fd)
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	ret = lazy_eventfd(&m->intr_fd);
	if (ret == MEMIF_OK && !m->dispatch) {
		m->dispatch = true;
		c->qpolls_dirty = true;
		memif__loop_wake(c);
	}
	*fd = m->intr_fd;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static bool take_pending(struct memif *m, uint8_t *qid)
{
	unsigned w;

	for (w = 0; w < 4; w++) {
		uint64_t v = __atomic_load_n(&m->pending[w], __ATOMIC_ACQUIRE);

		while (v) {
			unsigned b = (unsigned)__builtin_ctzll(v);
			uint64_t bit = 1ull << b;

			if (__atomic_fetch_and(&m->pending[w], ~bit,
					       __ATOMIC_ACQ_REL) &
			    bit) {
				*qid = (uint8_t)(w * 64 + b);
				return true;
			}
			v &= ~bit;
		}
	}
	return false;
}

int memif_read_interrupt(struct memif *m, uint8_t *qid)
{
	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!qid)
		return MEMIF_ERR_INVAL_ARG;
	if (take_pending(m, qid))
		return MEMIF_OK;
	/* Clear, then look again: a bit set before its signal is not lost.
	 * No fd yet: nothing was dispatched (memif_get_interrupt_fd). */
	if (__atomic_load_n(&m->intr_fd, __ATOMIC_ACQUIRE) >= 0)
		memif__os_eventfd_clear(m->intr_fd);
	return take_pending(m, qid) ? MEMIF_OK : MEMIF_ERR_AGAIN;
}

int memif_get_interrupt_error_fd(struct memif *m, int *fd)
{
	struct memif__ctx *c = memif__ctx;
	bool fresh;
	int ret;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!fd)
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	fresh = m->err_fd < 0;
	ret = lazy_eventfd(&m->err_fd);
	/* Errors queued before the fd existed make it readable at once. */
	if (ret == MEMIF_OK && fresh && m->errq_len)
		memif__os_eventfd_signal(m->err_fd);
	*fd = m->err_fd;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int memif_read_interrupt_error(struct memif *m, int *err_code)
{
	struct memif__ctx *c = memif__ctx;
	int ret = MEMIF_ERR_AGAIN;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!err_code)
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	if (m->errq_len) {
		*err_code = m->errq[m->errq_head];
		m->errq_head = (m->errq_head + 1) % MEMIF__ERRQ_LEN;
		m->errq_len--;
		ret = MEMIF_OK;
	}
	if (!m->errq_len && m->err_fd >= 0)
		memif__os_eventfd_clear(m->err_fd);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int memif_get_queue_interrupt_fd(struct memif *m, uint8_t qid, int *fd)
{
	struct memif__ctx *c = memif__ctx;
	int ret = MEMIF_OK;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!fd)
		return MEMIF_ERR_INVAL_ARG;
	if (!c)
		return MEMIF_ERR_NOT_INIT;
	pthread_mutex_lock(&c->lock);
	/* Valid from before on_connect until on_disconnect has returned. */
	if (m->state != MEMIF__CONNECTED && !m->release_pending)
		ret = MEMIF_ERR_DISCONNECTED;
	else if (qid >= m->alloc_rxq || !m->rxq[qid]->ring)
		ret = MEMIF_ERR_QID;
	else
		*fd = m->rxq[qid]->efd;
	pthread_mutex_unlock(&c->lock);
	return ret;
}
