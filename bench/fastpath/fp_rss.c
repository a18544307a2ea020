/*
 * fp_rss.c - the simulator's memory per GiB of TD memory, for the bench
 * table: runs `dpamt sim` (the binary at cfg->sim_exe) as a child with one
 * TD of two sizes, once mapped at 4K and once at 2M, and takes each
 * child's peak RSS from wait4() (fp_sim_child, shared with fp_frag.c).  Per GiB = the RSS difference over the
 * size difference, so the fixed cost of the process cancels out.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "fastpath.h"

extern char **environ;

/* Concurrency: the bench's main thread (it waits for the child). */
int fp_sim_child(const char *exe, char *const argv[], const char *what,
		 struct rusage *ru, char *err, size_t errlen)
{
	struct rusage own;
	pid_t pid;
	int st, rc;

	rc = posix_spawn(&pid, exe, NULL, NULL, argv, environ);
	if (rc) {
		snprintf(err, errlen, "cannot run %s: %s", exe, strerror(rc));
		return -1;
	}
	while (wait4(pid, &st, 0, ru ? ru : &own) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "wait4: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errlen, "%s failed (status 0x%x)", what, st);
		return -1;
	}
	return 0;
}

/* Peak RSS in KiB of one `sim` child with a TD of gib GiB (huge: all at
 * 2M), or -1 with a message. */
static long sim_rss_kib(const char *exe, unsigned gib, bool huge, char *err,
			size_t errlen)
{
	char td[64], what[96];
	char *argv[] = {(char *)exe, "sim", "--td", td, "--seamcall-ns",
			"all=0", "--quiet", NULL};
	struct rusage ru;

	snprintf(td, sizeof(td), "%uG,vcpus=2%s", gib, huge ? ",huge=100" : "");
	snprintf(what, sizeof(what), "sim --td %s", td);
	if (fp_sim_child(exe, argv, what, &ru, err, errlen))
		return -1;
	return ru.ru_maxrss;
}

/* One mapping mode: TDs of lo and hi GiB. */
static int rss_mode(const char *exe, unsigned lo, unsigned hi, bool huge,
		    struct fp_rss_mode *out, char *err, size_t errlen)
{
	long a = sim_rss_kib(exe, lo, huge, err, errlen), b;

	if (a < 0 || (b = sim_rss_kib(exe, hi, huge, err, errlen)) < 0)
		return -1;
	out->gib_lo = lo;
	out->gib_hi = hi;
	out->kib_lo = (uint64_t)a;
	out->kib_hi = (uint64_t)b;
	out->mib_per_gib = ((double)b - (double)a) / 1024.0 / (hi - lo);
	return 0;
}

int fp_sim_rss(const struct fp_config *cfg, struct fp_rss *out, char *err,
	       size_t errlen)
{
	unsigned g = cfg->rss_gib;

	memset(out, 0, sizeof(*out));
	if (!g || !cfg->sim_exe)
		return 0;
	if (rss_mode(cfg->sim_exe, g, 2 * g, false, &out->at_4k, err,
		     errlen) ||
	    rss_mode(cfg->sim_exe, 8 * g, 16 * g, true, &out->at_2m, err,
		     errlen))
		return -1;
	out->measured = true;
	return 0;
}

static void print_mode(FILE *f, const char *label, const struct fp_rss_mode *m)
{
	fprintf(f, "  %-5s %7.2f MiB per GiB  (TD %3u GiB: %7.1f MiB, "
		   "%3u GiB: %7.1f MiB)\n", label, m->mib_per_gib, m->gib_lo,
		(double)m->kib_lo / 1024, m->gib_hi, (double)m->kib_hi / 1024);
}

void fp_print_rss(FILE *f, const struct fp_config *cfg,
		  const struct fp_rss *rss)
{
	if (!rss->measured) {
		fprintf(f, "\nsim RSS per GiB: not measured (%s)\n",
			cfg->sim_exe ? "--sim-rss 0" :
			"only `dpamt bench` runs the simulator");
		return;
	}
	fprintf(f, "\nsim RSS per GiB of TD memory (dpamt sim, one TD, 2 "
		   "vCPUs, model latency 0;\npeak RSS of each run, slope "
		   "between two sizes):\n\n");
	print_mode(f, "4K", &rss->at_4k);
	print_mode(f, "2M", &rss->at_2m);
}

static json_object *mode_json(const struct fp_rss_mode *m)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "gib_lo", json_object_new_uint64(m->gib_lo));
	json_object_object_add(o, "gib_hi", json_object_new_uint64(m->gib_hi));
	json_object_object_add(o, "kib_lo", json_object_new_uint64(m->kib_lo));
	json_object_object_add(o, "kib_hi", json_object_new_uint64(m->kib_hi));
	json_object_object_add(o, "mib_per_gib",
			       json_object_new_double(m->mib_per_gib));
	return o;
}

void fp_json_rss(json_object *o, const struct fp_rss *rss)
{
	json_object *r;

	if (!rss->measured)
		return;
	r = json_object_new_object();
	json_object_object_add(r, "at_4k", mode_json(&rss->at_4k));
	json_object_object_add(r, "at_2m", mode_json(&rss->at_2m));
	json_object_object_add(o, "sim_rss", r);
}
