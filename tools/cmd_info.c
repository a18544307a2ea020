/*
 * cmd_info.c - `dpamt info`: PAMT sizing for a host memory layout, without
 * running anything.  Classic PAMT vs Dynamic PAMT's static part, bitmap,
 * host refcounts, bytes per pair, the worst case, and one row per TDMR,
 * as a human table and/or JSON.  Pure arithmetic over dpamt_size() with
 * the module's public metadata defaults.  Exit (docs/cli.md): 0, 1 an
 * output not written, 2 bad input.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/cliopt.h"
#include "util/errmsg.h"
#include "util/memmap.h"
#include "util/outfile.h"
#include "util/units.h"
#include "commands.h"
#include "dpamt/dpamt.h"
#include "dpamt/version.h"

#define GIB (1ULL << 30)
#define INFO_DEFAULT_HOST_MEM (256ULL * GIB)
#define INFO_MAX_PA (1ULL << 52)

struct info_opts {
	uint64_t host_mem;
	bool host_mem_set;
	unsigned n;
	struct dpamt_range tdmrs[DPAMT_MAX_TDMRS];
	const char *json; /* NULL, "-" or a path */
	const char *iomem;  /* --iomem FILE, or NULL */
	const char *memmap; /* --memmap DIR, or NULL */
	struct memmap ram;  /* read from either */
	struct memmap_plan plan;
};

static void info_usage(FILE *f)
{
	fprintf(f,
		"usage: dpamt info [--host-mem SIZE] [--tdmr BASE:SIZE]... "
		"[--json FILE|-]\n"
		"       dpamt info --iomem FILE|--memmap DIR [--json FILE|-]"
		"\n\n"
		"PAMT sizing for a host: classic PAMT, Dynamic PAMT's static "
		"part (1G + 2M\narrays + page bitmap), host refcounts, bytes "
		"per 2 MiB pair, the worst case\n(every range 4K-backed) and "
		"one row per TDMR.  Uses the module's public\nmetadata "
		"(16-byte entries, 1-bit bitmap, 2 pages per pair).\n\n"
		"  --host-mem SIZE   host memory (default 256G); without "
		"--tdmr, one TDMR\n"
		"                    [0, SIZE rounded up to 1 GiB)\n"
		"  --tdmr BASE:SIZE  a TDMR (1 GiB aligned, repeatable, up to "
		"%d, sorted\n"
		"                    by base; must not overlap or pass "
		"--host-mem)\n"
		"  --iomem FILE      TDMRs built from the 'System RAM' lines "
		"of an iomem\n"
		"                    file the way Linux's TDX host code "
		"does (this host:\n"
		"                    --iomem /proc/iomem, as root)\n"
		"  --memmap DIR      likewise from a /sys/firmware/memmap "
		"directory\n"
		"  --json FILE|-     also write JSON to FILE; '-': JSON only, "
		"on stdout\n"
		"SIZE: number (decimal or 0x hex) with optional K/M/G/T "
		"(binary) suffix.\n\n"
		"Failed check: none, info only computes.\n%s",
		DPAMT_MAX_TDMRS, CLI_EXIT_HELP);
}

static int opt_tdmr(void *ctx, const char *v, char *msg, size_t len)
{
	struct info_opts *o = ctx;
	char err[160];
	uint64_t base, size;

	if (units_parse_range(v, &base, &size, err, sizeof(err)))
		return errmsg(msg, len, "--tdmr %s", err);
	if (o->n == DPAMT_MAX_TDMRS)
		return errmsg(msg, len,
			      "--tdmr %s: too many TDMRs (at most %d)", v,
			      DPAMT_MAX_TDMRS);
	if (size == 0)
		return errmsg(msg, len, "--tdmr %s: empty TDMR (size 0)", v);
	if (base % GIB)
		return errmsg(msg, len, "--tdmr %s: base is not 1 GiB aligned",
			      v);
	if (size % GIB)
		return errmsg(msg, len, "--tdmr %s: size is not a multiple of "
			      "1 GiB", v);
	if (base >= INFO_MAX_PA || size > INFO_MAX_PA - base)
		return errmsg(msg, len,
			      "--tdmr %s: ends past the 52-bit physical "
			      "address limit (4 PiB)",
			      v);
	o->tdmrs[o->n].base = base;
	o->tdmrs[o->n].size = size;
	o->n++;
	return 0;
}

static int opt_host_mem(void *ctx, const char *v, char *msg, size_t len)
{
	struct info_opts *o = ctx;
	char err[160];

	if (units_parse_size(v, &o->host_mem, err, sizeof(err)))
		return errmsg(msg, len, "--host-mem %s", err);
	if (o->host_mem == 0)
		return errmsg(msg, len,
			      "--host-mem %s: host memory must not be 0", v);
	if (o->host_mem > INFO_MAX_PA)
		return errmsg(msg, len,
			      "--host-mem %s: past the 52-bit physical "
			      "address limit (4 PiB)",
			      v);
	o->host_mem_set = true;
	return 0;
}

static int opt_json(void *ctx, const char *v, char *msg, size_t len)
{
	struct info_opts *o = ctx;

	return cliopt_out_once("--json", "file name", v, &o->json, msg, len);
}

static int opt_iomem(void *ctx, const char *v, char *msg, size_t len)
{
	struct info_opts *o = ctx;

	if (!*v)
		return errmsg(msg, len, "--iomem: '' is not a file name");
	o->iomem = v;
	return 0;
}

static int opt_memmap(void *ctx, const char *v, char *msg, size_t len)
{
	struct info_opts *o = ctx;

	if (!*v)
		return errmsg(msg, len, "--memmap: '' is not a directory name");
	o->memmap = v;
	return 0;
}

static const struct cliopt info_opts_table[] = {
	{"--iomem", "/proc/iomem", opt_iomem},
	{"--memmap", "/sys/firmware/memmap", opt_memmap},
	{"--host-mem", "256G", opt_host_mem},
	{"--tdmr", "0:64G", opt_tdmr},
	{"--json", "info.json", opt_json},
};

static const struct cliopt_spec info_spec = {
	"info", info_opts_table,
	sizeof(info_opts_table) / sizeof(info_opts_table[0]), NULL,
};

/* 0: go on; 1: --help printed; 2: bad usage (message printed). */
static int parse_args(int argc, char **argv, struct info_opts *o)
{
	char msg[256];

	switch (cliopt_parse(&info_spec, o, argc, argv, msg, sizeof(msg))) {
	case CLIOPT_RUN:
		return 0;
	case CLIOPT_HELP:
		info_usage(stdout);
		return 1;
	default:
		return cliopt_fail("info", msg);
	}
}

/* A layout error after parsing: exit 2 with the message. */
static int bad_layout(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int bad_layout(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cliopt_fail("info", msg);
}

static int cmp_range(const void *a, const void *b)
{
	const struct dpamt_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static char *range_str(const struct dpamt_range *r, char *buf, size_t len)
{
	char h[32];

	snprintf(buf, len, "0x%llx+%s", (unsigned long long)r->base,
		 units_human_bytes(r->size, h, sizeof(h)));
	return buf;
}

/* --iomem/--memmap: read the RAM ranges and build the TDMRs. */
static int layout_from_map(struct info_opts *o)
{
	char msg[4200];

	if (o->iomem && o->memmap)
		return bad_layout("--iomem and --memmap exclude each other");
	if (o->n || o->host_mem_set)
		return bad_layout("--%s builds the layout: no --tdmr or "
				  "--host-mem with it",
				  o->iomem ? "iomem" : "memmap");
	if ((o->iomem ? memmap_read_iomem(o->iomem, &o->ram, msg,
					  sizeof(msg))
		      : memmap_read_dir(o->memmap, &o->ram, msg,
					sizeof(msg))) ||
	    memmap_build_tdmrs(&o->ram, DPAMT_MAX_TDMRS, MEMMAP_MAX_RSVD,
			       &o->plan, msg, sizeof(msg))) {
		fprintf(stderr, "dpamt info: %s\n", msg);
		return CLI_EXIT_USAGE;
	}
	for (unsigned i = 0; i < o->plan.n; i++) {
		o->tdmrs[i].base = o->plan.t[i].base;
		o->tdmrs[i].size = o->plan.t[i].size;
	}
	o->n = o->plan.n;
	o->host_mem = memmap_ram_bytes(&o->ram);
	return 0;
}

/* Default TDMR, sort, overlap and host-memory checks. */
static int check_layout(struct info_opts *o)
{
	char a[64], b[64];

	if (o->iomem || o->memmap)
		return layout_from_map(o);
	if (!o->host_mem_set)
		o->host_mem = o->n ? 0 : INFO_DEFAULT_HOST_MEM;
	if (o->n == 0) {
		o->tdmrs[0].base = 0;
		o->tdmrs[0].size = (o->host_mem + GIB - 1) / GIB * GIB;
		o->n = 1;
		return 0;
	}
	qsort(o->tdmrs, o->n, sizeof(o->tdmrs[0]), cmp_range);
	for (unsigned i = 1; i < o->n; i++) {
		const struct dpamt_range *p = &o->tdmrs[i - 1];

		if (o->tdmrs[i].base < p->base + p->size)
			return bad_layout("TDMRs %s and %s overlap",
				   range_str(p, a, sizeof(a)),
				   range_str(&o->tdmrs[i], b, sizeof(b)));
	}
	for (unsigned i = 0; i < o->n && o->host_mem_set; i++) {
		const struct dpamt_range *r = &o->tdmrs[i];

		if (r->base + r->size > o->host_mem)
			return bad_layout("TDMR %s ends beyond --host-mem %s",
				   range_str(r, a, sizeof(a)),
				   units_human_bytes(o->host_mem, b, sizeof(b)));
	}
	if (!o->host_mem_set) /* the layout defines the host */
		o->host_mem = o->tdmrs[o->n - 1].base +
			      o->tdmrs[o->n - 1].size;
	return 0;
}

static uint64_t covered_bytes(const struct dpamt_sizing *s)
{
	uint64_t c = 0;

	for (unsigned i = 0; i < s->n_tdmrs; i++)
		c += s->tdmrs[i].size;
	return c;
}

static void print_line(const char *label, uint64_t v, uint64_t cov,
		       bool pct)
{
	char h[32];

	printf("%-34s %14llu  %12s", label, (unsigned long long)v,
	       units_human_bytes(v, h, sizeof(h)));
	if (pct)
		printf("  %9.4f%%", 100.0 * (double)v / (double)cov);
	printf("\n");
}

static void print_tdmr_rows(const struct dpamt_sizing *s)
{
	char h[7][32];

	printf("\n%4s  %-16s %11s %11s %11s %11s %11s %11s %9s\n", "TDMR",
	       "base", "size", "1G array", "2M array", "4K array", "bitmap",
	       "refcounts", "2M ranges");
	for (unsigned i = 0; i < s->n_tdmrs; i++) {
		const struct dpamt_tdmr_sizing *t = &s->tdmrs[i];

		printf("%4u  0x%014llx %11s %11s %11s %11s %11s %11s %9llu\n",
		       i, (unsigned long long)t->base,
		       units_human_bytes(t->size, h[0], 32),
		       units_human_bytes(t->pamt_1g_bytes, h[1], 32),
		       units_human_bytes(t->pamt_2m_bytes, h[2], 32),
		       units_human_bytes(t->pamt_4k_bytes, h[3], 32),
		       units_human_bytes(t->bitmap_bytes, h[4], 32),
		       units_human_bytes(t->refcount_bytes, h[5], 32),
		       (unsigned long long)t->ranges_2m);
	}
}

/* The RAM ranges and TDMRs read from --iomem/--memmap. */
static void print_map(const struct info_opts *o)
{
	char h[3][32];

	printf("layout from %s: %u RAM range%s (merged), %s of RAM; TDMRs "
	       "built as Linux's TDX host code does\n",
	       o->iomem ? o->iomem : o->memmap, o->ram.n,
	       o->ram.n == 1 ? "" : "s",
	       units_human_bytes(memmap_ram_bytes(&o->ram), h[0], 32));
	printf("%4s  %-16s %11s %11s %9s\n", "TDMR", "base", "size", "RAM",
	       "reserved");
	for (unsigned i = 0; i < o->plan.n; i++) {
		const struct memmap_tdmr *t = &o->plan.t[i];

		printf("%4u  0x%014llx %11s %11s %9u\n", i,
		       (unsigned long long)t->base,
		       units_human_bytes(t->size, h[1], 32),
		       units_human_bytes(t->ram_bytes, h[2], 32), t->n_rsvd);
		for (unsigned k = 0; k < t->n_rsvd; k++)
			printf("        reserved 0x%llx-0x%llx\n",
			       (unsigned long long)t->rsvd[k].start,
			       (unsigned long long)t->rsvd[k].end - 1);
	}
	printf("\n");
}

static void print_human(const struct info_opts *o,
			const struct dpamt_metadata *md,
			const struct dpamt_sizing *s)
{
	uint64_t cov = covered_bytes(s);
	char h[2][32];

	if (o->plan.n)
		print_map(o);
	printf("dpamt info: host memory %s, %u TDMR%s covering %s\n",
	       units_human_bytes(o->host_mem, h[0], 32), s->n_tdmrs,
	       s->n_tdmrs == 1 ? "" : "s", units_human_bytes(cov, h[1], 32));
	printf("metadata: PAMT entries 4K/2M/1G %u/%u/%u B, bitmap %u "
	       "bit/page, %u pages per pair\n\n", md->entry_size_4k,
	       md->entry_size_2m, md->entry_size_1g, md->bitmap_entry_bits,
	       md->pages_per_pair);
	printf("%-34s %14s  %12s  %10s\n", "", "bytes", "human",
	       "of covered");
	print_line("classic PAMT (1G+2M+4K arrays)", s->classic_bytes, cov,
		   true);
	print_line("dynamic static (1G+2M+bitmap)", s->dynamic_static_bytes,
		   cov, true);
	print_line("  of which bitmap", s->bitmap_bytes, cov, true);
	print_line("host refcounts (4 B per 2 MiB)", s->refcount_bytes, cov,
		   true);
	print_line("pair per 2 MiB range", s->pair_bytes_per_2m, cov, false);
	print_line("dynamic worst case (all 4K)", s->dynamic_max_bytes, cov,
		   true);
	print_line("saved at rest (classic - static)",
		   s->classic_bytes - s->dynamic_static_bytes, cov, true);
	print_tdmr_rows(s);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *tdmr_json(const struct dpamt_tdmr_sizing *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "base", u64(t->base));
	json_object_object_add(o, "size", u64(t->size));
	json_object_object_add(o, "pamt_1g_bytes", u64(t->pamt_1g_bytes));
	json_object_object_add(o, "pamt_2m_bytes", u64(t->pamt_2m_bytes));
	json_object_object_add(o, "pamt_4k_bytes", u64(t->pamt_4k_bytes));
	json_object_object_add(o, "bitmap_bytes", u64(t->bitmap_bytes));
	json_object_object_add(o, "refcount_bytes", u64(t->refcount_bytes));
	json_object_object_add(o, "ranges_2m", u64(t->ranges_2m));
	return o;
}

static json_object *metadata_json(const struct dpamt_metadata *md)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "entry_size_4k", u64(md->entry_size_4k));
	json_object_object_add(o, "entry_size_2m", u64(md->entry_size_2m));
	json_object_object_add(o, "entry_size_1g", u64(md->entry_size_1g));
	json_object_object_add(o, "bitmap_entry_bits",
			       u64(md->bitmap_entry_bits));
	json_object_object_add(o, "pages_per_pair", u64(md->pages_per_pair));
	return o;
}

static json_object *info_json(const struct info_opts *o,
			      const struct dpamt_metadata *md,
			      const struct dpamt_sizing *s)
{
	json_object *j = json_object_new_object();
	json_object *list = json_object_new_array();

	json_object_object_add(j, "tool_version",
			       json_object_new_string(DPAMT_VERSION_STRING));
	json_object_object_add(j, "host_mem_bytes", u64(o->host_mem));
	json_object_object_add(j, "covered_bytes", u64(covered_bytes(s)));
	json_object_object_add(j, "metadata", metadata_json(md));
	json_object_object_add(j, "classic_bytes", u64(s->classic_bytes));
	json_object_object_add(j, "dynamic_static_bytes",
			       u64(s->dynamic_static_bytes));
	json_object_object_add(j, "bitmap_bytes", u64(s->bitmap_bytes));
	json_object_object_add(j, "refcount_bytes", u64(s->refcount_bytes));
	json_object_object_add(j, "pair_bytes_per_2m",
			       u64(s->pair_bytes_per_2m));
	json_object_object_add(j, "dynamic_max_bytes",
			       u64(s->dynamic_max_bytes));
	for (unsigned i = 0; i < s->n_tdmrs; i++) {
		json_object *t = tdmr_json(&s->tdmrs[i]);

		if (o->plan.n) {
			json_object_object_add(t, "ram_bytes",
					       u64(o->plan.t[i].ram_bytes));
			json_object_object_add(t, "reserved_areas",
					       u64(o->plan.t[i].n_rsvd));
		}
		json_object_array_add(list, t);
	}
	json_object_object_add(j, "tdmrs", list);
	if (o->plan.n) {
		json_object_object_add(j, "source", json_object_new_string(
					o->iomem ? o->iomem : o->memmap));
		json_object_object_add(j, "ram_ranges", u64(o->ram.n));
	}
	return j;
}

/* The JSON written to its output and committed; 0 or 1 (printed). */
static int write_json(struct outfile *out, json_object *j)
{
	const char *txt = json_object_to_json_string_ext(
		j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	char msg[512];

	if (fprintf(out->f, "%s\n", txt) < 0) {
		snprintf(msg, sizeof(msg), "--json: writing failed");
		outfile_discard(out);
	} else if (!outfile_commit(out, msg, sizeof(msg))) {
		return 0;
	}
	fprintf(stderr, "dpamt info: %s\n", msg);
	return CLI_EXIT_FAILED;
}

/* Parse, lay out, size and print; o owns the RAM ranges read. */
static int info_run(struct info_opts *o, int argc, char **argv)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct outfile jf = {0};
	char msg[512];
	int rc = parse_args(argc, argv, o);

	if (rc)
		return rc == 1 ? 0 : rc; /* 1: --help printed */
	if ((rc = check_layout(o)))
		return rc;
	dpamt_metadata_default(&md);
	if (dpamt_size(&md, o->tdmrs, o->n, &s) != DPAMT_OK)
		return bad_layout("the TDMR layout was rejected by dpamt_size");
	if (o->json && outfile_open(&jf, "--json", o->json, true, msg,
				   sizeof(msg))) {
		fprintf(stderr, "dpamt info: %s\n", msg);
		return CLI_EXIT_FAILED;
	}
	if (jf.kind != OUTFILE_STDOUT)
		print_human(o, &md, &s);
	if (o->json) {
		json_object *j = info_json(o, &md, &s);

		rc = write_json(&jf, j);
		json_object_put(j);
	}
	return rc;
}

int cmd_info(int argc, char **argv)
{
	struct info_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o) {
		fprintf(stderr, "dpamt info: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	rc = info_run(o, argc, argv);
	memmap_free(&o->ram);
	free(o);
	return rc;
}
