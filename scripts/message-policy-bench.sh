#!/bin/sh
# The cost per message of each built-in message policy next to a no-op forward (docs/policies.md).
# Usage: scripts/message-policy-bench.sh [iterations per round, default 200000]
set -eu
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xms512m -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.wsgateway.policy.message.builtin.bench.MessagePolicyBench "$@"
