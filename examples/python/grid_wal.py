#!/usr/bin/env python3
# %% [markdown]
# # WAL under a grid of speeds and default rates
#
# A notebook-style walk through the Python package (docs/embedding.md):
# compile GMACM 2003-HE2 from its agreement, replay the February 2004
# statement, project the deal from that month forward under a grid of
# prepayment speeds and default rates, print the prospectus-style WAL
# table and plot each class's WAL against the speed (with matplotlib, when
# it is installed). Run it from the dealc tree:
#
#     python3 examples/python/grid_wal.py [OUT.png]

# %%
import pathlib
import sys

import dealc

root = pathlib.Path(__file__).resolve().parents[2]
ag = root / "agreements"
deal = dealc.compile(ag / "gmacm-2003-he2.deal")
print(deal)

# %% The statement of 2004-02-25, to the cent
classes, lines = deal.replay(ag / "gmacm-2003-he2/opening-2004-01-26.json",
                             ag / "gmacm-2003-he2/remittance-2004-02-25.csv")
print(classes[["beginning_balance", "principal", "interest", "ending_balance"]])
print("Excess Cash:", lines.xs("Excess Cash", level="line").iloc[0])

# %% A grid from the closing date: 5 speeds x 3 default rates
speeds = [0, 10, 20, 30, 40]
grid = deal.grid(cpr=speeds, cdr=[0, 2, 4], severity=40,
                 index={"One-Month LIBOR": "1.10%"}, input={"Weighted Average Net Loan Rate": "7.7745%"})
print(grid.wal_table().to_string())

# %% WAL against speed, one line per class, at 0% CDR
wal = grid.wal[grid.wal["default"] == "0% CDR"]
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no chart")
    sys.exit(0)
fig, ax = plt.subplots(figsize=(7, 4))
for cls, rows in wal.groupby("class", sort=False):
    ax.plot(speeds, rows["wal"].to_list(), marker="o", label="Class " + cls)
ax.set_xlabel("CPR (%)")
ax.set_ylabel("weighted average life (years)")
ax.set_title(deal.name)
ax.legend()
out = sys.argv[1] if len(sys.argv) > 1 else "gmacm-wal.png"
fig.savefig(out, dpi=100, bbox_inches="tight")
print("wrote", out)
