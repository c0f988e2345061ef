/* SPDX-License-Identifier: MIT */
/*
 * Receive modes and the application's waits: the interrupt fd (dispatch of
 * every RX queue), the per-queue eventfds, and the queue of asynchronous
 * error codes behind the error fd.
 */
#include <errno.h>

#include "internal.h"

void memif__push_error(struct memif *m, int code)
{
	unsigned i;

	if (m->irq.errq_len == MEMIF__ERRQ_LEN) {
		/* Drop the oldest: the library never blocks on this queue. */
		m->irq.errq_head = (m->irq.errq_head + 1) % MEMIF__ERRQ_LEN;
		m->irq.errq_len--;
	}
	i = (m->irq.errq_head + m->irq.errq_len) % MEMIF__ERRQ_LEN;
	m->irq.errq[i] = code;
	m->irq.errq_len++;
	if (m->irq.err_fd >= 0)
		memif__os_eventfd_signal(m->irq.err_fd);
}

int memif_set_rx_mode(struct memif *m, uint8_t qid, enum memif_rx_mode mode)
{
	int ret;

	ret = memif__api_lock(m, memif__rx_mode_valid(mode));
	if (ret)
		return ret;
	if (m->conn.state != MEMIF__CONNECTED)
		ret = MEMIF_ERR_DISCONNECTED;
	else if (qid >= m->dp.n_rxq)
		ret = MEMIF_ERR_QID;
	else
		memif__queue_set_rx_mode(m->dp.rxq[qid], mode);
	memif__api_unlock();
	return ret;
}

/* An interface's interrupt or error eventfd, made at the first request
 * and kept for the life of the interface.  Under c->lock. */
static int lazy_eventfd(int *fd)
{
	int efd;

	if (*fd >= 0)
		return MEMIF_OK;
	efd = memif__os_eventfd();
	if (efd < 0)
		return memif__err_from_errno(efd);
	__atomic_store_n(fd, efd, __ATOMIC_RELEASE);
	return MEMIF_OK;
}

int memif_get_interrupt_fd(struct memif *m, int *fd)
{
	struct memif__ctx *c = memif__ctx;
	int ret;

	ret = memif__api_lock(m, fd != NULL);
	if (ret)
		return ret;
	ret = lazy_eventfd(&m->irq.intr_fd);
	if (ret == MEMIF_OK && !m->irq.dispatch) {
		m->irq.dispatch = true;
		c->qpolls_dirty = true;
		memif__loop_wake(c);
	}
	*fd = m->irq.intr_fd;
	memif__api_unlock();
	return ret;
}

static bool take_pending(struct memif *m, uint8_t *qid)
{
	unsigned w;

	for (w = 0; w < 4; w++) {
		uint64_t v =
			__atomic_load_n(&m->irq.pending[w], __ATOMIC_ACQUIRE);

		while (v) {
			unsigned b = (unsigned)__builtin_ctzll(v);
			uint64_t bit = 1ull << b;

			if (__atomic_fetch_and(&m->irq.pending[w], ~bit,
					       __ATOMIC_ACQ_REL) &
			    bit) {
				*qid = (uint8_t)(w * 64 + b);
				return true;
			}
			v &= ~bit;
		}
	}
	return false;
}

int memif_read_interrupt(struct memif *m, uint8_t *qid)
{
	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!qid)
		return MEMIF_ERR_INVAL_ARG;
	if (take_pending(m, qid))
		return MEMIF_OK;
	/* Clear, then look again: a bit set before its signal is not lost.
	 * No fd yet: nothing was dispatched (memif_get_interrupt_fd). */
	if (__atomic_load_n(&m->irq.intr_fd, __ATOMIC_ACQUIRE) >= 0)
		memif__os_eventfd_clear(m->irq.intr_fd);
	return take_pending(m, qid) ? MEMIF_OK : MEMIF_ERR_AGAIN;
}

int memif_get_interrupt_error_fd(struct memif *m, int *fd)
{
	bool fresh;
	int ret;

	ret = memif__api_lock(m, fd != NULL);
	if (ret)
		return ret;
	fresh = m->irq.err_fd < 0;
	ret = lazy_eventfd(&m->irq.err_fd);
	/* Errors queued before the fd existed make it readable at once. */
	if (ret == MEMIF_OK && fresh && m->irq.errq_len)
		memif__os_eventfd_signal(m->irq.err_fd);
	*fd = m->irq.err_fd;
	memif__api_unlock();
	return ret;
}

int memif_read_interrupt_error(struct memif *m, int *err_code)
{
	int ret;

	ret = memif__api_lock(m, err_code != NULL);
	if (ret)
		return ret;
	ret = MEMIF_ERR_AGAIN;
	if (m->irq.errq_len) {
		*err_code = m->irq.errq[m->irq.errq_head];
		m->irq.errq_head = (m->irq.errq_head + 1) % MEMIF__ERRQ_LEN;
		m->irq.errq_len--;
		ret = MEMIF_OK;
	}
	if (!m->irq.errq_len && m->irq.err_fd >= 0)
		memif__os_eventfd_clear(m->irq.err_fd);
	memif__api_unlock();
	return ret;
}

int memif_get_queue_interrupt_fd(struct memif *m, uint8_t qid, int *fd)
{
	int ret;

	ret = memif__api_lock(m, fd != NULL);
	if (ret)
		return ret;
	/* Valid from before on_connect until on_disconnect has returned. */
	if (m->conn.state != MEMIF__CONNECTED && !m->conn.release_pending)
		ret = MEMIF_ERR_DISCONNECTED;
	else if (qid >= m->dp.alloc_rxq || !m->dp.rxq[qid]->ring)
		ret = MEMIF_ERR_QID;
	else
		*fd = m->dp.rxq[qid]->efd;
	memif__api_unlock();
	return ret;
}
