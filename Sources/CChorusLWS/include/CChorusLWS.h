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

/*
 * A one-shot lws timer with an owner. lws hands its timer callback only the
 * lws_sorted_usec_list_t it scheduled; the timer keeps that struct and the owner pointer
 * side by side, and gives the owner back (container_of, here in C) so that Swift never lays
 * out or offsets into lws structs. Create, schedule and free it on the thread that services
 * the context; free it only after the context is destroyed or with the timer not scheduled.
 */
typedef struct chorus_lws_timer chorus_lws_timer;
struct lws_context;

/** Called on the service thread when the timer fires, with the owner it was created for. */
typedef void (*chorus_lws_timer_fired)(void *owner);

/** A timer that calls `fired(owner)`; NULL when out of memory. */
chorus_lws_timer *chorus_lws_timer_new(void *owner, chorus_lws_timer_fired fired);

/** (Re)schedules the timer `delay_us` microseconds from now (lws_sul_schedule, thread 0 of
 *  the context): an earlier schedule that has not fired is replaced. */
void chorus_lws_timer_schedule(struct lws_context *context, chorus_lws_timer *timer, int64_t delay_us);

void chorus_lws_timer_free(chorus_lws_timer *timer);

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
