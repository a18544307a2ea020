/*
 * vt_queue.h - the virtual-time engine's event queue: a binary min-heap of
 * (k1, k2, item) entries ordered by k1, then k2.  The scheduler keys ready
 * tasks by (virtual time, sequence number) so equal times run in the order
 * they became ready, which makes every run the same run.
 *
 * Concurrency: none (one OS thread owns the queue).
 */
#ifndef DPAMT_VT_QUEUE_H
#define DPAMT_VT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vt_ev {
	uint64_t k1, k2;
	void *item;
};

struct vt_queue {
	struct vt_ev *ev;
	size_t n, cap;
};

void vt_queue_init(struct vt_queue *q);
void vt_queue_fini(struct vt_queue *q);
/* 0, or -1 if out of memory (queue unchanged). */
int vt_queue_push(struct vt_queue *q, uint64_t k1, uint64_t k2, void *item);
/* Remove the smallest entry into *out; false if empty. */
bool vt_queue_pop(struct vt_queue *q, struct vt_ev *out);
/* The smallest entry without removing it, or NULL if empty. */
static inline const struct vt_ev *vt_queue_peek(const struct vt_queue *q)
{
	return q->n ? &q->ev[0] : NULL;
}
/* (a1, a2) < (b1, b2) */
static inline bool vt_key_less(uint64_t a1, uint64_t a2, uint64_t b1,
			       uint64_t b2)
{
	return a1 < b1 || (a1 == b1 && a2 < b2);
}

#endif /* DPAMT_VT_QUEUE_H */
