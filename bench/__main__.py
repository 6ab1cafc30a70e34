"""`python -m bench`: run every benchmark and print its figures."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv):
    import django

    django.setup()
    from bench import slo_poll

    slo_poll.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
