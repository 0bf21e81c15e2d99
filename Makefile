# shelfmirror — everyday commands. `make help` lists them.
SWIFT ?= swift
SHELL := /bin/bash
BIN_RELEASE = .build/release/shelfmirror
SAMPLE_DIR ?= $(or $(TMPDIR),/tmp)/shelfmirror-sample
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: help setup build release install uninstall test browser-test demo sample bench bench-scale eval schema fixtures fuzz clean

help:
	@echo "make demo      set up, build, run the whole pipeline (sync to push and undo) on the built-in sample library; leaves nothing behind"
	@echo "make sample    set up, build, sync the built-in sample library, scan sample audio, match, then query"
	@echo "make test      set up, build, and run the tests (and a real ABS client against the fake ABS, and the browser tests)"
	@echo "make browser-test  set up, build, and run only the browser tests of shelfmirror serve (headless Chromium; screenshots in .build/screenshots)"
	@echo "make bench     benchmarks: scan vs mutagen, ffprobe and beets; ABS sync; Hardcover requests; match; push; listening state to Hardcover; serve page and search latency; sync, match, diff and run with nothing changed (ARGS=... for scan)"
	@echo "make bench-scale  every stage at 1,000, 10,000 and 100,000 items (10 Hardcover books each): tables, targets and bench/scale.png (about 25 minutes; not part of make bench)"
	@echo "make eval      matching precision and recall on the labelled evaluation set (fixtures/eval)"
	@echo "make release   build .build/release/shelfmirror"
	@echo "make install   install the release binary, man page, bash/zsh/fish completions, systemd user units (PREFIX=/usr/local, DESTDIR; BIN=path: a binary already built)"
	@echo "make uninstall remove what make install installed (same PREFIX and DESTDIR)"
	@echo "make schema    regenerate schema/mirror.sql from the binary"
	@echo "make fixtures  regenerate fixtures/audio (needs ffmpeg and mutagen)"
	@echo "make fuzz      fuzz the tag-reading shim with libFuzzer, ASan and UBSan for FUZZ_SECONDS (600); findings in .build/fuzz/artifacts"

setup:
	@bash .ci/setup

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --static-swift-stdlib --product shelfmirror

# The binary, its man page and completions (both from its own help), and example systemd user
# units (shelfmirror.service + .timer: `shelfmirror run` every hour) under $(PREFIX)/share/shelfmirror/systemd.
# BIN=path installs a binary already built, without building the release one. See .ci/install.sh.
install: $(if $(BIN),,release)
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash .ci/install.sh install "$(or $(BIN),$(BIN_RELEASE))"

uninstall:
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" bash .ci/install.sh uninstall

# The whole log is kept in .build/test.log; when a test fails, its findings are repeated at the end,
# where a CI log's tail shows them.
# Then aioaudiobookshelf (a real ABS client, in the venv .ci/setup makes) reads and writes progress
# on the fake ABS (`shelfmirror fake-abs`): Tests/Python/run-abs-client-check.sh.
# Then the browser tests of `shelfmirror serve` (selenium and headless Chromium, from .ci/setup):
# Tests/Browser/run-browser-tests.sh, which leaves screenshots of every page in .build/screenshots.
test: setup
	$(SWIFT) build --build-tests
	@$(SWIFT) test 2>&1 | tee .build/test.log; rc=$${PIPESTATUS[0]}; \
	if [ $$rc -ne 0 ]; then \
	  echo; echo "== what failed (whole log: .build/test.log) =="; \
	  grep -E -A4 '✘ Test .*(recorded an issue|failed)' .build/test.log | grep -v '^✔' | head -60; \
	fi; exit $$rc
	@bash Tests/Python/run-abs-client-check.sh .build/debug/shelfmirror
	@bash Tests/Browser/run-browser-tests.sh .build/debug/shelfmirror

# The browser tests alone (CHECKS="name ..." runs only those checks of Tests/Browser/browser_tests.py).
browser-test: setup
	$(SWIFT) build --product shelfmirror
	@bash Tests/Browser/run-browser-tests.sh .build/debug/shelfmirror $(CHECKS)

# The newcomer's one command: sync, scan, match, diff, accept, push and undo against the built-in
# sample servers and library, in a temporary folder that is removed at the end.
demo: release
	$(BIN_RELEASE) demo

# The main job on the built-in sample library, in a throw-away mirror: sync a sample
# AudiobookShelf (the built-in fake server, 60 books), scan the sample audio files, query.
sample: release
	@rm -rf "$(SAMPLE_DIR)" && mkdir -p "$(SAMPLE_DIR)" && cp -r fixtures/audio "$(SAMPLE_DIR)/library"
	@set -e; B=$(BIN_RELEASE); DB="$(SAMPLE_DIR)/mirror.sqlite"; \
	$$B fake-abs --items 60 --port 0 --hardcover > "$(SAMPLE_DIR)/server.env" 2>/dev/null & FAKE=$$!; \
	trap 'kill $$FAKE 2>/dev/null' EXIT; \
	for i in $$(seq 50); do [ "$$(wc -l < "$(SAMPLE_DIR)/server.env")" -ge 4 ] && break; sleep 0.1; done; \
	set -a; . "$(SAMPLE_DIR)/server.env"; set +a; \
	echo "\$$ shelfmirror sync            # sample AudiobookShelf at $$ABS_URL, sample Hardcover at $$HARDCOVER_URL"; $$B --db "$$DB" sync; \
	echo; echo "\$$ shelfmirror scan $(SAMPLE_DIR)/library"; $$B --db "$$DB" scan "$(SAMPLE_DIR)/library"; \
	echo; echo "\$$ shelfmirror status"; $$B --db "$$DB" status; \
	echo; echo "\$$ shelfmirror query \"SELECT title, authors, narrators, series FROM items WHERE narrators = '[]' LIMIT 5\""; \
	$$B --db "$$DB" query "SELECT title, authors, narrators, series FROM items WHERE narrators = '[]' LIMIT 5"; \
	echo; echo "\$$ shelfmirror query \"SELECT l.resolved_by, count(*) AS items FROM hardcover_lookups l GROUP BY 1\""; \
	$$B --db "$$DB" query "SELECT l.resolved_by, count(*) AS items FROM hardcover_lookups l GROUP BY 1"; \
	echo; echo "\$$ shelfmirror query \"SELECT i.title, c.method, b.title AS hardcover_title, b.authors FROM items i JOIN hardcover_candidates c ON c.item_id = i.id JOIN hardcover_books b ON b.id = c.book_id WHERE c.method IN ('title', 'search') LIMIT 6\""; \
	$$B --db "$$DB" query "SELECT i.title, c.method, b.title AS hardcover_title, b.authors FROM items i JOIN hardcover_candidates c ON c.item_id = i.id JOIN hardcover_books b ON b.id = c.book_id WHERE c.method IN ('title', 'search') LIMIT 6"; \
	echo; echo "\$$ shelfmirror match"; $$B --db "$$DB" match; \
	echo; echo "\$$ shelfmirror query \"SELECT status, method, count(*) AS items, round(avg(score), 3) AS score FROM matches GROUP BY 1, 2\""; \
	$$B --db "$$DB" query "SELECT status, method, count(*) AS items, round(avg(score), 3) AS score FROM matches GROUP BY 1, 2"; \
	ITEM=$$($$B --db "$$DB" query "SELECT m.item_id FROM matches m JOIN hardcover_lookups l USING (item_id) WHERE l.resolved_by = 'search' LIMIT 1" --format csv | sed -n 2p | tr -d '\r'); \
	echo; echo "\$$ shelfmirror explain $$ITEM"; $$B --db "$$DB" explain "$$ITEM" --candidates 2; \
	echo; echo "\$$ shelfmirror search stormlight"; $$B --db "$$DB" search stormlight; \
	echo; echo "\$$ shelfmirror query \"SELECT format, title, artist, composer FROM file_tags WHERE error IS NULL AND title IS NOT NULL\""; \
	$$B --db "$$DB" query "SELECT format, title, artist, composer FROM file_tags WHERE error IS NULL AND title IS NOT NULL"; \
	echo; echo "The mirror is $$DB; try: $$B --db $$DB query \"SELECT * FROM items LIMIT 3\""

bench:
	@bash .ci/setup --bench
	$(SWIFT) build -c release --static-swift-stdlib --product shelfmirror
	python3 bench/scan_bench.py $(ARGS)
	python3 bench/sync_bench.py
	python3 bench/hardcover_bench.py
	python3 bench/match_bench.py
	python3 bench/push_bench.py
	python3 bench/listening_bench.py
	python3 bench/serve_bench.py
	python3 bench/noop_bench.py

# Every stage at 1,000, 10,000 and 100,000 items, 10 Hardcover books per item, on the built-in fakes:
# time, requests, peak RSS and mirror size per step, the targets, and bench/scale.png (matplotlib
# in its own venv under .build). ARGS=... for bench/scale_bench.py, e.g. ARGS="--sizes 1000,10000".
BENCH_VENV := .build/bench-venv
bench-scale: release
	@bash .ci/setup --bench
	@$(BENCH_VENV)/bin/python -c 'import matplotlib' >/dev/null 2>&1 || { python3 -m venv $(BENCH_VENV) && \
	  $(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check matplotlib==3.11.2; }
	python3 bench/scale_bench.py $(ARGS)

# Matching quality on the labelled evaluation set: precision and recall of automatic matches.
eval: build
	.build/debug/shelfmirror eval fixtures/eval

schema: build
	.build/debug/shelfmirror schema > schema/mirror.sql

fixtures:
	bash fixtures/audio/make-fixtures.sh

# Fuzzing the tag-reading shim (Tests/Fuzz/shim_fuzz.cpp) with libFuzzer, AddressSanitizer and
# UBSan, by the Swift toolchain's clang, seeded with every file of fixtures/audio and
# fixtures/hostile; one process, one core. Only the shim is instrumented, not TagLib (the system's):
# a memory error inside TagLib shows only when it crashes, hangs (-timeout) or exhausts memory.
# Inputs that fail are written to .build/fuzz/artifacts; the corpus grows in .build/fuzz/corpus.
FUZZ_SECONDS ?= 600
FUZZ_CXX ?= $(dir $(realpath $(shell command -v $(SWIFT))))clang++
FUZZ_DIR = .build/fuzz
fuzz:
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	$(FUZZ_CXX) -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -ISources/CTagLibShim/include -ISources/CTagLibShim $$(pkg-config --cflags taglib) \
	    Tests/Fuzz/shim_fuzz.cpp Sources/CTagLibShim/sm_taglib.cpp $$(pkg-config --libs taglib) -o $(FUZZ_DIR)/shim_fuzz
	$(FUZZ_DIR)/shim_fuzz $(FUZZ_DIR)/corpus fixtures/audio fixtures/hostile -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=131072 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_DIR)/artifacts/ -print_final_stats=1

clean:
	rm -rf .build bench/.data
