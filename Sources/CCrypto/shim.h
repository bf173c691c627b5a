// OpenSSL's libcrypto: HMAC-SHA256 and a constant-time comparison, for Standard Webhooks signatures.
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
