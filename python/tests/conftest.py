"""Where the build is: DEALC_BUILD_DIR (bin/dealc, lib/libdealrt.so.1,
lib/libdealc.so.1) and the agreements; scripts/test.sh sets both. The
package finds its libraries through DEALC_LIB_DIR."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
try:  # the installed package (scripts/test.sh pip-installs it), else the tree's
    import dealc  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "python"))
BUILD = pathlib.Path(os.environ.get("DEALC_BUILD_DIR", ROOT / "build"))
os.environ.setdefault("DEALC_LIB_DIR", str(BUILD / "lib"))
AG = ROOT / "agreements"
GMACM = AG / "gmacm-2003-he2.deal"
STATE = AG / "gmacm-2003-he2" / "opening-2004-01-26.json"
REMIT = AG / "gmacm-2003-he2" / "remittance-2004-02-25.csv"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """GMACM 2003-HE2 built by dealc: the binary and the shared object"""
    d = tmp_path_factory.mktemp("built")
    dealc = str(BUILD / "bin" / "dealc")
    subprocess.run([dealc, "build", str(GMACM), "-o", str(d / "gmacm")], check=True)
    subprocess.run([dealc, "build", "--shared", str(GMACM), "-o", str(d / "gmacm.so")], check=True)
    return d


def binary(built, *args):
    return subprocess.run([str(built / "gmacm"), *map(str, args)], check=True, capture_output=True,
                          text=True).stdout
