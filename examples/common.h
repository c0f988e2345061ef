/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the four examples: option parsing, signals and the main
 * waiting loop, per-queue worker threads started from on_connect and joined
 * in on_disconnect, printing, and the ARP/ICMP responder logic used by both
 * icmp-responder and packet-handle.  Only <memif/memif.h> is used.
 */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <memif/memif.h>

/* ---- settings shared by all examples ----------------------------------- */
#define EX_IF_NAME "memif1"
#define EX_CONN_ID 1
#define EX_SECRET "secret"
#define EX_QUEUES 3
#define EX_BUFFER_SIZE 2048
#define EX_LOG2_RING 10

/* ---- options ------------------------------------------------------------ */
enum ex_opt_kind {
	EX_OPT_FLAG, /* bool, no argument */
	EX_OPT_STRING, /* const char * */
	EX_OPT_ULONG, /* unsigned long */
	EX_OPT_DOUBLE, /* double, >= 0 */
};

struct ex_opt {
	const char *name; /* without dashes: "slave" matches -slave, --slave */
	enum ex_opt_kind kind;
	void *dst;
	const char *metavar; /* shown in --help; NULL for flags */
	const char *help;
};

/* The options every example has, filled by ex_parse_args(). */
struct ex_common {
	bool slave;
	bool allow_unsealed; /* master: accept unsealed peer regions */
	const char *socket; /* default "/tmp/<name>-example" */
	unsigned long count; /* 0 = unlimited */
	double duration; /* seconds; 0 = until SIGINT/SIGTERM */
	/* What the config asks for, kept by ex_apply_common() to set the
	 * negotiated values against in ex_print_details(). */
	unsigned asked_rx, asked_tx, asked_ring, asked_buffer;
};

/* Table entries for struct ex_common; put them first in each table. */
/* clang-format off */
#define EX_COMMON_OPTS(c)                                                     \
	{ "slave", EX_OPT_FLAG, &(c)->slave, NULL,                            \
	  "run as slave (default: master)" },                                 \
	{ "socket", EX_OPT_STRING, &(c)->socket, "PATH",                      \
	  "control socket; a leading '@' selects the abstract namespace" },   \
	{ "count", EX_OPT_ULONG, &(c)->count, "N",                            \
	  "stop after N units of work (see above)" },                         \
	{ "duration", EX_OPT_DOUBLE, &(c)->duration, "SECONDS",               \
	  "stop after SECONDS (exit status 1 if --count was not reached)" },  \
	{ "allow-unsealed", EX_OPT_FLAG, &(c)->allow_unsealed, NULL,          \
	  "accept the peer's unsealed regions (VPP/DPDK zero-copy slaves); "  \
	  "trusts the peer not to shrink them" }
/* clang-format on */

/*
 * ex_parse_args() - parse argv against @opts (@n entries).  Accepts "-name",
 * "--name", "--name VALUE" and "--name=VALUE".  --help prints @about and the
 * option list and exits 0, --version the library's version and exits 0; an
 * error prints a message and exits 2.
 */
void ex_parse_args(int argc, char **argv, const char *about,
		   const struct ex_opt *opts, size_t n);

/*
 * ex_apply_common() - put the common options into @cfg (role, socket,
 * allow_unsealed_regions) and remember what @cfg asks for (queue counts,
 * ring and buffer size, defaults applied) for ex_print_details().  Call
 * once @cfg's shared-memory fields are set.
 */
void ex_apply_common(struct ex_common *c, struct memif_config *cfg);

/* Parse "a.b.c.d" / "aa:bb:cc:dd:ee:ff"; return false when malformed. */
bool ex_parse_ip(const char *s, uint8_t ip[4]);
bool ex_parse_mac(const char *s, uint8_t mac[6]);

/* ---- signals and the main waiting loop ---------------------------------- */

/*
 * ex_setup() - block SIGINT and SIGTERM (before any thread exists, so the
 * library's and our threads inherit the mask) and create the wake-up fds
 * ex_wait() polls.  Call first in main().  Returns false on failure.
 */
bool ex_setup(void);

enum ex_wake {
	EX_WAKE_SIGNAL, /* SIGINT or SIGTERM */
	EX_WAKE_TIMEOUT, /* @until passed */
	EX_WAKE_KICK, /* some thread called ex_kick() */
};

/*
 * ex_wait() - sleep until a signal, ex_kick() or the monotonic time @until
 * (seconds, as ex_now(); 0 = no limit).  While waiting it drains @m's
 * interrupt-error fd (if @m is not NULL) and prints each new error code.
 */
enum ex_wake ex_wait(struct memif *m, double until);

/*
 * ex_run() - the main loop of every example: wait for a signal, for
 * --duration to end, or for *@done (set by ex_done() from a worker).  After
 * *@done it lingers until the peer has disconnected (@ws's threads
 * stopped) or 1 s has passed, so the peer sees our last packets.  Returns 1
 * when --duration ended before a --count was reached, else 0.
 */
struct ex_workers;
int ex_run(struct memif *m, const struct ex_common *c, const int *done,
	   const struct ex_workers *ws);

/* Wake ex_wait() from any thread (async-signal-safe). */
void ex_kick(void);

/* From a worker: --count is reached.  Sets *@done and wakes ex_run, once. */
void ex_done(int *done);

/* Monotonic time in seconds. */
double ex_now(void);

/* ---- per-queue worker threads ------------------------------------------- */

struct ex_worker {
	struct ex_workers *ws;
	struct memif *m;
	unsigned idx; /* queue index this thread serves */
	uint8_t num_rx; /* queue counts of this connection */
	uint8_t num_tx;
	int rx_fd; /* RX queue eventfd, -1 when idx >= num_rx */
	int stop_fd; /* readable when the thread must return */
	void *app; /* the example's context */
};

struct ex_workers {
	int stop_fd; /* eventfd written by ex_workers_stop() */
	unsigned n;
	bool running;
	int connected; /* 1 from ex_workers_start to ex_workers_stop (atomic) */
	/* The negotiated queue counts of the last connection (0 before the
	 * first); written in on_connect, kept after on_disconnect. */
	uint8_t num_rx, num_tx;
	pthread_t tid[MEMIF_MAX_QUEUES];
	struct ex_worker w[MEMIF_MAX_QUEUES];
};

/* Create the stop eventfd; false on failure. */
bool ex_workers_init(struct ex_workers *ws);
void ex_workers_destroy(struct ex_workers *ws);

/* Which queue indexes get a thread; the counts are the negotiated ones. */
enum ex_queues {
	EX_Q_ANY, /* every index with an RX or a TX queue (max of the two) */
	EX_Q_RX, /* every RX queue */
	EX_Q_BOTH, /* every index with both an RX and a TX queue (min) */
};

/*
 * ex_workers_start() - from on_connect: read the negotiated queue counts
 * (the slave decides them: a master serves whatever the slave asked for, a
 * slave may be granted fewer than it asked), fetch the RX queue fds and
 * start one thread per queue index chosen by @which, running @fn.  No
 * thread is started for a queue the connection does not have.  Then it
 * marks the set connected and wakes ex_run.  Returns MEMIF_OK or the first
 * error, which it prints.
 */
int ex_workers_start(struct ex_workers *ws, struct memif *m, void *app,
		     void *(*fn)(void *), enum ex_queues which);

/* From on_disconnect: make every worker return, join them all, mark the
 * set disconnected and wake ex_run. */
void ex_workers_stop(struct ex_workers *ws);

/*
 * ex_worker_wait() - wait up to @timeout_ms (-1 = forever) for the worker's
 * RX queue to become readable.  Returns 1 readable, 0 timeout, -1 stop.
 */
int ex_worker_wait(struct ex_worker *w, int timeout_ms);

/*
 * ex_worker_pause() - sleep @timeout_ms (-1 = until stopped), waking only
 * for the stop request: the back-off after a data-path error, when the RX
 * fd may stay readable.  Returns -1 when stopped, 0 otherwise.
 */
int ex_worker_pause(struct ex_worker *w, int timeout_ms);

/* How long to pause after data-path error @err: after a disconnect until
 * on_disconnect stops us (-1), else 100 ms. */
static inline int ex_backoff_ms(int err)
{
	return err == MEMIF_ERR_DISCONNECTED ? -1 : 100;
}

/* True when the worker has been asked to stop (does not block). */
bool ex_worker_stopping(struct ex_worker *w);

/*
 * ex_tx_all() - send all @n packets on TX queue @qid, retrying on a full
 * ring (sleeping 1 ms between tries) for at most @max_wait_ms or until the
 * worker is stopped.  Returns the number sent; *@err gets the error if any.
 */
unsigned ex_tx_all(struct ex_worker *w, uint8_t qid,
		   const struct memif_tx_pkt *pkts, unsigned n, int max_wait_ms,
		   int *err);

/* ---- printing ------------------------------------------------------------ */

/* Print "<what>: <memif_strerror> (<code>)" on stderr. */
void ex_perror(const char *what, int err);

/* Print @m's details (as the Go examples do in OnConnect): the
 * negotiated queue counts, ring and buffer size next to what @c asked for,
 * and which queues were not granted. */
void ex_print_details(struct memif *m, const struct ex_common *c);

/* Hex + ASCII dump of at most @max bytes of @data, 16 bytes a line. */
void ex_hexdump(FILE *f, const void *data, size_t len, size_t max);

/* Serialises output lines from several threads. */
extern pthread_mutex_t ex_print_lock;

/* ---- ARP / ICMP responder (icmp-responder, packet-handle) ---------------- */

/* Why a frame got no reply; each kind is reported once. */
enum ex_ignore {
	EX_IGN_SHORT, /* shorter than an Ethernet header */
	EX_IGN_MAC, /* Ethernet destination neither ours nor broadcast */
	EX_IGN_ETHERTYPE, /* neither ARP nor IPv4 (IPv6, VLAN, ...) */
	EX_IGN_ARP_BAD, /* truncated or not Ethernet/IPv4 ARP */
	EX_IGN_ARP_OP, /* ARP but not a request */
	EX_IGN_ARP_OTHER, /* ARP request for another address */
	EX_IGN_IP_BAD, /* truncated, bad version/IHL/length or checksum */
	EX_IGN_IP_OTHER, /* IPv4 for another address */
	EX_IGN_IP_FRAG, /* IPv4 fragment */
	EX_IGN_IP_PROTO, /* IPv4 but not ICMP */
	EX_IGN_ICMP_BAD, /* truncated ICMP or bad ICMP checksum */
	EX_IGN_ICMP_TYPE, /* ICMP other than echo request */
	EX_IGN_NUM,
};

struct ex_responder {
	uint8_t mac[6];
	uint8_t ip[4];
	bool dump; /* hex-dump every frame */
	/* counters, updated atomically from the queue threads */
	uint64_t rx, arp_replies, echo_replies;
	uint64_t ignored[EX_IGN_NUM];
	int reported[EX_IGN_NUM];
};

/* The command line of both responders: our address and the queue count a
 * slave asks for, as given (EX_RESPONDER_OPTS fills it). */
struct ex_responder_opts {
	const char *ip, *mac;
	unsigned long queues;
};

#define EX_RESPONDER_DEFAULTS                                    \
	{                                                        \
		.ip = "192.168.1.1", .mac = "aa:aa:aa:aa:aa:aa", \
		.queues = EX_QUEUES                              \
	}

/* Table entries for struct ex_responder_opts, after EX_COMMON_OPTS. */
/* clang-format off */
#define EX_RESPONDER_OPTS(o)                                                  \
	{ "ip", EX_OPT_STRING, &(o)->ip, "A.B.C.D",                           \
	  "our IPv4 address (default 192.168.1.1)" },                         \
	{ "mac", EX_OPT_STRING, &(o)->mac, "MAC",                             \
	  "our MAC address (default aa:aa:aa:aa:aa:aa)" },                    \
	{ "queues", EX_OPT_ULONG, &(o)->queues, "N",                          \
	  "RX and TX queues a slave asks for, 1..255 (default 3; "            \
	  "a master serves the slave's)" }
/* clang-format on */

/*
 * ex_responder_apply() - @o's address into @r and its queue count into
 * @cfg.  Returns false, having said so, when one of them is malformed.
 */
bool ex_responder_apply(const struct ex_responder_opts *o,
			struct ex_responder *r, struct memif_config *cfg);

/*
 * ex_respond() - build the reply to the frame @in (@len bytes) into @out
 * (capacity @cap, at least 64 + @len).  Returns the reply's length, or 0
 * when there is none; then the reason was counted and, the first time for
 * its kind, printed.  Thread-safe.
 */
uint32_t ex_respond(struct ex_responder *r, unsigned qid, const uint8_t *in,
		    uint32_t len, uint8_t *out, uint32_t cap);

/* The ARP and ICMP echo replies @r has sent so far. */
unsigned long ex_responder_replies(struct ex_responder *r);

/* Print the counters of @r. */
void ex_responder_stats(struct ex_responder *r);

/* RFC 1071 Internet checksum of @len bytes, folded and complemented. */
uint16_t ex_csum(const void *data, size_t len);

#endif /* EXAMPLES_COMMON_H */
