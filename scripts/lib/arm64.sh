# linux-arm64 on these x86_64 machines, in one place for scripts/test.sh: the cross toolchain, the ABI values the
# POSIX tables are checked against, qemu-user through binfmt_misc and the arm64 runtime libraries. Source it after
# publish.sh (callers define die and note), then:
#
#   arm64_missing_packages          # the apt packages still to install (one line, empty when none)
#   abi_values OUT                  # OUT/linux-x64.txt and OUT/linux-arm64.txt from tests/abi/linux-abi.c
#   arm64_enable_binfmt             # arm64 ELF files run through qemu-user (mounts binfmt_misc if needed; root)
#   arm64_stage_libs DIR PKG...     # Debian's arm64 PKG files unpacked into DIR (a root for QEMU_LD_PREFIX or an image;
#                                   # DIR/.packages: "PACKAGE VERSION ARCH" per line, read from the .deb files)
#   arm64_env ROOT                  # exports what an arm64 process needs under qemu-user (QEMU_LD_PREFIX=ROOT, ...)
#
# environment.md ("linux-arm64 works here too") records why each setting is there.

ARM64_CROSS_GCC=aarch64-linux-gnu-gcc
# The agent's runtime needs: the loader and libc, libgcc_s (unwinding), OpenSSL (.NET crypto loads libssl.so.3).
ARM64_RUNTIME_PACKAGES=(libc6 libgcc-s1 libssl3 zlib1g)

arm64_missing_packages() {
    local packages=()
    command -v "$ARM64_CROSS_GCC" >/dev/null 2>&1 || packages+=(gcc-aarch64-linux-gnu) # brings aarch64 binutils, libc6-dev-arm64-cross
    command -v qemu-aarch64-static >/dev/null 2>&1 || packages+=(qemu-user-static)
    command -v update-binfmts >/dev/null 2>&1 || packages+=(binfmt-support)
    command -v clang-14 >/dev/null 2>&1 || packages+=(clang-14) # NativeAOT cross-links with clang (gcc lacks --target)
    echo "${packages[*]}"
}

# The values each architecture's libc and kernel headers define, printed by a program built for it. The arm64 one
# runs under qemu-user with the cross toolchain's libc (no binfmt needed).
abi_values() {
    local out=$1 src=$ROOT/tests/abi
    mkdir -p "$out"
    gcc -Wall -Werror -o "$out/linux-abi-x64" "$src/linux-abi.c" "$src/linux-abi-uapi.c" || die "gcc could not build tests/abi/linux-abi.c"
    "$ARM64_CROSS_GCC" -Wall -Werror -o "$out/linux-abi-arm64" "$src/linux-abi.c" "$src/linux-abi-uapi.c" \
        || die "$ARM64_CROSS_GCC could not build tests/abi/linux-abi.c"
    "$out/linux-abi-x64" >"$out/linux-x64.txt.tmp" || die "tests/abi/linux-abi.c (x64) failed"
    qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/linux-abi-arm64" >"$out/linux-arm64.txt.tmp" \
        || die "tests/abi/linux-abi.c (arm64, under qemu-aarch64-static) failed"
    mv "$out/linux-x64.txt.tmp" "$out/linux-x64.txt"
    mv "$out/linux-arm64.txt.tmp" "$out/linux-arm64.txt"
    rm -f "$out/linux-abi-x64" "$out/linux-abi-arm64"
}

# The kernel runs arm64 ELF files through qemu-aarch64 (qemu-user-static registers it with F, so it works in
# containers and namespaces too): the test processes start the arm64 agent like any other executable.
arm64_enable_binfmt() {
    local mount=/proc/sys/fs/binfmt_misc
    if [ ! -e "$mount/register" ]; then
        [ "$(id -u)" = 0 ] || die "binfmt_misc is not mounted and mounting it needs root"
        mount -t binfmt_misc binfmt_misc "$mount" || die "cannot mount binfmt_misc on $mount"
    fi
    if ! grep -qx enabled "$mount/qemu-aarch64" 2>/dev/null; then
        update-binfmts --enable qemu-aarch64 || die "update-binfmts --enable qemu-aarch64 failed"
    fi
    grep -qx enabled "$mount/qemu-aarch64" || die "qemu-aarch64 is not enabled in $mount"
}

# Downloads Debian's arm64 builds of PKG... (without installing them: a multiarch install would replace the host's
# own libssl3) and unpacks them into DIR. Idempotent: a stamp naming the package versions skips a second run.
arm64_stage_libs() {
    local dir=$1
    shift
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        [ "$(id -u)" = 0 ] || die "staging arm64 libraries needs the arm64 architecture in dpkg (root: dpkg --add-architecture arm64)"
        dpkg --add-architecture arm64
        apt-get update -qq || die "apt-get update (with arm64) failed"
    fi
    local wanted=() package version
    for package in "$@"; do
        version=$(apt-cache policy "$package:arm64" | sed -n 's/^  Candidate: //p')
        { [ -n "$version" ] && [ "$version" != "(none)" ]; } || die "no arm64 package $package in the apt lists"
        wanted+=("$package=$version")
    done
    if [ "$(cat "$dir/.staged" 2>/dev/null)" = "${wanted[*]}" ] && [ -s "$dir/.packages" ]; then
        return
    fi
    local debs=$dir.debs
    rm -rf "$dir" "$debs"
    mkdir -p "$dir" "$debs"
    (cd "$debs" && apt-get download -qq -o APT::Sandbox::User=root "${@/%/:arm64}") >/dev/null || die "apt-get download of arm64 $* failed"
    local deb
    for deb in "$debs"/*.deb; do
        dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
        # What was unpacked, from the package itself (the carrier's SBOM reads it): not this machine's dpkg database.
        dpkg-deb -f "$deb" Package Version Architecture \
            | awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 } /^Architecture:/ { a = $2 } END { print p, v, a }' >>"$dir/.packages.tmp"
    done
    mv "$dir/.packages.tmp" "$dir/.packages"
    rm -rf "$debs"
    echo "${wanted[*]}" >"$dir/.staged"
}

# QEMU_LD_PREFIX: qemu looks up the loader and every library under ROOT first. DOTNET_GCRegionRange: the GC's
# default 256 GB reservation is slow and large under qemu (0.35 s -> 0.1 s at start, 311 MB -> 21 MB).
# DOTNET_EnableWriteXorExecute=0: JIT-compiled code (test runners, ReadyToRun) crashes under qemu without it.
arm64_env() {
    export QEMU_LD_PREFIX=$1 DOTNET_GCRegionRange=10000000 DOTNET_EnableWriteXorExecute=0
}
