"""Case- and accent-insensitive "contains" search, the same on SQLite and PostgreSQL.

Every list and dialog that searches builds its condition with ``matches(q, *fields)``: a field matches when
``crm_fold(field)`` contains ``crm_fold(q)``. ``crm_fold`` is one SQL function with the same name on both
databases, applied to both sides, so "lodz" finds "Łódź", "MÜLLER" and "muller" find "Müller" and
"ελληνικη" finds "Ελληνική":

- SQLite: ``fold`` below, registered as a deterministic function on every new connection
  (``crm.apps.CrmConfig.ready`` → ``register_sqlite_functions``). Compatibility forms are unified (NFKD:
  full-width letters, half-width katakana), accents are dropped (combining marks, but not the Japanese
  voicing marks: "ガ" stays "ガ"), letters that carry their stroke in the letter itself are mapped
  (ł → l, ø → o, đ → d …) and the text is case-folded.
- PostgreSQL: ``crm_fold(text)``, an IMMUTABLE SQL function ``lower(unaccent(normalize(text, NFKC)))``
  created by migration crm/0003 (``crm.search_indexes``) with pg_trgm GIN indexes on ``crm_fold(column)``
  of the searched columns, so a selective search stays index-assisted. Without the unaccent extension
  ``crm_fold`` is ``lower(normalize(text, NFKC))``: searches then ignore case but not accents.
"""

import unicodedata
from urllib.parse import urlencode

from django import forms
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.urls import reverse
from django.utils.html import format_html, format_html_join

FUNCTION = "crm_fold"

# Letters whose stroke or ligature is part of the letter (NFKD leaves them alone); PostgreSQL's unaccent
# maps the same ones. Combining marks (accents) map to nothing, except the Japanese voicing marks: they
# change the sound ("ガ" stays "ガ").
_REPLACE = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H",
    "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "þ": "th", "Þ": "TH",
    **{chr(code): "" for code in range(0x20000)  # every combining mark lies below U+20000
       if unicodedata.combining(chr(code)) and code not in (0x3099, 0x309A)},
}
_replace = _REPLACE.get


def fold(value):
    """``value`` without case, accents and compatibility forms ("Łódź" → "lodz"); None stays None.

    Called for every searched column of every row on SQLite, so it is kept cheap (a dict lookup per
    character; ASCII text only lower-cased)."""
    if value is None:
        return None
    value = str(value)
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return unicodedata.normalize("NFC", "".join([_replace(ch, ch) for ch in decomposed])).casefold()


def register_sqlite_functions(sender=None, connection=None, **kwargs):
    """``connection_created`` receiver: give each new SQLite connection ``crm_fold``."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)


class Fold(Func):
    """``crm_fold(expression)``: the folded text of a column or value (see the module docstring)."""

    function = FUNCTION
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # The cast makes the expression the same as the indexed one (crm_fold takes text).
        return self.as_sql(compiler, connection, template="%(function)s((%(expressions)s)::text)",
                           **extra_context)


class Matches(Func):
    """The condition of ``matches``: one of the columns contains the text, both folded."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, q, *fields):
        super().__init__(Fold(Value(q)), *(F(field) for field in fields))

    def _pattern(self, compiler, connection):
        """``LIKE '%' || <folded q, with % _ \\ escaped> || '%'`` and its parameters."""
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return connection.pattern_ops["contains"].format(connection.pattern_esc).format(sql), params

    def as_sql(self, compiler, connection, **extra_context):
        # Each column folded and compared on its own: the expressions PostgreSQL's trigram indexes serve.
        pattern, needle_params = self._pattern(compiler, connection)
        parts, params = [], []
        for column in self.get_source_expressions()[1:]:
            sql, column_params = compiler.compile(Fold(column))
            parts.append(f"{sql} {pattern}")
            params += [*column_params, *needle_params]
        return f"({' OR '.join(parts)})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no index for this anyway: one fold per row over the columns joined by a separator no
        # search contains (a call into Python per column of every row costs more than the scan itself).
        pattern, needle_params = self._pattern(compiler, connection)
        columns, params = [], []
        for column in self.get_source_expressions()[1:]:
            sql, column_params = compiler.compile(column)
            columns.append(f"COALESCE({sql}, '')")
            params += column_params
        return f"{FUNCTION}({' || char(31) || '.join(columns)}) {pattern}", [*params, *needle_params]


def matches(q, *fields):
    """The condition "one of ``fields`` contains ``q``", ignoring case and accents; an empty Q for a blank
    ``q`` (everything matches). ``fields`` may follow relations ("sell_to_contact__name")."""
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()
    if not q:
        return Q()
    return Q(Matches(q, *fields))


# ---------------------------------------------------------------------------------------------
# Number fields with a lookup
# ---------------------------------------------------------------------------------------------

LOOKUP_LIMIT = 10


class LookupInput(forms.TextInput):
    """A text input for a record's number with suggestions from a lookup view (``url_name``).

    The suggestions are a ``<datalist>``: the browser offers them under the input. With JavaScript, htmx
    refills it as the user types (GET ``url_name?field=<input name>&<input name>=<text>``; the lookup view
    answers with ``<option value="number">name · city</option>`` rows). Without JavaScript the form fills
    it: a form that cannot find the typed number sets ``suggestions`` (the records matching the text)
    and says so next to the field; the "Find" link opens the lookup view as a page.
    """

    def __init__(self, url_name, *, params=None, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.url_name = url_name
        self.params = params or {}
        self.suggestions = []  # (number, label) pairs, set by the form

    def lookup_url(self, **params):
        return f"{reverse(self.url_name)}?{urlencode({**self.params, **params})}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-options"
        context["widget"]["attrs"].update({
            "list": list_id, "hx-get": self.lookup_url(field=name), "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML", "hx-trigger": "input changed delay:300ms", "hx-sync": "this:replace",
        })
        context["widget"]["list_id"] = list_id
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        field = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.suggestions)
        return format_html('{}<datalist id="{}">{}</datalist> <a class="small lookup-link" href="{}" target="_blank" '
                           'rel="noopener">Find</a>', field, context["widget"]["list_id"], options,
                           self.lookup_url())


def offer_suggestions(form, name, lookup):
    """After the number field ``name`` of a bound ``form`` was refused (no such record): fill its
    ``LookupInput`` with ``lookup(typed text)`` and tell the user to pick one — the way to a number without
    JavaScript."""
    if name not in form.fields or name not in form.errors:
        return
    widget = form.fields[name].widget
    widget.suggestions = lookup(form.data.get(form.add_prefix(name), ""))
    if widget.suggestions:
        form.add_error(name, "Pick one of the suggestions or type its number.")


def lookup_label(name, city=""):
    """The text of a suggestion: "Fabrikam Inc. · Seattle"."""
    return f"{name} · {city}" if city else name


def lookup_query(request) -> str:
    """The text a lookup view searches for: ``q`` (its own page), else the input named by ``field`` (htmx
    sends the input under its own name)."""
    q = request.GET.get("q")
    if q is None:
        q = request.GET.get(request.GET.get("field") or "q", "")
    return q.strip()[:100]
