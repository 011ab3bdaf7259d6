/*
 * exchange_curl: assume an IAM role, sending every request with libcurl
 * while sts-ffi decides the retries.
 *
 * The exchange is one STS call as a loop the program drives. The library
 * signs each attempt and judges every answer: done, retry after a
 * back-off (jittered, or the server's x-amz-retry-after), sign again at
 * once after a clock-skew answer, or give up. The program moves the bytes
 * (here with libcurl's easy interface), sleeps when told to and reads a
 * monotonic clock. The library itself does no I/O and never sleeps for
 * the call; only getting the credentials, in sts_exchange_assume_role_new,
 * may (the default chain can reach a role profile, SSO, the container
 * endpoint or instance metadata over HTTP: see the README).
 *
 * Build, from the workspace root:
 *
 *     cargo build -p sts-ffi --release
 *     cc -std=c11 -Wall -Wextra -Werror -I sts-ffi/include \
 *         sts-ffi/examples/exchange_curl.c target/release/libsts_ffi.a \
 *         $(pkg-config --libs libcurl) -lpthread -ldl -lm -lrt -lutil \
 *         -o exchange_curl
 *
 * (libcurl's headers: `apt-get install libcurl4-openssl-dev` on Debian and
 * Ubuntu.) Run:
 *
 *     exchange_curl [--region REGION] [--endpoint-url URL]
 *                   [--attempt-timeout-ms MS] ROLE_ARN [SESSION_NAME]
 *
 * The region and endpoint default to what the AWS SDKs read: AWS_REGION,
 * AWS_ENDPOINT_URL_STS, the profile's settings. AWS_MAX_ATTEMPTS and
 * AWS_RETRY_MODE set the retry policy. The credentials that sign come
 * from the default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
 * the shared files and AWS_PROFILE, web identity, a container endpoint,
 * instance metadata).
 *
 * Each attempt is reported on stderr, the role session on stdout; the
 * secret key and session token are never printed. Exit status: 0 when the
 * role was assumed, 1 when the call failed, 2 for a usage error.
 *
 * Ownership, as everywhere in sts.h: what the library hands out is the
 * caller's, with one free function each (the client, the exchange, each
 * request, the result, each error); what the caller passes in is only
 * borrowed for the call. The comments below say where each object ends.
 */

#define _POSIX_C_SOURCE 200809L

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sts.h"

/* An STS answer is a few kilobytes; anything past these limits is refused
 * (STS_TRANSPORT_BODY_TOO_LARGE) rather than buffered. */
#define MAX_BODY_BYTES (1024u * 1024u)
#define MAX_HEADERS 64u
/* How long opening a connection may take, within the attempt's limit. */
#define CONNECT_TIMEOUT_MS 3000L

/* ---- clock ---------------------------------------------------------------- */

/* Milliseconds on the monotonic clock: the exchange measures the call's
 * timeout and the adaptive mode's pacing with it. */
static uint64_t now_ms(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime(CLOCK_MONOTONIC)");
        exit(1);
    }
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms) {
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- one HTTP exchange over libcurl -------------------------------------- */

/* Overwrites `len` bytes at `p` in a way the compiler may not skip, then
 * frees `p`. The body of an AssumeRole answer holds the secret key, a
 * request's headers the session token. */
static void wipe_free(void *p, size_t len) {
    volatile unsigned char *bytes = (volatile unsigned char *)p;
    size_t i;
    if (!p) return;
    for (i = 0; i < len; i++) bytes[i] = 0;
    free(p);
}

/* Frees a header list whose lines held secrets (the Authorization field,
 * X-Amz-Security-Token): curl_slist_append copied each line, and
 * curl_slist_free_all frees the copies as they are. */
static void wipe_free_list(struct curl_slist *list) {
    struct curl_slist *entry;
    for (entry = list; entry; entry = entry->next) {
        volatile char *text = (volatile char *)entry->data;
        size_t i, len = strlen(entry->data);
        for (i = 0; i < len; i++) text[i] = 0;
    }
    curl_slist_free_all(list);
}

/* What came back for one request: the header fields and the body, copied
 * out of libcurl's callbacks. Owned by the program. */
typedef struct Reply {
    StsHeader headers[MAX_HEADERS]; /* point into `storage` */
    char *storage[MAX_HEADERS];     /* "name\0value\0", one allocation each */
    size_t storage_len[MAX_HEADERS];
    size_t headers_len;
    unsigned char *body;
    size_t body_len;
    size_t body_cap;
    int too_large; /* a callback refused data over the limits above */
} Reply;

static void reply_clear_headers(Reply *r) {
    size_t i;
    for (i = 0; i < r->headers_len; i++) wipe_free(r->storage[i], r->storage_len[i]);
    r->headers_len = 0;
}

static void reply_free(Reply *r) {
    reply_clear_headers(r);
    wipe_free(r->body, r->body_cap);
    memset(r, 0, sizeof *r);
}

/* CURLOPT_HEADERFUNCTION: called once per header line, status line and
 * final blank line included. Returning less than it was given makes
 * libcurl stop with CURLE_WRITE_ERROR. */
static size_t on_header(char *line, size_t size, size_t count, void *user) {
    Reply *r = (Reply *)user;
    size_t len = size * count, name_len, value_start, value_end;
    const char *colon;
    char *copy;

    /* A status line starts a response: forget the fields of an earlier
     * one (a "100 Continue"). */
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        reply_clear_headers(r);
        return len;
    }
    colon = (const char *)memchr(line, ':', len);
    if (!colon) return len; /* the blank line that ends the head */
    if (r->headers_len == MAX_HEADERS) {
        r->too_large = 1;
        return 0;
    }
    name_len = (size_t)(colon - line);
    value_start = name_len + 1;
    value_end = len;
    while (value_start < value_end && (line[value_start] == ' ' || line[value_start] == '\t'))
        value_start++;
    while (value_end > value_start && (line[value_end - 1] == '\r' || line[value_end - 1] == '\n' ||
                                       line[value_end - 1] == ' ' || line[value_end - 1] == '\t'))
        value_end--;
    copy = (char *)malloc(len + 2);
    if (!copy) return 0;
    memcpy(copy, line, name_len);
    copy[name_len] = '\0';
    memcpy(copy + name_len + 1, line + value_start, value_end - value_start);
    copy[name_len + 1 + (value_end - value_start)] = '\0';
    r->storage[r->headers_len] = copy;
    r->storage_len[r->headers_len] = len + 2;
    r->headers[r->headers_len].name = copy;
    r->headers[r->headers_len].value = copy + name_len + 1;
    r->headers_len++;
    return len;
}

/* CURLOPT_WRITEFUNCTION: appends a piece of the body. The buffer grows by
 * copying, and the old one is wiped, so no stray copy of a secret stays
 * behind in freed memory. */
static size_t on_body(char *data, size_t size, size_t count, void *user) {
    Reply *r = (Reply *)user;
    size_t len = size * count;
    if (len > MAX_BODY_BYTES - r->body_len) {
        r->too_large = 1;
        return 0;
    }
    if (r->body_len + len > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096u;
        unsigned char *grown;
        while (cap < r->body_len + len) cap *= 2;
        if (cap > MAX_BODY_BYTES) cap = MAX_BODY_BYTES;
        grown = (unsigned char *)malloc(cap);
        if (!grown) return 0;
        if (r->body_len) memcpy(grown, r->body, r->body_len);
        wipe_free(r->body, r->body_cap);
        r->body = grown;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    return len;
}

/* How the exchange should see a libcurl failure: the kind decides whether
 * it is retried and what it costs of the retry quota. */
static StsTransportResult failure_kind(CURLcode rc, const Reply *reply) {
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
        return STS_TRANSPORT_CONNECT_FAILED;
    case CURLE_OPERATION_TIMEDOUT:
        return STS_TRANSPORT_TIMED_OUT;
    case CURLE_WRITE_ERROR:
        return reply->too_large ? STS_TRANSPORT_BODY_TOO_LARGE : STS_TRANSPORT_IO_ERROR;
    default: /* reset, closed early, a broken answer: the connection failed */
        return STS_TRANSPORT_IO_ERROR;
    }
}

static const char *kind_name(StsTransportResult kind) {
    switch (kind) {
    case STS_TRANSPORT_CONNECT_FAILED: return "connect failed";
    case STS_TRANSPORT_TIMED_OUT: return "timed out";
    case STS_TRANSPORT_BODY_TOO_LARGE: return "body too large";
    default: return "i/o error";
    }
}

/* Sets one libcurl option, leaving the function with its error code. */
#define SETOPT(curl, option, value)                                            \
    do {                                                                       \
        CURLcode setopt_rc_ = curl_easy_setopt((curl), (option), (value));     \
        if (setopt_rc_ != CURLE_OK) return setopt_rc_;                         \
    } while (0)

/* Configures `curl` to send `req` as given: its method, URL, every header
 * and the body. libcurl adds Content-Length (and Accept) itself. */
static CURLcode configure(CURL *curl, const StsHttpRequest *req, struct curl_slist *headers,
                          uint32_t timeout_ms, Reply *reply, char *errbuf) {
    /* The request is borrowed: libcurl reads the body from it during
     * curl_easy_perform, so it must not be freed before that returns. */
    SETOPT(curl, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(curl, CURLOPT_URL, req->url);
    SETOPT(curl, CURLOPT_NOSIGNAL, 1L);
    SETOPT(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    SETOPT(curl, CURLOPT_POSTFIELDS, req->body_len ? (const char *)req->body : "");
    if (strcmp(req->method, "POST") != 0) SETOPT(curl, CURLOPT_CUSTOMREQUEST, req->method);
    SETOPT(curl, CURLOPT_HTTPHEADER, headers);
    SETOPT(curl, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(curl, CURLOPT_HEADERDATA, (void *)reply);
    SETOPT(curl, CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(curl, CURLOPT_WRITEDATA, (void *)reply);
    /* 0 is "no limit" for the exchange and for libcurl alike. */
    SETOPT(curl, CURLOPT_TIMEOUT_MS, timeout_ms > 0x7fffffffu ? 0x7fffffffL : (long)timeout_ms);
    SETOPT(curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    return CURLE_OK;
}

/* Sends `req` within `timeout_ms` and fills `reply`. Returns
 * STS_TRANSPORT_OK when a whole response came back, whatever its status
 * (a 503 is for the exchange to judge), else the kind of failure, with
 * libcurl's words for it in `errbuf`. */
static StsTransportResult send_request(CURL *curl, const StsHttpRequest *req, uint32_t timeout_ms,
                                       Reply *reply, long *status, char *errbuf) {
    struct curl_slist *headers = NULL;
    CURLcode rc = CURLE_OK;
    size_t i;

    errbuf[0] = '\0';
    for (i = 0; i < req->headers_len && rc == CURLE_OK; i++) {
        const StsHeader *h = &req->headers[i];
        size_t line_len = strlen(h->name) + strlen(h->value) + 3;
        char *line = (char *)malloc(line_len);
        struct curl_slist *more = NULL;
        if (line) {
            /* "Name;" is libcurl's way to send a field with an empty value. */
            if (h->value[0])
                snprintf(line, line_len, "%s: %s", h->name, h->value);
            else
                snprintf(line, line_len, "%s;", h->name);
            more = curl_slist_append(headers, line); /* copies the line */
            wipe_free(line, line_len);
        }
        if (more)
            headers = more;
        else
            rc = CURLE_OUT_OF_MEMORY;
    }
    if (rc == CURLE_OK) {
        /* No "Expect: 100-continue" round trip for larger bodies. */
        struct curl_slist *more = curl_slist_append(headers, "Expect:");
        if (more)
            headers = more;
        else
            rc = CURLE_OUT_OF_MEMORY;
    }
    if (rc == CURLE_OK) rc = configure(curl, req, headers, timeout_ms, reply, errbuf);
    if (rc == CURLE_OK) rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) rc = curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    /* The handle keeps no pointer into this attempt's memory (the request,
     * the header list, the reply, errbuf); its connections stay open. */
    curl_easy_reset(curl);
    wipe_free_list(headers);
    if (rc != CURLE_OK) {
        if (!errbuf[0]) snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
        return failure_kind(rc, reply);
    }
    if (*status < 100 || *status > 599) {
        snprintf(errbuf, CURL_ERROR_SIZE, "status %ld is not HTTP", *status);
        return STS_TRANSPORT_IO_ERROR;
    }
    return STS_TRANSPORT_OK;
}

/* ---- the exchange ----------------------------------------------------------- */

static const char *header_of(const StsHttpRequest *req, const char *name) {
    size_t i;
    for (i = 0; i < req->headers_len; i++)
        if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
    return "-";
}

/* Prints a failed call's error. Errors never hold a secret, so all of it
 * may be shown; its strings are borrowed from it. */
static void report(const char *what, StsStatus st, const StsError *err) {
    fprintf(stderr, "%s failed: %s (%s", what, err ? sts_error_message(err) : "no details",
            sts_status_str(st));
    if (err && sts_error_code(err)) fprintf(stderr, ", code %s", sts_error_code(err));
    if (err && sts_error_http_status(err)) fprintf(stderr, ", HTTP %u", (unsigned)sts_error_http_status(err));
    if (err && sts_error_request_id(err))
        fprintf(stderr, ", request id %s", sts_error_request_id(err));
    fprintf(stderr, ")\n");
}

/* Drives `exchange` to its end. Returns STS_OK once it decided
 * STS_DECISION_DONE, else the failure's status with `*err` set. */
static StsStatus drive(StsExchange *exchange, CURL *curl, StsError **err) {
    unsigned requests = 0;
    /* No bound of our own: the exchange ends the call after its attempts
     * (AWS_MAX_ATTEMPTS, 3 by default) and its one clock-skew re-sign. */
    for (;;) {
        StsExchangeNext next;
        StsExchangeDecision decision;
        StsTransportResult sent;
        StsStatus st;
        Reply reply;
        long status = 0;
        char errbuf[CURL_ERROR_SIZE];

        memset(&next, 0, sizeof next); /* next.request is an output slot: NULL */
        st = sts_exchange_next(exchange, now_ms(), &next, err);
        if (st != STS_OK) return st; /* the call timeout, or no credentials */
        if (next.kind == STS_NEXT_WAIT) { /* adaptive mode paces this attempt */
            fprintf(stderr, "after attempt %" PRIu32 ": paced, waiting %" PRIu64 " ms\n", next.attempt,
                    next.wait_ms);
            sleep_ms(next.wait_ms);
            continue;
        }

        /* next.request is ours now: every pointer in it stays valid until
         * sts_http_request_free, which wipes the signature and token. */
        requests++;
        fprintf(stderr, "attempt %" PRIu32 ": %s %s, x-amz-date %s, limit %" PRIu32 " ms\n",
                next.attempt, next.request->method, next.request->url,
                header_of(next.request, "x-amz-date"), next.timeout_ms);
        memset(&reply, 0, sizeof reply);
        sent = send_request(curl, next.request, next.timeout_ms, &reply, &status, errbuf);
        sts_http_request_free(next.request);
        next.request = NULL;

        memset(&decision, 0, sizeof decision);
        if (sent == STS_TRANSPORT_OK) {
            /* The response is the program's; the exchange reads it during
             * the call only, so the reply is freed right after. */
            StsHttpResponse response;
            memset(&response, 0, sizeof response);
            response.status = (uint16_t)status;
            response.headers = reply.headers; /* Date: clock skew; x-amz-retry-after */
            response.headers_len = reply.headers_len;
            response.body = reply.body;
            response.body_len = reply.body_len;
            fprintf(stderr, "attempt %" PRIu32 ": HTTP %ld, %zu body bytes\n", next.attempt,
                    status, reply.body_len);
            st = sts_exchange_response(exchange, now_ms(), &response, &decision, err);
        } else {
            fprintf(stderr, "attempt %" PRIu32 ": no answer (%s): %s\n", next.attempt,
                    kind_name(sent), errbuf);
            st = sts_exchange_transport_failure(exchange, now_ms(), sent, &decision, err);
        }
        reply_free(&reply);
        /* STS_DECISION_FAILED comes with the call's error status and *err;
         * any other non-OK status is a misuse of the exchange. */
        if (st != STS_OK) return st;

        switch (decision.kind) {
        case STS_DECISION_DONE:
            fprintf(stderr, "done after %u requests\n", requests);
            return STS_OK;
        case STS_DECISION_WAIT:
            fprintf(stderr, "attempt %" PRIu32 ": retrying in %" PRIu64 " ms\n", decision.attempt,
                    decision.wait_ms);
            sleep_ms(decision.wait_ms);
            break;
        case STS_DECISION_SEND_NOW:
            /* The next request is signed with the corrected clock. */
            fprintf(stderr,
                    "attempt %" PRIu32 ": the server's clock is %" PRId64
                    " ms ahead of ours, signing again\n",
                    decision.attempt, decision.clock_skew_ms);
            break;
        default: /* a decision this program does not know: stop */
            fprintf(stderr, "unknown decision %d\n", (int)decision.kind);
            return STS_ERR_INTERNAL;
        }
    }
}

/* Prints the role session; never the secret key or session token. */
static void print_session(const StsAssumeRoleOutput *out) {
    printf("role session %s\n", out->assumed_role_user.arn ? out->assumed_role_user.arn : "-");
    printf("access key id %s\n", out->credentials.access_key_id);
    if (out->credentials.expiration.present) {
        time_t t = (time_t)out->credentials.expiration.value;
        struct tm utc;
        char when[32];
        if (gmtime_r(&t, &utc) && strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc))
            printf("expires %s\n", when);
    }
    printf("request id %s\n", out->request_id ? out->request_id : "-");
    /* Here a real program would use out->credentials, then drop them with
     * sts_assume_role_output_free (the caller's job, see main). */
}

/* ---- command line ------------------------------------------------------- */

typedef struct Args {
    const char *region;       /* NULL: AWS_REGION, the profile */
    const char *endpoint_url; /* NULL: AWS_ENDPOINT_URL_STS, or the region's */
    StsOptionalU32 attempt_timeout_ms;
    const char *role_arn;
    const char *session_name;
} Args;

static int usage(const char *program) {
    fprintf(stderr,
            "usage: %s [--region REGION] [--endpoint-url URL] [--attempt-timeout-ms MS]\n"
            "       ROLE_ARN [SESSION_NAME]\n",
            program);
    return 2;
}

static int parse_args(int argc, char **argv, Args *args) {
    int i, positional = 0;
    memset(args, 0, sizeof *args);
    args->session_name = "exchange-curl";
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--region") == 0 && i + 1 < argc) {
            args->region = argv[++i];
        } else if (strcmp(arg, "--endpoint-url") == 0 && i + 1 < argc) {
            args->endpoint_url = argv[++i];
        } else if (strcmp(arg, "--attempt-timeout-ms") == 0 && i + 1 < argc) {
            char *end = NULL;
            unsigned long ms;
            errno = 0;
            ms = strtoul(argv[++i], &end, 10);
            if (errno || !end || *end || ms > UINT32_MAX) return 0;
            args->attempt_timeout_ms.present = 1;
            args->attempt_timeout_ms.value = (uint32_t)ms;
        } else if (arg[0] == '-') {
            return 0;
        } else if (positional == 0) {
            args->role_arn = arg;
            positional++;
        } else if (positional == 1) {
            args->session_name = arg;
            positional++;
        } else {
            return 0;
        }
    }
    return args->role_arn != NULL;
}

int main(int argc, char **argv) {
    Args args;
    StsClientOptions options;
    StsAssumeRoleInput input;
    StsClient *client = NULL;        /* ours: sts_client_free */
    StsExchange *exchange = NULL;    /* ours: sts_exchange_free */
    StsAssumeRoleOutput *out = NULL; /* ours: sts_assume_role_output_free */
    StsError *err = NULL;            /* ours: sts_error_free */
    CURL *curl = NULL;
    StsStatus st;
    int code = 1;

    if (!parse_args(argc, argv, &args)) return usage(argv[0]);
    /* A peer closing the connection must be an error from libcurl, not a
     * signal that ends the program. */
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init failed\n");
        return 1;
    }
    /* One handle for every attempt, so a kept-alive connection is reused. */
    curl = curl_easy_init();
    if (!curl) {
        fprintf(stderr, "curl_easy_init failed\n");
        goto out;
    }

    /* Zero-filled options are the defaults: the default credential chain,
     * 3 attempts in the standard retry mode. Strings are copied. */
    memset(&options, 0, sizeof options);
    options.use_environment = 1;
    options.region = args.region;
    options.endpoint_url = args.endpoint_url;
    options.attempt_timeout_ms = args.attempt_timeout_ms;
    options.user_agent_suffix = "exchange_curl";
    st = sts_client_new(&options, &client, &err);
    if (st != STS_OK) {
        report("sts_client_new", st, err);
        goto out;
    }

    memset(&input, 0, sizeof input);
    input.role_arn = args.role_arn;
    input.role_session_name = args.session_name;
    /* Checks the input and gets the credentials (for a source that needs
     * the network, over the library's own HTTP stack, with its retries),
     * but sends nothing of the call. The input is copied, and the exchange
     * keeps what it needs of the client: either may go before the exchange
     * does. */
    st = sts_exchange_assume_role_new(client, &input, &exchange, &err);
    if (st != STS_OK) {
        report("sts_exchange_assume_role_new", st, err);
        goto out;
    }

    st = drive(exchange, curl, &err);
    if (st != STS_OK) {
        report("AssumeRole", st, err);
        goto out;
    }
    /* Handed out once: the result is ours from here. */
    st = sts_exchange_assume_role_output(exchange, &out, &err);
    if (st != STS_OK) {
        report("sts_exchange_assume_role_output", st, err);
        goto out;
    }
    print_session(out);
    code = 0;

out:
    /* Each free function takes NULL, so one exit path frees everything. */
    sts_assume_role_output_free(out); /* wipes the secret key and token */
    sts_exchange_free(exchange);
    sts_client_free(client);
    sts_error_free(err);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return code;
}
