# The carrier directory /opt/secret-agent, in one place for scripts/images.sh and scripts/test.sh, for linux-x64 and
# linux-arm64. Source it, then:
#
#   stage_carrier DEST AGENT ARCH_TRIPLET LOADER [SYSROOT]
#   carrier_sbom DEST VERSION REVISION [SYSROOT]
#
# DEST      the directory to fill (wiped first); it is copied into images at /opt/secret-agent, the path baked
#           into the agent's ELF interpreter below, so it must live there in the image.
# AGENT     the published NativeAOT secret-agent (artifacts/bin/secret-agent; never its .dbg symbols).
# ARCH_TRIPLET  Debian's multiarch triplet: x86_64-linux-gnu (aarch64-linux-gnu for arm64).
# LOADER    the ELF interpreter's file name: ld-linux-x86-64.so.2 (ld-linux-aarch64.so.1 for arm64).
# SYSROOT   where that architecture's Debian libraries are unpacked ("" = this machine's /): for arm64 the root
#           arm64_stage_libs (scripts/lib/arm64.sh) unpacks Debian's arm64 libc6 and libssl3 into. The CA bundle
#           is the same file on every architecture (ca-certificates is "Architecture: all"): always this machine's.
#
# What goes in and why (docs/images.md): a NativeAOT binary links only libc, libm and the loader and dlopens
# libssl.so.3 / libcrypto.so.3 (all crypto and TLS); an app image may have none of them (busybox, distroless/static,
# scratch) or another version. So the carrier brings its own, and patchelf points the agent at them: the ELF
# interpreter is the carrier's loader (an absolute path: the kernel reads it before anything runs) and DT_RPATH is
# $ORIGIN/../lib (RPATH, not RUNPATH: it also applies to the dlopen of libssl, and libssl's own need of libcrypto is
# found through libssl's $ORIGIN). Nothing is set in the environment, so the app the agent execs runs on its own
# image's loader and libc. Plus Debian's CA bundle (TLS to S3 and KMS where the image has none) and an SBOM.
#
# Callers define die() (one line on stderr, non-zero exit).

CARRIER_PREFIX=/opt/secret-agent

# carrier_libraries: the shared objects the agent loads, in load order (linked, then dlopen'ed).
carrier_libraries() { printf '%s\n' libc.so.6 libm.so.6 libssl.so.3 libcrypto.so.3; }

stage_carrier() {
    local dest=$1 agent=$2 triplet=$3 loader=$4 sysroot=${5:-}
    command -v patchelf >/dev/null 2>&1 || die "patchelf is missing (apt-get install patchelf)"
    [ -x "$agent" ] || die "no published agent at $agent"
    # Merged /usr (this machine) has everything in /usr/lib/TRIPLET; an unpacked bookworm libc6 still ships /lib/TRIPLET.
    local libdirs=("$sysroot/usr/lib/$triplet" "$sysroot/lib/$triplet")
    rm -rf "$dest"
    mkdir -p "$dest/bin" "$dest/lib" "$dest/etc/ssl/certs"

    cp "$agent" "$dest/bin/secret-agent"
    # The loader lives in /usr/lib64 on x86_64 and /usr/lib on aarch64; resolve the link to the real file.
    local loader_path
    loader_path=$(carrier_find "$loader" "${libdirs[@]}" "$sysroot/usr/lib64" "$sysroot/usr/lib" "$sysroot/lib64" "$sysroot/lib") \
        || die "no $loader under $sysroot/usr"
    cp -L "$loader_path" "$dest/lib/$loader"
    local lib path
    for lib in $(carrier_libraries); do
        path=$(carrier_find "$lib" "${libdirs[@]}") || die "no $lib in ${libdirs[*]} (libc6 and libssl3 must be installed)"
        cp -L "$path" "$dest/lib/$lib"
    done
    cp -L /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/ca-certificates.crt" \
        || die "no CA bundle in /etc/ssl/certs (apt-get install ca-certificates)"

    patchelf --set-interpreter "$CARRIER_PREFIX/lib/$loader" "$dest/bin/secret-agent"
    patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$dest/bin/secret-agent"
    patchelf --force-rpath --set-rpath '$ORIGIN' "$dest/lib/libssl.so.3"
    chmod 0755 "$dest/bin/secret-agent" "$dest/lib/$loader"
    chmod 0644 "$dest/lib/"*.so.* "$dest/etc/ssl/certs/ca-certificates.crt"
    chmod 0755 "$dest/lib/$loader"
}

carrier_find() {
    local name=$1 dir
    shift
    for dir in "$@"; do
        if [ -e "$dir/$name" ]; then
            echo "$dir/$name"
            return 0
        fi
    done
    return 1
}

# carrier_sbom DEST VERSION REVISION [SYSROOT]: writes DEST/sbom.spdx.json (SPDX 2.3) naming the agent and the Debian
# packages each copied file came from, with their versions, so a CVE scanner or an auditor can match them. The
# versions are those of the files copied: this machine's dpkg for its own packages, and for a SYSROOT the .deb files
# arm64_stage_libs unpacked there (its .packages record, read from each .deb); the CA bundle is always this machine's.
carrier_sbom() {
    local dest=$1 version=$2 revision=$3 sysroot=${4:-}
    local created packages=() package arch
    created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    # The purl's arch qualifier: a scanner must match arm64's advisories to the arm64 build.
    arch=$(dpkg --print-architecture)
    [ -z "$sysroot" ] || arch=$(awk '$1 == "libc6" { print $3 }' "$sysroot/.packages" 2>/dev/null)
    [ -n "$arch" ] || die "no architecture of libc6 in $sysroot/.packages"
    for package in libc6 libssl3 ca-certificates; do
        packages+=("$package" "$(carrier_package_version "$package" "$sysroot")")
    done
    {
        printf '{\n  "spdxVersion": "SPDX-2.3",\n  "dataLicense": "CC0-1.0",\n  "SPDXID": "SPDXRef-DOCUMENT",\n'
        printf '  "name": "secret-agent-carrier-%s",\n' "$version"
        printf '  "documentNamespace": "https://secret-agent.invalid/spdx/carrier/%s/%s",\n' "$version" "$revision"
        printf '  "creationInfo": { "created": "%s", "creators": ["Tool: scripts/lib/carrier.sh"] },\n' "$created"
        printf '  "packages": [\n'
        printf '    { "SPDXID": "SPDXRef-secret-agent", "name": "secret-agent", "versionInfo": "%s+%s", "downloadLocation": "NOASSERTION", "supplier": "Organization: SecretAgent project", "filesAnalyzed": false, "comment": "bin/secret-agent, NativeAOT" }' "$version" "$revision"
        local i name ver files
        for ((i = 0; i < ${#packages[@]}; i += 2)); do
            name=${packages[i]}
            ver=${packages[i + 1]}
            case $name in
                libc6) files="lib/ld-linux, lib/libc.so.6, lib/libm.so.6" ;;
                libssl3) files="lib/libssl.so.3, lib/libcrypto.so.3" ;;
                ca-certificates) files="etc/ssl/certs/ca-certificates.crt" ;;
            esac
            printf ',\n    { "SPDXID": "SPDXRef-deb-%s", "name": "%s", "versionInfo": "%s", "downloadLocation": "NOASSERTION", "supplier": "Organization: Debian", "filesAnalyzed": false, "externalRefs": [{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:deb/debian/%s@%s?arch=%s&distro=debian-12" }], "comment": "%s" }' \
                "$name" "$name" "$ver" "$name" "$ver" "$([ "$name" = ca-certificates ] && echo all || echo "$arch")" "$files"
        done
        printf '\n  ],\n  "relationships": [\n'
        printf '    { "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-secret-agent" }'
        for ((i = 0; i < ${#packages[@]}; i += 2)); do
            printf ',\n    { "spdxElementId": "SPDXRef-secret-agent", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-deb-%s" }' "${packages[i]}"
        done
        printf '\n  ]\n}\n'
    } >"$dest/sbom.spdx.json"
    chmod 0644 "$dest/sbom.spdx.json"
}

# carrier_package_version PACKAGE SYSROOT: the version of PACKAGE whose files the carrier copied (see carrier_sbom).
carrier_package_version() {
    local package=$1 sysroot=$2 version=
    if [ -n "$sysroot" ] && [ "$package" != ca-certificates ]; then
        version=$(awk -v p="$package" '$1 == p { print $2 }' "$sysroot/.packages" 2>/dev/null)
        [ -n "$version" ] || die "no version of $package in $sysroot/.packages (arm64_stage_libs records the unpacked .deb files there)"
        echo "$version"
        return
    fi
    dpkg-query -W -f='${Version}' "$package" 2>/dev/null || echo unknown
}
