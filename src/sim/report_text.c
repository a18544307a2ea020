/*
 * report_text.c - the human summary of a `dpamt sim` run: a short table
 * and, last, the meminfo-like lines "DPAMT now: N kB", "DPAMT peak: N kB"
 * and the saving against classic PAMT.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/report.h"
#include "sim/scenario_parse.h"

uint64_t sim_report_total_busy(const struct sim_report *r)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < DPAMT_TDX_LEAF_MAX; i++)
		n += r->leaves[i].busy;
	return n;
}

double sim_report_saving_pct(const struct sim_report *r)
{
	double classic = (double)r->pamt.classic_bytes;
	double dyn = (double)r->pamt.static_bytes +
		(double)r->pamt.dynamic_bytes_peak;

	if (r->pamt.classic_bytes == 0)
		return 0.0;
	return 100.0 * (classic - dyn) / classic;
}

/* "812 ns", "3.250 us", "4.012 ms", "12.345 s". */
static const char *fmt_ns(uint64_t ns, char *buf, unsigned len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
	return buf;
}

struct totals {
	unsigned tds, vms, vcpus;
	uint64_t td_bytes, vm_bytes;
	uint64_t p4k, p2m, sept, control;
	uint64_t demotes, promotes, conversions;
};

static void sum_guests(const struct sim_report *r, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < r->n_guests && i < SIM_MAX_GUESTS; i++) {
		const struct sim_guest_report *g = &r->guests[i];

		if (g->spec.legacy) {
			t->vms++;
			t->vm_bytes += g->spec.size;
			continue;
		}
		t->tds++;
		t->vcpus += g->spec.vcpus;
		t->td_bytes += g->spec.size;
		t->p4k += g->pages_4k;
		t->p2m += g->pages_2m;
		t->sept += g->sept_pages;
		t->control += g->control_pages;
		t->demotes += g->demotes;
		t->promotes += g->promotes;
		t->conversions += g->conversions;
	}
}

/* Virtual clock: makespan, where the pCPUs' time went, the lock's wait. */
static void print_virtual(const struct sim_report *r, FILE *f)
{
	double all = (double)r->busy_ns + (double)r->spin_ns +
		     (double)r->idle_ns;
	char a[32], b[32], c[32], d[32];

	if (all <= 0.0)
		all = 1.0;
	fprintf(f, "  virtual time makespan %s on %u pCPUs (%s) | busy %.1f%% "
		"| spin %.1f%% | idle %.1f%%\n",
		fmt_ns(r->makespan_ns, a, sizeof(a)), r->pcpus,
		sim_sched_name(r->sched), 100.0 * (double)r->busy_ns / all,
		100.0 * (double)r->spin_ns / all,
		100.0 * (double)r->idle_ns / all);
	fprintf(f, "  lock wait    %.4f%% of CPU time | %.4f contentions per "
		"acquisition | p50 %s p99 %s max %s\n",
		100.0 * sim_report_wait_share(r),
		sim_report_contention_rate(r),
		fmt_ns(r->lock_wait_p50_ns, b, sizeof(b)),
		fmt_ns(r->lock_wait_p99_ns, c, sizeof(c)),
		fmt_ns(r->lock_wait_max_ns, d, sizeof(d)));
}

static void print_table(const struct sim_report *r, const struct totals *t,
			FILE *f)
{
	char a[32], b[32];

	fprintf(f, "dpamt sim: %s PAMT, strategy %s, seed %" PRIu64
		", host %s\n", sim_mode_name(r->mode),
		dpamt_strategy_name(r->strategy) ?
		dpamt_strategy_name(r->strategy) : "?", r->seed,
		sim_format_size(r->host_mem, a, sizeof(a)));
	fprintf(f, "  guests       %u TDs (%s, %u vCPUs), %u legacy VMs (%s)\n",
		t->tds, sim_format_size(t->td_bytes, a, sizeof(a)), t->vcpus,
		t->vms, sim_format_size(t->vm_bytes, b, sizeof(b)));
	if (r->host_frag_pct)
		fprintf(f, "  host frag    %u%% of each 2 MiB block of the top "
			"%s owned by the host: %" PRIu64 " pages\n",
			r->host_frag_pct,
			sim_format_size(r->host_frag_bytes, a, sizeof(a)),
			r->host_owned_pages);
	fprintf(f, "  TD pages     4K %" PRIu64 " | 2M %" PRIu64 " | S-EPT %"
		PRIu64 " | control %" PRIu64 "\n", t->p4k, t->p2m, t->sept,
		t->control);
	fprintf(f, "  huge/convert demotes %" PRIu64 " | promotes %" PRIu64
		" | conversions %" PRIu64 "\n", t->demotes, t->promotes,
		t->conversions);
	fprintf(f, "  SEAMCALLs    PAMT.ADD %" PRIu64 " | PAMT.REMOVE %" PRIu64
		" | BUSY %" PRIu64 " | VMM retries %" PRIu64 "\n",
		r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls,
		r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE].calls,
		sim_report_total_busy(r), r->busy_retries_vmm);
	if (r->fault_busy_failures || r->td_create_busy_failures)
		fprintf(f, "  gave up BUSY faults %" PRIu64 " | TD creations %"
			PRIu64 " (undone and counted, not errors)\n",
			r->fault_busy_failures, r->td_create_busy_failures);
	fprintf(f, "  pair pages   pool %s | 2M ranges blocked (peak) %" PRIu64
		" | pool blocks (peak) %" PRIu64 " | shared ranges %s\n",
		r->pair_pool ? "on" : "off", r->ranges_blocked_by_pairs_peak,
		r->pair_pool_blocks_peak, r->shared_ranges ? "on" : "off");
	fprintf(f, "  idle pairs   cap %u | kept %" PRIu64 " | given back on "
		"allocator pressure %" PRIu64 " | by the low-watermark "
		"shrinker %" PRIu64 " (%" PRIu64 " runs)\n", r->idle_pairs,
		r->pamt.idle_kept, r->pamt.idle_reclaims, r->shrinker_pairs,
		r->shrinker_runs);
	fprintf(f, "  4K faults    %" PRIu64 " timed | p50 %s | p99 %s",
		r->faults_timed, fmt_ns(r->fault_p50_ns, a, sizeof(a)),
		fmt_ns(r->fault_p99_ns, b, sizeof(b)));
	fprintf(f, " | p99.9 %s | mean %s (%s time)\n",
		fmt_ns(r->fault_p999_ns, a, sizeof(a)),
		fmt_ns(r->fault_mean_ns, b, sizeof(b)),
		r->clock == SIM_CLOCK_WALL ? "wall" : "virtual");
	fprintf(f, "  lock         acquisitions %" PRIu64 " | contentions %"
		PRIu64 " | wait %s (all threads)\n", r->pamt.lock_acquisitions,
		r->pamt.lock_contentions,
		fmt_ns(r->pamt.lock_wait_ns, a, sizeof(a)));
	if (r->clock == SIM_CLOCK_VIRTUAL)
		print_virtual(r, f);
	fprintf(f, "  invariants   checks %" PRIu64 " | violations %" PRIu64
		"\n", r->invariant_checks, r->invariant_violations);
	fprintf(f, "  leaks        %" PRIu64 " pages\n", r->leaked_pages);
	fprintf(f, "  wall time    %s\n", fmt_ns(r->wall_ns, a, sizeof(a)));
}

void sim_report_print_summary(const struct sim_report *r, FILE *f)
{
	struct totals t;
	double pct;
	unsigned n_err = r->n_errors < SIM_MAX_ERRORS ? r->n_errors :
		SIM_MAX_ERRORS;

	sum_guests(r, &t);
	print_table(r, &t, f);
	for (unsigned i = 0; i < n_err; i++)
		fprintf(f, "  error: %.*s\n", (int)sizeof(r->errors[i]),
			r->errors[i]);
	if (r->n_errors > n_err)
		fprintf(f, "  (%u more errors not kept)\n",
			r->n_errors - n_err);
	fprintf(f, "DPAMT now: %" PRIu64 " kB\n",
		r->pamt.dynamic_bytes_now / 1024);
	fprintf(f, "DPAMT peak: %" PRIu64 " kB\n",
		r->pamt.dynamic_bytes_peak / 1024);
	pct = sim_report_saving_pct(r);
	fprintf(f, "classic PAMT would be %" PRIu64 " kB; dynamic "
		"(static+peak) is %" PRIu64 " kB: %.1f%% %s\n",
		r->pamt.classic_bytes / 1024,
		(r->pamt.static_bytes + r->pamt.dynamic_bytes_peak) / 1024,
		pct < 0 ? -pct : pct, pct < 0 ? "more than classic" : "saved");
}
