# The two commands of the README, and the rest of the daily work.
# Every target installs what it needs first (npm ci, once per lockfile change).
.PHONY: install build sim test check bench fuzz clean

NODE_MODULES := node_modules/.package-lock.json

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES)

# The compiled JavaScript a device runs (dist/); bin/onecard.js falls back to the sources when it is older.
build: $(NODE_MODULES)
	npm run build

sim: $(NODE_MODULES)
	node bin/onecard.js sim

test: $(NODE_MODULES)
	npm test

check: $(NODE_MODULES)
	npm run check

bench: $(NODE_MODULES)
	npm run bench

clean:
	rm -rf node_modules dist
