/*
 * keywords.h — every bare word of the language, once. The lexer's keyword
 * lookup, the parser's token declarations (by hand, kept in the same order)
 * and the suggestion for a misspelt word all read this list.
 */
#ifndef DEALC_KEYWORDS_H
#define DEALC_KEYWORDS_H
#define DEALC_KEYWORDS(X)                                                    \
    X(ACCRUAL, "accrual") X(ACTIVE, "active") X(ADJUSTMENT, "adjustment")     \
    X(AND, "and") X(ANNUM, "annum") X(AS, "as") X(BALANCE, "balance")         \
    X(BUSINESS, "business") X(CERTIFICATES, "certificates") X(CLASS, "class") \
    X(CLASSES, "classes") X(CLOSING, "closing") X(COLLECTIONS, "collections") \
    X(COUNT, "count") X(COUPON, "coupon") X(CUMULATIVE, "cumulative")         \
    X(DATE, "date") X(DAY, "day") X(DEAL, "deal") X(DEFINE, "define")         \
    X(DISTRIBUTION, "distribution") X(DRAWS, "draws") X(DUE, "due")           \
    X(ELSE, "else") X(ENDING, "ending") X(FALSE, "false") X(FIRST, "first")   \
    X(FOLLOWING, "following") X(FOR, "for") X(FROM, "from") X(FUND, "fund")   \
    X(GROUP, "group") X(IF, "if") X(INPUT, "input") X(INTEREST, "interest")   \
    X(LIQUIDATION, "liquidation") X(LOAN, "loan") X(LOSS, "loss")             \
    X(MAX, "max") X(MIN, "min") X(MODIFIED, "modified") X(MONEY, "money")     \
    X(NOT, "not") X(NOTES, "notes") X(NOTIONAL, "notional")                   \
    X(NUMBERW, "number") X(OF, "of") X(ON, "on") X(OR, "or")                  \
    X(ORIGINAL, "original") X(PAID, "paid") X(PARTY, "party") X(PAY, "pay")   \
    X(PAYMENT, "payment") X(PAYMENTS, "payments") X(PER, "per")               \
    X(POOL, "pool") X(PRINCIPAL, "principal") X(PRIORITY, "priority")         \
    X(PRO, "pro") X(RATA, "rata") X(RATE, "rate")                             \
    X(RECOVERIES, "recoveries") X(REMAINDER, "remainder")                     \
    X(RESIDUAL, "residual") X(SCHEDULE, "schedule")                           \
    X(SEQUENTIALLY, "sequentially") X(SHORTFALL, "shortfall")                 \
    X(STATEMENT, "statement") X(SUBSTITUTION, "substitution") X(TEXT, "text") \
    X(THEN, "then") X(THEREAFTER, "thereafter") X(TO, "to") X(TRUE, "true")
#endif
