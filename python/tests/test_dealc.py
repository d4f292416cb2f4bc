"""The Python package against the trustee's statement and the deal binary.

Expected figures of 2004-02-25 are typed from the trustee's statement
(agreements/gmacm-2003-he2/statement-2004-02-25.txt); the grid's WAL table,
the projection and explain are compared with what the deal binary that
`dealc build` makes prints for the same scenario."""
import datetime
import math
from decimal import Decimal as D

import pandas as pd
import pytest

import dealc
from conftest import GMACM, REMIT, STATE, binary

LIBOR = {"One-Month LIBOR": "1.10%"}
WANL = {"Weighted Average Net Loan Rate": "7.7745%"}

# the trustee's class table: beginning, ending, factor, principal, interest,
# interest shortfalls, security %, coupon %
TRUSTEE = {
    "A-1": ("133,373,590.32", "116,261,895.61", "0.3172680", "17,111,694.71", "133,373.59", "0.00", "18.32", "1.200"),
    "A-2": ("161,627,000.00", "161,627,000.00", "1.0000000", "0.00", "422,923.98", "0.00", "25.47", "3.140"),
    "A-3": ("20,875,000.00", "20,875,000.00", "1.0000000", "0.00", "71,670.83", "0.00", "3.29", "4.120"),
    "A-4": ("22,233,000.00", "22,233,000.00", "1.0000000", "0.00", "85,597.05", "0.00", "3.50", "4.620"),
    "A-5": ("63,464,000.00", "63,464,000.00", "1.0000000", "0.00", "216,306.47", "0.00", "10.00", "4.090"),
    "IO": ("76,000,000.00", "76,000,000.00", "0.9047619", "0.00", "443,333.33", "0.00", "0.00", "7.000"),
}
TRUSTEE_LINES = {
    "Beginning Pool Balance": "406,855,924.22",
    "Ending Pool Balance": "390,719,522.22",
    "Principal Collections": "15,998,210.91",
    "Interest Collections": "2,526,009.70",
    "Excess Cash": "975,292.71",
    "Beginning Overcollateralization Amount": "5,283,333.90",
    "Outstanding Overcollateralization Amount": "6,258,626.61",
    "Target Overcollateralization Amount": "7,933,075.00",
}
FEB25 = datetime.date(2004, 2, 25)


def money(s):
    return D(s.replace(",", ""))


@pytest.fixture(scope="module")
def deal():
    return dealc.compile(GMACM)


def check_statement(classes, lines):
    for cls, t in TRUSTEE.items():
        row = classes.loc[(FEB25, cls)]
        assert row["beginning_balance"] == money(t[0])
        assert row["ending_balance"] == money(t[1])
        assert row["factor"] == D(t[2])
        assert row["principal"] == money(t[3])
        assert row["interest"] == money(t[4])
        assert row["interest_shortfall"] == money(t[5])
        assert row["security_percent"] == D(t[6])
        assert row["coupon"] * 100 == D(t[7])
        # exact money: Decimal with two places, never a float
        assert isinstance(row["interest"], D) and row["interest"].as_tuple().exponent == -2
    for name, v in TRUSTEE_LINES.items():
        assert lines.loc[(FEB25, name)] == money(v)
    assert lines.loc[(FEB25, "Active Loan Count")] == 11704
    # printed as the statement prints them, not as 1.1704E+4 or 1E+1
    assert str(lines.loc[(FEB25, "Active Loan Count")]) == "11704"
    assert str(classes.loc[(FEB25, "A-5")]["security_percent"]) == "10"


def test_replay_reproduces_the_statement(deal):
    classes, lines = deal.replay(STATE, REMIT)
    assert isinstance(classes, pd.DataFrame) and isinstance(lines, pd.Series)
    check_statement(classes, lines)


def test_shared_object_is_the_jit(deal, built):
    so = dealc.load(built / "gmacm.so")
    a, b = deal.replay(STATE, REMIT), so.replay(STATE, REMIT)
    pd.testing.assert_frame_equal(a.classes, b.classes)
    pd.testing.assert_series_equal(a.lines, b.lines)
    # the statement, as the binary prints it
    for fmt in ("table", "csv", "json"):
        assert a.render(fmt) == binary(built, "replay", "--state", STATE, REMIT, "--format", fmt)


def test_remittance_from_a_dataframe(deal):
    # the servicer's figures of 2004-02-25, typed, in the CSV's columns
    df = pd.DataFrame([{
        "payment_date": FEB25, "group": "Group 1",
        "principal_collections": D("15998210.91"), "interest_collections": D("2526009.70"),
        "principal_draws": D("0"), "liquidation_loss": D("138191.09"), "recoveries": D("67.14"),
        "substitution_adjustment": D("0"), "active_loan_count": 11704,
        "One-Month LIBOR": "1.10%", "Weighted Average Net Loan Rate": "7.77450%"}])
    st = deal.replay(STATE, df)
    check_statement(*st)
    files = deal.replay(STATE, REMIT)
    pd.testing.assert_frame_equal(st.classes, files.classes)
    pd.testing.assert_frame_equal(st.parties, files.parties)
    # the closing state opens the next month: a state dict or its JSON text
    assert '"distribution_number": 11' in st.closing_state


def test_scenarios_are_the_binarys_stream(deal, built):
    """a streamed set: the records are the grid's WALs, and the binary's
    `grid --stream csv` prints the same figures (money to the cent)"""
    run = deal.scenarios(cpr=[10, 30], cdr=[0, 2], severity=40, index=LIBOR, input=WANL, threads=2)
    assert run.count == 4
    r = run.records
    assert len(r) == 4 * len(deal.classes)
    g = deal.grid(cpr=[10, 30], cdr=[0, 2], severity=40, index=LIBOR, input=WANL).wal.set_index(
        ["class", "prepay", "default"])["wal"]
    for row in r[r["class"] == "A-1"].itertuples():
        pp, df = row.name.split(" / ")
        assert row.wal == g[("A-1", pp, df)]
    csv = binary(built, "grid", "--cpr", "10,30", "--cdr", "0,2", "--severity", "40", "--index",
                 "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%", "--stream", "csv")
    lines = csv.splitlines()[1:]
    assert len(lines) == len(r)
    for line, row in zip(lines, r.itertuples()):
        cells = line.split(",")
        assert int(cells[0]) == row.scenario and cells[2] == row._3
        assert D(cells[4]) == row.principal and D(cells[5]) == row.interest
        assert cells[3] == ("" if math.isnan(row.wal) else cells[3])
        if not math.isnan(row.wal):
            assert abs(float(cells[3]) - row.wal) <= 0.005 + 1e-9
    # a range and one class: the whole run's records
    part = deal.scenarios(cpr=[10, 30], cdr=[0, 2], severity=40, index=LIBOR, input=WANL, klass="A-2", first=2)
    whole = r[r["class"] == "A-2"].iloc[2:].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.records, whole)
    with pytest.raises(dealc.UsageError):
        run.oas(100)


def test_grid_wal_table_is_the_binarys(deal, built):
    g = deal.grid(cpr=[10, 20, 30], cdr=[0, 2, 4], severity=40, index=LIBOR, input=WANL, threads=2)
    table = g.wal_table()
    assert list(table.index) == ["A-1", "A-2", "A-3", "A-4", "A-5"]
    assert list(table.columns) == ["%d%% CPR / %d%% CDR" % (p, d) for p in (10, 20, 30) for d in (0, 2, 4)]
    csv = binary(built, "grid", "--cpr", "10,20,30", "--cdr", "0,2,4", "--severity", "40",
                 "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                 "--format", "csv")
    want = {}
    for line in csv.splitlines():
        parts = line.split(",")
        if parts[0] == "Weighted average life (years)":
            want[(parts[1], parts[2])] = parts[3]
    assert len(want) == 5 * 9
    for (cls, sc), text in want.items():
        assert table.loc[cls, sc] == text
    # tidy: one row per class and scenario; a faster prepayment shortens A-1
    w = g.wal.set_index(["class", "prepay", "default"])["wal"]
    assert w[("A-1", "30% CPR", "0% CDR")] < w[("A-1", "10% CPR", "0% CDR")]
    # the decrement table starts at 100% for a class not yet paid
    start = g.balances[(g.balances["class"] == "A-2")].iloc[0]
    assert start["percent"] == "100"


def test_projection_is_the_binarys(deal, built):
    p = deal.project(cpr=20, cdr=2, severity=40, index=LIBOR, input=WANL)
    csv = binary(built, "project", "--cpr", "20", "--cdr", "2", "--severity", "40",
                 "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                 "--format", "csv")
    assert "Summary,A-1,WAL,%.2f\n" % p.summary.loc["A-1", "wal"] in csv
    a1 = p.classes[p.classes["class"] == "A-1"]
    assert a1["principal"].sum() == p.summary.loc["A-1", "principal"]
    first = a1.iloc[0]
    assert "Class A-1,%d,Principal,%s\n" % (first["period"], first["principal"]) in csv
    assert "Class A-1,%d,Interest,%s\n" % (first["period"], first["interest"]) in csv
    # every group's flows balance: beginning - principal paid out - losses = ending
    f = p.flows.iloc[0]
    assert f["beginning_balance"] - f["scheduled"] - f["prepaid"] - f["liquidated"] - f["sold"] == f["ending_balance"]
    with pytest.raises(dealc.UsageError):
        deal.project(cpr=[10, 20])


def test_priced_projection(deal, built):
    """Priced at a 5% yield on the closing date, the projection renders as
    the deal binary prints it; A-2 priced back at the price it got yields
    5% again; the WALs count from the settlement; pricing without a
    settlement is the command line's usage error."""
    settle = deal.closing_date.isoformat()
    flags = dict(cpr=20, cdr=2, severity=40, index=LIBOR, input=WANL)
    p = deal.project(pricing={"settle": settle, "yield": 5}, **flags)
    csv = binary(built, "project", "--cpr", "20", "--cdr", "2", "--severity", "40",
                 "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                 "--settle", settle, "--yield", "5", "--format", "csv")
    assert p.render("csv") == csv
    assert p.wal_from == deal.closing_date
    a2 = p.summary.loc["A-2"]
    assert abs(a2["yield"] - 0.05) < 1e-12 and a2["price"] > 0
    back = deal.project(pricing={"settle": settle, "price": "%.10f" % a2["price"]}, **flags)
    assert abs(back.summary.loc["A-2", "yield"] - 0.05) < 1e-8
    assert "Class A-2" in p.render("table", cls="A-2") and "Class A-1" not in p.render("table", cls="A-2")
    with pytest.raises(dealc.UsageError, match="need --settle"):
        deal.project(pricing={"price": 99}, **flags)
    with pytest.raises(dealc.UsageError, match="default rate"):
        deal.breakeven("A-2", **flags)


def test_projection_parties_and_accounts(deal):
    """API 1.1 through pandas: the Credit Enhancer's premium in period 1 is
    0.1175% a year of the term notes' original 634,646,000.00 for one month,
    634,646,000.00 x 0.001175 / 12 = 62,142.420833..., 62,142.42; the
    Pre-Funding Account stays at 0.00 from closing; and every period the
    cash in (what the pool paid and what was drawn on the insurer) is the
    cash out (the classes' interest, principal and losses paid back, and
    every party)."""
    p = deal.project(cpr=20, cdr=4, severity=100, recovery_lag=0, index=LIBOR, input=WANL)
    ce = p.parties[p.parties["party"] == "Credit Enhancer"]
    first = ce.iloc[0]
    assert first["paid"] - first["reimbursed"] == D("62142.42")
    pfa = p.funds[p.funds["fund"] == "Pre-Funding Account"]
    assert (pfa["remaining"] == 0).all()
    cash_in, cash_out = {}, {}

    def add(into, frame, cols):
        for row in frame.itertuples(index=False):
            into[row.period] = into.get(row.period, D(0)) + sum(getattr(row, c) for c in cols)

    add(cash_in, p.flows, ["interest", "scheduled", "prepaid", "recoveries", "sold"])
    add(cash_in, p.parties, ["drawn"])
    add(cash_out, p.classes, ["interest", "principal", "realized_loss_paid", "basis_risk_paid"])
    add(cash_out, p.parties, ["paid"])
    assert len(cash_in) == len(p.flows["period"].unique()) > 0
    assert cash_in == cash_out
    assert sum(p.parties["drawn"]) > 0


def test_explain(deal, built):
    deal.replay(STATE, REMIT)
    x = deal.explain(1, "Excess Cash")
    assert x.text == binary(built, "explain", "--state", STATE, REMIT, "--period", 1, "Excess Cash")
    top = x.items.iloc[0]
    assert (top["kind"], top["name"], top["value"]) == ("definition", "Excess Cash", D("975292.71"))
    assert "interest collections" in set(x.items["name"])


def test_explain_an_amended_term(built):
    # under the premium amendment, effective 2004-02-01: in force on 2004-02-25
    am = GMACM.parents[1] / "tests" / "amendments" / "gmacm-premium.amend"
    deal = dealc.compile(GMACM, amendments=[am])
    deal.replay(STATE, REMIT)
    x = deal.explain(1, "Credit Enhancement Premium")
    top = x.items.iloc[0]
    assert top["amended_by"] == "Test Amendment One" and top["in_force"]
    assert top["effective"] == datetime.date(2004, 2, 1)
    assert 'as amended by "Test Amendment One", effective 2004-02-01' in x.text


def test_errors_are_located(deal, tmp_path):
    bad = tmp_path / "remit.csv"
    bad.write_text(REMIT.read_text().replace("15,998,210.91", "15,998,21x.91"))
    with pytest.raises(dealc.InputError) as e:
        deal.replay(STATE, bad)
    assert (e.value.file, e.value.line) == (str(bad), 2)
    assert e.value.col > 1
    src = tmp_path / "bad.deal"
    src.write_text(GMACM.read_text().replace('"Excess Cash" =', '"Excess Cash" = "Exces Cash" +', 1))
    with pytest.raises(dealc.DealError) as e:
        dealc.compile(src)
    assert e.value.line > 0 and "Exces Cash" in e.value.message
    assert "error" in e.value.diagnostics
    with pytest.raises(dealc.UsageError):
        deal.explain(1, "No Such Term", STATE, REMIT)


def test_description(deal):
    assert deal.name == "GMACM Home Equity Loan Trust 2003-HE2"
    assert deal.classes == ["A-1", "A-2", "A-3", "A-4", "A-5", "IO"]
    assert deal.closing_date == datetime.date(2003, 3, 26)
    assert deal.description.startswith("Deal: GMACM Home Equity Loan Trust 2003-HE2\n")
    assert not math.isnan(float(D("1")))
