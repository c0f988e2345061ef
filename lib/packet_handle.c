/* SPDX-License-Identifier: MIT */
/*
 * The packet handle (NewPacketHandle): a gopacket-style reader/writer on
 * one queue, with a cache of the last RX burst and capture info.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct memif_packet_handle {
	struct memif *m;
	uint8_t qid;
	uint16_t rx_count;
	pthread_mutex_t read_mu;
	pthread_mutex_t write_mu;
	bool closed;
	uint16_t n_cached, next;
	struct timespec ts;
	struct memif_rx_pkt pkts[]; /* rx_count views of the last burst */
};

int memif_new_packet_handle(struct memif *m, uint8_t qid, uint16_t rx_count,
			    struct memif_packet_handle **out)
{
	struct memif_packet_handle *h;

	if (!m)
		return MEMIF_ERR_NOCONN;
	if (!out)
		return MEMIF_ERR_INVAL_ARG;
	if (rx_count == 0)
		rx_count = 1;
	h = calloc(1, sizeof(*h) + rx_count * sizeof(h->pkts[0]));
	if (!h)
		return MEMIF_ERR_NOMEM;
	h->m = m;
	h->qid = qid;
	h->rx_count = rx_count;
	pthread_mutex_init(&h->read_mu, NULL);
	pthread_mutex_init(&h->write_mu, NULL);
	*out = h;
	return MEMIF_OK;
}

int memif_packet_handle_read(struct memif_packet_handle *h,
			     const uint8_t **data, uint32_t *len,
			     struct memif_capture_info *ci)
{
	int ret = MEMIF_OK;

	if (!h || !data || !len)
		return MEMIF_ERR_INVAL_ARG;
	pthread_mutex_lock(&h->read_mu);
	if (__atomic_load_n(&h->closed, __ATOMIC_ACQUIRE)) {
		ret = MEMIF_ERR_EOF;
		goto out;
	}
	if (h->next >= h->n_cached) {
		/* The views of the previous burst die here, as documented. */
		h->next = h->n_cached = 0;
		ret = memif_rx_burst(h->m, h->qid, h->pkts, h->rx_count,
				     &h->n_cached);
		if (ret)
			goto out;
		if (!h->n_cached) {
			ret = MEMIF_ERR_EOF;
			goto out;
		}
		clock_gettime(CLOCK_REALTIME, &h->ts);
	}
	*data = h->pkts[h->next].data;
	*len = h->pkts[h->next].len;
	if (ci) {
		ci->timestamp = h->ts;
		ci->capture_length = *len;
		ci->length = *len;
	}
	h->next++;
out:
	pthread_mutex_unlock(&h->read_mu);
	return ret;
}

int memif_packet_handle_write(struct memif_packet_handle *h, const void *data,
			      uint32_t len)
{
	struct memif_tx_pkt p = { .data = data, .len = len };
	uint16_t sent = 0;
	int ret;

	if (!h || (!data && len))
		return MEMIF_ERR_INVAL_ARG;
	pthread_mutex_lock(&h->write_mu);
	if (__atomic_load_n(&h->closed, __ATOMIC_ACQUIRE))
		ret = MEMIF_ERR_EOF;
	else
		ret = memif_tx_burst(h->m, h->qid, &p, 1, &sent);
	if (ret == MEMIF_OK && sent == 0)
		ret = MEMIF_ERR_EOF;
	pthread_mutex_unlock(&h->write_mu);
	return ret;
}

void memif_packet_handle_close(struct memif_packet_handle *h)
{
	if (!h)
		return;
	/* Taking both locks waits for a read or write in progress. */
	pthread_mutex_lock(&h->read_mu);
	pthread_mutex_lock(&h->write_mu);
	__atomic_store_n(&h->closed, true, __ATOMIC_RELEASE);
	h->n_cached = h->next = 0;
	pthread_mutex_unlock(&h->write_mu);
	pthread_mutex_unlock(&h->read_mu);
}

void memif_packet_handle_free(struct memif_packet_handle *h)
{
	if (!h)
		return;
	memif_packet_handle_close(h);
	pthread_mutex_destroy(&h->read_mu);
	pthread_mutex_destroy(&h->write_mu);
	free(h);
}
