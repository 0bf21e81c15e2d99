# shelfmirror — everyday commands. `make help` lists them.
SWIFT ?= swift
BIN_RELEASE = .build/release/shelfmirror
SAMPLE_DIR ?= $(or $(TMPDIR),/tmp)/shelfmirror-sample

.PHONY: help setup build release test sample bench schema fixtures clean

help:
	@echo "make sample    set up, build, and run shelfmirror on the built-in sample library"
	@echo "make test      set up, build, and run the tests"
	@echo "make bench     benchmarks against mutagen, ffprobe and beets (N=1000 files; ARGS=... for more)"
	@echo "make release   build .build/release/shelfmirror"
	@echo "make schema    regenerate schema/mirror.sql from the binary"
	@echo "make fixtures  regenerate fixtures/audio (needs ffmpeg and mutagen)"

setup:
	@bash .ci/setup

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --static-swift-stdlib --product shelfmirror

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test

# The main job on the built-in sample library (fixtures/audio), in a throw-away mirror.
sample: release
	@rm -rf "$(SAMPLE_DIR)" && mkdir -p "$(SAMPLE_DIR)" && cp -r fixtures/audio "$(SAMPLE_DIR)/library"
	@echo "\$$ shelfmirror scan $(SAMPLE_DIR)/library"
	@$(BIN_RELEASE) --db "$(SAMPLE_DIR)/mirror.sqlite" scan "$(SAMPLE_DIR)/library"
	@echo; echo "\$$ shelfmirror status"
	@$(BIN_RELEASE) --db "$(SAMPLE_DIR)/mirror.sqlite" status
	@echo; echo "\$$ shelfmirror search stormlight"
	@$(BIN_RELEASE) --db "$(SAMPLE_DIR)/mirror.sqlite" search stormlight
	@echo; echo "\$$ shelfmirror query \"SELECT format, title, artist, composer AS narrators, series, series_part FROM file_tags WHERE error IS NULL AND title IS NOT NULL\""
	@$(BIN_RELEASE) --db "$(SAMPLE_DIR)/mirror.sqlite" query "SELECT format, title, artist, composer AS narrators, series, series_part FROM file_tags WHERE error IS NULL AND title IS NOT NULL"
	@echo; echo "The mirror is $(SAMPLE_DIR)/mirror.sqlite; try: $(BIN_RELEASE) --db $(SAMPLE_DIR)/mirror.sqlite query \"SELECT * FROM file_tags\""

bench:
	@bash .ci/setup --bench
	$(SWIFT) build -c release --static-swift-stdlib --product shelfmirror
	python3 bench/scan_bench.py $(ARGS)
	python3 bench/sync_bench.py

schema: build
	.build/debug/shelfmirror schema > schema/mirror.sql

fixtures:
	bash fixtures/audio/make-fixtures.sh

clean:
	rm -rf .build bench/.data
