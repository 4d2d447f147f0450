"""American Soundex, enough for blocking and a "sounds alike" comparison level of name parts.

Written here (twenty lines) rather than adding a library for one function.
"""

from functools import lru_cache

from contacts.matching import CACHE_SIZE

_CODES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
          "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}


@lru_cache(maxsize=CACHE_SIZE)
def soundex(word: str) -> str:
    """"robert" and "rupert" → "r163"; "" → "". Expects lower-case ASCII letters (others are skipped)."""
    letters = [c for c in word if "a" <= c <= "z"]
    if not letters:
        return ""
    first = letters[0]
    code, last = [first], _CODES.get(first, "")
    for c in letters[1:]:
        digit = _CODES.get(c, "")
        if digit and digit != last:
            code.append(digit)
            if len(code) == 4:
                break
        if c not in "hw":  # h and w do not separate equal codes; vowels do
            last = digit
    return "".join(code).ljust(4, "0")
