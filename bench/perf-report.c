/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's figures: the progress line once a second, the sessions'
 * totals folded into one result, and the end-of-run table and --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <memif/memif.h>

#include "memif-perf.h"

double gbps(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0;
}

double mpps(uint64_t pkts, double secs)
{
	return secs > 0 ? (double)pkts / secs / 1e6 : 0;
}

/* A worker's counter as it last published it (publish() in perf-worker.c);
 * relaxed, as a progress figure needs no more. */
static uint64_t published(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

void take_snap(const struct perf *p, struct snap *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->t = now_ns();
	for (i = 0; i < p->nq; i++) {
		const struct qpub *q = &p->w[i].pub;

		s->tx += published(&q->tx_pkts);
		s->txb += published(&q->tx_bytes);
		s->rx += published(&q->rx_pkts);
		s->rxb += published(&q->rx_bytes);
		s->loss += published(&q->loss);
		s->reorder += published(&q->reorder);
		s->corrupt += published(&q->corrupt);
		s->rtt_n += published(&q->rtt_n);
		s->rtt_sum += published(&q->rtt_sum);
	}
}

void progress(const struct perf *p, const struct snap *a,
	      const struct snap *b, uint64_t t_start, bool tty)
{
	double dt = (double)(b->t - a->t) / 1e9;
	char line[256];
	int len;

	if (dt <= 0)
		return;
	if (p->o->mode == MODE_PING) {
		len = snprintf(line, sizeof(line),
			       "[%4.0fs] ping %.0f/s  rtt avg %.2f us  "
			       "replies %" PRIu64 "  lost %" PRIu64
			       "  corrupt %" PRIu64,
			       (double)(b->t - t_start) / 1e9,
			       (double)(b->tx - a->tx) / dt,
			       b->rtt_n > a->rtt_n ?
				       (double)(b->rtt_sum - a->rtt_sum) /
					       (double)(b->rtt_n - a->rtt_n) /
					       1e3 :
				       0.0,
			       b->rtt_n, b->loss, b->corrupt);
	} else {
		len = snprintf(line, sizeof(line),
			       "[%4.0fs] tx %7.3f Mpps %7.3f Gbps | rx %7.3f "
			       "Mpps %7.3f Gbps | loss %" PRIu64
			       " reorder %" PRIu64 " corrupt %" PRIu64,
			       (double)(b->t - t_start) / 1e9,
			       (double)(b->tx - a->tx) / dt / 1e6,
			       (double)(b->txb - a->txb) * 8 / dt / 1e9,
			       (double)(b->rx - a->rx) / dt / 1e6,
			       (double)(b->rxb - a->rxb) * 8 / dt / 1e9,
			       b->loss, b->reorder, b->corrupt);
	}
	if (len < 0)
		return;
	if (tty)
		fprintf(stderr, "\r%s\033[K", line);
	else
		fprintf(stderr, "%s\n", line);
}

/* Add the session's workers to the run's totals (once, after they have
 * been joined). */
void fold_workers(struct perf *p)
{
	uint64_t tx0 = UINT64_MAX, tx1 = 0, rx0 = UINT64_MAX, rx1 = 0;
	struct result *r = &p->tot;
	unsigned int i;

	for (i = 0; i < p->nq; i++) {
		const struct worker *w = &p->w[i];
		struct qsum *q = &p->qs[i];

		r->tx_pkts += w->tx_pkts;
		r->tx_bytes += w->tx_bytes;
		r->rx_pkts += w->rx_pkts;
		r->rx_bytes += w->rx_bytes;
		r->loss += w->loss;
		r->reorder += w->reorder;
		r->corrupt += w->corrupt;
		r->foreign += w->foreign;
		r->misqueued += w->misqueued;
		r->tx_ring_full += w->ring_full;
		r->rx_calls += w->rx_calls;
		r->rx_nonempty += w->rx_nonempty;
		r->ping_timeouts += w->timeouts;
		if (w->tx_pkts && w->tx_t1 > w->tx_t0) {
			if (w->tx_t0 < tx0)
				tx0 = w->tx_t0;
			if (w->tx_t1 > tx1)
				tx1 = w->tx_t1;
		}
		if (w->rx_pkts && w->rx_t1 > w->rx_t0) {
			if (w->rx_t0 < rx0)
				rx0 = w->rx_t0;
			if (w->rx_t1 > rx1)
				rx1 = w->rx_t1;
		}
		perf_hist_merge(p->hist, &w->hist);
		q->tx_pkts += w->tx_pkts;
		q->tx_bytes += w->tx_bytes;
		q->rx_pkts += w->rx_pkts;
		q->rx_bytes += w->rx_bytes;
		q->loss += w->loss;
		q->reorder += w->reorder;
		q->corrupt += w->corrupt;
		if (w->tx_t1 > w->tx_t0)
			q->tx_ns += w->tx_t1 - w->tx_t0;
		if (w->rx_t1 > w->rx_t0)
			q->rx_ns += w->rx_t1 - w->rx_t0;
		if (w->err)
			q->err = w->err;
	}
	/* Each session's window: the time between sessions is no traffic. */
	r->tx_secs += tx1 > tx0 ? (double)(tx1 - tx0) / 1e9 : 0;
	r->rx_secs += rx1 > rx0 ? (double)(rx1 - rx0) / 1e9 : 0;
	if (p->nq > p->nqs)
		p->nqs = p->nq;
}

/* Add the session's last library snapshot to the totals (each connection
 * has queues of its own, counting from 0). */
void fold_lib(struct perf *p)
{
	const struct memif_details *d = p->det;
	struct result *r = &p->tot;
	unsigned int i;

	pthread_mutex_lock(&p->lock);
	if (p->det_valid) {
		for (i = 0; i < d->num_rx_queues; i++) {
			r->lib_bad_desc += d->rx_queues[i].drops_bad_desc;
			r->lib_too_long += d->rx_queues[i].drops_too_long;
			r->lib_irq_rx += d->rx_queues[i].interrupts;
		}
		for (i = 0; i < d->num_tx_queues; i++) {
			r->lib_ring_full += d->tx_queues[i].ring_full;
			r->lib_irq_tx += d->tx_queues[i].interrupts;
		}
		p->lib_snaps++;
		if (!p->det_final)
			p->lib_periodic++;
	}
	p->det_valid = false;
	p->det_final = false;
	pthread_mutex_unlock(&p->lock);
}

/* The run's totals: the sessions folded before, and the last one. */
void collect(struct perf *p, struct result *r)
{
	const struct perf_hist *h = p->hist;

	fold_workers(p);
	fold_lib(p);
	r->tx_pkts = p->tot.tx_pkts;
	r->tx_bytes = p->tot.tx_bytes;
	r->rx_pkts = p->tot.rx_pkts;
	r->rx_bytes = p->tot.rx_bytes;
	r->tx_secs = p->tot.tx_secs;
	r->rx_secs = p->tot.rx_secs;
	r->loss = p->tot.loss;
	r->reorder = p->tot.reorder;
	r->corrupt = p->tot.corrupt;
	r->foreign = p->tot.foreign;
	r->misqueued = p->tot.misqueued;
	r->tx_ring_full = p->tot.tx_ring_full;
	r->ping_timeouts = p->tot.ping_timeouts;
	r->rx_calls = p->tot.rx_calls;
	r->rx_nonempty = p->tot.rx_nonempty;
	r->lib_bad_desc = p->tot.lib_bad_desc;
	r->lib_too_long = p->tot.lib_too_long;
	r->lib_ring_full = p->tot.lib_ring_full;
	r->lib_irq_tx = p->tot.lib_irq_tx;
	r->lib_irq_rx = p->tot.lib_irq_rx;
	if (h->n) {
		r->lat_n = h->n;
		r->lat_min = h->min;
		r->lat_p50 = perf_hist_quantile(h, 0.50);
		r->lat_p99 = perf_hist_quantile(h, 0.99);
		r->lat_p999 = perf_hist_quantile(h, 0.999);
		r->lat_max = h->max;
		r->lat_mean = (double)h->sum / (double)h->n;
	}
}

static void print_row(FILE *f, const char *name, uint64_t pkts,
		      uint64_t bytes, double secs)
{
	fprintf(f, "%-10s %14" PRIu64 " %16" PRIu64 " %9.3f %10.3f %9.3f\n",
		name, pkts, bytes, secs, mpps(pkts, secs), gbps(bytes, secs));
}

/* The table's rows of one direction: the total, then, with more than one
 * queue, each queue's. */
static void print_rows(FILE *f, const struct perf *p, const struct result *r,
		       bool tx)
{
	const char *dir = tx ? "tx" : "rx";
	unsigned int i;
	char name[32];

	print_row(f, dir, tx ? r->tx_pkts : r->rx_pkts,
		  tx ? r->tx_bytes : r->rx_bytes, tx ? r->tx_secs : r->rx_secs);
	for (i = 0; p->nqs > 1 && i < p->nqs; i++) {
		const struct qsum *q = &p->qs[i];

		snprintf(name, sizeof(name), "  %s q%u", dir, i);
		print_row(f, name, tx ? q->tx_pkts : q->rx_pkts,
			  tx ? q->tx_bytes : q->rx_bytes,
			  (double)(tx ? q->tx_ns : q->rx_ns) / 1e9);
	}
}

void print_summary(FILE *f, const struct perf *p, const struct result *r)
{
	const struct opts *o = p->o;

	fprintf(f,
		"\nmemif-perf %s %s: %u queue%s, %u B%s, %s, %s path, %s "
		"fill, burst %u\n",
		role_name(o), mode_names[o->mode], p->nqs,
		p->nqs != 1 ? "s" : "", o->size, o->raw ? " raw" : "",
		o->edge	     ? "interrupt (edge)" :
		o->interrupt ? "interrupt" :
		o->spin	     ? "polling (idle spin)" :
			       "polling",
		o->zero_copy ? "zero-copy" :
		o->inplace   ? "in-place" :
			       "copy",
		o->full ? "full" : "headers",
		o->burst);
	fprintf(f,
		"shm:     negotiated %u rx / %u tx queues, ring %u, buffer "
		"%u; configured %u / %u, ring %u, buffer %u%s\n",
		p->neg.rx_queues, p->neg.tx_queues, p->neg.ring_size,
		p->neg.buffer_size, o->queues, o->queues, 1u << o->ring_log2,
		o->buffer_size, o->master ? " (the slave decides)" : "");
	fprintf(f, "%-10s %14s %16s %9s %10s %9s\n", "", "packets", "bytes",
		"seconds", "Mpps", "Gbps");
	print_rows(f, p, r, true);
	print_rows(f, p, r, false);
	fprintf(f, "checks:  loss %" PRIu64 "  reorder %" PRIu64
		"  corrupt %" PRIu64 "  foreign %" PRIu64 "  misqueued %" PRIu64
		"\n", r->loss, r->reorder, r->corrupt, r->foreign,
		r->misqueued);
	fprintf(f, "bursts:  tx ring-full retries %" PRIu64 "  rx calls %" PRIu64
		" (%.1f%% empty, %.1f packets per non-empty one)\n",
		r->tx_ring_full, r->rx_calls,
		r->rx_calls ? 100.0 * (double)(r->rx_calls - r->rx_nonempty) /
				      (double)r->rx_calls :
			      0.0,
		r->rx_nonempty ? (double)r->rx_pkts / (double)r->rx_nonempty :
				 0.0);
	fprintf(f, "library: rx drops bad-desc %" PRIu64 " too-long %" PRIu64
		"  tx ring-full %" PRIu64 "  interrupts tx %" PRIu64
		" rx %" PRIu64 "%s\n", r->lib_bad_desc, r->lib_too_long,
		r->lib_ring_full, r->lib_irq_tx, r->lib_irq_rx,
		!p->lib_snaps ? "  (none: link never up at a snapshot)" :
		p->lib_periodic ? "  (as of the last 1 s snapshot: link "
				  "went down)" : "");
	if (p->serve)
		fprintf(f, "served:  %u connection%s one after another; the "
			"shape above is the last one's\n", p->sessions,
			p->sessions != 1 ? "s" : "");
	if (o->mode == MODE_PING)
		fprintf(f, "latency: %" PRIu64 " round trips, %" PRIu64
			" timeouts; ns min %" PRIu64 "  p50 %" PRIu64
			"  p99 %" PRIu64 "  p99.9 %" PRIu64 "  max %" PRIu64
			"  mean %.0f\n", r->lat_n, r->ping_timeouts,
			r->lat_min, r->lat_p50, r->lat_p99, r->lat_p999,
			r->lat_max, r->lat_mean);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void print_json(FILE *f, const struct perf *p, const struct result *r)
{
	const struct opts *o = p->o;
	unsigned int i;

	fprintf(f, "{\"role\":\"%s\",\"mode\":\"%s\",\"socket\":",
		role_name(o), mode_names[o->mode]);
	json_str(f, o->socket ? o->socket : MEMIF_DEFAULT_SOCKET);
	fprintf(f, ",\"id\":%u,\"queues\":%u,\"size\":%u,\"burst\":%u,"
		"\"ring_log2\":%u,\"buffer_size\":%u,\"rx_mode\":\"%s\","
		"\"idle\":\"%s\",\"tx_path\":\"%s\",\"fill\":\"%s\","
		"\"raw\":%s,",
		o->id, o->queues, o->size, o->burst, o->ring_log2,
		o->buffer_size,
		o->edge ? "edge" : o->interrupt ? "interrupt" : "polling",
		o->spin ? "spin" : "pause",
		o->zero_copy ? "zero-copy" : o->inplace ? "inplace" : "copy",
		o->full ? "full" : "headers", o->raw ? "true" : "false");
	fprintf(f, "\"rx_path\":\"%s\",\"hugepages\":%s,",
		o->rx_pieces ? "pieces" : "whole",
		o->hugepages ? "true" : "false");
	fprintf(f, "\"allow_unsealed\":%s,\"connected\":%s,\"exit_code\":%d,",
		o->allow_unsealed ? "true" : "false",
		r->connected ? "true" : "false", r->exit_code);
	/* Connections served: 1, or in serve mode as many as came; the
	 * counters below are their totals, "negotiated" the last one's. */
	fprintf(f, "\"sessions\":%u,", p->sessions);
	/* What the connection has (the slave decides), next to the
	 * configured "queues", "ring_log2" and "buffer_size" above; buffer
	 * size as the details report it.  "workers": queues served. */
	fprintf(f,
		"\"negotiated\":{\"rx_queues\":%u,\"tx_queues\":%u,"
		"\"ring_size\":%u,\"buffer_size\":%u},\"workers\":%u,",
		p->neg.rx_queues, p->neg.tx_queues, p->neg.ring_size,
		p->neg.buffer_size, p->nqs);
	fprintf(f, "\"tx\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"seconds\":%.6f,\"mpps\":%.4f,\"gbps\":%.4f,"
		"\"ring_full_retries\":%" PRIu64 "},",
		r->tx_pkts, r->tx_bytes, r->tx_secs,
		mpps(r->tx_pkts, r->tx_secs), gbps(r->tx_bytes, r->tx_secs),
		r->tx_ring_full);
	fprintf(f, "\"rx\":{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		",\"seconds\":%.6f,\"mpps\":%.4f,\"gbps\":%.4f,"
		"\"loss\":%" PRIu64 ",\"reorder\":%" PRIu64
		",\"corrupt\":%" PRIu64 ",\"foreign\":%" PRIu64
		",\"misqueued\":%" PRIu64 "},",
		r->rx_pkts, r->rx_bytes, r->rx_secs,
		mpps(r->rx_pkts, r->rx_secs), gbps(r->rx_bytes, r->rx_secs),
		r->loss, r->reorder, r->corrupt, r->foreign, r->misqueued);
	fprintf(f, "\"library\":{\"details\":\"%s\",\"rx_drops_bad_desc\":%" PRIu64
		",\"rx_drops_too_long\":%" PRIu64 ",\"tx_ring_full\":%" PRIu64
		",\"interrupts_tx\":%" PRIu64 ",\"interrupts_rx\":%" PRIu64
		"},", !p->lib_snaps ? "none" : p->lib_periodic ? "periodic" :
								  "final",
		r->lib_bad_desc,
		r->lib_too_long, r->lib_ring_full, r->lib_irq_tx,
		r->lib_irq_rx);
	fprintf(f, "\"latency_ns\":{\"samples\":%" PRIu64
		",\"timeouts\":%" PRIu64 ",\"min\":%" PRIu64 ",\"p50\":%" PRIu64
		",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
		",\"mean\":%.1f},",
		r->lat_n, r->ping_timeouts, r->lat_n ? r->lat_min : 0,
		r->lat_p50, r->lat_p99, r->lat_p999, r->lat_max, r->lat_mean);
	fprintf(f, "\"per_queue\":[");
	for (i = 0; i < p->nqs; i++) {
		const struct qsum *q = &p->qs[i];

		fprintf(f, "%s{\"queue\":%u,\"tx_packets\":%" PRIu64
			",\"rx_packets\":%" PRIu64 ",\"loss\":%" PRIu64
			",\"reorder\":%" PRIu64 ",\"corrupt\":%" PRIu64
			",\"error\":%d}", i ? "," : "", i, q->tx_pkts,
			q->rx_pkts, q->loss, q->reorder, q->corrupt, q->err);
	}
	fprintf(f, "]}\n");
}
