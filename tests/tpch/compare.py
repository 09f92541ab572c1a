#!/usr/bin/env python3
"""compare.py ACTUAL EXPECTED [--ordered] [--types FILE]

Compare a query's TSV output (one row per line, tab-separated, as printed by
`cinder sql --format tsv`) with the expected TSV. Rows are compared in order
when --ordered (the query has ORDER BY), else as multisets. Fields compare as
text, except columns marked `double` in the optional types file (one word per
column, tab-separated: e.g. "str\tdouble"), which compare numerically with a
relative tolerance of 1e-9. Exit 0 when equal; else print the first
differences and exit 1.
"""
import sys


def load(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        text = f.read()
    return [line.split("\t") for line in text.split("\n")[:-1]] if text else []


def field_eq(a, b, kind):
    if a == b:
        return True
    if kind == "double":
        try:
            x, y = float(a), float(b)
        except ValueError:
            return False
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300)
    return False


def row_eq(a, b, kinds):
    if len(a) != len(b):
        return False
    return all(field_eq(x, y, kinds[i] if i < len(kinds) else "") for i, (x, y) in enumerate(zip(a, b)))


def main():
    args = sys.argv[1:]
    ordered = "--ordered" in args
    kinds = []
    if "--types" in args:
        i = args.index("--types")
        with open(args[i + 1]) as f:
            kinds = f.read().strip().split("\t")
        del args[i:i + 2]
    args = [a for a in args if a != "--ordered"]
    actual, expected = load(args[0]), load(args[1])
    if not ordered:
        if kinds and "double" in kinds:
            # sort on the non-double columns only, then compare pairwise
            def key(r):
                return [v for i, v in enumerate(r) if i >= len(kinds) or kinds[i] != "double"]
        else:
            def key(r):
                return r
        actual = sorted(actual, key=key)
        expected = sorted(expected, key=key)
    problems = []
    if len(actual) != len(expected):
        problems.append(f"{len(actual)} rows, expected {len(expected)}")
    for i in range(max(len(actual), len(expected))):
        a = actual[i] if i < len(actual) else None
        e = expected[i] if i < len(expected) else None
        if a is None or e is None or not row_eq(a, e, kinds):
            problems.append(f"row {i + 1}: got      {'|'.join(a) if a is not None else '(none)'}")
            problems.append(f"{'':>{len(str(i + 1)) + 5}} expected {'|'.join(e) if e is not None else '(none)'}")
        if len(problems) >= 9:
            break
    if problems:
        print("\n".join("    " + p for p in problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
