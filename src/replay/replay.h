/*
 * replay.h - `dpamt replay`: parse a plain-text SEAMCALL trace and run it
 * against the TDX-module model.
 *
 * Two stages, kept apart so a malformed trace runs nothing: the parser
 * (replay_parse.c) turns the whole input into a struct replay_trace or
 * reports every malformed line as "file:line: message"; the runner
 * (replay_run.c) sets the model up as a simple host would (PAMT areas in
 * the top 1 GiB of memory), issues each call in order, prints one line per
 * call and checks the expectations.  Format and exit codes: docs/replay.md.
 *
 * Hosted code (libc).  No global state: a trace is a value owned by its
 * caller; nothing here is shared between threads.
 */
#ifndef DPAMT_REPLAY_H
#define DPAMT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpamt/tdx_abi.h"

struct tdxmod; /* dpamt/tdxmod.h */

/* Exit statuses of `dpamt replay` (and return values of replay_run). */
#define REPLAY_EXIT_OK 0      /* every call ran, every expect held */
#define REPLAY_EXIT_FAILED 1  /* an expect failed or the model went fatal */
#define REPLAY_EXIT_BADINPUT 2 /* malformed trace, bad config, no file */

#define REPLAY_DEFAULT_MEM (4ULL << 30)
#define REPLAY_RESERVED_TOP (1ULL << 30) /* replay's own PAMT areas */

/* Operand registers a call line may set, in the order they are printed. */
enum replay_reg {
	RR_RCX, RR_RDX, RR_R8, RR_R9, RR_R10, RR_R11, RR_R12, RR_R13,
	RR_COUNT
};

enum replay_expect_kind {
	RX_NONE,   /* no expect= on the line */
	RX_CLASS,  /* expect=NAME: status & DPAMT_TDX_STATUS_CLASS_MASK == value
		    */
	RX_STATUS, /* expect=NAME|OPERAND or expect=0x...: status == value */
};

struct replay_expect {
	enum replay_expect_kind kind;
	uint64_t value;
};

#define REPLAY_WRITE_MAX (2ULL << 20) /* bytes one write item may fill */
/* Input bounds (docs/replay.md): bytes in one line (without its newline)
 * and items (calls and writes) in one trace. */
#define REPLAY_MAX_LINE (64u << 10)
#define REPLAY_MAX_ITEMS 1000000u

/*
 * One item of the trace: a SEAMCALL, or (is_write) a plain store by the
 * host to simulated memory, "write pa=A len=N [byte=B]", which is how a
 * trace shows a host scribbling over a page it gave to the module.
 */
struct replay_call {
	unsigned line;           /* 1-based line number in the trace */
	bool is_write;           /* write item: pa/len/byte below */
	uint64_t write_pa, write_len;
	uint8_t write_byte;
	unsigned leaf;           /* enum dpamt_tdx_leaf */
	uint64_t reg[RR_COUNT];  /* operand values; 0 when not given */
	unsigned reg_set;        /* bit RR_x set: the line gave that register */
	struct replay_expect expect;
	/* expect.REG=V: output register values required after the call */
	uint64_t out[RR_COUNT];
	unsigned out_set;        /* bit RR_x set: expect.<reg> was given */
};

struct replay_config {
	unsigned line;           /* line of the config item, 0 if none */
	uint64_t mem_bytes;      /* default REPLAY_DEFAULT_MEM */
	bool dpamt;              /* default on */
	double busy_prob;        /* injected OPERAND_BUSY rate, default 0 */
	uint64_t seed;           /* seed of the injection, default 1 */
	unsigned tdcs_pages;     /* TDCS pages per TD (SYS.RD); 0: default */
};
/* The model's bound on TDCS pages (src/tdxmod/model.h MAX_TDCS_PAGES). */
#define REPLAY_MAX_TDCS_PAGES 16u

struct replay_trace {
	char file[256];          /* name for messages: path or "<stdin>" */
	struct replay_config config;
	struct replay_call *calls;
	size_t n_calls, cap_calls;
	bool require_expect;     /* a call without expect= is malformed */
};

/* Start an empty trace with the default config; file names it in messages. */
void replay_trace_init(struct replay_trace *t, const char *file);
void replay_trace_free(struct replay_trace *t);

/*
 * Parse one line (without its newline) numbered lineno into t.  Returns 0,
 * or -1 with the message (no "file:line: " prefix) in err.  A malformed line
 * leaves t's calls unchanged.
 */
int replay_parse_line(struct replay_trace *t, const char *line,
		      unsigned lineno, char *err, size_t errlen);

/*
 * Parse every line of in into t, writing "file:line: message\n" to errf for
 * each malformed line.  Returns the number of malformed lines (0: the trace
 * is ready to run), or -1 on a read error, out of memory or a line longer
 * than REPLAY_MAX_LINE (message on errf naming file:line; reading stops
 * there, nothing of the trace may run).
 */
int replay_parse_stream(struct replay_trace *t, FILE *in, FILE *errf);

/*
 * Value parsers of replay's own syntax, exposed for the tests (plain
 * numbers and sizes are src/util/units.h: units_parse_u64() for register
 * values, addresses, seed, byte; units_parse_size() for mem= and len=).
 * replay_parse_reg_value: an expect.REG value, a number or PA|HINT (PA
 * with bit 62, the removal hint, set).  replay_parse_expect: NAME,
 * NAME|OPERAND or a number (HINT there is an error that says the hint
 * lives in RCX/R9).  0, or -1 with a one-line message in err; *v and *x are
 * untouched on error.
 */
int replay_parse_reg_value(const char *s, uint64_t *v, char *err,
			   size_t errlen);
int replay_parse_expect(const char *s, struct replay_expect *x, char *err,
			size_t errlen);

/* Registers name of r ("rcx"), and the one-place table of what each leaf
 * returns: a mask of 1 << RR_x printed after the status. */
const char *replay_reg_name(enum replay_reg r);
unsigned replay_leaf_out_regs(unsigned leaf);
/* Of those, the registers that may carry the removal hint (printed as
 * "0xPA|HINT"). */
unsigned replay_leaf_hint_regs(unsigned leaf);

/* Does status satisfy x?  (RX_NONE: always.) */
bool replay_expect_holds(const struct replay_expect *x, uint64_t status);
/* "HPA_RANGE_NOT_FREE" (class) or "0x... NAME|OPERAND" (full status). */
char *replay_expect_str(const struct replay_expect *x, char *buf,
			size_t len);

/*
 * Run a parsed trace: create the model from t->config, set it up with
 * tdxmod_setup_simple() (areas from mem - 1 GiB), then issue every call,
 * printing "<line>: <LEAF> status=0x<16 hex> <NAME>[ reg=0x...]" per call
 * to out (output registers of replay_leaf_out_regs() only after a
 * successful status; the module defines none on an error).  Failed
 * expects and a fatal model are reported on errf as "file:line: ..." (the
 * status expect and every expect.REG are checked separately, one message
 * each); after a failed expect the run continues, after a fatal model it
 * stops.  At the end the model's own consistency check runs.
 * Returns a REPLAY_EXIT_* value (BADINPUT when the set-up fails).
 */
int replay_run(const struct replay_trace *t, FILE *out, FILE *errf);

/*
 * The call loop of replay_run() on a model the caller created and set up
 * (t->config is not used); the model stays the caller's.  For tests that
 * prepare a model state no trace can reach (e.g. a corrupted pair page).
 */
int replay_run_model(const struct replay_trace *t, struct tdxmod *m,
		     FILE *out, FILE *errf);

#endif /* DPAMT_REPLAY_H */
