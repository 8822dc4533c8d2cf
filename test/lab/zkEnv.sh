#!/usr/bin/env bash
# zkEnv.sh for the Apache layout (bin/, conf/, lib/), written by zkdeploy's lab because Debian's
# is a link to /etc/zookeeper/conf/environment. It follows Apache's: conf/zookeeper-env.sh and
# conf/java.env are sourced, the classpath is conf/ plus lib/*.jar, and ZOO_LOG_DIR defaults to
# the release's logs/.

ZOOBINDIR="${ZOOBINDIR:-/usr/bin}"
ZOOKEEPER_PREFIX="${ZOOBINDIR}/.."

if [ "x$ZOOCFGDIR" = "x" ]; then
  ZOOCFGDIR="$ZOOKEEPER_PREFIX/conf"
fi

if [ -f "${ZOOCFGDIR}/zookeeper-env.sh" ]; then
  . "${ZOOCFGDIR}/zookeeper-env.sh"
fi

if [ "x$ZOOCFG" = "x" ]; then
  ZOOCFG="zoo.cfg"
fi
ZOOCFG="$ZOOCFGDIR/$ZOOCFG"

if [ -f "$ZOOCFGDIR/java.env" ]; then
  . "$ZOOCFGDIR/java.env"
fi

if [ "x${ZOO_LOG_DIR}" = "x" ]; then
  ZOO_LOG_DIR="$ZOOKEEPER_PREFIX/logs"
fi

if [[ -n "$JAVA_HOME" ]] && [[ -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
elif type -p java; then
  JAVA=java
else
  echo "Error: JAVA_HOME is not set and java could not be found in PATH." 1>&2
  exit 1
fi

CLASSPATH="$ZOOCFGDIR:$CLASSPATH"
for i in "$ZOOBINDIR"/../lib/*.jar; do
  CLASSPATH="$i:$CLASSPATH"
done

ZOO_DATADIR_AUTOCREATE_DISABLE=${ZOO_DATADIR_AUTOCREATE_DISABLE:-}
export ZOO_LOG_DIR ZOOCFGDIR
