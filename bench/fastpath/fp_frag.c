/*
 * fp_frag.c - idle pairs against fault latency on a fragmented host, for
 * the bench table: runs `dpamt sim` (the binary at cfg->sim_exe) as a
 * child with one churning 4K TD on a host whose 2 MiB blocks are mostly
 * the host's (FP_FRAG_ARGS: --host-frag, docs/sim.md "Fragmented host"),
 * per production strategy with 0 and FP_CHURN_IDLE idle pairs, and reads
 * PAMT.ADD/REMOVE and the fault quantiles from its JSON report.  The
 * runs are on the virtual clock, so one of each is the figure: no
 * repetitions, nothing of this machine's load in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fastpath.h"

#define FP_FRAG_TD "128M,vcpus=4,churn=50"
#define FP_FRAG_PCT "90"

/* The integer at a dotted path of a report ("a.b.c"), 0 if absent. */
static uint64_t report_u64(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return 0;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return 0;
		path += n + (path[n] == '.');
	}
	return o ? json_object_get_uint64(o) : 0;
}

/* One child run; the report's figures into row slot w.  0, or -1 with a
 * message. */
static int frag_once(const char *exe, enum dpamt_strategy s, unsigned idle,
		     struct fp_frag_row *row, unsigned w, char *err,
		     size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096], idle_s[16], what[128];
	char *argv[] = {(char *)exe, "sim", "--td", FP_FRAG_TD, "--host-frag",
			FP_FRAG_PCT, "--idle-pairs", idle_s, "--strategy",
			(char *)dpamt_strategy_name(s), "--json", path,
			"--quiet", NULL};
	json_object *r = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/dpamt-bench-frag-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "mkstemp: %s", strerror(errno));
		return -1;
	}
	close(fd);
	snprintf(idle_s, sizeof(idle_s), "%u", idle);
	snprintf(what, sizeof(what), "sim --td %s --host-frag %s --strategy "
		 "%s", FP_FRAG_TD, FP_FRAG_PCT, argv[9]);
	if (!fp_sim_child(exe, argv, what, NULL, err, errlen)) {
		r = json_object_from_file(path);
		if (!r)
			snprintf(err, errlen, "%s: no JSON report", what);
	}
	unlink(path);
	if (!r)
		return -1;
	row->add[w] = report_u64(r, "seamcalls.phymem_pamt_add.calls");
	row->remove[w] = report_u64(r, "seamcalls.phymem_pamt_remove.calls");
	row->faults[w] = report_u64(r, "fault_latency.faults");
	row->p50_ns[w] = report_u64(r, "fault_latency.p50_ns");
	row->p99_ns[w] = report_u64(r, "fault_latency.p99_ns");
	row->p999_ns[w] = report_u64(r, "fault_latency.p999_ns");
	json_object_put(r);
	return 0;
}

int fp_sim_frag(const struct fp_config *cfg, struct fp_frag *out, char *err,
		size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!cfg->rss_gib || !cfg->sim_exe)
		return 0;
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++) {
		struct fp_frag_row *row = &out->row[out->n];

		if (!cfg->strategies[s] || !fp_has_cas_variant(s))
			continue;
		row->strategy = (enum dpamt_strategy)s;
		if (frag_once(cfg->sim_exe, row->strategy, 0, row, 0, err,
			      errlen) ||
		    frag_once(cfg->sim_exe, row->strategy, FP_CHURN_IDLE, row,
			      1, err, errlen))
			return -1;
		out->n++;
	}
	out->measured = out->n > 0;
	return 0;
}

/* Per cent of the faults a PAMT.ADD could have been paid in (an upper
 * bound: S-EPT and control pages need pairs too). */
static double paid(const struct fp_frag_row *r, unsigned w)
{
	return r->faults[w] ? 100.0 * (double)r->add[w] /
			      (double)r->faults[w] : 0;
}

void fp_print_frag(FILE *f, const struct fp_frag *frag)
{
	if (!frag->measured)
		return;
	fprintf(f, "\nchurn on a fragmented host: dpamt sim --td %s\n"
		   "--host-frag %s, max_idle_pairs 0 vs %d, virtual time "
		   "(one run each);\nADD%%: PAMT.ADDs per 4K fault; fault "
		   "latency in us\n\n",
		FP_FRAG_TD, FP_FRAG_PCT, FP_CHURN_IDLE);
	fprintf(f, "  %-12s %12s %12s %7s %7s %6s %6s %6s %6s\n", "strategy",
		"ADD+REMOVE 0", "ADD+REMOVE N", "ADD% 0", "ADD% N", "p50",
		"p99 0", "p99 N", "p99.9N");
	for (unsigned i = 0; i < frag->n; i++) {
		const struct fp_frag_row *r = &frag->row[i];

		fprintf(f, "  %-12s %12llu %12llu %6.2f%% %6.2f%% %6.3f "
			   "%6.3f %6.3f %6.3f\n",
			dpamt_strategy_name(r->strategy),
			(unsigned long long)(r->add[0] + r->remove[0]),
			(unsigned long long)(r->add[1] + r->remove[1]),
			paid(r, 0), paid(r, 1), (double)r->p50_ns[0] / 1e3,
			(double)r->p99_ns[0] / 1e3, (double)r->p99_ns[1] / 1e3,
			(double)r->p999_ns[1] / 1e3);
	}
}

static json_object *pair_u64(const uint64_t v[2])
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_uint64(v[0]));
	json_object_array_add(a, json_object_new_uint64(v[1]));
	return a;
}

void fp_json_frag(json_object *o, const struct fp_frag *frag)
{
	json_object *list;

	if (!frag->measured)
		return;
	list = json_object_new_array();
	for (unsigned i = 0; i < frag->n; i++) {
		const struct fp_frag_row *r = &frag->row[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "strategy", json_object_new_string(
			dpamt_strategy_name(r->strategy)));
		json_object_object_add(e, "add_calls", pair_u64(r->add));
		json_object_object_add(e, "remove_calls",
				       pair_u64(r->remove));
		json_object_object_add(e, "faults", pair_u64(r->faults));
		json_object_object_add(e, "p50_ns", pair_u64(r->p50_ns));
		json_object_object_add(e, "p99_ns", pair_u64(r->p99_ns));
		json_object_object_add(e, "p999_ns", pair_u64(r->p999_ns));
		json_object_array_add(list, e);
	}
	json_object_object_add(o, "sim_frag_churn", list);
}
