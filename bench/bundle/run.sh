#!/usr/bin/env bash
# The GPU benchmark of webgpu-grid-sample, self-contained: runs on a Linux x86-64 machine with a Vulkan
# driver, without a Node.js install, node_modules or network. Built by `npm run bench:bundle`.
#
#   run.sh [NODE] [--out DIR] [--quick] [--allow-software] [--only W1,W3] [--rounds N] [--warmup N] [--skip ids]
#
# NODE      a Node.js (>= 20.19, linux-x64) binary, or an xz-compressed one; default: node.xz beside this file,
#           else `node` on PATH
# --out     where gpu-results.json, gpu-results.md and gpu-bench.log go (default ./gpu-results)
# --quick   W3 only, one round, no warm-up (the bundle's self-test)
# --allow-software   measure a software adapter (SwiftShader) instead of refusing it
# Environment: BENCH_PYTHON (default python3: PyTorch CUDA runs when it has torch with CUDA),
# BENCH_TIMEOUT (seconds for the benchmark itself, default 450), BENCH_WORK (unpack there instead of a
# fresh temporary folder, kept afterwards), BENCH_VULKAN_LOADER=bundled (use the carried libvulkan1 even
# where the system has a loader), VK_DRIVER_FILES / VK_ICD_FILENAMES (the Vulkan driver manifest to use).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { echo "run.sh: $*"; }
die() {
  echo "run.sh: $*" >&2
  exit 1
}

node_arg=''
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  node_arg=$1
  shift
fi
out=gpu-results
quick=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
  --out)
    out=$2
    shift 2
    ;;
  --quick)
    quick=1
    args+=("$1")
    shift
    ;;
  -h | --help)
    sed -n '2,16p' "$0"
    exit 0
    ;;
  *)
    args+=("$1")
    shift
    ;;
  esac
done
mkdir -p "$out" && out=$(cd "$out" && pwd) || die "cannot create --out $out"

# xz -d where xz exists, else Python's lzma (python3 is on more machines than xz-utils)
unxz_to() {
  if command -v xz >/dev/null; then
    xz -dc "$1" >"$2"
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}

# dpkg-deb -x where dpkg exists, else the .deb's ar archive read in Python
extract_deb() {
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$1" "$2"
  else
    python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
deb, dest = sys.argv[1], sys.argv[2]
data = open(deb, "rb").read()
assert data[:8] == b"!<arch>\n", f"{deb} is not a .deb"
pos = 8
while pos < len(data):
    name, size = data[pos:pos + 16].decode().strip(), int(data[pos + 48:pos + 58])
    if name.startswith("data.tar"):
        with tarfile.open(fileobj=io.BytesIO(data[pos + 60:pos + 60 + size])) as tar:
            tar.extractall(dest, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    pos += 60 + size + (size & 1)
PY
  fi
}

# the shared libraries the dynamic linker knows (ldconfig is in /sbin, off some users' PATH)
libraries() { { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null; }
# grep without -q: -q would stop reading early, and ldconfig's SIGPIPE would fail the pipeline (pipefail)
has_library() { libraries | grep -F "$1 (" >/dev/null; }

work=${BENCH_WORK:-}
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-bench.XXXXXX") || die 'mktemp failed'
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
say "unpacking into $work"
cp -r "$here/payload/." "$work/" || die "no payload/ beside $0"
while IFS= read -r f; do
  unxz_to "$f" "${f%.xz}" && rm "$f" || die "cannot decompress $f"
done < <(find "$work" -name '*.xz')

# Node.js
node_src=${node_arg:-$here/node.xz}
if [ -z "$node_arg" ] && [ ! -f "$node_src" ]; then node_src=$(command -v node) || die 'no NODE given, no node.xz beside run.sh, no node on PATH'; fi
case "$node_src" in
*.xz)
  unxz_to "$node_src" "$work/node" || die "cannot decompress $node_src"
  chmod +x "$work/node"
  node_bin=$work/node
  ;;
*) node_bin=$node_src ;;
esac
node_version=$("$node_bin" --version) || die "$node_bin does not run"
say "Node.js $node_version"

# Vulkan: the loader (libvulkan1) and glvnd's libraries that NVIDIA's driver loads through (libglvnd0,
# libglx0): the system's where it has them, else those of the .debs carried beside this file
for deb in "$here"/*.deb; do
  [ -e "$deb" ] || continue
  dir=$work/libs/$(basename "$deb" .deb)
  mkdir -p "$dir" && extract_deb "$deb" "$dir" || die "cannot unpack $deb"
  missing=''
  for so in "$dir"/usr/lib/x86_64-linux-gnu/*.so.[0-9]; do
    has_library "$(basename "$so")" || missing="$missing $(basename "$so")"
  done
  if [ -n "$missing" ] || [ "${BENCH_VULKAN_LOADER:-}" = bundled ]; then
    export LD_LIBRARY_PATH="$dir/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    say "carried $(basename "$deb") in use:${missing:- BENCH_VULKAN_LOADER=bundled}"
  fi
done
has_library libvulkan.so.1 || [[ "${LD_LIBRARY_PATH:-}" == *libvulkan1_* ]] ||
  die 'no libvulkan.so.1 on this machine and no libvulkan1_*.deb beside run.sh (apt-get download libvulkan1)'
# NVIDIA's container runtime puts the driver's libraries here, not always in the linker's cache
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"
done

# The driver manifest: NVIDIA's container runtime mounts it outside the loader's search path; where only
# the driver's library is there, write the manifest the driver package would have installed.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  manifests=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null)
  mounted=$(ls /usr/local/nvidia/share/vulkan/icd.d/*.json 2>/dev/null | head -n 1)
  if ! grep -i nvidia <<<"$manifests" >/dev/null; then
    if [ -n "$mounted" ]; then
      export VK_DRIVER_FILES=$mounted VK_ICD_FILENAMES=$mounted
    elif has_library libGLX_nvidia.so.0 || ls /usr/local/nvidia/lib*/libGLX_nvidia.so.0 >/dev/null 2>&1; then
      echo '{"file_format_version": "1.0.0", "ICD": {"library_path": "libGLX_nvidia.so.0", "api_version": "1.3"}}' >"$work/nvidia_icd.json"
      export VK_DRIVER_FILES=$work/nvidia_icd.json VK_ICD_FILENAMES=$work/nvidia_icd.json
      say 'no NVIDIA Vulkan manifest, but libGLX_nvidia.so.0 is there: using a written nvidia_icd.json'
    fi
  fi
fi
manifests=${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-$manifests}}
say "Vulkan driver manifests: $(tr ':\n' '  ' <<<"$manifests")"
# a driver whose library or its dependencies are missing is skipped by the loader without a word
for manifest in ${manifests//:/ }; do
  lib=$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$manifest" 2>/dev/null)
  case "$lib" in
  /*) path=$lib ;;
  */*) path=$(dirname "$manifest")/$lib ;;
  *) path=$( (libraries | grep -F "$lib (" | sed 's/.*=> //'; ls /usr/local/nvidia/lib*/"$lib" 2>/dev/null) | head -n 1) ;;
  esac
  if [ -z "$path" ] || [ ! -e "$path" ]; then
    say "driver $manifest: its library ${lib:-(none named)} is not on this machine"
  elif unresolved=$(ldd "$path" 2>/dev/null | grep 'not found'); then
    say "driver $manifest: $lib lacks $(tr -s '\n\t' '  ' <<<"$unresolved")"
  fi
done
command -v nvidia-smi >/dev/null && say "$(nvidia-smi -L | head -n 1)"

export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg} BENCH_PYTHON=${BENCH_PYTHON:-python3}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# --no-liftoff: onnxruntime's wasm fully optimised before timing, as `npm run bench` does; the quick
# self-test skips that compile (minutes on a small machine) since it times nothing it quotes.
[ "$quick" = 1 ] && v8=--liftoff-only || v8=--no-liftoff
cd "$work" || die "cannot enter $work"
timeout "${BENCH_TIMEOUT:-450}" "$node_bin" "$v8" bench/bench.mjs --out "$out" "${args[@]}" 2>&1 | tee "$out/gpu-bench.log"
status=${PIPESTATUS[0]}
[ "$status" = 124 ] && say "stopped after BENCH_TIMEOUT=${BENCH_TIMEOUT:-450} s; the workloads done so far are in $out"
[ "$status" = 0 ] && say "results: $out/gpu-results.md and gpu-results.json"
exit "$status"
