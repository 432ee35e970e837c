"""Generated docs must match the registry; the README opens with the two commands."""

from pathlib import Path

from plowshare.cli.docs import params_markdown
from plowshare.core.params import default_registry

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_reference_is_up_to_date():
    committed = (ROOT / "docs" / "parameters.md").read_text()
    assert committed == params_markdown(default_registry()), (
        "docs/parameters.md is stale: run `make docs`"
    )


def test_readme_opens_with_make_demo_and_make_test():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:15])
    assert "make demo" in head and "make test" in head


def test_every_model_has_notes():
    for params in (ROOT / "src" / "plowshare" / "models").glob("*/params.toml"):
        assert (params.parent / "README.md").exists(), params.parent.name
