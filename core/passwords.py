"""Password rules, worded in the project's own catalog.

Django 5.2 reworded its minimum-length messages and its Vietnamese catalog has not caught up,
so the users would read them in English. Django's own rules also miss the passwords people
here choose: their name written twice, "matkhau" (password) with a year after it, "p@ssw0rd",
or the Party's and the ward's names run together ("dangbocauthia2024").
"""

import re
import unicodedata

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

# No one types a longer password; the checks below read every letter of a password, and one of
# megabytes would hold the server while they did.
LONGEST_PASSWORD = 128


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


class MaximumLengthValidator:
    """Refuse a password longer than LONGEST_PASSWORD characters."""

    def validate(self, password, user=None):
        if len(password) > LONGEST_PASSWORD:
            raise ValidationError(
                gettext("This password is too long: it may have at most %(max_length)d characters.")
                % {"max_length": LONGEST_PASSWORD},
                code="password_too_long",
            )

    def get_help_text(self):
        return gettext("Your password may have at most %(max_length)d characters.") % {
            "max_length": LONGEST_PASSWORD
        }


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
        "dang",
        "dangbo",
        "danguy",
        "dangvien",
        "dangcongsan",
        "congsan",
        "vietnam",
        "tocquoc",
        "hanoi",
        "saigon",
        "hochiminh",
        "bacho",
        "cauthia",
        "phuong",
        "phuongcauthia",
        "bithu",
        "phobithu",
        "chibo",
        "admin",
        "quantri",
        "quantrivien",
    }
)

# The families most Vietnamese are named after, and the given and middle names most often
# given, without accents: names are what guessers try after the words above.
FAMILY_NAMES = frozenset(
    {
        *("nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui"),
        *("do", "ho", "ngo", "duong", "ly", "dinh", "dao", "doan", "lam", "luong", "trinh"),
        *("truong", "cao", "ha", "lai", "ta", "to", "chu", "kieu", "quach", "tang", "mac"),
    }
)
GIVEN_NAMES = frozenset(
    {
        *("van", "thi", "huu", "duc", "ngoc", "minh", "quang", "xuan", "kim", "cong", "an"),
        *("anh", "bao", "binh", "chau", "chi", "chinh", "cuong", "dat", "diep", "dung", "duy"),
        *("giang", "hai", "han", "hang", "hanh", "hao", "hau", "hien", "hieu", "hoa", "hoai"),
        *("hong", "hue", "hung", "huong", "huy", "huyen", "khang", "khanh", "khoa", "kien"),
        *("lan", "linh", "loan", "loc", "long", "mai", "my", "nam", "nga", "ngan", "nghia"),
        *("nhung", "oanh", "phong", "phuc", "phuong", "quan", "quoc", "quynh", "son", "tam"),
        *("tan", "thang", "thanh", "thao", "thinh", "thu", "thuy", "tien", "toan", "trang"),
        *("trung", "tuan", "tung", "tuyet", "uyen", "viet", "vinh", "vy", "yen"),
    }
)

# A part of a name this short ("Lê", "Võ") is in too many words to refuse it; nor are the
# middle names that only mark a man or a woman ("Văn", "Thị"): they are in half the names.
SHORTEST_NAME_PART = 3
TOO_COMMON_NAME_PARTS = {"van", "thi"}

# A password whose letters are this much (or more) well-known words and names is refused.
MOSTLY = 0.6

# The letters that digits and signs stand for: "p@ssw0rd" is "password" to a guesser. "1" is
# as often an "l" as an "i", so there are two readings.
LEETSPEAK = [
    {"@": "a", "4": "a", "0": "o", "1": letter, "3": "e", "5": "s", "$": "s", "7": "t"}
    for letter in ("i", "l")
]


def folded(text):
    """``text`` lower-cased and without accents, so that "Vượng" and "vuong" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def letters_and_digits(text):
    return re.sub(r"[\W_]+", "", folded(text))


def letters(text):
    return re.sub(r"[^a-z]+", "", text)


def ends_stripped(text):
    """``text`` without the digits and signs at its ends: "matkhau" of "matkhau@2024"."""
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", text)


def readings(password):
    """The letters a guesser reads in ``password``: accents and capitals aside, the digits and
    signs at its ends taken away, those inside read as letters ("P@ssw0rd123" reads
    "password"). The ends are also taken away after the reading, so that a sign standing for a
    letter at the start is read too ("@dmin2024" reads "admin…")."""
    text = folded(password)
    found = set()
    for leetspeak in LEETSPEAK:
        stripped_then_read = "".join(leetspeak.get(char, char) for char in ends_stripped(text))
        read = "".join(leetspeak.get(char, char) for char in text)
        found |= {letters(stripped_then_read), letters(ends_stripped(read))}
    return found - {""}


# Vietnamese syllables end in "ng", "nh" or "ch": a word that ends in the first letter of one,
# followed by the second, is only the start of another syllable ("son" of "song"), unless a
# word begins right there ("van" + "hung").
SYLLABLE_ENDS = {("n", "g"), ("n", "h"), ("c", "h")}


def more(cover, other):
    """Whether ``cover`` covers more letters than ``other``, or as many with fewer words."""
    return other is None or (cover[0], -len(cover[1])) > (other[0], -len(other[1]))


def most_covered(reading, words):
    """The words of ``words`` that, side by side without overlapping, cover the most letters of
    ``reading``: (how many letters, those words), the fewest words among equal covers.

    Worked from the end: ``anywhere[i]`` is the best cover of ``reading[i:]``, ``at[i]`` the
    best with a word starting at i (None when no word does)."""
    lengths = sorted({len(word) for word in words})
    size = len(reading)
    at = [None] * size + [(0, ())]
    anywhere = [None] * size + [(0, ())]
    for start in range(size - 1, -1, -1):
        for length in lengths:
            end = start + length
            if end > size:
                break
            word = reading[start:end]
            if word not in words:
                continue
            splits = (word[-1], reading[end : end + 1]) in SYLLABLE_ENDS
            rest = at[end] if splits else anywhere[end]
            if rest is not None:
                cover = (rest[0] + length, (word, *rest[1]))
                if more(cover, at[start]):
                    at[start] = cover
        skipped = anywhere[start + 1]
        anywhere[start] = (
            at[start] if at[start] is not None and more(at[start], skipped) else skipped
        )
    return anywhere[0]


def name_parts(user):
    """The user name and the words of the full name, as written, that a password may not
    contain: those of three letters or more but "Văn" and "Thị"."""
    username = user.get_username()
    words = re.findall(r"[^\W_]+", f"{username} {user.get_full_name()}")
    return [part for part in dict.fromkeys([username, *words]) if name_forms(part)]


def name_forms(part):
    """How a part of a name shows in a password: with its digits ("chibo4") or without them
    ("chibo"), each if long and rare enough to refuse."""
    forms = {letters_and_digits(part), letters(folded(part))}
    return {
        form
        for form in forms
        if len(form) >= SHORTEST_NAME_PART and form not in TOO_COMMON_NAME_PARTS
    }


def name_words(user):
    """Every word of the user name and the full name, short ones too, for the share of a
    password that names make up."""
    return {
        word
        for word in re.split(r"[^a-z]+", folded(f"{user.get_username()} {user.get_full_name()}"))
        if len(word) >= 2
    }


# Callables giving the names of the committees and the place ("Đảng ủy phường Cầu Thia"):
# they change with reorganisations, so they are data, kept by the app that has the years, which
# registers them from its AppConfig.ready (this app imports none of the apps).
WARD_NAMES = []


def register_ward_names(names):
    if names not in WARD_NAMES:
        WARD_NAMES.append(names)
    return names


def ward_words():
    """The words of the ward's names ("dang", "phuong", "cau", "thia")."""
    return {
        word
        for names in WARD_NAMES
        for name in names()
        for word in re.split(r"[^a-z]+", folded(name))
        if len(word) >= 2
    }


class NameInPasswordValidator:
    """Refuse a password that contains the user name or a part of the user's full name.

    Django's UserAttributeSimilarityValidator compares the whole password with each name, so
    "bithubithu" passes it; here any appearance counts, accents, capitals and signs aside, and
    digits read as the letters they stand for ("b1thu@12345" has "bithu").
    """

    def validate(self, password, user=None):
        if user is None or len(password) > LONGEST_PASSWORD:
            return
        texts = {letters_and_digits(password), *readings(password)}
        for part in name_parts(user):
            if any(form in text for form in name_forms(part) for text in texts):
                raise ValidationError(
                    gettext("This password contains “%(part)s”, part of your name or user name."),
                    code="password_contains_name",
                    params={"part": part},
                )

    def get_help_text(self):
        return gettext(
            "Your password can’t contain your user name or any part of your name of three "
            "letters or more, even with digits for letters (b1thu)."
        )


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords and common Vietnamese words, whatever digits, signs,
    capitals or accents surround them or stand for their letters; and passwords made mostly of
    such words and of names: common Vietnamese ones, the user's own, the ward's."""

    def validate(self, password, user=None):
        super().validate(password, user)
        if len(password) > LONGEST_PASSWORD:
            return
        read = readings(password)
        # One letter left ("7!9#k2%8&") is no word; Django's list has each letter alone.
        if any(
            len(reading) > 1 and (reading in self.passwords or reading in COMMON_VIETNAMESE_WORDS)
            for reading in read
        ):
            raise ValidationError(
                gettext(
                    "This password is too common: digits or signs added to a well-known word "
                    "leave it easy to guess."
                ),
                code="password_too_common",
            )
        words = COMMON_VIETNAMESE_WORDS | FAMILY_NAMES | GIVEN_NAMES | ward_words()
        if user is not None:
            words |= name_words(user)
        for reading in read:
            covered, found = most_covered(reading, words)
            if covered >= MOSTLY * len(reading):
                raise ValidationError(
                    gettext(
                        "This password is mostly well-known words and names (%(words)s): "
                        "guessers try those first. Add words of your own."
                    ),
                    code="password_common_words",
                    params={"words": ", ".join(f"“{word}”" for word in found)},
                )

    def get_help_text(self):
        return gettext(
            "Your password can’t be a commonly used password, even with digits for letters "
            "(p@ssw0rd) or digits or signs added, nor be mostly well-known words and names."
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with a wrong current password counted by django-axes as a failed sign-in
    of the account from that address: a session left open on an office computer must not let
    anyone try passwords one after another until the account's is found.

    The current password is checked through authenticate(), which asks django-axes first and
    tells it of a failure; at the limit axes marks the request, and its middleware answers with
    the lockout page."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old_password) is None:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
