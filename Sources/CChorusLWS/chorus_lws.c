#include "CChorusLWS.h"

#include <libwebsockets.h>
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

void chorus_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
