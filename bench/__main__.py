"""`python -m bench`: run every benchmark and print its figures."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv):
    import django

    django.setup()
    from bench import meeting_feed, pages, slo_poll

    # Each benchmark takes its own options (see its docstring); `python -m bench` runs all
    # with their defaults.
    slo_poll.main(argv)
    meeting_feed.main([])
    pages.main([])  # builds (once) and serves the 10,000- and 1,000-incident databases


if __name__ == "__main__":
    main(sys.argv[1:])
