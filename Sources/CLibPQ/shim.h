#ifndef GAGE_CLIBPQ_SHIM_H
#define GAGE_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* libpq prints server notices ("relation already exists, skipping") to stderr by default; the ledger keeps quiet. */
static void gage_pq_ignore_notice(void *argument, const char *message) { (void)argument; (void)message; }
static inline void gage_pq_silence_notices(PGconn *connection) {
    PQsetNoticeProcessor(connection, gage_pq_ignore_notice, 0);
}
#endif
