/* Calls the entry points of Inputs/model.mlir through the generated header,
 * both directly and packed, and prints the results. */

#include "model.h"

#include <stdio.h>

static _Alignas(64) unsigned char arena[PREDICT_ARENA_SIZE +
                                        CLASSIFY_ARENA_SIZE + EMBED_ARENA_SIZE];

int main(void) {
  const float x[6] = {0, 0.25f, 0.5f, 0.75f, 1, 1.25f};
  const float w[12] = {-1, -0.5f, 0, 0.5f, 1, 1.5f, 2, 2.5f, -2, -1, 0, 1};
  float y[8];
  predict(x, w, y, arena);
  printf("predict:");
  for (int i = 0; i < 8; ++i)
    printf(" %.4f", y[i]);
  printf("\n");

  const float c[6] = {0.5f, 2, -1, 3, -4, 3};
  int64_t labels[2] = {-1, -1};
  void *args[] = {(void *)c, labels, arena};
  classify_packed(args);
  printf("classify: %lld %lld\n", (long long)labels[0], (long long)labels[1]);

  const float table[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  const int64_t ids[3] = {3, 0, -1};
  float rows[6];
  embed(table, ids, rows, arena);
  printf("embed:");
  for (int i = 0; i < 6; ++i)
    printf(" %g", rows[i]);
  printf("\n");
  return 0;
}
