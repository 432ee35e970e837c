"""Hostile inputs for the front door: hypothesis strategies that mutate the shipped
scenario and race files, a TOML writer that can express what a hostile user types
(NaN, infinities, 5,000-digit integers, dates, deep nesting, markup), and the one check
every example must pass: exit 0, or exit 2 with exactly one line ``error: …`` on stderr
(and never exit 0 for a file that holds a non-finite number or an integer beyond 64 bits).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import stat
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from plowshare.cli import main
from plowshare.core.params import default_registry
from plowshare.core.scenario import shipped

INT64 = 2**63


class Raw(str):
    """Text written into the TOML file verbatim (``nan``, ``1979-05-27``, 5,000 digits)."""


@cache
def shipped_docs(folder: str) -> dict[str, tuple[Path, dict[str, Any]]]:
    return {name: (p, tomllib.loads(p.read_text())) for name, p in shipped(folder).items()}


# ---- writing TOML --------------------------------------------------------------------------
def value(v: Any) -> str:
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v))


def key(k: Any) -> str:
    return json.dumps(str(k), ensure_ascii=False)


def dumps(doc: dict[str, Any]) -> bytes:
    """``doc`` as TOML: one ``key = inline value`` line per top-level key."""
    text = "".join(f"{key(k)} = {value(v)}\n" for k, v in doc.items())
    return text.encode("utf-8", "surrogatepass")


# ---- hostile values ------------------------------------------------------------------------
MARKUP = [
    "[/bold]",
    "[/i]Alex",
    "[link=file:///etc/passwd]click[/link]",
    "[bold red]x",
    "[",
    "]",
    "\\[x]",
    "x/../../../../escape",
    "../escape",
    "/tmp/abs",
    "con",
    "a" * 300,
    "é\u202eüñ\u0000\u200b",
    "🦀" * 5,
    "",
    " ",
    "\n\r\t",
]
NON_FINITE = [math.nan, math.inf, -math.inf, Raw("nan"), Raw("-nan"), Raw("+inf"), Raw("-inf")]
HUGE = [Raw("9" * 25), Raw("-" + "9" * 400), Raw("1e400"), Raw("-1e999")]
# 5,000 digits: beyond Python's int-from-text limit (built lazily: a short strategy repr)
HUGE_INT = st.sampled_from([25, 400, 4300, 5000]).map(lambda n: Raw("1" + "0" * n))
RAW_OTHER = [Raw("1979-05-27"), Raw("1979-05-27T07:32:00Z"), Raw("07:32:00"), Raw("0x7fffffff")]

scalars = st.one_of(
    st.sampled_from(NON_FINITE),
    st.sampled_from(HUGE),
    HUGE_INT,
    st.sampled_from(RAW_OTHER),
    st.sampled_from(MARKUP),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2, 1999, 2025, 2050, 2201, 10**7, 2**63 - 1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.5, -1.0, 1e-320, 1e308, 0.99, -0.99, 1.0000001]),
    st.text(max_size=12),
)


def hostile() -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(["kind", "low", "high", "x", "mean", "sd"]), inner, max_size=4
            ),
        ),
        max_leaves=6,
    )


def dist_specs() -> st.SearchStrategy[dict[str, Any]]:
    """Distribution tables, sometimes well formed, often not."""
    fields = st.sampled_from(
        [
            "low",
            "high",
            "mode",
            "mean",
            "sd",
            "p5",
            "p95",
            "median",
            "sigma",
            "lower",
            "upper",
            "value",
            "lowe",
        ]
    )
    kinds = st.sampled_from(
        ["fixed", "uniform", "triangular", "normal", "lognormal", "loguniform", "norm", 3]
    )
    nums = st.one_of(
        st.sampled_from(NON_FINITE + HUGE[:2]),
        st.floats(min_value=-10, max_value=10),
        st.sampled_from([0, 1, 0.01, 0.5, 2030, -1e308, 1e308]),
    )
    return st.builds(
        lambda k, f: {"kind": k, **f}, kinds, st.dictionaries(fields, nums, min_size=1, max_size=4)
    )


# ---- mutations ------------------------------------------------------------------------------
Path_ = tuple[Any, ...]


def paths(node: Any, here: Path_ = ()) -> list[Path_]:
    """Every path to a node inside the document (dict keys and list indices)."""
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*here, i))
    return out


def get(doc: Any, path: Path_) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def copy(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: copy(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [copy(v) for v in doc]
    return doc


def nested(depth: int, leaf: Any = 1) -> Any:
    """``leaf`` inside ``depth`` arrays (written verbatim: no recursion to write it)."""
    return (
        Raw("[" * depth + value(leaf) + "]" * depth)
        if depth > 20
        else [leaf] * 1
        if depth == 1
        else [nested(depth - 1, leaf)]
    )


@st.composite
def mutation(
    draw: st.DrawFn, doc: dict[str, Any], semantic: list[tuple[Path_, st.SearchStrategy[Any]]]
) -> dict[str, Any]:
    """One structural change to ``doc`` (in place) and the document."""
    ps = paths(doc)
    op = draw(
        st.sampled_from(
            ["delete", "replace", "unknown", "duplicate", "empty", "nest"]
            + ["semantic"] * 5
            + ["poison"] * 3
        )
    )
    target = draw(st.sampled_from(ps))
    if op == "semantic" and semantic:
        where, values = draw(st.sampled_from(semantic))
        node = doc
        for p in where[:-1]:
            if not isinstance(node.get(p), dict):
                node[p] = {}
            node = node[p]
        node[where[-1]] = draw(values)
        return doc
    if op == "poison":  # a number (or a number's place) becomes NaN, inf or huge
        numeric = [
            p for p in ps if p and isinstance(get(doc, p), int | float) and get(doc, p) is not True
        ]
        if numeric:
            target = draw(st.sampled_from(numeric))
            get(doc, target[:-1])[target[-1]] = draw(
                st.one_of(st.sampled_from(NON_FINITE + HUGE), HUGE_INT)
            )
            return doc
        op = "replace"
    if not target:  # the root: add an unknown section
        doc[draw(st.sampled_from(["scenari", "extra", "levers", "run", "race", "polls"]))] = draw(
            hostile()
        )
        return doc
    parent, last = get(doc, target[:-1]), target[-1]
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = draw(hostile())
    elif op == "unknown":
        node = parent[last] if isinstance(parent[last], dict) else parent
        if isinstance(node, dict):
            node[draw(st.sampled_from(["nme", "extra", "kind", "draws", "rho", "nam", "x.y"]))] = (
                draw(hostile())
            )
        else:
            node.append(draw(hostile()))
    elif op == "duplicate":
        if isinstance(parent, list):
            parent.append(copy(parent[last]))
        elif isinstance(parent[last], list) and parent[last]:
            parent[last].append(copy(parent[last][0]))
        else:
            parent[last] = [parent[last], parent[last]]
    elif op == "empty":
        parent[last] = draw(st.sampled_from([[], {}, "", 0]))
    elif op == "nest":
        parent[last] = nested(draw(st.sampled_from([3, 50, 600, 2000])), parent[last])
    return doc


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> bytes:
    """Damage at the byte level: truncate, splice random or invalid UTF-8 bytes, nest."""
    op = draw(st.sampled_from(["truncate", "splice", "utf8", "nest", "bom", "huge"]))
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "splice":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if op == "utf8":
        return (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]))
            + data[at:]
        )
    if op == "nest":
        n = draw(st.sampled_from([100, 600, 5000]))
        return data + b"deep = " + b"[" * n + b"]" * n + b"\n"
    if op == "bom":
        return b"\xef\xbb\xbf" + data
    return data + b"pad = '" + b"x" * (1 << 20) + b"'\n"


@st.composite
def mutated(
    draw: st.DrawFn, folder: str, semantic: list[tuple[Path_, st.SearchStrategy[Any]]]
) -> bytes:
    """A shipped file of ``folder`` with one to three mutations, or damaged bytes."""
    docs = shipped_docs(folder)
    path, doc = docs[draw(st.sampled_from(sorted(docs)))]
    if draw(st.integers(0, 11)) == 0:
        return draw(byte_damage(path.read_bytes()))
    doc = copy(doc)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        doc = draw(mutation(doc, semantic))
    return dumps(doc)


def scenario_semantics() -> list[tuple[Path_, st.SearchStrategy[Any]]]:
    reg = default_registry()
    levers = sorted(p.name for p in reg if p.role == "lever")
    names = sorted(p.name for p in reg)
    states_levers = sorted(p.name for p in reg if p.kind == "states")
    states = st.one_of(
        st.sampled_from(["VA", "va", "XX", "bill-states-2026", "all", "none", "blue", ""]),
        st.lists(st.sampled_from(["VA", "GA", "ZZ", "all", 3, "democratic-trifectas"]), max_size=3),
        st.dictionaries(
            st.sampled_from(["VA", "GA", "QQ", "all"]),
            st.one_of(st.sampled_from(NON_FINITE + HUGE[:2] + [2, -0.1, True]), st.floats(0, 1)),
            max_size=3,
        ),
    )
    refs = st.sampled_from(
        [
            "baseline",
            "fund-baseline",
            "nosuch",
            "s.toml",
            "./s.toml",
            "../s.toml",
            "",
            "/dev/null",
            "contest-ny12-2026",
        ]
    )
    return [
        (("levers", *levers[0].split(".")), hostile()),
        *(
            ((("levers", *n.split("."))), st.one_of(hostile(), st.just(reg[n].value)))
            for n in levers[:40:3]
        ),
        *(((("levers", *n.split("."))), states) for n in states_levers),
        *(((("overrides", *n.split("."))), st.one_of(dist_specs(), hostile())) for n in names[::7]),
        (("overrides", "fund", "no_such_param"), dist_specs()),
        (
            ("correlations",),
            st.lists(
                st.fixed_dictionaries(
                    {
                        "a": st.sampled_from(names[:30]),
                        "b": st.sampled_from(names[:30]),
                        "rho": st.one_of(
                            st.sampled_from(NON_FINITE + HUGE[:1] + [1.0, -0.99]), st.floats(-1, 1)
                        ),
                    }
                ),
                max_size=3,
            ),
        ),
        (("scenario", "inherits"), st.one_of(refs, hostile())),
        (("scenario", "name"), st.sampled_from(MARKUP)),
        (("scenario", "description"), st.sampled_from(MARKUP)),
        (
            ("inputs", "contest", "race"),
            st.one_of(
                st.sampled_from(["ny12-2026", "nosuch", "r.toml", "", "baseline"]), hostile()
            ),
        ),
        (("inputs", "contest", "equilibrium"), st.sampled_from(["yes", 1, nested(3), math.nan])),
        (("inputs", "siting", "race"), st.just("ny12-2026")),
        (
            ("run", "report_years"),
            st.one_of(
                st.just([]),
                st.lists(st.sampled_from([2030, 2030, 1999, 2201, 10**30, math.nan]), max_size=3),
            ),
        ),
        (
            ("run", "models"),
            st.one_of(
                st.just([]),
                st.lists(st.sampled_from(["fund", "fund", "contest", "fnd", "siting"]), max_size=3),
            ),
        ),
        (
            ("run", "years"),
            st.lists(st.sampled_from([2025, 2050, 1999, 2300, 2**64, 2030]), max_size=3),
        ),
        (("run", "draws"), hostile()),
        (("run", "seed"), st.sampled_from([-1, 2**63, 2**64, Raw("9" * 5000), math.nan, 1.5])),
        (("run", "chunk_size"), st.sampled_from([0, -1, 2**63, math.inf, 1])),
        (("run", "method"), st.sampled_from(["lhs", "mc", "sobol", 1])),
    ]


def race_semantics() -> list[tuple[Path_, st.SearchStrategy[Any]]]:
    num = st.one_of(st.sampled_from(NON_FINITE + HUGE[:3] + [0, -1, 1e308, 2.0]), st.floats(-1, 2))
    return [
        (("race", "turnout"), num),
        (("race", "district_share_of_market"), num),
        (("race", "weeks"), st.sampled_from([0, 1, 2, 105, 2**63, math.nan])),
        (
            ("race", "election_date"),
            st.sampled_from(["2020-01-01", "2026-13-01", "", "tomorrow", "2026-06-23"]),
        ),
        (("race", "target"), st.sampled_from(["Alex Bores", "Alex Borés", "", "[/i]Alex"])),
        (("race", "name"), st.sampled_from(MARKUP)),
        (("race", "description"), st.sampled_from(MARKUP)),
        (
            ("race", "actual_result"),
            st.dictionaries(st.sampled_from(["Alex Bores", "Nobody"]), num, max_size=2),
        ),
        (("race", "kind"), st.sampled_from(["open_primary", "general", 1])),
        (
            ("candidates",),
            st.lists(
                st.fixed_dictionaries(
                    {"name": st.sampled_from(["Alex Bores", "[/i]Alex", "A", "A", ""])}
                ),
                max_size=4,
            ),
        ),
        (
            ("spending",),
            st.lists(
                st.fixed_dictionaries(
                    {
                        "group": st.sampled_from(["g", "[/bold]"]),
                        "candidate": st.sampled_from(["Alex Bores", "Micah Lasher", "Nobody"]),
                        "stance": st.sampled_from(["support", "attack"]),
                        "buyer": st.sampled_from(["candidate", "outside"]),
                        "amount_usd": num,
                        "weeks_before": st.lists(
                            st.sampled_from([0, 1, 16, 29, 30, 200, -1, 2**63]), max_size=3
                        ),
                        "strategic": st.sampled_from(["attacker", "defender", "none"]),
                    }
                ),
                max_size=3,
            ),
        ),
        (
            ("polls",),
            st.lists(
                st.fixed_dictionaries(
                    {
                        "pollster": st.just("p"),
                        "date": st.sampled_from(["2026-03-10", "2027-01-01", "2026-02-30"]),
                        "shares": st.dictionaries(
                            st.sampled_from(["Alex Bores", "Micah Lasher", "Nobody"]),
                            num,
                            max_size=3,
                        ),
                    }
                ),
                max_size=2,
            ),
        ),
    ]


# ---- running --------------------------------------------------------------------------------
@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    exception: BaseException | None
    strict: bool  # the file holds a non-finite number or an int beyond 64 bits

    def problem(self) -> str | None:
        """What is wrong with this outcome, or None."""
        if self.exception is not None:
            return f"escaped {type(self.exception).__name__}: {str(self.exception)[:200]}"
        if self.code not in (0, 2):
            return f"exit {self.code}: {self.err[:300]}"
        if self.code == 2 and not (self.err.startswith("error: ") and self.err.count("\n") == 1):
            return f"not one line: {self.err[:300]!r}"
        if "Traceback" in self.err or "Traceback" in self.out:
            return "traceback printed"
        if self.code == 0 and self.strict:
            return "non-finite or huge number accepted"
        return None


def suspicious(data: bytes) -> bool:
    """Does the (parseable) file hold a NaN, an infinity or an integer beyond 64 bits?"""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError):
        return False

    def bad(v: Any) -> bool:
        if isinstance(v, dict):
            return any(bad(x) for x in v.values())
        if isinstance(v, list):
            return any(bad(x) for x in v)
        if isinstance(v, float):
            return not math.isfinite(v)
        if isinstance(v, int) and not isinstance(v, bool):
            return not -INT64 <= v < INT64
        return False

    try:
        return bad(doc)
    except RecursionError:
        return False


def run_cli(argv: list[str], data: bytes | None = None) -> Outcome:
    """``plowshare.cli.main(argv)`` in-process, stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code: int | None = main(argv)
        exc = None
    except BaseException as e:  # the point is to see everything that escapes
        code, exc = None, e
    return Outcome(
        code, out.getvalue(), err.getvalue(), exc, suspicious(data) if data is not None else False
    )


NY12 = shipped("races")["ny12-2026"]


def scenario_case(data: bytes, tmp: Path, *, export: bool = False) -> Outcome:
    """A mutated scenario file run with two draws (beside it: a good race ``r.toml``)."""
    (tmp / "r.toml").write_bytes(NY12.read_bytes())
    path = tmp / "s.toml"
    path.write_bytes(data)
    argv = ["run", str(path), "-n", "2"]
    if export:
        argv += ["--out", str(tmp / "out")]
    return run_cli(argv, data)


def race_case(data: bytes, tmp: Path) -> Outcome:
    """A mutated race file through `plowshare contest` (two draws, no equilibrium sweep)."""
    path = tmp / "r.toml"
    path.write_bytes(data)
    return run_cli(["contest", str(path), "-n", "2", "--equilibrium-draws", "0"], data)


# ---- command-line arguments -----------------------------------------------------------------
def device(tmp: Path, name: str, minor: int) -> str:
    """A private copy of /dev/null (minor 3) or /dev/full (minor 7) inside ``tmp``, or a FIFO
    where device nodes cannot be made. Never the real ones: as root, a bug that renames a
    file over ``--out`` would replace the system's device node."""
    path = tmp / name
    if not path.exists():
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        except OSError:
            os.mkfifo(path)
    return str(path)


def cli_args(tmp: Path) -> st.SearchStrategy[list[str]]:
    """Hostile invocations: odd names, option values and --out targets (all cheap to run)."""
    (tmp / "a-file").write_text("x")
    null, full = device(tmp, "null", 3), device(tmp, "full", 7)
    (tmp / "baseline").write_text("[scenario]\nname = 'impostor'\n")  # a stray file named like one
    names = st.sampled_from(
        ["baseline", "fund-baseline", "bubble", "nosuch", "", "[/bold]", "../../etc/passwd",
         "x/../../../../escape", null, str(tmp), "baseline.toml", "-", "ny12-2026"]
    )  # fmt: skip
    draws = st.sampled_from(["2", "1", "0", "-1", "abc", "1e3", "9" * 30, "nan", ""])
    years = st.sampled_from(
        ["2030", "2030,2030", "2030," * 2000, "1999", "abc", "", ",", "2030,2040", "9" * 5000]
    )
    outs = st.sampled_from(
        [null, full, str(tmp / "a-file"), str(tmp / ("x" * 300)),
         str(tmp / "a-file" / "sub"), str(tmp / "ok"), str(tmp / "ok" / ("y" * 5000)),
         str(tmp / "nul\0byte"), ""]
    )  # fmt: skip
    seeds = st.sampled_from(["1", "-1", str(2**63), "x"])
    opt = st.one_of(
        st.tuples(st.just("--draws"), draws),
        st.tuples(st.just("--years"), years),
        st.tuples(st.just("--out"), outs),
        st.tuples(st.just("--seed"), seeds),
    )
    base = st.one_of(
        st.tuples(st.just(["run"]), names.map(lambda n: [n])),
        st.tuples(st.just(["compare"]), st.lists(names, min_size=0, max_size=3)),
        st.tuples(st.just(["solve"]), names.map(lambda n: [n])),
        st.tuples(
            st.just(["contest"]),
            st.sampled_from(["ny12-2026", "nosuch", "[/i]x", "progressive-challenger", ""]).map(
                lambda n: [n, "--equilibrium-draws", "0"]
            ),
        ),
        st.tuples(
            st.just(["params"]),
            st.lists(
                st.sampled_from(["fund", "fnd", "--search", "[/bold]", "--status", "x"]), max_size=3
            ),
        ),
        st.tuples(st.just(["scenarios"]), st.just([])),
        st.tuples(st.just(["races"]), st.just([])),
        st.tuples(st.just(["frobnicate"]), st.just(["--help"])),
    )

    def build(b: tuple[list[str], list[str]], opts: list[tuple[str, str]]) -> list[str]:
        argv = [*b[0], *b[1]]
        for o, v in opts:
            argv += [o, v]
        if "--draws" not in argv and argv[0] in ("run", "compare", "solve", "contest"):
            argv += ["--draws", "2" if argv[0] != "solve" else "20"]
        return argv

    brief = st.sampled_from(
        [["brief", "--out", str(tmp)], ["brief", "--out", full], ["brief", "--out", null],
         ["brief", "--out", str(tmp / ("z" * 300))], ["brief", "--draws", "10"],
         ["brief", "--out", str(tmp / "a-file" / "b.html")]]
    )  # fmt: skip
    commands = st.builds(build, base, st.lists(opt, max_size=3))
    return st.one_of(*[commands] * 9, brief)  # brief is one in ten
