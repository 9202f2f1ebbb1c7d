# shellcheck shell=bash
#
# Throwaway Redis servers for Turnstile's tests. Source this file (bash), then:
#
#   redis_ensure_installed   redis-server/redis-cli >= 7.0 and openssl present (installs with apt-get when root)
#   redis_free_port          prints a free 127.0.0.1 port whose cluster bus port (+10000) is free too
#   redis_start_standalone   one server;  exports TURNSTILE_TEST_REDIS=redis://127.0.0.1:PORT
#   redis_start_cluster      3 masters, no replicas;
#                            exports TURNSTILE_TEST_CLUSTER=127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
#   redis_start_sentinel     a master, one replica and three Sentinels (quorum 2) that watch them as
#                            "turnstile-test"; exports
#                            TURNSTILE_TEST_SENTINEL=turnstile-test@127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3
#   redis_start_tls          one TLS-only server (tls-auth-clients yes), with a throwaway CA, a server
#                            certificate for 127.0.0.1/localhost and a client certificate made by openssl;
#                            exports TURNSTILE_TEST_TLS=rediss://127.0.0.1:PORT and TURNSTILE_TEST_TLS_DIR
#                            (truststore.p12: the CA; client.p12: the client's key and certificate;
#                            other-truststore.p12: an unrelated CA; store.pass: the stores' password)
#   redis_stop_all           shuts down every server started here and removes the temp dir (idempotent)
#
# All state (configs, logs, pid files, cluster node files) lives in one `mktemp -d`
# directory, $REDIS_ENV_DIR, with one sub-directory per server ("node-PORT").
# Servers bind 127.0.0.1 only and never persist anything (no RDB, no AOF).
#
# Safe to use under `set -euo pipefail`.

REDIS_ENV_MIN_MAJOR=7            # sharded pub/sub (SPUBLISH/SSUBSCRIBE) needs Redis 7
REDIS_ENV_PORT_MIN=16000         # main ports are picked from [16000, 22000) so that cluster bus
REDIS_ENV_PORT_SPAN=6000         # ports (+10000) stay in [26000, 32000): all below the Linux
                                 # ephemeral range (32768+) and never overlapping each other
REDIS_ENV_START_TIMEOUT=${REDIS_ENV_START_TIMEOUT:-15}     # seconds, per server
REDIS_ENV_CLUSTER_TIMEOUT=${REDIS_ENV_CLUSTER_TIMEOUT:-60} # seconds, for cluster_state:ok everywhere
REDIS_ENV_SENTINEL_TIMEOUT=${REDIS_ENV_SENTINEL_TIMEOUT:-60} # seconds, until every Sentinel sees the replica and its peers
REDIS_ENV_SENTINEL_MASTER=turnstile-test                   # the master name the Sentinels watch
REDIS_ENV_TLS_STORE_PASSWORD=turnstile-test                # throwaway PKCS12 stores of redis_start_tls

_redis_log() { printf 'redis-env: %s\n' "$*" >&2; }

# Major version of an installed redis binary ("Redis server v=7.0.15 ..." / "redis-cli 7.0.15").
_redis_major() {
    local out
    out=$("$1" --version 2>/dev/null) || return 1
    out=${out#*v=}                       # redis-server
    out=${out#redis-cli }                # redis-cli
    out=${out%%.*}
    [[ $out =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$out"
}

redis_ensure_installed() {
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            _redis_log "redis-server/redis-cli not found; installing with apt-get"
            if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
               ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >&2; then
                _redis_log "apt-get install redis-server redis-tools failed"
                return 1
            fi
        fi
        if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
            echo "redis-server ${REDIS_ENV_MIN_MAJOR}+ is required: install it (Debian/Ubuntu: apt-get install redis-server)" >&2
            return 1
        fi
    fi
    # the TLS server's throwaway certificates are made with openssl
    if ! command -v openssl >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        _redis_log "openssl not found; installing with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2 ||
            { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2; } ||
            _redis_log "apt-get install openssl failed (the TLS server will not start)"
    fi
    local bin major
    for bin in redis-server redis-cli; do
        major=$(_redis_major "$bin") || major=0
        if (( major < REDIS_ENV_MIN_MAJOR )); then
            echo "redis-server ${REDIS_ENV_MIN_MAJOR}+ is required (sharded pub/sub), found: $("$bin" --version 2>&1 | head -n 1)" >&2
            echo "install a newer one (Debian 12+/Ubuntu 24.04+: apt-get install redis-server; otherwise packages.redis.io)" >&2
            return 1
        fi
    done
}

# Creates the state directory on first use and exports its path as REDIS_ENV_DIR.
_redis_env_dir() {
    if [[ -z ${REDIS_ENV_DIR:-} || ! -d ${REDIS_ENV_DIR:-} ]]; then
        local d
        d=$(mktemp -d "${TMPDIR:-/tmp}/turnstile-redis.XXXXXX") || return 1
        # canonical path: redis-server reports its dir via getcwd(), see _redis_is_ours
        REDIS_ENV_DIR=$(cd -P "$d" && pwd -P) || return 1
        export REDIS_ENV_DIR
    fi
}

# Is anything accepting connections on 127.0.0.1:$1 ? (bash /dev/tcp, no external tools)
_redis_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

redis_free_port() {
    local base=$(( REDIS_ENV_PORT_MIN + (RANDOM * 32768 + RANDOM) % REDIS_ENV_PORT_SPAN ))
    local i p
    for (( i = 0; i < 500; i++ )); do
        p=$(( REDIS_ENV_PORT_MIN + (base - REDIS_ENV_PORT_MIN + i * 7) % REDIS_ENV_PORT_SPAN ))
        # already handed to a server of ours that may not be listening yet
        [[ -n ${REDIS_ENV_DIR:-} && -e $REDIS_ENV_DIR/node-$p ]] && continue
        _redis_port_in_use "$p" && continue
        _redis_port_in_use "$(( p + 10000 ))" && continue
        printf '%s\n' "$p"
        return 0
    done
    _redis_log "no free port found in [$REDIS_ENV_PORT_MIN, $(( REDIS_ENV_PORT_MIN + REDIS_ENV_PORT_SPAN )))"
    return 1
}

# _redis_cli PORT ARGS... -- redis-cli against 127.0.0.1:PORT, raw output, never hangs for long;
# over TLS, with the options in the node's cli-tls file, when the server speaks only TLS
_redis_cli() {
    local port=$1; shift
    local tls=()
    if [[ -n ${REDIS_ENV_DIR:-} && -r $REDIS_ENV_DIR/node-$port/cli-tls ]]; then
        mapfile -t tls <"$REDIS_ENV_DIR/node-$port/cli-tls"
    fi
    if command -v timeout >/dev/null 2>&1; then
        timeout 10 redis-cli -h 127.0.0.1 -p "$port" ${tls[@]+"${tls[@]}"} --raw "$@"
    else
        redis-cli -h 127.0.0.1 -p "$port" ${tls[@]+"${tls[@]}"} --raw "$@"
    fi
}

# Is the server on PORT the one whose state dir is DIR (and not somebody else's)?
_redis_is_ours() {
    local port=$1 dir=$2 out
    out=$(_redis_cli "$port" config get dir 2>/dev/null) || out=
    out=${out//$'\r'/}
    [[ $out == *$'\n'"$dir" || $out == *$'\n'"$dir"$'\n'* ]] && return 0
    # a Sentinel has no CONFIG command: its config file lives in DIR
    out=$(_redis_cli "$port" info server 2>/dev/null) || return 1
    out=${out//$'\r'/}
    [[ $out == *$'\n'"config_file:$dir/sentinel.conf"$'\n'* ]]
}

# _redis_start_node PORT DIR [extra redis-server args...]
# Starts one daemonized server and waits until it answers PING. Returns 1 if it did
# not come up (e.g. the port was taken in the meantime); the log is left in DIR.
_redis_start_node() {
    local port=$1 dir=$2; shift 2
    mkdir -p "$dir"
    if ! redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
            --daemonize yes --pidfile "$dir/redis.pid" \
            --dir "$dir" --logfile "$dir/redis.log" \
            --save '' --appendonly no "$@" >"$dir/start.out" 2>&1; then
        return 1
    fi
    _redis_wait_up "$port" "$dir"
}

# _redis_wait_up PORT DIR -- waits until the server of node dir DIR answers PING on PORT.
_redis_wait_up() {
    local port=$1 dir=$2
    local deadline=$(( SECONDS + REDIS_ENV_START_TIMEOUT )) log
    while (( SECONDS < deadline )); do
        if [[ $(_redis_cli "$port" ping 2>/dev/null) == PONG* ]] && _redis_is_ours "$port" "$dir"; then
            return 0
        fi
        # fail fast on bind errors (port or bus port grabbed since redis_free_port looked)
        log=$(cat "$dir/redis.log" 2>/dev/null) || log=
        if [[ $log == *"Could not create server TCP listening socket"* || $log == *"Failed listening on port"* ]]; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

# Does PID still look like a redis-server (guards against pid reuse)? Assumes yes without /proc.
_redis_pid_is_server() {
    local cmd
    [[ -r /proc/$1/cmdline ]] || return 0
    cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 0
    [[ $cmd == *redis-server* ]]
}

# Is PID running? A zombie counts as gone (an init that reaps lazily may leave one behind).
_redis_pid_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local stat
    [[ -r /proc/$1/stat ]] || return 0
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }                    # "pid (comm) S ..." -> "S ..."
    [[ ${stat:0:1} != Z ]]
}

# Stops the server in node dir DIR (port taken from the dir name). Never fails.
_redis_stop_node() {
    local dir=$1 port pid="" i
    port=${dir##*/node-}
    [[ -r $dir/redis.pid ]] && { pid=$(cat "$dir/redis.pid" 2>/dev/null) || pid=""; }
    if [[ $port =~ ^[0-9]+$ ]] && _redis_is_ours "$port" "$dir"; then
        _redis_cli "$port" shutdown nosave >/dev/null 2>&1 || true
    elif [[ -n $pid ]] && _redis_pid_alive "$pid" && _redis_pid_is_server "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
    else
        return 0
    fi
    [[ -n $pid ]] || return 0
    for (( i = 0; i < 100; i++ )); do           # up to ~10 s
        _redis_pid_alive "$pid" || return 0
        sleep 0.1
    done
    _redis_log "redis-server pid $pid (port $port) did not stop; killing it"
    _redis_pid_is_server "$pid" && kill -KILL "$pid" 2>/dev/null || true
    return 0
}

# _redis_start_fresh VAR [extra args...] -- picks a port, starts a node there (retrying with
# other ports if it loses a race for the port), stores the port in variable VAR.
_redis_start_fresh() {
    _redis_start_fresh_with _redis_start_node "$@"
}

# _redis_start_fresh_with STARTER VAR [args...] -- as _redis_start_fresh, the node started by
# `STARTER PORT DIR args...`.
_redis_start_fresh_with() {
    # locals are prefixed so they cannot shadow the caller's variable named by $2
    local _rsf_starter=$1 _rsf_var=$2; shift 2
    local _rsf_attempt _rsf_port _rsf_dir
    for _rsf_attempt in 1 2 3 4 5; do
        _rsf_port=$(redis_free_port) || return 1
        _rsf_dir=$REDIS_ENV_DIR/node-$_rsf_port
        if "$_rsf_starter" "$_rsf_port" "$_rsf_dir" "$@"; then
            printf -v "$_rsf_var" '%s' "$_rsf_port"
            return 0
        fi
        _redis_log "redis-server on port $_rsf_port did not start (attempt $_rsf_attempt); log:"
        tail -n 20 "$_rsf_dir/start.out" "$_rsf_dir/redis.log" >&2 2>/dev/null || true
        _redis_stop_node "$_rsf_dir"
        mv "$_rsf_dir" "$REDIS_ENV_DIR/failed-$_rsf_port-$_rsf_attempt" 2>/dev/null || rm -rf "$_rsf_dir"
    done
    _redis_log "giving up starting redis-server"
    return 1
}

redis_start_standalone() {
    _redis_env_dir || return 1
    local port
    _redis_start_fresh port || return 1
    export TURNSTILE_TEST_REDIS="redis://127.0.0.1:$port"
    _redis_log "standalone Redis on 127.0.0.1:$port (state in $REDIS_ENV_DIR)"
}

redis_start_cluster() {
    _redis_env_dir || return 1
    local ports=() addrs=() p n
    for n in 1 2 3; do
        _redis_start_fresh p --cluster-enabled yes --cluster-config-file nodes.conf \
            --cluster-node-timeout 5000 || return 1
        ports+=("$p")
        addrs+=("127.0.0.1:$p")
    done
    if ! redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
            </dev/null >"$REDIS_ENV_DIR/cluster-create.out" 2>&1; then
        _redis_log "redis-cli --cluster create failed:"
        cat "$REDIS_ENV_DIR/cluster-create.out" >&2
        return 1
    fi
    # every node must agree: state ok, all slots assigned, all 3 nodes known
    local deadline=$(( SECONDS + REDIS_ENV_CLUSTER_TIMEOUT )) info ready
    while :; do
        ready=1
        for p in "${ports[@]}"; do
            info=$(_redis_cli "$p" cluster info 2>/dev/null) || info=
            info=${info//$'\r'/}
            if [[ $info != *cluster_state:ok* || $info != *cluster_slots_assigned:16384* ||
                  $info != *cluster_known_nodes:3* ]]; then
                ready=0
                break
            fi
        done
        (( ready )) && break
        if (( SECONDS >= deadline )); then
            _redis_log "cluster not ready after ${REDIS_ENV_CLUSTER_TIMEOUT}s; node 127.0.0.1:$p says:"
            printf '%s\n' "$info" >&2
            return 1
        fi
        sleep 0.2
    done
    local IFS=,
    export TURNSTILE_TEST_CLUSTER="${addrs[*]}"
    _redis_log "Redis cluster on $TURNSTILE_TEST_CLUSTER (state in $REDIS_ENV_DIR)"
}

# _redis_start_sentinel_node PORT DIR MASTER_PORT -- one Sentinel watching 127.0.0.1:MASTER_PORT.
# Its config file lives (and is rewritten by it) in DIR.
_redis_start_sentinel_node() {
    local port=$1 dir=$2 master=$3 name=$REDIS_ENV_SENTINEL_MASTER
    mkdir -p "$dir"
    cat >"$dir/sentinel.conf" <<EOF
port $port
bind 127.0.0.1
protected-mode yes
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
sentinel monitor $name 127.0.0.1 $master 2
sentinel down-after-milliseconds $name 2000
sentinel failover-timeout $name 10000
EOF
    redis-server "$dir/sentinel.conf" --sentinel >"$dir/start.out" 2>&1 || return 1
    _redis_wait_up "$port" "$dir"
}

# _redis_sentinel_ready PORT REPLICA_PORT -- the Sentinel on PORT knows the replica (link ok) and
# its two peers, enough to authorize a failover.
_redis_sentinel_ready() {
    local out name=$REDIS_ENV_SENTINEL_MASTER
    out=$(_redis_cli "$1" sentinel ckquorum "$name" 2>/dev/null) || return 1
    [[ $out == "OK 3 usable Sentinels"* ]] || return 1
    out=$(_redis_cli "$1" sentinel replicas "$name" 2>/dev/null) || return 1
    out=${out//$'\r'/}
    [[ $out == *$'\n'"127.0.0.1:$2"$'\n'* && $out == *$'\n'flags$'\n'slave$'\n'* &&
       $out == *$'\n'master-link-status$'\n'ok$'\n'* ]]
}

redis_start_sentinel() {
    _redis_env_dir || return 1
    local master replica p n addrs=() ports=()
    _redis_start_fresh master || return 1
    _redis_start_fresh replica --replicaof 127.0.0.1 "$master" || return 1
    for n in 1 2 3; do
        _redis_start_fresh_with _redis_start_sentinel_node p "$master" || return 1
        ports+=("$p")
        addrs+=("127.0.0.1:$p")
    done
    local deadline=$(( SECONDS + REDIS_ENV_SENTINEL_TIMEOUT ))
    for p in "${ports[@]}"; do
        until _redis_sentinel_ready "$p" "$replica"; do
            if (( SECONDS >= deadline )); then
                _redis_log "Sentinel on 127.0.0.1:$p not ready after ${REDIS_ENV_SENTINEL_TIMEOUT}s; it says:"
                _redis_cli "$p" sentinel ckquorum "$REDIS_ENV_SENTINEL_MASTER" >&2 2>&1 || true
                return 1
            fi
            sleep 0.2
        done
    done
    local IFS=,
    export TURNSTILE_TEST_SENTINEL="$REDIS_ENV_SENTINEL_MASTER@${addrs[*]}"
    _redis_log "Redis master 127.0.0.1:$master, replica 127.0.0.1:$replica, Sentinels $TURNSTILE_TEST_SENTINEL"
}

# _redis_tls_certificate DIR NAME CA SUBJECT EXTENSIONS -- DIR/NAME.key and DIR/NAME.crt, signed by CA
_redis_tls_certificate() {
    local d=$1 name=$2 ca=$3 subject=$4 extensions=$5
    printf '%s\n' "$extensions" >"$d/$name.ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$subject" \
        -keyout "$d/$name.key" -out "$d/$name.csr" &&
    openssl x509 -req -in "$d/$name.csr" -CA "$d/$ca.crt" -CAkey "$d/$ca.key" -CAcreateserial \
        -days 2 -sha256 -extfile "$d/$name.ext" -out "$d/$name.crt"
}

# _redis_tls_material DIR -- a CA, a server and a client certificate, an unrelated CA, and the
# PKCS12 stores a Java client uses (see redis_start_tls).
_redis_tls_material() {
    local d=$1 pass=$REDIS_ENV_TLS_STORE_PASSWORD ca
    mkdir -p "$d"
    {
        for ca in ca other-ca; do
            openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
                -subj "/CN=Turnstile test $ca" -keyout "$d/$ca.key" -out "$d/$ca.crt" || return 1
            keytool -importcert -noprompt -alias "$ca" -file "$d/$ca.crt" -storetype PKCS12 \
                -keystore "$d/${ca%ca}truststore.p12" -storepass "$pass" || return 1
        done
        _redis_tls_certificate "$d" server ca /CN=localhost \
            $'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth' || return 1
        _redis_tls_certificate "$d" client ca /CN=turnstile-test-client 'extendedKeyUsage=clientAuth' || return 1
        openssl pkcs12 -export -in "$d/client.crt" -inkey "$d/client.key" -certfile "$d/ca.crt" \
            -name client -out "$d/client.p12" -passout "pass:$pass" || return 1
    } >"$d/openssl.out" 2>&1
    printf '%s' "$pass" >"$d/store.pass"
}

# _redis_start_tls_node PORT DIR TLS_DIR -- a server that speaks only TLS on PORT and requires a
# client certificate; it listens on 127.0.0.2 too, an address its certificate does not name.
_redis_start_tls_node() {
    local port=$1 dir=$2 tls=$3
    mkdir -p "$dir"
    printf '%s\n' --tls --cacert "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" >"$dir/cli-tls"
    _redis_start_node "$port" "$dir" --port 0 --tls-port "$port" --bind 127.0.0.1 127.0.0.2 \
        --tls-cert-file "$tls/server.crt" --tls-key-file "$tls/server.key" \
        --tls-ca-cert-file "$tls/ca.crt" --tls-auth-clients yes
}

redis_start_tls() {
    _redis_env_dir || return 1
    local tls=$REDIS_ENV_DIR/tls port
    if ! command -v openssl >/dev/null 2>&1 || ! command -v keytool >/dev/null 2>&1; then
        _redis_log "openssl and keytool (a JDK) are needed for the TLS server"
        return 1
    fi
    if ! _redis_tls_material "$tls"; then
        _redis_log "making the test certificates failed:"
        cat "$tls/openssl.out" >&2
        return 1
    fi
    _redis_start_fresh_with _redis_start_tls_node port "$tls" || return 1
    export TURNSTILE_TEST_TLS="rediss://127.0.0.1:$port"
    export TURNSTILE_TEST_TLS_DIR=$tls
    _redis_log "TLS-only Redis on $TURNSTILE_TEST_TLS (certificates and stores in $tls)"
}

redis_stop_all() {
    local dir
    if [[ -n ${REDIS_ENV_DIR:-} && -d ${REDIS_ENV_DIR:-} ]]; then
        for dir in "$REDIS_ENV_DIR"/node-*; do    # Sentinels first: they must not fail over the rest
            [[ -f $dir/sentinel.conf ]] && _redis_stop_node "$dir"
        done
        for dir in "$REDIS_ENV_DIR"/node-*; do
            [[ -d $dir && ! -f $dir/sentinel.conf ]] && _redis_stop_node "$dir"
        done
        rm -rf "$REDIS_ENV_DIR" || true
    fi
    unset REDIS_ENV_DIR TURNSTILE_TEST_REDIS TURNSTILE_TEST_CLUSTER TURNSTILE_TEST_SENTINEL TURNSTILE_TEST_TLS \
        TURNSTILE_TEST_TLS_DIR
    return 0
}
