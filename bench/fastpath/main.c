/*
 * main.c - dpamt-bench-fastpath: the `dpamt bench` front end as its own
 * binary (same options, same output, same exit statuses: docs/cli.md).
 */
#include "../../tools/commands.h"
#include "util/outfile.h"

int main(int argc, char **argv)
{
	return outfile_stdout_status("dpamt-bench-fastpath",
				     cmd_bench(argc, argv));
}
