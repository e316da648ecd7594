# Publishing the shipped binaries, in one place for scripts/test.sh, scripts/demo.sh and bench/startup.sh.
# Source it, then:
#
#   publish_agent WORK BIN SYMBOLS [dotnet publish args...]
#   publish_admin WORK BIN SYMBOLS [dotnet publish args...]
#   publish_agent_arm64 WORK BIN SYMBOLS [args...]   # linux-arm64, cross-compiled here (same for publish_admin_arm64)
#
# Both tools ship NativeAOT (src/NativeAot.props). Publishing happens in WORK (wiped first); only the executable is
# copied to BIN, the directory images copy from, and NativeAOT's symbol file (NAME.dbg) is moved to SYMBOLS, so
# symbols never sit next to a binary that goes into an image.
#
# When the NativeAOT toolchain is missing - no C linker (gcc or clang), or no NativeAOT packs for this SDK's runtime
# on the package registry (they are served for one runtime version only) - one line names the cause and the tool
# is published as the trimmed ReadyToRun single file instead (-p:SecretAgentAot=false). In CI (CI=true) that is an
# error, because CI must test the shipped form, unless SECRET_AGENT_ALLOW_TRIMMED=1 allows it explicitly. Any other
# publish failure is an error everywhere. Afterwards SECRET_AGENT_FORM (agent) and SECRET_AGENT_ADMIN_FORM
# (admin) are "nativeaot" or "trimmed".
#
# Callers define die() (one line on stderr, non-zero exit) and may define note() (progress lines).

if ! declare -F note >/dev/null; then
    note() { printf '    %s\n' "$*"; }
fi

# The .NET runtime version this SDK builds for; the NativeAOT packs must exist at exactly this version.
sdk_runtime_version() {
    local sdk_dir
    sdk_dir=$(dotnet --list-sdks | awk -v v="$(dotnet --version)" '$1 == v { gsub(/[][]/, "", $2); print $2 "/" v }')
    sed -n 's:.*<BundledNETCoreAppPackageVersion>\(.*\)</BundledNETCoreAppPackageVersion>.*:\1:p' \
        "$sdk_dir/Microsoft.NETCoreSdk.BundledVersions.props" 2>/dev/null | head -n 1
}

have_c_linker() { command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; }

# Why a NativeAOT publish failed, if it is a missing toolchain (a fallback reason); empty for any other failure.
aot_missing_cause() {
    local log=$1
    local line package version
    line=$(grep -E 'NU110[1-3]: Unable to find package [^ ]*(NativeAOT|ILCompiler)' "$log" | head -n 1)
    if [ -n "$line" ]; then
        package=$(sed -E 's/.*Unable to find package ([^ ]*[^ .]).*/\1/' <<<"$line")
        version=$(sed -nE 's/.*with version \(= ([^)]*)\).*/\1/p' <<<"$line")
        echo "the NativeAOT packs for .NET runtime ${version:-$(sdk_runtime_version)} are not on the package registry (no $package${version:+ $version})"
    elif grep -q "Platform linker (" "$log"; then
        echo "no C linker (gcc or clang) in PATH"
    elif grep -q "Symbol stripping tool (" "$log"; then
        echo "no objcopy (binutils) in PATH"
    fi
}

# Falls back to the trimmed build, or stops in CI: CI must test what ships.
trimmed_fallback() {
    local name=$1 cause=$2
    if [ "${CI:-}" = true ] && [ "${SECRET_AGENT_ALLOW_TRIMMED:-}" != 1 ]; then
        die "cannot publish $name as NativeAOT: $cause; CI tests the shipped NativeAOT form (set SECRET_AGENT_ALLOW_TRIMMED=1 to test the trimmed build instead)"
    fi
    printf 'warning: %s not built as NativeAOT: %s; falling back to the trimmed ReadyToRun build (-p:SecretAgentAot=false), which is not what ships\n' "$name" "$cause" >&2
}

# Copies the executable to BIN and moves symbols (if any) to SYMBOLS; nothing else leaves WORK.
stage_binary() {
    local work=$1 bin=$2 symbols=$3 name=$4
    [ -x "$work/$name" ] || die "publish did not produce $work/$name"
    mkdir -p "$bin"
    rm -f "$bin/$name" "$bin/$name.dbg"
    cp "$work/$name" "$bin/$name"
    if [ -e "$work/$name.dbg" ]; then
        mkdir -p "$symbols"
        mv "$work/$name.dbg" "$symbols/$name.dbg"
    fi
}

# publish_tool PROJECT NAME WORK BIN SYMBOLS [args]: NativeAOT, or the announced trimmed fallback; sets FORM.
publish_tool() {
    local project=$1 name=$2 work=$3 bin=$4 symbols=$5
    shift 5
    local log=$work.log cause=
    rm -rf "$work"
    mkdir -p "$(dirname "$work")"
    FORM=nativeaot
    if ! have_c_linker; then
        cause="no C linker (gcc or clang) in PATH"
    elif ! dotnet publish "src/$project" -c Release -r "${PUBLISH_RID:-linux-x64}" -o "$work" "$@" >"$log" 2>&1; then
        cause=$(aot_missing_cause "$log")
        [ -n "$cause" ] || { grep -E 'error|warn' "$log" | tail -n 20 >&2; die "publishing $name (NativeAOT) failed; see $log"; }
    fi
    if [ -n "$cause" ]; then
        trimmed_fallback "$name" "$cause"
        FORM=trimmed
        rm -rf "$work"
        dotnet publish "src/$project" -c Release -r "${PUBLISH_RID:-linux-x64}" -o "$work" -p:SecretAgentAot=false "$@" >"$log" 2>&1 \
            || { grep -E 'error|warn' "$log" | tail -n 20 >&2; die "publishing $name (trimmed) failed; see $log"; }
    fi
    stage_binary "$work" "$bin" "$symbols" "$name"
}

publish_agent() {
    publish_tool SecretAgent.Agent secret-agent "$@"
    SECRET_AGENT_FORM=$FORM
    export SECRET_AGENT_FORM
}

publish_admin() {
    publish_tool SecretAgent.Admin secret-agent-admin "$@"
    SECRET_AGENT_ADMIN_FORM=$FORM
    export SECRET_AGENT_ADMIN_FORM
}

# linux-arm64, cross-compiled on x86_64: clang-14 links (the ILCompiler targets pass clang's --target, which gcc
# lacks) and aarch64 binutils strip. SysRoot stays unset: Debian's /usr/aarch64-linux-gnu is not a sysroot, and
# clang finds the cross packages' libraries by itself. The admin ships NativeAOT on arm64 too: the same form as on
# x64, one file with no .NET runtime to install on an arm64 laptop or build host.
ARM64_PUBLISH_ARGS=(-p:CppCompilerAndLinker=clang-14 -p:ObjCopyName=aarch64-linux-gnu-objcopy)

publish_agent_arm64() {
    PUBLISH_RID=linux-arm64 publish_tool SecretAgent.Agent secret-agent "$@" "${ARM64_PUBLISH_ARGS[@]}"
    SECRET_AGENT_ARM64_FORM=$FORM
    export SECRET_AGENT_ARM64_FORM
}

publish_admin_arm64() {
    PUBLISH_RID=linux-arm64 publish_tool SecretAgent.Admin secret-agent-admin "$@" "${ARM64_PUBLISH_ARGS[@]}"
    SECRET_AGENT_ADMIN_ARM64_FORM=$FORM
    export SECRET_AGENT_ADMIN_ARM64_FORM
}
