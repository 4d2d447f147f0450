"""The bench scripts import and parse their options (their figures are measured by running them, not here)."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script", ["load", "write_growth"])
def test_bench_script_imports_with_its_entry_point(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{script}", BENCH / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)


def test_load_client_reads_the_edit_form_a_browser_would_post():
    sys.path.insert(0, str(BENCH))
    try:
        from load import edit_form
    finally:
        sys.path.remove(str(BENCH))
    html = ('<form method="post" action="/contacts/1/delete/"><input name="csrfmiddlewaretoken" value="t"></form>'
            '<form method="post" action="/contacts/1/"><input type="hidden" name="version" value="3">'
            '<input name="name" value="A &amp; B"><input type="checkbox" name="minor">'
            '<input type="checkbox" name="privacy_blocked" checked><select name="country_code">'
            '<option value="">—</option><option value="DE" selected>Germany</option></select>'
            '<textarea name="note">hi</textarea><button type="submit">Save</button></form>')
    assert edit_form(html, "/contacts/1/") == [("version", "3"), ("name", "A & B"), ("privacy_blocked", "on"),
                                                ("country_code", "DE"), ("note", "hi")]
