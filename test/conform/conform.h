/* SPDX-License-Identifier: MIT */
/*
 * memif-conform: a scripted master or slave that tests another memif
 * implementation (the IUT) against spec/memif-protocol.md §8 and the
 * bad-input catalog of spec/hostile-peer.md §3.  This header is shared by
 * the runner, the socket layer, our side of the shared memory, and the two
 * check tables.  It uses proto/ for the wire format and never the library.
 */
#ifndef MEMIF_CONFORM_H
#define MEMIF_CONFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/types.h>

#include <memif/memif_version.h>

#include "memif_proto.h"
#include "msg.h"
#include "layout.h"

/* Our name in HELLO, INIT and CONNECT(ED). */
#define CF_OUR_NAME "memif-conform"
/* The project version (meson.build), as the library's memif_version(). */
#define CF_VERSION MEMIF_NATIVE_VERSION_STRING

#define CF_MAX_FDS 8
/* The kinds of fds, as /proc names them (cf_fd_kind, cf_iut_fds). */
enum cf_fd_kind {
	CF_FD_SOCKET,
	CF_FD_EVENTFD,
	CF_FD_MEMFD,
	CF_FD_PIPE,
	CF_FD_FILE,
	CF_FD_OTHER,
	CF_FD_KINDS
};
#define CF_MAX_SEND_FDS 253 /* SCM_MAX_FD: what one sendmsg can pass */
#define CF_MAX_RINGS 256
#define CF_MAX_REGIONS 16
#define CF_NOTE_LEN 1024
/* An IUT we start has this long to listen or connect (testpmd: seconds). */
#define CF_START_WAIT_MS 30000
#define CF_START_TRIES 3 /* starts of an IUT that dies while starting */
/* The IUT's fd baseline is taken once its fds and memfd mappings have not
 * changed for CF_QUIET_MS (at most CF_QUIET_MAX_MS after asking). */
#define CF_QUIET_MS 300
#define CF_QUIET_MAX_MS 3000
#define CF_CMD_LEN 4096 /* an --iut or --kick command after substitution */

/* The five shared-memory accesses, as in lib/ring.h; the partner of every
 * acquire is the peer's release of the same index. */
#define cf_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define cf_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define cf_read_once(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define cf_write_once(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define cf_fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct cf_opts {
	bool we_master; /* --role master: we listen, the IUT is a slave */
	const char *socket;
	uint32_t id;
	bool has_id2;
	uint32_t id2; /* a second interface id on the IUT (C40) */
	const char *secret; /* NULL: the IUT has none */
	uint8_t mode; /* the IUT interface's mode */
	bool echo; /* the IUT reflects every packet it receives */
	pid_t pid; /* 0: no /proc checks */
	int timeout_ms; /* longest wait for an expected IUT action */
	unsigned packets; /* C52 packet count */
	const char *kick; /* shell command that makes an IUT slave reconnect */
	/* How to start the IUT in each of its roles (--iut, --iut-master,
	 * --iut-slave); NULL: the tester runs it. */
	const char *iut_master;
	const char *iut_slave;
	const char *iut_log; /* where its output goes; NULL: a temp file */
	bool json;
	bool verbose;
};

enum cf_result { CF_PASS, CF_FAIL, CF_NA };

/* What one recv saw. */
enum cf_rx_kind { CF_RX_MSG, CF_RX_EOF, CF_RX_TIMEOUT, CF_RX_ERROR };

struct cf_rx {
	enum cf_rx_kind kind;
	ssize_t len;
	bool trunc;
	struct memif_msg msg; /* first 128 bytes, zero padded */
	int fds[CF_MAX_FDS];
	unsigned n_fds;
	int err; /* errno for CF_RX_ERROR */
};

/* How the IUT answered a message it should refuse. */
enum cf_react {
	CF_REACT_DISC_CLOSE, /* DISCONNECT with a reason, then EOF */
	CF_REACT_DISC_NOCLOSE, /* DISCONNECT, socket left open */
	CF_REACT_CLOSE, /* EOF without DISCONNECT */
	CF_REACT_NONE, /* nothing within the wait */
	CF_REACT_MSG, /* some other message (ACK, CONNECTED...) */
};

/* Observations accumulated over the whole run (C3, C4, C5, C66, C68). */
struct cf_stats {
	unsigned msgs;
	unsigned bad_size;
	unsigned bad_fds;
	unsigned unterminated;
	unsigned dirty_pad;
	char bad_size_ex[160];
	char bad_fds_ex[160];
	char unterminated_ex[160];
	char dirty_pad_ex[160];
	unsigned rejects;
	unsigned rejects_silent;
	char silent_ids[400];
	unsigned fd_checks;
	unsigned fd_leaks;
	char leak_ids[400];
};

struct cf_check;

/* The IUT as our child (launch.c). */
struct cf_iut {
	char dir[64]; /* temp dir: the stdin FIFO, the default log */
	int in_fd; /* the FIFO, held read-write */
	int log_fd;
	const char *log_path;
	char own_log[80];
	off_t log_start; /* where the current start's output begins */
	unsigned starts;
	bool exited; /* reaped; @status is how it ended */
	int status;
	bool fresh; /* started, not yet connected to us (a slave) */
	bool once; /* a slave that connects once per start: restart it */
};

struct cf_run {
	const struct cf_opts *o;
	const struct cf_check *cur;
	int lfd; /* we master: the listener */
	int pending; /* we master: accepted, no HELLO sent yet; -1 none */
	bool pending_measured;
	bool no_kick; /* the current check measures the IUT's own retry */
	bool no_count; /* a close here is not a rejection (C66) */
	/* The current check's rejections, silent ones, and silent ones
	 * listed in st.silent_ids: taken back if the IUT died (C66). */
	unsigned cur_rejects, cur_silent, cur_listed;
	int base_fds; /* IUT fds in the reference state; -1 unknown */
	int base_maps; /* IUT memfd mappings in the reference state */
	int base_kinds[CF_FD_KINDS]; /* base_fds by kind (cf_iut_fds) */
	bool iut_gone;
	bool stuck; /* the liveness handshake after this check failed */
	pid_t pid; /* the IUT's process; 0: no /proc checks */
	struct cf_iut *iut; /* NULL: not started by us */
	char iut_name[MEMIF_NAME_LEN + 1]; /* as announced in HELLO or INIT */
	uint16_t iut_version; /* INIT's version, or HELLO's max_version */
	char note[CF_NOTE_LEN]; /* reaction observed in the current check */
	struct cf_stats st;
};

/* Check flags */
#define CF_HOSTILE 0x01u /* afterwards: alive, fresh handshake, fds */
#define CF_ECHO 0x02u /* needs --echo */
#define CF_SECRET 0x04u /* needs --secret */
#define CF_NOSECRET 0x08u /* needs an IUT without secret */
#define CF_ID2 0x10u /* needs --id2 */
#define CF_PID 0x20u /* needs --pid */
#define CF_SHOULD 0x40u /* a SHOULD of the spec */
#define CF_SUMMARY 0x80u /* evaluated at the end, over the whole run */
#define CF_WE_MASTER 0x100u /* only with --role master */
#define CF_WE_SLAVE 0x200u /* only with --role slave */

struct cf_check {
	const char *id;
	const char *desc;
	/* Why the requirement exists: what breaks for a peer or a user when
	 * an implementation gets it wrong.  CHECKLIST.md prints it, so that
	 * a tester needs no other document to judge a FAIL. */
	const char *why;
	unsigned flags;
	enum cf_result (*run)(struct cf_run *r, long arg);
	long arg;
};

extern const struct cf_check cf_slave_checks[]; /* we slave, IUT master */
extern const struct cf_check cf_master_checks[]; /* we master, IUT slave */
extern const struct cf_check cf_common_checks[]; /* summaries */

/* ---- the checklist (checklist.c) ----------------------------------------- */

/* One line per check for @role ("master", "slave", NULL for both): role, id,
 * MUST or SHOULD, description.  Scripts take the id from the second field. */
void cf_list_checks(FILE *f, const char *role);
/* The whole checklist as Markdown (test/conform/CHECKLIST.md).  The same
 * bytes on every run: a test compares them with the committed file. */
void cf_print_checklist(FILE *f);

/* ---- the runner (runner.c) ---------------------------------------------- */

#define CF_MAX_INCIDENTS 256

enum cf_incident_kind { CF_INC_CRASH, CF_INC_HANG, CF_INC_EXIT, CF_INC_KINDS };

/* A check during which the IUT we started died or wedged. */
struct cf_incident {
	const char *id;
	enum cf_incident_kind kind;
	char *what; /* "crashed (SIGSEGV)", "hung: ..." */
	char *tail; /* its last lines of output */
};

struct cf_result_line {
	const struct cf_check *c;
	enum cf_result res;
	char *note;
};

/* What one role's run found. */
struct cf_role_run {
	bool we_master;
	time_t started;
	struct cf_result_line *res;
	unsigned n;
	unsigned count[3]; /* by enum cf_result */
	struct cf_incident inc[CF_MAX_INCIDENTS];
	unsigned n_inc;
	unsigned kinds[CF_INC_KINDS];
	unsigned leaks; /* teardowns that left fds or mappings behind */
	char iut_name[MEMIF_NAME_LEN + 1];
	uint16_t iut_version;
	char *command; /* as started, placeholders replaced; NULL: not ours */
	unsigned starts;
	bool once; /* a slave restarted for every connection */
	char final[128]; /* how it took our SIGTERM at the end */
	bool gone; /* ended and not started again: the run stopped early */
};

/* Run the checks of @o's role (those in @only, NULL: all) and print a line
 * for each.  0, or -1 when the run could not start (said on stderr). */
int cf_run_role(const struct cf_opts *o, const char *only,
		struct cf_role_run *rr);
void cf_role_run_free(struct cf_role_run *rr);
void cf_print_json(FILE *f, const struct cf_opts *o,
		   const struct cf_role_run *rr, unsigned n);
/* A full good handshake plus, with --echo, one packet; then close.  The
 * liveness test after every hostile case (and J5.rx-nonblock's verdict). */
int cf_liveness(struct cf_run *r);
/* The Markdown report of @n role runs; @argline is the command as typed. */
int cf_write_report(const char *path, const struct cf_opts *o,
		    const char *argline, const struct cf_role_run *rr,
		    unsigned n);

/* ---- notes --------------------------------------------------------------- */

void cf_note(struct cf_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cf_vnote(struct cf_run *r, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Result helpers: note the reason, give the verdict. */
#define cf_pass(r, ...) (cf_note((r), __VA_ARGS__), CF_PASS)
#define cf_fail(r, ...) (cf_note((r), __VA_ARGS__), CF_FAIL)
#define cf_na(r, ...) (cf_note((r), __VA_ARGS__), CF_NA)
uint64_t cf_now_ms(void);
void cf_sleep_ms(unsigned ms);
const char *cf_type_name(uint16_t type);

/* ---- sockets (wire.c) ---------------------------------------------------- */

int cf_listen(const char *name);
int cf_connect(const char *name);
/* Accept within @timeout_ms; -1 on timeout. */
int cf_accept(int lfd, int timeout_ms);
int cf_send_raw(int fd, const void *buf, size_t len, const int *fds,
		unsigned n_fds);
int cf_send(int fd, const struct memif_msg *m, int pass_fd);
/* Fill the undefined bytes of @m after @used payload bytes with 0xa5 (C6). */
void cf_dirty(struct memif_msg *m, size_t used);
/* Receive one datagram; every message is checked for C3-C5. */
void cf_recv(struct cf_run *r, int fd, int timeout_ms, struct cf_rx *rx);
void cf_rx_close_fds(struct cf_rx *rx);
/* The IUT refused what we sent: @rx is a DISCONNECT or end of file. */
bool cf_rx_refused(const struct cf_rx *rx);
/* Describe @rx into the note ("ACK", "DISCONNECT \"x\"", "close"...). */
void cf_note_rx(struct cf_run *r, const struct cf_rx *rx);
/*
 * After sending something the IUT must refuse: read until EOF or @wait_ms,
 * note what came, and count it for C66.  ACKs before the refusal are
 * reported as CF_REACT_MSG unless @allow_acks.
 */
enum cf_react cf_reaction(struct cf_run *r, int fd, int wait_ms,
			  bool allow_acks);
/* PASS when the IUT closed the connection (with or without DISCONNECT);
 * else FAIL, noting that @what ("a rejection") was expected. */
enum cf_result cf_refusal_verdict(struct cf_run *r, enum cf_react how,
				  const char *what);
/* cf_refusal_verdict of cf_reaction on @fd: "a rejection". */
enum cf_result cf_expect_reject(struct cf_run *r, int fd);
/* Expect one message of @type within the timeout; closes fds it carried
 * unless @keep. */
bool cf_expect(struct cf_run *r, int fd, uint16_t type, struct cf_rx *rx);
/* Nothing arrives within @ms (the socket stays silent and open). */
bool cf_silent(struct cf_run *r, int fd, int ms);

/* ---- the IUT process (wire.c) -------------------------------------------- */

bool cf_iut_alive(const struct cf_run *r);
/* What our own fd @fd is. */
enum cf_fd_kind cf_fd_kind(int fd);
/* The IUT's open fds; with @kinds (CF_FD_KINDS of them), also how many of
 * each kind: socket, eventfd, memfd, pipe, file, other. */
int cf_iut_fds(const struct cf_run *r, int *kinds);
int cf_iut_memfd_maps(const struct cf_run *r);
/* The IUT's CPU time so far (user + system), in clock ticks; 0 without
 * --pid. */
uint64_t cf_iut_cpu_ticks(const struct cf_run *r);
/* Wait until the IUT's fds and memfd mappings are back at the reference
 * values; notes and counts the outcome for C68.  True without --pid. */
bool cf_iut_at_baseline(struct cf_run *r, int wait_ms);
/* The IUT died during the current check: its closes were no rejections,
 * take them out of C66's count. */
void cf_uncount_rejects(struct cf_run *r);
/* Take the reference values once the IUT's fds and mappings are steady. */
void cf_iut_set_baseline(struct cf_run *r);

/* ---- the IUT started by us (launch.c) ------------------------------------ */

/* Set @iut up (temp dir, stdin FIFO, log) and attach it to @r. */
int cf_iut_init(struct cf_run *r, struct cf_iut *iut);
/* Start the IUT for @r's role; an IUT master is waited for until its socket
 * listens.  0, or -errno (-ECHILD: it ended while starting). */
int cf_iut_start(struct cf_run *r);
/* SIGTERM, then SIGKILL after 2 s, to the IUT's process group; reaped. */
void cf_iut_stop(struct cf_run *r);
/* True when the IUT has ended (and is reaped: see cf_iut_how_ended). */
bool cf_iut_reap(const struct cf_run *r);
/* "crashed (SIGSEGV)", "exited with status 1"... */
void cf_iut_how_ended(const struct cf_run *r, char *buf, size_t n);
/* The last @lines lines the current start wrote (stdout and stderr). */
void cf_iut_tail(const struct cf_run *r, char *buf, size_t n, unsigned lines);
/* Stop the IUT and remove the temp files. */
void cf_iut_cleanup(struct cf_run *r);
/* @in with {sock}, {id}, {stdin}, {pid} replaced (malloc'd; NULL when it
 * grows beyond CF_CMD_LEN). */
char *cf_iut_subst(const struct cf_run *r, const char *in);

/* ---- our side of a connection (peer.c, peer-master.c) -------------------- */

struct cf_region {
	uint8_t *base;
	uint64_t size;
	int fd;
};

struct cf_ring {
	struct memif_ring *ring;
	uint16_t size; /* entries */
	uint16_t mask;
	uint8_t log2;
	int efd;
	uint16_t region;
	uint32_t offset;
	uint16_t cursor; /* ours: next slot to fill or read */
	uint16_t staged; /* TX: filled, not yet published */
	uint16_t lent; /* we slave, M2S: our head */
	uint16_t released; /* we master, S2M: our tail */
	bool hold; /* RX: do not release slots (ring-full tests) */
};

/* We master: what the IUT slave showed during a handshake with
 * cf_hs.observe (C41, C42, C45, C46). */
struct cf_obs {
	char why[300]; /* first violation */
	bool order_ok, lockstep_ok, init_ok, regions_ok, seal_ok, rings_ok,
		efd_ok, desc_ok;
	uint32_t init_id;
	uint8_t init_mode;
	char init_secret[MEMIF_SECRET_LEN + 1];
	bool secret_terminated;
	unsigned n_regions;
	uint64_t region_ino[CF_MAX_REGIONS];
};

/* Parameters of our side of a handshake. */
struct cf_hs {
	unsigned n_s2m, n_m2s; /* we slave: wanted (clamped to HELLO) */
	uint8_t log2;
	uint32_t buf_size;
	const char *secret; /* we slave: INIT secret; NULL = opts */
	uint32_t id; /* we slave: INIT id */
	uint8_t mode;
	const char *if_name; /* we slave: CONNECT's name; NULL: ours */
	bool dirty; /* fill undefined bytes with 0xa5 */
	/* we master: HELLO maxima */
	uint16_t max_region, max_s2m, max_m2s;
	uint8_t max_log2;
	unsigned ack_delay_ms; /* we master: delay every ACK (C42) */
	/* We master: check all the IUT sends into cf_peer.obs; at CONNECT
	 * this signals every ring's eventfd once, to tell them apart. */
	bool observe;
	bool rx_polling; /* MASK_INT on the rings we receive on */
};

/*
 * How far a check's good handshake goes before the check does the one
 * thing it tests.  Both roles pass these points in this order; at each,
 * everything before it has been exchanged, and:
 *
 *   step               we slave (the IUT master     we master (the IUT slave
 *                      answers): sent, answer read  asks): its message read,
 *                                                   not answered
 *   CF_STEP_OPEN       connected, nothing read      accepted, nothing sent
 *   CF_STEP_HELLO      HELLO read, memory built     HELLO sent
 *   CF_STEP_INIT       INIT acknowledged            INIT
 *   CF_STEP_REGION     every ADD_REGION ack'd       the first ADD_REGION
 *   CF_STEP_S2M        every S2M ADD_RING ack'd     the first ADD_RING
 *   CF_STEP_RINGS      every ADD_RING ack'd         CONNECT
 *   CF_STEP_CONNECTED  CONNECTED read, rings up     CONNECTED sent, rings up
 *
 * We master, the IUT picks the order: we answer whatever it sends until
 * the message the step names (an IUT that connects before that ends at
 * CF_STEP_CONNECTED).
 */
enum cf_step {
	CF_STEP_NONE, /* a new peer: no connection yet */
	CF_STEP_OPEN,
	CF_STEP_HELLO,
	CF_STEP_INIT,
	CF_STEP_REGION,
	CF_STEP_S2M,
	CF_STEP_RINGS,
	CF_STEP_CONNECTED,
};

struct cf_peer {
	bool we_master;
	int fd;
	enum cf_step at; /* how far the handshake has got */
	struct cf_hs hs; /* what it runs with */
	bool refused; /* the IUT refused our last step: DISCONNECT, close */
	struct cf_region reg[CF_MAX_REGIONS];
	unsigned n_reg;
	struct cf_ring s2m[CF_MAX_RINGS];
	struct cf_ring m2s[CF_MAX_RINGS];
	unsigned n_s2m, n_m2s;
	uint32_t buf_size; /* slot size: ours (slave) or the IUT's (master) */
	struct memif_layout lay; /* we slave */
	struct memif_msg hello; /* we slave: what the IUT advertised */
	bool connected;
	/* invariants seen on the data path (C53, C54, C59) */
	unsigned viol;
	char viol_ex[200];
	uint64_t rx_bad; /* descriptors from the IUT that failed our checks */
	uint32_t seq; /* next packet sequence number */
	bool warm; /* a probe made the round trip: the IUT's path is up */
	/* we master: handshake progress */
	int phase; /* 0 INIT, 1 regions, 2 S2M rings, 3 M2S rings, 4 done */
	int unanswered; /* the IUT's message at @at, not answered; 0 none */
	int first_type; /* the IUT's first message after our HELLO */
	unsigned n_init; /* INITs received */
	struct cf_obs obs; /* with hs.observe */
};

struct cf_peer *cf_peer_new(bool we_master);
void cf_peer_free(struct cf_peer *p); /* closes and unmaps everything */
/* One queue pair of 16-entry rings with 2048-byte buffers (a small
 * region, quick to build and to check); we master, HELLO offers 255 rings
 * each way of up to 2^14 entries. */
void cf_hs_default(const struct cf_run *r, struct cf_hs *hs);

/* A new peer in our role (--role) with @hs (NULL: the default), its good
 * handshake brought to @step.  NULL when it fails (noted); the IUT's
 * HELLO is in p->hello. */
struct cf_peer *cf_peer_at(struct cf_run *r, const struct cf_hs *hs,
			   enum cf_step step);
/* Carry @p's good handshake on from p->at to @step.  0, or -1 (noted;
 * p->at is where it stopped, p->refused whether the IUT refused).  A
 * check that played a step its own way sets p->at past it first. */
int cf_peer_to(struct cf_run *r, struct cf_peer *p, enum cf_step step);
/* "INIT", "the rings"...: what a note calls @step. */
const char *cf_step_name(enum cf_step step);

/* We slave: send our ADD_RING for ring @idx and expect the ACK. */
int cf_slave_send_ring(struct cf_run *r, struct cf_peer *p, bool s2m,
		       unsigned idx);
/* Lend @n more M2S slots of ring @q to the master. */
void cf_slave_lend(struct cf_peer *p, unsigned q, unsigned n);
/* We master: a connection from the IUT slave (the pending one, or a new
 * accept, kicking the IUT when allowed). */
int cf_master_accept(struct cf_run *r, struct cf_peer *p);

/* Inside peer.c and peer-master.c: a ring at @offset of @region; the
 * rings brought up after CONNECT(ED) (our RX rings' MASK_INT, and we slave
 * M2S lending); cf_peer_to as the master. */
void cf_ring_setup(struct cf_ring *t, struct memif_ring *ring, uint8_t log2,
		   uint16_t region, uint32_t offset);
void cf_peer_up(struct cf_peer *p, const struct cf_hs *hs);
int cf_master_to(struct cf_run *r, struct cf_peer *p, enum cf_step step);

/* ---- data path (datapath.c) ---------------------------------------------- */

struct cf_ring *cf_tx_ring(struct cf_peer *p, unsigned q);
struct cf_ring *cf_rx_ring(struct cf_peer *p, unsigned q);
/* The index we publish on TX queue @q (we slave head, we master tail),
 * and the one the IUT publishes on RX queue @q (its head as a slave, its
 * tail as a master). */
uint16_t *cf_tx_index(struct cf_peer *p, unsigned q);
uint16_t *cf_rx_index(struct cf_peer *p, unsigned q);
/* Stage one packet (chained over slots as needed) on TX queue @q.
 * 0, -EAGAIN when it does not fit, -EINVAL when the IUT lent a bad buffer,
 * -ERANGE when the IUT's index is out of range. */
int cf_tx_stage(struct cf_peer *p, unsigned q, const uint8_t *data,
		uint32_t len, uint16_t extra_flags);
void cf_tx_publish(struct cf_peer *p, unsigned q);
/* Signal the IUT when its ring asks for it (or always, with @force). */
void cf_tx_kick(struct cf_peer *p, unsigned q, bool force);
/* Receive one packet from RX queue @q into @buf.  1 received, 0 nothing
 * complete, -ERANGE bad index, -EINVAL bad descriptor (slot released). */
int cf_rx_one(struct cf_peer *p, unsigned q, uint8_t *buf, uint32_t cap,
	      uint32_t *len);
void cf_rx_release(struct cf_peer *p, unsigned q);

/* Receive and drop what arrives on RX queue 0 for 50 ms (late echoes of
 * warm-up probes), so that the next echo is the next packet. */
void cf_rx_drain(struct cf_peer *p);

/* Deterministic payload for packet @seq of @len bytes. */
void cf_pkt_fill(uint8_t *buf, uint32_t len, uint32_t seq);
bool cf_pkt_check(const uint8_t *buf, uint32_t len, uint32_t *seq);

struct cf_traffic {
	unsigned packets;
	uint32_t min_len, max_len;
	unsigned chain_pct; /* share of packets longer than one slot */
	unsigned window; /* packets in flight; 0: ring size / 2 */
	unsigned queues; /* 0: all */
	bool kick; /* signal even when the IUT masks interrupts */
	uint16_t extra_flags; /* C60: undefined descriptor flag bits */
};
/* Send packets on every queue and verify each echo, in order.  0 when all
 * came back intact, else -1 with the reason in the note. */
int cf_echo(struct cf_run *r, struct cf_peer *p, const struct cf_traffic *t);
/* Send probe packets on queue 0 until one comes back (some IUTs drop what
 * arrives right after connect); later probe echoes are ignored. */
int cf_warmup(struct cf_run *r, struct cf_peer *p);
/* Send one packet on queue 0 and wait for its echo. */
int cf_echo_one(struct cf_run *r, struct cf_peer *p, uint32_t len);

#endif /* MEMIF_CONFORM_H */
