# Cinder — build.
#   make               release build: build/cinder and build/libcinder.a
#   make MODE=debug    -O0 build in build-debug/
#   make MODE=asan     ASan + UBSan build in build-asan/
#   make test          unit tests, SQL golden tests and TPC-H checks (tests/run.sh)
# Dependencies come from Debian packages: scripts/install-deps.sh installs them;
# the build runs it when a header is missing and it can (root), else prints the command.

MODE ?= release
ifeq ($(MODE),release)
  BUILD ?= build
  OPT = -O2 -g -DNDEBUG
else ifeq ($(MODE),debug)
  BUILD ?= build-debug
  OPT = -O0 -g
else ifeq ($(MODE),asan)
  BUILD ?= build-asan
  OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
  $(error MODE must be release, debug or asan)
endif

CC ?= cc
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow=local -pthread $(OPT) -Isrc -MMD -MP
LDLIBS += -llz4 -lzstd -lz -ledit -lm -pthread
LDFLAGS += $(filter -fsanitize=%,$(OPT))

LIB_SRC := $(sort $(wildcard src/*/*.c))
LIB_SRC := $(filter-out src/cli/%,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test unit demo clean
all: deps $(BUILD)/cinder $(BUILD)/libcinder.a $(UNIT_BIN)

deps:
	@scripts/check-deps.sh

$(BUILD)/libcinder.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cinder: $(CLI_OBJ) $(BUILD)/libcinder.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libcinder.a $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/plan_fixture.h $(BUILD)/libcinder.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(BUILD)/libcinder.a $(LDLIBS)

test: all
	@tests/run.sh $(BUILD)

unit: all
	@tests/run.sh $(BUILD) unit

demo: all
	@BUILD=$(BUILD) scripts/demo.sh

clean:
	rm -rf build build-debug build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
