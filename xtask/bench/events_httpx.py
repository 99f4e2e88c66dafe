"""An events reference row of `cargo xtask bench` (the goal line is bench_client's `events-bare`,
a bare reqwest loop): the plain loop a Python integrator writes with httpx — read /v1/events a
page of 1000 at a time from the start, decode each page, count the events — until N events are
read. Prints one JSON line like bench_client's `events` mode.

Usage: python3 events_httpx.py BASE_URL TOKEN N
"""

import json
import sys
import time

import httpx


def main() -> None:
    base, token, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seen = 0
    from_id = "0_0"
    started, cpu = time.perf_counter(), time.process_time()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        while seen < wanted:
            page = client.get("/v1/events", params={"take": 1000, "fromId": from_id})
            page.raise_for_status()
            body = page.json()
            events = body["api-events"]
            if not events:
                sys.exit(f"the feed ended after {seen} events")
            for _event in events:
                seen += 1
                if seen >= wanted:
                    break
            from_id = body["next-event-id"]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"events": seen, "seconds": seconds, "events_per_s": seen / seconds, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
