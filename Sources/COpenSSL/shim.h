// OpenSSL (libssl-dev), for the SMTP client's STARTTLS and smtps://; only
// Sources/MyGazCore/Outbox/SMTP/TLS.swift imports it.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

// macros Swift cannot call
static inline long mygaz_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline int mygaz_ssl_ctx_require_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}
