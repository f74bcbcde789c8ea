# paradigms: set-up, build, tests and the main job.
#   make setup run    install Debian packages (as root, or via sudo), build, render the notes
#                     dataset and train the main job (instrument family) on it
#   make setup test   install, build, run the test suite

BUILD ?= build
JOBS ?= 2
BUILD_TYPE ?= Release
NOTES_DIR ?= data/notes
RUN_DIR ?= runs/notes_family-$(shell date +%Y%m%d-%H%M%S)

# Every Debian package the build, the tests and the main job need.
PACKAGES := cmake g++ make pkg-config ccache \
  libtorch-dev libopenblas-dev \
  libsndfile1-dev libsoxr-dev libfluidsynth-dev fluid-soundfont-gm timgm6mb-soundfont \
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libcsv-dev \
  libgtest-dev libgmock-dev libbenchmark-dev
# Only for regenerating tests/reference/data (make reference).
REFERENCE_PACKAGES := python3-numpy

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build test run bench reference clean

# Idempotent: installs only what is missing (apt-get update first), so a second run is quick.
setup:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

run: build
	$(BUILD)/paradigms data notes --out $(NOTES_DIR) --no-features
	$(BUILD)/paradigms train configs/notes_family.yaml --out $(RUN_DIR)

bench: build
	$(BUILD)/bench/bench_frontend --benchmark_counters_tabular=true

reference:
	@dpkg-query -W -f='$${Status}' $(REFERENCE_PACKAGES) 2>/dev/null | grep -q "install ok installed" \
	  || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(REFERENCE_PACKAGES))
	/usr/bin/python3 tests/reference/logmel_reference.py

clean:
	rm -rf $(BUILD)
