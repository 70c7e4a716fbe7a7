# The commands a person types. `make run` and `make test` do all the set-up
# they need on a fresh machine with the Rust toolchain.

CARGO ?= cargo
# nextest runs each test binary's tests in parallel processes; plain
# `cargo test` is the fallback where it is not installed.
NEXTEST := $(shell $(CARGO) nextest --version >/dev/null 2>&1 && echo yes)

.PHONY: run test test-tools browser-test screenshots check fmt fmt-check lint purity cycles openapi-check fuzz fuzz-smoke scale chaos chaos-smoke bench bench-smoke bench-scale deb deb-check wrk build clean

## run: deskvisa on embedded SQLite (var/deskvisa.sqlite) with the demo network, at http://127.0.0.1:8080
run:
	$(CARGO) run -p deskvisa -- serve --demo

## test: every test of every crate (the mail tests talk to a real SMTP server), then the pages in a
## real browser (Debian chromium driven by playwright-core; axe-core); screenshots in var/screenshots/browser
test: test-tools
ifeq ($(NEXTEST),yes)
	$(CARGO) nextest run --workspace --all-targets --no-fail-fast
else
	$(CARGO) test --workspace --all-targets --no-fail-fast
endif
	$(CARGO) build -p deskvisa
	./scripts/browser-test.sh

## browser-test: only the browser tests (installs chromium and the npm packages when missing)
browser-test:
	$(CARGO) build -p deskvisa
	./scripts/browser-test.sh

## screenshots: every page of the demo as its three people see it, at 1280 and 360 px, light and dark, with axe's findings (var/screenshots/tour)
screenshots:
	$(CARGO) build -p deskvisa
	./scripts/browser-tools.sh
	node tests/browser/tour.mjs var/screenshots/tour

## test-tools: the tests' Python peers from PyPI (aiosmtpd, icalendar, vobject) in var/tools/py
test-tools:
	./scripts/test-tools.sh

## check: formatting, clippy with warnings as errors, and the pure crates' purity (rules, words, letter)
check: fmt-check lint purity cycles repeated

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## cycles: no two modules of a crate import each other, directly or around a circle
cycles:
	python3 ./scripts/module-cycles.py

## repeated: pairs of files in crates/ that share six or more lines alike, at most 30 (half of the 61
## counted when issue 19 was filed); --list names them
repeated:
	python3 ./scripts/repeated-blocks.py --limit 30 crates

## purity: the pure crates (rules, words, letter) build alone and depend on nothing that does I/O
purity:
	$(CARGO) check -p deskvisa-rules -p deskvisa-words -p deskvisa-letter
	./scripts/check-rules-purity.sh

## openapi-check: validate /openapi.json with an independent validator (PyPI)
openapi-check:
	./scripts/check-openapi.sh

## fuzz: schemathesis (PyPI) against the served /openapi.json, as a member and as a host admin, 1000
## test cases per operation and user, on a fresh database; every check must pass
fuzz:
	./scripts/fuzz.sh 1000

## fuzz-smoke: the same, bounded (CI): 60 test cases per operation and user
fuzz-smoke:
	./scripts/fuzz.sh 60

## scale: two instances behind nginx (Debian) on one PostgreSQL: sessions, rate limits,
## idempotency keys and the outbox behave as with one
scale:
	./scripts/scale-test.sh

## chaos: ten minutes of SIGKILLs (two serve and a worker on PostgreSQL, a serve on SQLite) under
## a load of keyed stay requests, approvals and cancellations, then a reconciliation; zero violations
chaos: test-tools
	$(CARGO) build -p deskvisa
	./scripts/chaos.py --seconds 600

## chaos-smoke: the same for one minute (CI)
chaos-smoke: test-tools
	$(CARGO) build -p deskvisa
	./scripts/chaos.py --seconds 60

## bench: the rules benchmark (criterion); W1, stay requests through HTTP (wrk) against in-process on
## SQLite and against pgbench on PostgreSQL; W2, availability against a static response; M1, the
## outbox's drain rate against the local SMTP server's; M2, approvals with a prompt and a slow SMTP server
bench: wrk test-tools
	$(CARGO) bench -p deskvisa-rules --bench decide
	$(CARGO) bench -p deskvisa-letter --bench render
	$(CARGO) build --release -p deskvisa -p deskvisa-bench
	./target/release/deskvisa-bench --seconds 10 --connections 16 --firms 10000

## bench-scale: S1, the network grown 1×, 10× and 100× (4,300 clusters, 430,000 members, five million
## stays) on SQLite and on PostgreSQL: each cost against the network's size, as a table and as the
## chart docs/bench/scale.svg (about an hour: most of it loading the 100× networks; DESKVISA_S1_KEEP=DIR
## keeps each grown network for the next run, migrated and measured at once)
bench-scale: test-tools
	$(CARGO) build --release -p deskvisa-bench
	./target/release/deskvisa-bench --workload scale --factors 1,10,100 --seconds 5 --chart docs/bench/scale.svg

## bench-smoke: each benchmark once, briefly, as CI runs it (S1 at 1× only, on both databases)
bench-smoke: wrk test-tools
	$(CARGO) bench -p deskvisa-rules --bench decide -- --test
	$(CARGO) bench -p deskvisa-letter --bench render -- --test
	$(CARGO) build -p deskvisa -p deskvisa-bench
	./target/debug/deskvisa-bench --seconds 2 --connections 4 --stays 20 --ledger-stays 2000 --firms 500
	./target/debug/deskvisa-bench --workload scale --factors 1 --seconds 1

## deb: the Debian package in target/debian/ (cargo-deb 3.8.0 from crates.io, installed when missing or
## another version): the release binary, /etc/deskvisa, the systemd units of serve and worker
deb:
	@$(CARGO) deb --version 2>/dev/null | grep -qx 'cargo-deb 3.8.0' \
	  || $(CARGO) install --locked cargo-deb --version 3.8.0
	rm -f target/debian/deskvisa_*.deb target/debian/deskvisa-dbgsym_*.ddeb
	$(CARGO) deb -p deskvisa

## deb-check: the package unpacked into a temporary root: its files, conffiles and Depends, its binary
## migrating and serving a fresh SQLite database and stopping on SIGTERM, systemd-analyze verify of its units
deb-check: deb
	./scripts/deb-check.sh

# wrk from Debian, the load tool of the HTTP benchmarks; pgbench comes with
# PostgreSQL server package (postgresql-contrib pulls it in).
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@command -v pgbench >/dev/null || (apt-get update -qq && apt-get install -y -qq postgresql-contrib)

build:
	$(CARGO) build --workspace --all-targets

clean:
	$(CARGO) clean
	rm -rf var
