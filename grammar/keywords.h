/*
 * keywords.h — every bare word of the language, once. The lexer's keyword
 * lookup, the parser's token declarations (by hand, kept in the same order)
 * and the suggestion for a misspelt word all read this list.
 */
#ifndef DEALC_KEYWORDS_H
#define DEALC_KEYWORDS_H
#define DEALC_KEYWORDS(X) \
    X(ACCOUNT, "account") X(ACCRUAL, "accrual") X(ACTIVE, "active") \
    X(ACTUAL, "actual") X(ADDITIONAL, "additional") \
    X(ADJUSTMENT, "adjustment") X(AFTER, "after") X(AGAINST, "against") \
    X(AGE, "age") X(ALLOCATION, "allocation") X(AMENDMENT, "amendment") \
    X(AND, "and") X(ANNUM, "annum") X(AS, "as") X(AT, "at") \
    X(AVAILABLE, "available") X(BALANCE, "balance") \
    X(BALANCES, "balances") X(BALLOON, "balloon") X(BASIS, "basis") \
    X(BUSINESS, "business") X(CALL, "call") X(CAP, "cap") \
    X(CERTIFICATES, "certificates") X(CLASS, "class") \
    X(CLASSES, "classes") X(CLAUSE, "clause") X(CLOSING, "closing") \
    X(COLLATERAL, "collateral") X(COLLECTIONS, "collections") \
    X(COUNT, "count") X(COUPON, "coupon") X(CREDIT, "credit") X(CUMULATIVE, "cumulative") \
    X(DATE, "date") X(DATED, "dated") X(DAY, "day") X(DAYS, "days") \
    X(DEAL, "deal") X(DEFINE, "define") X(DEFINITION, "definition") \
    X(DELAY, "delay") X(DELETE, "delete") X(DISTRIBUTION, "distribution") \
    X(DOWN, "down") \
    X(DRAW, "draw") X(DRAWN, "drawn") X(DRAWS, "draws") X(DUE, "due") \
    X(EARLIER, "earlier") X(EFFECT, "effect") X(EFFECTIVE, "effective") \
    X(ELSE, "else") X(ENDING, "ending") X(EVERY, "every") \
    X(FALSE, "false") X(FEE, "fee") X(FIRST, "first") X(FLOOR, "floor") \
    X(FOLLOWING, "following") X(FOR, "for") X(FROM, "from") \
    X(FUND, "fund") X(GROSS, "gross") X(GROUP, "group") X(IF, "if") \
    X(IN, "in") X(INDEX, "index") X(INITIAL, "initial") X(INPUT, "input") \
    X(INSERT, "insert") X(INSURER, "insurer") X(INTEREST, "interest") \
    X(LATER, "later") X(LIFE, "life") X(LIMIT, "limit") X(LINE, "line") \
    X(LIQUIDATION, "liquidation") X(LOAN, "loan") X(LOSS, "loss") \
    X(LOSSES, "losses") X(MARGIN, "margin") X(MAX, "max") \
    X(MAXIMUM, "maximum") X(MIN, "min") X(MODIFIED, "modified") \
    X(MONEY, "money") X(NET, "net") X(NOT, "not") X(NOTES, "notes") \
    X(NOTIONAL, "notional") X(NUMBERW, "number") X(OF, "of") X(ON, "on") \
    X(ONCE, "once") X(ONLY, "only") X(OR, "or") X(ORIGINAL, "original") \
    X(PAID, "paid") X(PARTY, "party") X(PAY, "pay") X(PAYMENT, "payment") \
    X(PAYMENTS, "payments") X(PER, "per") X(PERIODIC, "periodic") \
    X(POOL, "pool") X(PRINCIPAL, "principal") X(PRIORITY, "priority") \
    X(PRO, "pro") X(PURCHASE, "purchase") X(RATA, "rata") X(RATE, "rate") X(REALIZED, "realized") \
    X(RECONSTRUCTED, "reconstructed") X(RECOVERIES, "recoveries") X(REIMBURSEMENT, "reimbursement") \
    X(REMAINDER, "remainder") X(REMAINING, "remaining") \
    X(REMAINS, "remains") X(REPLACE, "replace") X(RESET, "reset") \
    X(RESIDUAL, "residual") X(RETIRED, "retired") X(RISK, "risk") \
    X(SCHEDULE, "schedule") X(SECTION, "section") X(SEQUENTIALLY, "sequentially") \
    X(SERVICING, "servicing") X(SHORTFALL, "shortfall") X(SHOW, "show") \
    X(STATEMENT, "statement") X(SUBSTITUTION, "substitution") \
    X(TERM, "term") X(TEXT, "text") X(THEN, "then") \
    X(THEREAFTER, "thereafter") X(TO, "to") X(TRIGGER, "trigger") \
    X(TRUE, "true") X(UNDER, "under") X(UNPAID, "unpaid") \
    X(UNREIMBURSED, "unreimbursed") X(UP, "up") X(WHEN, "when") \
    X(WHICH, "which") X(WITH, "with") X(WRITE, "write")
#endif
