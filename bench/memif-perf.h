/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's internal header: the options, the run's and each worker's
 * state, and the functions the files of the tool call in one another.
 * memif-perf.c runs a connection (sessions, callbacks, main), perf-opts.c
 * parses the command line, perf-worker.c is the per-queue data path,
 * perf-report.c the progress line and the summary, perf-demo.c the demo.
 */
#ifndef MEMIF_PERF_H
#define MEMIF_PERF_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#include "bench-common.h"
#include "perf-pkt.h"

#define MAX_BURST 256
/* --rx-path pieces: a burst's pieces (a 9,000-byte frame in 2,048-byte
 * slots is 5; one that does not fit waits for the next burst). */
#define MAX_PIECES 2048
#define MAX_CPUS 256
#define NSEC 1000000000ull

enum mode { MODE_TX, MODE_RX, MODE_ECHO, MODE_PING, MODE_NONE };

/* Indexed by enum mode (perf-opts.c). */
extern const char *const mode_names[MODE_NONE];

struct opts {
	enum mode mode;
	bool master;
	const char *socket; /* NULL: the library default */
	uint32_t id;
	const char *secret;
	unsigned int queues;
	unsigned int ring_log2;
	unsigned int buffer_size;
	unsigned int burst;
	unsigned int size;
	bool interrupt;
	bool edge; /* interrupt, waited for edge-triggered (epoll EPOLLET) */
	bool spin; /* polling: no PAUSE backoff when idle */
	bool inplace;
	bool full;
	bool raw;
	bool allow_unsealed; /* master: accept unsealed peer regions */
	bool hugepages; /* slave: region on 2 MiB pages, required */
	bool rx_pieces; /* memif_rx_burst_sg (echo: memif_tx_burst_sg) */
	bool zero_copy; /* slave: a pool of its own (memif_tx_burst_zc,
			   memif_rx_burst_zc) */
	int cpus[MAX_CPUS];
	unsigned int ncpus;
	double duration; /* seconds, 0 = no limit */
	uint64_t count; /* packets (pings) over all queues, 0 = no limit */
	double wait_timeout; /* seconds, 0 = forever */
	bool json;
	bool quiet; /* no progress line */
	bool silent; /* nothing at all on stdout/stderr (demo children) */
	int verbose;
};

/* Everything the end of a run reports; plain data so the demo can pass it
 * through a pipe. */
struct result {
	int exit_code;
	bool connected;
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	double tx_secs, rx_secs;
	uint64_t loss, reorder, corrupt, foreign, misqueued;
	uint64_t tx_ring_full, ping_timeouts;
	uint64_t rx_calls, rx_nonempty;
	uint64_t lib_bad_desc, lib_too_long, lib_ring_full;
	uint64_t lib_irq_tx, lib_irq_rx;
	uint64_t lat_n, lat_min, lat_p50, lat_p99, lat_p999, lat_max;
	double lat_mean;
};

/* Published by a worker with relaxed stores, read by the progress line. */
struct qpub {
	_Atomic uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	_Atomic uint64_t loss, reorder, corrupt;
	_Atomic uint64_t rtt_n, rtt_sum;
};

/* One queue's totals over the sessions (serve mode has many). */
struct qsum {
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	uint64_t loss, reorder, corrupt;
	uint64_t tx_ns, rx_ns; /* the queue's own send and receive windows */
	int err; /* the last library error that ended the queue's worker */
};

/* A connection's shape, from the details on_connect saw. */
struct shape {
	unsigned int rx_queues, tx_queues, ring_size, buffer_size;
};

struct perf;

struct worker {
	struct qpub pub; /* first: its own cache lines */
	struct perf *p;
	pthread_t th;
	uint8_t qid; /* RX queue, and TX queue except for echo */
	uint8_t txq; /* echo: where this queue's packets go back */
	bool has_rx; /* qid has an RX ring (tx mode: check reflections) */
	pthread_mutex_t *txlock; /* echo: txq shared with another worker */
	int cpu; /* -1: not pinned */
	int qfd; /* RX queue eventfd (interrupt mode) */
	int epfd; /* edge mode: epoll on qfd (EPOLLET) and the stop fd */
	int err; /* library error that ended the worker, 0 if none */
	/* Owned by the worker thread until it finishes. */
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	uint64_t loss, reorder, corrupt, foreign, misqueued;
	uint64_t ring_full, timeouts;
	uint64_t rx_calls, rx_nonempty; /* memif_rx_burst calls, with packets */
	uint64_t expect; /* next sequence number expected */
	uint32_t tx_seq; /* next sequence number to send */
	uint64_t tx_target, rx_target; /* UINT64_MAX = no limit */
	uint64_t tx_t0, tx_t1, rx_t0, rx_t1, rx_seen;
	uint32_t slot_cap; /* TX slot capacity seen by memif_tx_alloc */
	struct perf_tmpl tmpl;
	uint8_t *stage; /* burst frames, copy path */
	size_t stride;
	struct memif_tx_pkt txp[MAX_BURST]; /* the staged frames */
	struct memif_tx_pkt etx[MAX_BURST]; /* echo: the received views */
	struct memif_rx_pkt rxp[MAX_BURST];
	struct memif_pkt_sg rsg[MAX_BURST]; /* --rx-path pieces */
	struct memif_seg segs[MAX_PIECES];
	const uint8_t *vdata[MAX_PIECES]; /* one packet's, for the verify */
	uint32_t vlen[MAX_PIECES];
	struct memif_tx_buf txb[MAX_BURST];
	/* --zero-copy: the pool buffers this worker may use (a stack), and
	 * the buffers of a burst */
	uint8_t **zfree;
	uint32_t zn;
	struct memif_buf zb[MAX_BURST]; /* tx: built; tx_complete: back */
	struct memif_buf zrx[MAX_PIECES]; /* received (echo: sent back) */
	uint16_t zrx_n;
	struct perf_hist hist;
} __attribute__((aligned(64)));

/*
 * Sessions: a run serves one connection, or in serve mode (echo with no
 * --duration and no --count) one after another.  The flags from stop to
 * done and started, sess_gen, neg, nq and w belong to the session; the
 * main thread resets them between sessions (next_session()).
 *
 * The event thread runs on_connect and on_disconnect strictly in turn (no
 * new connection before the last one's on_disconnect has returned), and
 * counts connections in gen.  A session serves connection sess_gen: the
 * one on_connect finds it waiting for (sess_gen 0), or the one already up
 * when the main thread resets (a peer that came back before the main
 * thread was done with the last session).  on_disconnect touches the
 * session only for the session's own connection (sess_gen == gen, under
 * lock); a connection no session took up comes and goes unnoticed.
 */
struct perf {
	const struct opts *o;
	struct memif *m;
	bool serve; /* echo, no --duration, no --count: peer after peer */
	int main_fd; /* eventfd: wakes the main thread */
	int stop_fd; /* eventfd: readable once stopping (drained between
			sessions, never by a worker) */
	_Atomic int stop __attribute__((aligned(64))); /* 0, STOP_SOFT, STOP_HARD */
	_Atomic int connected;
	_Atomic int disconnected;
	_Atomic int disconnect_done; /* on_disconnect has taken its snapshot */
	_Atomic unsigned int done;
	_Atomic unsigned int sending; /* tx: workers still in their send loop */
	_Atomic bool reflected; /* tx: some queue got packets back */
	_Atomic bool closing;
	_Atomic int signalled; /* SIGINT or SIGTERM seen: the run ends */
	/* Guards started, det*, dtmp, neg, gen, sess_gen and link_*. */
	pthread_mutex_t lock;
	bool started;
	unsigned long gen; /* on_connect calls so far: the latest connection */
	unsigned long sess_gen; /* the session's connection, 0 = waiting */
	bool link_up; /* between on_connect and on_disconnect */
	struct shape link_neg; /* the latest connection's shape */
	struct shape neg; /* the session's connection's shape */
	unsigned int nq; /* workers: set before they start, fixed after */
	struct worker *w;
	pthread_mutex_t *txlock; /* echo with more RX than TX queues */
	unsigned int ntxlock;
	struct memif_details *det; /* last snapshot that had the queues */
	struct memif_details *dtmp;
	bool det_valid;
	bool det_final; /* taken at the end, not by the periodic tick */
	/* Totals of the sessions folded so far (fold_workers, fold_lib). */
	unsigned int sessions; /* connections served */
	struct result tot;
	struct perf_hist *hist;
	/* --zero-copy: the slave's pool, --queues slices of zc_per_q
	 * buffers of zc_bs bytes, one per worker */
	struct memif_pool *pool;
	uint8_t *zc_base;
	uint32_t zc_bs, zc_per_q, zc_total;
	struct qsum *qs; /* MEMIF_MAX_QUEUES + 1 entries */
	unsigned int nqs; /* the most workers a session had */
	/* Sessions with a library snapshot, and those whose last one was
	 * periodic (the link went down before the final one). */
	unsigned int lib_snaps, lib_periodic;
};

#define STOP_SOFT 1 /* duration/count/signal: finish what is in flight */
#define STOP_HARD 2 /* link gone: leave the data path now */

static inline int stopping(const struct perf *p)
{
	return atomic_load_explicit(&p->stop, memory_order_relaxed);
}

static inline void kick(int fd)
{
	uint64_t one = 1;
	ssize_t r;

	r = write(fd, &one, sizeof(one));
	(void)r; /* EAGAIN: already readable, which is all we want */
}

static inline const char *role_name(const struct opts *o)
{
	return o->master ? "master" : "slave";
}

/* perf-opts.c */
void opts_defaults(struct opts *o);
int opts_parse(int argc, char **argv, struct opts *o);

/* perf-plan.c */
int cpu_for(const struct opts *o, unsigned int i);
unsigned int plan_workers(const struct perf *p);
int setup_workers(struct perf *p, unsigned int nq);
void free_workers(struct perf *p);

/* perf-worker.c */
void *worker_main(void *arg);

/* The workers' published counters at one moment (the progress line). */
struct snap {
	uint64_t t, tx, txb, rx, rxb, loss, reorder, corrupt, rtt_n, rtt_sum;
};

/* perf-report.c */
double gbps(uint64_t bytes, double secs);
double mpps(uint64_t pkts, double secs);
void take_snap(const struct perf *p, struct snap *s);
void progress(const struct perf *p, const struct snap *a,
	      const struct snap *b, uint64_t t_start, bool tty);
void fold_workers(struct perf *p);
void fold_lib(struct perf *p);
void collect(struct perf *p, struct result *r);
void print_summary(FILE *f, const struct perf *p, const struct result *r);
void print_json(FILE *f, const struct perf *p, const struct result *r);

/* perf-demo.c */
int demo(void);

/* memif-perf.c */
int run(const struct opts *o, struct result *res);

#endif /* MEMIF_PERF_H */
