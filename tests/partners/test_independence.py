"""partners/ refers to nothing in contacts/ (DESIGN §2): not by import, URL name, template or related name."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTNER_CODE = sorted((ROOT / "partners").rglob("*.py"))
PARTNER_TEMPLATES = sorted((ROOT / "templates" / "partners").rglob("*.html"))


def imported_modules(path):
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
              in {"import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant)):
            yield node.args[0].value


def test_there_is_partner_code_and_there_are_partner_templates_to_check():
    names = {path.name for path in PARTNER_CODE}
    assert {"views.py", "urls.py", "cards.py", "selectors.py"} <= names
    assert {"partner_list.html", "partner_detail.html", "partner_delete.html"} <= {p.name for p in PARTNER_TEMPLATES}


@pytest.mark.parametrize("path", PARTNER_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_partner_code_imports_nothing_from_contacts(path):
    assert [module for module in imported_modules(path) if module.split(".")[0] in {"contacts", "documents"}] == []


@pytest.mark.parametrize("path", PARTNER_CODE + PARTNER_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_partner_code_and_templates_use_no_contacts_related_name(path):
    assert "contact_links" not in path.read_text()


@pytest.mark.parametrize("path", PARTNER_CODE + PARTNER_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_partner_code_and_templates_name_no_contacts_url_or_template(path):
    text = path.read_text()
    assert "contacts:" not in text  # URL names of the contacts namespace
    assert "contacts/" not in text  # its templates (and paths)
