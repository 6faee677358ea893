# Runs a .tflite file in Arm NN's TfLite parser on its CpuRef backend (Debian's python3-pyarmnn), the
# second opinion the TFLite conversion tests compare with.
# Usage: armnn-run.py MODEL OUT_DIR NAME=IN.npy ... (inputs by TFLite tensor name). Writes OUT_DIR/output_K.npy
# and OUT_DIR/outputs.json (the output tensor names, in that order). Exit 3 with the reason on stderr when
# Arm NN cannot take the model.
import json
import os
import sys

import numpy as np
import pyarmnn as ann

model, out_dir = sys.argv[1], sys.argv[2]
given = dict(arg.split("=", 1) for arg in sys.argv[3:])
try:
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(model)
    in_names = parser.GetSubgraphInputTensorNames(0)
    out_names = parser.GetSubgraphOutputTensorNames(0)
    in_info = [parser.GetNetworkInputBindingInfo(0, n) for n in in_names]
    out_info = [parser.GetNetworkOutputBindingInfo(0, n) for n in out_names]
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
except RuntimeError as err:
    print(str(err).split(" at function")[0], file=sys.stderr)
    sys.exit(3)
missing = [n for n in in_names if n not in given]
if missing:
    sys.exit(f"no input given for {missing}")
arrays = [np.load(given[n]) for n in in_names]
outputs = ann.make_output_tensors(out_info)
runtime.EnqueueWorkload(net_id, ann.make_input_tensors(in_info, arrays), outputs)
for k, y in enumerate(ann.workload_tensors_to_ndarray(outputs)):
    np.save(os.path.join(out_dir, f"output_{k}.npy"), y)
with open(os.path.join(out_dir, "outputs.json"), "w") as f:
    json.dump(list(out_names), f)
