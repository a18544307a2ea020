# Thin wrapper over CMake.
#   make run      install missing build deps, build (plain) and run
#                 `dpamt sim` on its default scenario
#   make check    install missing test dependencies, build plain, ASan+UBSan
#                 and TSan configurations, run every test through ctest
#   make install  build without tests and install under PREFIX (default
#                 /usr/local), staged under DESTDIR if set:
#                 make install PREFIX=/opt/dpamt DESTDIR=/tmp/stage
#   make uninstall  remove what the last `make install` installed (its
#                 manifest, build/install/install_manifest.txt)
#   make lib      library + module model only (no json-c, cmocka, spin)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all run check deps deps-run build-plain install uninstall lib clean

all: build-plain

build-plain:
	cmake -S . -B $(BUILD)/run -DDPAMT_SANITIZE=none \
		-DDPAMT_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD)/run -j $(JOBS)

run: deps-run build-plain
	./$(BUILD)/run/dpamt sim

deps:
	./scripts/install-deps.sh

deps-run:
	./scripts/install-deps.sh --run

check: deps
	./scripts/check.sh

install:
	cmake -S . -B $(BUILD)/install -DDPAMT_SANITIZE=none \
		-DDPAMT_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD)/install -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)/install

uninstall:
	./scripts/uninstall.sh $(BUILD)/install/install_manifest.txt

lib:
	cmake -S . -B $(BUILD)/lib -DDPAMT_SANITIZE=none \
		-DDPAMT_BUILD_TESTS=OFF -DDPAMT_BUILD_CLI=OFF >/dev/null
	cmake --build $(BUILD)/lib -j $(JOBS)

clean:
	rm -rf $(BUILD)
