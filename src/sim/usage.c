/*
 * usage.c - the text of `dpamt sim --help`: every flag, the defaults, the
 * exit codes and the report files.  Keep in step with scenario_flags.c
 * and docs/sim.md.
 */
#include "sim/scenario_parse.h"

static const char usage_text[] =
"usage: dpamt sim [options]\n"
"\n"
"Run TDs (and legacy VMs) on the Dynamic PAMT host manager and the TDX\n"
"module model, check the invariants throughout, and report PAMT memory,\n"
"SEAMCALLs, BUSY answers and lock contention.  With no options: the v3 cover letter's\n"
"experiment, 10 TDs x 16 GiB with 4 vCPUs each, booting concurrently.\n"
"\n"
"Scenario:\n"
"  --host-mem SIZE       simulated host memory (default: sized to fit)\n"
"  --td SIZE[,vcpus=N][,huge=PCT][,touch=PCT][,convert=PCT]\n"
"                        add a TD (repeatable; the first --td/--vm replaces\n"
"                        the default guests).  SIZE: a multiple of 2M.\n"
"                        vcpus 1..64 (default 4); huge: share mapped at 2M\n"
"                        (default 0); touch: share faulted in (default 100);\n"
"                        convert: share converted private->shared->private\n"
"                        (default 0)\n"
"  --vm SIZE[,vcpus=N]   add a legacy (non-TD) VM: never any PAMT traffic\n"
"  --cycles N            create and destroy the whole set N times (default 1)\n"
"  --pamt dynamic|static PAMT mode (default dynamic)\n"
"  --strategy NAME       install/remove synchronisation (default global-lock;\n"
"                        an unknown name lists the available ones)\n"
"  --threads N           at most N vCPU threads (default: one per vCPU)\n"
"  --pcpus N             at most N vCPU threads work at once, like N physical\n"
"                        CPUs: a thread inside a non-sleeping section is never\n"
"                        parked behind another vCPU (default: online CPUs)\n"
"  --seed N              random seed (default 1); with --threads 1 the same\n"
"                        seed gives the same report, times aside\n"
"  --seamcall-ns LEAF=NS module latency of a leaf, e.g. PHYMEM.PAMT.ADD=3000\n"
"                        or all=0 (repeatable; default 3000 ns for\n"
"                        PHYMEM.PAMT.ADD and PHYMEM.PAMT.REMOVE, 0 others)\n"
"  --busy-inject PROB    the module answers BUSY at this rate, 0<=p<1 (def 0)\n"
"  --pair-pool on|off    take pair pages from a pool of whole 2 MiB blocks\n"
"                        kept apart from TD memory (default off)\n"
"  --scenario FILE.json  the same settings as a JSON file (schema: docs/sim.md);\n"
"                        flags after it override it\n"
"\n"
"Output:\n"
"  --json FILE|-         write the JSON report (schema: docs/report.md);\n"
"                        with -, the report goes to stdout and the summary\n"
"                        to stderr\n"
"  --timeline FILE.csv   one row per event: t_ns,event,guest,pairs,\n"
"                        dynamic_bytes,busy,contentions\n"
"  --plot FILE.svg       plot the timeline with gnuplot (apt-get install\n"
"                        gnuplot-nox); without gnuplot the CSV is still\n"
"                        written and the run is not failed\n"
"  --quiet               no summary, no progress bar\n"
"  --help                this text\n"
"\n"
"A summary goes to stdout, ending with 'DPAMT now: N kB', 'DPAMT peak: N kB'\n"
"and the saving against classic PAMT.  A progress bar is drawn on stderr\n"
"when it is a terminal.\n"
"\n"
"Exit status: 0 clean run; 1 an invariant was violated or something leaked\n"
"(the report is still written, with the details); 2 bad usage or input\n"
"(nothing runs).\n";

const char *sim_cli_usage(void)
{
	return usage_text;
}
