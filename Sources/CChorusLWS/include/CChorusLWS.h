#ifndef CCHORUS_LWS_H
#define CCHORUS_LWS_H
/*
 * What Swift cannot reach in libwebsockets and libev directly: LWS_PRE is a macro, lws's log
 * hook is variadic, and ev.h has no Swift module; also the service threads' names (prctl is
 * variadic). One target for both libraries because the service threads' event loop needs both
 * (a libev loop handed to lws). Every symbol is prefixed `chorus_`; the target links only
 * websockets and ev.
 * This header deliberately does not include libwebsockets.h: lws's own types reach Swift only
 * through CLibWebSockets, in ChorusTransport.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- libwebsockets ---------------------------------------------------------------------- */

/** LWS_PRE: headroom lws needs before every payload passed to lws_write. */
size_t chorus_lws_pre(void);

/** Log sink for lws: level is an LLL_* bit, line has no trailing newline. */
typedef void (*chorus_lws_log_sink)(int level, const char *line);

/** Routes lws logging at `levels` (LLL_* mask) to `sink`. */
void chorus_lws_set_log(int levels, chorus_lws_log_sink sink);

/** Names the calling thread (at most 15 bytes are kept): prctl is variadic. Here because
 *  the service threads are its only user. */
void chorus_set_thread_name(const char *name);

/* ---- libev ----------------------------------------------------------------------------- */

/*
 * Each service thread owns its libev loop and hands it to lws as a "foreign" loop: lws
 * registers a SIGINT watcher on loops it creates itself, and libev allows a signal on only
 * one loop per process, so a second internally-created loop aborts.
 */

/** A new libev loop (epoll on Linux), or NULL. */
void *chorus_ev_loop_new(void);

/** Runs one iteration of the loop, blocking until some event is handled. */
void chorus_ev_run_once(void *loop);

void chorus_ev_loop_destroy(void *loop);

#ifdef __cplusplus
}
#endif
#endif
