/*
 * size_layout.c - example: what PAMT costs for a memory layout, classic
 * vs Dynamic PAMT, with libdpamt's sizing API alone (no module needed).
 *
 *   size_layout                 two TDMRs: 0-64 GiB and 4 TiB-4 TiB+64 GiB
 *   size_layout BASE:SIZE...    TDMRs in GiB, e.g. 0:256 1024:128
 *
 * Build: cc size_layout.c $(pkg-config --cflags --libs dpamt)
 */
#include <stdio.h>
#include <stdlib.h>

#include <dpamt/dpamt.h>
#include <dpamt/version.h>

#define GiB (1ULL << 30)

static int parse(int argc, char **argv, struct dpamt_range *t, unsigned *n)
{
	*n = 0;
	for (int i = 1; i < argc && *n < DPAMT_MAX_TDMRS; i++) {
		unsigned long long b, s;

		if (sscanf(argv[i], "%llu:%llu", &b, &s) != 2 || !s) {
			fprintf(stderr, "size_layout: '%s' is not "
				"BASE_GIB:SIZE_GIB\n", argv[i]);
			return -1;
		}
		t[*n].base = b * GiB;
		t[(*n)++].size = s * GiB;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dpamt_range t[DPAMT_MAX_TDMRS] = {
		{ 0, 64 * GiB }, { 4096 * GiB, 64 * GiB },
	};
	unsigned n = 2;
	struct dpamt_metadata md;
	struct dpamt_sizing *s = malloc(sizeof(*s));

	if (!s || (argc > 1 && parse(argc, argv, t, &n)))
		return 2;
	dpamt_metadata_default(&md);
	if (dpamt_size(&md, t, n, s)) {
		fprintf(stderr, "size_layout: TDMRs must be 1 GiB aligned, "
			"sorted and disjoint\n");
		return 2;
	}
	printf("libdpamt %s (headers %s), %u TDMR(s)\n", dpamt_version(),
	       DPAMT_VERSION_STRING, s->n_tdmrs);
	printf("classic PAMT:          %llu KiB\n",
	       (unsigned long long)(s->classic_bytes >> 10));
	printf("dynamic PAMT, static:  %llu KiB (bitmap %llu KiB)\n",
	       (unsigned long long)(s->dynamic_static_bytes >> 10),
	       (unsigned long long)(s->bitmap_bytes >> 10));
	printf("host refcounts:        %llu KiB\n",
	       (unsigned long long)(s->refcount_bytes >> 10));
	printf("per 2 MiB range in use: %llu bytes of pair pages\n",
	       (unsigned long long)s->pair_bytes_per_2m);
	free(s);
	return 0;
}
