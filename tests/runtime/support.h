/*
 * support.h — helpers shared by the runtime tests: a scratch directory,
 * writing input files, and running rt_main in a child process with its
 * stdout and stderr captured.
 */
#ifndef RT_TEST_SUPPORT_H
#define RT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dealrt.h"
#include "rt_internal.h"

/* a fresh directory under /tmp, removed (with its files) at exit */
const char *t_dir(void);
/* t_dir()/name, in a static rotating buffer */
const char *t_path(const char *name);
void t_write(const char *name, const char *text);
int t_exists(const char *name);
/* reads a file; caller frees; NULL if missing */
char *t_slurp(const char *path);

typedef struct t_result {
    int status;  /* exit status, or 128 + signal */
    char *out;   /* captured stdout */
    char *err;   /* captured stderr */
} t_result;

/* Runs rt_main(argv) in a child; argv is NULL-terminated, argv[0] included. */
t_result t_run(rt_describe_fn describe, rt_period_fn period, const char *const *argv);
void t_result_free(t_result *r);

/* assert that haystack contains needle, printing both when not */
#define assert_contains(h, n) t_assert_contains((h), (n), __FILE__, __LINE__)
void t_assert_contains(const char *hay, const char *needle, const char *file, int line);

/* a decimal from text, for readable expectations ("1,234.56", "5.5%") */
rt_dec D(const char *s);

#endif
