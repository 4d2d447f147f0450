"""Optimistic concurrency for edit forms: a save over someone else's newer save keeps both sides' changes.

Party models and documents bump ``version`` on every save (the sync engine's writes too). An edit form
(``crm.forms.VersionedForm``) carries the version it was rendered with; ``save_if_unchanged`` locks the
row, compares, and saves — or raises ``StaleEdit``. ``save_or_merge`` is what the edit screens call: it
saves, and when the record changed meanwhile it merges the user's changes with the newer version
(a three-way merge, field by field) instead of throwing the user's changes away:

- **base**: the values the user's form started from;  **mine**: what the user submitted;
  **theirs**: what is stored now.
- A field only one side changed takes that side's value (mine == base → theirs; theirs == base → mine);
  both sides made the same change → that value. Without conflicts the merged values are saved at once
  and the user is told what was merged ("The phone no. was synchronized from customer C00010 at 14:02;
  your change of the e-mail was saved on top of it.").
- A field both sides changed to different values is a **conflict**: nothing is saved; the form comes back
  with the merged values, the user's value in the field, the current value beside it and a choice
  (keep mine / take theirs), and it carries the current version, so the next save goes through.

Where the base comes from — the form carries it. When the form is rendered, a hidden ``original`` field
holds each editable field's value exactly as the browser will post it (JSON). This was chosen over reading
the base from the change history (django-simple-history) at the form's version because:
documents and their lines have no change history; history can be missing for a version (bulk commands
and the demo seeder may skip it, fixtures load raw rows); history rows hold model values while forms
edit other things (a company *number*, a customer no. on a document, a person's name parts), so the
form's own values are the only base that compares like with like; and it costs no query. A form posted
without (or with a garbled) ``original`` has no base: every field where the user's value differs from the
stored one is then treated as a conflict — nothing is overwritten and nothing the user typed is lost.
Tampering with ``original`` gains nothing: it only steers the merge of the user's own submission, which the
user may make anyway.

Who or what made the newer version is read from the record's change history when it has one (rows
newer than the form's version): "Sally changed it at 14:02", "synchronized from customer C00010 at
14:02" (the reason ``crm.history`` records for the sync engine's writes); otherwise "someone else".

All comparisons normalize through the form field (``to_python``): "12.5" equals "12.50", " x " equals "x".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

ORIGINAL = "original"  # the hidden field that carries the values the form started from
RESOLVE = "resolve-"  # prefix of a conflict's choice: resolve-<field> = mine | theirs
MINE, THEIRS = "mine", "theirs"
META_FIELDS = {"version", ORIGINAL}
MAX_ATTEMPTS = 3  # merge-and-save rounds when others keep saving in between


class StaleEdit(Exception):
    """The record was saved (``current``) or deleted (``current`` None) by someone else after the form was
    rendered."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current} was changed by someone else while you were editing it." if current is not None
                         else "Someone else deleted this record while you were editing it. Your changes were not "
                              "saved.")


# model → the functions that lock, for an instance of it, the rows every write path locks before its own row
_LOCK_FIRST: dict[type, list[Callable[[object], None]]] = {}


def register_lock_order(model, lock: Callable[[object], None]) -> None:
    """Declare what must be locked before a row of ``model``: ``lock(instance)`` locks those rows.

    Apps whose saves lock other rows first (the sync engine locks a partner's linked contact before the
    partner) register here, so that ``save_if_unchanged`` takes the locks in the same order as every other
    path instead of locking the edited row first — two orders would deadlock on PostgreSQL. crm imports no
    app; the apps register in their ``AppConfig.ready``.
    """
    locks = _LOCK_FIRST.setdefault(model, [])
    if lock not in locks:
        locks.append(lock)


def lock_first(instance) -> None:
    """Lock the rows registered (``register_lock_order``) to be locked before ``instance``'s own row."""
    for model in type(instance).__mro__:
        for lock in _LOCK_FIRST.get(model, ()):
            lock(instance)


def save_if_unchanged(form, expected_version):
    """Save a bound, valid ModelForm if the row still has ``expected_version``; raise StaleEdit otherwise.

    The row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize
    writers) so two saves cannot both pass the comparison — after the rows that every path locks before it
    (``register_lock_order``), so that it never waits for them while holding its own.
    """
    model = type(form.instance)
    with transaction.atomic():
        lock_first(form.instance)
        current = model.objects.select_for_update().filter(pk=form.instance.pk).first()
        if current is None or current.version != expected_version:
            raise StaleEdit(current)
        form.instance.version = current.version
        return form.save()


# ---------------------------------------------------------------------------------------------
# A form's values as a browser posts them, and their comparison
# ---------------------------------------------------------------------------------------------


def editable_fields(form) -> list[str]:
    """The fields a user edits (not the version, the original values, or disabled fields)."""
    return [name for name, f in form.fields.items() if name not in META_FIELDS and not f.disabled]


def posted_values(form) -> dict[str, list[str]]:
    """Each editable field's value as a browser would post it for ``form`` as rendered (name → list of strings;
    an unticked checkbox posts nothing)."""
    values = {}
    for name in editable_fields(form):
        bound = form[name]
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.CheckboxInput):
            values[name] = ["on"] if widget.check_test(value) else []
        elif getattr(widget, "allow_multiple_selected", False):
            values[name] = [str(v) for v in (value or [])]
        else:
            formatted = widget.format_value(value)
            if isinstance(formatted, list):  # choice widgets
                formatted = formatted[0] if formatted else ""
            values[name] = ["" if formatted is None else str(formatted)]
    return values


def encode(values: dict[str, list[str]]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def decode(text) -> dict[str, list[str]] | None:
    """The values an ``original`` field carries; None when missing or garbled."""
    try:
        values = json.loads(text or "")
    except (TypeError, ValueError):
        return None
    if not isinstance(values, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in values.values()):
        return None
    return values


def _data_values(data, key) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(key)]
    value = data.get(key)
    return [] if value is None else [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def as_querydict(data) -> QueryDict:
    """A mutable copy of a form's data as a QueryDict (tests and callers may pass a plain dict)."""
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key in data:
        copy.setlist(key, _data_values(data, key))
    return copy


def _raw(form, name, values):
    return form.fields[name].widget.value_from_datadict(MultiValueDict({form.add_prefix(name): values}), {},
                                                        form.add_prefix(name))


def comparable(form, name, values):
    """A value of field ``name`` (as posted) in a form that compares equal to every spelling of it."""
    field_, raw = form.fields[name], _raw(form, name, values)
    if isinstance(field_, forms.ModelChoiceField):  # compare keys, without a query
        return "" if raw in field_.empty_values else str(raw).strip()
    try:
        return field_.to_python(raw)
    except ValidationError:
        return raw


def display(form, name, values) -> str:
    """A value of field ``name`` (as posted) for people: a choice's label, Yes/No, "(blank)"."""
    field_, raw = form.fields[name], _raw(form, name, values)
    if isinstance(field_.widget, forms.CheckboxInput):
        return "Yes" if raw else "No"
    if raw in (None, "", []):
        return "(blank)"
    if isinstance(field_, forms.ModelChoiceField):
        try:
            return str(field_.to_python(raw))
        except ValidationError:
            return str(raw)
    if isinstance(field_, forms.ChoiceField):
        labels = {}
        for key, label in field_.choices:
            if isinstance(label, (list, tuple)):
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(key)] = str(label)
        return labels.get(str(raw), str(raw))
    return str(raw)


# ---------------------------------------------------------------------------------------------
# Who or what made the newer version
# ---------------------------------------------------------------------------------------------


def _at(when: datetime | None) -> str:
    if when is None:
        return ""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return f" at {local:%H:%M}"
    return f" at {local:%H:%M} on {local.day} {local:%b %Y}"


@dataclass(frozen=True)
class ChangedBy:
    """One newer save: who made it (a user's name, or ""), why (the history's reason, or ""), when."""

    who: str
    source: str
    when: datetime | None

    @property
    def synchronized(self) -> bool:
        return self.source.startswith("Synchronized from")

    def _source(self) -> str:  # "synchronized from customer C00010 at 14:02 (changed there by Sally)"
        source = f"{self.source[:1].lower()}{self.source[1:]}{_at(self.when)}"
        if self.who:
            source += f" (changed there by {self.who})" if self.synchronized else f" by {self.who}"
        return source

    def __str__(self) -> str:  # "Sally changed it at 14:02" / "synchronized from customer C00010 at 14:02"
        if self.source:
            return self._source()
        return f"{self.who or 'someone else'} changed it{_at(self.when)}"

    @property
    def by(self) -> str:
        """Who, in a few words: "Sally", "synchronization from customer C00010", "someone else"."""
        if self.synchronized:
            return f"synchronization {self.source[len('Synchronized '):]}"
        return self.who or "someone else"

    def changed(self, subject: str, were: bool) -> str:
        """A sentence that ``subject`` was changed by this save: "Sally changed the phone no. at 14:02"."""
        if self.source:
            return f"{subject} {'were' if were else 'was'} {self._source()}"
        return f"{self.who or 'someone else'} changed {subject}{_at(self.when)}"


def changed_since(current, version) -> list[ChangedBy]:
    """The saves after ``version`` of ``current``, oldest first, from its change history; without a history
    (documents) one anonymous save at the record's ``updated_at``."""
    history = getattr(current, "history", None)
    if history is not None and version is not None:
        rows = list(history.filter(version__gt=version).select_related("history_user")
                    .order_by("history_date", "history_id")[:20])
        found = []
        for row in rows:
            user = row.history_user
            who = (user.get_full_name() or user.get_username()) if user is not None else ""
            entry = ChangedBy(who, row.history_change_reason or "", row.history_date)
            if not found or (found[-1].who, found[-1].source) != (entry.who, entry.source):
                found.append(entry)
            else:
                found[-1] = entry  # the same one saving again: name the latest time
        if found:
            return found
    return [ChangedBy("", "", getattr(current, "updated_at", None))]


# ---------------------------------------------------------------------------------------------
# The three-way merge
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed to different values (display values), and who made theirs."""

    name: str
    label: str
    mine: str
    theirs: str
    by: str = "someone else"


@dataclass
class Merge:
    form: forms.Form  # bound to the merged values, for the current record and its version
    mine: list[str] = field(default_factory=list)  # labels of the fields whose change of the user's was kept
    theirs: list[str] = field(default_factory=list)  # labels of the fields the other side changed, kept
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    changed_by: list[ChangedBy] = field(default_factory=list)


def three_way_merge(form, current, make_form) -> Merge:
    """Merge the user's bound ``form`` (started from an older version) with ``current``, the record as stored
    now. ``make_form(data, instance)`` builds the screen's form. Returns the merged form (bound, carrying the
    current version and the current values as its new base) and what was merged."""
    theirs_form = make_form(None, current)
    theirs = posted_values(theirs_form)
    base = decode(form.data.get(form.add_prefix(ORIGINAL)))
    data = as_querydict(form.data)
    shown_version = getattr(form, "cleaned_data", {}).get("version")
    result = Merge(form=theirs_form, changed_by=changed_since(current, shown_version))
    for name in editable_fields(theirs_form):
        if name not in form.fields:
            continue
        key = form.add_prefix(name)
        mine_values, theirs_values = _data_values(form.data, key), theirs[name]
        mine_value, theirs_value = comparable(form, name, mine_values), comparable(form, name, theirs_values)
        base_known = base is not None and name in base
        base_value = comparable(form, name, base[name]) if base_known else None
        label = str(theirs_form.fields[name].label or name)
        if mine_value == theirs_value:
            continue
        if base_known and mine_value == base_value:
            data.setlist(key, theirs_values)
            result.theirs.append(label)
        elif base_known and theirs_value == base_value:
            result.mine.append(label)
        else:
            by = result.changed_by[0].by if len(result.changed_by) == 1 else "others"
            result.conflicts[name] = Conflict(name, label, display(form, name, mine_values),
                                              display(theirs_form, name, theirs_values), by)
    for key in [k for k in data if k.startswith(RESOLVE)]:
        del data[key]
    data[form.add_prefix("version")] = str(current.version)
    data[form.add_prefix(ORIGINAL)] = encode(theirs)
    result.form = make_form(data, current)
    result.form.conflicts = result.conflicts
    return result


def _join(labels: list[str]) -> str:
    labels = [label[:1].lower() + label[1:] for label in labels]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _their_changes(merge: Merge, labels: list[str], record: str) -> str:
    """"Sally changed the phone no. at 14:02" / "The phone no. was synchronized from customer C00010 at 14:02"."""
    changers = merge.changed_by
    subject, were = (f"the {_join(labels)}", len(labels) > 1) if labels else (record, False)
    if len(changers) == 1:
        sentence = changers[0].changed(subject, were)
    else:
        sentence = (f"{subject} {'were' if were else 'was'} changed several times "
                    f"({'; '.join(str(c) for c in changers)})")
    return sentence[:1].upper() + sentence[1:]


def merged_message(merge: Merge, record: str) -> str:
    """What was merged and saved, in plain words."""
    theirs = _their_changes(merge, merge.theirs, record)
    yours = f"your change{'s' if len(merge.mine) > 1 else ''} of the {_join(merge.mine)}"
    return f"{theirs} while you were editing; {yours} {'were' if len(merge.mine) > 1 else 'was'} saved on top of it."


def conflict_message(merge: Merge, record: str) -> str:
    """Why the form came back, what to do, and that the user's values are all still there."""
    both = _join([c.label for c in merge.conflicts.values()])
    kept = ""
    if merge.theirs:
        kept = f" Their other changes ({_join(merge.theirs)}) are already in the form, and so are yours."
    elif merge.mine:
        kept = " Your other changes are still in the form."
    return (f"{_their_changes(merge, [], record)} while you were editing it. You both changed the {both}: choose "
            f"below whether to keep your value or take theirs, then save again.{kept} Nothing has been saved yet.")


# ---------------------------------------------------------------------------------------------
# What the edit screens call
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    saved: bool
    form: forms.Form | None  # the form to show again when not saved (None: the record is gone)
    message: str = ""  # what was merged (saved), or why not saved


def _messages(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def save_or_merge(form, *, make_form, reload, record: str, save=None, stale=(StaleEdit,)) -> Outcome:
    """Save the user's bound, valid ``form``; when the record changed meanwhile, merge and save, or ask.

    ``save(form)`` saves and raises one of ``stale`` when the stored version is not the form's (default:
    ``save_if_unchanged`` with the form's version); ``reload()`` returns the record as stored now (None when
    it is gone); ``make_form(data, instance)`` builds the screen's form; ``record`` names the record for
    messages ("contact CT000010"). A ValidationError from ``save`` comes back on the form.
    """
    save = save or (lambda f: save_if_unchanged(f, f.cleaned_data["version"]))
    message = ""
    for _attempt in range(MAX_ATTEMPTS):
        try:
            save(form)
        except stale as exc:
            try:
                current = reload()
            except ObjectDoesNotExist:
                current = None
            if current is None:
                gone = (f"Someone else deleted {record} while you were editing it. Your changes were not saved."
                        if isinstance(exc, StaleEdit) else _messages(exc))
                return Outcome(False, None, gone)
            merge = three_way_merge(form, current, make_form)
            if merge.conflicts:
                merge.form.stale_message = conflict_message(merge, record)
                return Outcome(False, merge.form, merge.form.stale_message)
            if not merge.mine:
                fresh = make_form(None, current)
                fresh.stale_message = (f"{_their_changes(merge, merge.theirs, record)} while you were editing. "
                                       "You had changed nothing, so nothing was saved: the form shows the current "
                                       "values.")
                return Outcome(False, fresh, fresh.stale_message)
            message = merged_message(merge, record)
            form = merge.form
            if not form.is_valid():
                form.stale_message = f"{message[:-1]} — but the result needs a correction before it can be saved."
                return Outcome(False, form, form.stale_message)
        except ValidationError as exc:
            form.add_error(None, _messages(exc))
            if message:  # the merged values were refused: say what was merged too
                form.stale_message = f"{message[:-1]} — but the result could not be saved, see below."
            return Outcome(False, form, getattr(form, "stale_message", ""))
        else:
            return Outcome(True, form, message)
    form.stale_message = (f"{record[:1].upper()}{record[1:]} keeps being changed by others: check the values and "
                          "save again.")
    return Outcome(False, form, form.stale_message)
