"""Project-wide promises: deploy checks, migrations in step with models, the model names of the contract,
and the dependency rule (partners knows nothing of contacts)."""

import ast
import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CONTRACT_MODELS = {
    "contacts": ["Contact", "BusinessRelation", "ContactBusinessRelation", "MarketingSetup", "InteractionTemplate",
                 "InteractionTemplateSetup", "InteractionLogEntry"],
    "partners": ["Customer", "Vendor", "BankAccount", "CustomerTemplate", "VendorTemplate", "NoSeries",
                 "PartnerSetup", "Territory", "SalespersonPurchaser"],
}


def manage(*args, env=None):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def production_env(**extra):
    """A clean environment as a server would have it: nothing leaks in from the test run (which may set
    DJANGO_ALLOW_ASYNC_UNSAFE, DEBUG, …)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "SYSTEMROOT") if key in os.environ}
    return {**env, "DJANGO_SETTINGS_MODULE": "crm.settings.production", "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "crm.example.com", **extra}


def test_check_deploy_with_production_settings_is_clean():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, capture_output=True, text=True, env=production_env(), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_the_development_secret_key():
    env = production_env(SECRET_KEY="django-insecure-dev-only-change-me")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value in production." in result.stderr


def test_migrations_are_in_step_with_the_models():
    result = manage("makemigrations", "--check", "--dry-run", env={"DJANGO_SETTINGS_MODULE": "crm.settings.test"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("app, name", [(app, name) for app, names in CONTRACT_MODELS.items() for name in names])
def test_every_contract_model_is_importable_from_its_app(app, name):
    model = getattr(importlib.import_module(f"{app}.models"), name)
    assert model._meta.app_label == app
    assert model._meta.object_name == name


def imported_modules(path: Path):
    """Every module a Python file imports, at any depth (imports inside functions included)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
                "import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
            yield node.args[0].value


def test_partners_imports_nothing_from_contacts_or_documents():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "partners").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in {"contacts", "documents"}
    ]
    assert offenders == []


def test_partners_works_installed_without_contacts():
    """With only partners installed, every partners module imports and no contacts module is loaded."""
    script = """
import importlib, pkgutil, sys
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.admin",
                    "django.contrib.sessions", "django.contrib.messages", "simple_history", "partners"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()
import partners
for module in pkgutil.walk_packages(partners.__path__, "partners."):
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {"contacts", "documents"})
print("LOADED", loaded)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"})
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


@pytest.mark.parametrize("module", ["crm.wsgi", "crm.asgi"])
def test_the_wsgi_and_asgi_entry_points_default_to_production_settings(module):
    script = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
    env = {k: v for k, v in production_env().items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["crm.settings.production", "False"]


def test_postgresql_connections_run_without_jit_compilation(db, on_postgres):
    # The planner's estimates for a large table turned JIT on for short index lookups (250 ms of compiling
    # for 14 ms of work at 200,000 contacts): the product's connections switch it off.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
