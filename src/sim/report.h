/*
 * report.h - rendering a struct sim_report: the JSON report (schema in
 * docs/report.md) and the human summary.  Pure functions of the report;
 * they only write to the FILE they are given.  Concurrency: call after
 * sim_run() returned (the report is not read while it is being filled).
 */
#ifndef DPAMT_SIM_REPORT_H
#define DPAMT_SIM_REPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "sim/sim.h"

#define SIM_REPORT_VERSION 3

/* "PHYMEM.PAMT.ADD" -> "phymem_pamt_add" into buf; NULL for a leaf
 * number that has no name. */
const char *sim_leaf_key(unsigned leaf, char *buf, unsigned len);

/* "dynamic" / "static" (AUTO reads as dynamic). */
const char *sim_mode_name(enum dpamt_mode mode);

/* The whole report as a json-c object (caller puts it). NULL on ENOMEM. */
json_object *sim_report_json(const struct sim_report *r);

/* Pretty-printed JSON plus a newline.  0, or -1 on a write error. */
int sim_report_write_json(const struct sim_report *r, FILE *f);

/* Totals over every leaf (BUSY answers, errors). */
uint64_t sim_report_total_busy(const struct sim_report *r);

/* The install/remove lock's wait as a share of all pCPU time (virtual
 * clock; 0 on the wall clock), and contentions per acquisition. */
double sim_report_wait_share(const struct sim_report *r);
double sim_report_contention_rate(const struct sim_report *r);

/* Saving of dynamic (static + peak) against classic PAMT, in percent
 * (negative if dynamic cost more; 0 if classic is 0). */
double sim_report_saving_pct(const struct sim_report *r);

/*
 * The human summary: a short table then the meminfo-like lines
 * "DPAMT now: N kB", "DPAMT peak: N kB" and the saving against classic.
 */
void sim_report_print_summary(const struct sim_report *r, FILE *f);

#endif /* DPAMT_SIM_REPORT_H */
