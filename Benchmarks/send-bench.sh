#!/usr/bin/env bash
# Measures `mockcdp send` against the loopback stub, side by side with the stub's own ingest
# ceiling and with Segment's official Python library sending the same messages.
#
#   Benchmarks/send-bench.sh [EVENTS] [CONCURRENCY] [ROUNDS]
#
# Builds mockcdp in release mode, writes EVENTS realistic messages (about 790 bytes each, mixed
# page/identify/track with e-commerce properties and non-ASCII names), starts
# Tests/Support/segment_stub.py on 127.0.0.1, and runs every case once per round, printing a line
# per case and round:
#   round=K case=NAME events=N seconds=S events_per_s=R bytes=B
# The send case runs twice, plain and with --gzip (the stub inflates the bodies). The cases of a
# round run back to back, so a round's figures share the machine's load; after the last round
# come each case's median and the median of the per-round ratios of send to the others.
# On 2 cores the sender and the stub share the CPU, so the send figure includes the stub's cost;
# the raw case (a Python client posting prebuilt 500-message batches) shows where the stub
# itself tops out, and the dry-run case (bodies written to /dev/null, no network) shows where
# the sender itself does.
set -euo pipefail

events=${1:-100000}
concurrency=${2:-4}
rounds=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${SCRATCH:-/tmp/mockcdp-bench-build}
work=$(mktemp -d /tmp/mockcdp-send-bench.XXXXXX)
stub_pid=""
cleanup() {
    if [ -n "$stub_pid" ]; then kill "$stub_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

swift build -c release --product mockcdp --scratch-path "$scratch" >&2
tool="$scratch/release/mockcdp"

python3 - "$events" "$work/events.ndjson" <<'PY'
import json, random, sys
count, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
names = ["Crème Brûlée Torch", "Café Mug", "Kaffeemühle", "Chef Knife", "Tea Kettle"]
with open(path, "w", encoding="utf-8") as out:
    for i in range(count):
        user = {"anonymousId": f"anon-{rng.randrange(2000):05d}"}
        if rng.random() < 0.4:
            user["userId"] = f"user_{rng.randrange(2000):07d}"
        kind = rng.random()
        base = {"messageId": f"bench-{i:09d}",
                "timestamp": f"2024-05-01T{12 + i // 3_600_000 % 12:02d}:"
                             f"{i // 60_000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
                "context": {"ip": f"64.{rng.randrange(256)}.{rng.randrange(256)}.12",
                            "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
                            "locale": "fr-FR", "timezone": "Europe/Paris",
                            "library": {"name": "mockcdp", "version": "bench"},
                            "page": {"path": "/products/p", "referrer": "https://search.example",
                                     "title": "Product", "url": "https://shop.example.com/p"},
                            "campaign": {"name": "spring", "source": "newsletter",
                                         "medium": "email", "content": "hero"}},
                **user}
        if kind < 0.1:
            base.update(type="page", name="Product", properties={"path": "/products/p"})
        elif kind < 0.15:
            base.update(type="identify", traits={"email": f"u{i}@example.com", "plan": "pro"})
        else:
            product = rng.randrange(200)
            base.update(type="track", event="Product Viewed", properties={
                "product_id": f"prod_{product:05d}", "sku": f"SKU-{product * 7919 % 10**7}",
                "category": "Kitchen", "name": names[product % len(names)], "brand": "Initech",
                "variant": "blue", "price": round(5 + product * 1.37, 2), "quantity": 1,
                "currency": "EUR", "position": product % 20 + 1,
                "url": f"https://shop.example.com/products/{product}",
                "image_url": f"https://cdn.example.com/img/{product}.jpg"})
        out.write(json.dumps(base, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
bytes=$(wc -c < "$work/events.ndjson")

start_stub() {
    # Emptied first: otherwise the wait below may read the port of the stub stopped before.
    : > "$work/stub.port"
    python3 "$root/Tests/Support/segment_stub.py" --write-key bench-key "$@" > "$work/stub.port" &
    stub_pid=$!
    for _ in $(seq 100); do [ -s "$work/stub.port" ] && break; sleep 0.05; done
    port=$(head -1 "$work/stub.port")
}
stop_stub() { kill "$stub_pid"; wait "$stub_pid" 2>/dev/null || true; stub_pid=""; }
report() { # name seconds [cpu-seconds]
    python3 -c "import sys; r,n,s,b=sys.argv[1],int(sys.argv[3]),float(sys.argv[4]),sys.argv[5];\
cpu=f' cpu_s={float(sys.argv[6]):.2f}' if len(sys.argv) > 6 else '';\
print(f'round={r} case={sys.argv[2]} events={n} seconds={s:.3f} events_per_s={n/s:.0f} bytes={b}{cpu}')" \
        "$round" "$1" "$events" "$2" "$bytes" "${@:3}" | tee -a "$work/results"
}
# Runs a command with its standard error in LOG and its output dropped; prints its wall-clock
# seconds and the CPU seconds (user + system) it used.
timed() { # log command...
    local log=$1 TIMEFORMAT='%R %U %S' times
    shift
    times=$( { time "$@" > /dev/null 2> "$log"; } 2>&1 )
    read -r wall user system <<< "$times"
    echo "$wall $(echo "$user + $system" | bc)"
}

# The two Python clients, written out once: a raw client posting prebuilt batches, which shows
# what the stub itself can take, and Segment's official Python library (segment-analytics-python)
# sending the same messages, installed from PyPI into a private virtual environment and skipped
# when that fails. The library's queue is made large enough for every message, since at its
# default size it drops what does not fit; its time runs from the first call to the return of
# flush().
cat > "$work/raw_client.py" <<'PY'
import base64, http.client, sys, time
path, port = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as source:
    lines = source.read().splitlines()
bodies = [b'{"batch":[' + b",".join(lines[i:i + 500]) + b'],"sentAt":"2024-05-01T12:00:00.000Z"}'
          for i in range(0, len(lines), 500)]
headers = {"Content-Type": "application/json",
           "Authorization": "Basic " + base64.b64encode(b"bench-key:").decode()}
connection = http.client.HTTPConnection("127.0.0.1", port)
begin = time.perf_counter()
for body in bodies:
    connection.request("POST", "/v1/batch", body, headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
print(time.perf_counter() - begin)
PY
cat > "$work/official_client.py" <<'PY'
import json, sys, time
from datetime import datetime

import segment.analytics as analytics

path, port = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as source:
    messages = [json.loads(line) for line in source]
for message in messages:
    message["timestamp"] = datetime.fromisoformat(message["timestamp"].replace("Z", "+00:00"))
client = analytics.Client(
    "bench-key", host=f"http://127.0.0.1:{port}", max_queue_size=len(messages) + 1)
begin = time.perf_counter()
for m in messages:
    ids = dict(user_id=m.get("userId"), anonymous_id=m.get("anonymousId"),
               context=m["context"], timestamp=m["timestamp"], message_id=m["messageId"])
    if m["type"] == "track":
        client.track(event=m["event"], properties=m.get("properties"), **ids)
    elif m["type"] == "page":
        client.page(name=m.get("name"), properties=m.get("properties"), **ids)
    else:
        client.identify(traits=m.get("traits"), **ids)
client.flush()
print(time.perf_counter() - begin)
PY
venv=${OFFICIAL_VENV:-/tmp/mockcdp-segment-python}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import segment.analytics" 2>/dev/null; then
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q segment-analytics-python >&2 || true
fi
official=true
if ! "$venv/bin/python" -c "import segment.analytics" 2>/dev/null; then
    echo "segment-analytics-python could not be installed; its case is skipped" >&2
    official=false
fi

stub_counts() { # the stub's counters named by its arguments, on one line
    curl -s "http://127.0.0.1:$port/stats" | python3 -c \
        "import json,sys; s=json.load(sys.stdin); print(*(s[k] for k in sys.argv[1:]))" "$@"
}

for round in $(seq "$rounds"); do
    rm -f "$work"/checkpoint*.json "$work/dry.json"

    start_stub
    read -r wall cpu <<< "$(timed "$work/send.log" env SEGMENT_WRITE_KEY=bench-key \
        "$tool" send "$work/events.ndjson" --data-plane-url "http://127.0.0.1:$port" \
        --concurrency "$concurrency" --rate 1000 --checkpoint "$work/checkpoint.json")"
    received=$(stub_counts unique_message_ids requests)
    stop_stub
    tail -1 "$work/send.log" >&2
    echo "stub received (unique ids, requests): $received" >&2
    report "send(whole run, with file check)" "$wall" "$cpu"
    # The run's own summary times its sending phase: from the first batch built (the file is
    # checked by then) to the last answer, which is what the raw client's figure covers too.
    sending=$(tail -1 "$work/send.log" | sed -n 's/.*(\([0-9]*\) events\/s).*/\1/p')
    report "send(sending phase, from its summary)" "$(echo "scale=6; $events / $sending" | bc)"

    start_stub
    read -r wall cpu <<< "$(timed "$work/send-gzip.log" env SEGMENT_WRITE_KEY=bench-key \
        "$tool" send "$work/events.ndjson" --gzip --data-plane-url "http://127.0.0.1:$port" \
        --concurrency "$concurrency" --rate 1000 --checkpoint "$work/checkpoint-gzip.json")"
    received=$(stub_counts unique_message_ids requests gzip_requests wire_bytes body_bytes)
    stop_stub
    tail -1 "$work/send-gzip.log" >&2
    echo "stub received with --gzip (unique ids, requests, gzip requests, wire bytes," \
        "inflated bytes): $received" >&2
    report "send --gzip(whole run, with file check)" "$wall" "$cpu"

    read -r wall cpu <<< "$(timed "$work/dry.log" \
        "$tool" send "$work/events.ndjson" --dry-run --checkpoint "$work/dry.json")"
    report "send --dry-run(no network, with file check)" "$wall" "$cpu"

    start_stub
    seconds=$(python3 "$work/raw_client.py" "$work/events.ndjson" "$port")
    stop_stub
    report "stub-ceiling(raw client, 500-message batches, 1 connection)" "$seconds"

    if $official; then
        start_stub
        seconds=$("$venv/bin/python" "$work/official_client.py" "$work/events.ndjson" "$port")
        received=$(stub_counts unique_message_ids requests)
        stop_stub
        echo "stub received from the official library (unique ids, requests): $received" >&2
        report "segment-analytics-python(same messages, same stub)" "$seconds"
    fi
done

# Medians over the rounds, and the median of each round's ratio of send to the other cases:
# a ratio from one round compares figures made under the same load.
python3 - "$work/results" <<'PY'
import re, statistics, sys
rates = {}
for line in open(sys.argv[1]):
    match = re.match(r"round=(\d+) case=(.*) events=\d+ seconds=\S+ events_per_s=(\d+)", line)
    rates.setdefault(match.group(2), {})[int(match.group(1))] = int(match.group(3))
rounds = len(next(iter(rates.values())))
print(f"# medians over {rounds} rounds")
for case, by_round in rates.items():
    print(f"median case={case} events_per_s={statistics.median(by_round.values()):.0f}")
def case(prefix):
    return next((name for name in rates if name.startswith(prefix)), None)
for mine, other, label in (
    ("send(whole", "stub-ceiling", "send/stub-ceiling"),
    ("send(sending", "stub-ceiling", "send-sending-phase/stub-ceiling"),
    ("send(whole", "segment-analytics", "send/official"),
):
    if case(other):
        ours, theirs = rates[case(mine)], rates[case(other)]
        ratios = [ours[k] / theirs[k] for k in ours if k in theirs]
        print(f"median ratio {label}={statistics.median(ratios):.2f} "
              f"(rounds: {' '.join(f'{r:.2f}' for r in ratios)})")
PY
