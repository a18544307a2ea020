/*
 * main.c - dpamt-bench-fastpath: the `dpamt bench` front end as its own
 * binary (same options, same output).
 */
#include "../../tools/commands.h"

int main(int argc, char **argv)
{
	return cmd_bench(argc, argv);
}
