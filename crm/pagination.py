"""Pagination without COUNT(*): fetch one row more than a page to know whether there is a next page.

Counting a filtered set of 100,000 contacts costs more than showing it; users page forwards and back,
so "Page N, Previous, Next" is enough.
"""

from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def paginate(queryset, page_param, per_page=25):
    """One query: the rows of page ``page_param`` (1-based; anything invalid means page 1)."""
    try:
        number = max(1, int(page_param or 1))
    except (TypeError, ValueError):
        number = 1
    number = min(number, 100_000)
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    return Page(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)
