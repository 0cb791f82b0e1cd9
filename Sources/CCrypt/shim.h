#include <crypt.h>
#include <string.h>
#include <stdlib.h>

// crypt_r needs a large struct crypt_data; allocate it on the heap so Swift
// never puts 32 KiB on a thread's stack.
static inline char *ccrypt_hash(const char *phrase, const char *setting, char *out, size_t out_size) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) return NULL;
    char *result = crypt_r(phrase, setting, data);
    char *ret = NULL;
    if (result != NULL && result[0] != '*' && strlen(result) < out_size) {
        strcpy(out, result);
        ret = out;
    }
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return ret;
}
