/*
 * ast.h — the syntax tree of Spark SQL statements.
 *
 * The parser (parser.c) builds these nodes in an arena; the analyzer
 * (plan/analyzer.c) resolves them into logical plans. Every node records the
 * 0-based character range [start, stop] (inclusive) of its text in the
 * statement, for error query contexts. Names are kept as written (the
 * analyzer compares them case-insensitively); backquotes are removed.
 * Lists are arrays of pointers with a count.
 */
#ifndef CN_AST_H
#define CN_AST_H

#include "base/arena.h"
#include "base/error.h"

typedef struct cn_ast cn_ast;

typedef enum cn_ast_kind {
    /* ---- expressions ---- */
    AST_LITERAL,      /* lit */
    AST_COLUMN,       /* name: parts "t", "a" for t.a */
    AST_STAR,         /* star: optional qualifier (t.*) */
    AST_FUNC,         /* func: name(args), DISTINCT, count(*) as is_star */
    AST_BINARY,       /* binary: op, l, r (arithmetic, comparison, AND, OR, ||) */
    AST_UNARY,        /* unary: op ('-', '+', NOT, '~'), arg */
    AST_CASE,         /* case_: optional operand, whens/thens, else */
    AST_CAST,         /* cast: arg, type text; is_try for try_cast */
    AST_IN_LIST,      /* in: arg, list, negated */
    AST_IN_SUBQUERY,  /* in: args (1 or more: (a, b) IN (select ...)), query, negated */
    AST_EXISTS,       /* sub: query, negated */
    AST_SCALAR_SUBQUERY, /* sub: query */
    AST_BETWEEN,      /* between: arg, lo, hi, negated */
    AST_LIKE,         /* like: arg, pattern, escape char, negated; op "like"/"ilike"/"rlike" */
    AST_IS,           /* is: arg, what (NULL, TRUE, FALSE, DISTINCT FROM other), negated */
    AST_EXTRACT,      /* extract: field name, arg  (EXTRACT(YEAR FROM d)) */
    AST_TYPED_LITERAL,/* typed: type name ("DATE", "TIMESTAMP", "X", ...), text */
    AST_INTERVAL,     /* interval: parts of (value text, unit), or a string with from/to units */
    AST_PAREN_LIST,   /* row constructor (a, b) used on the left of IN; list */
    /* ---- relations ---- */
    AST_TABLE,        /* table: name parts, alias, column aliases */
    AST_SUBQUERY_REL, /* subrel: query, alias, column aliases */
    AST_JOIN,         /* join: type, left, right, on, using; implicit for comma joins */
    AST_VALUES,       /* values: rows of expression lists, alias, column names */
    /* ---- queries ---- */
    AST_SELECT,       /* select: the core SELECT ... FROM ... WHERE ... GROUP BY ... HAVING */
    AST_SETOP,        /* setop: UNION / INTERSECT / EXCEPT [ALL|DISTINCT] */
    AST_QUERY,        /* query: WITH ctes, body (SELECT, SETOP, VALUES or QUERY), ORDER BY, LIMIT, OFFSET */
    /* ---- statements ---- */
    AST_CREATE_VIEW,  /* create_view: [OR REPLACE] [GLOBAL] TEMPORARY VIEW name [(cols)] USING fmt OPTIONS(...) | AS query */
    AST_CREATE_TABLE, /* create_view reused: CREATE TABLE name [(col type, ...)] USING fmt OPTIONS (...) [AS query] */
    AST_DROP_VIEW,    /* drop: DROP VIEW|TABLE [IF EXISTS] name */
    AST_SET,          /* set: SET (key NULL) lists; SET k (value NULL) shows; SET k=v; SET -v */
    AST_RESET,        /* set: RESET [key] */
    AST_EXPLAIN,      /* explain: mode, statement */
    AST_SHOW_TABLES,  /* show: nothing */
    AST_SHOW_COLUMNS, /* show: table name */
    AST_DESCRIBE,     /* describe: table name parts, or query; extended */
    AST_CACHE,        /* cache: [LAZY] name [AS query] */
    AST_UNCACHE,      /* cache: [IF EXISTS] name */
    AST_CLEAR_CACHE,
    AST_QUERY_STMT,   /* a query as a statement: query in `stmt` */
    /* ---- additions (appended to keep the numbering above) ---- */
    AST_WINDOW,       /* window: OVER (PARTITION BY ... ORDER BY ... frame) or a named window */
    AST_TVF,          /* tvf: table-valued function in FROM, e.g. range(10) [AS t(c)] */
    AST_ALIAS,        /* alias: `expr AS name` inside call arguments and row constructors (struct(a AS x)) */
    AST_LAMBDA,       /* lambda: x -> body, (x, y) -> body (higher-order function arguments) */
    AST_SUBSCRIPT,    /* subscript: arg[index] */
    AST_FIELD         /* field: arg.name where arg is not a plain column path (f(x).a, a[0].b) */
} cn_ast_kind;

/* Numeric literals: lit.text is the number as written without its suffix, with a
 * leading '-' when the literal was negated in the text (-128Y is one literal, as in
 * Spark); lit.suffix is the upper-case suffix letter ('L', 'S', 'Y', 'D', 'F'), 'B'
 * for BD, or 0. The parser has already range-checked suffixed literals
 * (INVALID_NUMERIC_LITERAL_RANGE) and decimal precision. */
typedef enum {
    LIT_NULL, LIT_BOOL, LIT_INTEGER, /* digits, maybe with suffix in `suffix`: L S Y */
    LIT_DECIMAL,   /* 1.5 or 1.5BD / 1BD */
    LIT_DOUBLE,    /* 1.5e3, 1D, 1.5F (suffix F -> float) */
    LIT_STRING
} cn_lit_kind;

typedef enum {
    JOIN_INNER, JOIN_LEFT, JOIN_RIGHT, JOIN_FULL, JOIN_LEFT_SEMI, JOIN_LEFT_ANTI, JOIN_CROSS,
    JOIN_EXISTENCE /* planner-only (Spark's ExistenceJoin): every left row once, plus a boolean
                      flag column (the last output) saying whether it matched */
} cn_join_type;

typedef enum { SETOP_UNION, SETOP_INTERSECT, SETOP_EXCEPT } cn_setop_kind;

typedef enum { EXPLAIN_SIMPLE, EXPLAIN_EXTENDED, EXPLAIN_FORMATTED, EXPLAIN_CODEGEN, EXPLAIN_COST } cn_explain_mode;

typedef enum { IS_NULL_, IS_TRUE_, IS_FALSE_, IS_UNKNOWN_, IS_DISTINCT_FROM_ } cn_is_what;

/* Window frame bounds (AST_WINDOW). */
typedef enum {
    FRAME_NONE, FRAME_UNBOUNDED_PRECEDING, FRAME_PRECEDING, FRAME_CURRENT_ROW, FRAME_FOLLOWING,
    FRAME_UNBOUNDED_FOLLOWING
} cn_frame_bound;

typedef struct cn_ast_list {
    int n;
    cn_ast **items;
} cn_ast_list;

typedef struct cn_name {
    int n;
    char **parts; /* ["db", "t"] for db.t */
} cn_name;

typedef struct cn_select_item {
    cn_ast *expr;
    char *alias; /* NULL when none */
} cn_select_item;

typedef struct cn_sort_item {
    cn_ast *expr;
    bool desc;
    int nulls; /* 0 = default (ASC: NULLS FIRST, DESC: NULLS LAST), 1 = NULLS FIRST, 2 = NULLS LAST */
} cn_sort_item;

typedef struct cn_cte {
    char *name;
    int ncols;
    char **cols; /* column alias list or NULL */
    cn_ast *query;
    int start, stop;
} cn_cte;

typedef struct cn_option {
    char *key;   /* as written, e.g. "header" or "path" */
    char *value; /* string value, booleans and numbers as their text */
} cn_option;

typedef struct cn_column_def {
    char *name;
    char *type; /* type text, e.g. "DECIMAL(12,2)" */
} cn_column_def;

struct cn_ast {
    cn_ast_kind kind;
    int start, stop; /* character range of the node's text, inclusive */
    union {
        /* text unquoted for strings; len is a string's length in bytes, which may hold NULs */
        struct { cn_lit_kind kind; char *text; int len; char suffix; bool val; } lit;
        cn_name name;                                           /* AST_COLUMN */
        struct { cn_name qualifier; } star;                     /* qualifier.n == 0 for plain * */
        /* Function calls. Special syntax is normalised by the parser:
         *   CURRENT_DATE / CURRENT_TIMESTAMP / CURRENT_USER without parentheses -> no args;
         *   SUBSTRING(x FROM a [FOR b]) -> "substring"(x, a[, b]);
         *   TRIM([BOTH|LEADING|TRAILING] [c] FROM x) -> "trim"/"ltrim"/"rtrim"(x[, c])
         *     (note: source first, then the trim characters);
         *   POSITION(a IN b) -> "position"(a, b);
         *   TIMESTAMPADD/DATEADD/DATE_ADD(unit, n, ts) -> "timestampadd"(unit, n, ts) and
         *   TIMESTAMPDIFF/DATEDIFF/DATE_DIFF(unit, a, b) -> "timestampdiff"(unit, a, b), where
         *     the unit is an AST_LITERAL string in upper case (e.g. "MICROSECOND");
         *   GROUP BY CUBE(a, b) / ROLLUP(a, b) are calls named as written; GROUPING SETS
         *     ((a), (a, b)) is a call named "grouping_sets" whose args are AST_PAREN_LISTs
         *     (or single expressions); GROUP BY a, b WITH ROLLUP|CUBE wraps the list likewise.
         * `over` is an AST_WINDOW for window functions, else NULL. */
        struct { char *name; cn_ast_list args; bool distinct; bool is_star; cn_ast *filter; cn_ast *over; } func;
        struct { char op[8]; cn_ast *l, *r; } binary; /* "+","-","*","/","%","div","=","==","<=>","<>","!=","<","<=",">",">=","and","or","||","&","|","^" */
        struct { char op[8]; cn_ast *arg; } unary;    /* "-", "+", "not", "~" */
        struct { cn_ast *operand; cn_ast_list whens, thens; cn_ast *else_; } case_;
        struct { cn_ast *arg; char *type; bool is_try; } cast;
        struct { cn_ast *arg; cn_ast_list list; cn_ast *query; bool negated; } in; /* arg may be AST_PAREN_LIST */
        struct { cn_ast *query; bool negated; } sub;
        struct { cn_ast *arg, *lo, *hi; bool negated; } between;
        struct { cn_ast *arg, *pattern; char escape; bool has_escape; bool negated; char op[8]; } like;
        struct { cn_ast *arg; cn_is_what what; cn_ast *other; bool negated; } is;
        struct { char *field; cn_ast *arg; } extract;
        struct { char *type; char *text; } typed;
        struct {
            int n;
            char **values; /* value texts (may have sign) */
            char **units;  /* "year","month","week","day","hour","minute","second","millisecond","microsecond" (singular, lower) */
            char *from, *to; /* for INTERVAL '1-2' YEAR TO MONTH: values[0] is the string, units[0]=from */
            /* INTERVAL '1 day 2 hours' (a bare string): n = 1, values[0] the string, units[0] NULL */
        } interval;
        cn_ast_list list; /* AST_PAREN_LIST */

        struct { cn_name name; char *alias; int ncols; char **cols; } table;
        struct { cn_ast *query; char *alias; int ncols; char **cols; } subrel;
        struct { cn_join_type type; cn_ast *left, *right, *on; int nusing; char **using_; bool natural; bool implicit; } join;
        struct { int nrows; cn_ast_list *rows; char *alias; int ncols; char **cols; } values;

        struct {
            bool distinct;
            int nitems;
            cn_select_item *items;
            cn_ast *from;      /* NULL for SELECT without FROM; comma lists are implicit cross JOINs */
            cn_ast *where;
            cn_ast_list group_by; /* expressions; integer literals are ordinals */
            bool group_by_all;    /* GROUP BY ALL */
            cn_ast *having;
            int nhints;
            char **hint_names;    /* "BROADCAST", "MERGE", "SHUFFLE_HASH", ... */
            cn_ast_list *hint_args; /* per hint: AST_COLUMN names of relations (AST_LITERAL for numbers) */
            int nwindows;         /* WINDOW w AS (...), ...: names and AST_WINDOW specs */
            char **window_names;
            cn_ast **windows;
        } select;
        struct { cn_setop_kind op; bool all; cn_ast *l, *r; } setop;
        struct {
            int nctes;
            cn_cte *ctes;
            cn_ast *body;
            int norder;
            cn_sort_item *order;
            cn_ast *limit;  /* expression or NULL; LIMIT ALL -> NULL */
            cn_ast *offset;
            /* additions: SORT BY (per-partition sort), DISTRIBUTE BY; CLUSTER BY x sets both
             * (distribute by x, sort by x ASC) */
            int nsort_by;
            cn_sort_item *sort_by;
            cn_ast_list distribute_by;
        } query;

        struct {
            bool or_replace, temporary, global, if_not_exists;
            cn_name name;
            int ncols;
            cn_column_def *cols; /* names, with types for USING views/tables (type NULL when absent) */
            char *provider;      /* "csv", ... or NULL */
            int noptions;
            cn_option *options;
            cn_ast *query;       /* AS query, or NULL */
        } create_view;
        struct { cn_name name; bool if_exists; bool is_view; } drop;
        struct { char *key; char *value; bool verbose; } set; /* key NULL = list all */
        struct { cn_explain_mode mode; cn_ast *stmt; } explain;
        struct { cn_name name; cn_ast *query; bool extended; } describe; /* query set for DESCRIBE QUERY */
        struct { cn_name name; bool lazy; bool if_exists; cn_ast *query; int noptions; cn_option *options; } cache;
        struct { cn_ast *query; } stmt;

        /* additions */
        struct { cn_name name; char *pattern; } show; /* SHOW TABLES [IN db] [LIKE 'p']: name = db;
                                                        SHOW COLUMNS IN t [IN db]: name = [db.]t */
        struct {
            char *ref;               /* OVER w / w AS (ref ...): a named window, else NULL */
            cn_ast_list partition_by;
            int norder;
            cn_sort_item *order;
            int frame;               /* 0 none, 1 ROWS, 2 RANGE */
            cn_frame_bound lo_kind, hi_kind; /* hi_kind FRAME_NONE: single bound (lo .. CURRENT ROW) */
            cn_ast *lo, *hi;         /* offsets for FRAME_PRECEDING / FRAME_FOLLOWING */
        } window;
        struct { char *name; cn_ast_list args; char *alias; int ncols; char **cols; } tvf;
        struct { cn_ast *arg; char *name; } alias;
        struct { int nparams; char **params; cn_ast *body; } lambda;
        struct { cn_ast *arg, *index; } subscript;
        struct { cn_ast *arg; char *name; } field;
    } u;
};

/* Parse exactly one statement (a trailing ';' is allowed). On a syntax error
 * fills err with [PARSE_SYNTAX_ERROR] (parameters "error": the offending token
 * quoted as Spark quotes it, e.g. "'FROM'", or "end of input"; "hint": "") and
 * returns -1. Blank input: [PARSE_EMPTY_STATEMENT]. Checks Spark makes while
 * building its tree fail with their own classes and a query context (see
 * sql/README.md). Node positions are byte offsets; see cn_sql_char_index. */
int cn_sql_parse(const char *sql, cn_arena *a, cn_ast **out, cn_error *err);

/* Split a script into statements at ';' outside quotes, comments and
 * backquotes. Returns the count; *out holds malloc'd strings (trimmed,
 * empty statements dropped) in a malloc'd array. */
int cn_sql_split(const char *script, char ***out);
/* Same, and *offsets (malloc'd) gets each statement's byte offset in script. */
int cn_sql_split_offsets(const char *script, char ***out, int **offsets);

/* A byte offset in sql as Spark counts characters (UTF-16 code units), for
 * golden-file query contexts of statements with non-ASCII text. */
int cn_sql_char_index(const char *sql, int byte_offset);

/* Is the tree deeper than CN_MAX_TREE_DEPTH nodes along some path? (cn_sql_parse fails
 * such a statement with [FAILED_TO_PARSE_TOO_COMPLEX]; the walk stops at the limit.) */
bool cn_ast_too_deep(const cn_ast *n);

/* Node constructor used by the parser. */
cn_ast *cn_ast_new(cn_arena *a, cn_ast_kind kind, int start, int stop);
/* Name parts joined with '.', backquoted where needed, for messages: `db`.`t`. */
char *cn_name_quoted(cn_arena *a, const cn_name *n);

#endif
