/*
 * vt_queue.c - binary min-heap for the virtual-time event queue (see
 * vt_queue.h).
 */
#include "vt/vt_queue.h"

#include <stdlib.h>

void vt_queue_init(struct vt_queue *q)
{
	q->ev = NULL;
	q->n = q->cap = 0;
}

void vt_queue_fini(struct vt_queue *q)
{
	free(q->ev);
	vt_queue_init(q);
}

static bool ev_less(const struct vt_ev *a, const struct vt_ev *b)
{
	return vt_key_less(a->k1, a->k2, b->k1, b->k2);
}

int vt_queue_push(struct vt_queue *q, uint64_t k1, uint64_t k2, void *item)
{
	struct vt_ev e = { k1, k2, item };
	size_t i;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct vt_ev *ev = realloc(q->ev, cap * sizeof(*ev));

		if (!ev)
			return -1;
		q->ev = ev;
		q->cap = cap;
	}
	i = q->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_less(&e, &q->ev[parent]))
			break;
		q->ev[i] = q->ev[parent];
		i = parent;
	}
	q->ev[i] = e;
	return 0;
}

bool vt_queue_pop(struct vt_queue *q, struct vt_ev *out)
{
	struct vt_ev last;
	size_t i = 0;

	if (!q->n)
		return false;
	*out = q->ev[0];
	last = q->ev[--q->n];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && ev_less(&q->ev[c + 1], &q->ev[c]))
			c++;
		if (!ev_less(&q->ev[c], &last))
			break;
		q->ev[i] = q->ev[c];
		i = c;
	}
	if (q->n)
		q->ev[i] = last;
	return true;
}
