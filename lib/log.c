/* SPDX-License-Identifier: MIT */
/*
 * Logging: the default sink, the replaceable one, the level (from
 * MEMIF_LOG_LEVEL or memif_set_log_level) and memif__log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

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

enum memif_log_level memif__log_repeat(struct memif__repeat *r,
				       enum memif_log_level lvl,
				       const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	uint32_t n;

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	r->n = h == r->hash && r->n ? r->n + 1 : 1;
	r->hash = h;
	for (n = r->n; n % 10 == 0; n /= 10)
		;
	return n == 1 ? lvl : MEMIF_LOG_DEBUG;
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
		s->fn(lvl, m ? m->cfg.if_name : NULL, qid, err, buf, s->ctx);
	else
		default_log(lvl, m ? m->cfg.if_name : NULL, qid, err, buf,
			    NULL);
}
