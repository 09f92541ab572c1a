/*
 * error.c — Spark error classes: the table of classes, SQLSTATEs, exception
 * names and message templates, and rendering as text and as golden JSON.
 */
#include "base/error.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>

#define EXC_ANALYSIS "org.apache.spark.sql.AnalysisException"
#define EXC_EXT_ANALYSIS "org.apache.spark.sql.catalyst.ExtendedAnalysisException"
#define EXC_PARSE "org.apache.spark.sql.catalyst.parser.ParseException"
#define EXC_ARITH "org.apache.spark.SparkArithmeticException"
#define EXC_NUMFMT "org.apache.spark.SparkNumberFormatException"
#define EXC_DATETIME "org.apache.spark.SparkDateTimeException"
#define EXC_SPARK "org.apache.spark.SparkException"
#define EXC_ILLEGAL "org.apache.spark.SparkIllegalArgumentException"
#define EXC_RUNTIME "org.apache.spark.SparkRuntimeException"
#define EXC_UNSUPPORTED "org.apache.spark.SparkUnsupportedOperationException"
#define EXC_UPGRADE "org.apache.spark.SparkUpgradeException"

/* X(class, sqlstate, exception, template) */
#define CN_ERROR_CLASSES(X)                                                                      \
    X("PARSE_SYNTAX_ERROR", "42601", EXC_PARSE, "Syntax error at or near <error><hint>.")        \
    X("PARSE_EMPTY_STATEMENT", "42617", EXC_PARSE, "Syntax error, unexpected empty statement.")  \
    X("TABLE_OR_VIEW_NOT_FOUND", "42P01", EXC_EXT_ANALYSIS,                                       \
      "The table or view <relationName> cannot be found. Verify the spelling and correctness "   \
      "of the schema and catalog.")                                                              \
    X("SCHEMA_NOT_FOUND", "42704", "org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException", \
      "The schema <schemaName> cannot be found. Verify the spelling and correctness of the "     \
      "schema and catalog.\nIf you did not qualify the name with a catalog, verify the "          \
      "current_schema() output, or qualify the name with the correct catalog.\nTo tolerate the " \
      "error on drop use DROP SCHEMA IF EXISTS.")                                               \
    X("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07", EXC_ANALYSIS,                                      \
      "Cannot create table or view <relationName> because it already exists.")                   \
    X("RECURSIVE_VIEW", "42K0H", EXC_ANALYSIS, "Recursive view <viewIdent> detected (cycle: <newPath>).") \
    X("VIEW_EXCEED_MAX_NESTED_DEPTH", "54K00", EXC_ANALYSIS,                                       \
      "The depth of view <viewName> exceeds the maximum view resolution depth (<maxNestedDepth>). " \
      "Analysis is aborted to avoid errors. If you want to work around this, please try to "      \
      "increase the value of \"spark.sql.view.maxNestedViewDepth\".")                             \
    X("INCOMPATIBLE_VIEW_SCHEMA_CHANGE", "51024", EXC_ANALYSIS,                                    \
      "The SQL query of view <viewName> has an incompatible schema change and column <colName> "  \
      "cannot be resolved. Expected <expectedNum> columns named <colName> but got <actualCols>.\n" \
      "Please try to re-create the view by running: <suggestion>.")                               \
    X("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703", EXC_EXT_ANALYSIS,                              \
      "A column, variable, or function parameter with name <objectName> cannot be resolved. "    \
      "Did you mean one of the following? [<proposal>].")                                        \
    X("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "42703", EXC_EXT_ANALYSIS,                           \
      "A column, variable, or function parameter with name <objectName> cannot be resolved. ")   \
    X("UNRESOLVED_ROUTINE", "42883", EXC_ANALYSIS,                                                \
      "Cannot resolve routine <routineName> on search path <searchPath>.")                       \
    X("AMBIGUOUS_REFERENCE", "42704", EXC_ANALYSIS,                                               \
      "Reference <name> is ambiguous, could be: <referenceNames>.")                              \
    X("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "42K09", EXC_EXT_ANALYSIS,                        \
      "Cannot resolve <sqlExpr> due to data type mismatch: The <paramIndex> parameter requires " \
      "the <requiredType> type, however <inputSql> has the type <inputType>.")                   \
    X("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES", "42K09", EXC_EXT_ANALYSIS,                         \
      "Cannot resolve <sqlExpr> due to data type mismatch: the left and right operands of the "  \
      "binary operator have incompatible types (<left> and <right>).")                           \
    X("DATATYPE_MISMATCH.DATA_DIFF_TYPES", "42K09", EXC_EXT_ANALYSIS,                              \
      "Cannot resolve <sqlExpr> due to data type mismatch: Input to <functionName> should all "  \
      "be the same type, but it's <dataType>.")                                                  \
    X("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION", "42K09", EXC_EXT_ANALYSIS,                      \
      "Cannot resolve <sqlExpr> due to data type mismatch: cannot cast <srcType> to "            \
      "<targetType>.")                                                                           \
    X("DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH", "42K09", EXC_EXT_ANALYSIS,                  \
      "Cannot resolve <sqlExpr> due to data type mismatch: The number of columns in the left "   \
      "hand side of an IN subquery does not match the number of columns in the output of "       \
      "subquery. Left hand side columns(length: <leftLength>): [<leftColumns>], right hand side " \
      "columns(length: <rightLength>): [<rightColumns>].")                                       \
    X("DIVIDE_BY_ZERO", "22012", EXC_ARITH,                                                      \
      "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL "          \
      "instead. If necessary set <config> to \"false\" to bypass this error.")                   \
    X("CAST_INVALID_INPUT", "22018", EXC_NUMFMT,                                                 \
      "The value <expression> of the type <sourceType> cannot be cast to <targetType> because "  \
      "it is malformed. Correct the value as per the syntax, or change its target type. Use "    \
      "`try_cast` to tolerate malformed input and return NULL instead.")                         \
    X("CAST_OVERFLOW", "22003", EXC_ARITH,                                                       \
      "The value <value> of the type <sourceType> cannot be cast to <targetType> due to an "     \
      "overflow. Use `try_cast` to tolerate overflow and return NULL instead.")                  \
    X("NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION", "22003", EXC_ARITH,                          \
      "<value> cannot be represented as Decimal(<precision>, <scale>). If necessary set "        \
      "<config> to \"false\" to bypass this error, and return NULL instead.")                   \
    X("NUMERIC_VALUE_OUT_OF_RANGE", "22003", EXC_ARITH,                                          \
      "<value> cannot be represented as Decimal(<precision>, <scale>).")                        \
    X("ARITHMETIC_OVERFLOW", "22003", EXC_ARITH,                                                 \
      "<message>.<alternative> If necessary set <config> to \"false\" to bypass this error.")    \
    X("PATH_NOT_FOUND", "42K03", EXC_ANALYSIS, "Path does not exist: <path>.")                   \
    X("MALFORMED_RECORD_IN_PARSING", "22023", EXC_SPARK,                                         \
      "Malformed records are detected in record parsing: <badRecord>.\nParse Mode: "            \
      "<failFastMode>. To process malformed records as null result, try setting the option "     \
      "'mode' as 'PERMISSIVE'.")                                                                 \
    X("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", "22023", EXC_SPARK,                      \
      "Malformed records are detected in record parsing: <badRecord>.\nParse Mode: "            \
      "<failFastMode>. To process malformed records as null result, try setting the option "     \
      "'mode' as 'PERMISSIVE'. ")                                                                \
    X("FAILED_READ_FILE.NO_HINT", "KD001", EXC_SPARK, "Encountered error while reading file <path>. ") \
    X("FAILED_READ_FILE.FILE_NOT_EXIST", "KD001", EXC_SPARK,                                     \
      "Encountered error while reading file <path>. File does not exist. It is possible the "    \
      "underlying files have been updated.\nYou can explicitly invalidate the cache in Spark by " \
      "running 'REFRESH TABLE tableName' command in SQL or by recreating the Dataset/DataFrame " \
      "involved.")                                                                               \
    X("MISSING_AGGREGATION", "42803", EXC_EXT_ANALYSIS,                                           \
      "The non-aggregating expression <expression> is based on columns which are not "          \
      "participating in the GROUP BY clause.\nAdd the columns or the expression to the GROUP "    \
      "BY, aggregate the expression, or use <expressionAnyValue> if you do not care which of "   \
      "the values within a group is returned.")                                                  \
    X("MISSING_GROUP_BY", "42803", EXC_EXT_ANALYSIS,                                              \
      "The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window "   \
      "functions using OVER clauses.")                                                           \
    X("GROUP_BY_AGGREGATE", "42903", EXC_EXT_ANALYSIS,                                            \
      "Aggregate functions are not allowed in GROUP BY, but found <sqlExpr>.")                   \
    X("GROUP_BY_POS_OUT_OF_RANGE", "42805", EXC_EXT_ANALYSIS,                                     \
      "GROUP BY position <index> is not in select list (valid range is [1, <size>]).")           \
    X("ORDER_BY_POS_OUT_OF_RANGE", "42805", EXC_EXT_ANALYSIS,                                     \
      "ORDER BY position <index> is not in select list (valid range is [1, <size>]).")           \
    X("INVALID_WHERE_CONDITION", "42903", EXC_EXT_ANALYSIS,                                       \
      "The WHERE condition <condition> contains invalid expressions: <expressionList>.\nRewrite " \
      "the query to avoid window functions, aggregate functions, and generator functions in "    \
      "the WHERE clause.")                                                                       \
    X("SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION", "0A000", EXC_EXT_ANALYSIS,            \
      "The correlated scalar subquery '<sqlExpr>' is neither present in GROUP BY, nor in an "    \
      "aggregate function.\nAdd it to GROUP BY using ordinal position or wrap it in `first()` "  \
      "(or `first_value`) if you don't care which value you get.")                               \
    X("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY", "0A000", \
      EXC_EXT_ANALYSIS,                                                                          \
      "Unsupported subquery expression: Correlated scalar subqueries must be aggregated to "     \
      "return at most one row.")                                                                 \
    X("SCALAR_SUBQUERY_TOO_MANY_ROWS", "21000", EXC_SPARK,                                       \
      "More than one row returned by a subquery used as an expression.")                         \
    X("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605", EXC_ANALYSIS,                                 \
      "The <functionName> requires <expectedNum> parameters but the actual number is "           \
      "<actualNum>. Please, refer to '<docroot>/sql-ref-functions.html' for a fix.")             \
    X("NUM_COLUMNS_MISMATCH", "42826", EXC_EXT_ANALYSIS,                                          \
      "<operator> can only be performed on inputs with the same number of columns, but the "     \
      "first input has <firstNumColumns> columns and the <invalidOrdinalNum> input has "         \
      "<invalidNumColumns> columns.")                                                            \
    X("INCOMPATIBLE_COLUMN_TYPE", "42825", EXC_EXT_ANALYSIS,                                      \
      "<operator> can only be performed on tables with compatible column types. The "            \
      "<columnOrdinalNumber> column of the <tableOrdinalNumber> table is <dataType1> type which " \
      "is not compatible with <dataType2> at the same column of the first table.<hint>.")       \
    X("DUPLICATED_CTE_NAMES", "42602", EXC_PARSE,                                                \
      "CTE definition can't have duplicate names: <duplicateNames>.")                            \
    X("INVALID_TYPED_LITERAL", "42604", EXC_PARSE,                                               \
      "The value of the typed literal <valueType> is invalid: <value>.")                         \
    X("INVALID_NUMERIC_LITERAL_RANGE", "22003", EXC_PARSE,                                       \
      "Numeric literal <rawStrippedQualifier> is outside the valid range for <typeName> with "   \
      "minimum value of <minValue> and maximum value of <maxValue>. Please adjust the value "    \
      "accordingly.")                                                                            \
    X("DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", "22003", EXC_ARITH,                             \
      "Decimal precision <precision> exceeds max precision <maxPrecision>.")                     \
    X("DATETIME_FIELD_OUT_OF_BOUNDS", "22023", EXC_DATETIME,                                     \
      "<rangeMessage>. If necessary set <ansiConfig> to \"false\" to bypass this error.")        \
    X("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", "42000", EXC_PARSE,                     \
      "Invalid inline table. Inline table expected <expectedNumCols> columns but found "         \
      "<actualNumCols> columns in row <rowIndex>.")                                              \
    X("INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE", "42000",                \
      EXC_EXT_ANALYSIS, "Invalid inline table. Cannot evaluate the expression <expr> in inline " \
      "table definition.")                                                                       \
    X("INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE", "42000", EXC_EXT_ANALYSIS,       \
      "Invalid inline table. Found incompatible types in the column <colName> for inline "       \
      "table.")                                                                                  \
    X("UNSUPPORTED_TYPED_LITERAL", "0A000", EXC_PARSE,                                         \
      "Literals of the type <unsupportedType> are not supported. Supported types are "          \
      "<supportedTypes>.")                                                                       \
    X("CANNOT_PARSE_TIMESTAMP", "22007", EXC_DATETIME,                                           \
      "<message>. Use <func> to tolerate invalid input string and return NULL instead.")         \
    X("INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION", "42K0B", EXC_UPGRADE,    \
      "You may get a different result due to the upgrading to Spark >= 3.0:\nFail to recognize "  \
      "<pattern> pattern in the DateTimeFormatter.\n1) You can set <config> to \"LEGACY\" to "   \
      "restore the behavior before Spark 3.0.\n2) You can form a valid datetime pattern with the " \
      "guide from '<docroot>/sql-ref-datetime-pattern.html'.")                                   \
    X("INVALID_PARAMETER_VALUE.DATETIME_UNIT", "22023", EXC_PARSE,                               \
      "The value of parameter(s) <parameter> in <functionName> is invalid: expects one of the "  \
      "units without quotes YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, "  \
      "MILLISECOND, MICROSECOND, but got the string literal <invalidValue>.")                    \
    X("UNCLOSED_BRACKETED_COMMENT", "42601", EXC_PARSE,                                          \
      "Found an unclosed bracketed comment. Please, append */ at the end of the comment.")      \
    X("FAILED_TO_PARSE_TOO_COMPLEX", "54001", EXC_PARSE,                                         \
      "The statement, including potential SQL functions and referenced views, was too complex "  \
      "to parse.\nTo mitigate this error divide the statement into multiple, less complex "       \
      "chunks.")                                                                                 \
    X("INVALID_ESCAPE_CHAR", "42604", EXC_ANALYSIS,                                              \
      "<sqlExpr> has an invalid escape character; the escape must be a string literal of one "   \
      "character.")                                                                              \
    X("INVALID_DELIMITER_VALUE.EMPTY_STRING", "42602", EXC_ILLEGAL,                              \
      "Invalid value for delimiter. Delimiter cannot be empty string.")                          \
    X("INVALID_DELIMITER_VALUE.UNSUPPORTED_SPECIAL_CHARACTER", "42602", EXC_ILLEGAL,             \
      "Invalid value for delimiter. Unsupported special character for delimiter: <str>.")        \
    X("INVALID_DELIMITER_VALUE.DELIMITER_LONGER_THAN_EXPECTED", "42602", EXC_ILLEGAL,            \
      "Invalid value for delimiter. Delimiter cannot be more than one character: <str>.")        \
    X("ILLEGAL_ARGUMENT", "22023", EXC_ILLEGAL, "<message>")                                     \
    X("COLLECTION_SIZE_LIMIT_EXCEEDED.FUNCTION", "54000", EXC_ILLEGAL,                           \
      "Can't create array with <numberOfElements> elements which exceeding the array size limit " \
      "<maxRoundedArrayLength>, unsuccessful try to create arrays in the function <functionName>.") \
    X("_LEGACY_ERROR_TEMP_0063", "", EXC_PARSE, "<msg>")                                        \
    X("_LEGACY_ERROR_TEMP_1179", "", EXC_ANALYSIS,                                               \
      "Table-valued function <name> with alternatives: <usage>\nCannot be applied to (<arguments>), " \
      "because <details>.")                                                                      \
    X("UNABLE_TO_INFER_SCHEMA", "42KD9", EXC_ANALYSIS,                                           \
      "Unable to infer schema for <format>. It must be specified manually.")                     \
    X("UNSUPPORTED_DATATYPE", "0A000", EXC_PARSE, "Unsupported data type <typeName>.")           \
    X("UNSUPPORTED_FEATURE", "0A000", EXC_UNSUPPORTED, "The feature is not supported: <detail>.") \
    X("UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES", "0A000", EXC_PARSE,                \
      "The feature is not supported: Combination of ORDER BY/SORT BY/DISTRIBUTE BY/CLUSTER BY.") \
    X("CONFIG_NOT_FOUND", "42K0I", EXC_ANALYSIS, "The SQL config <sqlConf> cannot be found.")    \
    X("INVALID_CONF_VALUE", "22022", EXC_ILLEGAL,                                                \
      "The value '<confValue>' in the config \"<confName>\" is invalid.")                       \
    X("ASSIGNMENT_ARITY_MISMATCH", "42802", EXC_ANALYSIS,                                         \
      "The number of columns or variables assigned or aliased: <numTarget> does not match the "  \
      "number of source expressions: <numExpr>.")                                                \
    X("BINARY_ARITHMETIC_OVERFLOW", "22003", EXC_ARITH,                                          \
      "<value1> <symbol> <value2> caused overflow. Use <functionName> to ignore overflow "        \
      "problem and return NULL.")                                                                \
    X("CANNOT_RESOLVE_STAR_EXPAND", "42704", EXC_EXT_ANALYSIS,                                    \
      "Cannot resolve <targetString>.* given input columns <columns>. Please check that the "    \
      "specified table or struct exists and is accessible in the input columns.")                \
    X("CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS", "21S01", EXC_ANALYSIS,         \
      "Cannot create view <viewName>, the reason is not enough data columns:\nView columns: "    \
      "<viewColumns>.\nData columns: <dataColumns>.")                                            \
    X("DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE", "42K09", EXC_EXT_ANALYSIS,                         \
      "Cannot resolve <sqlExpr> due to data type mismatch: the binary operator requires the "    \
      "input type <inputType>, not <actualDataType>.")                                           \
    X("CREATE_VIEW_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS", "21S01", EXC_ANALYSIS,           \
      "Cannot create view <viewName>, the reason is too many data columns:\nView columns: "      \
      "<viewColumns>.\nData columns: <dataColumns>.")                                            \
    X("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN", "42K09", EXC_EXT_ANALYSIS,                           \
      "Cannot resolve <sqlExpr> due to data type mismatch: Filter expression <filter> of type "   \
      "<type> is not a boolean.")                                                                \
    X("DATATYPE_MISMATCH.IN_SUBQUERY_DATA_TYPE_MISMATCH", "42K09", EXC_EXT_ANALYSIS,               \
      "Cannot resolve <sqlExpr> due to data type mismatch: The data type of one or more "        \
      "elements in the left hand side of an IN subquery is not compatible with the data type of " \
      "the output of the subquery. Mismatched columns: [<mismatchedColumns>], left side: "       \
      "[<leftType>], right side: [<rightType>].")                                                \
    X("FAILED_FUNCTION_CALL", "38000", EXC_ANALYSIS,                                             \
      "Failed preparing of the function <funcName> for call. Please, double check function's "   \
      "arguments.")                                                                              \
    X("GROUP_BY_POS_AGGREGATE", "42903", EXC_EXT_ANALYSIS,                                        \
      "GROUP BY <index> refers to an expression <aggExpr> that contains an aggregate function. "  \
      "Aggregate functions are not allowed in GROUP BY.")                                        \
    X("ILLEGAL_DAY_OF_WEEK", "22009", EXC_ILLEGAL, "Illegal input for day of week: <string>.")   \
    X("INVALID_DELIMITER_VALUE.SINGLE_BACKSLASH", "42602", EXC_ILLEGAL,                          \
      "Invalid value for delimiter. Single backslash is prohibited. It has special meaning as "  \
      "beginning of an escape sequence. To get the backslash character, pass a string with two " \
      "backslashes as the delimiter.")                                                           \
    X("INVALID_EXTRACT_FIELD", "42601", EXC_ANALYSIS, "Cannot extract <field> from <expr>.")     \
    X("INVALID_FORMAT.ESC_AT_THE_END", "42601", EXC_ANALYSIS,                                    \
      "The format is invalid: <format>. The escape character is not allowed to end with.")       \
    X("INVALID_FORMAT.ESC_IN_THE_MIDDLE", "42601", EXC_ANALYSIS,                                 \
      "The format is invalid: <format>. The escape character is not allowed to precede <char>.") \
    X("INVALID_INTERVAL_FORMAT.INVALID_UNIT", "22006", EXC_ILLEGAL,                              \
      "Error parsing '<input>' to interval. Please ensure that the value provided is in a "      \
      "valid format for defining an interval. You can reference the documentation for the "      \
      "correct format. Invalid unit <unit>.")                                                    \
    X("INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE", "42K0E", EXC_EXT_ANALYSIS,                       \
      "The limit like expression <expr> is invalid. The <name> expression must be integer type, " \
      "but got <dataType>.")                                                                     \
    X("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "42K0E", EXC_EXT_ANALYSIS,                     \
      "The limit like expression <expr> is invalid. The <name> expression must be equal to or "  \
      "greater than 0, but got <v>.")                                                            \
    X("INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL", "42K0E", EXC_EXT_ANALYSIS,                         \
      "The limit like expression <expr> is invalid. The evaluated <name> expression must not be " \
      "null.")                                                                                   \
    X("INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE", "42K0E", EXC_EXT_ANALYSIS,                   \
      "The limit like expression <expr> is invalid. The <name> expression must evaluate to a "   \
      "constant value.")                                                                         \
    X("INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN", "42823",  \
      EXC_EXT_ANALYSIS, "Invalid subquery: Scalar subquery must return only one column, but got " \
      "<number>.")                                                                               \
    X("INVALID_USAGE_OF_STAR_OR_REGEX", "42000", EXC_ANALYSIS,                                   \
      "Invalid usage of <elem> in <prettyName>.")                                                \
    X("NESTED_AGGREGATE_FUNCTION", "42607", EXC_EXT_ANALYSIS,                                     \
      "It is not allowed to use an aggregate function in the argument of another aggregate "     \
      "function. Please use the inner aggregate function in a sub-query.")                       \
    X("UNRESOLVABLE_TABLE_VALUED_FUNCTION", "42883", EXC_ANALYSIS,                               \
      "Could not resolve <name> to a table-valued function.\nPlease make sure that <name> is "   \
      "defined as a table-valued function and that all required parameters are provided "       \
      "correctly.\nIf <name> is not defined, please create the table-valued function before "    \
      "using it.\nFor more information about defining table-valued functions, please refer to "  \
      "the Apache Spark documentation.")                                                         \
    X("UNRESOLVED_USING_COLUMN_FOR_JOIN", "42703", EXC_ANALYSIS,                                 \
      "USING column <colName> cannot be resolved on the <side> side of the join. The "           \
      "<side>-side columns: [<suggestion>].")                                                    \
    X("UNSUPPORTED_EXPR_FOR_OPERATOR", "42K0E", EXC_EXT_ANALYSIS,                                 \
      "A query operator contains one or more unsupported expressions.\nConsider to rewrite it "  \
      "to avoid window functions, aggregate functions, and generator functions in the WHERE "    \
      "clause.\nInvalid expressions: [<invalidExprSqls>]")                                       \
    X("WRONG_NUM_ARGS.WITH_SUGGESTION", "42605", EXC_ANALYSIS,                                    \
      "The <functionName> requires <expectedNum> parameters but the actual number is "           \
      "<actualNum>. If you have to call this function with <legacyNum> parameters, set the "     \
      "legacy configuration <legacyConfKey> to <legacyConfValue>.")                              \
    X("_LEGACY_ERROR_TEMP_0029", "", EXC_PARSE, "Cannot mix year-month and day-time fields: <literal>.") \
    X("_LEGACY_ERROR_TEMP_1021", "", EXC_ANALYSIS,                                               \
      "count(<targetString>.*) is not allowed. Please use count(*) or expand the columns "       \
      "manually, e.g. count(col1, col2).")                                                       \
    X("INVALID_CONF_VALUE.TIME_ZONE", "22022", EXC_ILLEGAL,                                      \
      "The value '<confValue>' in the config \"<confName>\" is invalid. Cannot resolve the "     \
      "given timezone.")                                                                         \
    X("TASK_FAILED", "XX000", EXC_SPARK,                                                         \
      "Job aborted due to stage failure: Task <task> in stage <stage> failed <attempts> times.") \
    X("TOTAL_RESULT_SIZE_EXCEEDED", "XX000", EXC_SPARK,                                          \
      "Total size of serialized results (<size>) is bigger than spark.driver.maxResultSize "     \
      "(<limit>).")                                                                              \
    X("OPERATION_CANCELED", "HY008", EXC_SPARK, "Operation has been canceled.")                  \
    X("INTERNAL_ERROR", "XX000", EXC_SPARK, "<message>")                                        \
    X("IO_ERROR", "58030", EXC_SPARK, "<message>")

typedef struct {
    const char *cls, *state, *exc, *tmpl;
} err_class;

static const err_class ERR_CLASSES[] = {
#define X(c, s, e, t) {c, s, e, t},
    CN_ERROR_CLASSES(X)
#undef X
};

static const err_class *class_lookup(const char *cls)
{
    for (int i = 0; i < CN_ARRAY_LEN(ERR_CLASSES); i++)
        if (strcmp(ERR_CLASSES[i].cls, cls) == 0) return &ERR_CLASSES[i];
    return NULL;
}

bool cn_error_class_info(const char *cls, const char **sqlstate, const char **exception, const char **tmpl)
{
    const err_class *c = class_lookup(cls);
    if (!c) return false;
    if (sqlstate) *sqlstate = c->state;
    if (exception) *exception = c->exc;
    if (tmpl) *tmpl = c->tmpl;
    return true;
}

int cn_error_class_count(void) { return CN_ARRAY_LEN(ERR_CLASSES); }

const char *cn_error_class_name(int i) { return i >= 0 && i < CN_ARRAY_LEN(ERR_CLASSES) ? ERR_CLASSES[i].cls : NULL; }

static bool is_legacy(const char *cls) { return strncmp(cls, "_LEGACY_ERROR_", 14) == 0; }

void cn_error_init(cn_error *e)
{
    memset(e, 0, sizeof(*e));
    e->start = e->stop = -1;
    e->bstart = e->bstop = e->bpos = -1;
}

void cn_error_clear(cn_error *e)
{
    for (int i = 0; i < e->nparams; i++) {
        free(e->keys[i]);
        free(e->vals[i]);
    }
    free(e->fragment);
    free(e->detail);
    free(e->sql);
    cn_error_init(e);
}

static void error_set_va(cn_error *e, const char *cls, va_list ap)
{
    if (e->set) cn_error_clear(e);
    e->set = true;
    snprintf(e->cls, sizeof e->cls, "%s", cls);
    const err_class *c = class_lookup(cls);
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", c ? c->state : "XX000");
    e->exception = c ? c->exc : EXC_SPARK;
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);
        if (e->nparams < CN_ERR_MAX_PARAMS) {
            e->keys[e->nparams] = cn_xstrdup(k);
            e->vals[e->nparams] = cn_xstrdup(v ? v : "");
            e->nparams++;
        }
    }
}

int cn_error_set(cn_error *e, const char *cls, ...)
{
    va_list ap;
    va_start(ap, cls);
    error_set_va(e, cls, ap);
    va_end(ap);
    return -1;
}

int cn_error_setf_detail(cn_error *e, const char *cls, const char *fmt, ...)
{
    cn_error_set(e, cls, NULL);
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    e->detail = cn_xstrdup(buf);
    /* INTERNAL_ERROR / IO_ERROR carry their text as <message> */
    if (class_lookup(cls) && strstr(class_lookup(cls)->tmpl, "<message>") && e->nparams == 0) {
        e->keys[0] = cn_xstrdup("message");
        e->vals[0] = cn_xstrdup(buf);
        e->nparams = 1;
        free(e->detail);
        e->detail = NULL;
    }
    return -1;
}

/* Java string indexes: UTF-16 code units up to byte offset n of s */
static int char_index(const char *s, int n) { return cn_utf16_units(s, n); }

void cn_error_context(cn_error *e, const char *sql, int start, int stop)
{
    if (!e->set || e->start >= 0 || !sql) return;
    int len = (int)strlen(sql);
    if (start < 0 || start >= len) return;
    if (stop >= len) stop = len - 1;
    if (stop < start) stop = start;
    /* the fragment ends after the last byte of the character at stop */
    int end = stop + 1;
    while (end < len && ((unsigned char)sql[end] & 0xC0) == 0x80) end++;
    free(e->fragment);
    e->fragment = cn_xstrndup(sql + start, (size_t)(end - start));
    /* Spark counts characters (UTF-16 units), not bytes */
    e->start = char_index(sql, start);
    e->stop = char_index(sql, stop);
    e->bstart = start;
    e->bstop = end - 1;
    free(e->sql);
    e->sql = cn_xstrdup(sql);
}

void cn_error_position(cn_error *e, const char *sql, int byte_offset)
{
    if (!e->set || !sql || e->bpos >= 0 || e->fragment) return;
    int len = (int)strlen(sql);
    if (byte_offset < 0) return;
    if (byte_offset > len) byte_offset = len;
    e->bpos = byte_offset;
    free(e->sql);
    e->sql = cn_xstrdup(sql);
}

void cn_error_origin(cn_error *e, int line, int col)
{
    e->origin_line = line;
    e->origin_col = col;
}

void cn_error_detail(cn_error *e, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (e->detail) {
        char *n = cn_xmalloc(strlen(e->detail) + strlen(buf) + 3);
        sprintf(n, "%s; %s", e->detail, buf);
        free(e->detail);
        e->detail = n;
    } else {
        e->detail = cn_xstrdup(buf);
    }
}

const char *cn_error_param(const cn_error *e, const char *key)
{
    for (int i = 0; i < e->nparams; i++)
        if (strcmp(e->keys[i], key) == 0) return e->vals[i];
    return NULL;
}

/* Spark's SPARK_DOC_ROOT, which its error reader passes as <docroot> */
#define SPARK_DOC_ROOT "https://spark.apache.org/docs/latest"

/* Line (1-based) and column (0-based, in characters) of byte offset off of the statement, counted
 * in the whole input when the error knows where the statement starts. */
static void locate(const cn_error *e, int off, int *line, int *col)
{
    const char *s = e->sql;
    int l = 1, bol = 0;
    for (int i = 0; i < off && s[i]; i++)
        if (s[i] == '\n') l++, bol = i + 1;
    int c = char_index(s + bol, off - bol);
    if (e->origin_line > 0) {
        if (l == 1) c += e->origin_col;
        l += e->origin_line - 1;
    }
    *line = l;
    *col = c;
}

/* SQLQueryContext.summary: the lines holding the fragment, at most 32 characters of other text
 * on each side ("..." where cut), each followed by a line with '^' under the fragment. Works on
 * bytes; a UTF-8 sequence gets one marker. */
static void context_block(cn_strbuf *sb, const cn_error *e)
{
    const char *t = e->sql;
    int len = (int)strlen(t), s = e->bstart, z = e->bstop;
    int line, col;
    locate(e, s, &line, &col);
    cn_sb_printf(sb, "== SQL (line %d, position %d) ==\n", line, col + 1);
    const int extra = 32;
    int ls = s;
    while (ls >= 0 && char_index(t + ls, s - ls) <= extra && t[ls] != '\n') ls--;
    bool cut_start = ls >= 0 && t[ls] != '\n';
    int le = z;
    while (le < len && char_index(t + z, le - z) <= extra && t[le] != '\n') le++;
    bool cut_stop = le < len && t[le] != '\n';
    /* lines of t[ls+1, le) */
    int i = ls + 1;
    bool first = true;
    while (i < le || first) {
        int j = i;
        while (j < le && t[j] != '\n') j++;
        if (first && cut_start) cn_sb_puts(sb, "...");
        cn_sb_putn(sb, t + i, (size_t)(j - i));
        if (j >= le && cut_stop) cn_sb_puts(sb, "...");
        cn_sb_putc(sb, '\n');
        if (first && cut_start) cn_sb_puts(sb, "   ");
        for (int k = i; k < j; k++) {
            if (((unsigned char)t[k] & 0xC0) == 0x80) continue;
            if (k < s) cn_sb_putc(sb, ' ');
            else if (k <= z) cn_sb_putc(sb, '^');
        }
        cn_sb_putc(sb, '\n');
        first = false;
        i = j + 1;
    }
}

/* ParseException.getMessage: " (line L, pos P)", then the statement with "---^^^" under the
 * offending line. */
static void parse_block(cn_strbuf *sb, const cn_error *e)
{
    const char *t = e->sql;
    int line, col;
    locate(e, e->bpos, &line, &col);
    cn_sb_printf(sb, " (line %d, pos %d)\n\n== SQL ==\n", line, col);
    /* the line of the statement holding bpos, and the column within the shown text */
    int bol = 0;
    for (int i = 0; i < e->bpos && t[i]; i++)
        if (t[i] == '\n') bol = i + 1;
    int shown_col = char_index(t + bol, e->bpos - bol);
    int eol = bol;
    while (t[eol] && t[eol] != '\n') eol++;
    cn_sb_putn(sb, t, (size_t)eol);
    cn_sb_putc(sb, '\n');
    for (int k = 0; k < shown_col; k++) cn_sb_putc(sb, '-');
    cn_sb_puts(sb, "^^^\n");
    if (t[eol] == '\n' && t[eol + 1]) {
        cn_sb_puts(sb, t + eol + 1);
        cn_sb_putc(sb, '\n');
    }
}

const char *cn_error_message(const cn_error *e, char *buf, size_t cap)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    if (!is_legacy(e->cls)) cn_sb_printf(&sb, "[%s] ", e->cls);
    const err_class *c = class_lookup(e->cls);
    const char *t = c ? c->tmpl : "";
    while (*t) {
        if (*t == '<') {
            const char *end = strchr(t, '>');
            if (end) {
                char key[64];
                size_t n = CN_MIN((size_t)(end - t - 1), sizeof key - 1);
                memcpy(key, t + 1, n);
                key[n] = 0;
                const char *v = cn_error_param(e, key);
                if (!v && strcmp(key, "docroot") == 0) v = SPARK_DOC_ROOT;
                if (v) {
                    cn_sb_puts(&sb, v);
                    t = end + 1;
                    continue;
                }
            }
        }
        cn_sb_putc(&sb, *t++);
    }
    if (!c) {
        for (int i = 0; i < e->nparams; i++) cn_sb_printf(&sb, "%s%s=%s", i ? ", " : "", e->keys[i], e->vals[i]);
    }
    if (e->detail) cn_sb_printf(&sb, "%s%s", (sb.len && sb.s[sb.len - 1] == ' ') ? "" : " ", e->detail);
    if (e->sqlstate[0]) cn_sb_printf(&sb, " SQLSTATE: %s", e->sqlstate);
    if (e->fragment && e->sql && e->bstart >= 0) {
        cn_sb_putc(&sb, '\n');
        context_block(&sb, e);
    } else if (e->fragment) {
        cn_sb_printf(&sb, "\n== SQL ==\n%s\n", e->fragment);
    } else if (e->sql && e->bpos >= 0) {
        parse_block(&sb, e);
    }
    /* the blocks end in a newline; callers print the message as a line */
    while (sb.len && sb.s[sb.len - 1] == '\n') sb.s[--sb.len] = 0;
    snprintf(buf, cap, "%s", sb.s ? sb.s : "");
    cn_sb_free(&sb);
    return buf;
}

static void json_str(cn_strbuf *sb, const char *s)
{
    cn_sb_putc(sb, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '"': cn_sb_puts(sb, "\\\""); break;
        case '\\': cn_sb_puts(sb, "\\\\"); break;
        case '\n': cn_sb_puts(sb, "\\n"); break;
        case '\t': cn_sb_puts(sb, "\\t"); break;
        case '\r': cn_sb_puts(sb, "\\r"); break;
        default:
            if (ch < 0x20) cn_sb_printf(sb, "\\u%04x", ch);
            else cn_sb_putc(sb, (char)ch);
        }
    }
    cn_sb_putc(sb, '"');
}

char *cn_error_json(const cn_error *e)
{
    cn_strbuf sb;
    cn_sb_init(&sb);
    cn_sb_puts(&sb, "{\n  \"errorClass\" : ");
    json_str(&sb, e->cls);
    if (e->sqlstate[0]) { /* Spark's _LEGACY_ERROR_TEMP_* classes have none */
        cn_sb_puts(&sb, ",\n  \"sqlState\" : ");
        json_str(&sb, e->sqlstate);
    }
    if (e->nparams) {
        cn_sb_puts(&sb, ",\n  \"messageParameters\" : {\n");
        for (int i = 0; i < e->nparams; i++) {
            cn_sb_puts(&sb, "    ");
            json_str(&sb, e->keys[i]);
            cn_sb_puts(&sb, " : ");
            json_str(&sb, e->vals[i]);
            cn_sb_puts(&sb, i + 1 < e->nparams ? ",\n" : "\n");
        }
        cn_sb_puts(&sb, "  }");
    }
    if (e->fragment) {
        cn_sb_printf(&sb, ",\n  \"queryContext\" : [ {\n    \"objectType\" : \"\",\n    \"objectName\" : \"\",\n"
                          "    \"startIndex\" : %d,\n    \"stopIndex\" : %d,\n    \"fragment\" : ",
                     e->start + 1, e->stop + 1);
        json_str(&sb, e->fragment);
        cn_sb_puts(&sb, "\n  } ]");
    }
    cn_sb_puts(&sb, "\n}");
    return cn_sb_take(&sb);
}

void cn_error_copy(cn_error *dst, const cn_error *src)
{
    cn_error_init(dst);
    *dst = *src;
    for (int i = 0; i < src->nparams; i++) {
        dst->keys[i] = cn_xstrdup(src->keys[i]);
        dst->vals[i] = cn_xstrdup(src->vals[i]);
    }
    dst->fragment = src->fragment ? cn_xstrdup(src->fragment) : NULL;
    dst->sql = src->sql ? cn_xstrdup(src->sql) : NULL;
    dst->detail = src->detail ? cn_xstrdup(src->detail) : NULL;
}
