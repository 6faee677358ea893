#!/usr/bin/env bash
# Regenerates the static protobufjs reader/writer for ONNX from scripts/proto/onnx.proto.
# The proto is ONNX 1.12 (IR 8), copied from Debian's python3-onnx package:
#   apt-get download python3-onnx && dpkg -x python3-onnx_*.deb x
#   cp x/usr/lib/python3/dist-packages/onnx/onnx.proto scripts/proto/onnx.proto
# Works offline: it needs only protobufjs-cli from node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

proto=scripts/proto/onnx.proto
out=electron/core/onnx/generated
cli=node_modules/protobufjs-cli/bin
mkdir -p "$out"

# --keep-case: field names stay as in onnx.proto (raw_data, int64_data, ...).
# int64 fields decode to Long objects (protobufjs finds the "long" package), so dims and
# int64_data survive exactly; codec.ts checks that Long is present at load time.
node "$cli/pbjs" -t static-module -w es6 --keep-case \
  --no-verify --no-delimited --no-service --no-typeurl \
  -o "$out/onnx.js" "$proto"

node "$cli/pbts" -o "$out/onnx.d.ts" "$out/onnx.js"

# protobufjs/minimal is CommonJS whose exports Node cannot list for a namespace import:
# take its default export, with the .js suffix that ESM resolution needs.
sed -i 's#^import \* as \$protobuf from "protobufjs/minimal";#import $protobuf from "protobufjs/minimal.js";#' "$out/onnx.js"
echo "wrote $out/onnx.js and $out/onnx.d.ts"
