"""Path converters that let through only numbers the database can hold.

Django's ``int`` converter takes any run of digits, so /targets/99999999999999999999/ reached a
query with a number no integer column holds. These are registered in cauthia/urls.py.
"""


class YearConverter:
    """A planning year: exactly four ASCII digits, such as 2023, from FIRST to LAST. Other
    four digits (/0000/) match no page: not found, as a year no one set up."""

    regex = "[0-9]{4}"
    FIRST, LAST = 1900, 2999

    def to_python(self, value):
        year = int(value)
        if not self.FIRST <= year <= self.LAST:
            raise ValueError(f"{value} is no planning year")
        return year

    def to_url(self, value):
        return str(value)


class IdConverter:
    """A cell's number or a row's primary key: ASCII digits, at most nine of them, so the value
    fits every integer column (PostgreSQL's integer holds up to 2,147,483,647)."""

    regex = "[0-9]{1,9}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class CommitteeConverter:
    """A committee's key, the first part of its pages' addresses: lower-case letters, digits
    and hyphens, with a letter somewhere (digits alone are a year: /2024/ is an address of
    before, sent on to the user's committee)."""

    regex = "[a-z0-9-]*[a-z][a-z0-9-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)
