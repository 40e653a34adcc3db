"""Password rules, worded in the project's own catalog.

Django 5.2 reworded its minimum-length messages and its Vietnamese catalog has not caught up,
so the users would read them in English. Django's own rules also miss the passwords people
here choose: their name written twice, or "matkhau" (password) with a year after it.
"""

import re
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


# Words that Vietnamese users pick, and guessers try first, with accents, digits and signs
# taken away: "Mật khẩu@2024" is "matkhau" to a guesser.
COMMON_VIETNAMESE_WORDS = frozenset(
    {
        "matkhau",
        "matma",
        "anhyeuem",
        "emyeuanh",
        "yeuem",
        "yeuanh",
        "iloveyou",
        "password",
        "qwerty",
        "qwertyuiop",
        "asdfgh",
        "abc",
        "abcd",
        "abcdef",
        "xinchao",
        "dangbo",
        "dangvien",
        "dangcongsan",
        "vietnam",
        "hanoi",
        "saigon",
        "hochiminh",
        "cauthia",
        "phuongcauthia",
        "bithu",
        "chibo",
        "admin",
        "quantri",
        "quantrivien",
    }
)

# A part of a name this short ("Lê", "Võ") is in too many words to refuse it; nor are the
# middle names that only mark a man or a woman ("Văn", "Thị"): they are in half the names.
SHORTEST_NAME_PART = 3
TOO_COMMON_NAME_PARTS = {"van", "thi"}


def folded(text):
    """``text`` lower-cased and without accents, so that "Vượng" and "vuong" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def letters_and_digits(text):
    return re.sub(r"[\W_]+", "", folded(text))


class NameInPasswordValidator:
    """Refuse a password that contains the user name or a part of the user's full name.

    Django's UserAttributeSimilarityValidator compares the whole password with each name, so
    "bithubithu" passes it; here any appearance counts, accents, capitals and signs aside.
    """

    def validate(self, password, user=None):
        if user is None:
            return
        password_text = letters_and_digits(password)
        for part in self.name_parts(user):
            if letters_and_digits(part) in password_text:
                raise ValidationError(
                    gettext("This password contains “%(part)s”, part of your name or user name."),
                    code="password_contains_name",
                    params={"part": part},
                )

    @staticmethod
    def name_parts(user):
        username = user.get_username()
        words = re.findall(r"[^\W_]+", f"{username} {user.get_full_name()}")
        return [
            part
            for part in [username, *words]
            if len(letters_and_digits(part)) >= SHORTEST_NAME_PART
            and letters_and_digits(part) not in TOO_COMMON_NAME_PARTS
        ]

    def get_help_text(self):
        return gettext(
            "Your password can’t contain your user name or any part of your name of three "
            "letters or more."
        )


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords, and common Vietnamese words whatever digits, signs,
    capitals or accents surround them."""

    def validate(self, password, user=None):
        super().validate(password, user)
        if re.sub(r"[^a-z]+", "", folded(password)) in COMMON_VIETNAMESE_WORDS:
            raise ValidationError(
                gettext(
                    "This password is too common: digits or signs added to a well-known word "
                    "leave it easy to guess."
                ),
                code="password_too_common",
            )

    def get_help_text(self):
        return gettext(
            "Your password can’t be a commonly used password, nor a well-known word with digits "
            "or signs added."
        )
