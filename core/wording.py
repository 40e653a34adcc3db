"""Django's own messages the office reads (the admin, sign-in, forms), listed so that
``makemessages`` puts them in the app's Vietnamese catalogue, which takes precedence over
Django's: there they address the user as "đồng chí", as Party software does, never "bạn".

Nothing imports this module; the catalogue is what matters. The admin's JavaScript messages are
in locale/vi/LC_MESSAGES/djangojs.po, written by hand (no JavaScript of the app has them).
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    # django.forms
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    # django.contrib.auth
    gettext_noop(
        "Raw passwords are not stored, so there is no way to see this user’s password, but you "
        'can change the password using <a href="{}">this form</a>.'
    ),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts."
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    # django.contrib.admin
    gettext_noop("Are you sure?"),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both "
        "fields may be case-sensitive."
    ),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop(
        "There’s been an error. It’s been reported to the site administrators via email and "
        "should be fixed shortly. Thanks for your patience."
    ),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop(
        "First, enter a username and password. Then, you’ll be able to edit more user options."
    ),
    gettext_noop("Welcome,"),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ),
    gettext_noop("Delete?"),
    gettext_noop(
        "Something’s wrong with your database installation. Make sure the appropriate database "
        "tables have been created, and make sure the database is readable by the appropriate "
        "user."
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. "
        "Would you like to login to a different account?"
    ),
    gettext_noop("Forgotten your password or username?"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password "
        "twice so we can verify you typed it in correctly."
    ),
    gettext_noop("Your password has been set.  You may go ahead and log in now."),
    gettext_noop(
        "Please enter your new password twice so we can verify you typed it in correctly."
    ),
    gettext_noop(
        "We’ve emailed you instructions for setting your password, if an account exists with "
        "the email you entered. You should receive them shortly."
    ),
    gettext_noop(
        "If you don’t receive an email, please make sure you’ve entered the address you "
        "registered with, and check your spam folder."
    ),
    gettext_noop(
        "You're receiving this email because you requested a password reset for your user "
        "account at %(site_name)s."
    ),
    gettext_noop("Your username, in case you’ve forgotten:"),
    gettext_noop("Thanks for using our site!"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we’ll email instructions "
        "for setting a new one."
    ),
]
