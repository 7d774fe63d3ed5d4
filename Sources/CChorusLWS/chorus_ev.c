#include "CChorusLWS.h"

#include <ev.h>

void *chorus_ev_loop_new(void) {
    /* EVFLAG_NOSIGMASK: the daemon manages its signal mask itself (sigtimedwait thread). */
    return ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
}

void chorus_ev_run_once(void *loop) { ev_run((struct ev_loop *)loop, EVRUN_ONCE); }

void chorus_ev_loop_destroy(void *loop) { ev_loop_destroy((struct ev_loop *)loop); }
