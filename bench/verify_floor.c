/* The floor for one gage-verify invocation in the benchmark: a C program that makes the same HTTP call with
 * libcurl and nothing else. With the token cached, a verification is one GET /payments/{imp_uid}; this reads the
 * request from stdin, makes that call with the token from FLOOR_TOKEN and prints the answer. No ledger, no
 * catalog, no decision: what is left over in gage-verify's time is what those cost. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char request[4096];
    size_t length = fread(request, 1, sizeof request - 1, stdin);
    request[length] = '\0';
    char imp_uid[64] = "";
    const char *key = strstr(request, "\"imp_uid\"");
    if (key == NULL || sscanf(key, "\"imp_uid\" : \"%63[^\"]\"", imp_uid) != 1) {
        if (key == NULL || sscanf(key, "\"imp_uid\":\"%63[^\"]\"", imp_uid) != 1) return 2;
    }
    const char *api = getenv("IAMPORT_API_URL"), *token = getenv("FLOOR_TOKEN");
    if (api == NULL || token == NULL) return 2;
    char url[512], header[512];
    snprintf(url, sizeof url, "%s/payments/%s", api, imp_uid);
    snprintf(header, sizeof header, "Authorization: %s", token);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, header);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode code = curl_easy_perform(curl);   /* the body goes to stdout */
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return code == CURLE_OK ? 0 : 1;
}
