"""``<partner_kind:kind>`` in URL patterns: the URL word of a partner kind ("customers", "vendors",
"bank-accounts") in the path, its ``PartnerKind`` in the view.

For pages of another app about a partner (e.g. "Link with contact" at ``/customers/<pk>/link/``):
``path("<partner_kind:kind>/<int:pk>/link/", …)`` reverses with a ``PartnerKind`` or a kind key.
"""

import re

from django.urls import register_converter

from partners import kinds


class PartnerKindConverter:
    regex = "|".join(re.escape(word) for word in kinds.words())

    def to_python(self, value):
        return kinds.from_word(value)

    def to_url(self, value):
        if isinstance(value, kinds.PartnerKind):
            return value.word
        if value in kinds.words():
            return value
        try:
            return kinds.get(value).word
        except KeyError:
            raise ValueError(f"{value!r} is not a partner kind") from None


register_converter(PartnerKindConverter, "partner_kind")
