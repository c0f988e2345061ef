/* SPDX-License-Identifier: MIT */
/*
 * The check runner: one role's run over the check tables, with the
 * liveness and fd checks after every hostile case; with an IUT we started
 * (--iut), what ended or wedged it is recorded against the check that did
 * it and the IUT is started again for the next one.  Then the text lines,
 * the JSON and the Markdown report of one or both roles.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"

#define TAIL_LINES 6

static const char *const res_names[] = { "PASS", "FAIL", "N/A" };
static const char *const incident_names[] = { "crash", "hang", "exit" };

static bool selected(const char *only, const char *id)
{
	const char *p = only;
	size_t n;

	if (!only)
		return true;
	while (*p) {
		n = strcspn(p, ",");
		if (n && strncmp(p, id, n) == 0 && (id[n] == 0 || id[n] == '.'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* ---- liveness ------------------------------------------------------------ */

int cf_liveness(struct cf_run *r)
{
	struct cf_peer *p;
	struct cf_hs hs;
	int ret = -1;
	char saved[CF_NOTE_LEN];

	/* Only a failure of the fresh handshake is worth reporting. */
	memcpy(saved, r->note, sizeof(saved));
	r->note[0] = 0;
	cf_hs_default(r, &hs);
	hs.log2 = 6;
	p = cf_peer_at(r, &hs, CF_STEP_CONNECTED);
	if (!p)
		goto out;
	/* A good IUT slave starts with INIT, and sends it once. */
	if (p->we_master && p->first_type != MEMIF_MSG_TYPE_INIT) {
		cf_note(r, "expected INIT first, got %s",
			cf_type_name((uint16_t)p->first_type));
		goto out;
	}
	if (p->we_master && p->n_init > 1) {
		cf_note(r, "second INIT");
		goto out;
	}
	if (r->o->echo && cf_echo_one(r, p, 100) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0) {
		char why[CF_NOTE_LEN];

		memcpy(why, r->note, sizeof(why));
		memcpy(r->note, saved, sizeof(saved));
		cf_note(r, "afterwards no fresh handshake: %s", why);
	} else {
		memcpy(r->note, saved, sizeof(saved));
		cf_note(r, "alive");
	}
	cf_peer_free(p);
	return ret;
}

/* The reference state for fd counts: an idle IUT master, or an IUT slave
 * with one connection accepted and no HELLO sent yet. */
static void settle(struct cf_run *r, bool set)
{
	if (r->o->we_master && r->pending < 0) {
		struct cf_peer tmp = { .fd = -1 };
		char saved[CF_NOTE_LEN];

		memcpy(saved, r->note, sizeof(saved));
		if (cf_master_accept(r, &tmp) == 0)
			r->pending = tmp.fd;
		memcpy(r->note, saved, sizeof(saved));
	}
	/* A new start of the IUT has a baseline of its own. */
	if (set || (r->pid && r->base_fds < 0))
		cf_iut_set_baseline(r);
}

/* FAIL: the IUT died during the check (said once in the note). */
static enum cf_result died(struct cf_run *r)
{
	r->iut_gone = true;
	if (strstr(r->note, "the IUT process died"))
		return CF_FAIL;
	return cf_fail(r, "the IUT process died");
}

static enum cf_result post_hostile(struct cf_run *r, enum cf_result res)
{
	if (!cf_iut_alive(r)) {
		return died(r);
	}
	if (cf_liveness(r) < 0) {
		res = CF_FAIL;
		r->stuck = true;
	}
	if (!cf_iut_alive(r)) {
		return died(r);
	}
	settle(r, false);
	if (!(r->o->we_master && r->pending < 0) &&
	    !cf_iut_at_baseline(r, 2000))
		res = CF_FAIL;
	/* A crash a moment after the teardown belongs to this check. */
	cf_sleep_ms(r->pid ? 50 : 0);
	if (!cf_iut_alive(r)) {
		return died(r);
	}
	return res;
}

static enum cf_result run_one(struct cf_run *r, const struct cf_check *c)
{
	const struct cf_opts *o = r->o;
	enum cf_result res;

	r->note[0] = 0;
	r->cur = c;
	r->no_kick = false;
	r->no_count = false;
	r->cur_rejects = r->cur_silent = r->cur_listed = 0;
	r->stuck = false;
	if ((c->flags & CF_ECHO) && !o->echo)
		return cf_na(r, "needs an IUT that echoes (--echo)");
	if ((c->flags & CF_SECRET) && !o->secret)
		return cf_na(r, "needs an IUT with a secret (--secret)");
	if ((c->flags & CF_NOSECRET) && o->secret)
		return cf_na(r, "needs an IUT without a secret");
	if ((c->flags & CF_ID2) && !o->has_id2)
		return cf_na(r, "needs a second interface id (--id2)");
	if ((c->flags & CF_PID) && !r->pid)
		return cf_na(r, "needs the IUT's pid (--pid or --iut)");
	if (!(c->flags & CF_SUMMARY) && !cf_iut_alive(r)) {
		r->iut_gone = true;
		return cf_fail(r, "the IUT process died before this check, "
				  "after the previous one");
	}
	if (o->we_master && r->pending < 0 && !(c->flags & CF_SUMMARY))
		settle(r, false);
	res = c->run(r, c->arg);
	if ((c->flags & CF_HOSTILE) && res != CF_NA)
		res = post_hostile(r, res);
	if (!r->note[0])
		cf_note(r, "as expected");
	return res;
}

/* ---- an IUT we started: crashes, hangs, restarts ------------------------- */

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "memif-conform: out of memory\n");
		exit(2);
	}
	return d;
}

/* An IUT master listens before it can serve (testpmd refuses INIT with "ID
 * not found" until its port has started): it is ready when a fresh
 * handshake works.  An IUT slave is ready when it connects (settle). */
static void wait_ready(struct cf_run *r)
{
	uint64_t end = cf_now_ms() + CF_START_WAIT_MS;
	char saved[CF_NOTE_LEN];

	if (r->o->we_master)
		return;
	memcpy(saved, r->note, sizeof(saved));
	while (cf_liveness(r) < 0 && cf_iut_alive(r) && cf_now_ms() < end)
		cf_sleep_ms(100);
	memcpy(r->note, saved, sizeof(saved));
	/* Let it let go of that connection before its baseline is taken. */
	cf_sleep_ms(200);
}

/* Start the IUT again after a check ended or wedged it; false when it does
 * not come up (the rest of the run is then not possible).  One that dies
 * while starting (testpmd, when a probing handshake of wait_ready closes
 * at the wrong moment) is started again, up to CF_START_TRIES times, and
 * @again says so: it belongs to the check that needed the restart, not to
 * the next one, which would be FAIL without having run. */
static bool restart(struct cf_run *r, char *again, size_t size)
{
	char tail[1024], how[64];
	size_t n = 0;
	int ret, tries;

	again[0] = 0;
	for (tries = 1;; tries++) {
		if (r->pending >= 0) {
			close(r->pending);
			r->pending = -1;
		}
		cf_iut_stop(r);
		r->base_fds = -1;
		ret = cf_iut_start(r);
		if (ret < 0) {
			cf_iut_tail(r, tail, sizeof(tail), TAIL_LINES);
			fprintf(stderr,
				"memif-conform: the IUT did not start again "
				"(%s); its output ends:\n%s\n",
				ret == -ECHILD ? "it ended" : strerror(-ret),
				tail);
			return false;
		}
		wait_ready(r);
		settle(r, true);
		if (cf_iut_alive(r) || tries == CF_START_TRIES)
			return true;
		cf_iut_how_ended(r, how, sizeof(how));
		if (n < size)
			n += (size_t)snprintf(again + n, size - n,
					      "; started again, it %s while "
					      "starting", how);
		if (r->o->verbose)
			fprintf(stderr, "  the IUT %s while starting: starting "
				"it again\n", how);
	}
}

/* After check @x with an IUT we started: did it end, or stop answering? */
static void watch_iut(struct cf_run *r, struct cf_role_run *rr,
		      struct cf_result_line *x)
{
	struct cf_incident *in;
	char what[CF_NOTE_LEN], tail[1024], again[256];
	enum cf_incident_kind kind;
	size_t len;

	if (!r->stuck && cf_iut_alive(r) &&
	    !(x->res == CF_FAIL && !(x->c->flags & CF_SUMMARY) &&
	      !(x->c->flags & CF_HOSTILE) && cf_liveness(r) < 0))
		return;
	/* No fresh handshake: a process on its way out of a crash (dumping,
	 * freeing its memory) still looks alive for a moment. */
	for (int i = 0; i < 100 && !cf_iut_reap(r); i++)
		cf_sleep_ms(20);
	/* What it said before we stop it (its shutdown messages would say
	 * nothing about the hang). */
	cf_iut_tail(r, tail, sizeof(tail), TAIL_LINES);
	if (cf_iut_reap(r)) {
		cf_iut_how_ended(r, what, sizeof(what));
		kind = WIFSIGNALED(r->iut->status) ? CF_INC_CRASH : CF_INC_EXIT;
		/* The close we saw was its death, not a rejection. */
		cf_uncount_rejects(r);
	} else {
		/* Alive, but wedged.  Stop it; one that dies of a signal of
		 * its own meanwhile crashed after all. */
		cf_iut_stop(r);
		if (WIFSIGNALED(r->iut->status) &&
		    WTERMSIG(r->iut->status) != SIGTERM &&
		    WTERMSIG(r->iut->status) != SIGKILL) {
			cf_iut_how_ended(r, what, sizeof(what));
			kind = CF_INC_CRASH;
			cf_uncount_rejects(r);
		} else {
			snprintf(what, sizeof(what),
				 "hung: alive, but no fresh handshake "
				 "afterwards");
			kind = CF_INC_HANG;
		}
	}
	if (r->o->verbose)
		fprintf(stderr, "  the IUT %s during %s: starting it again\n",
			what, x->c->id);
	r->iut_gone = !restart(r, again, sizeof(again));
	/* What happened while starting it again belongs to this check. */
	if (strlen(what) + strlen(again) < sizeof(what))
		strcat(what, again);
	x->res = CF_FAIL;
	len = strlen(x->note);
	if (!strstr(x->note, what)) {
		char *n = malloc(len + strlen(what) + 3);

		if (n) {
			sprintf(n, "%s; %s", x->note, what);
			free(x->note);
			x->note = n;
		}
	}
	if (rr->n_inc < CF_MAX_INCIDENTS) {
		in = &rr->inc[rr->n_inc++];
		in->id = x->c->id;
		in->kind = kind;
		in->what = dup_or_die(what);
		in->tail = dup_or_die(tail);
	}
	rr->kinds[kind]++;
}

/* ---- one role ------------------------------------------------------------ */

static void print_line(FILE *f, const struct cf_result_line *x)
{
	fprintf(f, "%-4s %-16s %s%s -- %s\n", res_names[x->res], x->c->id,
		x->c->desc, x->c->flags & CF_SHOULD ? " (SHOULD)" : "",
		x->note);
	fflush(f);
}

static unsigned count_selected(const struct cf_check *const *tables,
			       const char *only)
{
	unsigned n = 0, ti;

	for (ti = 0; ti < 2; ti++)
		for (const struct cf_check *t = tables[ti]; t->id; t++)
			if (selected(only, t->id) || (t->flags & CF_SUMMARY))
				n++;
	return n;
}

/* Start the IUT (@cmd given) and wait until it is ready, or check that
 * the one given by --pid runs.  Return: 0, or -1 (said why). */
static int start_iut(struct cf_run *r, struct cf_iut *iut, const char *cmd,
		     struct cf_role_run *rr)
{
	int ret;

	if (!cmd) {
		if (r->pid && !cf_iut_alive(r)) {
			fprintf(stderr, "memif-conform: no process %d\n",
				(int)r->pid);
			return -1;
		}
		return 0;
	}
	ret = cf_iut_init(r, iut);
	if (ret == 0)
		ret = cf_iut_start(r);
	if (ret < 0) {
		char tail[1024] = "";

		if (r->iut)
			cf_iut_tail(r, tail, sizeof(tail), TAIL_LINES);
		fprintf(stderr,
			"memif-conform: the IUT did not start (%s)%s\n"
			"%s\n",
			ret == -ECHILD ? "it ended" : strerror(-ret),
			tail[0] ? "; its output ends:" : "", tail);
		cf_iut_cleanup(r);
		return -1;
	}
	rr->command = cf_iut_subst(r, cmd);
	wait_ready(r);
	return 0;
}

/* Every selected check of @tables (and every summary check) in turn, a
 * line each on @out, until the IUT is gone for good.  Return: 0, or -1
 * out of memory. */
static int run_checks(struct cf_run *r, const struct cf_check *const *tables,
		      const char *only, struct cf_role_run *rr, FILE *out)
{
	unsigned ti;

	rr->res = calloc(count_selected(tables, only) + 1, sizeof(*rr->res));
	if (!rr->res)
		return -1;
	for (ti = 0; ti < 2 && !r->iut_gone; ti++) {
		for (const struct cf_check *t = tables[ti]; t->id; t++) {
			struct cf_result_line *x = &rr->res[rr->n];

			if (!selected(only, t->id) && !(t->flags & CF_SUMMARY))
				continue;
			if (r->o->verbose)
				fprintf(stderr, "... %s\n", t->id);
			x->c = t;
			x->res = run_one(r, t);
			x->note = dup_or_die(r->note[0] ? r->note : " ");
			if (r->iut && !(t->flags & CF_SUMMARY)) {
				r->iut_gone = false;
				watch_iut(r, rr, x);
			}
			rr->count[x->res]++;
			print_line(out, x);
			rr->n++;
			if (r->iut_gone)
				break;
		}
	}
	return 0;
}

/* The IUT we started: its starts, and how it takes a SIGTERM at the end
 * (a sanitizer build exits non-zero on a leak), into @rr. */
static void stop_iut(struct cf_run *r, const struct cf_iut *iut,
		     struct cf_role_run *rr)
{
	rr->starts = iut->starts;
	rr->once = iut->once;
	if (!cf_iut_reap(r)) {
		cf_iut_stop(r);
		cf_iut_how_ended(r, rr->final, sizeof(rr->final));
		if (WIFSIGNALED(iut->status) &&
		    WTERMSIG(iut->status) == SIGTERM)
			snprintf(rr->final, sizeof(rr->final),
				 "ended by SIGTERM");
		else if (WIFEXITED(iut->status))
			snprintf(rr->final, sizeof(rr->final),
				 "exited with status %d on SIGTERM",
				 WEXITSTATUS(iut->status));
	}
	cf_iut_cleanup(r);
}

static void print_summary(FILE *out, const struct cf_opts *o,
			  const struct cf_role_run *rr)
{
	if (rr->gone)
		fprintf(out, "the IUT process is gone: the remaining checks "
			     "were not run\n");
	fprintf(out,
		"memif-conform: role %s (IUT %s): %u passed, %u failed, %u not "
		"applicable",
		o->we_master ? "master" : "slave",
		o->we_master ? "slave" : "master", rr->count[CF_PASS],
		rr->count[CF_FAIL], rr->count[CF_NA]);
	if (rr->starts)
		fprintf(out,
			"; %u crashes, %u hangs, %u exits, %u leaks; "
			"IUT started %u times",
			rr->kinds[CF_INC_CRASH], rr->kinds[CF_INC_HANG],
			rr->kinds[CF_INC_EXIT], rr->leaks, rr->starts);
	fprintf(out, "\n");
	fflush(out);
}

int cf_run_role(const struct cf_opts *o, const char *only,
		struct cf_role_run *rr)
{
	struct cf_run r = { .o = o,
			    .lfd = -1,
			    .pending = -1,
			    .base_fds = -1,
			    .base_maps = -1,
			    .pid = o->pid };
	const struct cf_check *tables[2];
	struct cf_iut iut = { 0 };
	const char *cmd = o->we_master ? o->iut_slave : o->iut_master;
	FILE *out = o->json ? stderr : stdout;

	memset(rr, 0, sizeof(*rr));
	rr->we_master = o->we_master;
	rr->started = time(NULL);
	if (o->we_master) {
		r.lfd = cf_listen(o->socket);
		if (r.lfd < 0) {
			fprintf(stderr, "memif-conform: listen on %s: %s\n",
				o->socket, strerror(-r.lfd));
			return -1;
		}
	}
	if (start_iut(&r, &iut, cmd, rr) < 0)
		goto fail;
	settle(&r, true);
	if (o->verbose && r.pid)
		fprintf(stderr, "IUT %d baseline: %d fds, %d memfd maps\n",
			(int)r.pid, r.base_fds, r.base_maps);
	tables[0] = o->we_master ? cf_master_checks : cf_slave_checks;
	tables[1] = cf_common_checks;
	if (run_checks(&r, tables, only, rr, out) < 0)
		goto fail;
	rr->gone = r.iut_gone;
	rr->leaks = r.st.fd_leaks;
	memcpy(rr->iut_name, r.iut_name, sizeof(rr->iut_name));
	rr->iut_version = r.iut_version;
	if (r.iut)
		stop_iut(&r, &iut, rr);
	print_summary(out, o, rr);
	if (r.pending >= 0)
		close(r.pending);
	if (r.lfd >= 0) {
		close(r.lfd);
		if (o->socket[0] != '@')
			unlink(o->socket);
	}
	return 0;
fail:
	if (r.lfd >= 0)
		close(r.lfd);
	return -1;
}

void cf_role_run_free(struct cf_role_run *rr)
{
	unsigned i;

	for (i = 0; i < rr->n; i++)
		free(rr->res[i].note);
	for (i = 0; i < rr->n_inc; i++) {
		free(rr->inc[i].what);
		free(rr->inc[i].tail);
	}
	free(rr->res);
	free(rr->command);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const struct cf_incident *incident_of(const struct cf_role_run *rr,
					     const char *id)
{
	unsigned i;

	for (i = 0; i < rr->n_inc; i++)
		if (rr->inc[i].id == id)
			return &rr->inc[i];
	return NULL;
}

static void json_role(FILE *f, const struct cf_opts *o,
		      const struct cf_role_run *rr, const char *ind)
{
	unsigned i;

	fprintf(f, "%s\"role\": ", ind);
	json_str(f, rr->we_master ? "master" : "slave");
	fprintf(f, ", \"iut_role\": ");
	json_str(f, rr->we_master ? "slave" : "master");
	fprintf(f, ", \"socket\": ");
	json_str(f, o->socket);
	fprintf(f, ", \"id\": %u, \"echo\": %s, \"pid\": %d, \"iut_gone\": %s,\n",
		o->id, o->echo ? "true" : "false", (int)o->pid,
		rr->gone ? "true" : "false");
	fprintf(f, "%s\"iut\": {\"name\": ", ind);
	json_str(f, rr->iut_name);
	fprintf(f, ", \"version\": %u, \"command\": ", rr->iut_version);
	if (rr->command)
		json_str(f, rr->command);
	else
		fprintf(f, "null");
	fprintf(f, ", \"starts\": %u, \"connects_once\": %s, \"final\": ",
		rr->starts, rr->once ? "true" : "false");
	json_str(f, rr->final);
	fprintf(f, "},\n");
	fprintf(f,
		"%s\"summary\": {\"pass\": %u, \"fail\": %u, \"na\": %u, "
		"\"crashes\": %u, \"hangs\": %u, \"exits\": %u, "
		"\"leaks\": %u},\n",
		ind, rr->count[CF_PASS], rr->count[CF_FAIL], rr->count[CF_NA],
		rr->kinds[CF_INC_CRASH], rr->kinds[CF_INC_HANG],
		rr->kinds[CF_INC_EXIT], rr->leaks);
	fprintf(f, "%s\"checks\": [\n", ind);
	for (i = 0; i < rr->n; i++) {
		const struct cf_result_line *x = &rr->res[i];
		const struct cf_incident *in = incident_of(rr, x->c->id);

		fprintf(f, "%s  {\"id\": ", ind);
		json_str(f, x->c->id);
		fprintf(f, ", \"result\": ");
		json_str(f, res_names[x->res]);
		fprintf(f, ", \"level\": \"%s\", \"description\": ",
			x->c->flags & CF_SHOULD ? "should" : "must");
		json_str(f, x->c->desc);
		fprintf(f, ", \"reaction\": ");
		json_str(f, x->note);
		if (in) {
			fprintf(f, ", \"incident\": ");
			json_str(f, incident_names[in->kind]);
		}
		fprintf(f, "}%s\n", i + 1 < rr->n ? "," : "");
	}
	fprintf(f, "%s],\n%s\"incidents\": [", ind, ind);
	for (i = 0; i < rr->n_inc; i++) {
		fprintf(f, "%s\n%s  {\"check\": ", i ? "," : "", ind);
		json_str(f, rr->inc[i].id);
		fprintf(f, ", \"kind\": ");
		json_str(f, incident_names[rr->inc[i].kind]);
		fprintf(f, ", \"what\": ");
		json_str(f, rr->inc[i].what);
		fprintf(f, ", \"output\": ");
		json_str(f, rr->inc[i].tail);
		fprintf(f, "}");
	}
	fprintf(f, "%s]\n", rr->n_inc ? "\n" : "");
}

void cf_print_json(FILE *f, const struct cf_opts *o,
		   const struct cf_role_run *rr, unsigned n)
{
	unsigned i;

	/* One role: the role's object itself (what scripts read today). */
	if (n == 1) {
		fprintf(f, "{\"tool\": \"memif-conform\",\n");
		json_role(f, o, &rr[0], " ");
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, "{\"tool\": \"memif-conform\", \"runs\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f, " {\n");
		json_role(f, o, &rr[i], "  ");
		fprintf(f, " }%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "]}\n");
}

/* ---- Markdown report ----------------------------------------------------- */

static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputs("<br>", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else
			fputc(*s, f);
	}
}

static void md_role(FILE *f, const struct cf_role_run *rr)
{
	const char *iut_role = rr->we_master ? "slave" : "master";
	unsigned i;

	fprintf(f, "## The IUT as %s: memif-conform --role %s\n\n", iut_role,
		rr->we_master ? "master" : "slave");
	fprintf(f, "- Implementation: ");
	if (rr->iut_name[0]) {
		fprintf(f, "\"");
		md_text(f, rr->iut_name);
		fprintf(f, "\" (its name in %s), protocol version %u.%u\n",
			rr->we_master ? "INIT" : "HELLO", rr->iut_version >> 8,
			rr->iut_version & 0xff);
	} else {
		fprintf(f, "(it sent no %s)\n", rr->we_master ? "INIT" : "HELLO");
	}
	if (rr->command) {
		fprintf(f, "- Started by memif-conform as: `");
		md_text(f, rr->command);
		fprintf(f, "`\n- Starts: %u%s", rr->starts,
			rr->once ? " (it connects once per start: started "
				   "again whenever a new connection was "
				   "needed, so fd baselines could not be "
				   "compared across those)"
				 : "");
		fprintf(f, "; at the end it %s\n",
			rr->final[0] ? rr->final : "had already ended");
	}
	fprintf(f,
		"- Totals: **%u passed, %u failed, %u not applicable**; "
		"crashes %u, hangs %u, other exits %u, teardowns that leaked "
		"%u\n",
		rr->count[CF_PASS], rr->count[CF_FAIL], rr->count[CF_NA],
		rr->kinds[CF_INC_CRASH], rr->kinds[CF_INC_HANG],
		rr->kinds[CF_INC_EXIT], rr->leaks);
	if (rr->gone)
		fprintf(f, "- The IUT went away and did not come back: the "
			   "checks after the last row were not run.\n");
	fprintf(f, "\n| Check | Level | Result | Reaction observed |\n"
		   "|---|---|---|---|\n");
	for (i = 0; i < rr->n; i++) {
		const struct cf_result_line *x = &rr->res[i];

		fprintf(f, "| %s ", x->c->id);
		md_text(f, x->c->desc);
		fprintf(f, " | %s | %s | ",
			x->c->flags & CF_SHOULD ? "SHOULD" : "MUST",
			res_names[x->res]);
		md_text(f, x->note);
		fprintf(f, " |\n");
	}
	if (rr->n_inc) {
		fprintf(f, "\n### Crashes, hangs and exits\n\n"
			   "| Check | What happened | The IUT's last output |\n"
			   "|---|---|---|\n");
		for (i = 0; i < rr->n_inc; i++) {
			fprintf(f, "| %s | ", rr->inc[i].id);
			md_text(f, rr->inc[i].what);
			fprintf(f, " | ");
			if (rr->inc[i].tail[0]) {
				fprintf(f, "<code>");
				md_text(f, rr->inc[i].tail);
				fprintf(f, "</code>");
			}
			fprintf(f, " |\n");
		}
	}
	fprintf(f, "\n");
}

int cf_write_report(const char *path, const struct cf_opts *o,
		    const char *argline, const struct cf_role_run *rr,
		    unsigned n)
{
	char date[64];
	struct tm tm;
	time_t t = rr[0].started;
	FILE *f = fopen(path, "we");
	const char *name = NULL;
	unsigned i;

	if (!f)
		return -errno;
	for (i = 0; i < n && !name; i++)
		if (rr[i].iut_name[0])
			name = rr[i].iut_name;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(f, "# memif conformance report: ");
	md_text(f, name ? name : "unnamed implementation");
	fprintf(f, "\n\n- Date: %s\n- Tool: memif-conform %s; the checks are "
		   "listed with their reasons in `memif-conform --checklist` "
		   "(CHECKLIST.md)\n- Command: `",
		date, CF_VERSION);
	md_text(f, argline);
	fprintf(f, "`\n- Options: socket `");
	md_text(f, o->socket);
	fprintf(f, "`, interface id %u, %s, timeout %d ms, %u packets in the "
		   "long data run\n",
		o->id, o->echo ? "the IUT echoes (data-path checks run)"
			       : "no echo (data-path checks not applicable)",
		o->timeout_ms, o->packets);
	fprintf(f, "- After every hostile check the IUT must still be alive, "
		   "complete a fresh handshake%s and be back at its fd and "
		   "memfd-mapping baseline.\n\n",
		o->echo ? " and echo a packet" : "");
	for (i = 0; i < n; i++)
		md_role(f, &rr[i]);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
