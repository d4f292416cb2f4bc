"""dealc from Python: securitization deals compiled by dealc, replayed,
projected, gridded and explained into pandas, with exact money.

    import dealc
    deal = dealc.compile("agreements/gmacm-2003-he2.deal")   # or dealc.load("gmacm.so")
    classes, lines = deal.replay("opening.json", "remittance.csv")
    deal.project(cpr=20, cdr=2, severity=40)
    deal.grid(cpr=[10, 20, 30], cdr=[0, 2]).wal_table()
    deal.explain(1, "Excess Cash")

Money is decimal.Decimal with two places, exactly the runtime's cents;
rates are Decimal fractions (0.012 is 1.2%); dates are datetime.date.
Errors raise DealcError (with .file, .line, .col, .date) or one of its
subclasses. docs/embedding.md has the guide.
"""
import datetime
import decimal
import io
import math
import os

import pandas as pd

from . import _ffi

__all__ = ["compile", "load", "Deal", "Statement", "Projection", "Grid", "ScenarioRun", "Explanation", "DealcError",
           "UsageError", "InputError", "DealError", "RunError", "version"]

ffi = _ffi.ffi
NONE = -(2 ** 63)
_EPOCH = datetime.date(1970, 1, 1)
_UNITS = ("money", "rate", "number", "count", "date", "bool")


class DealcError(Exception):
    """An error from the dealc library: status, file/line/col of bad input,
    the payment date of a waterfall that cannot run, and the message."""

    def __init__(self, status, message, file="", line=0, col=0, date=""):
        self.status, self.message = status, message
        self.file, self.line, self.col, self.date = file, line, col, date
        if file and line:
            text = "%s:%d:%d: error: %s" % (file, line, col, message)
        elif file:
            text = "%s: error: %s" % (file, message)
        elif date:
            text = "error: payment date %s: %s" % (date, message)
        else:
            text = "error: " + message
        super().__init__(text)


class UsageError(DealcError, ValueError):
    pass


class InputError(DealcError, ValueError):
    pass


class DealError(DealcError):
    pass


class RunError(DealcError):
    pass


_CLASSES = {1: UsageError, 2: DealcError, 3: InputError, 4: DealError, 5: RunError}


def _raise(err, diagnostics=None):
    s = int(err.status)
    cls = _CLASSES.get(s, DealcError)
    e = cls(ffi.string(_ffi.rt().dealc_status_name(s)).decode(), ffi.string(err.message).decode(), ffi.string(err.file).decode(), err.line, err.col,
            ffi.string(err.date).decode())
    e.diagnostics = diagnostics
    raise e


def _check(status, err):
    if status != 0:
        _raise(err)


def version():
    return ffi.string(_ffi.rt().dealc_version()).decode()


def _s(p):
    return ffi.string(p).decode() if p != ffi.NULL else ""


def _date(day):
    return None if day == NONE or day == 0 else _EPOCH + datetime.timedelta(days=int(day))


def _figure(v, unit):
    """an int64 figure in its unit's scale, as Python (exact)"""
    if v == NONE:
        return None
    if unit == 0:
        return decimal.Decimal(v).scaleb(-2)
    if unit == 4:
        return _date(v)
    if unit == 5:
        return bool(v)
    q = decimal.Decimal(v).scaleb(-12)
    # exact, without the runtime's trailing zeros (and never 1E+1 for 10)
    return q.quantize(decimal.Decimal(1)) if q == q.to_integral_value() else q.normalize()


def _fields(table):
    lib = _ffi.rt()
    n = lib.dealc_field_count(table)
    return [(ffi.string(lib.dealc_field_name(table, i)).decode(), lib.dealc_field_unit(table, i)) for i in range(n)]


def _path(p):
    return os.fspath(p).encode()


def load(path):
    """A deal built with `dealc build --shared`."""
    lib = _ffi.rt()
    out = ffi.new("dealc_deal **")
    err = ffi.new("dealc_error *")
    _check(lib.dealc_deal_open(_path(path), out, err), err)
    return Deal(out[0])


def compile(path, amendments=(), as_of=None, optimize=True):
    """A deal compiled from its .deal source (and amendments) in process,
    through LLVM's JIT (libdealc). Errors raise DealError whose
    .diagnostics is the text `dealc check` prints."""
    lib = _ffi.cc()
    keep = [ffi.new("char[]", _path(a)) for a in amendments]
    arr = ffi.new("const char *[]", keep + [ffi.NULL])
    as_of_c = ffi.new("char[]", str(as_of).encode()) if as_of else ffi.NULL
    opts = ffi.new("dealc_compile_options *", [arr, len(keep), as_of_c, 0 if optimize else 1])
    out = ffi.new("dealc_deal **")
    diags = ffi.new("char **")
    err = ffi.new("dealc_error *")
    st = lib.dealc_compile(_path(path), opts, out, diags, err)
    text = None
    if diags[0] != ffi.NULL:
        text = ffi.string(diags[0]).decode()
        _ffi.rt().dealc_free(diags[0])
    if st != 0:
        _raise(err, text)
    return Deal(out[0])


class _Handle:
    """an owned C object freed with its library function"""

    def __init__(self, ptr, free):
        self.ptr = ffi.gc(ptr, free)


class Deal:
    """A loaded deal. Read-only once open: threads may share it."""

    def __init__(self, ptr):
        self._ptr = ffi.gc(ptr, _ffi.rt().dealc_deal_close)
        d = _ffi.rt().dealc_deal_describe(self._ptr)
        self._d = d
        self.name = _s(d.name)
        self.groups = [_s(d.groups[i]) for i in range(d.ngroups)]
        self.classes = [_s(d.classes[i].name) for i in range(d.nclasses)]
        self.parties = [_s(d.parties[i].name) for i in range(d.nparties)]
        self.inputs = [(_s(d.inputs[i].name), _UNITS[d.inputs[i].unit]) for i in range(d.ninputs)]
        self.definitions = [_s(d.definitions[i].name) for i in range(d.ndefinitions)]
        self.lines = [_s(d.lines[i].name) for i in range(d.nlines)]
        self.funds = [_s(d.funds[i].name) for i in range(d.nfunds)]
        self.clauses = [_s(d.clauses[i].label) for i in range(d.nclauses)]
        self.memory = [_s(d.memory[i].name) for i in range(d.nmemory)]
        self.closing_date = _date(d.closing_date)
        self._last = None

    def __repr__(self):
        return "<dealc.Deal %r: %d classes>" % (self.name, len(self.classes))

    @property
    def description(self):
        """the deal binary's `describe` text"""
        lib = _ffi.rt()
        text, err = ffi.new("char **"), ffi.new("dealc_error *")
        _check(lib.dealc_deal_describe_text(self._ptr, text, ffi.NULL, err), err)
        try:
            return ffi.string(text[0]).decode()
        finally:
            lib.dealc_free(text[0])

    # ---- inputs ----

    def _state(self, state):
        lib = _ffi.rt()
        out, err = ffi.new("dealc_state **"), ffi.new("dealc_error *")
        if state is None:
            _check(lib.dealc_state_new(self._ptr, out, err), err)
        elif isinstance(state, dict):
            import json
            text = json.dumps(state, default=str).encode()
            _check(lib.dealc_state_parse(self._ptr, text, len(text), b"<state dict>", out, err), err)
        elif isinstance(state, bytes) or (isinstance(state, str) and state.lstrip().startswith("{")):
            text = state if isinstance(state, bytes) else state.encode()
            _check(lib.dealc_state_parse(self._ptr, text, len(text), b"<state text>", out, err), err)
        else:
            _check(lib.dealc_state_read(self._ptr, _path(state), out, err), err)
        return ffi.gc(out[0], lib.dealc_state_free)

    def _remittance(self, opening, remittance):
        """a CSV file, or a DataFrame with the CSV's columns (in memory)"""
        lib = _ffi.rt()
        out, err = ffi.new("dealc_remittance **"), ffi.new("dealc_error *")
        if isinstance(remittance, pd.DataFrame):
            buf = io.StringIO()
            df = remittance.copy()
            for c in df.columns:
                if df[c].map(lambda v: isinstance(v, (datetime.date, pd.Timestamp))).any():
                    df[c] = df[c].map(lambda v: v.strftime("%Y-%m-%d"))
            df.to_csv(buf, index=False)
            text = buf.getvalue().encode()
            _check(lib.dealc_remittance_parse(self._ptr, opening, text, len(text), b"<remittance DataFrame>", out,
                                              err), err)
        else:
            _check(lib.dealc_remittance_read(self._ptr, opening, _path(remittance), out, err), err)
        return ffi.gc(out[0], lib.dealc_remittance_free)

    # ---- replay ----

    def replay(self, state, remittance):
        """Runs the priority of payments for each date of the remittance (a
        CSV path or a DataFrame with its columns) from the opening state (a
        JSON path, JSON text, a dict in the state file's form, or a Statement's
        .closing_state). Returns a Statement; `classes, lines = ...` works."""
        lib = _ffi.rt()
        st = self._state(state)
        rm = self._remittance(st, remittance)
        out, err = ffi.new("dealc_replay **"), ffi.new("dealc_error *")
        _check(lib.dealc_replay_run(self._ptr, st, rm, out, err), err)
        r = ffi.gc(out[0], lib.dealc_replay_free)
        self._last = (st, rm)
        return Statement(self, r)

    # ---- projections ----

    @staticmethod
    def _scenario(kw, lists):
        lib = _ffi.rt()
        out, err = ffi.new("dealc_scenario **"), ffi.new("dealc_error *")
        _check(lib.dealc_scenario_new(out, err), err)
        sc = ffi.gc(out[0], lib.dealc_scenario_free)
        scenario_file = kw.pop("scenario", None)

        def put(key, value):
            _check(lib.dealc_scenario_set(sc, key.encode(), str(value).encode(), err), err)

        for k, v in kw.items():
            if v is None or v is False:
                continue
            key = k.replace("_", "-")
            if key in ("index", "index-vector", "input") and isinstance(v, dict):
                for name, val in v.items():
                    put(key, "%s=%s" % (name, val))
            elif v is True:
                put(key, "yes")
            elif key == "hep" and isinstance(v, tuple) and not any(isinstance(x, (list, tuple)) for x in v):
                put(key, ",".join(map(str, v)))  # one ramp: (start, end, months)
            elif isinstance(v, (list, tuple)):
                if not lists:
                    raise UsageError("usage", "%s takes one value in project (lists are for grid)" % k)
                sep = ";" if key == "hep" else ","
                put(key, sep.join(",".join(map(str, x)) if isinstance(x, (list, tuple)) else str(x) for x in v))
            else:
                put(key, v)
        if scenario_file:
            _check(lib.dealc_scenario_read(sc, _path(scenario_file), err), err)
        return sc

    def project(self, state=None, pricing=None, **assumptions):
        """One scenario (cpr=20, cdr=2, severity=40, recovery_lag=6,
        index={"One-Month LIBOR": "1.10%"}, to_call=True, scenario="file",
        ...: the deal binary's flags) from the state (None: the closing
        date and the declared collateral). pricing: the pricing flags as a
        dict ({"settle": "2002-01-30", "yield": 6} or "price": 99.5, and
        "curve", "benchmark", "delay", "accrual-start", "pricing-dates",
        "shift"); the summary then has each class's price, yield (a
        fraction), durations and spreads, and its WAL counts from the
        settlement. Returns a Projection."""
        lib = _ffi.rt()
        sc = self._scenario(dict(assumptions), False)
        st = self._state(state) if state is not None else ffi.NULL
        out, err = ffi.new("dealc_projection **"), ffi.new("dealc_error *")
        pr = ffi.NULL
        if pricing:
            pout = ffi.new("dealc_pricing **")
            _check(lib.dealc_pricing_new(pout, err), err)
            pr = ffi.gc(pout[0], lib.dealc_pricing_free)
            for k, v in pricing.items():
                _check(lib.dealc_pricing_set(pr, k.replace("_", "-").encode(), str(v).encode(), err), err)
        _check(lib.dealc_project_priced(self._ptr, st, sc, pr, out, err), err)
        return Projection(self, ffi.gc(out[0], lib.dealc_projection_free))

    def load_tape(self, path):
        """Replaces the declared collateral lines with a loan tape (the
        deal binary's --tape) for the projections that follow."""
        lib = _ffi.rt()
        err = ffi.new("dealc_error *")
        _check(lib.dealc_deal_load_tape(self._ptr, _path(path), err), err)

    def breakeven(self, cls, state=None, **assumptions):
        """The lowest constant CDR (percent, to 0.01) at which class cls
        takes its first dollar of principal loss, and the lowest at which
        it is written down in full (None: not even at 100%), at the other
        assumptions given (no default rate): a dict with first_loss,
        loss_at_first (Decimal), full_writedown, written_at_full, runs and
        monotone (False: the class also loses just below first_loss)."""
        lib = _ffi.rt()
        names = [_s(self._d.classes[c].name) for c in range(self._d.nclasses)]
        if cls not in names:
            raise UsageError("usage", 'the deal has no class "%s"' % cls)
        sc = self._scenario(dict(assumptions), False)
        st = self._state(state) if state is not None else ffi.NULL
        out, err = ffi.new("dealc_breakeven **"), ffi.new("dealc_error *")
        _check(lib.dealc_breakeven_run(self._ptr, st, sc, names.index(cls), out, err), err)
        b = ffi.gc(out[0], lib.dealc_breakeven_free)

        def cdr(h):
            return None if h < 0 else decimal.Decimal(h).scaleb(-2)

        return {"first_loss": cdr(b.first_loss), "loss_at_first": _figure(b.loss_at_first, 0) if b.first_loss >= 0 else None,
                "full_writedown": cdr(b.full_writedown),
                "written_at_full": _figure(b.written_at_full, 0) if b.full_writedown >= 0 else None,
                "runs": b.runs, "monotone": bool(b.monotone)}

    def grid(self, state=None, threads=0, **assumptions):
        """Every combination of lists of speeds and default rates
        (cpr=[10, 20, 30], cdr=[0, 2], ...) on threads (0: every core).
        Returns a Grid."""
        lib = _ffi.rt()
        sc = self._scenario(dict(assumptions), True)
        st = self._state(state) if state is not None else ffi.NULL
        out, err = ffi.new("dealc_grid **"), ffi.new("dealc_error *")
        _check(lib.dealc_grid_run(self._ptr, st, sc, threads, out, err), err)
        return Grid(self, ffi.gc(out[0], lib.dealc_grid_free))

    _SET_KEYS = ("scenarios", "paths", "seed", "hull_white", "rate_curve", "index_paths")
    _PRICING_KEYS = ("settle", "price", "yield_", "delay", "accrual_start", "pricing_dates", "oas")

    def scenarios(self, state=None, threads=0, klass=None, first=0, last=None, **options):
        """A scenario set of any size, as the deal binary's `grid --stream`
        runs it: the assumptions' lists (cpr=[10, 20], ...) or a scenarios
        file (scenarios="rows.csv"), crossed with Monte Carlo paths
        (hull_white="One-Month LIBOR=0.2,0.6%", rate_curve=..., paths=N,
        seed=S, or index_paths="NAME=FILE"), priced with settle=, price= or
        yield_= (and oas= for the paths' values); scenarios [first, last)
        (None: to the end), one class (klass="A-1") or every one. Returns a
        ScenarioRun."""
        lib = _ffi.rt()
        err = ffi.new("dealc_error *")
        set_opts = {k: options.pop(k) for k in self._SET_KEYS if options.get(k) is not None}
        price_opts = {k: options.pop(k) for k in self._PRICING_KEYS if options.get(k) is not None}
        for k in self._SET_KEYS + self._PRICING_KEYS:
            options.pop(k, None)
        sc = self._scenario(options, True)
        st = self._state(state) if state is not None else ffi.NULL
        pr = ffi.NULL
        if price_opts:
            p = ffi.new("dealc_pricing **")
            _check(lib.dealc_pricing_new(p, err), err)
            pr = ffi.gc(p[0], lib.dealc_pricing_free)
            for k, v in price_opts.items():
                _check(lib.dealc_pricing_set(pr, k.rstrip("_").replace("_", "-").encode(), str(v).encode(), err), err)
        o = ffi.new("dealc_scenarios **")
        _check(lib.dealc_scenarios_new(o, err), err)
        ss = ffi.gc(o[0], lib.dealc_scenarios_free)
        for k, v in set_opts.items():
            _check(lib.dealc_scenarios_set(ss, k.replace("_", "-").encode(), _path(v) if k in (
                "scenarios", "rate_curve") else str(v).encode(), err), err)
        _check(lib.dealc_scenarios_open(ss, self._ptr, st, sc, pr, err), err)
        info = lib.dealc_scenarios_describe(ss)
        k = -1
        if klass is not None:
            if klass not in self.classes:
                raise UsageError("usage", "the deal has no class \"%s\"" % klass)
            k = self.classes.index(klass)
        rows = []

        def take(ctx, rec):
            base = ffi.cast("char *", rec.classes)
            for i in range(rec.nclasses):
                x = ffi.cast("dealc_grid_class *", base + i * rec.class_size)
                rows.append({"scenario": rec.scenario + 1, "name": _s(rec.label),
                             "class": self.classes[x.klass],
                             "wal": x.wal if x.has_wal else math.nan,
                             "principal": _figure(x.principal, 0), "interest": _figure(x.interest, 0),
                             "loss": _figure(x.loss, 0),
                             "final": _date(x.final_payment) if x.final_payment else None,
                             "yield": getattr(x, "yield") if x.priced else math.nan,
                             "price": x.price if x.priced else math.nan,
                             "duration": x.mod_duration if x.priced else math.nan,
                             "value": x.value if x.valued else math.nan})
            return 0

        cb = ffi.callback("int(void *, const dealc_grid_record *)", take)
        t = ffi.new("dealc_grid_totals **")
        hi = info.count if last is None else last
        _check(lib.dealc_scenarios_run(ss, first, hi, threads, k, cb, ffi.NULL, t, err), err)
        shown = self.classes if k < 0 else [klass]
        return ScenarioRun(rows, ffi.gc(t[0], lib.dealc_grid_totals_free), info.count, shown)

    # ---- explain ----

    def explain(self, period, name, state=None, remittance=None):
        """Why the definition or clause `name` is what it is on the
        period-th date (1: the first) of the remittance: by default the
        state and remittance of the last replay."""
        lib = _ffi.rt()
        if state is None and remittance is None:
            if self._last is None:
                raise UsageError("usage", "explain needs a state and a remittance, or a replay before it")
            st, rm = self._last
        else:
            st = self._state(state)
            rm = self._remittance(st, remittance)
        out, err = ffi.new("dealc_explanation **"), ffi.new("dealc_error *")
        _check(lib.dealc_explain(self._ptr, st, rm, int(period), name.encode(), out, err), err)
        return Explanation(ffi.gc(out[0], lib.dealc_explanation_free))


class Statement:
    """A replay: every figure of every payment date.

    classes   DataFrame, one row per (payment_date, class): every class
              figure (money Decimal, coupon a Decimal fraction, factor
              Decimal or None, security_percent a Decimal percent)
    lines     Series of the statement's lines, indexed by (payment_date, line)
    parties, groups, funds, clauses   DataFrames in the same way
    triggers  Series of triggers (bool) and dates (date or None)
    definitions  Series of every definition's value
    closing_state  the state after the last date (JSON text: opens the next replay)

    `classes, lines = deal.replay(...)` unpacks the first two."""

    def __init__(self, deal, r):
        self._r = r
        d = deal._d
        self.deal = deal
        rows = {k: [] for k in ("classes", "groups", "parties", "funds", "clauses")}
        lines, lidx, defs, didx, mem, midx = [], [], [], [], [], []
        tables = [("classes", 0, d.nclasses, lambda i: _s(d.classes[i].name), r.class_stride, "class"),
                  ("groups", 1, d.ngroups, lambda i: _s(d.groups[i]), r.group_stride, "group"),
                  ("parties", 2, d.nparties, lambda i: _s(d.parties[i].name), r.party_stride, "party"),
                  ("funds", 3, d.nfunds, lambda i: _s(d.funds[i].name), r.fund_stride, "fund"),
                  ("clauses", 4, d.nclauses, lambda i: _s(d.clauses[i].label), r.clause_stride, "clause")]
        fields = {t[0]: _fields(t[1]) for t in tables}
        for k in range(r.nperiods):
            p = r.periods[k]
            date = _date(p.payment_date)
            for key, _, n, name, stride, col in tables:
                arr = getattr(p, key)
                for i in range(n):
                    row = {"payment_date": date, "distribution": p.distribution, col: name(i)}
                    for f, (fname, unit) in enumerate(fields[key]):
                        row[fname] = _figure(arr[i * stride + f], unit)
                    rows[key].append(row)
            for i in range(d.nlines):
                nm = _s(d.lines[i].name)
                if nm:
                    lines.append(_figure(p.lines[i].v, p.lines[i].unit))
                    lidx.append((date, nm))
            for i in range(d.ndefinitions):
                defs.append(_figure(p.definitions[i].v, p.definitions[i].unit))
                didx.append((date, _s(d.definitions[i].name)))
            for i in range(d.nmemory):
                v = p.memory[i]
                mem.append(_date(v) if d.memory[i].kind == 2 else bool(v))
                midx.append((date, _s(d.memory[i].name)))
        for key, _, _, _, _, col in tables:
            df = pd.DataFrame(rows[key], columns=["payment_date", "distribution", col] + [f for f, _ in fields[key]])
            setattr(self, key, df.set_index(["payment_date", col]))
        mi = lambda idx, second: pd.MultiIndex.from_tuples(idx, names=["payment_date", second])
        self.lines = pd.Series(lines, index=mi(lidx, "line"), dtype=object, name="value")
        self.definitions = pd.Series(defs, index=mi(didx, "definition"), dtype=object, name="value")
        self.triggers = pd.Series(mem, index=mi(midx, "name"), dtype=object, name="value")

    def __iter__(self):
        return iter((self.classes, self.lines))

    @property
    def closing_state(self):
        lib = _ffi.rt()
        text, err = ffi.new("char **"), ffi.new("dealc_error *")
        _check(lib.dealc_state_json(self._r.closing, text, ffi.NULL, err), err)
        try:
            return ffi.string(text[0]).decode()
        finally:
            lib.dealc_free(text[0])

    def render(self, format="table"):
        """the statement as the deal binary prints it: table, csv or json"""
        lib = _ffi.rt()
        f = {"table": 0, "csv": 1, "json": 2}[format]
        text, err = ffi.new("char **"), ffi.new("dealc_error *")
        _check(lib.dealc_replay_render(self._r, f, text, ffi.NULL, err), err)
        try:
            return ffi.string(text[0]).decode()
        finally:
            lib.dealc_free(text[0])


class Projection:
    """One scenario.

    classes   tidy DataFrame: period, payment_date, class, beginning_balance,
              interest, principal, ending_balance (Decimal), coupon (Decimal fraction)
    flows     tidy DataFrame: period, payment_date, group and the collateral's flows
    summary   DataFrame per class: wal (years, actual/365.25), first and last
              principal, final payment (dates), principal and interest (Decimal)
    parties   tidy DataFrame: period, payment_date, party and the statement's
              party figures (paid; an insurer's draws and reimbursements)
    funds     tidy DataFrame: period, payment_date, fund and its figures (an
              account's remaining is its closing balance)
    triggers  tidy DataFrame: period, payment_date, name, value (a trigger's
              bool; a date once it has occurred, else None)"""

    def __init__(self, deal, p):
        d = deal._d
        self._deal = deal  # the projection renders from its deal
        self.prepay, self.default = _s(p.prepay), _s(p.dflt)
        self.called = bool(p.called)
        self.start = _date(p.start_date)
        pf, ff = _fields(5), _fields(6)
        crow, frow = [], []
        for k in range(p.nperiods):
            date, period = _date(p.dates[k]), p.start_distribution + 1 + k
            for c in range(d.nclasses):
                base = (k * d.nclasses + c) * p.pclass_stride
                row = {"period": period, "payment_date": date, "class": _s(d.classes[c].name)}
                row.update({n: _figure(p.classes[base + i], u) for i, (n, u) in enumerate(pf)})
                crow.append(row)
            for g in range(d.ngroups):
                base = (k * d.ngroups + g) * p.flow_stride
                row = {"period": period, "payment_date": date, "group": _s(d.groups[g])}
                row.update({n: _figure(p.flows[base + i], u) for i, (n, u) in enumerate(ff)})
                frow.append(row)
        qf, uf = _fields(2), _fields(3)
        prow, urow, mrow = [], [], []
        for k in range(p.nperiods):
            date, period = _date(p.dates[k]), p.start_distribution + 1 + k
            for i in range(d.nparties):
                base = (k * d.nparties + i) * p.party_stride
                row = {"period": period, "payment_date": date, "party": _s(d.parties[i].name)}
                row.update({n: _figure(p.parties[base + f], u) for f, (n, u) in enumerate(qf)})
                prow.append(row)
            for i in range(d.nfunds):
                base = (k * d.nfunds + i) * p.fund_stride
                row = {"period": period, "payment_date": date, "fund": _s(d.funds[i].name)}
                row.update({n: _figure(p.funds[base + f], u) for f, (n, u) in enumerate(uf)})
                urow.append(row)
            for i in range(d.nmemory):
                v = p.memory[k * d.nmemory + i]
                mrow.append({"period": period, "payment_date": date, "name": _s(d.memory[i].name),
                             "value": _date(v) if d.memory[i].kind == 2 else bool(v)})
        self.parties = pd.DataFrame(prow, columns=["period", "payment_date", "party"] + [n for n, _ in qf])
        self.funds = pd.DataFrame(urow, columns=["period", "payment_date", "fund"] + [n for n, _ in uf])
        self.triggers = pd.DataFrame(mrow, columns=["period", "payment_date", "name", "value"])
        self.draw = _s(p.draw)
        self.classes = pd.DataFrame(crow, columns=["period", "payment_date", "class"] + [n for n, _ in pf])
        self.flows = pd.DataFrame(frow, columns=["period", "payment_date", "group"] + [n for n, _ in ff])
        srow = []
        for c in range(d.nclasses):
            s = p.summary[c]
            srow.append({"class": _s(d.classes[c].name), "wal": s.wal if s.principal > 0 else math.nan,
                         "first_principal": _date(s.first_principal), "last_principal": _date(s.last_principal),
                         "final_payment": _date(s.final_payment), "principal": _figure(s.principal, 0),
                         "interest": _figure(s.interest, 0)})
        if p.prices != ffi.NULL:
            for c, row in enumerate(srow):
                q = p.prices[c]

                def have(flag, v):
                    return v if q.priced and flag else math.nan

                row.update({"price": have(1, q.price), "yield": have(1, getattr(q, "yield")),
                            "mod_duration": have(1, q.mod_duration), "convexity": have(1, q.convexity),
                            "spread_bp": have(q.has_spread, q.spread_bp), "zspread_bp": have(q.has_zspread, q.zspread_bp),
                            "eff_duration": have(q.has_effective, q.eff_duration),
                            "eff_convexity": have(q.has_effective, q.eff_convexity)})
        self.wal_from = _date(p.wal_from)
        self.summary = pd.DataFrame(srow).set_index("class")
        self._p = p

    def render(self, format="table", cls=None):
        """the projection as the deal binary's project command prints it:
        table, csv, json, or html (its --report); cls: one class's tables"""
        lib = _ffi.rt()
        f = {"table": 0, "csv": 1, "json": 2, "html": 3}[format]
        k = -1
        if cls is not None:
            names = [_s(self._deal._d.classes[c].name) for c in range(self._deal._d.nclasses)]
            if cls not in names:
                raise UsageError("usage", 'the deal has no class "%s"' % cls)
            k = names.index(cls)
        text, err = ffi.new("char **"), ffi.new("dealc_error *")
        _check(lib.dealc_projection_render(self._p, f, k, text, ffi.NULL, err), err)
        try:
            return ffi.string(text[0]).decode()
        finally:
            lib.dealc_free(text[0])


def _decrement(bal, orig):
    """percent of the original outstanding, half-up to a whole percent; "*"
    for a balance that rounds to 0 but is not paid off (the prospectus's and
    the deal binary's rule), exact on integers"""
    if orig <= 0:
        return "-"
    pct = (bal * 200 + orig) // (orig * 2)
    return "*" if pct == 0 and bal > 0 else str(pct)


class Grid:
    """A grid of scenarios.

    wal       tidy DataFrame: class, prepay, default, wal (years; NaN: no principal)
    balances  tidy DataFrame: class, prepay, default, date (the closing
              date's anniversaries), balance (Decimal) and percent (of the
              original, as the prospectus's decrement tables print it)"""

    def __init__(self, deal, g):
        d = deal._d
        self._deal = deal
        self.prepay = [_s(g.prepay[i]) for i in range(g.nprepay)]
        self.default = [_s(g.dflt[i]) for i in range(g.ndefault)]
        self.start = _date(g.start_date)
        nc, ny = g.nclasses, g.nyears
        wrow, brow = [], []
        for s in range(g.nscenarios):
            pp, df = self.prepay[s // g.ndefault], self.default[s % g.ndefault]
            for c in range(nc):
                if d.classes[c].notional:
                    continue
                w = g.wal[s * nc + c]
                name = _s(d.classes[c].name)
                wrow.append({"class": name, "prepay": pp, "default": df, "wal": math.nan if w < 0 else w})
                orig = d.classes[c].original
                for y in range(min(g.years_used[s], ny)):
                    b = g.balances[(s * ny + y) * nc + c]
                    brow.append({"class": name, "prepay": pp, "default": df, "date": _date(g.anniversaries[y]),
                                 "balance": _figure(b, 0), "percent": _decrement(b, orig)})
        self.wal = pd.DataFrame(wrow, columns=["class", "prepay", "default", "wal"])
        self.balances = pd.DataFrame(brow, columns=["class", "prepay", "default", "date", "balance", "percent"])

    def wal_table(self):
        """the prospectus's WAL table: a row per class, a column per
        scenario ("PREPAY / DEFAULT"), years to two places as text exactly
        as the deal binary's grid prints them ("-": no principal)"""
        t = self.wal.assign(scenario=self.wal["prepay"] + " / " + self.wal["default"],
                            text=self.wal["wal"].map(lambda w: "-" if math.isnan(w) else "%.2f" % w))
        order = [p + " / " + d for p in self.prepay for d in self.default]
        classes = list(dict.fromkeys(t["class"]))
        return t.pivot(index="class", columns="scenario", values="text").loc[classes, order]


class ScenarioRun:
    """A scenario set's run (Deal.scenarios).

    records  tidy DataFrame, a row per scenario and class: scenario (1-based,
             in the set), name, class, wal (years; NaN: no principal),
             principal, interest, loss (Decimal; None: a notional class or a
             run not ended), final (date), yield (a fraction), price, duration,
             value (the paths' value per 100; NaN when not there)
    count    the scenarios in the whole set
    oas(price)  each class's spread (a fraction) over the paths' rates at
             which their mean value is the price; None when not solved"""

    _COLUMNS = ["scenario", "name", "class", "wal", "principal", "interest", "loss", "final", "yield", "price",
                "duration", "value"]

    def __init__(self, rows, totals, count, classes):
        self.records = pd.DataFrame(rows, columns=self._COLUMNS)
        self.count = count
        self._t = totals
        self._classes = classes

    def oas(self, price):
        lib = _ffi.rt()
        if self._t.oas == ffi.NULL:
            raise UsageError("usage", "the OAS needs Monte Carlo paths, settle= and price=")
        out = {}
        for c in range(self._t.nclasses):
            v = ffi.new("double *")
            out[self._classes[c]] = v[0] if lib.dealc_oas_solve(
                ffi.addressof(self._t.oas[c]), float(price), v) else None
        return out


class Explanation:
    """explain's answer: .text as the deal binary prints it, and .items, a
    DataFrame of what it takes apart (depth, kind, name, value, formula,
    text, amended_by, effective, in_force, note), depth first"""

    _KINDS = ("definition", "figure", "repeat", "clause")

    def __init__(self, x):
        self.text = _s(x.text)
        self.payment_date = _date(x.payment_date)
        self.distribution = x.distribution
        rows = []
        for i in range(x.nitems):
            it = x.items[i]
            rows.append({"depth": it.depth, "kind": self._KINDS[it.kind], "name": _s(it.name),
                         "value": _figure(it.value.v, it.value.unit), "formula": _s(it.formula),
                         "text": _s(it.text), "amended_by": _s(it.amended_by),
                         "effective": _date(it.effective), "in_force": bool(it.in_force), "note": _s(it.note)})
        self.items = pd.DataFrame(rows, columns=["depth", "kind", "name", "value", "formula", "text", "amended_by",
                                                 "effective", "in_force", "note"])

    def __str__(self):
        return self.text
