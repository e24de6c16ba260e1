# ecekit: the two commands a newcomer needs are `make run` and `make test`.
# Every target installs what it needs first (scripts/setup.sh) and skips what
# is already installed at the right version.

HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test build bench setup clean

## run: set up, build everything, serve the page on http://127.0.0.1:8080 with an ECE simulator beside it
run: build
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

## test: set up, then the whole suite (native, wasm in Chromium, end-to-end)
test:
	bash scripts/test.sh

## build: set up, then build the page, single file, extensions and CLI, and print the size report
build: setup
	bash scripts/build.sh

## bench: engine benchmarks and the size/latency figures
bench: setup
	bash scripts/bench.sh

## setup: install only the missing tools
setup:
	bash scripts/setup.sh

clean:
	rm -rf dist target/web-bindgen
