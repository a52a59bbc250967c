#!/usr/bin/env python3
"""The machine's serialization limit, as a reference figure for mockcdp's generation speed.

Loads a sample of NDJSON messages (by default the shipped storefront golden file, so the
events have the same shape and size as mockcdp's), parses them into dicts, and builds a
list of N events by cycling through the sample (none of that is timed). Then it times only
orjson.dumps of each event plus a newline, written to a file through a 1 MiB buffer, and the
same into /dev/null. Prints the best run (least CPU time) of each target in
mockcdp-bench's format:

    best target=orjson-file events=N seconds=S events_per_s=R mb_per_s=M cpu_seconds=C
        events_per_cpu_s=E
"""

import argparse
import os
import time

import orjson


def parse_arguments():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    golden = os.path.join(here, "..", "Scenarios", "storefront.ndjson")
    parser.add_argument("--sample", default=golden)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--output", default="/tmp/mockcdp-bench-orjson.ndjson")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def load_events(sample, count):
    with open(sample, "rb") as handle:
        messages = [orjson.loads(line) for line in handle if line.strip()]
    if not messages:
        raise SystemExit(f"{sample}: no messages to serialize")
    # Distinct dict objects, as a generator would hand over, not one object reused.
    return [orjson.loads(orjson.dumps(messages[i % len(messages)])) for i in range(count)]


def serialize(events, path):
    dumps = orjson.dumps
    written = 0
    started = time.perf_counter()
    started_cpu = time.process_time()
    with open(path, "wb", buffering=1 << 20) as handle:
        write = handle.write
        for event in events:
            line = dumps(event, option=orjson.OPT_APPEND_NEWLINE)
            written += len(line)
            write(line)
    return time.perf_counter() - started, time.process_time() - started_cpu, written


def main():
    arguments = parse_arguments()
    events = load_events(arguments.sample, arguments.events)
    best = {}
    for _ in range(arguments.runs):
        for path, target in ((arguments.output, "orjson-file"), (os.devnull, "orjson-devnull")):
            seconds, cpu_seconds, written = serialize(events, path)
            if target not in best or cpu_seconds < best[target][1]:
                best[target] = (seconds, cpu_seconds, written)
    for target, (seconds, cpu_seconds, written) in best.items():
        print(
            f"best target={target} events={len(events)} seconds={seconds:.3f} "
            f"events_per_s={len(events) / seconds:.0f} mb_per_s={written / seconds / 1e6:.1f} "
            f"cpu_seconds={cpu_seconds:.3f} events_per_cpu_s={len(events) / cpu_seconds:.0f}"
        )
    os.remove(arguments.output)


if __name__ == "__main__":
    main()
