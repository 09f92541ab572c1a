// spark_text.mjs — values as Spark prints them (CAST(x AS STRING)), for the scripts that
// turn DuckDB's answers into text compared with Cinder's: query.mjs (TPC-H answers and
// bench/), golden.mjs (expected results of golden tests) and tests/diff/duck.mjs (the
// differential fuzzer's oracle).

// Java's Double.toString: plain notation in [1e-3, 1e7), else d.dddE<exp>; always a '.'.
export function javaDouble(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, e] = x.toExponential().split('e');
  return (mant.includes('.') ? mant : mant + '.0') + 'E' + parseInt(e, 10);
}
