/*
 * parser.y — the grammar of the deal language (see docs/language.md).
 *
 * In:  tokens from lexer.l (pure, with src_loc locations).
 * Out: an ast_deal in B->deal, built only through the constructors in
 *      compiler/ast.h and compiler/build.h: each action is one call.
 * Errors: syntax errors become diagnostics in yyreport_syntax_error (custom
 *      reporting, with LAC so the expected-token list is exact); recovery is
 *      at item boundaries (';'), so one run reports errors in many items.
 */
%code requires {
#include "../compiler/ast.h"
#include "../compiler/build.h"
}

%code provides {
int yylex(YYSTYPE *lvalp, YYLTYPE *llocp, void *scanner);
}

%code {
/* only for bison's own failures (memory exhausted by nesting too deep) */
static void yyerror(src_loc *loc, void *scanner, ast_builder *B, const char *msg)
{
    (void)scanner;
    diag_error(B->diag, *loc, "%s (the deal is nested too deeply)", msg);
}

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                        \
    do {                                                                   \
        if (N) (Cur) = ast_span(YYRHSLOC(Rhs, 1), YYRHSLOC(Rhs, N));        \
        else { (Cur) = YYRHSLOC(Rhs, 0); (Cur).start = (Cur).end; }         \
    } while (0)
}

%require "3.8"
%define api.pure full
%define api.location.type {src_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%initial-action { @$ = (src_loc){ 0, 0, 1, 1, B->file_id }; }
%lex-param {void *scanner}
%parse-param {void *scanner} {ast_builder *B}

%union {
    rt_dec num;
    const char *str;
    int ival;
    ast_expr *expr;
    ptrvec vec;
    ast_classref *cref;
    ast_class *cls;
    ast_clause *clause;
    ast_sched_entry *sent;
    ast_cline *cline;
    ast_decl *decl;
}

%token TOK_EOF 0 "end of file"
%token <str> TOK_STRING "quoted name"
%token <num> TOK_MONEY "amount"
%token <num> TOK_PERCENT "percentage"
%token <num> TOK_NUMBER "number"
%token <ival> TOK_DATE "date"
%token <ival> TOK_DAYCOUNT "day count"
%token <str> TOK_LABEL "clause label"
%token TOK_DOTDOT ".."
%token TOK_LE "<="
%token TOK_GE ">="
%token TOK_NE "<>"
%token KW_ACCRUAL "'accrual'"
%token KW_ACTIVE "'active'"
%token KW_ADJUSTMENT "'adjustment'"
%token KW_AND "'and'"
%token KW_ANNUM "'annum'"
%token KW_AS "'as'"
%token KW_BALANCE "'balance'"
%token KW_BUSINESS "'business'"
%token KW_CERTIFICATES "'certificates'"
%token KW_CLASS "'class'"
%token KW_CLASSES "'classes'"
%token KW_CLOSING "'closing'"
%token KW_COLLECTIONS "'collections'"
%token KW_COUNT "'count'"
%token KW_COUPON "'coupon'"
%token KW_CUMULATIVE "'cumulative'"
%token KW_DATE "'date'"
%token KW_DAY "'day'"
%token KW_DEAL "'deal'"
%token KW_DEFINE "'define'"
%token KW_DISTRIBUTION "'distribution'"
%token KW_DRAWS "'draws'"
%token KW_DUE "'due'"
%token KW_ELSE "'else'"
%token KW_ENDING "'ending'"
%token KW_FALSE "'false'"
%token KW_FIRST "'first'"
%token KW_FOLLOWING "'following'"
%token KW_FOR "'for'"
%token KW_FROM "'from'"
%token KW_FUND "'fund'"
%token KW_GROUP "'group'"
%token KW_IF "'if'"
%token KW_INPUT "'input'"
%token KW_INTEREST "'interest'"
%token KW_LIQUIDATION "'liquidation'"
%token KW_LOAN "'loan'"
%token KW_LOSS "'loss'"
%token KW_MAX "'max'"
%token KW_MIN "'min'"
%token KW_MODIFIED "'modified'"
%token KW_MONEY "'money'"
%token KW_NOT "'not'"
%token KW_NOTES "'notes'"
%token KW_NOTIONAL "'notional'"
%token KW_NUMBERW "'number'"
%token KW_OF "'of'"
%token KW_ON "'on'"
%token KW_OR "'or'"
%token KW_ORIGINAL "'original'"
%token KW_PAID "'paid'"
%token KW_PARTY "'party'"
%token KW_PAY "'pay'"
%token KW_PAYMENT "'payment'"
%token KW_PAYMENTS "'payments'"
%token KW_PER "'per'"
%token KW_POOL "'pool'"
%token KW_PRINCIPAL "'principal'"
%token KW_PRIORITY "'priority'"
%token KW_PRO "'pro'"
%token KW_RATA "'rata'"
%token KW_RATE "'rate'"
%token KW_RECOVERIES "'recoveries'"
%token KW_REMAINDER "'remainder'"
%token KW_RESIDUAL "'residual'"
%token KW_SCHEDULE "'schedule'"
%token KW_SEQUENTIALLY "'sequentially'"
%token KW_SHORTFALL "'shortfall'"
%token KW_STATEMENT "'statement'"
%token KW_SUBSTITUTION "'substitution'"
%token KW_TEXT "'text'"
%token KW_THEN "'then'"
%token KW_THEREAFTER "'thereafter'"
%token KW_TO "'to'"
%token KW_TRUE "'true'"

%token KW_AGE "'age'"
%token KW_BALLOON "'balloon'"
%token KW_CALL "'call'"
%token KW_CAP "'cap'"
%token KW_COLLATERAL "'collateral'"
%token KW_CREDIT "'credit'"
%token KW_EVERY "'every'"
%token KW_FEE "'fee'"
%token KW_FLOOR "'floor'"
%token KW_GROSS "'gross'"
%token KW_INDEX "'index'"
%token KW_LIFE "'life'"
%token KW_LIMIT "'limit'"
%token KW_LINE "'line'"
%token KW_MARGIN "'margin'"
%token KW_NET "'net'"
%token KW_ONLY "'only'"
%token KW_PERIODIC "'periodic'"
%token KW_REMAINING "'remaining'"
%token KW_RESET "'reset'"
%token KW_SERVICING "'servicing'"
%token KW_TERM "'term'"
%token KW_AFTER "'after'"
%token KW_AMENDMENT "'amendment'"
%token KW_CLAUSE "'clause'"
%token KW_DATED "'dated'"
%token KW_DEFINITION "'definition'"
%token KW_DELAY "'delay'"
%token KW_DELETE "'delete'"
%token KW_EFFECTIVE "'effective'"
%token KW_INSERT "'insert'"
%token KW_REPLACE "'replace'"
%token KW_UNDER "'under'"
%token KW_UNPAID "'unpaid'"
%token KW_WITH "'with'"
%token KW_AT "'at'"
%token KW_AVAILABLE "'available'"
%token KW_CUTOFF "'cut-off'"
%token KW_CLEANUP "'clean-up'"
%token KW_ACCOUNT "'account'"
%token KW_ACTUAL "'actual'"
%token KW_ADDITIONAL "'additional'"
%token KW_AGAINST "'against'"
%token KW_ALLOCATION "'allocation'"
%token KW_BALANCES "'balances'"
%token KW_BASIS "'basis'"
%token KW_DAYS "'days'"
%token KW_DOWN "'down'"
%token KW_DRAW "'draw'"
%token KW_DRAWN "'drawn'"
%token KW_EARLIER "'earlier'"
%token KW_EFFECT "'effect'"
%token KW_IN "'in'"
%token KW_INITIAL "'initial'"
%token KW_INSURER "'insurer'"
%token KW_LATER "'later'"
%token KW_LOSSES "'losses'"
%token KW_MAXIMUM "'maximum'"
%token KW_ONCE "'once'"
%token KW_PURCHASE "'purchase'"
%token KW_REIMBURSEMENT "'reimbursement'"
%token KW_REMAINS "'remains'"
%token KW_REALIZED "'realized'"
%token KW_RETIRED "'retired'"
%token KW_RISK "'risk'"
%token KW_SHOW "'show'"
%token KW_TRIGGER "'trigger'"
%token KW_UNREIMBURSED "'unreimbursed'"
%token KW_UP "'up'"
%token KW_WHEN "'when'"
%token KW_WHICH "'which'"
%token KW_WRITE "'write'"
%token KW_RECONSTRUCTED "'reconstructed'"
%token KW_SECTION "'section'"

%precedence KW_WHICH
%precedence KW_ELSE
%left KW_OR
%left KW_AND
%precedence KW_NOT
%nonassoc '=' TOK_NE '<' TOK_LE '>' TOK_GE
%left '+' '-'
%left '*' '/' KW_OF KW_PER
%precedence UMINUS

%type <expr> expr primary opt_amount
%type <vec> args classlist classitems payees sched_entries
%type <cref> classref
%type <cls> class_attrs
%type <clause> clause pay_body clause_body
%type <decl> acct_attrs
%type <expr> opt_upto opt_when
%type <ival> opt_sticky
%type <sent> sched_entry
%type <cline> cl_attrs cl_line
%type <vec> cl_lines
%type <str> opt_text opt_under opt_words opt_reason
%type <ival> bdc unit order group_field

%%

file
    : deal
    | amendment
    ;

/* ---- amendments (a file of their own) ---- */

amendment
    : KW_AMENDMENT TOK_STRING KW_TO TOK_STRING KW_DATED TOK_DATE KW_EFFECTIVE TOK_DATE opt_under '{'
                                                 { build_amendment_begin(B, @1, $2, @2, $4, @4, $6, $8, @8, $9); }
      amend_ops '}'                              { build_amendment_end(B, @$); }
    ;

opt_under
    : %empty                 { $$ = NULL; }
    | KW_UNDER TOK_STRING    { $$ = $2; }
    ;

amend_ops
    : %empty
    | amend_ops amend_op
    ;

amend_op
    : KW_REPLACE KW_DEFINITION TOK_STRING '=' expr opt_text ';'
                                  { build_amend_define(B, @$, AM_REPLACE_DEFINE, $3, @3, $5, $6); }
    | KW_INSERT KW_DEFINITION TOK_STRING '=' expr opt_text ';'
                                  { build_amend_define(B, @$, AM_INSERT_DEFINE, $3, @3, $5, $6); }
    | KW_REPLACE KW_CLAUSE TOK_STRING KW_WITH clause_body opt_text ';'
                                  { build_amend_clause(B, @$, AM_REPLACE_CLAUSE, $3, @3, NULL, @3,
                                                       build_clause(B, @5, NULL, @3, $5, $6)); }
    | KW_INSERT KW_CLAUSE TOK_LABEL KW_AFTER TOK_STRING KW_WITH clause_body opt_text ';'
                                  { build_amend_clause(B, @$, AM_INSERT_CLAUSE, $5, @5, $3, @3,
                                                       build_clause(B, @3, $3, @3, $7, $8)); }
    | KW_DELETE KW_CLAUSE TOK_STRING ';'
                                  { build_amend_clause(B, @$, AM_DELETE_CLAUSE, $3, @3, NULL, @3, NULL); }
    | KW_INSERT KW_SECTION TOK_STRING opt_text ';'
                                  { build_amend_section(B, @$, AM_INSERT_SECTION, $3, @3, $4); }
    | KW_DELETE KW_SECTION TOK_STRING ';'
                                  { build_amend_section(B, @$, AM_DELETE_SECTION, $3, @3, NULL); }
    | KW_REPLACE KW_TEXT KW_OF KW_SECTION TOK_STRING KW_WITH TOK_STRING ';'
                                  { build_amend_section(B, @$, AM_REPLACE_SECTION, $5, @5, $7); }
    | error ';'                   { yyerrok; }
    ;

deal
    : KW_DEAL TOK_STRING '{'       { build_deal_begin(B, @1, $2, @2); }
      items '}'                    { build_deal_end(B, @$); }
    ;

items
    : %empty
    | items item                                      { build_item_end(B, @2); }
    ;

item
    : KW_CLOSING KW_DATE TOK_DATE ';'                 { build_closing(B, @3, $3); }
    | KW_FIRST KW_PAYMENT KW_DATE TOK_DATE ';'        { build_first_payment(B, @4, $4); }
    | KW_PAYMENT KW_DAY TOK_NUMBER bdc ';'            { build_payment_day(B, @3, $3, $4); }
    | KW_CUTOFF KW_DATE TOK_DATE ';'                  { build_cutoff(B, @3, $3); }
    | KW_CLEANUP KW_CALL TOK_PERCENT ';'              { build_cleanup(B, @3, $3); }
    | KW_COLLATERAL TOK_STRING '{' cl_lines '}'       { build_collateral(B, @$, $2, @2, $4); }
    | KW_GROUP TOK_STRING ';'                         { build_decl(B, DK_GROUP, @$, $2, @2, 0, NULL, NULL); }
    | KW_INPUT TOK_STRING unit opt_words ';'          { build_decl(B, DK_INPUT, @$, $2, @2, $3, NULL, $4); }
    | KW_RESIDUAL TOK_STRING ';'                      { build_decl(B, DK_RESIDUAL, @$, $2, @2, 0, NULL, NULL); }
    | KW_PARTY TOK_STRING ';'                         { build_decl(B, DK_PARTY, @$, $2, @2, 0, NULL, NULL); }
    | KW_DEFINE TOK_STRING '=' expr opt_words ';'     { build_decl(B, DK_DEFINE, @$, $2, @2, 0, $4, $5); }
    | KW_FUND TOK_STRING '=' expr opt_words ';'       { build_decl(B, DK_FUND, @$, $2, @2, 0, $4, $5); }
    | KW_SECTION TOK_STRING opt_words ';'              { build_section(B, @$, $2, @2, $3); }
    | KW_SCHEDULE TOK_STRING '{' sched_entries '}'    { build_schedule(B, @$, $2, @2, $4); }
    | KW_ACCOUNT TOK_STRING acct_attrs opt_words ';'  { build_account(B, @$, $2, @2, $3, $4); }
    | KW_INSURER TOK_STRING ';'                       { build_decl(B, DK_INSURER, @$, $2, @2, 0, NULL, NULL); }
    | KW_TRIGGER TOK_STRING '=' expr opt_sticky opt_words ';'
                                                      { build_trigger(B, @$, $2, @2, $4, $5, $6); }
    | KW_DATE TOK_STRING '=' expr opt_words ';'       { build_decl(B, DK_DATE, @$, $2, @2, RT_UNIT_DATE, $4, $5); }
    | KW_RETIRED KW_CLASSES KW_SHOW KW_COUPON TOK_PERCENT ';'
                                                      { build_retired(B, @$, $5, @5); }
    | class_block
    | KW_PRIORITY KW_OF KW_PAYMENTS TOK_STRING KW_FROM TOK_STRING opt_when '{'
                                                      { build_waterfall_begin(B, @1, $4, @4, $6, @6, $7); }
      clauses '}'
    | KW_ALLOCATION KW_OF KW_LOSSES TOK_STRING KW_AGAINST expr '{'
                                                      { build_alloc_begin(B, @1, $4, @4, $6); }
      alloc_steps '}'
    | KW_STATEMENT '{'                                { build_statement_begin(B, @1); }
      lines '}'
    | error ';'                                       { yyerrok; }
    ;

opt_when
    : %empty                 { $$ = NULL; }
    | KW_WHEN expr           { $$ = $2; }
    ;

opt_sticky
    : %empty                 { $$ = 0; }
    | ',' KW_ONCE KW_IN KW_EFFECT KW_REMAINS KW_IN KW_EFFECT   { $$ = 1; }
    ;

acct_attrs
    : %empty                                   { $$ = build_account_new(B); }
    | acct_attrs KW_INITIAL TOK_MONEY          { $$ = build_account_initial(B, $1, @3, $3); }
    | acct_attrs KW_INTEREST expr              { $$ = build_account_interest(B, $1, @2, $3); }
    ;

alloc_steps
    : %empty
    | alloc_steps alloc_step
    ;

alloc_step
    : TOK_LABEL KW_WRITE KW_DOWN payees order opt_text ';'
                                               { build_alloc_step(B, @$, $1, @1, $4, @4, $5, @5, $6); }
    | error ';'                                { yyerrok; }
    ;

bdc
    : %empty                                          { $$ = RT_BDC_NONE; }
    | ',' KW_FOLLOWING KW_BUSINESS KW_DAY             { $$ = RT_BDC_FOLLOWING; }
    | ',' KW_MODIFIED KW_FOLLOWING KW_BUSINESS KW_DAY { $$ = RT_BDC_MODIFIED_FOLLOWING; }
    ;

unit
    : KW_MONEY     { $$ = RT_UNIT_MONEY; }
    | KW_RATE      { $$ = RT_UNIT_RATE; }
    | KW_COUNT     { $$ = RT_UNIT_COUNT; }
    | KW_NUMBERW   { $$ = RT_UNIT_NUMBER; }
    | KW_DATE      { $$ = RT_UNIT_DATE; }
    ;

opt_text
    : %empty                 { $$ = NULL; }
    | KW_TEXT TOK_STRING     { $$ = $2; }
    ;

/* the agreement's words, and whether the provision is ours rather than the
 * source document's: `reconstructed "why"` (the builder hands the mark to
 * the item that follows) */
opt_words
    : opt_text                               { $$ = $1; }
    | opt_text KW_RECONSTRUCTED opt_reason   { $$ = build_reconstructed(B, @2, $1, $3); }
    ;

opt_reason
    : %empty                 { $$ = NULL; }
    | TOK_STRING             { $$ = $1; }
    ;

/* ---- classes ---- */

class_block
    : KW_NOTES '{' class_decls '}'          { build_class_block(B, @$, IT_NOTES); }
    | KW_CERTIFICATES '{' class_decls '}'   { build_class_block(B, @$, IT_CERTIFICATES); }
    ;

class_decls
    : %empty
    | class_decls class_decl
    ;

class_decl
    : KW_CLASS TOK_STRING class_attrs ';'   { build_class(B, @$, $2, @2, $3); }
    | error ';'                             { yyerrok; }
    ;

class_attrs
    : %empty                                 { $$ = build_class_new(B); }
    | class_attrs KW_ORIGINAL TOK_MONEY      { $$ = build_class_original(B, $1, @3, $3); }
    | class_attrs KW_COUPON expr             { $$ = build_class_coupon(B, $1, @2, $3); }
    | class_attrs KW_ACCRUAL TOK_DAYCOUNT    { $$ = build_class_accrual(B, $1, @3, $3); }
    | class_attrs KW_DELAY TOK_NUMBER        { $$ = build_class_delay(B, $1, @3, $3); }
    | class_attrs KW_NOTIONAL TOK_STRING     { $$ = build_class_notional(B, $1, @3, $3); }
    | class_attrs KW_MAXIMUM TOK_MONEY       { $$ = build_class_maximum(B, $1, @3, $3); }
    | class_attrs KW_CAP expr                { $$ = build_class_cap(B, $1, @2, $3); }
    | class_attrs KW_TEXT TOK_STRING         { $$ = build_class_text(B, $1, $3); }
    | class_attrs KW_RECONSTRUCTED opt_reason { $$ = build_class_reconstructed(B, $1, @2, $3); }
    ;

/* ---- collateral ---- */

cl_lines
    : %empty                        { $$ = (ptrvec){0}; }
    | cl_lines cl_line              { $$ = build_push(B, $1, $2); }
    ;

cl_line
    : KW_LINE TOK_STRING cl_attrs ';'   { $$ = build_cline(B, @$, $2, @2, $3); }
    | error ';'                         { $$ = NULL; yyerrok; }
    ;

cl_attrs
    : %empty                                      { $$ = build_cline_new(B); }
    | cl_attrs KW_BALANCE TOK_MONEY               { $$ = build_cline_set(B, $1, RT_L_BALANCE, @3, $3); }
    | cl_attrs KW_GROSS KW_RATE TOK_PERCENT       { $$ = build_cline_set(B, $1, RT_L_GROSS_RATE, @4, $4); }
    | cl_attrs KW_NET KW_RATE TOK_PERCENT         { $$ = build_cline_set(B, $1, RT_L_NET_RATE, @4, $4); }
    | cl_attrs KW_SERVICING KW_FEE TOK_PERCENT    { $$ = build_cline_set(B, $1, CL_FEE, @4, $4); }
    | cl_attrs KW_ORIGINAL KW_TERM TOK_NUMBER     { $$ = build_cline_set(B, $1, RT_L_ORIGINAL_TERM, @4, $4); }
    | cl_attrs KW_REMAINING KW_TERM TOK_NUMBER    { $$ = build_cline_set(B, $1, RT_L_REMAINING_TERM, @4, $4); }
    | cl_attrs KW_AGE TOK_NUMBER                  { $$ = build_cline_set(B, $1, RT_L_AGE, @3, $3); }
    | cl_attrs KW_BALLOON TOK_NUMBER              { $$ = build_cline_set(B, $1, RT_L_BALLOON, @3, $3); }
    | cl_attrs KW_INTEREST KW_ONLY TOK_NUMBER     { $$ = build_cline_set(B, $1, RT_L_IO_MONTHS, @4, $4); }
    | cl_attrs KW_INDEX TOK_STRING                { $$ = build_cline_index(B, $1, @3, $3); }
    | cl_attrs KW_MARGIN TOK_PERCENT              { $$ = build_cline_set(B, $1, RT_L_MARGIN, @3, $3); }
    | cl_attrs KW_FIRST KW_RESET TOK_NUMBER       { $$ = build_cline_set(B, $1, RT_L_FIRST_RESET, @4, $4); }
    | cl_attrs KW_RESET KW_EVERY TOK_NUMBER       { $$ = build_cline_set(B, $1, RT_L_RESET_EVERY, @4, $4); }
    | cl_attrs KW_PERIODIC KW_CAP TOK_PERCENT     { $$ = build_cline_set(B, $1, RT_L_PERIODIC_CAP, @4, $4); }
    | cl_attrs KW_LIFE KW_CAP TOK_PERCENT         { $$ = build_cline_set(B, $1, RT_L_LIFE_CAP, @4, $4); }
    | cl_attrs KW_LIFE KW_FLOOR TOK_PERCENT       { $$ = build_cline_set(B, $1, RT_L_LIFE_FLOOR, @4, $4); }
    | cl_attrs KW_CREDIT KW_LIMIT TOK_MONEY       { $$ = build_cline_set(B, $1, RT_L_CREDIT_LIMIT, @4, $4); }
    | cl_attrs KW_DRAW KW_TERM TOK_NUMBER         { $$ = build_cline_set(B, $1, RT_L_DRAW_TERM, @4, $4); }
    ;

/* ---- schedules ---- */

sched_entries
    : %empty                        { $$ = (ptrvec){0}; }
    | sched_entries sched_entry     { $$ = build_push(B, $1, $2); }
    ;

sched_entry
    : TOK_NUMBER ':' expr ';'                    { $$ = build_sched_entry(B, @$, $1, @1, $1, @1, $3); }
    | TOK_NUMBER KW_TO TOK_NUMBER ':' expr ';'   { $$ = build_sched_entry(B, @$, $1, @1, $3, @3, $5); }
    | KW_THEREAFTER ':' expr ';'                 { $$ = build_sched_thereafter(B, @$, $3); }
    | error ';'                                  { $$ = NULL; yyerrok; }
    ;

/* ---- priority of payments ---- */

clauses
    : %empty
    | clauses clause                { build_clause_add(B, $2); }
    ;

clause
    : TOK_LABEL clause_body opt_words ';'     { $$ = build_clause(B, @$, $1, @1, $2, $3); }
    | error ';'                               { $$ = NULL; yyerrok; }
    ;

clause_body
    : KW_PAY pay_body                                       { $$ = $2; }
    | KW_DRAW expr KW_FROM TOK_STRING                       { $$ = build_draw(B, @$, $2, $4, @4); }
    | KW_PURCHASE KW_ADDITIONAL KW_BALANCES KW_FOR TOK_STRING opt_upto
                                                            { $$ = build_purchase(B, @$, $5, @5, $6); }
    ;

pay_body
    : opt_amount KW_TO payees opt_upto                      { $$ = build_pay_party(B, @$, $1, $3, @3, $4); }
    | KW_INTEREST KW_TO payees order                        { $$ = build_pay_claims(B, @$, CL_PAY_INTEREST, $3, @3, $4, @4); }
    | KW_UNPAID KW_INTEREST KW_TO payees order              { $$ = build_pay_claims(B, @$, CL_PAY_UNPAID, $4, @4, $5, @5); }
    | KW_UNPAID KW_LOSSES KW_TO payees order                { $$ = build_pay_claims(B, @$, CL_PAY_LOSSES, $4, @4, $5, @5); }
    | KW_BASIS KW_RISK KW_SHORTFALL KW_TO payees order      { $$ = build_pay_claims(B, @$, CL_PAY_BASIS, $5, @5, $6, @6); }
    | KW_REIMBURSEMENT KW_TO payees                         { $$ = build_reimburse(B, @$, $3, @3); }
    | opt_amount KW_AS KW_PRINCIPAL KW_TO payees order      { $$ = build_pay_principal(B, @$, $1, $5, @5, $6, @6); }
    ;

opt_upto
    : %empty                  { $$ = NULL; }
    | KW_UP KW_TO expr        { $$ = $3; }
    ;

opt_amount
    : expr             { $$ = $1; }
    | KW_REMAINDER     { $$ = NULL; }
    ;

payees
    : classref                { $$ = build_push(B, (ptrvec){0}, $1); }
    | payees ',' classref     { $$ = build_push(B, $1, $3); }
    ;

order
    : %empty                  { $$ = ORDER_NONE; }
    | KW_SEQUENTIALLY         { $$ = ORDER_SEQUENTIAL; }
    | KW_PRO KW_RATA          { $$ = ORDER_PRO_RATA; }
    ;

/* ---- statement ---- */

lines
    : %empty
    | lines line
    ;

line
    : TOK_STRING '=' expr ';'    { build_line(B, @$, $1, $3); }
    | KW_CLASSES ';'             { build_line(B, @$, NULL, NULL); }
    | error ';'                  { yyerrok; }
    ;

/* ---- expressions ---- */

expr
    : expr KW_OR expr                        { $$ = ast_binary(B, @$, OP_OR, $1, $3); }
    | expr KW_AND expr                       { $$ = ast_binary(B, @$, OP_AND, $1, $3); }
    | KW_NOT expr                            { $$ = ast_unary(B, @$, EX_NOT, $2); }
    | expr '=' expr                          { $$ = ast_binary(B, @$, OP_EQ, $1, $3); }
    | expr TOK_NE expr                       { $$ = ast_binary(B, @$, OP_NE, $1, $3); }
    | expr '<' expr                          { $$ = ast_binary(B, @$, OP_LT, $1, $3); }
    | expr TOK_LE expr                       { $$ = ast_binary(B, @$, OP_LE, $1, $3); }
    | expr '>' expr                          { $$ = ast_binary(B, @$, OP_GT, $1, $3); }
    | expr TOK_GE expr                       { $$ = ast_binary(B, @$, OP_GE, $1, $3); }
    | expr '+' expr                          { $$ = ast_binary(B, @$, OP_ADD, $1, $3); }
    | expr '-' expr                          { $$ = ast_binary(B, @$, OP_SUB, $1, $3); }
    | expr '*' expr                          { $$ = ast_binary(B, @$, OP_MUL, $1, $3); }
    | expr '/' expr                          { $$ = ast_binary(B, @$, OP_DIV, $1, $3); }
    | expr KW_OF expr                        { $$ = ast_of(B, @$, EX_OF, $1, $3); }
    | expr KW_PER KW_ANNUM KW_OF expr        { $$ = ast_of(B, @$, EX_PER_ANNUM, $1, $5); }
    | '-' expr %prec UMINUS                  { $$ = ast_unary(B, @$, EX_NEG, $2); }
    | KW_IF expr KW_THEN expr KW_ELSE expr   { $$ = ast_if(B, @$, $2, $4, $6); }
    | KW_FIRST KW_DISTRIBUTION KW_ON KW_WHICH expr %prec KW_WHICH
                                             { $$ = ast_firstwhen(B, @$, $5); }
    | primary
    ;

primary
    : TOK_NUMBER                             { $$ = ast_num(B, @$, $1, RT_UNIT_NUMBER); }
    | TOK_MONEY                              { $$ = ast_num(B, @$, $1, RT_UNIT_MONEY); }
    | TOK_PERCENT                            { $$ = ast_num(B, @$, $1, RT_UNIT_RATE); }
    | TOK_DATE                               { $$ = ast_num(B, @$, (rt_dec)$1 * RT_SCALE, RT_UNIT_DATE); }
    | KW_TRUE                                { $$ = ast_num(B, @$, RT_SCALE, RT_UNIT_BOOL); }
    | KW_FALSE                               { $$ = ast_num(B, @$, 0, RT_UNIT_BOOL); }
    | TOK_STRING                             { $$ = ast_name(B, @$, $1); }
    | TOK_LABEL                              { $$ = ast_label_expr(B, @$, $1); }
    | '(' expr ')'                           { $$ = $2; }
    | KW_MIN '(' args ')'                    { $$ = ast_minmax(B, @$, EX_MIN, $3); }
    | KW_MAX '(' args ')'                    { $$ = ast_minmax(B, @$, EX_MAX, $3); }
    | group_field                            { $$ = ast_pool(B, @$, $1, NULL, @1); }
    | group_field KW_FOR TOK_STRING          { $$ = ast_pool(B, @$, $1, $3, @3); }
    | KW_BALANCE KW_OF classlist             { $$ = ast_classq(B, @$, CQ_BALANCE, $3); }
    | KW_ENDING KW_BALANCE KW_OF classlist   { $$ = ast_classq(B, @$, CQ_ENDING_BALANCE, $4); }
    | KW_ORIGINAL KW_BALANCE KW_OF classlist { $$ = ast_classq(B, @$, CQ_ORIGINAL, $4); }
    | KW_COUPON KW_OF classlist              { $$ = ast_classq(B, @$, CQ_COUPON, $3); }
    | KW_INTEREST KW_DUE KW_ON classlist     { $$ = ast_classq(B, @$, CQ_INTEREST_DUE, $4); }
    | KW_INTEREST KW_PAID KW_TO classlist    { $$ = ast_classq(B, @$, CQ_INTEREST_PAID, $4); }
    | KW_INTEREST KW_SHORTFALL KW_ON classlist { $$ = ast_classq(B, @$, CQ_SHORTFALL, $4); }
    | KW_UNPAID KW_INTEREST KW_ON classlist  { $$ = ast_classq(B, @$, CQ_UNPAID, $4); }
    | KW_ENDING KW_UNPAID KW_INTEREST KW_ON classlist { $$ = ast_classq(B, @$, CQ_ENDING_UNPAID, $5); }
    | KW_PRINCIPAL KW_PAID KW_TO classlist   { $$ = ast_classq(B, @$, CQ_PRINCIPAL_PAID, $4); }
    | KW_PAID KW_TO TOK_STRING               { $$ = ast_partyq(B, @$, RT_P_PAID, $3, @3); }
    | KW_DRAWN KW_FROM TOK_STRING            { $$ = ast_partyq(B, @$, RT_P_DRAWN, $3, @3); }
    | KW_UNREIMBURSED KW_DRAWS KW_OF TOK_STRING { $$ = ast_partyq(B, @$, RT_P_UNREIMB_BEGIN, $4, @4); }
    | KW_ENDING KW_UNREIMBURSED KW_DRAWS KW_OF TOK_STRING { $$ = ast_partyq(B, @$, RT_P_UNREIMB_END, $5, @5); }
    | KW_DRAWN KW_ON classlist               { $$ = ast_classq(B, @$, CQ_DRAWN, $3); }
    | KW_REALIZED KW_LOSSES KW_ON classlist  { $$ = ast_classq(B, @$, CQ_WRITEDOWN, $4); }
    | KW_UNPAID KW_LOSSES KW_ON classlist    { $$ = ast_classq(B, @$, CQ_LOSSES, $4); }
    | KW_ENDING KW_UNPAID KW_LOSSES KW_ON classlist { $$ = ast_classq(B, @$, CQ_ENDING_LOSSES, $5); }
    | KW_BASIS KW_RISK KW_SHORTFALL KW_ON classlist { $$ = ast_classq(B, @$, CQ_BASIS, $5); }
    | KW_UNPAID KW_BASIS KW_RISK KW_ON classlist { $$ = ast_classq(B, @$, CQ_UNPAID_BASIS, $5); }
    | KW_ENDING KW_UNPAID KW_BASIS KW_RISK KW_ON classlist { $$ = ast_classq(B, @$, CQ_ENDING_BASIS, $6); }
    | KW_ACTUAL KW_DAYS                      { $$ = ast_global(B, @$, RT_G_DAYS_ACTUAL); }
    | KW_DISTRIBUTION TOK_NUMBER             { $$ = ast_distdate(B, @$, $2); }
    | KW_LATER KW_OF '(' args ')'            { $$ = ast_later(B, @$, 1, $4); }
    | KW_EARLIER KW_OF '(' args ')'          { $$ = ast_later(B, @$, 0, $4); }
    | KW_AVAILABLE KW_AT TOK_STRING          { $$ = ast_avail(B, @$, $3, @3); }
    | KW_DISTRIBUTION KW_NUMBERW             { $$ = ast_global(B, @$, RT_G_DIST_NUMBER); }
    | KW_PAYMENT KW_DATE                     { $$ = ast_global(B, @$, RT_G_PAYMENT_DATE); }
    ;

group_field
    : KW_PRINCIPAL KW_COLLECTIONS            { $$ = RT_GR_PRINCIPAL_COLLECTIONS; }
    | KW_INTEREST KW_COLLECTIONS             { $$ = RT_GR_INTEREST_COLLECTIONS; }
    | KW_PRINCIPAL KW_DRAWS                  { $$ = RT_GR_PRINCIPAL_DRAWS; }
    | KW_LIQUIDATION KW_LOSS                 { $$ = RT_GR_LIQUIDATION_LOSS; }
    | KW_RECOVERIES                          { $$ = RT_GR_RECOVERIES; }
    | KW_SUBSTITUTION KW_ADJUSTMENT          { $$ = RT_GR_SUBSTITUTION_ADJUSTMENT; }
    | KW_ACTIVE KW_LOAN KW_COUNT             { $$ = RT_GR_ACTIVE_LOAN_COUNT; }
    | KW_ADDITIONAL KW_BALANCES              { $$ = RT_GR_ADDITIONAL_BALANCES; }
    | KW_POOL KW_BALANCE                     { $$ = RT_GR_BEGIN_BALANCE; }
    | KW_ENDING KW_POOL KW_BALANCE           { $$ = RT_GR_END_BALANCE; }
    | KW_CUMULATIVE KW_LOSS                  { $$ = RT_GR_BEGIN_CUM_LOSS; }
    | KW_ENDING KW_CUMULATIVE KW_LOSS        { $$ = RT_GR_END_CUM_LOSS; }
    ;

args
    : expr                   { $$ = build_push(B, (ptrvec){0}, $1); }
    | args ',' expr          { $$ = build_push(B, $1, $3); }
    ;

classlist
    : classref               { $$ = build_push(B, (ptrvec){0}, $1); }
    | '(' classitems ')'     { $$ = $2; }
    ;

classitems
    : classref               { $$ = build_push(B, (ptrvec){0}, $1); }
    | classitems ',' classref { $$ = build_push(B, $1, $3); }
    ;

classref
    : TOK_STRING                        { $$ = ast_classref_new(B, $1, @1, NULL, @1); }
    | TOK_STRING TOK_DOTDOT TOK_STRING  { $$ = ast_classref_new(B, $1, @1, $3, @3); }
    ;

%%

/* Syntax errors: "unexpected X, expected A or B", at the unexpected token,
 * with advice for the mistakes people make most. */
static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, ast_builder *B)
{
    (void)scanner;
    /* ask for every expected token (bison answers 0 when the array is too
     * small); the builder decides how to phrase a long list */
    yysymbol_kind_t expected[YYNTOKENS];
    const char *exp_names[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
    if (n < 0) n = 0;
    for (int i = 0; i < n; i++) exp_names[i] = yysymbol_name(expected[i]);
    yysymbol_kind_t tok = yypcontext_token(ctx);
    build_syntax_error(B, *yypcontext_location(ctx),
                       tok == YYSYMBOL_YYEMPTY ? NULL : yysymbol_name(tok),
                       exp_names, n);
    return 0;
}
