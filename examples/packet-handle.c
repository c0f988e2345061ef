/* SPDX-License-Identifier: MIT */
/*
 * packet-handle: the C counterpart of the Go adapter's gopacket example.  The
 * same ARP/ICMP echo responder as icmp-responder (192.168.1.1,
 * aa:aa:aa:aa:aa:aa; ex_respond() in common.c), but its data path uses only
 * the packet handle: one memif_new_packet_handle per queue, drained with
 * memif_packet_handle_read until MEMIF_ERR_EOF on every queue interrupt, and
 * replies sent with memif_packet_handle_write.  With --pcap FILE every
 * packet received and sent is written through libpcap (pcap_dump), with the
 * handle's capture timestamps, for tshark or Wireshark.
 *
 * With the test peer (examples/tests/vpp-peer) or a second program:
 *   packet-handle --pcap /tmp/ph.pcap    # master on /tmp/packet-handle-example
 *   vpp-peer --slave --socket /tmp/packet-handle-example
 *   tshark -r /tmp/ph.pcap
 *
 * Against VPP (as root, to reach the socket; VPP is the slave):
 *   create memif socket id 1 filename /tmp/packet-handle-example
 *   create interface memif id 1 socket-id 1 slave secret secret no-zero-copy
 *   set int state memif1/1 up
 *   set int ip address memif1/1 192.168.1.2/24
 *   ping 192.168.1.1
 * The first ping is lost to ARP.  (The Go example's socket was
 * /tmp/gopacket-example; pass --socket to use that one.)  Without
 * no-zero-copy (VPP's default, zero-copy), run packet-handle with
 * --allow-unsealed: VPP's buffer regions are not sealed.  One handle per
 * queue id that has both an RX and a TX queue (the slave decides how many).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "common.h"

#define RX_COUNT 10 /* packets per burst behind the handle, as in Go */
#define MAX_REPLIES 64
#define MAX_FRAME 65536
#define SNAPLEN 65535

struct app {
	struct ex_common c;
	struct ex_responder_opts ro;
	const char *pcap_file;
	struct ex_responder r;
	struct ex_workers ws;
	int done;
	pthread_mutex_t pcap_lock;
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	unsigned long dumped;
};

static void dump(struct app *a, const struct timespec *ts, const void *data,
		 uint32_t len)
{
	struct pcap_pkthdr h;

	if (!a->dumper)
		return;
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = ts->tv_nsec / 1000;
	h.caplen = len > SNAPLEN ? SNAPLEN : len;
	h.len = len;
	pthread_mutex_lock(&a->pcap_lock);
	pcap_dump((u_char *)a->dumper, &h, data);
	pcap_dump_flush(a->dumper);
	a->dumped++;
	pthread_mutex_unlock(&a->pcap_lock);
}

/* Write one reply; a full ring (EOF) is retried for up to a second. */
static int write_reply(struct ex_worker *w, struct memif_packet_handle *h,
		       const uint8_t *p, uint32_t len)
{
	int err, tries = 0;

	while ((err = memif_packet_handle_write(h, p, len)) == MEMIF_ERR_EOF &&
	       tries++ < 1000 && !ex_worker_stopping(w))
		usleep(1000);
	return err;
}

static void *queue_thread(void *arg)
{
	struct ex_worker *w = arg;
	struct app *a = w->app;
	struct memif_packet_handle *h;
	uint8_t q = w->idx;
	uint32_t rlen[MAX_REPLIES];
	uint8_t *buf;
	int err;

	/* One handle per queue, the same id for RX and TX as in Go, so a
	 * queue without a TX counterpart is not served. */
	if (q >= w->num_rx || q >= w->num_tx)
		return NULL;
	err = memif_new_packet_handle(w->m, q, RX_COUNT, &h);
	if (err) {
		ex_perror("memif_new_packet_handle", err);
		return NULL;
	}
	buf = malloc((size_t)MAX_REPLIES * MAX_FRAME);
	if (!buf) {
		fprintf(stderr, "q%u: out of memory\n", q);
		memif_packet_handle_free(h);
		return NULL;
	}
	while (ex_worker_wait(w, -1) > 0) {
		struct memif_capture_info ci;
		const uint8_t *data;
		unsigned n = 0, i;
		uint32_t len;

		/* read until EOF ("nothing now"), as gopacket's source does */
		while (n < MAX_REPLIES &&
		       (err = memif_packet_handle_read(h, &data, &len, &ci)) ==
			       MEMIF_OK) {
			uint8_t *o = buf + (size_t)n * MAX_FRAME;

			dump(a, &ci.timestamp, data, len);
			rlen[n] = ex_respond(&a->r, q, data, len, o, MAX_FRAME);
			if (rlen[n])
				n++;
		}
		if (err != MEMIF_OK && err != MEMIF_ERR_EOF) {
			ex_perror("memif_packet_handle_read", err);
			if (ex_worker_pause(w, ex_backoff_ms(err)) < 0)
				break;
		}
		for (i = 0; i < n; i++) {
			const uint8_t *o = buf + (size_t)i * MAX_FRAME;
			struct timespec now;

			err = write_reply(w, h, o, rlen[i]);
			if (err) {
				printf("q%u: dropped %u replies: %s (%d)\n", q,
				       n - i, memif_strerror(err), err);
				break;
			}
			clock_gettime(CLOCK_REALTIME, &now);
			dump(a, &now, o, rlen[i]);
		}
		if (a->c.count && ex_responder_replies(&a->r) >= a->c.count)
			ex_done(&a->done);
	}
	memif_packet_handle_free(h);
	free(buf);
	return NULL;
}

static int on_connect(struct memif *m, void *ctx)
{
	struct app *a = ctx;
	int err;

	ex_print_details(m, &a->c);
	/* one handle per queue id, RX and TX: only ids that have both */
	err = ex_workers_start(&a->ws, m, a, queue_thread, EX_Q_BOTH);
	if (err)
		return err;
	if (a->ws.num_rx > a->ws.num_tx) {
		pthread_mutex_lock(&ex_print_lock);
		printf("  rx queues %u..%u have no TX queue of the same id: "
		       "not served\n",
		       a->ws.num_tx, a->ws.num_rx - 1u);
		pthread_mutex_unlock(&ex_print_lock);
	}
	return 0;
}

static int on_disconnect(struct memif *m, void *ctx)
{
	struct app *a = ctx;

	/* the threads free their handles before they return */
	ex_workers_stop(&a->ws);
	printf("%s: disconnected\n", EX_IF_NAME);
	return 0;
}

static bool open_pcap(struct app *a)
{
	a->pcap = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (!a->pcap) {
		fprintf(stderr, "pcap_open_dead failed\n");
		return false;
	}
	a->dumper = pcap_dump_open(a->pcap, a->pcap_file);
	if (!a->dumper) {
		fprintf(stderr, "%s: %s\n", a->pcap_file, pcap_geterr(a->pcap));
		pcap_close(a->pcap);
		a->pcap = NULL;
		return false;
	}
	return true;
}

/* The recipe itself, top to bottom (options, config, init, interface,
 * run, cleanup): long, but kept whole so that it reads as one. */
int main(int argc, char **argv)
{
	static struct app a = { .ro = EX_RESPONDER_DEFAULTS,
				.pcap_lock = PTHREAD_MUTEX_INITIALIZER };
	const struct ex_opt opts[] = {
		EX_COMMON_OPTS(&a.c),
		EX_RESPONDER_OPTS(&a.ro),
		{ "pcap", EX_OPT_STRING, &a.pcap_file, "FILE",
		  "write every packet received and sent to FILE" },
		{ "dump", EX_OPT_FLAG, &a.r.dump, NULL,
		  "hex-dump every received frame" },
	};
	struct memif_config cfg = {
		.if_name = EX_IF_NAME,
		.conn_id = EX_CONN_ID,
		.secret = EX_SECRET,
		.mode = MEMIF_IF_MODE_ETHERNET,
		.buffer_size = EX_BUFFER_SIZE,
		.log2_ring_size = EX_LOG2_RING,
	};
	struct memif_callbacks cb = { on_connect, on_disconnect, &a };
	struct memif *m;
	int err, status;

	a.c.socket = "/tmp/packet-handle-example";
	ex_parse_args(argc, argv,
		      "Answers ARP and ICMP echo requests for its address "
		      "through memif packet handles,\noptionally writing "
		      "every packet to a pcap file.  --count N stops after N "
		      "replies.",
		      opts, sizeof(opts) / sizeof(opts[0]));
	if (!ex_responder_apply(&a.ro, &a.r, &cfg))
		return 2;
	if (a.pcap_file && !open_pcap(&a))
		return 1;
	if (!ex_setup() || !ex_workers_init(&a.ws)) {
		perror("setup");
		return 1;
	}
	cfg.app_name = a.c.slave ? "packet-handle-slave" : "packet-handle";
	ex_apply_common(&a.c, &cfg);

	status = 1;
	err = memif_init(cfg.app_name);
	if (err) {
		ex_perror("memif_init", err);
		goto out_pcap;
	}
	err = memif_create_interface(&cfg, &cb, &m);
	if (err) {
		ex_perror("memif_create_interface", err);
		goto out_cleanup;
	}
	printf("%s: %s on %s, answering for %s (%s)%s%s (Ctrl-C to stop)\n",
	       cfg.app_name, a.c.slave ? "slave" : "master", a.c.socket,
	       a.ro.ip, a.ro.mac, a.pcap_file ? ", capturing to " : "",
	       a.pcap_file ? a.pcap_file : "");

	status = ex_run(m, &a.c, &a.done, &a.ws);

	err = memif_close(m);
	if (err)
		ex_perror("memif_close", err);
out_cleanup:
	err = memif_cleanup();
	if (err)
		ex_perror("memif_cleanup", err);
	ex_workers_destroy(&a.ws);
	ex_responder_stats(&a.r);
out_pcap:
	if (a.dumper) {
		pcap_dump_close(a.dumper);
		pcap_close(a.pcap);
		printf("wrote %lu packets to %s\n", a.dumped, a.pcap_file);
	}
	return status;
}
