# Makefile - builds, serves and tests rnnlab (GNU make).
#
#   make serve   install what is missing, build the wasm + page, serve dist/ on http://127.0.0.1:8000
#   make test    also install chromium + node_modules, run the native sanitizer tests, then node --test
#   make bench   the benchmark table (tests/bench/bench.mjs)
#   make bench-peers  rnnlab next to TF.js, brain.js and synaptic (tests/bench-peers/, ~2-3 min)
#   make typecheck  strict tsc over wasm/*.mjs, rnnlab.d.ts, tests/types/consumer.ts, web/ and cli/ (part of make test)
#   make bench-memory training in a fixed wasm heap: a big LSTM, then a long run (~5 min)
#   make bench-page   the page's Worker vs Node, and the page's frame rate (headless Chromium)
#   make clean   remove everything built (node_modules stays)
#
# Artifacts, one rule each:
#   build/include/simde          symlink to /usr/include/simde (SIMDe only, never all of /usr/include)
#   build/native/librnnlab.a     core/*.c, gcc -O2 -march=native (the fast native library)
#   build/asan/librnnlab.a       core/*.c under ASan + UBSan (what the native tests link)
#   build/asan/test_*            one program per tests/native/test_*.c
#   build/native/bench_*         one program per tests/native/bench_*.c, only for `make bench`
#   build/wasm/bench_kernels.cjs the kernel microbenchmark as wasm SIMD (Node glue), only for `make bench`
#   build/native/<tool>          every other tests/native/*.c: native helpers the JS tests run
#                                (dump_model: the native side of tests/crossplatform.test.mjs)
#   build/wasm/exports.flag      wasm/exports.txt as emcc wants it: _a,_b,...,_malloc,_free
#   wasm/rnnlab.wasm             emcc -O3 -msimd128 (real wasm SIMD)
#   wasm/rnnlab-scalar.wasm      emcc -O3 -DRNNLAB_SCALAR, no SIMD, no auto-vectorisation (fallback)
#   wasm/corpus-c.txt            core/*.h + core/*.c, concatenated: the text task's 'c' corpus
#   dist/                        web/* + rnnlab.mjs + both .wasm: the whole site, relative URLs only
#
# Toolchain facts behind the flags: ../shared/TOOLCHAIN.md (Debian bookworm, emscripten 3.1.6).

# A failed compile must not leave a half-written artifact that looks fresh.
.DELETE_ON_ERROR:
# No built-in rules: every rule used is written below.
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# make's built-in default for CC is `cc`; the project is built and tested with gcc.
ifeq ($(origin CC),default)
CC := gcc
endif
EMCC ?= emcc
PORT ?= 8000

# core/ and its subfolders (one per idea: cells/, kernels/, tasks/, train/); -Icore finds
# internal.h and rnnlab.h from any of them.
CORE_SRC := $(wildcard core/*.c core/*/*.c)
CORE_HDR := $(wildcard core/*.h core/*/*.h)
NATIVE_OBJ := $(CORE_SRC:core/%.c=build/native/obj/%.o)
ASAN_OBJ := $(CORE_SRC:core/%.c=build/asan/obj/%.o)
TEST_BIN := $(patsubst tests/native/%.c,build/asan/%,$(wildcard tests/native/test_*.c))
BENCH_BIN := $(patsubst tests/native/%.c,build/native/%,$(wildcard tests/native/bench_*.c))
TOOL_BIN := $(patsubst tests/native/%.c,build/native/%, \
  $(filter-out tests/native/test_% tests/native/bench_%,$(wildcard tests/native/*.c)))
WASM_OUT := wasm/rnnlab.wasm wasm/rnnlab-scalar.wasm
# The text task's 'c' corpus and the wrapper modules of the tasks (wasm/tasks.mjs, wasm/run.mjs).
CORPUS_C := wasm/corpus-c.txt
WASM_JS := $(wildcard wasm/*.mjs)
# every file and folder under web/: a folder's time changes when a file moves in or out of it, and
# a moved file keeps its own (old) time, so the folders make dist/ notice moves between subfolders
WEB_FILES := $(shell find web 2>/dev/null)
NODE_TESTS := $(wildcard tests/*.test.mjs)

SIMDE_LINK := build/include/simde

# Shared by every C build. -ffp-contract=off: gcc would otherwise fuse SIMDe's mul+add into FMA
# with -march=native, and native results would stop matching wasm bit for bit.
# -isystem build/include finds <simde/...> through the symlink and nothing else of /usr/include
# (emcc must never see glibc's headers).
CFLAGS_ALL := -std=c99 -Wall -Wextra -ffp-contract=off -isystem build/include -Icore
# -fno-math-errno: sqrtf need not set errno, so gcc can vectorise the optimizer updates (as clang
# does for wasm); results are unchanged (sqrt is exactly rounded either way).
NATIVE_CFLAGS := $(CFLAGS_ALL) -O2 -march=native -fno-math-errno
# -fno-sanitize-recover=all: any UBSan finding ends the program with a failure, not a log line.
ASAN_CFLAGS := $(CFLAGS_ALL) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
  -fno-sanitize-recover=all
BENCH_CFLAGS := $(CFLAGS_ALL) -O3 -march=native -fno-math-errno
# Header dependencies, written next to each object as .d and included below.
DEPFLAGS := -MMD -MP

# Standalone wasm: no JS glue; wasm/rnnlab.mjs instantiates it (imports only
# env.emscripten_notify_memory_growth, and env.rnnlab_js_next declared by wasm/imports.js).
# Memory may grow to the 2 GiB a wasm32 heap can address.
EMFLAGS := $(CFLAGS_ALL) -sSTANDALONE_WASM=1 --no-entry -sALLOW_MEMORY_GROWTH=1 \
  -sMAXIMUM_MEMORY=2147483648
# -mbulk-memory: memset/memcpy become memory.fill/memory.copy, which the engine runs natively
# (zeroing the gradient arena every step was a wasm byte loop). Every engine with wasm SIMD
# (Chrome 91, Firefox 89, Safari 16.4, Node 16.4) has bulk memory; the scalar fallback keeps MVP.
WASM_SIMD_FLAGS := -O3 -msimd128 -mbulk-memory
# -Wno-pass-failed: SIMDe's `#pragma clang loop vectorize(enable)` warns under -fno-vectorize.
WASM_SCALAR_FLAGS := -O3 -DRNNLAB_SCALAR -fno-vectorize -fno-slp-vectorize -Wno-pass-failed

.PHONY: all native asan wasm serve test test-native typecheck bench bench-peers bench-memory bench-page deps deps-test deps-peers clean
all: native asan wasm
native: build/native/librnnlab.a $(TOOL_BIN)
asan: build/asan/librnnlab.a $(TEST_BIN)
wasm: $(WASM_OUT) $(CORPUS_C)

# ---- dependencies -------------------------------------------------------------------------

# Shell snippet: installs the apt packages named in $missing. Root updates the package lists
# (only now that something is missing: a fresh machine may have none) and installs; anyone else
# is told the exact command, and the build stops.
APT_INSTALL = if [ -n "$$missing" ]; then \
    if [ "$$(id -u)" = 0 ]; then \
      echo "deps: installing$$missing"; \
      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing; \
    else \
      echo "deps: missing$$missing. As root, run:" >&2; \
      echo "    apt-get update && apt-get install -y$$missing" >&2; \
      exit 1; \
    fi; \
  fi

# The build needs emcc and the SIMDe headers. Costs two file checks when both are present.
deps:
	@missing=; \
	command -v $(EMCC) >/dev/null 2>&1 || missing="$$missing emscripten"; \
	[ -f /usr/include/simde/wasm/simd128.h ] || missing="$$missing libsimde-dev"; \
	$(APT_INSTALL)

# The tests also need Debian's chromium (driven by playwright-core, which downloads no browser)
# and node_modules.
deps-test: deps node_modules/.package-lock.json
	@missing=; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	$(APT_INSTALL)

# npm ci writes node_modules/.package-lock.json; re-run it only when the lock file is newer.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Order-only on deps: the check runs before any C build, yet never makes an artifact stale.
$(SIMDE_LINK): | deps
	@mkdir -p $(@D)
	ln -sfn /usr/include/simde $@

# ---- native -------------------------------------------------------------------------------

build/native/obj/%.o: core/%.c | $(SIMDE_LINK)
	@mkdir -p $(@D)
	$(CC) $(NATIVE_CFLAGS) $(DEPFLAGS) -c $< -o $@

build/native/librnnlab.a: $(NATIVE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(TOOL_BIN): build/native/%: tests/native/%.c build/native/librnnlab.a
	$(CC) $(NATIVE_CFLAGS) $(DEPFLAGS) -o $@ $< build/native/librnnlab.a -lm

build/asan/obj/%.o: core/%.c | $(SIMDE_LINK)
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

build/asan/librnnlab.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/test_%: tests/native/test_%.c build/asan/librnnlab.a
	$(CC) $(ASAN_CFLAGS) $(DEPFLAGS) -o $@ $< build/asan/librnnlab.a -lm

# Benchmarks compile the core themselves at -O3, so the kernels they time are fully optimised.
build/native/bench_%: tests/native/bench_%.c $(CORE_SRC) $(CORE_HDR) | $(SIMDE_LINK)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(CORE_SRC) -lm

# Runs every sanitizer test, even after a failure, and fails if any failed. Leak checking is on.
test-native: $(TEST_BIN)
	@failed=; \
	for t in $(TEST_BIN); do \
	  echo "== $$t"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-native: FAILED:$$failed" >&2; exit 1; fi; \
	echo "test-native: $(words $(TEST_BIN)) programs passed"

-include $(NATIVE_OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(TEST_BIN:=.d) $(TOOL_BIN:=.d)

# ---- wasm ---------------------------------------------------------------------------------

# One C symbol per line, '#' starts a comment. Names are checked so a typo fails here, clearly.
build/wasm/exports.flag: wasm/exports.txt
	@mkdir -p $(@D)
	@awk '{ sub(/#.*/, ""); for (i = 1; i <= NF; i++) { \
	         if ($$i !~ /^[A-Za-z_][A-Za-z0-9_]*$$/) { print FILENAME ":" NR ": bad symbol " $$i > "/dev/stderr"; bad = 1 } \
	         else if (!seen[$$i]++) printf "_%s,", $$i } } \
	     END { if (bad) exit 1; printf "_malloc,_free\n" }' $< > $@

WASM_INPUTS := $(CORE_SRC) wasm/api.c
WASM_DEPS := $(WASM_INPUTS) $(CORE_HDR) wasm/exports.txt build/wasm/exports.flag

# emcc -O1+ runs acorn-optimizer.js, and Debian's acorn lives in /usr/share/nodejs, which the
# nodesource /usr/bin/node does not search.
$(WASM_OUT): export NODE_PATH := /usr/share/nodejs

# The kernel microbenchmark as wasm SIMD, for `make bench` (GEMM GFLOP/s on a training step's
# shapes): the same C file as build/native/bench_kernels, with Emscripten's Node glue (it prints),
# in one file (-sSINGLE_FILE: the 3.1.6 glue would fetch() a separate .wasm by path, which Node's
# fetch cannot do), named .cjs because the glue is CommonJS and package.json says "type": "module". Never part of the library or the site.
BENCH_WASM := build/wasm/bench_kernels.cjs
$(BENCH_WASM): export NODE_PATH := /usr/share/nodejs
# The scalar twins are compiled as the scalar wasm build compiles them (no auto-vectorisation),
# so the "scalar" column is what rnnlab-scalar.wasm runs.
$(BENCH_WASM): tests/native/bench_kernels.c core/kernels/scalar.c core/kernels/simd.c $(CORE_HDR) | $(SIMDE_LINK)
	@mkdir -p $(@D)
	$(EMCC) $(CFLAGS_ALL) $(WASM_SCALAR_FLAGS) -c core/kernels/scalar.c -o build/wasm/bench_kernels_scalar.o
	$(EMCC) $(CFLAGS_ALL) $(WASM_SIMD_FLAGS) -sENVIRONMENT=node -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 \
	  tests/native/bench_kernels.c build/wasm/bench_kernels_scalar.o core/kernels/simd.c -o build/wasm/tmp-$(@F)
	@mv build/wasm/tmp-$(@F) $@

# emcc writes its output, then rewrites it in place with wasm-opt: build under build/wasm/ and
# rename, so a test or server reading wasm/ never sees a half-written module.
wasm/rnnlab.wasm: $(WASM_DEPS) wasm/imports.js | $(SIMDE_LINK)
	$(EMCC) $(WASM_SIMD_FLAGS) $(EMFLAGS) -sEXPORTED_FUNCTIONS=$$(cat build/wasm/exports.flag) \
	  --js-library wasm/imports.js $(WASM_INPUTS) -o build/wasm/$(@F)
	@mv build/wasm/$(@F) $@

wasm/rnnlab-scalar.wasm: $(WASM_DEPS) wasm/imports.js | $(SIMDE_LINK)
	$(EMCC) $(WASM_SCALAR_FLAGS) $(EMFLAGS) -sEXPORTED_FUNCTIONS=$$(cat build/wasm/exports.flag) \
	  --js-library wasm/imports.js $(WASM_INPUTS) -o build/wasm/$(@F)
	@mv build/wasm/$(@F) $@

# The text task's 'c' corpus (lab.loadCorpus('c')): the project's own C sources, each file under
# a comment naming it. Written whole, then renamed, like the .wasm files.
$(CORPUS_C): $(sort $(CORE_HDR) $(CORE_SRC))
	@for f in $^; do printf '/* ==== %s ==== */\n' "$$f"; cat "$$f"; printf '\n'; done > $@.tmp
	@mv $@.tmp $@

# ---- the site -----------------------------------------------------------------------------

# Rebuilt whole (it is a handful of files), into a temporary folder then renamed, so dist/ never
# holds a mix of old and new files. web itself is a prerequisite so a deleted file goes too.
# uPlot (the line charts) comes from node_modules at its pinned version (package-lock.json) and is
# served from dist/ like every other file: the page makes no external request. web/screenshot.png
# is the README's picture, not part of the site.
UPLOT_FILES := node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css
dist: web $(WEB_FILES) $(WASM_JS) $(CORPUS_C) $(WASM_OUT) node_modules/.package-lock.json
	@rm -rf dist.tmp && mkdir dist.tmp
	cp -R web/. dist.tmp/
	rm -f dist.tmp/screenshot.png
	cp $(WASM_JS) $(CORPUS_C) $(WASM_OUT) $(UPLOT_FILES) dist.tmp/
	@rm -rf dist && mv dist.tmp dist

# The static server of the browser tests (correct MIME types incl. application/wasm, no caching),
# bound to 127.0.0.1. PORT=0 picks a free port.
serve: deps node_modules/.package-lock.json dist
	node tests/helpers/server.mjs dist $(PORT)

# ---- tests and bench ----------------------------------------------------------------------

# The JS wrapper and its declarations under strict TypeScript (pinned in package-lock.json):
# wasm/*.mjs with checkJs, wasm/rnnlab.d.ts, and tests/types/consumer.ts, which uses the API as a
# package user would and holds @ts-expect-error lines for calls that must be rejected. Then the
# playground: its page modules (web/**/*.js, lib DOM, uPlot's own types for its global) and its
# worker (web/worker/, lib WebWorker), one project each since their globals differ; then cli/.
typecheck: node_modules/.package-lock.json
	node_modules/.bin/tsc -p tests/types
	node_modules/.bin/tsc -p tests/types/tsconfig.web.json
	node_modules/.bin/tsc -p tests/types/tsconfig.worker.json
	node_modules/.bin/tsc -p tests/types/tsconfig.cli.json

# Native sanitizer tests and the type check first, then node's test runner, whose summary is the
# last output.
test: deps deps-test all dist test-native fuzz-smoke typecheck
	node --test $(or $(NODE_TESTS),$(error no tests/*.test.mjs found))

bench: wasm $(BENCH_BIN) $(BENCH_WASM)
	@if [ -f tests/bench/bench.mjs ]; then node tests/bench/bench.mjs; \
	else echo "bench: tests/bench/bench.mjs does not exist yet"; fi

# Not part of make test: minutes of training (tests/bench/memory.mjs).
bench-memory: wasm
	node tests/bench/memory.mjs

# The page (dist/) in headless Chromium: Worker throughput vs Node, frames per second.
bench-page: dist node_modules/.package-lock.json
	node tests/bench/page.mjs

# The peer libraries, pinned in tests/bench-peers/package-lock.json, installed there (never by
# make test). --ignore-scripts: none of them needs an install script (core-js's only prints a
# banner; brain.js 1.6.1 pulls gpu.js 1.x, pure JS, no headless-gl).
PEERS_DIR := tests/bench-peers
$(PEERS_DIR)/node_modules/.package-lock.json: $(PEERS_DIR)/package-lock.json $(PEERS_DIR)/package.json
	cd $(PEERS_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# scikit-learn's BernoulliRBM is the RBM peer (Debian's python3-sklearn; never needed by make
# test), on OpenBLAS: without it Debian's NumPy runs the reference BLAS (measured 5.9 against 40.7
# GFLOP/s single-threaded), which would flatter rnnlab
deps-peers:
	@missing=; \
	/usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1 || missing="$$missing python3-sklearn"; \
	dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing="$$missing libopenblas0-pthread"; \
	$(APT_INSTALL)

bench-peers: wasm $(PEERS_DIR)/node_modules/.package-lock.json deps-peers
	node $(PEERS_DIR)/peers.mjs

clean:
	rm -rf build dist dist.tmp tests/artifacts $(WASM_OUT) $(CORPUS_C)

# ---- fuzzing (tests/fuzz/README.md) -------------------------------------------------------
#
#   make fuzz            each harness FUZZ_SECONDS (180) in turn: executions, coverage, findings
#   make fuzz-smoke      each harness FUZZ_SMOKE_RUNS inputs + its regression files (part of make test)
#   make fuzz-coverage   line coverage of serialize.c and the text corpus builder over the corpus
#
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) under ASan + UBSan with clang 14: the core compiled
# again with -fsanitize=fuzzer-no-link (coverage feedback) into build/fuzz/obj. The seed corpora
# are generated (build/fuzz/seeds, linking the ASan library); inputs that once failed are kept in
# tests/fuzz/regressions/<harness>/.
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 180
FUZZ_SMOKE_RUNS ?= 3000
FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_HARNESSES:%=build/fuzz/%)
FUZZ_OBJ := $(CORE_SRC:core/%.c=build/fuzz/obj/%.o)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(CFLAGS_ALL) -O1 -g $(FUZZ_SAN)
FUZZ_RT := /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
FUZZ_COV_OBJ := $(CORE_SRC:core/%.c=build/fuzz/cov/obj/%.o)
FUZZ_COV_FLAGS := $(CFLAGS_ALL) -O1 -g -fprofile-instr-generate -fcoverage-mapping

.PHONY: fuzz fuzz-smoke fuzz-coverage fuzz-seeds deps-fuzz

# clang 14 and its libFuzzer runtime (Debian: clang-14, libclang-rt-14-dev), llvm-profdata/llvm-cov.
deps-fuzz:
	@missing=; \
	command -v $(FUZZ_CC) >/dev/null 2>&1 || missing="$$missing clang-14"; \
	[ -f $(FUZZ_RT) ] || missing="$$missing libclang-rt-14-dev"; \
	command -v llvm-cov-14 >/dev/null 2>&1 || missing="$$missing llvm-14"; \
	$(APT_INSTALL)

build/fuzz/obj/%.o: core/%.c | $(SIMDE_LINK) deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

build/fuzz/librnnlab.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h build/fuzz/librnnlab.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -o $@ $< build/fuzz/librnnlab.a -lm

build/fuzz/seeds: tests/fuzz/seeds.c build/asan/librnnlab.a
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) $(DEPFLAGS) -o $@ $< build/asan/librnnlab.a -lm

# Written afresh each time (a fixed set of files; libFuzzer adds its finds beside them).
fuzz-seeds: build/fuzz/seeds
	ASAN_OPTIONS=detect_leaks=1 ./build/fuzz/seeds build/fuzz/corpus

fuzz: $(FUZZ_BIN) fuzz-seeds
	@nice sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: $(FUZZ_BIN) fuzz-seeds
	@sh tests/fuzz/run.sh smoke $(FUZZ_SMOKE_RUNS) $(FUZZ_HARNESSES)

# Source-based coverage: the core and each harness with -fprofile-instr-generate (no sanitizer,
# no libFuzzer), tests/fuzz/replay.c running every corpus and regression file once.
build/fuzz/cov/obj/%.o: core/%.c | $(SIMDE_LINK) deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_COV_FLAGS) $(DEPFLAGS) -c $< -o $@

build/fuzz/cov/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_common.h $(FUZZ_COV_OBJ)
	$(FUZZ_CC) $(FUZZ_COV_FLAGS) -o $@ $< tests/fuzz/replay.c $(FUZZ_COV_OBJ) -lm

FUZZ_COV_FILES := core/serialize.c core/tasks/corpus.c core/tasks/vocab.c core/tasks/text.c core/tasks/options.c \
  core/tasks/ngram.c core/energy/hopfield.c core/energy/rbm.c core/energy/dbn.c core/energy/boltzmann.c
fuzz-coverage: $(FUZZ_HARNESSES:%=build/fuzz/cov/%)
	@rm -f build/fuzz/cov/*.profraw
	@for h in $(FUZZ_HARNESSES); do \
	  mkdir -p build/fuzz/corpus/$$h tests/fuzz/regressions/$$h; \
	  LLVM_PROFILE_FILE=build/fuzz/cov/$$h.profraw ./build/fuzz/cov/$$h build/fuzz/corpus/$$h tests/fuzz/regressions/$$h \
	    | sed "s/^/$$h: /" || exit 1; \
	done
	llvm-profdata-14 merge -sparse build/fuzz/cov/*.profraw -o build/fuzz/cov/all.profdata
	llvm-cov-14 report build/fuzz/cov/$(firstword $(FUZZ_HARNESSES)) $(foreach h,$(wordlist 2,99,$(FUZZ_HARNESSES)),-object build/fuzz/cov/$(h)) \
	  -instr-profile=build/fuzz/cov/all.profdata $(FUZZ_COV_FILES)

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_COV_OBJ:.o=.d) $(FUZZ_BIN:=.d) build/fuzz/seeds.d
