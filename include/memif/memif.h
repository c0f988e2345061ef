/* SPDX-License-Identifier: MIT */
/*
 * memif-native: the memif shared-memory packet interface (protocol 2.0, as
 * spoken by VPP, DPDK net_memif and GoVPP), with the API of GoVPP's
 * Go-libmemif adapter in C.  This is the only header an application needs.
 *
 * Threads (the contract):
 *  - Data path (memif_rx_burst, memif_rx_release, memif_tx_burst,
 *    memif_tx_alloc, memif_tx_commit): one thread per queue, which the caller
 *    promises, as in Go.  Different queues run in parallel with no lock.  A
 *    second thread entering a queue that is busy gets MEMIF_ERR_AGAIN
 *    instead of corrupting the ring.
 *  - Management calls (create, close, details, rx mode, fd getters) are
 *    thread-safe.
 *  - Callbacks (on_connect, on_disconnect) run on the event thread (or in
 *    memif_process_events) with no library lock held: they may create and
 *    close interfaces; closing the interface whose callback is running is
 *    deferred until the callback returns.  on_disconnect fires only after a
 *    matching on_connect.  Views and queue fds of a connection stay valid
 *    until on_disconnect returns; stop the data path on that interface
 *    before returning from it.
 *
 * Errors: every fallible function returns MEMIF_OK (0) or a MEMIF_ERR_*
 * code numbered as in the Go adapter's error.go.  Protocol failures surface
 * asynchronously (logger, interrupt-error fd, details.remote_disconnect_reason)
 * with these codes:
 *
 *   malformed/short message, MSG_TRUNC, out of sequence  MEMIF_ERR_MFMSG (22)
 *   unknown message type                                 MEMIF_ERR_UNKNOWN_MSG (36)
 *   unsupported version                                  MEMIF_ERR_PROTO (24)
 *   bad ring cookie                                      MEMIF_ERR_COOKIE (17)
 *   missing region fd / missing interrupt fd             MEMIF_ERR_NO_SHMFD (16) / MEMIF_ERR_NO_INTFD (33)
 *   secret mismatch / secret required                    MEMIF_ERR_SECRET (29) / MEMIF_ERR_NOSECRET (30)
 *   unknown interface id                                 MEMIF_ERR_ID (25)
 *   interface already connected or connecting            MEMIF_ERR_ALRCONN (27)
 *   mode mismatch                                        MEMIF_ERR_MODE (28)
 *   too many regions / rings / log2 ring size            MEMIF_ERR_MAXREG (31) / MEMIF_ERR_MAXRING (32) / MEMIF_ERR_MAX_RING (38)
 *   non-zero private_hdr_size                            MEMIF_ERR_PRIVHDR (39)
 *   peer sent DISCONNECT / peer closed the socket        MEMIF_ERR_DISCONNECT (34) / MEMIF_ERR_DISCONNECTED (35)
 *
 * Roles keep the memif names: master = DPDK "server", slave = DPDK "client".
 * Language: C11 or later (struct timespec, bool), or C++11 or later; it
 * compiles warning-free with -Wall -Wextra -pedantic in both.  Link with
 * `pkg-config --cflags --libs memif-native` (shared) or memif-native-static
 * (libmemif-native.a; see the README's Install section).
 *
 * Version: MEMIF_NATIVE_VERSION(_STRING), from <memif/memif_version.h>
 * (included here), is what the program was compiled against;
 * memif_version() is the library it runs with.
 */
#ifndef MEMIF_MEMIF_H
#define MEMIF_MEMIF_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <memif/memif_version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MEMIF_BUILDING_LIB)
#define MEMIF_API __attribute__((visibility("default")))
#else
#define MEMIF_API
#endif
/*
 * On every function whose result must be looked at.  GCC does not let a
 * (void) cast silence it: test the result (`if (memif_x(...)) ...`).  The
 * teardown calls memif_close() and memif_cleanup() do not carry it.
 */
#define MEMIF_MUST_CHECK __attribute__((warn_unused_result))

/* ---- error codes (Go adapter error.go numbers) ------------------------- */
#define MEMIF_OK 0
#define MEMIF_ERR_SYSCALL 1 /* other syscall failure; see memif_errno() */
#define MEMIF_ERR_CONNREFUSED 2
#define MEMIF_ERR_ACCES 3
#define MEMIF_ERR_NO_FILE 4
#define MEMIF_ERR_FILE_LIMIT 5
#define MEMIF_ERR_PROC_FILE_LIMIT 6
#define MEMIF_ERR_ALREADY 7
#define MEMIF_ERR_AGAIN 8
#define MEMIF_ERR_BAD_FD 9
#define MEMIF_ERR_NOMEM 10
#define MEMIF_ERR_INVAL_ARG 11
#define MEMIF_ERR_NOCONN 12
#define MEMIF_ERR_CONN 13
#define MEMIF_ERR_CB_FDUPDATE 14
#define MEMIF_ERR_FILE_NOT_SOCK 15
#define MEMIF_ERR_NO_SHMFD 16
#define MEMIF_ERR_COOKIE 17
#define MEMIF_ERR_NOBUF_RING 18
#define MEMIF_ERR_NOBUF 19
#define MEMIF_ERR_NOBUF_DET 20
#define MEMIF_ERR_INT_WRITE 21
#define MEMIF_ERR_MFMSG 22
#define MEMIF_ERR_QID 23
#define MEMIF_ERR_PROTO 24
#define MEMIF_ERR_ID 25
#define MEMIF_ERR_ACCSLAVE 26
#define MEMIF_ERR_ALRCONN 27
#define MEMIF_ERR_MODE 28
#define MEMIF_ERR_SECRET 29
#define MEMIF_ERR_NOSECRET 30
#define MEMIF_ERR_MAXREG 31
#define MEMIF_ERR_MAXRING 32
#define MEMIF_ERR_NO_INTFD 33
#define MEMIF_ERR_DISCONNECT 34
#define MEMIF_ERR_DISCONNECTED 35
#define MEMIF_ERR_UNKNOWN_MSG 36
#define MEMIF_ERR_POLL_CANCELED 37
#define MEMIF_ERR_MAX_RING 38
#define MEMIF_ERR_PRIVHDR 39
#define MEMIF_ERR_NOT_INIT 100
#define MEMIF_ERR_ALREADY_INIT 101
#define MEMIF_ERR_UNSUPPORTED 102
#define MEMIF_ERR_EOF 103 /* packet handle: nothing now / closed (io.EOF) */
#define MEMIF_ERR_WOULD_DEADLOCK 104 /* memif_cleanup inside a callback */
#define MEMIF_ERR_PKT_LEN 106 /* TX length 0 or larger than possible */
#define MEMIF_ERR_UNKNOWN (-1)

/* ---- limits ------------------------------------------------------------ */
#define MEMIF_MAX_QUEUES 255
#define MEMIF_NAME_MAX 32 /* including the NUL: 31 usable */
#define MEMIF_SECRET_MAX 24 /* including the NUL: 23 usable */
#define MEMIF_SOCKET_PATH_MAX 108 /* including the NUL: 107 usable */
#define MEMIF_REASON_MAX 96
#define MEMIF_DEFAULT_SOCKET "/run/vpp/memif.sock"
#define MEMIF_OWNER_UNCHANGED (-1) /* socket_uid / socket_gid: keep it */

/* Interface mode (IfMode); travels in INIT; the master requires a match. */
enum memif_if_mode {
	MEMIF_IF_MODE_ETHERNET = 0,
	MEMIF_IF_MODE_IP = 1,
	MEMIF_IF_MODE_PUNT_INJECT = 2,
};

/*
 * Receive mode (RxMode), per RX queue.  Only MASK_INT on our RX ring
 * travels to the peer: it is set in polling mode and clear in both
 * interrupt modes, so the peer cannot tell the two interrupt modes apart.
 *
 * MEMIF_RX_MODE_INTERRUPT (level): the peer writes the queue's eventfd
 *   (memif_get_queue_interrupt_fd) once per burst.  Wait on it
 *   level-triggered (poll(), epoll without EPOLLET).  memif_rx_burst, when
 *   it finds the ring empty, reads (clears) the eventfd and then checks the
 *   ring again, so a wake-up costs two syscalls: the wait and that read.
 * MEMIF_RX_MODE_POLLING: MASK_INT is set, the peer never signals, and
 *   memif_rx_burst makes no syscall at all.
 * MEMIF_RX_MODE_INTERRUPT_EDGE (memif-native; not in Go): the peer signals
 *   as in interrupt mode, but memif_rx_burst never reads the eventfd.  Wait
 *   on it edge-triggered only: epoll with EPOLLIN | EPOLLET, or an io_uring
 *   multishot poll.  Each eventfd write by the peer wakes such a waiter
 *   once, whether or not the counter was read, so a wake-up costs exactly
 *   one syscall (the epoll_wait).  After every wake-up call memif_rx_burst
 *   until it returns 0 packets, then wait again: then no wake-up is lost
 *   (the argument: lib/ring.h in the source, tag-ring-wakeup), and a stale
 *   edge only costs a wake-up that finds the ring empty.  The eventfd
 *   counter only grows (64 bits: centuries at 10^7 signals/s), so the fd
 *   stays readable: a level-triggered poll() on it would return at once,
 *   forever.  Do not mix the two kinds of wait on one queue.
 */
enum memif_rx_mode {
	MEMIF_RX_MODE_INTERRUPT = 0,
	MEMIF_RX_MODE_POLLING = 1,
	MEMIF_RX_MODE_INTERRUPT_EDGE = 2,
};

struct memif; /* an interface (Memif) */
struct memif_packet_handle; /* MemifPacketHandle */
struct memif_pool; /* application buffers shared as a region (zero-copy) */

/* on_connect / on_disconnect (ConnUpdateCallback).  The return value is
 * logged when non-zero and otherwise ignored, as in Go. */
typedef int (*memif_conn_update_cb)(struct memif *m, void *ctx);

struct memif_callbacks {
	memif_conn_update_cb on_connect; /* may be NULL */
	memif_conn_update_cb on_disconnect; /* may be NULL */
	void *ctx; /* passed back verbatim */
};

/*
 * Interface configuration (MemifConfig = MemifMeta + MemifShmSpecs).  Every
 * field's zero value means its documented default, so
 *   struct memif_config c = { .if_name = "memif0", .is_master = true };
 * works.  Strings are copied during memif_create_interface.
 */
struct memif_config {
	/* MemifMeta */
	const char *if_name; /* sent in CONNECT/CONNECTED; <= 31 chars kept */
	const char *instance_name; /* our name in HELLO/INIT; default: app_name,
				      then memif_init's app_name */
	uint32_t conn_id; /* pairs master and slave on one socket */
	const char *socket_filename; /* NULL/"" = /run/vpp/memif.sock; leading
					'@' = abstract namespace; <= 107 */
	const char *secret; /* NULL/"" = none; > 23 chars is rejected */
	bool is_master;
	enum memif_if_mode mode;
	const char *app_name;
	/* MemifShmSpecs.  As with VPP, the slave decides the shared memory:
	 * a slave asks for these (a master may grant fewer), a master takes
	 * whatever the slave asks, 1..256 rings each way (HELLO advertises
	 * 255 as the highest index), and ignores its own queue counts.  The
	 * negotiated counts are in memif_get_details() from on_connect on.
	 * Go's are uint8; these are wider so that 256 fits: a count above
	 * 256 is refused by memif_create_interface (MEMIF_ERR_INVAL_ARG),
	 * one above 65535 by the compiler (-Woverflow) when constant. */
	uint16_t num_rx_queues; /* 0 -> 1; at most 256 */
	uint16_t num_tx_queues; /* 0 -> 1; at most 256 */
	uint16_t buffer_size; /* 0 -> 2048; decides slot size on a slave */
	uint8_t log2_ring_size; /* 0 -> 10; max 14 */
	/* memif-native additions */
	void *user_data; /* returned by memif_get_user_data() */
	enum memif_rx_mode rx_mode; /* applied to every RX queue at connect */
	uint32_t reconnect_interval_ms; /* slave retry period, 0 -> 2000 */
	uint32_t handshake_timeout_ms; /* stalled handshake dropped, 0 -> 5000 */
	uint32_t max_packet_size; /* longest chain reassembled, 0 -> 65535 */
	uint32_t socket_mode; /* master socket file mode, 0 -> 0660 */
	/* Owner and group of a master's socket file, as chown(2) takes them
	 * (0 is root), applied only with set_socket_owner; -1
	 * (MEMIF_OWNER_UNCHANGED) keeps that one as created.  Without
	 * set_socket_owner both must be 0 (MEMIF_ERR_INVAL_ARG otherwise)
	 * and the file keeps the creating process's owner and group. */
	bool set_socket_owner;
	int32_t socket_uid;
	int32_t socket_gid;
	bool allow_unsealed_regions; /* master: accept regions that are not
					sealed against shrinking (VPP/DPDK
					zero-copy slaves).  This trusts the
					peer not to shrink them under us. */
	/* slave: where its region (rings and buffers) lives; enum
	 * memif_hugepages, 0 -> normal pages. */
	uint8_t hugepages;
	/* slave, zero-copy (see "zero-copy" below): buffer pools announced
	 * to the master as regions 1..n_pools, in this order, after region
	 * 0.  Each holds a reference to its pool until memif_close().  A
	 * master refuses them (MEMIF_ERR_INVAL_ARG). */
	struct memif_pool *const *pools;
	uint16_t n_pools;
	/* slave with pools: the M2S rings carry the application's buffers
	 * only (memif_rx_refill, memif_rx_burst_zc) and start empty; the
	 * copying receives refuse this interface (MEMIF_ERR_UNSUPPORTED). */
	bool zero_copy_rx;
};

/*
 * memif_config.hugepages: a slave's region on 2 MiB pages (MFD_HUGETLB),
 * which a ring of 2^14 slots and jumbo buffers touches with far fewer TLB
 * entries.  The pages come from the kernel's pool (vm.nr_hugepages), and
 * the region's size is rounded up to whole pages.  The region stays sealed
 * against shrinking, so a master needs no allow_unsealed_regions for it.
 */
enum memif_hugepages {
	MEMIF_HUGEPAGES_NO = 0,
	/* Try, and fall back to normal pages with one WARN log line per
	 * interface when the pool has too few free pages. */
	MEMIF_HUGEPAGES_PREFER = 1,
	/* Hugepages or no connection: the attempt fails (MEMIF_ERR_NOMEM on
	 * the error fd, an ERROR log line saying how many were needed) and
	 * is retried every reconnect interval. */
	MEMIF_HUGEPAGES_REQUIRE = 2,
};

/* Per-queue details and counters (MemifQueueDetails + libmemif extras). */
struct memif_queue_details {
	uint8_t queue_id;
	uint32_t ring_size; /* slots, not log2 */
	uint32_t buffer_size; /* the slave's slot size (a master reads it from
				 the first buffer the slave lends) */
	uint16_t flags; /* ring flags (MASK_INT = polling) */
	uint16_t head;
	uint16_t tail;
	uint16_t region;
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops_bad_desc; /* region/offset/length out of bounds, 0 len */
	uint64_t drops_too_long; /* chain longer than max_packet_size */
	uint64_t ring_full; /* TX bursts that stopped on a full ring */
	uint64_t interrupts; /* TX: signals sent; RX: signals consumed (level
				interrupt mode only: edge mode reads none) */
};

/* GetDetails.  Large (about 40 KiB): allocate it, do not put it on a small
 * stack. */
struct memif_details {
	char if_name[MEMIF_NAME_MAX];
	char instance_name[MEMIF_NAME_MAX];
	uint32_t conn_id;
	char socket_filename[MEMIF_SOCKET_PATH_MAX];
	char secret[MEMIF_SECRET_MAX];
	bool is_master;
	enum memif_if_mode mode;
	char app_name[MEMIF_NAME_MAX];
	char remote_if_name[MEMIF_NAME_MAX];
	char remote_instance_name[MEMIF_NAME_MAX];
	bool has_link; /* connected (not merely connecting) */
	bool connecting;
	char remote_disconnect_reason[MEMIF_REASON_MAX]; /* last one received */
	char local_disconnect_reason[MEMIF_REASON_MAX]; /* last one sent */
	/* master: the last slave this interface refused (by its INIT name),
	 * and why; empty until one is */
	char last_refusal_reason[MEMIF_REASON_MAX];
	char last_refusal_peer[MEMIF_NAME_MAX];
	uint32_t connects; /* completed handshakes so far */
	/* Queues of the live connection, or of the last one (its counters
	 * stay readable after it went down, until the next connect). */
	uint16_t num_rx_queues; /* up to 256: a peer may create one more
				   ring than we can ask for (HELLO's
				   highest index is 255) */
	uint16_t num_tx_queues;
	struct memif_queue_details rx_queues[MEMIF_MAX_QUEUES + 1];
	struct memif_queue_details tx_queues[MEMIF_MAX_QUEUES + 1];
};

/* One packet to copy out (RawPacketData for TxBurst). */
struct memif_tx_pkt {
	const void *data;
	uint32_t len;
};

/* One received packet: a view, valid until the next memif_rx_burst or
 * memif_rx_release on the same queue, or until on_disconnect returns. */
struct memif_rx_pkt {
	const uint8_t *data;
	uint32_t len;
};

/* One piece of a packet: @len bytes at @data. */
struct memif_seg {
	const uint8_t *data;
	uint32_t len;
};

/*
 * A packet as its pieces, in order.  memif_rx_burst_sg fills it: @segs
 * points into the caller's piece array, each piece a view into shared
 * memory (one ring slot), valid as memif_rx_pkt's views are; @len is the
 * sum of the pieces.  memif_tx_burst_sg takes one, so a received packet
 * can be sent on as it came; it reads @segs and @n_segs only (pieces may
 * be empty).
 */
struct memif_pkt_sg {
	const struct memif_seg *segs;
	uint16_t n_segs;
	uint32_t len;
};

/* One TX slot reserved by memif_tx_alloc: write up to @len bytes at @data,
 * then set @len to the bytes written before memif_tx_commit. */
struct memif_tx_buf {
	uint8_t *data;
	uint32_t len;
};

/* gopacket.CaptureInfo */
struct memif_capture_info {
	struct timespec timestamp; /* CLOCK_REALTIME when the packet was read */
	uint32_t capture_length;
	uint32_t length;
};

enum memif_log_level {
	MEMIF_LOG_PANIC = 0,
	MEMIF_LOG_FATAL,
	MEMIF_LOG_ERROR,
	MEMIF_LOG_WARN,
	MEMIF_LOG_INFO,
	MEMIF_LOG_DEBUG,
	MEMIF_LOG_TRACE,
};

/* Log sink.  @if_name is NULL when no interface is involved, @queue_id -1
 * when no queue is.  Called from any library thread, never from the data
 * path. */
typedef void (*memif_log_fn)(enum memif_log_level level, const char *if_name,
			     int queue_id, int err_code, const char *msg,
			     void *ctx);

struct memif_init_opts {
	bool no_event_thread; /* the application drives the loop with
				 memif_process_events() */
};

/* ---- library ------------------------------------------------------------ */

/**
 * memif_set_logger() - replace the log sink (SetLogger).
 * @fn: the sink, or NULL for the default: one line per message on stderr,
 *      "2026-12-07T06:20:01.123Z memif-native warn memif0: text" (UTC, to
 *      the millisecond).
 * @ctx: passed back to @fn.
 * The level starts at WARN, or at the MEMIF_LOG_LEVEL environment variable
 * (read once): a digit 0..6 or a name, in any case: panic, fatal, error,
 * warn (or warning), info, debug, trace.  memif_set_log_level() overrides
 * it.  Swapped atomically; may be called at any time from any thread.
 * The sink may run with the library lock held: it must not call the library
 * (except memif_strerror() and memif_version()), or it deadlocks.
 */
MEMIF_API void memif_set_logger(memif_log_fn fn, void *ctx);

/**
 * memif_set_log_level() - only messages at @level or more severe reach the
 * sink.  Any thread.
 */
MEMIF_API void memif_set_log_level(enum memif_log_level level);

/**
 * memif_init() - initialise the library and start its event thread (Init).
 * @app_name: default instance name sent to peers (HELLO/INIT); may be NULL.
 * Return: MEMIF_OK or one of MEMIF_ERR_ALREADY_INIT, MEMIF_ERR_NOMEM,
 * MEMIF_ERR_SYSCALL (io_uring unavailable: see memif_errno()),
 * MEMIF_ERR_PROC_FILE_LIMIT, MEMIF_ERR_FILE_LIMIT, MEMIF_ERR_AGAIN (no
 * thread could be started, or io_uring is out of locked memory).  Any
 * thread; pair with memif_cleanup().
 */
MEMIF_API MEMIF_MUST_CHECK int memif_init(const char *app_name);

/**
 * memif_init_ex() - memif_init() with options.  With
 * @opts->no_event_thread no thread is started: the application polls
 * memif_get_event_fd() and calls memif_process_events().
 * Return: as memif_init().
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_init_ex(const char *app_name, const struct memif_init_opts *opts);

/**
 * memif_cleanup() - close every open interface (without deadlock), stop the
 * event thread, release everything (Cleanup).  memif_init() may be called
 * again afterwards.
 * Return: MEMIF_OK or MEMIF_ERR_NOT_INIT, or MEMIF_ERR_WOULD_DEADLOCK when
 * called from a callback.
 */
MEMIF_API int memif_cleanup(void);

/**
 * memif_get_event_fd() - the pollable fd of the library's io_uring loop
 * (readable when memif_process_events() has work).  Valid until
 * memif_cleanup().
 * Return: MEMIF_OK, MEMIF_ERR_NOT_INIT or MEMIF_ERR_INVAL_ARG (@fd NULL).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_get_event_fd(int *fd);

/**
 * memif_process_events() - run the event loop once: wait up to @timeout_ms
 * (0 = do not wait, -1 = until something happens) and handle what arrived:
 * accepts, handshakes, timers, interrupt dispatch, callbacks.  Only with
 * no_event_thread; one thread at a time.
 * Return: MEMIF_OK, MEMIF_ERR_NOT_INIT, MEMIF_ERR_INVAL_ARG (an event thread
 * is running) or MEMIF_ERR_WOULD_DEADLOCK (called from a callback, or while
 * another thread is inside memif_process_events(), also while that thread
 * runs a callback).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_process_events(int timeout_ms);

/* ---- interfaces --------------------------------------------------------- */

/**
 * memif_create_interface() - create an interface (CreateInterface).
 * @cfg: configuration, copied; the caller keeps ownership.
 * @cb: callbacks, copied; may be NULL.
 * @out: receives the handle, owned by the caller until memif_close().
 *
 * A master binds (or shares) the listener of its socket; an existing socket
 * file is probed and replaced only when nothing listens on it.  A slave
 * tries to connect at once and then every reconnect interval; a refused
 * connect is not an error.
 * Return: MEMIF_OK or one of MEMIF_ERR_NOT_INIT, MEMIF_ERR_INVAL_ARG (bad
 * mode, rx mode, log2 > 14 is MEMIF_ERR_MAX_RING, secret > 23 chars, path
 * > 107 chars, a queue count over 256, an owner without set_socket_owner,
 * duplicate id and role on the socket, layout over 4 GiB, pools on a
 * master, a NULL or repeated pool, zero_copy_rx without pools),
 * MEMIF_ERR_NOMEM, MEMIF_ERR_ACCES, MEMIF_ERR_NO_FILE, MEMIF_ERR_SYSCALL (e.g.
 * a live listener already owns the path: errno EADDRINUSE),
 * MEMIF_ERR_FILE_NOT_SOCK, MEMIF_ERR_PROC_FILE_LIMIT, MEMIF_ERR_FILE_LIMIT.
 * Thread-safe; allowed inside callbacks.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_create_interface(const struct memif_config *cfg,
		       const struct memif_callbacks *cb, struct memif **out);

/**
 * memif_close() - disconnect (DISCONNECT "interface deleted"), run
 * on_disconnect if on_connect ran, release everything and free @m (Close).
 * Inside @m's own callback the close is deferred until the callback returns.
 * The last interface on a socket closes the listener and removes the socket
 * file it created.  After the call @m is no longer valid.
 * Return: MEMIF_OK or MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_NOT_INIT.
 */
MEMIF_API int memif_close(struct memif *m);

/**
 * memif_get_details() - snapshot of configuration, link state, queues and
 * counters (GetDetails), taken under the interface lock.
 * Return: MEMIF_OK or MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@out
 * NULL), MEMIF_ERR_NOT_INIT.  Thread-safe.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_get_details(struct memif *m,
						 struct memif_details *out);

/** memif_get_user_data() - the config's user_data.  Any thread. */
MEMIF_API void *memif_get_user_data(const struct memif *m);

/**
 * memif_set_rx_mode() - interrupt (level or edge) or polling for RX queue
 * @qid of the live connection (SetRxMode).  The next connection starts in
 * cfg.rx_mode again.  Any mode may follow any other, also while the queue's
 * data thread is inside memif_rx_burst (a burst already running may still
 * act in the old mode).  Packets the peer sent while the queue was polling
 * were not signalled: after switching to an interrupt mode, call
 * memif_rx_burst until it returns 0 packets before the first wait.  From
 * edge to level interrupt mode the eventfd holds the count accumulated in
 * edge mode; the first level wait returns at once and the next empty
 * memif_rx_burst clears it.  Switching between the two interrupt modes
 * means switching the kind of wait too (see enum memif_rx_mode).
 * Return: MEMIF_OK or MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED,
 * MEMIF_ERR_INVAL_ARG (unknown mode), MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_NOT_INIT.  Thread-safe.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_set_rx_mode(struct memif *m, uint8_t qid,
						 enum memif_rx_mode mode);

/* ---- interrupts (the Go channels as fds) -------------------------------- */

/**
 * memif_get_interrupt_fd() - pollable fd that is readable while some RX
 * queue has a pending interrupt (GetInterruptChan).  Stable for the life of
 * @m, across reconnects; owned by the library.  The first call creates it
 * (an interface nobody waits on costs no fd) and arms io_uring polls on the
 * RX eventfds; read the queue ids with memif_read_interrupt().
 * Return: MEMIF_OK or MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@fd
 * NULL), MEMIF_ERR_NOT_INIT; MEMIF_ERR_PROC_FILE_LIMIT,
 * MEMIF_ERR_FILE_LIMIT, MEMIF_ERR_NOMEM or MEMIF_ERR_SYSCALL when the first
 * call cannot create the eventfd (a later call may).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_get_interrupt_fd(struct memif *m, int *fd);

/**
 * memif_read_interrupt() - take one queue id with a pending interrupt.
 * Does not clear the queue's eventfd (only memif_rx_burst in level
 * interrupt mode does).  The polls behind it report each signal, so they
 * serve edge mode too.
 * Return: MEMIF_OK, or MEMIF_ERR_AGAIN when none is pending,
 * MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@qid NULL).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_read_interrupt(struct memif *m,
						    uint8_t *qid);

/**
 * memif_get_interrupt_error_fd() - pollable fd, readable while asynchronous
 * error codes are queued (GetInterruptErrorChan): handshake rejections, peer
 * DISCONNECTs, failed reconnects.  The queue holds 64 codes; on overflow the
 * oldest is dropped.  The library never blocks on it.  Created by the first
 * call (readable at once if codes were queued before), then stable.
 * Return: MEMIF_OK or MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@fd
 * NULL), MEMIF_ERR_NOT_INIT; MEMIF_ERR_PROC_FILE_LIMIT,
 * MEMIF_ERR_FILE_LIMIT, MEMIF_ERR_NOMEM or MEMIF_ERR_SYSCALL when the first
 * call cannot create the eventfd.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_get_interrupt_error_fd(struct memif *m,
							    int *fd);

/**
 * memif_read_interrupt_error() - pop the oldest queued error code.
 * Return: MEMIF_OK, or MEMIF_ERR_AGAIN when the queue is empty,
 * MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@err_code NULL),
 * MEMIF_ERR_NOT_INIT.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_read_interrupt_error(struct memif *m,
							  int *err_code);

/**
 * memif_get_queue_interrupt_fd() - the RX queue's own eventfd
 * (GetQueueInterruptChan), written by the peer once per burst it sends
 * while the queue is in an interrupt mode.  After each wake-up call
 * memif_rx_burst until it returns 0 packets; never read() the fd yourself.
 * In MEMIF_RX_MODE_INTERRUPT wait level-triggered (poll(), plain epoll):
 * the fd is readable until an empty memif_rx_burst clears it.  In
 * MEMIF_RX_MODE_INTERRUPT_EDGE wait edge-triggered only (epoll with
 * EPOLLET, io_uring multishot poll): the library never clears it, so it
 * stays readable and a level-triggered wait would spin.  Valid from before
 * on_connect until on_disconnect returns.  The fd shares its open file
 * description with the peer, which may clear its O_NONBLOCK flag at any
 * time: only wait on it (poll, epoll, io_uring poll), never read(),
 * write() or fcntl() it.
 * Return: MEMIF_OK or MEMIF_ERR_DISCONNECTED, MEMIF_ERR_QID,
 * MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_INVAL_ARG (@fd NULL),
 * MEMIF_ERR_NOT_INIT.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_get_queue_interrupt_fd(struct memif *m, uint8_t qid, int *fd);

/* ---- data path ---------------------------------------------------------- */

/**
 * memif_tx_burst() - copy up to @n_pkts packets into TX queue @qid (TxBurst).
 * Whole packets only: a packet larger than a slot is chained across slots,
 * all or nothing.  Stops at the first packet that does not fit; *@n_sent
 * says how many went (0 = ring full, retry later).  Publishes once and
 * signals the peer at most once per call.
 * Return: MEMIF_OK or MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED,
 * MEMIF_ERR_PKT_LEN (a packet of length 0, longer than max_packet_size,
 * which a receiver with the default settings would drop, or longer than
 * the ring can hold; the packets before it are sent), MEMIF_ERR_AGAIN
 * (queue busy in another thread), MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_INVAL_ARG (@pkts or @n_sent NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_tx_burst(struct memif *m, uint8_t qid,
					      const struct memif_tx_pkt *pkts,
					      uint16_t n_pkts,
					      uint16_t *n_sent);

/**
 * memif_tx_burst_sg() - memif_tx_burst for packets given as pieces (a
 * header and a payload apart, or what memif_rx_burst_sg received on another
 * interface): each packet's pieces are copied, in order, into as many slots
 * as its length needs, all or nothing.  Stops at the first packet that
 * does not fit; *@n_sent says how many went.
 * Return: MEMIF_OK or MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED,
 * MEMIF_ERR_PKT_LEN (a packet whose pieces add up to 0 bytes, to more than
 * max_packet_size or than the ring can hold, or that has a piece with a
 * length and no data; the packets before it are sent), MEMIF_ERR_AGAIN
 * (queue busy in another thread), MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_INVAL_ARG (@pkts or @n_sent NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_tx_burst_sg(struct memif *m, uint8_t qid, const struct memif_pkt_sg *pkts,
		  uint16_t n_pkts, uint16_t *n_sent);

/**
 * memif_rx_burst() - receive up to @max_pkts whole packets from RX queue
 * @qid (RxBurst).  First returns the previous burst's slots to the ring.
 * Single-slot packets are views into shared memory; chained packets are
 * reassembled into the queue's buffer.  Views stay valid until the next
 * memif_rx_burst/memif_rx_release on @qid.  Descriptors failing validation
 * are dropped and counted.  In MEMIF_RX_MODE_INTERRUPT, when the ring is
 * empty it clears the queue's eventfd and checks again (one read() per
 * drain; see enum memif_rx_mode).  In MEMIF_RX_MODE_INTERRUPT_EDGE and in
 * polling mode it makes no syscall: it never reads the eventfd.
 * Return: MEMIF_OK (*@n_rx may be 0) or MEMIF_ERR_QID,
 * MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_INVAL_ARG (@n_rx NULL, or @pkts NULL with @max_pkts > 0),
 * MEMIF_ERR_UNSUPPORTED (a zero_copy_rx interface: memif_rx_burst_zc).
 * Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_rx_burst(struct memif *m, uint8_t qid,
					      struct memif_rx_pkt *pkts,
					      uint16_t max_pkts,
					      uint16_t *n_rx);

/**
 * memif_rx_burst_sg() - receive up to @max_pkts packets from RX queue @qid
 * as their pieces, without a copy: a chained packet (one longer than the
 * peer's buffers) is not reassembled, each of its slots is a piece.  Up to
 * @max_segs pieces in all go to @segs; @pkts[i].segs points into it.  A
 * packet whose pieces do not fit in what is left of @segs stays for the
 * next call; one with more pieces than @max_segs, or longer than
 * max_packet_size, is dropped and counted (drops_too_long), so give at
 * least max_packet_size / the peer's buffer size + 1 pieces.  Otherwise as
 * memif_rx_burst: same checks, views valid until the next receive or
 * memif_rx_release on @qid, same interrupt handling.  The two receives may
 * be mixed on one queue.
 * Return: MEMIF_OK (*@n_rx may be 0) or MEMIF_ERR_QID,
 * MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_INVAL_ARG (@n_rx NULL, or @max_pkts > 0 with @pkts NULL,
 * @segs NULL or @max_segs 0), MEMIF_ERR_UNSUPPORTED (a zero_copy_rx
 * interface).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_rx_burst_sg(struct memif *m, uint8_t qid, struct memif_pkt_sg *pkts,
		  uint16_t max_pkts, struct memif_seg *segs, uint16_t max_segs,
		  uint16_t *n_rx);

/**
 * memif_rx_release() - return the last burst's slots to the ring now; its
 * views become invalid.
 * Return: MEMIF_OK or MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN,
 * MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_UNSUPPORTED (a zero_copy_rx
 * interface).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_rx_release(struct memif *m, uint8_t qid);

/**
 * memif_tx_alloc() - reserve up to @n_bufs free TX slots of queue @qid for
 * building packets in place; @bufs[i].data points into shared memory,
 * @bufs[i].len is the slot's capacity.  Nothing is visible to the peer
 * until memif_tx_commit().  A second alloc replaces the first reservation.
 * Return: MEMIF_OK (*@n_alloc may be 0: ring full) or MEMIF_ERR_QID,
 * MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN (@m NULL),
 * MEMIF_ERR_INVAL_ARG (@n_alloc NULL, or @bufs NULL with @n_bufs > 0).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_tx_alloc(struct memif *m, uint8_t qid,
					      struct memif_tx_buf *bufs,
					      uint16_t n_bufs,
					      uint16_t *n_alloc);

/**
 * memif_tx_commit() - publish the first @n reserved slots, each one packet
 * of @bufs[i].len bytes, with one release store and at most one signal; the
 * rest of the reservation is dropped.
 * Return: MEMIF_OK or MEMIF_ERR_PKT_LEN (a length of 0 or over the slot's
 * capacity, or @n above the reservation; nothing is published),
 * MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN
 * (@m NULL), MEMIF_ERR_INVAL_ARG (@n_sent NULL, or @bufs NULL with @n > 0).
 */
MEMIF_API MEMIF_MUST_CHECK int memif_tx_commit(struct memif *m, uint8_t qid,
					       const struct memif_tx_buf *bufs,
					       uint16_t n, uint16_t *n_sent);

/* ---- zero-copy with the application's own memory (slave) -------------- */

/*
 * A pool is memory shared with the master as one extra region: an array
 * of n_buffers buffers of buffer_size bytes (a power of two) from base.
 * A slave lists its pools in memif_config.pools; then it can
 *  - transmit packets that sit in pool buffers without a copy
 *    (memif_tx_burst_zc), and get each buffer back, in order, once the
 *    master has released its slot (memif_tx_complete);
 *  - lend pool buffers to the M2S rings (memif_rx_refill, with
 *    memif_config.zero_copy_rx) and receive packets in them
 *    (memif_rx_burst_zc): a received buffer is the application's, to
 *    forward out of another interface on the same pool without a copy.
 *
 * The master gets read and write access to the whole pool, as it does to
 * region 0: put nothing in a pool that the peer may not see.  A buffer is
 * either the application's or the library's: from memif_tx_burst_zc or
 * memif_rx_refill on, until memif_tx_complete, memif_rx_burst_zc or
 * memif_zc_reclaim hands it back, the application must not touch it (the
 * master may be reading or writing it).  A buffer given twice is the
 * application's bug: the library does not look for it.
 *
 * A buffer is named by a pointer into a pool and a length: the bytes
 * [data, data + len) must lie inside one buffer of a pool attached to the
 * interface (not across two buffers).  The descriptors our slave writes
 * name the pool's region and offset; what the master writes back is never
 * trusted: the library keeps its own record of which buffer sits in which
 * slot, and bounds a received length by the buffer it lent.  A master,
 * ours or any, checks every descriptor against the regions it mapped.
 *
 * When the connection goes down, every buffer the library held for it
 * (sent and not yet completed, lent and not yet received) waits for
 * memif_zc_reclaim(); nothing is lost.  After memif_close() they are all
 * the application's again without a call.
 *
 * Threads: memif_tx_burst_zc and memif_tx_complete are the data path of
 * their TX queue, memif_rx_refill and memif_rx_burst_zc of their RX queue
 * (one thread per queue, as for the other bursts).  Pools and
 * memif_zc_reclaim are thread-safe.
 */

/* memif_buf.flags: the packet goes on in the next buffer (a chain). */
#define MEMIF_BUF_FLAG_NEXT 1u

/* One buffer of a pool: @len bytes at @data (for memif_rx_refill: the
 * room the master may fill). */
struct memif_buf {
	uint8_t *data;
	uint32_t len;
	uint16_t flags; /* MEMIF_BUF_FLAG_NEXT */
};

/* memif_pool_create().  Zero values are defaults. */
struct memif_pool_config {
	uint32_t n_buffers; /* at least 1 */
	uint32_t buffer_size; /* 0 -> 2048; a power of two, 64..65536 */
	/* enum memif_hugepages, with memif_config.hugepages' rules: PREFER
	 * falls back to normal pages with a WARN line, REQUIRE fails with
	 * MEMIF_ERR_NOMEM.  The size is rounded up to whole 2 MiB pages. */
	uint8_t hugepages;
};

/* memif_pool_get_info() */
struct memif_pool_info {
	uint8_t *base; /* buffer i is at base + i * buffer_size */
	uint64_t size; /* n_buffers * buffer_size: the region announced */
	uint32_t buffer_size;
	uint32_t n_buffers;
	bool hugepages; /* on 2 MiB pages */
	bool sealed; /* sealed against shrinking: masters need no
			allow_unsealed_regions for it */
};

/**
 * memif_pool_create() - a pool of @cfg->n_buffers buffers in a sealed
 * memory file the library creates (CLOEXEC), mapped here and, once
 * attached, in every master the slave connects to.  The memory starts
 * zeroed.  The caller owns *@out until memif_pool_destroy().  Does not need
 * memif_init().
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@cfg or @out NULL, no buffers,
 * a buffer size that is not a power of two in 64..65536, more than 4 GiB
 * in all, an unknown hugepages value), MEMIF_ERR_NOMEM (also: hugepages
 * required and too few free), MEMIF_ERR_PROC_FILE_LIMIT,
 * MEMIF_ERR_FILE_LIMIT, MEMIF_ERR_SYSCALL.  Any thread.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_pool_create(const struct memif_pool_config *cfg, struct memif_pool **out);

/**
 * memif_pool_create_fd() - a pool in the application's own memory file
 * @fd (a memfd, or a file on hugetlbfs), of @size bytes from offset 0, cut
 * into buffers of @buffer_size bytes (a power of two, 64..65536; a tail
 * shorter than a buffer is not used).  The library keeps its own duplicate
 * of @fd (CLOEXEC); the caller keeps @fd.  If the file allows sealing the
 * library seals it against shrinking (then any master takes it); if not,
 * a master must allow unsealed regions (allow_unsealed_regions), and the
 * master could shrink the file under the application (SIGBUS): this
 * trusts the master.
 * Return: MEMIF_OK or MEMIF_ERR_BAD_FD (@fd negative or not a memory file),
 * MEMIF_ERR_INVAL_ARG (@out NULL, a bad buffer size, @size under one buffer
 * or over 4 GiB, the file shorter than @size), MEMIF_ERR_NOMEM,
 * MEMIF_ERR_PROC_FILE_LIMIT, MEMIF_ERR_FILE_LIMIT, MEMIF_ERR_SYSCALL.
 * Any thread.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_pool_create_fd(int fd, uint64_t size,
						    uint32_t buffer_size,
						    struct memif_pool **out);

/**
 * memif_pool_get_info() - where @p's buffers are.
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@p or @out NULL).  Any thread.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_pool_get_info(const struct memif_pool *p, struct memif_pool_info *out);

/**
 * memif_pool_destroy() - drop the caller's reference to @p (NULL: no-op).
 * The memory and the file go with the last interface that lists it
 * (memif_close); @p is invalid for the caller after the call.
 */
MEMIF_API void memif_pool_destroy(struct memif_pool *p);

/**
 * memif_tx_burst_zc() - transmit packets that sit in pool buffers on TX
 * queue @qid, without a copy.  @bufs holds @n_bufs buffers; a packet is
 * its buffers up to one without MEMIF_BUF_FLAG_NEXT (at most the ring's
 * slots, at most max_packet_size bytes).  Whole packets only; stops at the
 * first that does not fit, and *@n_sent says how many buffers went (0 =
 * ring full: complete some, retry).  Those buffers are the library's until
 * memif_tx_complete() returns them.  Publishes once and signals the peer
 * at most once per call.  The slots of sent buffers stay taken, also for
 * memif_tx_burst on the same queue, until memif_tx_complete hands them
 * back.
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@n_sent NULL, @bufs NULL with
 * @n_bufs > 0, or a buffer with NULL data, outside the pools of this
 * interface or across a buffer's end), MEMIF_ERR_PKT_LEN (a buffer of
 * length 0, a packet longer than max_packet_size or than the ring, a last
 * buffer with MEMIF_BUF_FLAG_NEXT); for those two the packets before the
 * bad one are sent and it and the rest stay the application's.
 * MEMIF_ERR_UNSUPPORTED (a master, or no pools), MEMIF_ERR_QID,
 * MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN (queue busy in another thread),
 * MEMIF_ERR_NOCONN (@m NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_tx_burst_zc(struct memif *m, uint8_t qid,
						 const struct memif_buf *bufs,
						 uint16_t n_bufs,
						 uint16_t *n_sent);

/**
 * memif_tx_complete() - hand back, in the order they were sent, up to @max
 * buffers of TX queue @qid whose slots the master has released (it
 * advanced tail past them): each is as given to memif_tx_burst_zc (data,
 * len, flags) and the application's again.  *@n_done may be 0.
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@n_done NULL, @bufs NULL with
 * @max > 0), MEMIF_ERR_UNSUPPORTED (a master, or no pools), MEMIF_ERR_QID,
 * MEMIF_ERR_DISCONNECTED (then memif_zc_reclaim() has them),
 * MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN (@m NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_tx_complete(struct memif *m, uint8_t qid,
						 struct memif_buf *bufs,
						 uint16_t max,
						 uint16_t *n_done);

/**
 * memif_rx_refill() - lend up to @n pool buffers to RX queue @qid (an
 * interface with zero_copy_rx), for the master to fill: @bufs[i].len is
 * the room (flags are ignored).  The M2S ring starts empty at each
 * connect: nothing arrives before the first refill.  *@n_done says how
 * many were taken (fewer when the ring is full); the rest stay the
 * application's.  One release store per call, no signal.  Give one
 * fresh buffer for each one received to keep the ring full, as VPP's
 * zero-copy input does.
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@n_done NULL, @bufs NULL with
 * @n > 0, or a buffer with NULL data, outside the pools of this interface
 * or across a buffer's end; the buffers before it are taken),
 * MEMIF_ERR_PKT_LEN (a length of 0; likewise), MEMIF_ERR_UNSUPPORTED (not
 * a zero_copy_rx slave), MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED,
 * MEMIF_ERR_AGAIN, MEMIF_ERR_NOCONN (@m NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_rx_refill(struct memif *m, uint8_t qid,
					       const struct memif_buf *bufs,
					       uint16_t n, uint16_t *n_done);

/**
 * memif_rx_burst_zc() - receive up to @max buffers from RX queue @qid (an
 * interface with zero_copy_rx): each is a buffer the application lent
 * with memif_rx_refill, data as lent, len as the master wrote it, flags
 * MEMIF_BUF_FLAG_NEXT when the packet goes on in the next one.  Each
 * returned buffer is the application's: keep it, forward it
 * (memif_tx_burst_zc on an interface with the same pool) or lend it again.
 * Whole packets only: a chain that does not fit what is left of @bufs
 * waits for the next call.  The length the master wrote must be 1..the
 * room lent: a slot that breaks that (or a chain with such a slot, or
 * one with more buffers than @max) is dropped and counted
 * (drops_bad_desc, drops_too_long), and its buffers go back onto the
 * ring, so none is lost.  Interrupts as memif_rx_burst.
 * Return: MEMIF_OK (*@n_rx may be 0) or MEMIF_ERR_INVAL_ARG (@n_rx NULL, or
 * @bufs NULL with @max > 0), MEMIF_ERR_UNSUPPORTED (not a zero_copy_rx
 * slave), MEMIF_ERR_QID, MEMIF_ERR_DISCONNECTED, MEMIF_ERR_AGAIN,
 * MEMIF_ERR_NOCONN (@m NULL).  Data-path thread of @qid.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_rx_burst_zc(struct memif *m, uint8_t qid,
						 struct memif_buf *bufs,
						 uint16_t max, uint16_t *n_rx);

/**
 * memif_zc_reclaim() - after a disconnect, hand back up to @max of the
 * buffers the library held for the connection that went (sent and not
 * completed, lent and not received), in no particular order.  Call it
 * until *@n is 0 (from on_disconnect, or after a data-path call returned
 * MEMIF_ERR_DISCONNECTED); buffers of several connections add up until
 * reclaimed.
 * Return: MEMIF_OK or MEMIF_ERR_INVAL_ARG (@n NULL, @bufs NULL with @max >
 * 0), MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_NOT_INIT.  Thread-safe;
 * allowed inside callbacks.
 */
MEMIF_API MEMIF_MUST_CHECK int memif_zc_reclaim(struct memif *m,
						struct memif_buf *bufs,
						uint16_t max, uint16_t *n);

/* ---- packet handle (NewPacketHandle) ------------------------------------ */

/**
 * memif_new_packet_handle() - a gopacket-style reader/writer on queue @qid
 * (the same id for RX and TX).  @rx_count packets are fetched per burst
 * (0 -> 1).
 * Return: MEMIF_OK or MEMIF_ERR_NOCONN (@m NULL), MEMIF_ERR_NOMEM,
 * MEMIF_ERR_INVAL_ARG (@out NULL).  @qid is checked by each read and write,
 * against the connection of the moment.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_new_packet_handle(struct memif *m, uint8_t qid, uint16_t rx_count,
			struct memif_packet_handle **out);

/**
 * memif_packet_handle_read() - next received packet (ReadPacketData).
 * *@data stays valid until the next read, or close, on this handle.
 * Return: MEMIF_OK, MEMIF_ERR_EOF (nothing now, or handle closed),
 * MEMIF_ERR_INVAL_ARG (@h, @data or @len NULL), or the error of
 * memif_rx_burst.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_packet_handle_read(struct memif_packet_handle *h, const uint8_t **data,
			 uint32_t *len, struct memif_capture_info *ci);

/**
 * memif_packet_handle_write() - send one packet (WritePacketData).
 * Return: MEMIF_OK, MEMIF_ERR_EOF (ring full, or handle closed),
 * MEMIF_ERR_INVAL_ARG (@h NULL, or @data NULL with @len > 0), or the error
 * of memif_tx_burst.
 */
MEMIF_API MEMIF_MUST_CHECK int
memif_packet_handle_write(struct memif_packet_handle *h, const void *data,
			  uint32_t len);

/** memif_packet_handle_close() - wait for a read or write in progress, then
 * make later ones return MEMIF_ERR_EOF.  Idempotent. */
MEMIF_API void memif_packet_handle_close(struct memif_packet_handle *h);

/** memif_packet_handle_free() - close and free @h; @h is invalid after. */
MEMIF_API void memif_packet_handle_free(struct memif_packet_handle *h);

/* ---- errors and version ------------------------------------------------- */

/** memif_strerror() - static, thread-safe text for @code ("unknown error"
 * for codes outside the table). */
MEMIF_API const char *memif_strerror(int code);

/**
 * memif_errno() - this thread's errno behind the last MEMIF_ERR_SYSCALL.
 * Return: that errno value, 0 when this thread has had none.
 */
MEMIF_API int memif_errno(void);

/**
 * memif_version() - the version of the library the program runs with,
 * "MAJOR.MINOR.PATCH" (MEMIF_NATIVE_VERSION_STRING is the one it was
 * compiled against).  Static storage; any thread, before memif_init() too.
 * Return: the version string, never NULL.
 */
MEMIF_API const char *memif_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MEMIF_MEMIF_H */
