/*
 * coro.h - stackful coroutines for the virtual-time engine: one OS thread
 * switches between many execution contexts, each with its own stack.
 *
 * The switch is a few instructions of hand-written assembly on x86-64 and
 * aarch64 (callee-saved registers pushed on the old stack, stack pointer
 * swapped, popped from the new one); other targets, or a build with
 * -DDPAMT_CORO_UCONTEXT, use swapcontext(3), which also saves the signal
 * mask with a system call and is ~20x slower (docs/sim.md has the
 * measurements).  Under ASan and TSan every switch is announced to the
 * sanitizer (fiber API), so both keep working across stacks.
 *
 * Concurrency: a coroutine set belongs to one OS thread; nothing here is
 * thread-safe and nothing needs to be.
 */
#ifndef DPAMT_VT_CORO_H
#define DPAMT_VT_CORO_H

#include <stdbool.h>
#include <stddef.h>

#if !defined(DPAMT_CORO_UCONTEXT) && !defined(__x86_64__) && \
	!defined(__aarch64__)
#define DPAMT_CORO_UCONTEXT 1
#endif

#ifdef DPAMT_CORO_UCONTEXT
#include <ucontext.h>
#endif

struct coro {
#ifdef DPAMT_CORO_UCONTEXT
	ucontext_t uc;
#else
	void *sp;                 /* saved stack pointer while switched out */
#endif
	void *stack;              /* mmap'd, guard page at the low end */
	size_t stack_size;        /* usable bytes above the guard page */
	void (*fn)(void *arg);
	void *arg;
	/* Sanitizer bookkeeping (unused in plain builds). */
	void *fake_stack;         /* ASan: fake-stack handle while out */
	const void *asan_bottom;  /* ASan: this context's stack */
	size_t asan_size;
	void *tsan_fiber;         /* TSan: this context's fiber */
	struct coro *came_from;   /* ASan: who switched to us last */
	bool is_main;             /* the OS thread's own stack */
};

/* Default usable stack per coroutine (bigger under sanitizers). */
size_t coro_default_stack(void);

/* The calling OS thread's own context, to switch back to.  Call once
 * before the first coro_switch from it. */
void coro_init_main(struct coro *main_ctx);

/*
 * A new coroutine that runs fn(arg) on its own stack of at least
 * stack_size bytes (0: coro_default_stack()) when first switched to.
 * fn must never return: it ends with coro_exit_to().  0, or -1 if the
 * stack could not be mapped.
 */
int coro_create(struct coro *c, void (*fn)(void *arg), void *arg,
		size_t stack_size);
/* Start c over with fn(arg) on its existing stack (c finished: it
 * ended with coro_exit_to and is not running). */
void coro_reset(struct coro *c, void (*fn)(void *arg), void *arg);
/* Unmap the stack of a coroutine that is not running. */
void coro_destroy(struct coro *c);

/* Save the current context into from and continue in to. */
void coro_switch(struct coro *from, struct coro *to);
/* Like coro_switch, for a coroutine that will never be resumed (lets the
 * sanitizers drop its fake stack / fiber state). */
void coro_exit_to(struct coro *from, struct coro *to)
	__attribute__((noreturn));

/* "asm-x86_64", "asm-aarch64" or "ucontext". */
const char *coro_mechanism(void);

#endif /* DPAMT_VT_CORO_H */
