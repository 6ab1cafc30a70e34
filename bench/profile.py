"""Where a page spends its time: one request profiled with pyinstrument (a dev dependency),
in-process, logged in as the bench user, against a bench database (bench.dataset builds it).

    python -m bench.profile / /actions/export.csv --database pm_bench_10k [--repeat 3]

Prints, per path, the median and slowest request times, and for the slowest its SQL count and
time, its slowest queries and pyinstrument's call tree (a first request warms the caches and
is not counted). With --plain, no profiler: the medians of wall time, CPU time (this process:
the view and templates) and SQL time, and the query count, without the profiler's overhead.
"""

import argparse
import os
import statistics
import sys
import time

from bench import dataset


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--database", default=dataset.default_name(10_000))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slowest-sql", type=int, default=3, help="slowest queries shown")
    parser.add_argument("--depth", type=int, default=40, help="lines of the call tree shown")
    parser.add_argument("--plain", action="store_true",
                        help="no profiler: median wall, CPU and SQL time and the query count")
    options = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = dataset.database_url(options.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection, reset_queries
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_ACCEPT_ENCODING="gzip")  # as the bench and browsers ask
    client.force_login(User.objects.get(username=dataset.BENCH_USER))
    connection.force_debug_cursor = True
    for path in options.paths:
        _consume(client.get(path))  # warm-up
        if options.plain:
            _time_plainly(client, path, options.repeat)
            continue
        slowest, times = None, []
        for _ in range(options.repeat):
            reset_queries()
            profiler = Profiler(interval=0.001)
            started = time.perf_counter()
            with profiler:
                response = client.get(path)
                size = _consume(response)
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            queries = sorted(connection.queries, key=lambda q: -float(q["time"]))
            sql = sum(float(q["time"]) for q in queries)
            if slowest is None or elapsed > slowest[0]:
                slowest = (elapsed, len(queries), sql, size, response.status_code, profiler,
                           queries[:options.slowest_sql])
        elapsed, count, sql, size, status, profiler, top = slowest
        print(f"== {path}: {status}, median {statistics.median(times) * 1000:.0f} ms; slowest "
              f"{elapsed * 1000:.0f} ms, {count} queries "
              f"({sql * 1000:.0f} ms SQL), {size / 1000:.0f} KB")
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        print("\n".join(text.splitlines()[:options.depth]))
        for query in top:
            print(f"-- {float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")


def _time_plainly(client, path, repeat):
    from django.db import connection, reset_queries

    walls, cpus, sqls = [], [], []
    for _ in range(repeat):
        reset_queries()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        size = _consume(response)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        sqls.append(sum(float(query["time"]) for query in connection.queries))
    print(f"{path}: {response.status_code}, {size / 1000:.0f} KB, {len(connection.queries)} "
          f"queries; median wall {statistics.median(walls) * 1000:.1f} ms, CPU "
          f"{statistics.median(cpus) * 1000:.1f} ms, SQL {statistics.median(sqls) * 1000:.1f} ms")


def _consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


if __name__ == "__main__":
    main(sys.argv[1:])
