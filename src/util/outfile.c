/*
 * outfile.c - temporary-file-and-rename outputs for the dpamt CLI (the
 * contract is in outfile.h): mkstemp next to the target, the target's
 * permissions, rename on commit, devices and stdout in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outfile.h"

static int fail(struct outfile *o, char *msg, size_t len, const char *what,
		const char *path, int err)
{
	snprintf(msg, len, "%s: cannot write '%s': %s%s", o->label, path,
		 what, err ? strerror(err) : "");
	outfile_discard(o);
	return -1;
}

/* The mode a new file gets from open(..., 0666): 0666 & ~umask. */
static mode_t new_file_mode(void)
{
	mode_t m = umask(0);

	umask(m);
	return 0666 & ~m;
}

/* "<dir of path>/.<base>.XXXXXX" in a fresh buffer, or NULL. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 16;
	char *t = malloc(n);

	if (t)
		snprintf(t, n, "%.*s.%s.XXXXXX", (int)dlen, path,
			 slash ? slash + 1 : path);
	return t;
}

/* The target with symlinks resolved (a dangling link: its text). */
static char *resolve(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

static int open_renamed(struct outfile *o, const struct stat *st,
			bool exists, char *msg, size_t len)
{
	mode_t mode = exists ? (st->st_mode & 07777) : new_file_mode();
	int fd, e;

	o->tmp = temp_name(o->path);
	if (!o->tmp)
		return fail(o, msg, len, "out of memory", o->path, 0);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		e = errno;
		free(o->tmp);
		o->tmp = NULL;
		return fail(o, msg, len, "", o->path, e);
	}
	o->kind = OUTFILE_RENAME;
	if (fchmod(fd, mode) || !(o->f = fdopen(fd, "w"))) {
		e = errno;
		if (!o->f)
			close(fd);
		return fail(o, msg, len, "", o->path, e);
	}
	return 0;
}

/* /dev/... and /proc/... name streams (/dev/stdout, /proc/self/fd/N)
 * even when they resolve to a regular file: written in place. */
static bool special_name(const char *path)
{
	return !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
}

int outfile_open(struct outfile *o, const char *label, const char *path,
		 bool allow_stdout, char *msg, size_t len)
{
	struct stat st;
	bool exists;

	memset(o, 0, sizeof(*o));
	o->label = label;
	if (!path || !*path || (!allow_stdout && !strcmp(path, "-"))) {
		snprintf(msg, len, "%s: '%s' is not a file name%s", label,
			 path ? path : "", allow_stdout ? " (- is stdout)" : "");
		return -1;
	}
	if (!strcmp(path, "-")) {
		o->kind = OUTFILE_STDOUT;
		o->f = stdout;
		return 0;
	}
	o->path = resolve(path);
	if (!o->path)
		return fail(o, msg, len, "out of memory", path, 0);
	exists = stat(o->path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode))
		return fail(o, msg, len, "it is a directory", path, 0);
	if (exists && (!S_ISREG(st.st_mode) || special_name(path))) {
		o->f = fopen(o->path, "w");
		if (!o->f)
			return fail(o, msg, len, "", path, errno);
		o->kind = OUTFILE_INPLACE;
		return 0;
	}
	return open_renamed(o, &st, exists, msg, len);
}

const char *outfile_write_path(const struct outfile *o)
{
	if (o->kind == OUTFILE_RENAME)
		return o->tmp;
	return o->kind == OUTFILE_INPLACE ? o->path : NULL;
}

/* Flush and close (stdout: flush only); 0 or the first errno. */
static int close_checked(struct outfile *o)
{
	int e = 0;

	errno = 0;
	if (fflush(o->f) || ferror(o->f))
		e = errno ? errno : EIO;
	if (o->kind == OUTFILE_RENAME && !e && fsync(fileno(o->f)))
		e = errno;
	if (o->kind != OUTFILE_STDOUT && fclose(o->f) && !e)
		e = errno ? errno : EIO;
	o->f = NULL;
	return e;
}

static void release(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->kind = OUTFILE_NONE;
}

int outfile_commit(struct outfile *o, char *msg, size_t len)
{
	const char *shown = o->kind == OUTFILE_STDOUT ? "-" : o->path;
	int e;

	if (o->kind == OUTFILE_NONE)
		return 0;
	e = close_checked(o);
	if (!e && o->kind == OUTFILE_RENAME && rename(o->tmp, o->path))
		e = errno;
	if (e) {
		snprintf(msg, len, "%s: writing '%s' failed: %s", o->label,
			 shown, strerror(e));
		if (o->kind == OUTFILE_RENAME)
			unlink(o->tmp);
		release(o);
		return -1;
	}
	release(o);
	return 0;
}

void outfile_discard(struct outfile *o)
{
	if (o->f && o->kind != OUTFILE_STDOUT)
		fclose(o->f);
	else if (o->f)
		fflush(o->f);
	o->f = NULL;
	if (o->kind == OUTFILE_RENAME && o->tmp)
		unlink(o->tmp);
	release(o);
}

int outfile_scratch(const char *prefix, char *buf, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(buf, len, "%s/%s-XXXXXX", dir, prefix);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkstemp(buf);
}

/* A not-yet-existing path as its directory's real path plus its last
 * component (malloc'ed), or NULL when the directory does not resolve. */
static char *canonical_new(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *rdir, *out = NULL;
	size_t n;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	rdir = dir ? realpath(dir, NULL) : NULL;
	if (rdir) {
		n = strlen(rdir) + strlen(path) + 2;
		out = malloc(n);
		if (out)
			snprintf(out, n, "%s/%s", rdir, slash ? slash + 1 : path);
	}
	free(dir);
	free(rdir);
	return out;
}

/* The null device takes any number of writers. */
static bool is_null_device(const struct stat *st)
{
	struct stat n;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &n) == 0 &&
	       S_ISCHR(n.st_mode) && n.st_rdev == st->st_rdev;
}

/* What path names now: "-" is whatever stdout is. */
static bool stat_target(const char *path, struct stat *st)
{
	if (!strcmp(path, "-"))
		return fstat(STDOUT_FILENO, st) == 0;
	return stat(path, st) == 0;
}

bool outfile_same_target(const char *a, const char *b)
{
	struct stat sa, sb;
	bool ea, eb, same;
	char *ca, *cb;

	if (!strcmp(a, "-") && !strcmp(b, "-"))
		return true;
	ea = stat_target(a, &sa);
	eb = stat_target(b, &sb);
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       !is_null_device(&sa);
	if (ea || eb || !strcmp(a, "-") || !strcmp(b, "-"))
		return false;
	ca = canonical_new(a);
	cb = canonical_new(b);
	same = ca && cb ? !strcmp(ca, cb) : !strcmp(a, b);
	free(ca);
	free(cb);
	return same;
}

int outfile_stdout_status(const char *prog, int rc)
{
	errno = 0;
	if ((fflush(stdout) || ferror(stdout)) && rc != 2) {
		fprintf(stderr, "%s: writing to standard output failed: %s\n",
			prog, errno ? strerror(errno) : "I/O error");
		return 1;
	}
	return rc;
}
