# Thin wrapper over CMake for the two Quick-start commands.
#   make run    install missing build deps, build (plain) and run
#               `dpamt sim` on its default scenario
#   make check  install missing test dependencies, build plain, ASan+UBSan
#               and TSan configurations, run every test through ctest
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build

.PHONY: all run check deps deps-run build-plain clean

all: build-plain

build-plain:
	cmake -S . -B $(BUILD)/run -DDPAMT_SANITIZE=none -DDPAMT_TESTS=OFF >/dev/null
	cmake --build $(BUILD)/run -j $(JOBS)

run: deps-run build-plain
	./$(BUILD)/run/dpamt sim

deps:
	./scripts/install-deps.sh

deps-run:
	./scripts/install-deps.sh --run

check: deps
	./scripts/check.sh

clean:
	rm -rf $(BUILD)
