/*
 * plot.h - render the timeline CSV as an SVG through gnuplot.
 */
#ifndef DPAMT_SIM_PLOT_H
#define DPAMT_SIM_PLOT_H

enum sim_plot_result {
	SIM_PLOT_OK = 0,
	SIM_PLOT_NO_GNUPLOT = 1, /* not on PATH: msg says how to install */
	SIM_PLOT_FAILED = -1,    /* gnuplot ran and failed, or spawn error */
};

/*
 * Run `gnuplot -c /dev/stdin CSV SVG` with the plot script on a pipe:
 * file names travel as arguments (ARG1/ARG2), never inside the script,
 * and no shell is involved.  Dynamic bytes and pairs on the left axis,
 * BUSY and lock contentions (cumulative) on the right.  Blocks until
 * gnuplot exits.  Not thread-safe with respect to other fork users.
 */
enum sim_plot_result sim_plot_svg(const char *csv_path, const char *svg_path,
				  char *msg, unsigned len);

/*
 * The same with another gnuplot script: args become ARG1.. (at most
 * SIM_PLOT_MAX_ARGS; ARG1 is the data file and ARG2 the SVG, for the
 * messages, which start with label).
 */
#define SIM_PLOT_MAX_ARGS 8
enum sim_plot_result sim_plot_script(const char *script,
				     const char *const *args, unsigned n_args,
				     const char *label, char *msg,
				     unsigned len);

#endif /* DPAMT_SIM_PLOT_H */
