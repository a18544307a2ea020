/*
 * coro.c - coroutine stacks and the context switch (see coro.h).
 *
 * The assembly switch saves only what the ABI says a callee must keep
 * (x86-64: rbx, rbp, r12-r15; aarch64: x19-x30, d8-d15) on the outgoing
 * stack, stores the stack pointer, loads the other one and pops.  The
 * floating-point control words are not switched: nothing in dpamt changes
 * them.  A new stack is laid out as if it had been switched out just
 * before entering coro_stub, which calls the trampoline with the coroutine
 * in a callee-saved register.
 */
#include "vt/coro.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CORO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CORO_TSAN 1
#endif
#endif

#ifdef CORO_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef CORO_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#define CORO_GUARD 4096u

#ifndef DPAMT_CORO_UCONTEXT
void dpamt_coro_swap(void **save_sp, void *new_sp);
void dpamt_coro_stub(void);

#if defined(__x86_64__)
__asm__(".text\n"
	".globl dpamt_coro_swap\n"
	".hidden dpamt_coro_swap\n"
	".type dpamt_coro_swap,@function\n"
	"dpamt_coro_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size dpamt_coro_swap,.-dpamt_coro_swap\n"
	".globl dpamt_coro_stub\n"
	".hidden dpamt_coro_stub\n"
	".type dpamt_coro_stub,@function\n"
	"dpamt_coro_stub:\n"
	"	movq %r12, %rdi\n"
	"	callq *%r13\n"
	"	ud2\n"
	".size dpamt_coro_stub,.-dpamt_coro_stub\n");
#define CORO_FRAME_WORDS 9u /* r15 r14 r13 r12 rbx rbp ret, 2 pad */
#elif defined(__aarch64__)
__asm__(".text\n"
	".globl dpamt_coro_swap\n"
	".hidden dpamt_coro_swap\n"
	".type dpamt_coro_swap,%function\n"
	"dpamt_coro_swap:\n"
	"	sub sp, sp, #176\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mov x2, sp\n"
	"	str x2, [x0]\n"
	"	mov sp, x1\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #176\n"
	"	ret\n"
	".size dpamt_coro_swap,.-dpamt_coro_swap\n"
	".globl dpamt_coro_stub\n"
	".hidden dpamt_coro_stub\n"
	".type dpamt_coro_stub,%function\n"
	"dpamt_coro_stub:\n"
	"	mov x0, x19\n"
	"	blr x20\n"
	"	brk #0\n"
	".size dpamt_coro_stub,.-dpamt_coro_stub\n");
#define CORO_FRAME_WORDS 22u /* x19-x30, d8-d15, 2 pad: 176 bytes */
#endif
#endif /* !DPAMT_CORO_UCONTEXT */

const char *coro_mechanism(void)
{
#if defined(DPAMT_CORO_UCONTEXT)
	return "ucontext";
#elif defined(__x86_64__)
	return "asm-x86_64";
#else
	return "asm-aarch64";
#endif
}

size_t coro_default_stack(void)
{
#if defined(CORO_ASAN) || defined(CORO_TSAN)
	return 1u << 20; /* sanitizer frames are several times bigger */
#else
	return 256u << 10;
#endif
}

void coro_init_main(struct coro *m)
{
	*m = (struct coro){ .is_main = true };
#ifdef CORO_TSAN
	m->tsan_fiber = __tsan_get_current_fiber();
#endif
}

/* Runs on the coroutine's own stack; c->fn never returns. */
static void coro_trampoline(struct coro *c)
{
#ifdef CORO_ASAN
	struct coro *prev = c->came_from;

	__sanitizer_finish_switch_fiber(NULL, &prev->asan_bottom,
					&prev->asan_size);
#endif
	c->fn(c->arg);
	abort(); /* fn must end with coro_exit_to() */
}

#ifdef DPAMT_CORO_UCONTEXT
static void coro_uc_entry(unsigned lo, unsigned hi)
{
	uintptr_t p = ((uintptr_t)hi << 16 << 16) | lo;

	coro_trampoline((struct coro *)p);
}
#endif

static int coro_stack(struct coro *c, size_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096u;
	void *p;

	size = (size + page - 1) / page * page;
	p = mmap(NULL, size + CORO_GUARD, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		 0);
	if (p == MAP_FAILED)
		return -1;
	if (mprotect(p, CORO_GUARD, PROT_NONE)) {
		munmap(p, size + CORO_GUARD);
		return -1;
	}
	c->stack = p;
	c->stack_size = size;
	c->asan_bottom = (char *)p + CORO_GUARD;
	c->asan_size = size;
	return 0;
}

static void coro_layout(struct coro *c)
{
#ifdef DPAMT_CORO_UCONTEXT
	uintptr_t p = (uintptr_t)c;

	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = (char *)c->stack + CORO_GUARD;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, (void (*)(void))coro_uc_entry, 2,
		    (unsigned)(p & 0xffffffffu), (unsigned)(p >> 16 >> 16));
#else
	uintptr_t top = (uintptr_t)c->stack + CORO_GUARD + c->stack_size;
	uintptr_t *sp = (uintptr_t *)(top & ~(uintptr_t)15) - CORO_FRAME_WORDS;

	for (unsigned i = 0; i < CORO_FRAME_WORDS; i++)
		sp[i] = 0;
#if defined(__x86_64__)
	sp[3] = (uintptr_t)c;                   /* r12 */
	sp[2] = (uintptr_t)coro_trampoline;     /* r13 */
	sp[6] = (uintptr_t)dpamt_coro_stub;     /* return address */
#else
	sp[0] = (uintptr_t)c;                   /* x19 */
	sp[1] = (uintptr_t)coro_trampoline;     /* x20 */
	sp[11] = (uintptr_t)dpamt_coro_stub;    /* x30 */
#endif
	c->sp = sp;
#endif
#ifdef CORO_TSAN
	c->tsan_fiber = __tsan_create_fiber(0);
#endif
}

int coro_create(struct coro *c, void (*fn)(void *arg), void *arg,
		size_t stack_size)
{
	*c = (struct coro){ .fn = fn, .arg = arg };
	if (coro_stack(c, stack_size ? stack_size : coro_default_stack()))
		return -1;
	coro_layout(c);
	return 0;
}

void coro_reset(struct coro *c, void (*fn)(void *arg), void *arg)
{
#ifdef CORO_TSAN
	if (c->tsan_fiber)
		__tsan_destroy_fiber(c->tsan_fiber);
	c->tsan_fiber = NULL;
#endif
	c->fn = fn;
	c->arg = arg;
	c->fake_stack = NULL;
	coro_layout(c);
}

void coro_destroy(struct coro *c)
{
	if (c->is_main || !c->stack)
		return;
#ifdef CORO_TSAN
	if (c->tsan_fiber)
		__tsan_destroy_fiber(c->tsan_fiber);
	c->tsan_fiber = NULL;
#endif
	munmap(c->stack, c->stack_size + CORO_GUARD);
	c->stack = NULL;
}

static inline void coro_raw_switch(struct coro *from, struct coro *to)
{
#ifdef CORO_TSAN
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
#ifdef DPAMT_CORO_UCONTEXT
	swapcontext(&from->uc, &to->uc);
#else
	dpamt_coro_swap(&from->sp, to->sp);
#endif
}

void coro_switch(struct coro *from, struct coro *to)
{
#ifdef CORO_ASAN
	struct coro *prev;

	to->came_from = from;
	__sanitizer_start_switch_fiber(&from->fake_stack, to->asan_bottom,
				       to->asan_size);
	coro_raw_switch(from, to);
	/* Back here: note the bounds of the stack we came from (the main
	 * stack's are only known this way). */
	prev = from->came_from;
	__sanitizer_finish_switch_fiber(from->fake_stack, &prev->asan_bottom,
					&prev->asan_size);
#else
	coro_raw_switch(from, to);
#endif
}

void coro_exit_to(struct coro *from, struct coro *to)
{
#ifdef CORO_ASAN
	to->came_from = from;
	__sanitizer_start_switch_fiber(NULL, to->asan_bottom, to->asan_size);
#endif
	coro_raw_switch(from, to);
	abort(); /* never resumed */
}
