#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) broker on loopback, for tests and the demo.
# Kafka comes from Maven Central through Maven (scripts/kafka/pom.xml); it runs on the installed JDK (17+).
#
#   scripts/kafka-broker.sh fetch                 resolve the broker jars (once)
#   scripts/kafka-broker.sh start DIR PORT        format DIR (if new) and start; waits until the port answers
#   scripts/kafka-broker.sh stop DIR              stop the broker started in DIR
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
libs="$here/kafka/target/kafka-libs"

die() { echo "kafka-broker: $*" >&2; exit 1; }

need() {
  command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)"
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [ "${major%%.*}" -ge 17 ] 2>/dev/null || die "java $major found, Kafka 4 needs 17 or newer"
}

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven (Debian: apt-get install maven) to fetch Apache Kafka from Maven Central"
  echo "kafka-broker: fetching Apache Kafka from Maven Central (once)..." >&2
  (cd "$here/kafka" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/kafka-libs >&2) \
    || die "Maven could not fetch org.apache.kafka:kafka_2.13 (see the output above)"
  touch "$libs/.complete"
}

wait_port() {
  local port=$1 pid=$2 deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "broker exited during start; see $3"
    sleep 0.3
  done
  die "broker did not open port $port within 60 s; see $3"
}

start() {
  local dir=$1 port=$2 cport=$(( $2 + 1 ))
  need; fetch
  mkdir -p "$dir/logs"
  local props="$dir/server.properties"
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/kraft-logs
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=4194304
log.segment.bytes=134217728
PROPS
  cat > "$dir/log4j2.properties" <<'L4J'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
L4J
  local cp="$libs/*"
  local jvm=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true "-Dkafka.logs.dir=$dir/logs" "-Dlog4j2.configurationFile=$dir/log4j2.properties")
  if [ ! -f "$dir/kraft-logs/meta.properties" ]; then
    local id
    id=$(java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool random-uuid)
    java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool format -t "$id" -c "$props" >"$dir/logs/format.out" 2>&1 \
      || die "could not format $dir (see $dir/logs/format.out)"
  fi
  nohup java -cp "$cp" "${jvm[@]}" kafka.Kafka "$props" >"$dir/logs/stdout.log" 2>&1 &
  echo $! > "$dir/broker.pid"
  wait_port "$port" "$(cat "$dir/broker.pid")" "$dir/logs/stdout.log"
  echo "127.0.0.1:$port"
}

stop() {
  local dir=$1
  [ -f "$dir/broker.pid" ] || return 0
  local pid; pid=$(cat "$dir/broker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/broker.pid"
}

case "${1:-}" in
  fetch) need; fetch ;;
  start) [ $# -eq 3 ] || die "usage: $0 start DIR PORT"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 fetch | start DIR PORT | stop DIR" ;;
esac
