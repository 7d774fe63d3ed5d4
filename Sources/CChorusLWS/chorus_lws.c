#include "CChorusLWS.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static chorus_lws_log_sink current_sink;

static void forward_log(int level, const char *line) {
    if (current_sink == NULL) return;
    char trimmed[1024];
    size_t length = strnlen(line, sizeof(trimmed) - 1);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) length--;
    memcpy(trimmed, line, length);
    trimmed[length] = '\0';
    current_sink(level, trimmed);
}

void chorus_lws_set_log(int levels, chorus_lws_log_sink sink) {
    current_sink = sink;
    lws_set_log_level(levels, forward_log);
}

size_t chorus_lws_pre(void) { return LWS_PRE; }

struct chorus_lws_timer {
    lws_sorted_usec_list_t sul; /* what lws links into its timer list */
    void *owner;
    chorus_lws_timer_fired fired;
};

static void chorus_lws_timer_expired(lws_sorted_usec_list_t *sul) {
    chorus_lws_timer *timer = lws_container_of(sul, chorus_lws_timer, sul);
    timer->fired(timer->owner);
}

chorus_lws_timer *chorus_lws_timer_new(void *owner, chorus_lws_timer_fired fired) {
    chorus_lws_timer *timer = calloc(1, sizeof(*timer));
    if (timer == NULL) return NULL;
    timer->owner = owner;
    timer->fired = fired;
    return timer;
}

void chorus_lws_timer_schedule(struct lws_context *context, chorus_lws_timer *timer, int64_t delay_us) {
    lws_sul_schedule(context, 0, &timer->sul, chorus_lws_timer_expired, (lws_usec_t)delay_us);
}

void chorus_lws_timer_free(chorus_lws_timer *timer) { free(timer); }

void chorus_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
