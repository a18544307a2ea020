/*
 * replay_stream.c - reading a trace: bounded lines (REPLAY_MAX_LINE), a
 * read error or a NUL byte is an error naming file:line, never an early
 * end of input.  Each line goes to replay_parse_line().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"

enum line_status { LINE_OK, LINE_EOF, LINE_ERROR, LINE_TOO_LONG };

#define REPLAY_MAX_ERRORS 100 /* malformed lines reported before stopping */

/* One line into buf (cap > REPLAY_MAX_LINE), newline dropped; *n its
 * length (NUL bytes included). */
static enum line_status read_line(FILE *in, char *buf, size_t *n)
{
	size_t len = 0;
	int c;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (len == REPLAY_MAX_LINE)
			return LINE_TOO_LONG;
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	*n = len;
	if (c == EOF && ferror(in))
		return LINE_ERROR;
	return c == EOF && len == 0 ? LINE_EOF : LINE_OK;
}

/* A malformed line or a NUL byte: the message; 0 if the line parsed. */
static int one_line(struct replay_trace *t, const char *line, size_t n,
		    unsigned lineno, FILE *errf)
{
	char err[512];

	if (strlen(line) != n)
		snprintf(err, sizeof(err), "NUL byte in line");
	else if (!replay_parse_line(t, line, lineno, err, sizeof(err)))
		return 0;
	fprintf(errf, "%s:%u: %s\n", t->file, lineno, err);
	return 1;
}

int replay_parse_stream(struct replay_trace *t, FILE *in, FILE *errf)
{
	char *line = malloc(REPLAY_MAX_LINE + 1);
	enum line_status st;
	unsigned lineno = 0;
	int bad = 0;
	size_t n;

	if (!line) {
		fprintf(errf, "%s: out of memory\n", t->file);
		return -1;
	}
	errno = 0;
	while ((st = read_line(in, line, &n)) == LINE_OK) {
		lineno++;
		bad += one_line(t, line, n, lineno, errf);
		if (bad == REPLAY_MAX_ERRORS) {
			fprintf(errf, "%s:%u: %d malformed lines; stopping "
				"here\n", t->file, lineno, bad);
			break;
		}
	}
	free(line);
	if (st == LINE_TOO_LONG)
		fprintf(errf, "%s:%u: line longer than %u bytes (the most a "
			"trace line may hold); nothing runs\n", t->file,
			lineno + 1, REPLAY_MAX_LINE);
	else if (st == LINE_ERROR)
		fprintf(errf, "%s:%u: read error: %s; nothing runs\n",
			t->file, lineno + 1, strerror(errno ? errno : EIO));
	return st == LINE_EOF || st == LINE_OK ? bad : -1;
}
