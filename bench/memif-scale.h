/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's internal header: the limits, the commands between the
 * driver and the role processes, the options and the results, and the
 * functions the files of the tool call in one another.  memif-scale.c is
 * main, scale-opts.c the command line, scale-role.c a role process (N
 * interfaces of one side), scale-traffic.c its side of a traffic run,
 * scale-driver.c the driver and the measurements of one case,
 * scale-phases.c the traffic measurement, scale-report.c the table and
 * the JSON, scale-util.c the /proc, socket and statistics helpers
 * (bench-common.h the clock).
 */
#ifndef MEMIF_SCALE_H
#define MEMIF_SCALE_H

#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <memif/memif.h>

#include "bench-common.h"

#define LOG2_RING 8
#define IFACES_PER_SOCKET 16 /* the "many sockets" layout */
#define BURST 32
#define PKT_LEN 64
#define UP_TIMEOUT_MS 60000
#define FDS_PER_IFACE 4 /* 3 when connected, + the interrupt fd */
#define FDS_SPARE 64
#define MAX_PHASES 600
#define MAX_RUNS \
	5 /* traffic runs per case (--runs), while too few were clean */
#define MIN_CYCLES 10 /* clean cycles wanted for the ratio */
#define START_MS 100 /* from the plan to phase 0: both sides are ready */
#define GUARD_MS 5 /* the start of a phase is not counted */
#define QUIET_MS 50 /* the receiver stops after this long without packets */
#define DRAIN_MAX_MS 2000 /* ... or this long after the last phase */
#define MIN_CPU_SHARE 0.9 /* a phase is clean when both threads had this */
#define QUIET_SAMPLE_MS 200 /* before a run: the other load ... */
#define QUIET_BUSY 0.10 /* ... must stay below this share of all cpus */
#define QUIET_WAIT_MS \
	10000 /* ... or we go on after this long (--quiet-wait-ms) */
#define CLOCK_EVERY 64 /* bursts between two looks at the clock */

/* A traffic run: interface counts ks[] in turn, phase_ms each, from t0. */
struct traffic_plan {
	uint64_t t0_ns; /* CLOCK_MONOTONIC (the same in every process) */
	uint32_t phase_ms;
	uint32_t n_phases;
	uint16_t ks[3];
	uint8_t n_k;
	int32_t cpu; /* pin to this cpu; -1: do not */
};

/* Commands from the driver to a role process, and the replies. */
enum cmd {
	CMD_WAIT_UP, /* arg: connects to wait for in total */
	CMD_MEM,
	CMD_IDLE_START,
	CMD_IDLE_STOP,
	CMD_IRQ_ARM, /* receiver: wait on the interrupt fds */
	CMD_IRQ_RECV, /* receiver: collect one packet per interface */
	CMD_IRQ_SEND, /* sender: one packet on every interface */
	CMD_TRAFFIC_RX, /* plan; replies "ready", then reply + report */
	CMD_TRAFFIC_TX, /* plan; replies reply + report */
	CMD_QUIT,
};

struct request {
	enum cmd cmd;
	uint64_t arg, arg2;
	struct traffic_plan plan;
};

struct reply {
	int status; /* 0, or an errno-like failure */
	uint64_t t_ns; /* a CLOCK_MONOTONIC stamp (comparable across processes) */
	uint64_t count;
	uint64_t t2_ns;
	double heap_b, rss_b, fds; /* CMD_MEM: deltas over the whole run */
	double cpu_s, vcsw; /* CMD_IDLE_STOP */
	char msg[120];
};

/* What one side saw in each phase of a traffic run. */
struct phase_report {
	uint32_t n;
	struct phase_stat {
		uint64_t pkts; /* moved while counting */
		uint64_t ns; /* how long it counted */
		float share; /* thread cpu time / wall time in the phase */
		float idle; /* bursts that moved nothing (ring full / empty) */
	} ph[MAX_PHASES];
};

enum layout {
	LAYOUT_ONE, /* every interface on one socket */
	LAYOUT_MANY, /* N/16 sockets, 16 interfaces each */
};

struct opts {
	unsigned ns[16];
	unsigned n_ns;
	bool layouts[2];
	unsigned idle_s;
	unsigned traffic_ms; /* 0: no traffic */
	unsigned phase_ms;
	unsigned runs; /* traffic runs per case at most */
	unsigned quiet_wait_ms; /* before each: wait this long for quiet */
	unsigned reconnect_ms;
	int cpus[2]; /* sender, receiver; -1: not pinned */
	bool json;
	const char *json_file; /* also write the JSON here */
};

#define MAX_SAMPLES (MAX_RUNS * MAX_PHASES)

/* One interface count's phases, clean ones only. */
struct traffic {
	double mpps[MAX_SAMPLES / 3];
	double tx_full[MAX_SAMPLES / 3], rx_empty[MAX_SAMPLES / 3];
	unsigned n; /* clean phases */
	unsigned disturbed; /* phases left out: a thread lacked its cpu */
	double median, min, max;
};

struct result {
	unsigned n;
	enum layout layout;
	unsigned n_sockets;
	double connect_s, reconnect_s;
	double slave_ready_s; /* connect: the slaves' interfaces all created */
	/* Reconnect, from the SIGKILL: the old master reaped, the new one's
	 * first interface created (its listener bound: the name is free
	 * once the kernel has let go of the dead process's io_uring), all
	 * its interfaces created. */
	double reaped_s, bound_s, master_ready_s;
	struct reply mem[2]; /* [0] master, [1] slave */
	struct reply idle[2];
	double irq_total_ms, irq_ns_per_pkt;
	uint64_t irq_received;
	struct traffic tr[3]; /* over 1, 16, 64 interfaces */
	/* mpps(64) / mpps(1) of each cycle whose phases for both were clean:
	 * median and quartiles. */
	double ratios[MAX_SAMPLES / 3];
	unsigned n_ratios;
	double ratio64, ratio64_q1, ratio64_q3; /* < 0: none */
	unsigned runs, quiet_wait_ms; /* traffic runs; ms waited for quiet */
	char error[160];
};

extern const unsigned traffic_ifaces[3];

/* ---- scale-util.c: clock, /proc, sockets, statistics -------------------- */

uint64_t thread_cpu_ns(void);
void sleep_ms(unsigned ms);
int count_fds(void);
double voluntary_switches(void);
double cpu_seconds(void);
int cpu_jiffies(unsigned long long *busy, unsigned long long *total);
int send_all(int fd, const void *buf, size_t len);
int recv_all(int fd, void *buf, size_t len);
int raise_nofile(unsigned n, char *why, size_t len, bool quiet);
double quantile(const double *v, unsigned n, double q);

/* ---- scale-role.c, scale-traffic.c: a role process ---------------------- */

/* The role process's interfaces and the baselines of its measurements. */
struct role {
	bool is_master;
	unsigned n;
	struct memif **ifs;
	int *intr_fds;
	int ep;
	unsigned up, connects; /* updated on the event thread */
	uint64_t last_up_ns;
	uint64_t bound_ns; /* interface 0 created */
	struct mallinfo2 mi0;
	long rss0_kb;
	int fds0;
	double cpu0, vcsw0;
};

extern struct role role;

void role_main(int ctl, bool is_master, unsigned n, enum layout layout,
	       const char *base, unsigned reconnect_ms);
unsigned phase_k(const struct traffic_plan *pl, uint64_t p);
void do_traffic(int ctl, bool tx, const struct traffic_plan *pl,
		struct reply *r);

/* ---- scale-driver.c, scale-phases.c: the driver ------------------------- */

/* A role process, seen from the driver. */
struct child {
	pid_t pid;
	int ctl;
};

int call_q(struct child *ch, const struct request *q, struct reply *r);
int run_case(const struct opts *o, unsigned n, enum layout layout,
	     struct result *res);
int run_traffic(const struct opts *o, struct child *ms, struct child *sl,
		struct result *res);

/* ---- scale-opts.c, scale-report.c --------------------------------------- */

int opts_parse(int argc, char **argv, struct opts *o);
void print_header(void);
void print_row(const struct result *r);
void print_traffic(const struct result *rs, unsigned n, const struct opts *o);
void print_json(FILE *f, const struct result *rs, unsigned n,
		const struct opts *o);

#endif /* MEMIF_SCALE_H */
