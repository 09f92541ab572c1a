/*
 * unit.h — a minimal unit test harness. Each tests/unit/test_*.c is one
 * binary: define tests with TEST(name) { ... } and use CHECK* inside; unit.h
 * supplies main(), which runs every test and ends with the line
 * "<binary>: N passed, N failed". Exit status 1 if any test failed.
 */
#ifndef CN_UNIT_H
#define CN_UNIT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*unit_fn)(int *failed);
struct unit_test { const char *name; unit_fn fn; };
static struct unit_test unit_tests[512];
static int unit_ntests;

#define TEST(tname)                                                             \
    static void test_##tname(int *unit_failed_);                                \
    __attribute__((constructor)) static void unit_reg_##tname(void)             \
    {                                                                           \
        unit_tests[unit_ntests].name = #tname;                                  \
        unit_tests[unit_ntests++].fn = test_##tname;                            \
    }                                                                           \
    static void test_##tname(int *unit_failed_)

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            *unit_failed_ = 1;                                                  \
        }                                                                       \
    } while (0)

#define CHECK_INT(a, b)                                                         \
    do {                                                                        \
        long long a_ = (long long)(a), b_ = (long long)(b);                     \
        if (a_ != b_) {                                                         \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
            *unit_failed_ = 1;                                                  \
        }                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                         \
    do {                                                                        \
        const char *a_ = (a), *b_ = (b);                                        \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                   \
            *unit_failed_ = 1;                                                  \
        }                                                                       \
    } while (0)

#define CHECK_DBL(a, b, eps)                                                    \
    do {                                                                        \
        double a_ = (a), b_ = (b);                                              \
        if (fabs(a_ - b_) > (eps)) {                                            \
            fprintf(stderr, "  %s:%d: %s == %.17g, expected %.17g\n", __FILE__, __LINE__, #a, a_, b_); \
            *unit_failed_ = 1;                                                  \
        }                                                                       \
    } while (0)

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    const char *only = argc > 1 ? argv[1] : NULL;
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    for (int i = 0; i < unit_ntests; i++) {
        if (only && strcmp(only, unit_tests[i].name) != 0) continue;
        int f = 0;
        unit_tests[i].fn(&f);
        if (f) {
            failed++;
            fprintf(stderr, "FAIL %s.%s\n", prog, unit_tests[i].name);
        } else {
            passed++;
        }
    }
    printf("%s: %d passed, %d failed\n", prog, passed, failed);
    return failed ? 1 : 0;
}

#endif
