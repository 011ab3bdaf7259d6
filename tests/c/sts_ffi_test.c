/*
 * The C ABI of sts-ffi, exercised from C (and, compiled with g++ -std=c++17,
 * from C++): the program a C user would write, plus every rule of the
 * boundary (NULL arguments, invalid UTF-8, output slots in use, frees of
 * NULL).
 *
 * Run by tests/tests/ffi_c.rs, which starts the servers and passes their
 * addresses and the credentials in environment variables, and runs it
 * plainly, under valgrind memcheck and built with AddressSanitizer:
 *
 *     sts_ffi_test SECTION...
 *
 * SECTION is one of:
 *   boundary  no server: argument checks, options, endpoints, prepare, parse
 *   moto      moto with signature checks on (STS_TEST_MOTO_*)
 *   fault     the nine other operations on the fault server (STS_TEST_FAULT_URL)
 *   retry     a retried 503, built-in and callback transport (STS_TEST_RETRY_URL)
 *   sansio    prepare, send with the tiny HTTP client below, parse (fault server)
 *   exchange  a whole call driven through the exchange over the tiny HTTP client:
 *             a retry, a clock-skew re-sign, the result (STS_TEST_EXCHANGE_URL),
 *             and every step asked in the wrong state; then a blocking call's
 *             clock correction signing an exchange's first request, and the
 *             reverse
 *   threads   8 threads share one client (STS_TEST_THREAD_CALLS calls in all,
 *             STS_TEST_CALLBACK_THREAD_CALLS more through the callback transport)
 *   leak      leaks one error object on purpose, so that the harness can show
 *             that valgrind and AddressSanitizer do see the library's memory
 *
 * Prints "ok SECTION" for each section that passed and "FAIL ..." lines on
 * stderr; exits 0 only if every check passed. Never prints a secret: the
 * keys come from the environment and only their absence is ever reported.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "sts.h"

/* ---- checks ---------------------------------------------------------- */

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long checks_run = 0;
static unsigned long checks_failed = 0;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int check(int ok, const char *file, int line, const char *expr, const char *fmt, ...) {
    pthread_mutex_lock(&check_lock);
    checks_run++;
    if (!ok) {
        va_list ap;
        checks_failed++;
        fprintf(stderr, "FAIL %s:%d: %s: ", file, line, expr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    pthread_mutex_unlock(&check_lock);
    return ok;
}

#define CHECK(cond, ...) check((cond) ? 1 : 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

static unsigned long failed_so_far(void) {
    unsigned long n;
    pthread_mutex_lock(&check_lock);
    n = checks_failed;
    pthread_mutex_unlock(&check_lock);
    return n;
}

/* NULL-safe string helpers, for messages and comparisons. */
static const char *show(const char *s) { return s ? s : "(null)"; }
static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
static int contains(const char *haystack, const char *needle) {
    return haystack && needle && strstr(haystack, needle) != NULL;
}

static const char *env_required(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "sts_ffi_test: environment variable %s is not set\n", name);
        exit(2);
    }
    return v;
}

static unsigned env_number(const char *name, unsigned fallback) {
    const char *v = getenv(name);
    return (v && *v) ? (unsigned)strtoul(v, NULL, 10) : fallback;
}

/* Checks that a failed call returned `want` with an error object of the
 * matching category that blames `field` (when not NULL), then frees it. */
static void expect_failure(const char *what, StsStatus got, StsError *err, StsStatus want,
                           StsErrorCategory category, const char *field) {
    CHECK(got == want, "%s: status %d (%s), want %d; message: %s", what, (int)got,
          sts_status_str(got), (int)want, show(sts_error_message(err)));
    if (CHECK(err != NULL, "%s: no error object", what)) {
        CHECK(sts_error_status(err) == got, "%s: error status %d", what,
              (int)sts_error_status(err));
        CHECK(sts_error_category(err) == category, "%s: category %d, want %d", what,
              (int)sts_error_category(err), (int)category);
        CHECK(sts_error_message(err) != NULL && *sts_error_message(err) != '\0',
              "%s: empty message", what);
        CHECK(strchr(sts_error_message(err), '\n') == NULL, "%s: message not one line", what);
        if (field) {
            CHECK(streq(sts_error_field(err), field), "%s: field %s, want %s", what,
                  show(sts_error_field(err)), field);
        }
    }
    sts_error_free(err);
}

/* ---- a tiny HTTP/1.1 client on POSIX sockets --------------------------- */

#define MAX_RESPONSE (2u * 1024u * 1024u)
#define MAX_HEADERS 64

typedef struct HttpResponse {
    uint16_t status;
    char *raw; /* the whole response; header strings are cut out of it in place */
    size_t raw_len;
    StsHeader headers[MAX_HEADERS];
    size_t headers_len;
    const uint8_t *body;
    size_t body_len;
} HttpResponse;

static void http_response_free(HttpResponse *r) {
    if (r->raw) {
        /* The body may hold a secret key: wipe before freeing, as the
         * library does with its own copies. */
        memset(r->raw, 0, r->raw_len);
        free(r->raw);
    }
    memset(r, 0, sizeof *r);
}

/* Appends printf output to a growing buffer. Returns 0 on success. */
typedef struct Buffer {
    char *data;
    size_t len;
    size_t cap;
} Buffer;

static int buffer_reserve(Buffer *b, size_t more) {
    if (b->len + more + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *data;
        while (cap < b->len + more + 1) cap *= 2;
        data = (char *)realloc(b->data, cap);
        if (!data) return -1;
        b->data = data;
        b->cap = cap;
    }
    return 0;
}

static int buffer_append(Buffer *b, const void *bytes, size_t n) {
    if (buffer_reserve(b, n) != 0) return -1;
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int buffer_str(Buffer *b, const char *s) { return buffer_append(b, s, strlen(s)); }

static void buffer_wipe(Buffer *b) {
    if (b->data) {
        memset(b->data, 0, b->cap);
        free(b->data);
    }
    memset(b, 0, sizeof *b);
}

/* Sends one request to an http:// URL and reads the whole response
 * (Connection: close). Returns 0, or -1 with a reason in `why`. */
static int http_send(const char *url, const char *method, const StsHeader *headers,
                     size_t headers_len, const uint8_t *body, size_t body_len,
                     unsigned timeout_ms, HttpResponse *out, char *why, size_t why_len) {
    char host[256], port[16], line[64];
    const char *p, *path, *colon;
    struct addrinfo hints, *addrs = NULL;
    Buffer req = {NULL, 0, 0}, resp = {NULL, 0, 0};
    int fd = -1, has_host = 0, rc = -1;
    size_t i, sent, head_len;
    struct timeval tv;
    char *head_end, *cursor, *next;
    long content_length = -1;

    memset(out, 0, sizeof *out);
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(why, why_len, "only http:// URLs are supported");
        return -1;
    }
    p = url + 7;
    path = strchr(p, '/');
    if (!path) path = p + strlen(p);
    colon = (const char *)memchr(p, ':', (size_t)(path - p));
    if (!colon || (size_t)(colon - p) >= sizeof host || (size_t)(path - colon) >= sizeof port) {
        snprintf(why, why_len, "the URL has no host:port");
        return -1;
    }
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    memcpy(port, colon + 1, (size_t)(path - colon - 1));
    port[path - colon - 1] = '\0';
    if (!*path) path = "/";

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &addrs) != 0 || !addrs) {
        snprintf(why, why_len, "cannot resolve %s", host);
        goto done;
    }
    fd = socket(addrs->ai_family, addrs->ai_socktype, addrs->ai_protocol);
    if (fd < 0) {
        snprintf(why, why_len, "socket: %s", strerror(errno));
        goto done;
    }
    if (timeout_ms == 0) timeout_ms = 30000;
    tv.tv_sec = (time_t)(timeout_ms / 1000u);
    tv.tv_usec = (suseconds_t)((timeout_ms % 1000u) * 1000u);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, addrs->ai_addr, addrs->ai_addrlen) != 0) {
        snprintf(why, why_len, "connect %s:%s: %s", host, port, strerror(errno));
        goto done;
    }

    /* Request head: exactly the headers given, plus Content-Length,
     * Connection, and Host if the caller's list has none. */
    if (buffer_str(&req, method) || buffer_str(&req, " ") || buffer_str(&req, path) ||
        buffer_str(&req, " HTTP/1.1\r\n"))
        goto oom;
    for (i = 0; i < headers_len; i++) {
        if (strcasecmp(headers[i].name, "host") == 0) has_host = 1;
        if (buffer_str(&req, headers[i].name) || buffer_str(&req, ": ") ||
            buffer_str(&req, headers[i].value) || buffer_str(&req, "\r\n"))
            goto oom;
    }
    if (!has_host &&
        (buffer_str(&req, "Host: ") || buffer_str(&req, host) || buffer_str(&req, ":") ||
         buffer_str(&req, port) || buffer_str(&req, "\r\n")))
        goto oom;
    snprintf(line, sizeof line, "Content-Length: %lu\r\n", (unsigned long)body_len);
    if (buffer_str(&req, line) || buffer_str(&req, "Connection: close\r\n\r\n")) goto oom;
    if (body_len && buffer_append(&req, body, body_len)) goto oom;

    for (sent = 0; sent < req.len;) {
        ssize_t n = send(fd, req.data + sent, req.len - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            snprintf(why, why_len, "send: %s", strerror(errno));
            goto done;
        }
        sent += (size_t)n;
    }

    for (;;) {
        ssize_t n;
        if (buffer_reserve(&resp, 4096)) goto oom;
        n = recv(fd, resp.data + resp.len, resp.cap - resp.len - 1, 0);
        if (n < 0) {
            snprintf(why, why_len, "recv: %s", strerror(errno));
            goto done;
        }
        if (n == 0) break;
        resp.len += (size_t)n;
        resp.data[resp.len] = '\0';
        if (resp.len > MAX_RESPONSE) {
            snprintf(why, why_len, "response over %u bytes", MAX_RESPONSE);
            goto done;
        }
    }

    /* Parse: status line, header lines, body. */
    head_end = resp.data ? strstr(resp.data, "\r\n\r\n") : NULL;
    if (!head_end || strncmp(resp.data, "HTTP/1.", 7) != 0 || resp.len < 12) {
        snprintf(why, why_len, "not an HTTP response (%lu bytes)", (unsigned long)resp.len);
        goto done;
    }
    out->status = (uint16_t)strtoul(resp.data + 9, NULL, 10);
    head_len = (size_t)(head_end - resp.data);
    head_end[2] = '\0'; /* the head is now "...\r\n" NUL */
    cursor = strstr(resp.data, "\r\n") + 2;
    while (*cursor && out->headers_len < MAX_HEADERS) {
        char *sep;
        next = strstr(cursor, "\r\n");
        if (!next) break;
        *next = '\0';
        sep = strchr(cursor, ':');
        if (sep) {
            *sep = '\0';
            /* The library trims surrounding whitespace itself. */
            out->headers[out->headers_len].name = cursor;
            out->headers[out->headers_len].value = sep + 1;
            if (strcasecmp(cursor, "content-length") == 0) content_length = atol(sep + 1);
            out->headers_len++;
        }
        cursor = next + 2;
    }
    out->body = (const uint8_t *)(resp.data + head_len + 4);
    out->body_len = resp.len - head_len - 4;
    if (content_length >= 0 && (size_t)content_length < out->body_len)
        out->body_len = (size_t)content_length;
    out->raw = resp.data;
    out->raw_len = resp.len;
    resp.data = NULL; /* now owned by `out` */
    rc = 0;
    goto done;
oom:
    snprintf(why, why_len, "out of memory");
done:
    if (fd >= 0) close(fd);
    if (addrs) freeaddrinfo(addrs);
    buffer_wipe(&req);
    buffer_wipe(&resp);
    return rc;
}

/* Sends a prepared request and fills `response` for sts_parse_*. It adds
 * one unsigned header, `X-Sent-By: sans-io`, so the test harness can tell
 * these requests from the client's own sends (both carry the client's
 * User-Agent). */
static int send_prepared(const StsHttpRequest *req, HttpResponse *resp, StsHttpResponse *response) {
    char why[256];
    StsHeader headers[32];
    size_t i;
    if (!CHECK(req != NULL, "no request")) return -1;
    if (!CHECK(req->headers_len < 32, "%lu headers", (unsigned long)req->headers_len)) return -1;
    for (i = 0; i < req->headers_len; i++) headers[i] = req->headers[i];
    headers[i].name = "X-Sent-By";
    headers[i].value = "sans-io";
    if (http_send(req->url, req->method, headers, req->headers_len + 1, req->body,
                  req->body_len, 10000, resp, why, sizeof why) != 0) {
        CHECK(0, "sending %s failed: %s", show(req->url), why);
        return -1;
    }
    memset(response, 0, sizeof *response);
    response->status = resp->status;
    response->headers = resp->headers;
    response->headers_len = resp->headers_len;
    response->body = resp->body;
    response->body_len = resp->body_len;
    return 0;
}

/* ---- the callback transport -------------------------------------------- */

typedef struct CallbackState {
    pthread_mutex_t lock;
    unsigned calls;
} CallbackState;

static StsTransportResult c_transport(void *user_data, const StsHttpRequest *request,
                                      uint32_t timeout_ms, StsResponseBuilder *builder) {
    CallbackState *state = (CallbackState *)user_data;
    HttpResponse resp;
    char why[256];
    size_t i;
    StsTransportResult result = STS_TRANSPORT_OK;

    pthread_mutex_lock(&state->lock);
    state->calls++;
    pthread_mutex_unlock(&state->lock);
    if (http_send(request->url, request->method, request->headers, request->headers_len,
                  request->body, request->body_len, timeout_ms, &resp, why, sizeof why) != 0) {
        sts_response_builder_set_error(builder, why);
        return STS_TRANSPORT_IO_ERROR;
    }
    if (sts_response_builder_set_status(builder, resp.status) != STS_OK) result = STS_TRANSPORT_IO_ERROR;
    for (i = 0; i < resp.headers_len && result == STS_TRANSPORT_OK; i++) {
        if (sts_response_builder_add_header(builder, resp.headers[i].name,
                                            resp.headers[i].value) != STS_OK)
            result = STS_TRANSPORT_IO_ERROR;
    }
    if (result == STS_TRANSPORT_OK &&
        sts_response_builder_append_body(builder, resp.body, resp.body_len) != STS_OK)
        result = STS_TRANSPORT_IO_ERROR;
    http_response_free(&resp);
    return result;
}

/* ---- clients ----------------------------------------------------------- */

static void static_options(StsClientOptions *o, const char *url, const char *region,
                           const char *key, const char *secret, const char *token) {
    memset(o, 0, sizeof *o);
    o->endpoint_url = url;
    o->region = region;
    o->credentials_source = STS_CREDENTIALS_STATIC;
    o->access_key_id = key;
    o->secret_access_key = secret;
    o->session_token = token;
}

static StsClient *new_client(const StsClientOptions *o, const char *what) {
    StsClient *client = NULL;
    StsError *err = NULL;
    StsStatus st = sts_client_new(o, &client, &err);
    CHECK(st == STS_OK && client != NULL && err == NULL, "%s: sts_client_new: %s", what,
          show(sts_error_message(err)));
    sts_error_free(err);
    return client;
}

static const char *header_value(const StsHttpRequest *req, const char *name) {
    size_t i;
    for (i = 0; i < req->headers_len; i++)
        if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
    return NULL;
}

/* The body of a prepared request as a NUL-terminated copy (free it). */
static char *body_text(const StsHttpRequest *req) {
    char *s = (char *)malloc(req->body_len + 1);
    if (!s) exit(3);
    if (req->body_len) memcpy(s, req->body, req->body_len);
    s[req->body_len] = '\0';
    return s;
}

/* ---- expected values (mirrored in tests/tests/ffi_c.rs) --------------- */

#define FAULT_ACCESS_KEY "AKIDFAULTCTEST"
#define FAULT_SECRET "c-fault-secret-key"
#define FAULT_CALLER_ARN "arn:aws:iam::123456789012:user/fault-c"
#define RETRY_CALLER_ARN "arn:aws:iam::123456789012:user/retried"
#define FAULT_KEY_ID "ASIAFAULTSERVER"
#define FAULT_EXPIRATION 1893456000 /* 2030-01-01T00:00:00Z */
/* The secret half of an IAM console CSV line pasted as the access key id
 * (boundary_client_options): never printed, never in an error. */
#define CSV_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCSVSECRET"

static void check_fault_credentials(const char *what, const StsCredentials *c) {
    CHECK(streq(c->access_key_id, FAULT_KEY_ID), "%s: access key %s", what,
          show(c->access_key_id));
    CHECK(c->secret_access_key != NULL && *c->secret_access_key, "%s: no secret", what);
    CHECK(c->session_token != NULL && *c->session_token, "%s: no session token", what);
    CHECK(c->expiration.present && c->expiration.value == FAULT_EXPIRATION,
          "%s: expiration %d/%lld", what, (int)c->expiration.present,
          (long long)c->expiration.value);
}

/* ==== section: boundary ================================================= */

/* The header's version macros, usable by the preprocessor. */
#if !defined(STS_VERSION_MAJOR) || !defined(STS_VERSION_MINOR) || \
    !defined(STS_VERSION_PATCH) || !defined(STS_VERSION)
#error "sts.h defines no STS_VERSION_* macros"
#endif
#if STS_VERSION_MAJOR < 0 || STS_VERSION_MINOR < 0 || STS_VERSION_PATCH < 0
#error "an STS_VERSION_* macro is negative"
#endif

static void boundary_status_and_version(void) {
    StsStatus s;
    const char *v = sts_version();
    const char *want = getenv("STS_TEST_EXPECT_VERSION");
    char numbers[64];
    size_t n;
    CHECK(v != NULL && *v, "sts_version is empty");
    if (want) CHECK(streq(v, want), "sts_version %s, want %s", show(v), want);
    /* The header this program was compiled with is the linked library's. */
    CHECK(streq(v, STS_VERSION), "sts_version %s, STS_VERSION %s", show(v), STS_VERSION);
    snprintf(numbers, sizeof numbers, "%d.%d.%d", (int)STS_VERSION_MAJOR, (int)STS_VERSION_MINOR,
             (int)STS_VERSION_PATCH);
    n = strlen(numbers);
    CHECK(v != NULL && strncmp(v, numbers, n) == 0 &&
              (v[n] == '\0' || v[n] == '-' || v[n] == '+'),
          "sts_version %s, STS_VERSION_MAJOR.MINOR.PATCH %s", show(v), numbers);
    for (s = -2; s <= 12; s++) {
        const char *text = sts_status_str(s);
        CHECK(text != NULL && *text && !strchr(text, '\n'), "sts_status_str(%d)", (int)s);
    }
    CHECK(streq(sts_status_str(STS_OK), "success"), "%s", sts_status_str(STS_OK));
    CHECK(streq(sts_status_str(12345), "unknown status code"), "%s", sts_status_str(12345));
    CHECK(!streq(sts_status_str(STS_ERR_SERVICE), sts_status_str(STS_ERR_TRANSPORT)),
          "two statuses share a text");
}

static void boundary_null_error_accessors_and_frees(void) {
    CHECK(sts_error_status(NULL) == STS_ERR_NULL_ARGUMENT, "status of NULL");
    CHECK(sts_error_category(NULL) == STS_CATEGORY_NONE, "category of NULL");
    CHECK(sts_error_message(NULL) == NULL, "message of NULL");
    CHECK(sts_error_code(NULL) == NULL, "code of NULL");
    CHECK(sts_error_service_message(NULL) == NULL, "service message of NULL");
    CHECK(sts_error_request_id(NULL) == NULL, "request id of NULL");
    CHECK(sts_error_field(NULL) == NULL, "field of NULL");
    CHECK(sts_error_http_status(NULL) == 0, "http status of NULL");
    CHECK(sts_error_is_retryable(NULL) == 0, "retryable of NULL");
    /* Every free function accepts NULL, any number of times. */
    sts_client_free(NULL);
    sts_error_free(NULL);
    sts_error_free(NULL);
    sts_http_request_free(NULL);
    sts_assume_role_output_free(NULL);
    sts_assume_role_with_saml_output_free(NULL);
    sts_assume_role_with_web_identity_output_free(NULL);
    sts_assume_root_output_free(NULL);
    sts_decode_authorization_message_output_free(NULL);
    sts_get_access_key_info_output_free(NULL);
    sts_get_caller_identity_output_free(NULL);
    sts_get_caller_identity_output_free(NULL);
    sts_get_delegated_access_token_output_free(NULL);
    sts_get_federation_token_output_free(NULL);
    sts_get_session_token_output_free(NULL);
    sts_get_scoped_credentials_output_free(NULL);
    sts_get_web_identity_token_output_free(NULL);
    /* The builder functions refuse a NULL builder. */
    CHECK(sts_response_builder_set_status(NULL, 200) == STS_ERR_NULL_ARGUMENT, "set_status");
    CHECK(sts_response_builder_add_header(NULL, "a", "b") == STS_ERR_NULL_ARGUMENT, "header");
    CHECK(sts_response_builder_append_body(NULL, (const uint8_t *)"x", 1) == STS_ERR_NULL_ARGUMENT,
          "append_body");
    CHECK(sts_response_builder_set_error(NULL, "x") == STS_ERR_NULL_ARGUMENT, "set_error");
}

static void boundary_client_options(void) {
    StsClientOptions o;
    StsClient *client = NULL;
    StsError *err = NULL;
    StsStatus st;

    st = sts_client_new(NULL, &client, &err);
    expect_failure("options NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION, "options");
    CHECK(client == NULL, "client set on failure");

    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    err = NULL;
    st = sts_client_new(&o, NULL, &err);
    expect_failure("out NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION, "out");

    /* err may be NULL: the status alone reports the failure. */
    CHECK(sts_client_new(NULL, &client, NULL) == STS_ERR_NULL_ARGUMENT, "err NULL");

    o.secret_access_key = NULL;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("secret NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "options->secret_access_key");

    static_options(&o, NULL, "eu-west-\xff", "AKIDBOUNDARY", "boundary-secret", NULL);
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("region not UTF-8", st, err, STS_ERR_INVALID_UTF8, STS_CATEGORY_VALIDATION,
                   "options->region");

    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "secret-\xc3\x28-bad", NULL);
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    CHECK(st == STS_ERR_INVALID_UTF8, "secret not UTF-8: %d", (int)st);
    CHECK(!contains(sts_error_message(err), "secret-"), "the message quotes the secret");
    expect_failure("secret not UTF-8", st, err, STS_ERR_INVALID_UTF8, STS_CATEGORY_VALIDATION,
                   "options->secret_access_key");

    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    o.credentials_source = 42;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("credentials_source 42", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->credentials_source");

    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    o.max_attempts.present = 1;
    o.max_attempts.value = 0; /* present 0 is not "absent": it is invalid */
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("max_attempts 0", st, err, STS_ERR_INVALID_ARGUMENT, STS_CATEGORY_VALIDATION,
                   NULL);

    memset(&o, 0, sizeof o);
    o.region = "eu-west-1";
    o.credentials_source = STS_CREDENTIALS_PROFILE;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("profile_name NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "options->profile_name");

    memset(&o, 0, sizeof o);
    o.region = "not a region!";
    o.credentials_source = STS_CREDENTIALS_NONE;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("bad region", st, err, STS_ERR_INVALID_ARGUMENT, STS_CATEGORY_VALIDATION, NULL);
    CHECK(client == NULL, "client set on failure");

    /* Keys or a profile name the source does not read: a forgotten
     * credentials_source, which would sign as the machine's identity. */
    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    o.credentials_source = STS_CREDENTIALS_DEFAULT_CHAIN;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("keys with the default chain", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->access_key_id");
    memset(&o, 0, sizeof o);
    o.region = "eu-west-1";
    o.credentials_source = STS_CREDENTIALS_NONE;
    o.session_token = "boundary-token";
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("a token without keys", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->session_token");
    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    o.profile_name = "prod";
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("a profile name with static keys", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->profile_name");

    /* A suffix HTTP cannot send fails here, not on every call. */
    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", NULL);
    o.user_agent_suffix = "myapp\n";
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("user agent with a line break", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->user_agent_suffix");
    CHECK(client == NULL, "client set on failure");

    /* A static access key id no request can be signed with fails here, not
     * at the first call: a whole line of the IAM console's CSV pasted as
     * the id. The message quotes the id's first four characters, its
     * length and the character at fault, never the secret half. */
    static_options(&o, NULL, "eu-west-1", "AKIAIOSFODNN7EXAMPLE," CSV_SECRET, CSV_SECRET, NULL);
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    CHECK(client == NULL, "a CSV line as the id: client made");
    if (CHECK(!contains(sts_error_message(err), "wJalr") &&
                  !contains(sts_error_message(err), "CSVSECRET"),
              "a CSV line as the id: the message quotes the secret")) {
        CHECK(contains(sts_error_message(err),
                       "the access key id (60 characters, starting \"AKIA\") holds ',' at "
                       "character 21"),
              "a CSV line as the id: message %s", show(sts_error_message(err)));
    }
    expect_failure("a CSV line as the id", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->access_key_id");
    static_options(&o, NULL, "eu-west-1", "AKIA IOSFODNN7EXAMPLE", "boundary-secret", NULL);
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    expect_failure("a space in the id", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "options->access_key_id");
    CHECK(client == NULL, "client set on failure");
    /* The id alone, as it should have been, makes a client. */
    static_options(&o, NULL, "eu-west-1", "AKIAIOSFODNN7EXAMPLE", CSV_SECRET, NULL);
    client = new_client(&o, "the id of the CSV line");
    CHECK(client != NULL, "the id of the CSV line: no client");
    sts_client_free(client);
    client = NULL;
}

/* The endpoint each option combination resolves to, seen through prepare. */
static void boundary_endpoint(const char *region, int fips, int dual, int global,
                              const char *want_url) {
    StsClientOptions o;
    StsClient *client;
    StsHttpRequest *req = NULL;
    StsError *err = NULL;
    static_options(&o, NULL, region, "AKIDBOUNDARY", "boundary-secret", NULL);
    o.use_fips = (uint8_t)fips;
    o.use_dual_stack = (uint8_t)dual;
    o.use_global_endpoint = (uint8_t)global;
    client = new_client(&o, want_url);
    if (!client) return;
    CHECK(sts_prepare_get_caller_identity(client, &req, &err) == STS_OK, "prepare: %s",
          show(sts_error_message(err)));
    if (req) CHECK(streq(req->url, want_url), "url %s, want %s", show(req->url), want_url);
    sts_http_request_free(req);
    sts_error_free(err);
    sts_client_free(client);
}

static void boundary_prepare_signs(StsClient *client) {
    StsAssumeRoleInput in;
    StsTag tags[2];
    const char *transitive[1] = {"Project"};
    StsHttpRequest *req = NULL, *again = NULL;
    StsError *err = NULL;
    StsStatus st;
    char *body;
    const char *auth;

    memset(&in, 0, sizeof in);
    tags[0].key = "Project";
    tags[0].value = "Unicorn";
    tags[1].key = "Cost Center";
    tags[1].value = "12345";
    in.role_arn = "arn:aws:iam::123456789012:role/demo";
    in.role_session_name = "boundary";
    in.tags = tags;
    in.tags_len = 2;
    in.transitive_tag_keys = transitive;
    in.transitive_tag_keys_len = 1;
    in.duration_seconds.present = 1;
    in.duration_seconds.value = 900;
    if (!CHECK(sts_prepare_assume_role(client, &in, &req, &err) == STS_OK, "prepare: %s",
               show(sts_error_message(err))))
        return;
    CHECK(streq(req->method, "POST"), "method %s", show(req->method));
    CHECK(streq(req->url, "https://sts.eu-west-1.amazonaws.com/"), "url %s", show(req->url));
    auth = header_value(req, "authorization");
    CHECK(contains(auth, "AWS4-HMAC-SHA256 Credential=AKIDBOUNDARY/"), "authorization %s",
          show(auth));
    CHECK(contains(auth, "/eu-west-1/sts/aws4_request"), "scope in %s", show(auth));
    CHECK(streq(header_value(req, "x-amz-security-token"), "boundary-token"),
          "the session token header is missing");
    CHECK(header_value(req, "x-amz-date") != NULL, "no x-amz-date");
    CHECK(streq(header_value(req, "host"), "sts.eu-west-1.amazonaws.com"), "host %s",
          show(header_value(req, "host")));
    CHECK(contains(header_value(req, "content-type"), "application/x-www-form-urlencoded"),
          "content type");
    body = body_text(req);
    CHECK(contains(body, "Action=AssumeRole&Version=2011-06-15"), "body %s", body);
    CHECK(contains(body, "Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn"), "tags: %s", body);
    /* A space is `+` or `%20`: both mean a space in a form body. */
    CHECK(contains(body, "Tags.member.2.Key=Cost+Center") ||
              contains(body, "Tags.member.2.Key=Cost%20Center"),
          "tag encoding: %s", body);
    CHECK(contains(body, "TransitiveTagKeys.member.1=Project"), "transitive: %s", body);
    CHECK(contains(body, "DurationSeconds=900"), "duration: %s", body);
    CHECK(!contains(body, "Policy="), "absent policy sent: %s", body);
    free(body);

    /* Doing it again gives a second, independent request. */
    CHECK(sts_prepare_assume_role(client, &in, &again, &err) == STS_OK, "second prepare");
    CHECK(again != NULL && again != req, "the second request is the first");
    sts_http_request_free(req);
    sts_http_request_free(again);

    /* A prepared request that still sits in `*out` is never overwritten. */
    req = NULL;
    CHECK(sts_prepare_get_caller_identity(client, &req, &err) == STS_OK, "prepare GCI");
    again = req;
    err = NULL;
    st = sts_prepare_get_caller_identity(client, &req, &err);
    expect_failure("prepare into a full slot", st, err, STS_ERR_OUTPUT_IN_USE,
                   STS_CATEGORY_VALIDATION, "out");
    CHECK(req == again, "the full slot was overwritten");
    sts_http_request_free(req);
}

static void boundary_input_checks(StsClient *client) {
    StsAssumeRoleInput in;
    StsTag tags[2];
    StsAssumeRoleOutput *out = NULL;
    StsGetCallerIdentityOutput *gci = NULL;
    StsError *err = NULL, *first;
    StsStatus st;
    int sentinel = 0;

    memset(&in, 0, sizeof in);
    in.role_arn = "arn:aws:iam::123456789012:role/demo";
    in.role_session_name = "boundary";

    st = sts_get_caller_identity(NULL, &gci, &err);
    expect_failure("client NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION, "client");
    err = NULL;
    st = sts_assume_role(client, NULL, &out, &err);
    expect_failure("input NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION, "input");
    err = NULL;
    st = sts_assume_role(client, &in, NULL, &err);
    expect_failure("out NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION, "out");
    CHECK(sts_assume_role(client, &in, NULL, NULL) == STS_ERR_NULL_ARGUMENT, "err NULL too");

    in.role_arn = NULL;
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("role_arn NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "input->role_arn");

    in.role_arn = "arn:aws:iam::123456789012:role/\xfe\xff";
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("role_arn not UTF-8", st, err, STS_ERR_INVALID_UTF8, STS_CATEGORY_VALIDATION,
                   "input->role_arn");
    in.role_arn = "arn:aws:iam::123456789012:role/demo";

    tags[0].key = "ok";
    tags[0].value = "fine";
    tags[1].key = "bad\x80key";
    tags[1].value = "v";
    in.tags = tags;
    in.tags_len = 2;
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("tag key not UTF-8", st, err, STS_ERR_INVALID_UTF8, STS_CATEGORY_VALIDATION,
                   "input->tags[1].key");
    tags[1].key = "good";
    tags[1].value = NULL;
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("tag value NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "input->tags[1].value");
    in.tags = NULL; /* but tags_len is still 2 */
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("tags NULL with a length", st, err, STS_ERR_NULL_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "input->tags");
    in.tags_len = 0; /* NULL with length 0 is an empty list */

    in.role_session_name = "a"; /* the model wants 2 to 64 characters */
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("session name too short", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "RoleSessionName");
    in.role_session_name = "boundary";

    in.duration_seconds.present = 1;
    in.duration_seconds.value = 0; /* a present 0, not an absent value */
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    expect_failure("duration 0", st, err, STS_ERR_INVALID_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "DurationSeconds");
    CHECK(out == NULL, "out set on failure");
    in.duration_seconds.present = 0;

    /* *out still holding something: nothing runs, nothing is written. */
    out = (StsAssumeRoleOutput *)&sentinel;
    err = NULL;
    st = sts_assume_role(client, &in, &out, &err);
    CHECK(out == (StsAssumeRoleOutput *)&sentinel, "a full out slot was overwritten");
    expect_failure("out in use", st, err, STS_ERR_OUTPUT_IN_USE, STS_CATEGORY_VALIDATION, "out");
    out = NULL;

    /* *err still holding an error: the call returns at once and leaves it. */
    err = NULL;
    sts_get_caller_identity(NULL, &gci, &err);
    first = err;
    CHECK(first != NULL, "no error to reuse");
    st = sts_assume_role(client, &in, &out, &err);
    CHECK(st == STS_ERR_OUTPUT_IN_USE, "err in use: %d", (int)st);
    CHECK(err == first && out == NULL, "a full err slot was overwritten");
    CHECK(sts_error_status(err) == STS_ERR_NULL_ARGUMENT, "the old error changed");
    sts_error_free(err);

    /* Other operations check their required members too. */
    {
        StsGetWebIdentityTokenInput w;
        StsGetWebIdentityTokenOutput *wout = NULL;
        StsGetAccessKeyInfoInput k;
        StsGetAccessKeyInfoOutput *kout = NULL;
        memset(&w, 0, sizeof w);
        w.signing_algorithm = "RS256"; /* but no audience */
        err = NULL;
        st = sts_get_web_identity_token(client, &w, &wout, &err);
        expect_failure("no audience", st, err, STS_ERR_INVALID_ARGUMENT, STS_CATEGORY_VALIDATION,
                       "Audience");
        memset(&k, 0, sizeof k);
        err = NULL;
        st = sts_get_access_key_info(client, &k, &kout, &err);
        expect_failure("no access key id", st, err, STS_ERR_NULL_ARGUMENT,
                       STS_CATEGORY_VALIDATION, "input->access_key_id");
    }
}

static void boundary_parse(void) {
    static const char ok_body[] =
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/parsed</Arn>"
        "<UserId>AIDAPARSED</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
        "<ResponseMetadata><RequestId>req-parsed</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>";
    static const char err_body[] =
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>no, you may not</Message></Error><RequestId>req-denied</RequestId>"
        "</ErrorResponse>";
    static const char throttle_body[] =
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        "<Message>Rate exceeded</Message></Error><RequestId>req-slow</RequestId></ErrorResponse>";
    StsHeader headers[2];
    StsHttpResponse r;
    StsGetCallerIdentityOutput *a = NULL, *b = NULL;
    StsError *err = NULL;
    StsStatus st;

    headers[0].name = "Content-Type";
    headers[0].value = " text/xml ";
    headers[1].name = "x-amzn-RequestId";
    headers[1].value = "req-header";
    memset(&r, 0, sizeof r);
    r.status = 200;
    r.headers = headers;
    r.headers_len = 2;
    r.body = (const uint8_t *)ok_body;
    r.body_len = sizeof ok_body - 1;

    /* The same response parsed twice: two independent results. */
    CHECK(sts_parse_get_caller_identity(&r, &a, &err) == STS_OK, "parse: %s",
          show(sts_error_message(err)));
    CHECK(sts_parse_get_caller_identity(&r, &b, &err) == STS_OK, "parse again");
    if (a && b) {
        CHECK(a != b && a->arn != b->arn, "the results share memory");
        CHECK(streq(a->arn, "arn:aws:iam::123456789012:user/parsed"), "arn %s", show(a->arn));
        CHECK(streq(a->user_id, "AIDAPARSED"), "user id %s", show(a->user_id));
        CHECK(streq(a->account, "123456789012"), "account %s", show(a->account));
        CHECK(streq(a->request_id, "req-parsed"), "request id %s", show(a->request_id));
        CHECK(streq(b->arn, a->arn), "second parse differs");
    }
    sts_get_caller_identity_output_free(a);
    sts_get_caller_identity_output_free(b);

    r.status = 403;
    r.body = (const uint8_t *)err_body;
    r.body_len = sizeof err_body - 1;
    a = NULL;
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    CHECK(st == STS_ERR_SERVICE && a == NULL, "403: %d", (int)st);
    CHECK(streq(sts_error_code(err), "AccessDenied"), "code %s", show(sts_error_code(err)));
    CHECK(streq(sts_error_service_message(err), "no, you may not"), "service message %s",
          show(sts_error_service_message(err)));
    CHECK(streq(sts_error_request_id(err), "req-denied"), "request id %s",
          show(sts_error_request_id(err)));
    CHECK(sts_error_http_status(err) == 403, "http status %u", sts_error_http_status(err));
    CHECK(sts_error_is_retryable(err) == 0, "AccessDenied retryable");
    CHECK(contains(sts_error_message(err), "AccessDenied"), "message %s",
          show(sts_error_message(err)));
    CHECK(sts_error_field(err) == NULL, "a service error blames a field");
    expect_failure("403", st, err, STS_ERR_SERVICE, STS_CATEGORY_SERVICE, NULL);

    r.status = 400;
    r.body = (const uint8_t *)throttle_body;
    r.body_len = sizeof throttle_body - 1;
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    CHECK(sts_error_is_retryable(err) == 1, "Throttling not retryable");
    expect_failure("throttled", st, err, STS_ERR_SERVICE, STS_CATEGORY_SERVICE, NULL);

    r.status = 200;
    r.body = (const uint8_t *)"<html>proxy login</html>";
    r.body_len = strlen((const char *)r.body);
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    expect_failure("not STS", st, err, STS_ERR_RESPONSE, STS_CATEGORY_SERVICE, NULL);

    { /* A result with an unreadable element names it, and quotes no secret. */
        static const char bad_expiration[] =
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
            "<AccessKeyId>ASIAPARSED</AccessKeyId><SecretAccessKey>c-parse-secret</SecretAccessKey>"
            "<SessionToken>c-parse-token</SessionToken><Expiration>soon</Expiration>"
            "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
        StsAssumeRoleOutput *ar = NULL;
        r.body = (const uint8_t *)bad_expiration;
        r.body_len = sizeof bad_expiration - 1;
        err = NULL;
        st = sts_parse_assume_role(&r, &ar, &err);
        CHECK(ar == NULL, "an output from a bad Expiration");
        CHECK(contains(sts_error_message(err), "Credentials/Expiration") &&
                  !contains(sts_error_message(err), "c-parse-secret") &&
                  !contains(sts_error_message(err), "c-parse-token"),
              "message %s", show(sts_error_message(err)));
        expect_failure("bad Expiration", st, err, STS_ERR_RESPONSE, STS_CATEGORY_SERVICE,
                       "Credentials/Expiration");
    }

    r.body = NULL;
    r.body_len = 5;
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    expect_failure("body NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "response->body");

    { /* A secret with a NUL cannot be a C string: refused, not altered
         (by the XML reader, as XML does not allow the character). */
        static const char nul_secret[] =
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
            "<AccessKeyId>ASIAPARSED</AccessKeyId><SecretAccessKey>ab\0cd</SecretAccessKey>"
            "<SessionToken>c-parse-token</SessionToken>"
            "<Expiration>2030-01-01T00:00:00Z</Expiration>"
            "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
        StsAssumeRoleOutput *ar = NULL;
        r.body = (const uint8_t *)nul_secret;
        r.body_len = sizeof nul_secret - 1;
        err = NULL;
        st = sts_parse_assume_role(&r, &ar, &err);
        CHECK(ar == NULL, "an output from a secret with a NUL");
        CHECK(contains(sts_error_message(err), "a character XML does not allow"), "message %s",
              show(sts_error_message(err)));
        expect_failure("NUL in a secret", st, err, STS_ERR_RESPONSE, STS_CATEGORY_SERVICE, NULL);
    }

    /* Headers HTTP does not allow are ones the library does not read:
       skipped, as are fields past the 1,000th, whatever a server sends. */
    r.body = (const uint8_t *)ok_body;
    r.body_len = sizeof ok_body - 1;
    headers[0].name = "X-\xff";
    headers[1].name = "X Weird";
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    CHECK(st == STS_OK, "unusable headers: %s", show(sts_error_message(err)));
    sts_get_caller_identity_output_free(a);
    a = NULL;
    headers[0].name = "X-Latin";
    headers[0].value = "a\xe9";
    headers[1].name = "x-amzn-RequestId";
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    CHECK(st == STS_OK, "a value not UTF-8: %s", show(sts_error_message(err)));
    sts_get_caller_identity_output_free(a);
    a = NULL;
    {
        size_t n = 30000, i;
        StsHeader *many = (StsHeader *)calloc(n, sizeof *many);
        CHECK(many != NULL, "calloc");
        if (many) {
            for (i = 0; i < n; i++) {
                many[i].name = "x-a";
                many[i].value = "b";
            }
            r.headers = many;
            r.headers_len = n;
            err = NULL;
            st = sts_parse_get_caller_identity(&r, &a, &err);
            CHECK(st == STS_OK, "30,000 headers: %d %s", (int)st, show(sts_error_message(err)));
            sts_get_caller_identity_output_free(a);
            a = NULL;
            free(many);
            r.headers = headers;
            r.headers_len = 2;
        }
    }
    headers[0].name = NULL;
    err = NULL;
    st = sts_parse_get_caller_identity(&r, &a, &err);
    expect_failure("header name NULL", st, err, STS_ERR_NULL_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "response->headers[0].name");

    err = NULL;
    st = sts_parse_get_caller_identity(NULL, &a, &err);
    expect_failure("response NULL", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "response");
    CHECK(a == NULL, "out set on failure");
}

static void boundary_credentials_sources(void) {
    StsClientOptions o;
    StsClient *client;
    StsGetCallerIdentityOutput *out = NULL;
    StsHttpRequest *req = NULL;
    StsError *err = NULL;
    StsStatus st;

    /* No credentials: signed operations fail before anything is sent (the
     * endpoint is a closed port, so a send would be a transport error). */
    memset(&o, 0, sizeof o);
    o.endpoint_url = "http://127.0.0.1:1";
    o.region = "us-east-1";
    o.credentials_source = STS_CREDENTIALS_NONE;
    client = new_client(&o, "no credentials");
    if (!client) return;
    st = sts_get_caller_identity(client, &out, &err);
    expect_failure("signed without credentials", st, err, STS_ERR_CREDENTIALS,
                   STS_CATEGORY_CREDENTIALS, NULL);
    err = NULL;
    st = sts_prepare_get_caller_identity(client, &req, &err);
    expect_failure("prepare without credentials", st, err, STS_ERR_CREDENTIALS,
                   STS_CATEGORY_CREDENTIALS, NULL);
    {
        /* ...but the unsigned operations prepare fine, without a signature. */
        StsAssumeRoleWithWebIdentityInput in;
        memset(&in, 0, sizeof in);
        in.role_arn = "arn:aws:iam::123456789012:role/web";
        in.role_session_name = "web-session";
        in.web_identity_token = "eyJhbGciOi.token.sig";
        err = NULL;
        req = NULL;
        CHECK(sts_prepare_assume_role_with_web_identity(client, &in, &req, &err) == STS_OK,
              "unsigned prepare: %s", show(sts_error_message(err)));
        if (req) {
            char *body = body_text(req);
            CHECK(header_value(req, "authorization") == NULL, "an unsigned request is signed");
            CHECK(contains(body, "Action=AssumeRoleWithWebIdentity"), "body %s", body);
            free(body);
        }
        sts_http_request_free(req);
        sts_error_free(err);
    }
    sts_client_free(client);

    /* A profile that is not in the files: the client builds, the first
     * signed call fails with a credentials error. */
    memset(&o, 0, sizeof o);
    o.endpoint_url = "http://127.0.0.1:1";
    o.region = "us-east-1";
    o.credentials_source = STS_CREDENTIALS_PROFILE;
    o.profile_name = "no-such-profile";
    client = new_client(&o, "missing profile");
    if (!client) return;
    err = NULL;
    out = NULL;
    st = sts_get_caller_identity(client, &out, &err);
    CHECK(contains(sts_error_message(err), "no-such-profile"), "message %s",
          show(sts_error_message(err)));
    expect_failure("missing profile", st, err, STS_ERR_CREDENTIALS, STS_CATEGORY_CREDENTIALS, NULL);
    sts_client_free(client);
}

/* With use_environment, a profile is a source of settings: its region
 * picks the endpoint, and a missing one fails when the client is made.
 * Needs the profile files of the moto section's environment. */
static void profile_settings(void) {
    StsClientOptions o;
    StsClient *client = NULL;
    StsHttpRequest *req = NULL;
    StsError *err = NULL;
    StsStatus st;

    memset(&o, 0, sizeof o);
    o.use_environment = 1;
    o.credentials_source = STS_CREDENTIALS_PROFILE;
    o.profile_name = env_required("STS_TEST_PROFILE");
    client = new_client(&o, "profile settings");
    if (client) {
        st = sts_prepare_get_caller_identity(client, &req, &err);
        if (CHECK(st == STS_OK, "prepare: %s", show(sts_error_message(err))))
            CHECK(contains(req->url, "sts.ap-southeast-2.amazonaws.com"), "url %s",
                  show(req->url));
        sts_http_request_free(req);
        sts_error_free(err);
        sts_client_free(client);
    }

    memset(&o, 0, sizeof o);
    o.use_environment = 1;
    o.credentials_source = STS_CREDENTIALS_PROFILE;
    o.profile_name = "no-such-profile";
    client = NULL;
    err = NULL;
    st = sts_client_new(&o, &client, &err);
    CHECK(st != STS_OK && client == NULL, "a missing profile made a client (%d)", (int)st);
    CHECK(contains(sts_error_message(err), "no-such-profile"), "message %s",
          show(sts_error_message(err)));
    sts_error_free(err);
    sts_client_free(client);
}

static void section_boundary(void) {
    StsClientOptions o;
    StsClient *client;

    boundary_status_and_version();
    boundary_null_error_accessors_and_frees();
    boundary_client_options();
    boundary_endpoint("eu-west-1", 0, 0, 0, "https://sts.eu-west-1.amazonaws.com/");
    boundary_endpoint("us-east-2", 1, 0, 0, "https://sts-fips.us-east-2.amazonaws.com/");
    boundary_endpoint("eu-west-1", 0, 1, 0, "https://sts.eu-west-1.api.aws/");
    boundary_endpoint("us-west-2", 0, 0, 1, "https://sts.amazonaws.com/");
    boundary_endpoint("cn-north-1", 0, 0, 0, "https://sts.cn-north-1.amazonaws.com.cn/");

    /* Nothing below sends: every call is rejected first, or only prepared. */
    static_options(&o, NULL, "eu-west-1", "AKIDBOUNDARY", "boundary-secret", "boundary-token");
    client = new_client(&o, "boundary");
    if (client) {
        boundary_prepare_signs(client);
        boundary_input_checks(client);
        sts_client_free(client);
    }
    boundary_parse();
    boundary_credentials_sources();
}

/* ==== section: moto ===================================================== */

static void moto_caller_is(StsClient *client, const char *want_arn, const char *what) {
    StsGetCallerIdentityOutput *me = NULL;
    StsError *err = NULL;
    StsStatus st = sts_get_caller_identity(client, &me, &err);
    if (CHECK(st == STS_OK && me != NULL, "%s: GetCallerIdentity: %s", what,
              show(sts_error_message(err)))) {
        CHECK(streq(me->arn, want_arn), "%s: arn %s, want %s", what, show(me->arn), want_arn);
        CHECK(streq(me->account, getenv("STS_TEST_MOTO_ACCOUNT")), "%s: account %s", what,
              show(me->account));
    }
    sts_get_caller_identity_output_free(me);
    sts_error_free(err);
}

static void section_moto(void) {
    const char *url = env_required("STS_TEST_MOTO_URL");
    const char *region = env_required("STS_TEST_MOTO_REGION");
    const char *key = env_required("STS_TEST_MOTO_ACCESS_KEY_ID");
    const char *secret = env_required("STS_TEST_MOTO_SECRET_ACCESS_KEY");
    const char *user_arn = env_required("STS_TEST_MOTO_USER_ARN");
    const char *role_arn = env_required("STS_TEST_MOTO_ROLE_ARN");
    const char *account = env_required("STS_TEST_MOTO_ACCOUNT");
    const char *role_name = strrchr(role_arn, '/') ? strrchr(role_arn, '/') + 1 : role_arn;
    static const char policy[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                 "\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    char assumed_arn[512];
    StsClientOptions o;
    StsClient *user, *role = NULL, *client;
    StsAssumeRoleInput in;
    StsTag tags[2];
    const char *transitive[1] = {"Project"};
    StsAssumeRoleOutput *assumed = NULL;
    StsError *err = NULL;
    StsStatus st;

    static_options(&o, url, region, key, secret, NULL);
    user = new_client(&o, "moto user");
    if (!user) return;

    /* 1. Who am I: the IAM user. */
    moto_caller_is(user, user_arn, "user");

    /* 2. AssumeRole with session tags and an inline policy. */
    memset(&in, 0, sizeof in);
    tags[0].key = "Project";
    tags[0].value = "Unicorn";
    tags[1].key = "Cost Center";
    tags[1].value = "12345";
    in.role_arn = role_arn;
    in.role_session_name = "c-session";
    in.tags = tags;
    in.tags_len = 2;
    in.transitive_tag_keys = transitive;
    in.transitive_tag_keys_len = 1;
    in.policy = policy;
    in.duration_seconds.present = 1;
    in.duration_seconds.value = 900;
    in.source_identity = "c-alice";
    snprintf(assumed_arn, sizeof assumed_arn, "arn:aws:sts::%s:assumed-role/%s/c-session",
             account, role_name);
    st = sts_assume_role(user, &in, &assumed, &err);
    if (CHECK(st == STS_OK && assumed != NULL, "AssumeRole: %s", show(sts_error_message(err)))) {
        const StsCredentials *c = &assumed->credentials;
        CHECK(c->access_key_id && strncmp(c->access_key_id, "ASIA", 4) == 0, "key id %s",
              show(c->access_key_id));
        CHECK(c->secret_access_key && *c->secret_access_key, "no secret key");
        CHECK(c->session_token && *c->session_token, "no session token");
        CHECK(c->expiration.present && c->expiration.value > 1700000000, "expiration");
        CHECK(streq(assumed->assumed_role_user.arn, assumed_arn), "assumed ARN %s, want %s",
              show(assumed->assumed_role_user.arn), assumed_arn);
        CHECK(contains(assumed->assumed_role_user.assumed_role_id, ":c-session"),
              "assumed role id %s", show(assumed->assumed_role_user.assumed_role_id));

        /* 3. Who am I with the new credentials: the role session. Build the
         * client, then free the result at once: the client keeps copies. */
        static_options(&o, url, region, c->access_key_id, c->secret_access_key,
                       c->session_token);
        role = new_client(&o, "moto role session");
        sts_assume_role_output_free(assumed);
        assumed = NULL;
        if (role) moto_caller_is(role, assumed_arn, "role session");
    }
    sts_error_free(err);
    sts_client_free(role);

    /* 4. A wrong secret: moto's signature check fails, and the error object
     * says so, without the secret. */
    static_options(&o, url, region, key, "not-the-secret-from-c", NULL);
    client = new_client(&o, "wrong secret");
    if (client) {
        StsGetCallerIdentityOutput *me = NULL;
        err = NULL;
        st = sts_get_caller_identity(client, &me, &err);
        CHECK(me == NULL, "a result despite the error");
        CHECK(streq(sts_error_code(err), "SignatureDoesNotMatch"), "code %s; %s",
              show(sts_error_code(err)), show(sts_error_message(err)));
        CHECK(sts_error_http_status(err) == 403, "http status %u", sts_error_http_status(err));
        CHECK(sts_error_is_retryable(err) == 0, "SignatureDoesNotMatch retryable");
        CHECK(!contains(sts_error_message(err), "not-the-secret"), "the secret is in the message");
        expect_failure("wrong secret", st, err, STS_ERR_SERVICE, STS_CATEGORY_SERVICE, NULL);

        /* The same through the sans-IO path: sign here, send, parse. */
        {
            StsHttpRequest *req = NULL;
            HttpResponse resp;
            StsHttpResponse response;
            err = NULL;
            if (CHECK(sts_prepare_get_caller_identity(client, &req, &err) == STS_OK, "prepare") &&
                send_prepared(req, &resp, &response) == 0) {
                st = sts_parse_get_caller_identity(&response, &me, &err);
                CHECK(streq(sts_error_code(err), "SignatureDoesNotMatch"), "sans-IO code %s",
                      show(sts_error_code(err)));
                expect_failure("sans-IO wrong secret", st, err, STS_ERR_SERVICE,
                               STS_CATEGORY_SERVICE, NULL);
                err = NULL;
                http_response_free(&resp);
            }
            sts_error_free(err);
            sts_http_request_free(req);
        }
        sts_client_free(client);
    }

    /* 5. The sans-IO path with the right keys: moto checks the signature
     * this library made, on a request the test sent itself. */
    {
        StsHttpRequest *req = NULL;
        StsGetCallerIdentityOutput *me = NULL;
        HttpResponse resp;
        StsHttpResponse response;
        err = NULL;
        if (CHECK(sts_prepare_get_caller_identity(user, &req, &err) == STS_OK, "prepare: %s",
                  show(sts_error_message(err))) &&
            send_prepared(req, &resp, &response) == 0) {
            CHECK(response.status == 200, "sans-IO status %u", response.status);
            st = sts_parse_get_caller_identity(&response, &me, &err);
            if (CHECK(st == STS_OK, "parse: %s", show(sts_error_message(err))))
                CHECK(streq(me->arn, user_arn), "sans-IO arn %s", show(me->arn));
            http_response_free(&resp);
        }
        sts_get_caller_identity_output_free(me);
        sts_error_free(err);
        sts_http_request_free(req);
    }

    /* 6. The callback transport: this file's HTTP code, the library's
     * signing and parsing. */
    {
        CallbackState state;
        pthread_mutex_init(&state.lock, NULL);
        state.calls = 0;
        static_options(&o, url, region, key, secret, NULL);
        o.transport = c_transport;
        o.transport_user_data = &state;
        client = new_client(&o, "moto callback");
        if (client) {
            moto_caller_is(client, user_arn, "callback transport");
            CHECK(state.calls == 1, "callback called %u times", state.calls);
            sts_client_free(client);
        }
        pthread_mutex_destroy(&state.lock);
    }

    /* 7. The default chain, from AWS_ACCESS_KEY_ID and friends, and 8. a
     * named profile from AWS_SHARED_CREDENTIALS_FILE (set by the harness). */
    memset(&o, 0, sizeof o);
    o.endpoint_url = url;
    o.region = region;
    o.credentials_source = STS_CREDENTIALS_DEFAULT_CHAIN;
    client = new_client(&o, "default chain");
    if (client) {
        moto_caller_is(client, user_arn, "default chain");
        sts_client_free(client);
    }
    o.credentials_source = STS_CREDENTIALS_PROFILE;
    o.profile_name = env_required("STS_TEST_PROFILE");
    client = new_client(&o, "profile");
    if (client) {
        moto_caller_is(client, user_arn, "profile");
        sts_client_free(client);
    }

    sts_client_free(user);
    profile_settings();
}

/* ==== section: fault ==================================================== */

static void section_fault(void) {
    const char *url = env_required("STS_TEST_FAULT_URL");
    StsClientOptions o;
    StsClient *client, *anonymous;
    StsError *err = NULL;
    StsStatus st;
    const char *policy_arns[2] = {"arn:aws:iam::aws:policy/ReadOnlyAccess",
                                  "arn:aws:iam::123456789012:policy/extra"};

    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    o.user_agent_suffix = "c-fault";
    client = new_client(&o, "fault");
    memset(&o, 0, sizeof o);
    o.endpoint_url = url;
    o.region = "us-east-1";
    o.credentials_source = STS_CREDENTIALS_NONE;
    o.user_agent_suffix = "c-fault";
    anonymous = new_client(&o, "fault, no credentials");
    if (!client || !anonymous) goto out;

    { /* AssumeRoleWithSAML, unsigned */
        StsAssumeRoleWithSamlInput in;
        StsAssumeRoleWithSamlOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.role_arn = "arn:aws:iam::123456789012:role/saml-role";
        in.principal_arn = "arn:aws:iam::123456789012:saml-provider/idp";
        in.saml_assertion = "PHNhbWxwOlJlc3BvbnNlPg==";
        in.policy_arns = policy_arns;
        in.policy_arns_len = 2;
        st = sts_assume_role_with_saml(anonymous, &in, &r, &err);
        if (CHECK(st == STS_OK, "SAML: %s", show(sts_error_message(err)))) {
            check_fault_credentials("SAML", &r->credentials);
            CHECK(streq(r->assumed_role_user.arn,
                        "arn:aws:sts::123456789012:assumed-role/saml-role/c-saml"),
                  "SAML arn %s", show(r->assumed_role_user.arn));
            CHECK(streq(r->subject, "c-subject") && streq(r->subject_type, "persistent") &&
                      streq(r->issuer, "https://idp.example.com/") &&
                      streq(r->audience, "https://signin.aws.amazon.com/saml") &&
                      streq(r->name_qualifier, "c-qualifier"),
                  "SAML subject fields");
            CHECK(r->packed_policy_size.present && r->packed_policy_size.value == 6,
                  "SAML packed size");
            CHECK(r->source_identity == NULL, "SAML source identity %s", show(r->source_identity));
            CHECK(r->session_token_utilization.present &&
                      r->session_token_utilization.value == 73 &&
                      r->session_token_size.present && r->session_token_size.value == 2048,
                  "SAML token sizes");
            {
                const StsTrustedIdentityPropagationContext *t =
                    &r->trusted_identity_propagation_context;
                CHECK(streq(t->origin_subject, "c-origin-user") &&
                          streq(t->origin_subject_type, "User") &&
                          streq(t->origin_issuer, "https://origin.example.com") &&
                          t->origin_federated_provider_arn == NULL,
                      "SAML origin identity %s", show(t->origin_subject));
                if (CHECK(t->transaction_identity_provider_len == 2 &&
                              t->transaction_identity_provider != NULL,
                          "SAML transaction context entries"))
                    CHECK(streq(t->transaction_identity_provider[0].key, "tenant") &&
                              streq(t->transaction_identity_provider[0].value, "blue") &&
                              streq(t->transaction_identity_provider[1].key, "c-key") &&
                              streq(t->transaction_identity_provider[1].value, "c-value"),
                          "SAML transaction context");
            }
            CHECK(streq(r->request_id, "req-AssumeRoleWithSAML"), "SAML request id");
        }
        sts_assume_role_with_saml_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* AssumeRoleWithWebIdentity, unsigned */
        StsAssumeRoleWithWebIdentityInput in;
        StsAssumeRoleWithWebIdentityOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.role_arn = "arn:aws:iam::123456789012:role/web-role";
        in.role_session_name = "c-web";
        in.web_identity_token = "eyJhbGciOiJSUzI1NiJ9.c-web.token";
        in.provider_id = "www.amazon.com";
        in.duration_seconds.present = 1;
        in.duration_seconds.value = 3600;
        st = sts_assume_role_with_web_identity(anonymous, &in, &r, &err);
        if (CHECK(st == STS_OK, "web identity: %s", show(sts_error_message(err)))) {
            check_fault_credentials("web identity", &r->credentials);
            CHECK(streq(r->subject_from_web_identity_token, "c-web-subject"), "web subject %s",
                  show(r->subject_from_web_identity_token));
            CHECK(streq(r->provider, "www.amazon.com") && streq(r->audience, "c-client-id"),
                  "web provider %s / audience %s", show(r->provider), show(r->audience));
            CHECK(streq(r->assumed_role_user.assumed_role_id, "AROAWEB:c-web"), "web role id");
            CHECK(streq(r->source_identity, "c-web-source"), "web source identity");
            CHECK(!r->packed_policy_size.present, "web packed size present");
        }
        sts_assume_role_with_web_identity_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* AssumeRoot, with a present 0 duration (allowed here: 0 to 900) */
        StsAssumeRootInput in;
        StsAssumeRootOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.target_principal = "111122223333";
        in.task_policy_arn = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
        in.duration_seconds.present = 1;
        in.duration_seconds.value = 0;
        st = sts_assume_root(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "AssumeRoot: %s", show(sts_error_message(err)))) {
            check_fault_credentials("AssumeRoot", &r->credentials);
            CHECK(streq(r->source_identity, "c-root-source"), "root source identity %s",
                  show(r->source_identity));
        }
        sts_assume_root_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* DecodeAuthorizationMessage: a result, then a service error */
        StsDecodeAuthorizationMessageInput in;
        StsDecodeAuthorizationMessageOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.encoded_message = "c-encoded-message";
        st = sts_decode_authorization_message(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "decode: %s", show(sts_error_message(err))))
            CHECK(streq(r->decoded_message, "{\"allowed\":false,\"context\":\"c\"}"),
                  "decoded %s", show(r->decoded_message));
        sts_decode_authorization_message_output_free(r);
        sts_error_free(err);
        err = NULL;
        r = NULL;
        in.encoded_message = "bad";
        st = sts_decode_authorization_message(client, &in, &r, &err);
        CHECK(r == NULL, "a result despite the error");
        CHECK(streq(sts_error_code(err), "InvalidAuthorizationMessageException"), "code %s",
              show(sts_error_code(err)));
        CHECK(streq(sts_error_request_id(err), "err-InvalidAuthorizationMessageException"),
              "request id %s", show(sts_error_request_id(err)));
        CHECK(streq(sts_error_service_message(err), "scripted"), "service message %s",
              show(sts_error_service_message(err)));
        CHECK(sts_error_http_status(err) == 400 && !sts_error_is_retryable(err),
              "status %u", sts_error_http_status(err));
        expect_failure("decode bad", st, err, STS_ERR_SERVICE, STS_CATEGORY_SERVICE, NULL);
        err = NULL;
    }
    { /* GetAccessKeyInfo */
        StsGetAccessKeyInfoInput in;
        StsGetAccessKeyInfoOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.access_key_id = "AKIAI44QH8DHBEXAMPLE";
        st = sts_get_access_key_info(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "access key info: %s", show(sts_error_message(err))))
            CHECK(streq(r->account, "111122223333") && streq(r->request_id, "req-GetAccessKeyInfo"),
                  "account %s", show(r->account));
        sts_get_access_key_info_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* GetDelegatedAccessToken */
        StsGetDelegatedAccessTokenInput in;
        StsGetDelegatedAccessTokenOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.trade_in_token = "c-trade-in-token";
        st = sts_get_delegated_access_token(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "delegated: %s", show(sts_error_message(err)))) {
            check_fault_credentials("delegated", &r->credentials);
            CHECK(streq(r->assumed_principal, "arn:aws:iam::123456789012:user/delegated"),
                  "principal %s", show(r->assumed_principal));
            CHECK(r->packed_policy_size.present && r->packed_policy_size.value == 12,
                  "delegated packed size");
        }
        sts_get_delegated_access_token_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* GetFederationToken with tags and managed policies */
        StsGetFederationTokenInput in;
        StsGetFederationTokenOutput *r = NULL;
        StsTag tags[1];
        memset(&in, 0, sizeof in);
        tags[0].key = "team";
        tags[0].value = "c ffi";
        in.name = "c-fed";
        in.policy_arns = policy_arns;
        in.policy_arns_len = 1;
        in.tags = tags;
        in.tags_len = 1;
        in.duration_seconds.present = 1;
        in.duration_seconds.value = 3600;
        in.minimum_session_token_size.present = 1;
        in.minimum_session_token_size.value = 1024;
        st = sts_get_federation_token(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "federation: %s", show(sts_error_message(err)))) {
            check_fault_credentials("federation", &r->credentials);
            CHECK(streq(r->federated_user.federated_user_id, "123456789012:c-fed") &&
                      streq(r->federated_user.arn,
                            "arn:aws:sts::123456789012:federated-user/c-fed"),
                  "federated user %s", show(r->federated_user.arn));
            CHECK(r->packed_policy_size.present && r->packed_policy_size.value == 3,
                  "federation packed size");
        }
        sts_get_federation_token_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* GetSessionToken, every member absent */
        StsGetSessionTokenInput in;
        StsGetSessionTokenOutput *r = NULL;
        memset(&in, 0, sizeof in);
        st = sts_get_session_token(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "session token: %s", show(sts_error_message(err)))) {
            check_fault_credentials("session token", &r->credentials);
            CHECK(streq(r->request_id, "req-GetSessionToken"), "request id %s",
                  show(r->request_id));
        }
        sts_get_session_token_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* GetScopedCredentials: a policy, a duration, a zero minimum size */
        StsGetScopedCredentialsInput in;
        StsGetScopedCredentialsOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
        in.duration_seconds.present = 1;
        in.duration_seconds.value = 900;
        in.minimum_session_token_size.present = 1;
        in.minimum_session_token_size.value = 0;
        in.scoped_session_description = "c nightly export";
        st = sts_get_scoped_credentials(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "scoped: %s", show(sts_error_message(err)))) {
            check_fault_credentials("scoped", &r->credentials);
            CHECK(streq(r->session_info.scoped_session_id, "AROASCOPED:c-scoped") &&
                      streq(r->session_info.arn,
                            "arn:aws:sts::123456789012:assumed-role/scoped/c-scoped"),
                  "scoped session %s", show(r->session_info.arn));
            CHECK(r->session_token_utilization.present &&
                      r->session_token_utilization.value == 41 &&
                      r->session_token_size.present && r->session_token_size.value == 1024 &&
                      r->scoped_policies_count.present && r->scoped_policies_count.value == 2,
                  "scoped sizes and count");
            CHECK(streq(r->source_identity, "c-scoped-source") &&
                      streq(r->request_id, "req-GetScopedCredentials"),
                  "scoped source identity %s", show(r->source_identity));
        }
        sts_get_scoped_credentials_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
    { /* GetScopedCredentials with neither policy nor duration: refused unsent */
        StsGetScopedCredentialsInput in;
        StsGetScopedCredentialsOutput *r = NULL;
        memset(&in, 0, sizeof in);
        st = sts_get_scoped_credentials(client, &in, &r, &err);
        CHECK(st != STS_OK && r == NULL &&
                  strstr(show(sts_error_message(err)), "Policy or DurationSeconds") != NULL,
              "scoped without members: %s", show(sts_error_message(err)));
        sts_error_free(err);
        err = NULL;
    }
    { /* GetWebIdentityToken */
        StsGetWebIdentityTokenInput in;
        StsGetWebIdentityTokenOutput *r = NULL;
        const char *audiences[2] = {"https://api.example.com", "c-audience"};
        memset(&in, 0, sizeof in);
        in.audiences = audiences;
        in.audiences_len = 2;
        in.signing_algorithm = "ES384";
        in.duration_seconds.present = 1;
        in.duration_seconds.value = 300;
        in.scope = "read write:all";
        in.subject_mode = "OriginIdentity";
        st = sts_get_web_identity_token(client, &in, &r, &err);
        if (CHECK(st == STS_OK, "web identity token: %s", show(sts_error_message(err)))) {
            CHECK(streq(r->web_identity_token, "eyJ.c-jwt.sig"), "token");
            CHECK(r->expiration.present && r->expiration.value == FAULT_EXPIRATION,
                  "token expiration");
        }
        sts_get_web_identity_token_output_free(r);
        sts_error_free(err);
        err = NULL;
    }
out:
    sts_client_free(client);
    sts_client_free(anonymous);
}

/* ==== section: retry ==================================================== */

/* The retry server answers: 503, ok, 503, ok, 503 (and 500 after that). */
static void section_retry(void) {
    const char *url = env_required("STS_TEST_RETRY_URL");
    StsClientOptions o;
    StsClient *client;
    StsGetCallerIdentityOutput *me = NULL;
    StsError *err = NULL;
    StsStatus st;
    CallbackState state;

    /* Built-in transport: the 503 is retried, the call succeeds. */
    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    client = new_client(&o, "retry");
    if (client) {
        st = sts_get_caller_identity(client, &me, &err);
        if (CHECK(st == STS_OK, "retried call: %s", show(sts_error_message(err))))
            CHECK(streq(me->arn, RETRY_CALLER_ARN), "arn %s", show(me->arn));
        sts_get_caller_identity_output_free(me);
        sts_error_free(err);
        sts_client_free(client);
    }

    /* Callback transport: the client retries through the callback too. */
    pthread_mutex_init(&state.lock, NULL);
    state.calls = 0;
    o.transport = c_transport;
    o.transport_user_data = &state;
    client = new_client(&o, "retry, callback");
    if (client) {
        me = NULL;
        err = NULL;
        st = sts_get_caller_identity(client, &me, &err);
        if (CHECK(st == STS_OK, "retried callback call: %s", show(sts_error_message(err))))
            CHECK(streq(me->arn, RETRY_CALLER_ARN), "arn %s", show(me->arn));
        CHECK(state.calls == 2, "callback called %u times, want 2", state.calls);
        sts_get_caller_identity_output_free(me);
        sts_error_free(err);
        sts_client_free(client);
    }
    pthread_mutex_destroy(&state.lock);

    /* One attempt only: the 503 comes back as a retryable error. */
    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    o.max_attempts.present = 1;
    o.max_attempts.value = 1;
    client = new_client(&o, "no retries");
    if (client) {
        me = NULL;
        err = NULL;
        st = sts_get_caller_identity(client, &me, &err);
        CHECK(sts_error_http_status(err) == 503, "http status %u", sts_error_http_status(err));
        CHECK(sts_error_is_retryable(err) == 1, "a 503 is not retryable");
        CHECK(me == NULL, "a result despite the error");
        expect_failure("503, one attempt", st, err, STS_ERR_RESPONSE, STS_CATEGORY_SERVICE, NULL);
        sts_client_free(client);
    }
}

/* ==== section: skew ===================================================== */

/* The skew server answers every request with a 403 RequestTimeTooSkewed
 * dated 31 Dec 9999. The client must not believe it: no re-signed attempt,
 * no retry, the error as it came, and not retryable by the caller either. */
static void skew_refused(StsClient *client, const char *what) {
    StsGetCallerIdentityOutput *me = NULL;
    StsError *err = NULL;
    StsStatus st = sts_get_caller_identity(client, &me, &err);
    CHECK(st == STS_ERR_SERVICE, "%s: status %d", what, (int)st);
    CHECK(streq(sts_error_code(err), "RequestTimeTooSkewed"), "%s: code %s", what,
          show(sts_error_code(err)));
    CHECK(sts_error_is_retryable(err) == 0, "%s: a refused correction is retryable", what);
    CHECK(me == NULL, "%s: a result despite the error", what);
    sts_get_caller_identity_output_free(me);
    sts_error_free(err);
}

static void section_skew(void) {
    const char *url = env_required("STS_TEST_SKEW_URL");
    StsClientOptions o;
    StsClient *client;
    CallbackState state;

    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    client = new_client(&o, "skew, built-in");
    if (client) {
        skew_refused(client, "skew, built-in");
        sts_client_free(client);
    }

    pthread_mutex_init(&state.lock, NULL);
    state.calls = 0;
    o.transport = c_transport;
    o.transport_user_data = &state;
    client = new_client(&o, "skew, callback");
    if (client) {
        skew_refused(client, "skew, callback");
        CHECK(state.calls == 1, "callback called %u times, want 1", state.calls);
        sts_client_free(client);
    }
    pthread_mutex_destroy(&state.lock);

    /* Correction turned off: the same answer, the same refusal. */
    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    o.max_clock_skew_ms.present = 1;
    o.max_clock_skew_ms.value = 0;
    client = new_client(&o, "skew, correction off");
    if (client) {
        skew_refused(client, "skew, correction off");
        sts_client_free(client);
    }
}

/* ==== section: sansio =================================================== */

static void section_sansio(void) {
    const char *url = env_required("STS_TEST_FAULT_URL");
    StsClientOptions o;
    StsClient *client, *anonymous;
    HttpResponse resp;
    StsHttpResponse response;
    StsError *err = NULL;
    StsStatus st;

    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    client = new_client(&o, "sansio");
    memset(&o, 0, sizeof o);
    o.endpoint_url = url;
    o.region = "us-east-1";
    o.credentials_source = STS_CREDENTIALS_NONE;
    anonymous = new_client(&o, "sansio, no credentials");
    if (!client || !anonymous) goto out;

    { /* GetCallerIdentity */
        StsHttpRequest *req = NULL;
        StsGetCallerIdentityOutput *me = NULL;
        if (CHECK(sts_prepare_get_caller_identity(client, &req, &err) == STS_OK, "prepare") &&
            send_prepared(req, &resp, &response) == 0) {
            st = sts_parse_get_caller_identity(&response, &me, &err);
            if (CHECK(st == STS_OK, "parse: %s", show(sts_error_message(err))))
                CHECK(streq(me->arn, FAULT_CALLER_ARN), "arn %s", show(me->arn));
            http_response_free(&resp);
        }
        sts_get_caller_identity_output_free(me);
        sts_http_request_free(req);
        sts_error_free(err);
        err = NULL;
    }
    { /* AssumeRole, with tags, sent by hand */
        StsAssumeRoleInput in;
        StsTag tags[1];
        StsHttpRequest *req = NULL;
        StsAssumeRoleOutput *r = NULL;
        memset(&in, 0, sizeof in);
        tags[0].key = "via";
        tags[0].value = "sans-io";
        in.role_arn = "arn:aws:iam::123456789012:role/sansio";
        in.role_session_name = "c-sansio";
        in.tags = tags;
        in.tags_len = 1;
        in.external_id = "c-external";
        if (CHECK(sts_prepare_assume_role(client, &in, &req, &err) == STS_OK, "prepare AR") &&
            send_prepared(req, &resp, &response) == 0) {
            st = sts_parse_assume_role(&response, &r, &err);
            if (CHECK(st == STS_OK, "parse AR: %s", show(sts_error_message(err)))) {
                check_fault_credentials("sans-IO AssumeRole", &r->credentials);
                CHECK(streq(r->assumed_role_user.arn,
                            "arn:aws:sts::123456789012:assumed-role/sansio/c-sansio"),
                      "arn %s", show(r->assumed_role_user.arn));
            }
            http_response_free(&resp);
        }
        sts_assume_role_output_free(r);
        sts_http_request_free(req);
        sts_error_free(err);
        err = NULL;
    }
    { /* AssumeRoleWithSAML, unsigned, from a client without credentials */
        StsAssumeRoleWithSamlInput in;
        StsHttpRequest *req = NULL;
        StsAssumeRoleWithSamlOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.role_arn = "arn:aws:iam::123456789012:role/saml-role";
        in.principal_arn = "arn:aws:iam::123456789012:saml-provider/idp";
        in.saml_assertion = "c2Fuc2lvLXNhbWw=";
        if (CHECK(sts_prepare_assume_role_with_saml(anonymous, &in, &req, &err) == STS_OK,
                  "prepare SAML: %s", show(sts_error_message(err))) &&
            send_prepared(req, &resp, &response) == 0) {
            st = sts_parse_assume_role_with_saml(&response, &r, &err);
            if (CHECK(st == STS_OK, "parse SAML: %s", show(sts_error_message(err))))
                check_fault_credentials("sans-IO SAML", &r->credentials);
            http_response_free(&resp);
        }
        sts_assume_role_with_saml_output_free(r);
        sts_http_request_free(req);
        sts_error_free(err);
        err = NULL;
    }
    { /* A service error through parse */
        StsDecodeAuthorizationMessageInput in;
        StsHttpRequest *req = NULL;
        StsDecodeAuthorizationMessageOutput *r = NULL;
        memset(&in, 0, sizeof in);
        in.encoded_message = "bad";
        if (CHECK(sts_prepare_decode_authorization_message(client, &in, &req, &err) == STS_OK,
                  "prepare decode") &&
            send_prepared(req, &resp, &response) == 0) {
            st = sts_parse_decode_authorization_message(&response, &r, &err);
            CHECK(streq(sts_error_code(err), "InvalidAuthorizationMessageException"), "code %s",
                  show(sts_error_code(err)));
            expect_failure("sans-IO service error", st, err, STS_ERR_SERVICE,
                           STS_CATEGORY_SERVICE, NULL);
            err = NULL;
            http_response_free(&resp);
        }
        sts_http_request_free(req);
        sts_error_free(err);
        err = NULL;
    }
out:
    sts_client_free(client);
    sts_client_free(anonymous);
}

/* ==== section: exchange ================================================= */

/* The exchange server answers: a 503 asking for a retry after 200 ms, a
 * 403 RequestTimeTooSkewed whose Date is 20 minutes ahead of the local
 * clock, then a GetCallerIdentity result. The program sends every attempt
 * with its own HTTP code (http_send) and leaves every decision to the
 * exchange: the wait, the re-signing, the end. */

#define EXCHANGE_CALLER_ARN "arn:aws:iam::123456789012:user/exchanged"
#define EXCHANGE_RETRY_AFTER_MS 200u
#define EXCHANGE_SKEW_MS (20 * 60 * 1000)

static uint64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms) {
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)((ms % 1000u) * 1000000u);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Every step that does not fit the exchange's state is an error status,
 * and leaves the exchange able to go on. */
static void exchange_wrong_states(StsClient *client) {
    StsExchange *ex = NULL;
    StsExchangeNext next;
    StsExchangeDecision decision;
    StsHttpResponse response;
    StsGetCallerIdentityOutput *me = NULL;
    StsError *err = NULL;
    StsStatus st;

    memset(&response, 0, sizeof response);
    response.status = 200;
    memset(&decision, 0, sizeof decision);
    st = sts_exchange_get_caller_identity_new(client, &ex, &err);
    if (!CHECK(st == STS_OK && ex, "exchange new: %s", show(sts_error_message(err)))) {
        sts_error_free(err);
        return;
    }
    st = sts_exchange_response(ex, monotonic_ms(), &response, &decision, &err);
    expect_failure("a response before any request", st, err, STS_ERR_WRONG_STATE,
                   STS_CATEGORY_VALIDATION, NULL);
    CHECK(decision.kind == 0, "the decision was written: %d", (int)decision.kind);
    err = NULL;
    st = sts_exchange_transport_failure(ex, monotonic_ms(), STS_TRANSPORT_IO_ERROR, &decision,
                                        &err);
    expect_failure("a transport failure before any request", st, err, STS_ERR_WRONG_STATE,
                   STS_CATEGORY_VALIDATION, NULL);
    err = NULL;
    st = sts_exchange_get_caller_identity_output(ex, &me, &err);
    expect_failure("the output before the end", st, err, STS_ERR_WRONG_STATE,
                   STS_CATEGORY_VALIDATION, NULL);
    CHECK(me == NULL, "an output before the end");
    err = NULL;
    st = sts_exchange_response(NULL, 0, &response, &decision, &err);
    expect_failure("a NULL exchange", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "exchange");
    err = NULL;
    st = sts_exchange_response(ex, 0, &response, NULL, &err);
    expect_failure("a NULL decision", st, err, STS_ERR_NULL_ARGUMENT, STS_CATEGORY_VALIDATION,
                   "decision");
    err = NULL;

    /* A request is out: asking for another is wrong, and so is calling a
     * complete answer a transport success. */
    memset(&next, 0, sizeof next);
    st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
    if (CHECK(st == STS_OK && next.kind == STS_NEXT_SEND && next.request, "first request: %s",
              show(sts_error_message(err)))) {
        StsHttpRequest *out = next.request;
        st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
        expect_failure("a request in a full slot", st, err, STS_ERR_OUTPUT_IN_USE,
                       STS_CATEGORY_VALIDATION, "next->request");
        err = NULL;
        next.request = NULL;
        st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
        expect_failure("a second request while one is out", st, err, STS_ERR_WRONG_STATE,
                       STS_CATEGORY_VALIDATION, NULL);
        CHECK(next.request == NULL, "a request handed out in the wrong state");
        err = NULL;
        st = sts_exchange_transport_failure(ex, monotonic_ms(), STS_TRANSPORT_OK, &decision, &err);
        expect_failure("STS_TRANSPORT_OK as a failure", st, err, STS_ERR_INVALID_ARGUMENT,
                       STS_CATEGORY_VALIDATION, "kind");
        err = NULL;
        sts_http_request_free(out);
        /* No connection: a retry is decided, and no request is out then. */
        st = sts_exchange_transport_failure(ex, monotonic_ms(), STS_TRANSPORT_CONNECT_FAILED,
                                            &decision, &err);
        CHECK(st == STS_OK && decision.kind == STS_DECISION_WAIT && decision.attempt == 1,
              "a failed connection: status %d, decision %d, attempt %u: %s", (int)st,
              (int)decision.kind, decision.attempt, show(sts_error_message(err)));
        sts_error_free(err);
        err = NULL;
        st = sts_exchange_response(ex, monotonic_ms(), &response, &decision, &err);
        expect_failure("a response while waiting to retry", st, err, STS_ERR_WRONG_STATE,
                       STS_CATEGORY_VALIDATION, NULL);
        err = NULL;
    }
    sts_error_free(err);
    sts_exchange_free(ex);
    sts_exchange_free(NULL);
}

/* Sends the request `next` holds with the tiny HTTP client, frees it, and
 * gives the exchange the answer; returns the exchange's status. */
static StsStatus exchange_send(StsExchange *ex, StsExchangeNext *next,
                               StsExchangeDecision *decision, StsError **err) {
    HttpResponse resp;
    StsHttpResponse response;
    StsStatus st;
    char why[256];
    int rc = http_send(next->request->url, next->request->method, next->request->headers,
                       next->request->headers_len, next->request->body, next->request->body_len,
                       next->timeout_ms, &resp, why, sizeof why);
    sts_http_request_free(next->request);
    next->request = NULL;
    memset(decision, 0, sizeof *decision);
    if (!CHECK(rc == 0, "send: %s", why))
        return sts_exchange_transport_failure(ex, monotonic_ms(), STS_TRANSPORT_IO_ERROR, decision,
                                              err);
    memset(&response, 0, sizeof response);
    response.status = resp.status;
    response.headers = resp.headers;
    response.headers_len = resp.headers_len;
    response.body = resp.body;
    response.body_len = resp.body_len;
    st = sts_exchange_response(ex, monotonic_ms(), &response, decision, err);
    http_response_free(&resp);
    return st;
}

/* The x-amz-date of a request signed now with the clock moved by nearly the
 * whole skew: a corrected date sorts after it, a local one before. */
static void nearly_skewed_date(char *out, size_t len) {
    struct tm tm;
    time_t t = time(NULL) + EXCHANGE_SKEW_MS / 1000 - 60;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y%m%dT%H%M%SZ", &tm);
}

/* A client's blocking calls and exchanges share one clock correction. The
 * server answers this client's blocking call with a clock-skew answer, then
 * the result; the exchange made afterwards signs its very first request
 * with the correction the blocking call learned. */
static void exchange_after_blocking_correction(const StsClientOptions *o) {
    StsClient *client = new_client(o, "exchange after a correction");
    StsGetCallerIdentityOutput *me = NULL;
    StsExchange *ex = NULL;
    StsExchangeNext next;
    StsExchangeDecision decision;
    StsError *err = NULL;
    StsStatus st;
    char ahead[32], date[32];

    if (!client) return;
    st = sts_get_caller_identity(client, &me, &err);
    CHECK(st == STS_OK, "the blocking call: %s", show(sts_error_message(err)));
    sts_get_caller_identity_output_free(me);
    sts_error_free(err);
    err = NULL;

    st = sts_exchange_get_caller_identity_new(client, &ex, &err);
    if (!CHECK(st == STS_OK && ex, "exchange new: %s", show(sts_error_message(err)))) goto out;
    memset(&next, 0, sizeof next);
    st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
    if (!CHECK(st == STS_OK && next.kind == STS_NEXT_SEND, "next: %s",
               show(sts_error_message(err))))
        goto out;
    /* Read after signing, so the corrected date is still after it. */
    nearly_skewed_date(ahead, sizeof ahead);
    snprintf(date, sizeof date, "%s", show(header_value(next.request, "x-amz-date")));
    printf("exchange: after a blocking call's correction, attempt %u sent, x-amz-date %s\n",
           next.attempt, date);
    CHECK(next.attempt == 1 && strcmp(date, ahead) > 0,
          "the exchange's first request is signed %s, not after %s", date, ahead);
    st = exchange_send(ex, &next, &decision, &err);
    CHECK(st == STS_OK && decision.kind == STS_DECISION_DONE,
          "the corrected request: status %d, decision %d: %s", (int)st, (int)decision.kind,
          show(sts_error_message(err)));
out:
    sts_error_free(err);
    sts_exchange_free(ex);
    sts_client_free(client);
}

/* The other way round: the server answers this client's exchange with a
 * clock-skew answer, then the result; the client's blocking call made
 * afterwards is signed with the correction at its first attempt, which the
 * harness reads from what the server received (one request, moved). */
static void blocking_after_exchange_correction(const StsClientOptions *o) {
    StsClient *client = new_client(o, "blocking call after a correction");
    StsGetCallerIdentityOutput *me = NULL;
    StsExchange *ex = NULL;
    StsExchangeNext next;
    StsExchangeDecision decision;
    StsError *err = NULL;
    StsStatus st;
    unsigned sent = 0, resigns = 0;

    if (!client) return;
    st = sts_exchange_get_caller_identity_new(client, &ex, &err);
    if (!CHECK(st == STS_OK && ex, "exchange new: %s", show(sts_error_message(err)))) goto out;
    memset(&decision, 0, sizeof decision);
    while (sent < 3 && decision.kind != STS_DECISION_DONE) {
        memset(&next, 0, sizeof next);
        st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
        if (!CHECK(st == STS_OK && next.kind == STS_NEXT_SEND, "next: %s",
                   show(sts_error_message(err))))
            goto out;
        sent++;
        st = exchange_send(ex, &next, &decision, &err);
        if (!CHECK(st == STS_OK, "answer: %s", show(sts_error_message(err)))) goto out;
        if (decision.kind == STS_DECISION_SEND_NOW) resigns++;
    }
    CHECK(decision.kind == STS_DECISION_DONE && sent == 2 && resigns == 1,
          "the exchange: decision %d after %u requests, %u re-signs", (int)decision.kind, sent,
          resigns);
    printf("exchange: re-signed once and done; now a blocking call of the same client\n");
    st = sts_get_caller_identity(client, &me, &err);
    CHECK(st == STS_OK, "the blocking call: %s", show(sts_error_message(err)));
    sts_get_caller_identity_output_free(me);
out:
    sts_error_free(err);
    sts_exchange_free(ex);
    sts_client_free(client);
}

static void section_exchange(void) {
    const char *url = env_required("STS_TEST_EXCHANGE_URL");
    StsClientOptions o;
    StsClient *client;
    StsExchange *ex = NULL;
    StsGetCallerIdentityOutput *me = NULL;
    StsGetSessionTokenOutput *other = NULL;
    StsError *err = NULL;
    StsStatus st = STS_OK;
    char dates[4][32];
    unsigned sent = 0, waits = 0, resigns = 0, done = 0;
    uint64_t waited_ms = 0;
    int64_t skew_ms = 0;

    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    o.user_agent_suffix = "c-exchange";
    client = new_client(&o, "exchange");
    if (!client) return;
    exchange_wrong_states(client);

    st = sts_exchange_get_caller_identity_new(client, &ex, &err);
    if (!CHECK(st == STS_OK && ex, "exchange new: %s", show(sts_error_message(err)))) goto out;
    /* The exchange keeps what it needs of the client. */
    sts_client_free(client);
    client = NULL;

    while (!done && sent < 4) {
        StsExchangeNext next;
        StsExchangeDecision decision;
        HttpResponse resp;
        StsHttpResponse response;
        const char *date;
        char why[256];
        int rc;

        memset(&next, 0, sizeof next);
        st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
        if (!CHECK(st == STS_OK, "next: %s", show(sts_error_message(err)))) break;
        if (next.kind == STS_NEXT_WAIT) {
            printf("exchange: paced, waiting %lu ms\n", (unsigned long)next.wait_ms);
            sleep_ms(next.wait_ms);
            continue;
        }
        date = header_value(next.request, "x-amz-date");
        snprintf(dates[sent], sizeof dates[sent], "%s", show(date));
        printf("exchange: attempt %u sent, x-amz-date %s, timeout %u ms\n", next.attempt,
               dates[sent], next.timeout_ms);
        sent++;
        rc = http_send(next.request->url, next.request->method, next.request->headers,
                       next.request->headers_len, next.request->body, next.request->body_len,
                       next.timeout_ms, &resp, why, sizeof why);
        sts_http_request_free(next.request);
        memset(&decision, 0, sizeof decision);
        if (rc != 0) {
            printf("exchange: attempt %u got no answer\n", next.attempt);
            st = sts_exchange_transport_failure(ex, monotonic_ms(), STS_TRANSPORT_IO_ERROR,
                                                &decision, &err);
        } else {
            memset(&response, 0, sizeof response);
            response.status = resp.status;
            response.headers = resp.headers;
            response.headers_len = resp.headers_len;
            response.body = resp.body;
            response.body_len = resp.body_len;
            st = sts_exchange_response(ex, monotonic_ms(), &response, &decision, &err);
            printf("exchange: attempt %u answered %u\n", decision.attempt, resp.status);
            http_response_free(&resp);
        }
        if (!CHECK(st == STS_OK, "the exchange failed (decision %d): %s", (int)decision.kind,
                   show(sts_error_message(err))))
            break;
        switch (decision.kind) {
        case STS_DECISION_DONE:
            printf("exchange: done after %u requests\n", sent);
            done = 1;
            break;
        case STS_DECISION_WAIT:
            printf("exchange: retrying in %lu ms\n", (unsigned long)decision.wait_ms);
            waits++;
            waited_ms += decision.wait_ms;
            sleep_ms(decision.wait_ms);
            break;
        case STS_DECISION_SEND_NOW:
            printf("exchange: the clock is off by %ld s, signing again now\n",
                   (long)(decision.clock_skew_ms / 1000));
            resigns++;
            skew_ms = decision.clock_skew_ms;
            break;
        default:
            CHECK(0, "decision %d", (int)decision.kind);
            done = 1;
        }
    }
    CHECK(done && sent == 3 && waits == 1 && resigns == 1,
          "done %u after %u requests, %u waits, %u re-signs", done, sent, waits, resigns);
    CHECK(waited_ms == EXCHANGE_RETRY_AFTER_MS, "waited %lu ms, the server asked for %u",
          (unsigned long)waited_ms, EXCHANGE_RETRY_AFTER_MS);
    CHECK(skew_ms > EXCHANGE_SKEW_MS - 30000 && skew_ms <= EXCHANGE_SKEW_MS + 1000,
          "clock skew %ld ms", (long)skew_ms);
    if (sent == 3)
        CHECK(strcmp(dates[2], dates[1]) > 0, "the re-signed date %s is not after %s", dates[2],
              dates[1]);

    st = sts_exchange_get_session_token_output(ex, &other, &err);
    expect_failure("another operation's output", st, err, STS_ERR_INVALID_ARGUMENT,
                   STS_CATEGORY_VALIDATION, "exchange");
    err = NULL;
    st = sts_exchange_get_caller_identity_output(ex, &me, &err);
    if (CHECK(st == STS_OK, "output: %s", show(sts_error_message(err))))
        CHECK(streq(me->arn, EXCHANGE_CALLER_ARN), "arn %s", show(me->arn));
    sts_get_caller_identity_output_free(me);
    me = NULL;
    st = sts_exchange_get_caller_identity_output(ex, &me, &err);
    expect_failure("the output twice", st, err, STS_ERR_WRONG_STATE, STS_CATEGORY_VALIDATION, NULL);
    err = NULL;
    { /* After the end, nothing more. */
        StsExchangeNext next;
        StsExchangeDecision decision;
        StsHttpResponse response;
        memset(&next, 0, sizeof next);
        memset(&decision, 0, sizeof decision);
        memset(&response, 0, sizeof response);
        response.status = 200;
        st = sts_exchange_next(ex, monotonic_ms(), &next, &err);
        expect_failure("a request after the end", st, err, STS_ERR_WRONG_STATE,
                       STS_CATEGORY_VALIDATION, NULL);
        err = NULL;
        st = sts_exchange_response(ex, monotonic_ms(), &response, &decision, &err);
        expect_failure("a response after the end", st, err, STS_ERR_WRONG_STATE,
                       STS_CATEGORY_VALIDATION, NULL);
        err = NULL;
    }
    exchange_after_blocking_correction(&o);
    blocking_after_exchange_correction(&o);
out:
    sts_error_free(err);
    sts_exchange_free(ex);
    sts_client_free(client);
}

/* ==== section: threads ================================================== */

typedef struct ThreadJob {
    StsClient *client; /* shared by every thread */
    unsigned calls;
    unsigned ok;
} ThreadJob;

static void *thread_main(void *arg) {
    ThreadJob *job = (ThreadJob *)arg;
    unsigned i;
    for (i = 0; i < job->calls; i++) {
        StsGetCallerIdentityOutput *me = NULL;
        StsError *err = NULL;
        StsStatus st = sts_get_caller_identity(job->client, &me, &err);
        if (CHECK(st == STS_OK, "thread call %u: %s", i, show(sts_error_message(err))) &&
            CHECK(streq(me->arn, FAULT_CALLER_ARN), "thread arn %s", show(me->arn)))
            job->ok++;
        sts_get_caller_identity_output_free(me);
        sts_error_free(err);
    }
    return NULL;
}

/* `total` calls spread over 8 threads sharing `client`; returns the number
 * that succeeded. */
static unsigned run_threads(StsClient *client, unsigned total) {
    enum { THREADS = 8 };
    pthread_t ids[THREADS];
    int started[THREADS];
    ThreadJob jobs[THREADS];
    unsigned i, ok = 0;
    for (i = 0; i < THREADS; i++) {
        jobs[i].client = client;
        jobs[i].calls = total / THREADS + (i < total % THREADS ? 1u : 0u);
        jobs[i].ok = 0;
        started[i] = pthread_create(&ids[i], NULL, thread_main, &jobs[i]) == 0;
        CHECK(started[i], "pthread_create failed");
    }
    for (i = 0; i < THREADS; i++) {
        if (started[i]) pthread_join(ids[i], NULL);
        ok += jobs[i].ok;
    }
    return ok;
}

static void section_threads(void) {
    const char *url = env_required("STS_TEST_FAULT_URL");
    unsigned total = env_number("STS_TEST_THREAD_CALLS", 1000);
    unsigned callback_total = env_number("STS_TEST_CALLBACK_THREAD_CALLS", 200);
    StsClientOptions o;
    StsClient *client;
    CallbackState state;
    unsigned ok;

    static_options(&o, url, "us-east-1", FAULT_ACCESS_KEY, FAULT_SECRET, NULL);
    o.user_agent_suffix = "c-threads";
    client = new_client(&o, "threads");
    if (client) {
        ok = run_threads(client, total);
        CHECK(ok == total, "%u of %u calls succeeded", ok, total);
        sts_client_free(client);
        printf("threads: %u calls on one client from 8 threads\n", ok);
    }

    pthread_mutex_init(&state.lock, NULL);
    state.calls = 0;
    o.user_agent_suffix = "c-threads-callback";
    o.transport = c_transport;
    o.transport_user_data = &state;
    client = new_client(&o, "threads, callback");
    if (client) {
        ok = run_threads(client, callback_total);
        CHECK(ok == callback_total, "%u of %u callback calls succeeded", ok, callback_total);
        CHECK(state.calls == callback_total, "callback called %u times, want %u", state.calls,
              callback_total);
        sts_client_free(client);
        printf("threads: %u calls through the callback transport from 8 threads\n", ok);
    }
    pthread_mutex_destroy(&state.lock);
}

/* ==== section: leak ===================================================== */

static void section_leak(void) {
    StsClient *client = NULL;
    StsError *err = NULL;
    CHECK(sts_client_new(NULL, &client, &err) == STS_ERR_NULL_ARGUMENT, "no error to leak");
    /* `err` is never freed: the leak checkers must report it. */
}

/* ==== main ============================================================== */

int main(int argc, char **argv) {
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s boundary|moto|fault|retry|skew|sansio|exchange|threads|leak...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        unsigned long before = failed_so_far();
        if (strcmp(argv[i], "boundary") == 0) section_boundary();
        else if (strcmp(argv[i], "moto") == 0) section_moto();
        else if (strcmp(argv[i], "fault") == 0) section_fault();
        else if (strcmp(argv[i], "retry") == 0) section_retry();
        else if (strcmp(argv[i], "skew") == 0) section_skew();
        else if (strcmp(argv[i], "sansio") == 0) section_sansio();
        else if (strcmp(argv[i], "exchange") == 0) section_exchange();
        else if (strcmp(argv[i], "threads") == 0) section_threads();
        else if (strcmp(argv[i], "leak") == 0) section_leak();
        else {
            fprintf(stderr, "unknown section %s\n", argv[i]);
            return 2;
        }
        if (failed_so_far() == before) printf("ok %s\n", argv[i]);
        fflush(stdout);
    }
    printf("%lu checks, %lu failed\n", checks_run, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}
