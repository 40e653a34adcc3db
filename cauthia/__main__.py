"""Django's management commands for an installed app, where there is no manage.py.

`cauthia-manage migrate` (the console script) and `python -m cauthia migrate` do what
`python manage.py migrate` does in a checkout.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cauthia.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
