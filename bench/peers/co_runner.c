/* A co-runner for bench/batch_scaling.sh: loops until killed, either on pure
 * arithmetic ("alu": registers only) or on dependent random reads over an
 * array of KB kilobytes ("mem KB": the cache and memory a second worker would
 * compete for). Running it on the other core beside a one-worker batch shows
 * how much of a two-worker run's extra CPU the machine itself adds, with no
 * shared state at all. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  uint64_t x = 88172645463325252ull;
  volatile uint64_t sink = 0;
  if (argc < 2) return 2;
  if (strcmp(argv[1], "alu") == 0)
    for (;;) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      sink += x;
    }
  if (strcmp(argv[1], "mem") != 0 || argc < 3) return 2;
  const size_t n = (size_t)atol(argv[2]) * 1024 / sizeof(uint64_t);
  if (n < 2) return 2;
  uint64_t* a = malloc(n * sizeof *a);
  if (!a) return 1;
  for (size_t i = 0; i < n; ++i) a[i] = i;
  for (size_t i = n - 1; i > 0; --i) { /* a random cycle: every read misses */
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const size_t j = (size_t)(x % (i + 1));
    const uint64_t t = a[i];
    a[i] = a[j], a[j] = t;
  }
  for (uint64_t p = 0;;) sink += (p = a[p]);
}
