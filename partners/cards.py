"""Extension points of the partner pages: what other apps add to a customer, vendor or bank account card
and to its delete page, without the partners app knowing them.

An app registers providers, usually in its ``AppConfig.ready()``::

    cards.card_panels.register(my_panel)      # (request, kind, partner) -> Panel | None
    cards.delete_notes.register(my_note)      # (request, kind, partner) -> Panel | None

``kind`` is the partner's ``partners.kinds.PartnerKind``. A provider answers ``None`` to show nothing.
The card renders every panel in its side column, the delete page every note above its button, in the
order the providers were registered (``{% render_panel panel %}`` of ``partner_cards``). A delete note
is collected before the partner is deleted; its ``after_delete`` sentence is added to the "… deleted."
message, e.g. to name a record that stays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    """A piece of another app's page: a template (``"app/file.html"`` or ``"app/file.html#partial"``) and
    the context it is rendered with (on top of the page's own context)."""

    template: str
    context: Mapping = field(default_factory=dict)
    after_delete: str = ""  # delete notes only: a sentence for the message shown once the partner is gone


Provider = Callable[..., "Panel | None"]


class Providers:
    """An ordered set of panel providers."""

    def __init__(self):
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> Provider:
        """Add ``provider`` (once: registering it again changes nothing). Returns it, to serve as a decorator."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def unregister(self, provider: Provider) -> None:
        if provider in self._providers:
            self._providers.remove(provider)

    def __iter__(self):
        return iter(list(self._providers))

    def collect(self, request, kind, partner) -> list[Panel]:
        """The panels the providers give for ``partner`` (of ``kind``), without the ``None`` answers."""
        panels = (provider(request, kind, partner) for provider in self._providers)
        return [panel for panel in panels if panel is not None]


card_panels = Providers()  # the card's side column, above the change history
delete_notes = Providers()  # the delete page: what else goes, or stays, with the partner
