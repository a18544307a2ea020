/*
 * outfile.h - output files of the dpamt CLI that are never lost or
 * half-written, shared by every subcommand (docs/cli.md, "Outputs").
 *
 * A regular file (existing or not) is written to a temporary file created
 * with mkstemp in the target's own directory, given the permissions the
 * target would have had (an existing file's mode, else 0666 & ~umask), and
 * renamed over the target only by outfile_commit() once everything was
 * written.  outfile_discard() removes only that temporary file: a file the
 * run did not create is never touched.  "-" is stdout; a character device,
 * FIFO or socket (/dev/null, /dev/stdout, a pipe) is written in place and
 * never unlinked.  A symlink is followed: the file it points to is
 * replaced, the link stays.
 *
 * Concurrency: an outfile belongs to one thread at a time (the front end);
 * writers that share its FILE from several threads lock it themselves.
 * Functions touch no global state of their own; outfile_open() reads the
 * process umask (umask is process-wide: call it before threads start).
 */
#ifndef DPAMT_UTIL_OUTFILE_H
#define DPAMT_UTIL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum outfile_kind {
	OUTFILE_NONE = 0, /* closed or never opened */
	OUTFILE_STDOUT,   /* "-": stdout, flushed on commit, never closed */
	OUTFILE_INPLACE,  /* device/FIFO: opened and written in place */
	OUTFILE_RENAME,   /* regular file: temp file renamed on commit */
};

struct outfile {
	enum outfile_kind kind;
	FILE *f;            /* where to write */
	char *path;         /* the target (symlinks resolved), malloc'ed */
	char *tmp;          /* the temporary file (OUTFILE_RENAME), malloc'ed */
	const char *label;  /* the option in messages, e.g. "--json" */
};

/*
 * Open an output.  label names it in messages ("--json"); allow_stdout
 * says whether "-" means stdout (else "-" is refused).  0, or -1 with a
 * one-line message in msg naming the label and path (the output cannot be
 * written: exit status 1 by docs/cli.md) and nothing left behind.
 */
int outfile_open(struct outfile *o, const char *label, const char *path,
		 bool allow_stdout, char *msg, size_t len);

/*
 * The path another program should write to instead of o->f (gnuplot's
 * SVG): the temporary file or the device itself.  NULL for stdout.
 */
const char *outfile_write_path(const struct outfile *o);

/*
 * Finish an output: flush, check every write, close, and rename the
 * temporary file over the target.  0, or -1 with msg set and the temporary
 * file removed (the target keeps its old content).  Closed either way;
 * a second call is a no-op returning 0.
 */
int outfile_commit(struct outfile *o, char *msg, size_t len);

/* Abandon an output: close it and remove the temporary file, nothing
 * else.  Safe on a closed or zeroed outfile. */
void outfile_discard(struct outfile *o);

/*
 * A scratch file in $TMPDIR (default /tmp) named PREFIX-XXXXXX: its fd
 * (O_RDWR, mode 0600) and path in buf.  -1 with errno when it cannot be
 * created or the name does not fit.
 */
int outfile_scratch(const char *prefix, char *buf, size_t len);

/*
 * Do two output paths name the same file, so that one output would
 * overwrite or interleave with the other?  True for the same existing
 * file, device or pipe (symlinks and hard links followed; "-" is what
 * stdout is, so "-" and /dev/stdout are the same), for two spellings of
 * one not-yet-existing name ("x" and "./x"), and for "-" twice.  The
 * null device is never "the same": /dev/null takes any number of
 * outputs.  Pure apart from stat/fstat/realpath; any thread.
 */
bool outfile_same_target(const char *a, const char *b);

/*
 * End of a CLI run: flush stdout and report a failed write to it.  Returns
 * rc, or 1 (with "PROG: writing to standard output failed: ..." on
 * stderr) if anything written to stdout was lost and rc was 0.  A usage
 * error (2) stays 2: nothing ran.
 */
int outfile_stdout_status(const char *prog, int rc);

#endif /* DPAMT_UTIL_OUTFILE_H */
