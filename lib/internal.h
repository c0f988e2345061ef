/* SPDX-License-Identifier: MIT */
/*
 * Private declarations shared by lib/: the library context, sockets,
 * control connections, interfaces and queues, and the memif__* functions
 * that connect the files.  Never installed.
 */
#ifndef MEMIF_INTERNAL_H
#define MEMIF_INTERNAL_H

#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <liburing.h>

#include "memif/memif.h"
#include "memif_proto.h"
#include "msg.h"
#include "layout.h"
#include "ring.h"

#define MEMIF__MAX_REGIONS 256 /* we advertise max_region index 255 */
/* HELLO's highest ring index each way (libmemif's, DPDK's and gomemif's
 * value), and the highest a master accepts: 256 rings each way, one more
 * than our own slaves can ask for (a uint8_t count). */
#define MEMIF__HELLO_MAX_RING 255
#define MEMIF__MAX_PENDING 32 /* unauthenticated connections per socket */
/* A pending connection that has not answered HELLO for this long is idle,
 * and may make room for a newer one. */
#define MEMIF__IDLE_GRACE_NS 200000000ull
#define MEMIF__ERRQ_LEN 64
#define MEMIF__RECV_BUF 256 /* > 128, so a long datagram shows as such */
/* Room for as many fds as one datagram can carry (the kernel's SCM_MAX_FD):
 * fds that do not fit are closed by the kernel inside our recvmsg, on the
 * event-loop thread, where a close may take as long as the peer likes. */
#define MEMIF__RECV_FDS 253

/* What an io_uring completion belongs to (upper bits of user_data). */
enum memif__op_kind {
	MEMIF__OP_WAKE = 1,
	MEMIF__OP_TIMER,
	MEMIF__OP_TIMER_UPDATE,
	MEMIF__OP_LISTEN,
	MEMIF__OP_RECV,
	MEMIF__OP_QPOLL,
	MEMIF__OP_CANCEL,
};

/* user_data = kind:8 | aux:8 | gen:16 | slot:32 */
static inline uint64_t memif__op_pack(unsigned kind, unsigned aux, uint32_t gen,
				      uint32_t slot)
{
	return ((uint64_t)kind << 56) | ((uint64_t)(aux & 0xff) << 48) |
	       ((uint64_t)(gen & 0xffff) << 32) | slot;
}

/* A slot in the object table: completions name objects by (slot, gen), so
 * a completion for an object that is gone is recognised and ignored. */
struct memif__obj {
	void *ptr;
	uint16_t gen;
};

/* The same refusal again and again (a peer retrying every 100 ms with the
 * same bad setting): logged at its level the 1st, 10th, 100th, ... time in
 * a row, at DEBUG in between. */
struct memif__repeat {
	uint32_t hash; /* of the last line's key */
	uint32_t n; /* times in a row */
};

struct memif__socket {
	char name[MEMIF_SOCKET_PATH_MAX]; /* as configured ("@x" or a path) */
	struct sockaddr_un addr;
	socklen_t addrlen;
	bool abstract;
	int fd; /* listening socket */
	uint32_t slot;
	int refs; /* master interfaces using it */
	int n_pending; /* connections not yet bound by INIT ... */
	struct memif__conn *pending; /* ... listed, newest first */
	struct memif__repeat refused; /* slaves refused before binding one */
	bool accept_more; /* backlog not drained on the last pass */
	uint64_t accept_at_ns; /* ... and when an idle one may go (0: when
				  the talking ones have been read) */
	bool created_file; /* we bound the path: unlink on close */
	uint64_t file_dev, file_ino; /* ... only if it is still ours */
	/* Master interfaces by id (chained through memif.sock.id_next):
	 * INIT and memif_create_interface find one without a walk over all. */
	struct memif **by_id;
	uint32_t by_id_cap, by_id_n;
	uint32_t handshake_ms; /* shortest of its interfaces', 0: recompute */
	struct memif__socket *next;
};

/* One control connection (either role). */
struct memif__conn {
	int fd;
	uint32_t slot;
	bool is_master;
	bool dead; /* torn down; freed when the recv completes */
	bool recv_armed;
	bool busy; /* inside memif__conn_on_recv: free later */
	struct memif__socket *sock; /* master: listener it came from */
	struct memif *m; /* bound interface (master: after INIT) */
	struct memif_msg_ctx mctx;
	/* master: what INIT asked for, for the refusal's log line */
	uint32_t init_id;
	char peer_name[MEMIF_NAME_MAX];
	char why[MEMIF_REASON_MAX]; /* a refusal's reason, if more precise
				       than the fault's */
	uint64_t deadline_ns; /* handshake timeout */
	uint64_t born_ns; /* accepted or connected */
	uint64_t region_size[MEMIF__MAX_REGIONS]; /* master: announced */
	/* slave: the queued handshake messages, sent one per ACK */
	struct memif_msg *txq;
	int *txq_fd;
	unsigned txq_len, txq_next;
	/* recvmsg in flight through io_uring: must outlive the request */
	struct msghdr rx_msg;
	struct iovec rx_iov;
	uint8_t rx_buf[MEMIF__RECV_BUF];
	union {
		size_t align; /* cmsghdr alignment */
		uint8_t buf[CMSG_SPACE(sizeof(int) * MEMIF__RECV_FDS) +
			    CMSG_SPACE(sizeof(struct ucred))];
	} rx_cmsg;
	struct memif__conn *next, **pprev; /* pprev: unlinked in O(1) */
	/* master: on sock->pending from accept until INIT binds it or it
	 * dies (pend_pprev NULL otherwise) */
	struct memif__conn *pend_next, **pend_pprev;
};

struct memif__region {
	uint8_t *base;
	uint64_t size;
	int fd;
};

/* Per-queue counters: written by the queue's data thread only (relaxed
 * stores), read by memif_get_details. */
struct memif__qstats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops_bad_desc;
	uint64_t drops_too_long;
	uint64_t ring_full;
	uint64_t interrupts;
};

/* Quiescence gate: the data path enters with CAS OPEN -> BUSY and leaves
 * with a release store of OPEN; teardown waits for OPEN and CASes it to
 * CLOSED before it unmaps anything (tag-gate). */
#define MEMIF__GATE_CLOSED 0u
#define MEMIF__GATE_OPEN 1u
#define MEMIF__GATE_BUSY 2u

struct memif__queue {
	uint32_t gate;
	/* ---- set at connect, read-only while the gate is open ---- */
	struct memif_ring *ring;
	uint16_t size; /* entries: a power of two, at most 16384 */
	uint16_t mask;
	bool is_master;
	uint8_t qid;
	int efd; /* the ring's eventfd */
	bool kick_ready; /* tx: kick is set up */
	struct io_uring kick; /* tx: writes efd without ever blocking */
	const struct memif_region_view *regions;
	uint16_t n_regions;
	uint32_t max_frag; /* longest acceptable fragment */
	uint32_t max_packet; /* tx: longest packet we send */
	/* slave: where each slot's own buffer lives in region 0 */
	uint64_t buf_base_off; /* offset of slot 0's buffer */
	uint32_t buf_size;
	uint8_t *region0;
	struct memif *m;
	/* ---- data-thread state ---- */
	uint16_t cursor; /* next slot to consume (rx) or fill (tx) */
	uint16_t released; /* rx: consumed and given back */
	uint16_t held; /* rx: slots lent to the caller as views */
	uint16_t reserved; /* tx: slots reserved by memif_tx_alloc */
	uint16_t space_end; /* tx: end of the free slots the last burst saw
			    (the peer's index it loaded) */
	uint8_t rx_mode; /* enum memif_rx_mode; written by memif_set_rx_mode
			    under the lock, read relaxed by the data thread */
	bool fault;
	uint8_t *reasm; /* chained-packet reassembly buffer */
	uint32_t reasm_cap;
	struct memif__qstats st;
	/* ---- zero-copy (zc.c): a slave's queue when it has pools ---- */
	struct memif_buf *zc_rec; /* per slot: the application's buffer
				     there (tx: as sent; rx: as lent), or
				     data NULL; our record, never the ring */
	uint16_t zc_cap; /* entries of zc_rec (the ring's size) */
	uint16_t zc_held; /* records in zc_rec */
	uint16_t zc_done; /* tx: completions handed back up to here */
	bool zc_rx; /* rx: the ring holds application buffers only */
	char pad[64];
};

enum memif__state {
	MEMIF__IDLE = 0,
	MEMIF__CONNECTING,
	MEMIF__CONNECTED,
};

/*
 * An interface.  Everything in it is written under memif__ctx->lock (the
 * library lock) unless its group says otherwise; each group names what it
 * holds and who writes it.
 */
struct memif {
	uint32_t slot; /* in the object table (memif__obj_add) */
	bool closing; /* memif__close_locked has begun: nothing new starts */
	/* on memif__ctx->ifaces; pprev: unlinked in O(1) */
	struct memif *next, **pprev;

	/* What the application asked for, defaults applied: written by
	 * memif_create_interface, read-only after. */
	struct memif__cfg {
		char if_name[MEMIF_NAME_MAX];
		char instance_name[MEMIF_NAME_MAX];
		char app_name[MEMIF_NAME_MAX];
		char secret[MEMIF_SECRET_MAX];
		char sock_name[MEMIF_SOCKET_PATH_MAX];
		uint32_t id;
		bool is_master;
		uint8_t mode;
		uint16_t rx_queues, tx_queues; /* 1..256 */
		uint32_t buffer_size;
		uint8_t log2_ring_size;
		enum memif_rx_mode rx_mode;
		uint32_t reconnect_ms, handshake_ms, max_packet;
		bool allow_unsealed;
		uint8_t hugepages; /* enum memif_hugepages */
		void *user_data;
	} cfg;

	/* The application's callbacks, and a call into one (memif.c call_cb:
	 * the event loop's thread, which drops the lock during the call). */
	struct memif__cb {
		struct memif_callbacks fn; /* copied at create */
		bool running; /* a callback of this interface is running ... */
		pthread_t thread; /* ... on this thread */
		bool close_pending; /* memif_close from inside its callback */
		struct memif *next; /* on memif__ctx->cb_list ... */
		bool listed; /* ... while this is set */
	} cb;

	/* Where the control channel comes from (socket.c): set at create;
	 * id_next also moves when the listener's table grows or loses one. */
	struct memif__sock {
		struct memif__socket *listener; /* master: shared listener */
		struct memif *id_next; /* master: its listener's by_id chain */
		struct sockaddr_un peer_addr; /* slave: where to connect */
		socklen_t peer_addrlen;
	} sock;

	/* The link and its handshake (conn.c: the event loop, and memif_close
	 * through memif__disconnect): state, the control connection, what the
	 * peer said, why the link went. */
	struct memif__link {
		enum memif__state state;
		struct memif__conn *cn;
		uint64_t next_attempt_ns; /* slave reconnect timer; 0 = none */
		int last_connect_err;
		char remote_if_name[MEMIF_NAME_MAX];
		char remote_instance_name[MEMIF_NAME_MAX];
		char remote_reason[MEMIF_REASON_MAX];
		char local_reason[MEMIF_REASON_MAX];
		struct memif__repeat refused; /* refusals either way since
						 link-up */
		char refusal_reason[MEMIF_REASON_MAX]; /* master: last peer
							  refused */
		char refusal_peer[MEMIF_NAME_MAX];
		uint32_t peer_buffer_size; /* master: the slave's buffer size */
		uint32_t connects;
		bool up_notified; /* on_connect ran: on_disconnect owed */
		bool release_pending; /* shared memory kept for on_disconnect */
	} conn;

	/* Shared memory of the live (or forming) connection (region.c): as
	 * many entries as the connection negotiated (memif__regions_reserve),
	 * freed with it, so an idle interface holds no 256-entry tables. */
	struct memif__shm {
		struct memif__region *regions;
		struct memif_region_view *views;
		uint16_t n_regions, cap_regions;
		struct memif_layout layout; /* slave */
		/* rings collected during the handshake (master) or created
		 * (slave) */
		struct memif__ring_info {
			uint16_t region;
			uint32_t offset;
			uint8_t log2;
			int efd;
		} *s2m, *m2s; /* cap_s2m, cap_m2s entries
				 (memif__rings_reserve) */
		uint16_t n_s2m, n_m2s;
		uint16_t cap_s2m, cap_m2s;
		bool huge_fallback_logged; /* no hugepages: said once */
	} shm;

	/* Zero-copy (zc.c), slave: buffers held for connections that went,
	 * until memif_zc_reclaim.  The pools are in dp. */
	struct memif__zc {
		struct memif_buf *orphans;
		uint32_t n_orphans, cap_orphans;
	} zc;

	/* What the bursts read of the interface (queue.h memif__q_enter,
	 * rx.c, zc.c), kept together: queues are allocated at the first
	 * connection that needs them and kept until close, so a late burst
	 * never touches freed memory; n_rxq/n_txq are published (release)
	 * after the queues are set up and read by the data threads with
	 * acquire.  The zero-copy pools (slave) are regions 1..n_pools, fixed
	 * from create to close. */
	struct memif__dp {
		uint16_t n_rxq, n_txq;
		bool zc_rx; /* zero_copy_rx: rx bursts are memif_rx_burst_zc */
		uint16_t n_pools;
		struct memif__zc_pool {
			struct memif_pool *pool;
			uint8_t *base;
			uint64_t size;
			uint32_t mask; /* buffer_size - 1 */
		} *pools;
		struct memif__queue *rxq[MEMIF_MAX_QUEUES + 1];
		struct memif__queue *txq[MEMIF_MAX_QUEUES + 1];
		uint16_t alloc_rxq, alloc_txq; /* queues allocated so far, kept
						  until the interface is
						  closed */
		uint16_t det_rxq, det_txq; /* queues of the last connection,
					     for details after it went down */
	} dp;

	/* The application's waits (interrupts.c): the interrupt fd and the
	 * error fd, made under the lock at the first request and published
	 * (release); pending is set by the event loop and taken by any thread
	 * (atomics). */
	struct memif__irq {
		int intr_fd;
		bool dispatch; /* io_uring polls on RX eventfds wanted */
		uint64_t qpolls_armed[4]; /* RX queues with a poll in flight */
		uint64_t pending[4]; /* queue ids with interrupts */
		int err_fd;
		int errq[MEMIF__ERRQ_LEN];
		unsigned errq_head, errq_len;
	} irq;
};

struct memif__ctx {
	pthread_mutex_t lock; /* all control-plane state below and in memif */
	pthread_cond_t cond; /* callback finished */
	struct io_uring ring;
	int wake_fd;
	bool wake_armed;
	bool no_event_thread;
	pthread_t thread;
	bool thread_running;
	bool stop;
	pthread_t loop_thread; /* thread inside the loop right now */
	bool in_loop;
	char app_name[MEMIF_NAME_MAX];
	struct memif__socket *sockets;
	struct memif *ifaces;
	struct memif__conn *conns;
	struct memif__obj *objs;
	uint32_t n_objs, cap_objs;
	uint32_t free_slot_hint;
	bool timer_armed;
	uint64_t timer_at;
	unsigned sqe_pending;
	int grave[2]; /* where peer fds go to be closed (loop.c) */
	bool dp_fault; /* a data thread flagged a broken ring */
	bool cb_due; /* an interface owes a callback */
	struct memif *cb_list; /* interfaces that may owe one */
	/* No deadline (reconnect, handshake, accept retry) is due before
	 * this: the walk over all of them is made only when it passes.
	 * Lowered by memif__timer_note wherever a deadline is set; may be
	 * early (a deadline cleared since), never late. */
	uint64_t timer_next;
	bool qpolls_dirty; /* memif_get_interrupt_fd asked for dispatch */
};

extern struct memif__ctx *memif__ctx;

/* The RX ring flags a receive mode asks of the peer: only polling masks
 * interrupts; both interrupt modes want the signal. */
static inline bool memif__rx_mode_valid(enum memif_rx_mode mode)
{
	/* Through unsigned, so a negative value cast in is refused too. */
	return (unsigned)mode <= MEMIF_RX_MODE_INTERRUPT_EDGE;
}

static inline uint16_t memif__rx_mode_ring_flags(enum memif_rx_mode mode)
{
	return mode == MEMIF_RX_MODE_POLLING ? MEMIF_RING_FLAG_MASK_INT : 0;
}

/* ---- log.c ---- */
/* memif__repeat's level for a line whose identity is @key. */
enum memif_log_level memif__log_repeat(struct memif__repeat *r,
				       enum memif_log_level lvl,
				       const char *key);
int memif__log_level_parse(const char *s);
void memif__log(enum memif_log_level lvl, const struct memif *m, int qid,
		int err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ---- errors.c ---- */
int memif__err_from_errno(int neg_errno);
int memif__err_from_fault(enum memif_fault f);
int memif__err_from_reason(const char *reason);

/* ---- interrupts.c ---- */
void memif__push_error(struct memif *m, int code);

/* ---- memif.c ---- */
uint64_t memif__now_ns(void);

/* The CLOCK_MONOTONIC time @ms milliseconds from now, in ns. */
static inline uint64_t memif__ns_after_ms(uint64_t ms)
{
	return memif__now_ns() + ms * 1000000ull;
}
void memif__cb_due(struct memif__ctx *c, struct memif *m);

/* A deadline was set at @t: the timer must fire no later. */
static inline void memif__timer_note(struct memif__ctx *c, uint64_t t)
{
	if (t && t < c->timer_next)
		c->timer_next = t;
}

/* ---- loop.c ---- */
int memif__loop_init(struct memif__ctx *c);
void memif__loop_fini(struct memif__ctx *c);
void memif__loop_run_once(struct memif__ctx *c, int timeout_ms);
void *memif__loop_thread(void *arg);
void memif__loop_wake(struct memif__ctx *c);
struct io_uring_sqe *memif__sqe(struct memif__ctx *c);
void memif__loop_submit(struct memif__ctx *c);
uint32_t memif__obj_add(struct memif__ctx *c, void *ptr);
void memif__obj_del(struct memif__ctx *c, uint32_t slot);
uint16_t memif__obj_gen(struct memif__ctx *c, uint32_t slot);
void memif__loop_cancel(struct memif__ctx *c, uint64_t user_data);
void memif__close_peer_fd(struct memif__ctx *c, int fd);
void memif__close_peer_fds(struct memif__ctx *c, const int *fds, unsigned n);
void memif__grave_retire(struct memif__ctx *c);
void memif__arm_qpolls(struct memif__ctx *c, struct memif *m);
void memif__cancel_qpolls(struct memif__ctx *c, struct memif *m);

/* ---- socket.c ---- */
int memif__socket_addr(const char *name, struct sockaddr_un *addr,
		       socklen_t *len, bool *abstract);
int memif__socket_get(struct memif__ctx *c, struct memif *m,
		      const struct memif_config *cfg);
void memif__socket_put(struct memif__ctx *c, struct memif__socket *s);
void memif__socket_accept(struct memif__ctx *c, struct memif__socket *s);
void memif__socket_pending_del(struct memif__conn *cn);
struct memif *memif__socket_find(struct memif__socket *s, uint32_t id);
void memif__socket_unbind(struct memif__socket *s, struct memif *m);
int memif__send_msg(int fd, const struct memif_msg *msg, int pass_fd);

/* ---- conn.c ---- */
void memif__conn_arm_recv(struct memif__ctx *c, struct memif__conn *cn);
void memif__conn_on_recv(struct memif__ctx *c, struct memif__conn *cn, int res);
struct memif__conn *memif__conn_new(struct memif__ctx *c, int fd,
				    bool is_master);
void memif__conn_kill(struct memif__ctx *c, struct memif__conn *cn);
int memif__conn_send_hello(struct memif__ctx *c, struct memif__conn *cn);
void memif__conn_set_unbound_deadline(struct memif__ctx *c,
				      struct memif__conn *cn);
void memif__slave_try_connect(struct memif__ctx *c, struct memif *m);
void memif__disconnect(struct memif__ctx *c, struct memif *m,
		       enum memif_fault reason, int err_code, bool send_disc);
void memif__conn_timeouts(struct memif__ctx *c, uint64_t now);
void memif__run_callbacks(struct memif__ctx *c);
void memif__check_dp_faults(struct memif__ctx *c);
void memif__release_conn_state(struct memif *m);
void memif__close_locked(struct memif__ctx *c, struct memif *m);

/* ---- region.c ---- */
int memif__regions_reserve(struct memif *m, unsigned n);
int memif__rings_reserve(struct memif *m, bool s2m, unsigned n);
int memif__region_create(struct memif *m);
int memif__region_check_fd(int fd, uint64_t size, bool allow_unsealed,
			   enum memif_fault *fault);
int memif__region_map(struct memif__region *r);
void memif__regions_release(struct memif *m);
int memif__eventfd_check(int fd);
bool memif__fd_is_eventfd(int fd);
bool memif__fd_is_memory(int fd);

/* ---- memif.c ---- */
int memif__api_lock(const struct memif *m, bool arg_ok);

/* The way out of a public call that memif__api_lock let in. */
static inline void memif__api_unlock(void)
{
	pthread_mutex_unlock(&memif__ctx->lock);
}

/* ---- queue.c (the bursts: tx.c, rx.c over queue.h) ---- */
int memif__queues_setup(struct memif *m);
void memif__queues_quiesce(struct memif *m);
void memif__queues_release(struct memif *m);
void memif__queues_free(struct memif *m);
void memif__queue_set_rx_mode(struct memif__queue *q, enum memif_rx_mode mode);

/* ---- zc.c (zero-copy with the application's pools) ---- */
struct memif_pool {
	uint32_t refs; /* the application's, and one per interface */
	uint8_t *base;
	uint64_t size; /* n_buffers * buffer_size */
	uint64_t map_size; /* what is mapped (whole hugepages) */
	int fd;
	uint32_t buffer_size;
	uint32_t n_buffers;
	bool huge;
	bool sealed;
};
const char *memif__zc_config_error(const struct memif_config *cfg);
int memif__zc_attach(struct memif *m, const struct memif_config *cfg);
void memif__zc_free(struct memif *m);
bool memif__zc_regions_fit(const struct memif *m, uint16_t max_region,
			   char *why, size_t why_len);
int memif__zc_regions(struct memif *m);
int memif__zc_queues_setup(struct memif *m);
void memif__zc_orphan(struct memif *m);

/* ---- os.c ---- */
int memif__os_socket(void);
int memif__os_socketpair(int sv[2]);
int memif__os_sendmsg(int fd, const struct msghdr *mh);
int memif__os_recvmsg(int fd, struct msghdr *mh);
int memif__os_connect(int fd, const struct sockaddr_un *addr, socklen_t len);
int memif__os_accept(int fd);
int memif__os_memfd_size(int fd, uint64_t size); /* ftruncate + seal shrink */
int memif__os_mmap_shared(int fd, uint64_t size, void **base);
int memif__os_set_nonblock(int fd);
int memif__os_eventfd(void);
int memif__os_memfd(const char *name);
int memif__os_memfd_huge(const char *name); /* 2 MiB pages */
int memif__os_close(int fd);
int memif__os_dup(int fd); /* F_DUPFD_CLOEXEC */
int memif__os_eventfd_signal(int fd);
int memif__os_eventfd_clear(int fd);
int memif__os_signal_init(struct io_uring *r, int efd);
int memif__os_signal(struct io_uring *r);
void memif__os_signal_fini(struct io_uring *r);

#endif /* MEMIF_INTERNAL_H */
